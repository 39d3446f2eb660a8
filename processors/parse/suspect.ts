/**
 * Probably not a case, but not certain enough to drop: what the mail filter in front of the
 * mailbox flagged as spam, marketing mail, and ticket systems' receipts that carry no
 * Auto-Submitted header. Unlike noncase.ts (machine mail that never becomes a case), these
 * become cases in the "waarschijnlijk geen zaak" queue, where an agent decides: the register
 * allows no automated decision, and a citizen's real question must not be lost to a filter.
 *
 * Reasons are fixed phrases (never header values): they go on the case, to logs and metrics.
 */
import type { NonCaseInput } from './noncase.ts';

export const SUSPECT_REASONS = ['spam-filter-header', 'bulk-mail', 'ticket-system-receipt', 'phishing-signals', 'marketing-signals'] as const;
export type SuspectReason = (typeof SUSPECT_REASONS)[number];

const MAX_MATCH_CHARS = 2_000;
const cap = (s: string, n = MAX_MATCH_CHARS) => (s.length > n ? s.slice(0, n) : s);
const first = (h: NonCaseInput['headers'], name: string) => h.get(name)?.[0];

// A ticket or case number in a subject: "[Ticket#2026120110000012]", "(#48213)", "Melding 2026-0042 ontvangen", "Request 123456 received".
const TICKET_SUBJECT = /(?:\[\s*(?:ticket|case|request|incident|melding|zaak|call|issue)?\s*#?\s*:?\s*[a-z]{0,6}[-#]?\d{4,}[^\]]{0,20}\]|\(#\d{3,}\)|\b(?:ticket|request|incident|case|melding|zaak|registratie|aanvraag|call|referentie|reference|ref|kenmerk|dossier)(?:nummer|number|nr\.?|-?id)?\s*[#:.]?\s*[a-z]{0,6}-?\d{4,}(?:-\d+)?\b)/i;
// What a receipt says: that something was received and a person will follow, or not to reply.
const RECEIPT_WORDING = /\b(?:we (?:have )?received your (?:request|message|e-?mail|enquiry|ticket)|your (?:request|ticket|message|case)(?: \(?#?[\w-]{2,24}\)?)? (?:has been|was|is) (?:received|registered|created|logged)|(?:is|werd|wordt) (?:in goede orde )?(?:ontvangen|geregistreerd|aangemaakt)|hebben (?:uw|je) (?:e-?mail|bericht|melding|vraag|aanvraag|verzoek) (?:in goede orde )?ontvangen|(?:dit is een|this is an) (?:automatisch(?:e)?|automated|automatic)(?:ally)?(?: gegenereerd(?:e)?| verzonden| generated| sent)? (?:bericht|e-?mail|message|reply|response|notification)|(?:do not|please do not|don't) reply to this (?:e-?mail|message)|(?:gelieve|graag) (?:niet|geen) (?:te )?(?:antwoorden|beantwoorden|reageren)|(?:u kunt|je kunt) (?:niet )?(?:op )?deze (?:e-?mail|mail|bericht) niet (?:beantwoorden|reageren)|(?:u kunt|je kunt) er niet op (?:reageren|antwoorden)|##- ?(?:please type your reply above this line|typ uw antwoord boven deze regel) ?-##)/i;

/** Header values a mail filter sets for spam: SpamAssassin, rspamd's milter, Exchange Online's SCL. */
function spamFilterSaysSpam(h: NonCaseInput['headers']): boolean {
  if (/^\s*yes\b/i.test(first(h, 'x-spam-flag') ?? '')) return true;
  if (/^\s*yes\b/i.test(first(h, 'x-spam-status') ?? '')) return true;
  if (/^\s*yes\b/i.test(first(h, 'x-spam') ?? '')) return true;
  if (/^\s*(?:add header|rewrite subject|reject)\b/i.test(first(h, 'x-rspamd-action') ?? '')) return true;
  // Exchange: a spam confidence level of 5 or more is what it files as junk.
  const scl = Number.parseInt(first(h, 'x-ms-exchange-organization-scl') ?? '', 10);
  if (Number.isInteger(scl) && scl >= 5 && scl <= 9) return true;
  const forefront = /\bSCL:(\d)\b/.exec(cap(first(h, 'x-forefront-antispam-report') ?? ''));
  return !!forefront && Number(forefront[1]) >= 5;
}

/**
 * The reasons, in a fixed order, or [] for a message that looks like a person's. `ownText`
 * is the writer's own words (quoted history removed), where a receipt's wording would be.
 */
export function suspectReasons(input: Pick<NonCaseInput, 'headers' | 'subject'>, ownText: string): SuspectReason[] {
  const h = input.headers;
  const out: SuspectReason[] = [];
  if (spamFilterSaysSpam(h)) out.push('spam-filter-header');
  // RFC 2369 / 8058: a one-click unsubscribe is what bulk senders add and people never do.
  if (h.has('list-unsubscribe') || h.has('list-unsubscribe-post')) out.push('bulk-mail');
  if (TICKET_SUBJECT.test(cap(input.subject)) && RECEIPT_WORDING.test(cap(ownText, 4_000))) out.push('ticket-system-receipt');
  return out;
}

/**
 * What a message's own structure shows when no filter in front of the mailbox has judged it:
 * the marks of phishing and of marketing mail that rspamd's offline rules do not score (its
 * Bayes classifier would need training data we do not have). Each mark is a structural fact
 * about links, senders and forms of address, not a list of spam words; a message needs two
 * marks of phishing, or all three of marketing, and a writer who speaks for themselves ('ik',
 * 'mijn', 'I', 'my') never gets either: phishing and marketing speak to "u" and "you", a citizen
 * quoting such a mail to ask about it speaks for themselves. Only for messages that are not a
 * forward (a citizen forwarding a phishing mail asks about it). Only ever a reason for the
 * screening queue, where an agent decides.
 */
export interface ContentSignalInput {
  /** The writer's own text, plain. */
  text: string;
  html: string | null;
  fromName: string | null;
  fromAddress: string | null;
  /** The KCC's own addresses and domains ('intake@kcc.test', 'logius.nl'). */
  ourAddresses: readonly string[];
}

const MAX_SIGNAL_CHARS = 20_000;
const MAX_LINKS = 200;
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"')]{1,500}/giu;
/** Speaking for oneself: a citizen's question. Singular only ('wij' is also a company's voice). */
const FIRST_PERSON_SINGULAR = /(?:^|[^\p{L}])(?:[Ii][Kk]|[Mm]ij|[Mm]ijn|[Mm]'n|[Mm]e|I|[Mm]y|[Mm]ine|[Mm]yself|IK|MIJ|MIJN|MY)(?![\p{L}])/u;
/** A call to log in, confirm or verify the reader's account or details ('uw', 'your': a company asking about its own account says 'ons'), near a link. */
const CREDENTIAL_CALL = /\b(?:verif(?:y|ieer|iëren|ieren)|confirm|bevestig(?:en)?|valideer|validate|log\s?in|inloggen|update|reactiveer|reactivate|unlock|ontgrendel)\b[^\n]{0,60}\b(?:uw|your|je|jouw)\s+(?:[\p{L}-]{2,20}\s+)?(?:account|gegevens|details|mailbox|postvak|password|wachtwoord|identiteit|identity|digid|storage|opslag|profiel|profile)\b|\b(?:uw|your|je|jouw)\s+(?:account|gegevens|details|mailbox|postvak|identiteit|identity)\b[^\n]{0,40}\b(?:verif(?:y|ieer|iëren|ieren)|confirm|bevestig(?:en)?)\b/iu;
/** A deadline with a threat: what phishing presses with. */
const THREAT_DEADLINE = /\b(?:within|binnen)\s+(?:\d{1,3}|één|een|one|twee|two)\s*(?:hours?|uur|dagen|days?)\b|\b(?:vandaag nog|today)\b|\b(?:will be|wordt|worden|is)\s+(?:permanently\s+|definitief\s+|permanent\s+)?(?:blocked|suspended|deactivated|deleted|closed|geblokkeerd|opgeschort|gedeactiveerd|verwijderd|afgesloten)\b|\b(?:permanent|permanente|definitieve)\s+(?:deactivation|deactivering|blokkering|verwijdering)\b/iu;
/** A link to a file that runs or unpacks: how malware is delivered. */
const RISKY_FILE_LINK = /\.(?:zip|rar|7z|exe|scr|js|jar|iso|img|msi|bat|cmd|vbs|lnk|html?)(?:[?#][^\s]*)?$/iu;
/** Salutations that address a list, not a person who wrote in. */
const BULK_GREETING = /^[ \t]*(?:geachte|beste|dear|hello|hi)\s+(?:relatie|relaties|klant|klanten|abonnee|lezer|subscriber|customer|member|lid|partner|partners|collega's)\b/imu;
/** A sign-off by a team or a company, not a person: 'Het team van X', 'The X Team'. */
const TEAM_SIGNOFF = /^[ \t]*(?:het[ \t]+(?:\p{L}{1,30}[ \t]+)?team(?:[ \t]+van)?|(?:the[ \t]+)?[\p{L}&.\- ]{2,40}[ \t]+team)[ \t]*[\p{L}&.\- ]{0,40}$/imu;

function domainOf(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1).toLowerCase();
}

function linkDomain(url: string): string | null {
  const m = /^(?:https?:\/\/)?([^/:?#\s]{1,253})/iu.exec(url);
  return m?.[1] ? m[1].toLowerCase().replace(/^www\./, '') : null;
}

/** The name part of a domain without its ending: 'digid-verificatie.example' → 'digid-verificatie'. */
function label(domain: string): string {
  const parts = domain.split('.');
  return parts.length >= 2 ? (parts[parts.length - 2] ?? '') : domain;
}

const sameSite = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

/** Whether a domain's name holds `name` as one of its hyphenated parts, with other parts added ('kcc' in 'kcc-mailbox'). */
function wearsName(l: string, name: string): boolean {
  const parts = l.split('-');
  return name.length >= 3 && parts.length > 1 && parts.includes(name);
}

/**
 * A domain that wears someone else's name with words added: our own domain's name
 * ('kcc-mailbox.example' for kcc.test), or the display name's when the domain is more than
 * the display name written together ('DigiD' from 'digid-verificatie.example'; not 'GovTech
 * Events' from 'govtech-events.example').
 */
function looksAlike(domain: string, ourNames: readonly string[], display: string | null): boolean {
  const l = label(domain);
  if (ourNames.some((n) => l !== n && wearsName(l, n))) return true;
  const words = (display ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  return words.some((w) => wearsName(l, w)) && l.replace(/-/g, '') !== words.join('');
}

/** Links in HTML whose visible text is an address on another site than the one they open. */
function mismatchedLinks(html: string): number {
  let n = 0;
  let seen = 0;
  for (const m of cap(html, MAX_SIGNAL_CHARS).matchAll(/<a\b[^>]{0,500}?href\s*=\s*["']([^"']{1,500})["'][^>]{0,200}>([^]{0,300}?)<\/a>/giu)) {
    if (++seen > MAX_LINKS) break;
    const shown = (m[2] ?? '').replace(/<[^>]{0,200}>/g, '').trim();
    const shownDomain = /^(?:https?:\/\/)?(?:www\.)?[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,5}(?:[/?#]\S*)?$/iu.test(shown) ? linkDomain(shown) : null;
    const target = linkDomain(m[1] ?? '');
    if (shownDomain && target && /^https?:/i.test(m[1] ?? '') && !sameSite(shownDomain, target)) n++;
  }
  return n;
}

export function contentSignals(input: ContentSignalInput): SuspectReason[] {
  const text = cap(input.text, MAX_SIGNAL_CHARS);
  if (FIRST_PERSON_SINGULAR.test(text)) return [];
  const links = [...text.matchAll(LINK)].slice(0, MAX_LINKS).map((m) => m[0].replace(/[.,;:!?]+$/, ''));
  const fromDomain = domainOf(input.fromAddress);
  const ourDomains = input.ourAddresses.map((a) => (a.includes('@') ? domainOf(a) : a.replace(/^@/, '').toLowerCase())).filter((d): d is string => !!d && d.includes('.'));
  const ourNames = ourDomains.map(label);
  const htmlMismatch = input.html ? mismatchedLinks(input.html) : 0;

  const marks = [
    // 'Click here to verify your account: https://…'
    links.length > 0 && CREDENTIAL_CALL.test(text),
    THREAT_DEADLINE.test(text),
    links.some((l) => RISKY_FILE_LINK.test(l.replace(/[?#].*$/, ''))),
    htmlMismatch > 0,
    // Addressed by the mailbox's own address: 'Dear intake@kcc.test'.
    /^[ \t]*(?:dear|beste|geachte|hallo|hello|hi)[ \t]+[^\s@]{1,64}@[^\s@]{1,255}/imu.test(text),
    // A sender or link domain that wears our name or the display name with words added.
    [fromDomain, ...links.map(linkDomain)].some((d) => !!d && !ourDomains.some((o) => sameSite(d, o)) && looksAlike(d, ourNames, input.fromName)),
  ].filter(Boolean).length;
  const out: SuspectReason[] = [];
  if (marks >= 2) out.push('phishing-signals');
  else if (fromDomain && links.some((l) => { const d = linkDomain(l); return !!d && sameSite(d, fromDomain); }) && BULK_GREETING.test(text) && TEAM_SIGNOFF.test(text)) {
    // A list greeting, a team's sign-off and a call to the sender's own site: marketing.
    out.push('marketing-signals');
  }
  return out;
}
