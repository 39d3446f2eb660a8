/**
 * The citizen's address from their own earlier message in a reply's quoted history.
 *
 * A citizen who answers our reply often writes only "see my first mail"; the address is in
 * that first mail, quoted below our answer. The history is cut into messages at their
 * attribution lines ('Op … schreef Naam <adres>:', 'On … wrote:') and Outlook header blocks
 * ('Van: / From:'), whatever their quote depth. Only a message attributed to the citizen
 * (the same address, or the same full name) counts: our own answers, with the KCC's visiting
 * address in their signature, and anyone else's mail never do.
 *
 * Line by line over text already capped, every pattern on a short line: linear.
 */
import { findAddresses, bestAddress } from './address.ts';
import type { AddressHit } from './address.ts';
import { fold } from './text.ts';

/** Attribution lines are short; longer lines are body text. */
const MAX_MARKER_LINE = 400;
/** 'Op … schreef X <x@y>:', 'On … wrote:', 'X wrote:': tested as three linear checks, not one pattern that backtracks over the line. */
const ATTRIBUTION_START = /^(?:op|on|am|le|el)\s/iu;
const ATTRIBUTION_VERB = /\b(?:schreef|wrote|schrieb|geschreven|a écrit|escribió)\b/iu;
const ATTRIBUTION_END = /\b(?:schreef|wrote|schrieb)\s*:$/iu;
function isAttribution(line: string): boolean {
  if (!line.endsWith(':')) return false;
  return (ATTRIBUTION_START.test(line) && ATTRIBUTION_VERB.test(line)) || ATTRIBUTION_END.test(line);
}
const HEADER_FROM = /^\*{0,2}(?:van|from|von|de)\*{0,2}\s*:\s*(.{1,300})$/iu;
const ADDRESS = /[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}/u;

interface QuotedMessage {
  /** The attribution or From line as written. */
  header: string;
  lines: string[];
}

/** The quoted history as messages, each with the line that attributes it. Text before the first marker has no author and is dropped. */
function messagesOf(quoted: string): QuotedMessage[] {
  const out: QuotedMessage[] = [];
  let current: QuotedMessage | null = null;
  for (const raw of quoted.split('\n')) {
    // Quote depth does not matter once the messages are cut at their attributions.
    const line = raw.replace(/^(?:\s*>)+\s?/u, '');
    const probe = line.length > MAX_MARKER_LINE ? '' : line.trim();
    if (probe !== '' && (isAttribution(probe) || HEADER_FROM.test(probe))) {
      current = { header: probe, lines: [] };
      out.push(current);
      continue;
    }
    current?.lines.push(line);
  }
  return out;
}

export interface QuotedOptions {
  /** The citizen's e-mail address (the From of the new message), or null. */
  citizenAddress: string | null;
  /** The citizen's name as read from the new message, or null. */
  citizenName: string | null;
  isOurs: (address: string) => boolean;
  /** The extractor's masking (e-mail addresses, IBANs, links, references) before addresses are read. */
  mask: (text: string) => string;
  ourPostcodes: ReadonlySet<string>;
}

/** Whether a message header attributes the message to the citizen, and not to us. */
function byCitizen(header: string, o: QuotedOptions): boolean {
  const address = ADDRESS.exec(header)?.[0].toLowerCase() ?? null;
  if (address !== null) return !o.isOurs(address) && o.citizenAddress !== null && address === o.citizenAddress.toLowerCase();
  // Without an address only a full name (two words or more) that is the citizen's.
  const name = o.citizenName ? fold(o.citizenName) : '';
  return name.split(' ').length >= 2 && fold(header).includes(name);
}

/** The texts of the quoted messages the citizen wrote, most recent first. */
export function citizenQuotedTexts(quoted: string, o: Pick<QuotedOptions, 'citizenAddress' | 'citizenName' | 'isOurs'>): string[] {
  return messagesOf(quoted).filter((m) => byCitizen(m.header, o as QuotedOptions)).map((m) => m.lines.join('\n'));
}

/** The best address in the most recent quoted message the citizen wrote, or null. */
export function quotedAddress(quoted: string, o: QuotedOptions): AddressHit | null {
  for (const text of citizenQuotedTexts(quoted, o)) {
    const hit = bestAddress(findAddresses(o.mask(text), o.ourPostcodes), text);
    if (hit && hit.tier <= 3) return hit;
  }
  return null;
}
