import { createHash } from 'node:crypto';
import { InputError } from '../../lib/errors.ts';
import { htmlToPlain, type HtmlFallback } from './html.ts';
import { resolveLimits } from './limits.ts';
import type { ParseLimits } from './limits.ts';
import { runMailparser } from './mailparser.ts';
import type { RawMailbox, RawParsed } from './mailparser.ts';
import { detectNonCase, headerIndex } from './noncase.ts';
import type { NonCase, NonCaseOptions } from './noncase.ts';
import { splitQuotes } from './quotes.ts';
import { suspectReasons, contentSignals, type SuspectReason } from './suspect.ts';
import { prescan } from './scan.ts';

export interface Address {
  name: string | null;
  /** Lower-cased. */
  address: string | null;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
  inline: boolean;
  /** Content-ID without angle brackets, control characters removed; null when absent. */
  contentId: string | null;
}

export interface ParsedEmail {
  /** Without angle brackets, trimmed; null if absent. */
  messageId: string | null;
  /** '' if absent. */
  subject: string;
  /** null when absent or unparseable (warning 'date-invalid'). */
  date: Date | null;
  from: Address;
  replyTo: Address | null;
  to: Address[];
  inReplyTo: string | null;
  /** Message-IDs without angle brackets. */
  references: string[];
  /**
   * The writer's own text as plain text: HTML converted, quoted history removed; for a
   * forwarded message, the forwarded original's own text. A signature after "-- " is the
   * writer's and stays (later stages may need the contact details in it).
   */
  text: string;
  /** What was set aside as quoted history (and, for a forward, the forwarder's note). '' if none. */
  quotedText: string;
  /**
   * A forwarded message: the original's sender and recipients, read from the forward header
   * block in the body, and the forwarder's own note above it ('' if none).
   */
  forwarded: { from: Address; subject: string | null; to: string[]; toText: string; note: string } | null;
  attachments: ParsedAttachment[];
  /**
   * The HTML body as sent (null for a plain-text message), never rendered here: what is
   * kept of it is sanitised by processors/content. Null as well when the body fell back to
   * the tag stripper (too deep, too large), since such markup cannot be shown as written.
   */
  html: string | null;
  nonCase: NonCase | null;
  /** Probably not a case (spam-filter verdict, bulk mail, a ticket system's receipt): an agent decides (suspect.ts). */
  suspect: SuspectReason[];
  /**
   * Set when the body was cut to the text limit or could not be rendered as written (HTML
   * too deep, too large, or not convertible: then its bare text, tags stripped, is kept).
   * `originalChars`: the text's length before it was cut, when it was.
   */
  truncated: Truncation | null;
  warnings: string[];
}

export type TruncationReason = HtmlFallback | 'text-too-long';
export interface Truncation { reason: TruncationReason; originalChars: number | null; keptChars: number }

export type ParseOptions = NonCaseOptions;

// RFC 5322 §2.1.1: no line may exceed 998 characters, so neither may a Message-ID.
const MAX_ID_CHARS = 998;
// A subject longer than this is cut (warning 'subject-truncated'); the corpus has a 200 KB one.
const MAX_SUBJECT_CHARS = 2_000;
// Long threads carry hundreds of References; the nearest ones matter for threading.
const MAX_REFERENCES = 100;
// How much of each delivery-status part, and of the body, non-case detection reads.
const NONCASE_EXCERPT_CHARS = 4_000;
// File names are metadata that may end up on disk: cut to a common filesystem limit.
const MAX_FILENAME_CHARS = 255;

/**
 * Parse one raw RFC 5322 message. Throws InputError (PARSE_EMPTY, PARSE_TOO_LARGE,
 * PARSE_NOT_EMAIL, PARSE_TOO_DEEP, PARSE_TOO_MANY_ATTACHMENTS, PARSE_HEADER_TOO_LARGE,
 * PARSE_FAILED) for input that cannot or must not be parsed; never anything else for bad input.
 */
export async function parseEmail(raw: Buffer, limits?: Partial<ParseLimits>, options: ParseOptions = {}): Promise<ParsedEmail> {
  if (!Buffer.isBuffer(raw)) throw new TypeError('parseEmail expects a Buffer');
  const resolved = resolveLimits(limits);
  const scan = prescan(raw, resolved);
  const warnings = [...scan.warnings];
  const mail = await runMailparser(scan.raw, resolved);

  const attachments = mail.attachments.map((a, i) => toAttachment(a, i));
  if (attachments.length > resolved.maxAttachments) {
    throw new InputError('PARSE_TOO_MANY_ATTACHMENTS', `message has more than ${resolved.maxAttachments} attachments`);
  }

  let subject = withoutControls(mail.subject ?? '', warnings).replaceAll('\n', ' ');
  if (subject.length > MAX_SUBJECT_CHARS) {
    subject = subject.slice(0, MAX_SUBJECT_CHARS);
    warnings.push('subject-truncated');
  }

  const rendered = bodyText(mail, resolved.maxTextChars, warnings);
  const body = withoutControls(rendered.text, warnings);
  const split = splitQuotes(body, subject);

  const headers = headerIndex(mail.headerLines);
  const from = firstAddress(mail.from) ?? { name: null, address: null };
  const deliveryStatus = mail.attachments
    .filter((a) => (a.contentType ?? '').toLowerCase().endsWith('delivery-status'))
    .map((a) => a.content.subarray(0, NONCASE_EXCERPT_CHARS).toString('latin1'))
    .join('\n');
  const nonCase = detectNonCase(
    {
      headers,
      subject,
      from,
      contentType: mail.contentType,
      partTypes: attachments.map((a) => a.contentType),
      deliveryStatus,
      text: body.slice(0, NONCASE_EXCERPT_CHARS),
    },
    options,
  );

  // A message forwarded as an attachment (message/rfc822, "forward as attachment" in Outlook
  // and Thunderbird) is the same as an inline forward: the original's sender is the citizen,
  // the forwarder's own words are the note. Not for bounces and reports, which carry the
  // original too but are no forward.
  let text = split.text;
  let forwarded = split.forwarded === null ? null : { ...split.forwarded };
  if (forwarded === null && nonCase === null) {
    const enclosed = await attachedForward(attachments, resolved, options, warnings);
    if (enclosed) {
      forwarded = { from: enclosed.from, subject: enclosed.subject || null, to: enclosed.to.map((a) => a.address).filter((a): a is string => a !== null), toText: enclosed.to.map((a) => [a.name, a.address].filter(Boolean).join(' ')).join(', '), note: split.text };
      text = enclosed.text;
    }
  }

  return {
    messageId: cleanId(mail.messageId, warnings),
    subject,
    date: parseDate(headers.get('date')?.[0], warnings),
    from,
    replyTo: firstAddress(mail.replyTo),
    to: mail.to.map(toAddress).filter((a) => a.address !== null || a.name !== null),
    inReplyTo: ids(mail.inReplyTo ?? '')[0] ?? null,
    references: mail.references.flatMap((r) => ids(r)).slice(-MAX_REFERENCES),
    text,
    quotedText: split.quotedText,
    forwarded,
    attachments,
    html: mail.html !== null && mail.html.trim() !== '' && rendered.truncated?.reason !== 'html-too-deep' && rendered.truncated?.reason !== 'html-too-large' ? mail.html : null,
    nonCase,
    suspect: nonCase === null ? [
      ...suspectReasons({ headers, subject }, split.text),
      // Content marks only for a message that is not a forward: a forwarded phishing mail is the citizen's question.
      ...(forwarded === null ? contentSignals({ text: split.text, html: mail.html, fromName: from.name, fromAddress: from.address, ourAddresses: options.ourAddresses ?? [] }) : []),
    ] : [],
    truncated: rendered.truncated,
    warnings,
  };
}

/**
 * The one message/rfc822 attachment of a forward-as-attachment, parsed with what is left of
 * the nesting limit; null when there is none, more than one (a collection, not a forward),
 * or it cannot be parsed (then it stays an attachment and the outer message is read as is).
 */
async function attachedForward(attachments: ParsedAttachment[], limits: ParseLimits, options: ParseOptions, warnings: string[]): Promise<ParsedEmail | null> {
  const enclosed = attachments.filter((a) => a.contentType === 'message/rfc822' || a.contentType === 'message/global');
  if (enclosed.length !== 1) return null;
  try {
    const inner = await parseEmail(enclosed[0]!.content, { ...limits, maxMimeDepth: Math.max(1, limits.maxMimeDepth - 1) }, options);
    if (inner.from.address === null && inner.from.name === null) return null;
    return inner;
  } catch {
    warnings.push('attached-message-unreadable');
    return null;
  }
}

/**
 * Stable dedupe key: sha256 (hex) over the Message-ID (or '') followed by the hex sha256
 * of the raw bytes. The raw hash has a fixed length, so the concatenation is unambiguous.
 */
export function messageKey(parsed: Pick<ParsedEmail, 'messageId'>, raw: Buffer): string {
  const rawHash = createHash('sha256').update(raw).digest('hex');
  return createHash('sha256').update(parsed.messageId ?? '', 'utf8').update(rawHash, 'utf8').digest('hex');
}

function bodyText(mail: RawParsed, maxChars: number, warnings: string[]): { text: string; truncated: Truncation | null } {
  let text = mail.text ?? '';
  let fallback: HtmlFallback | null = null;
  if (text.trim() === '' && mail.html !== null && mail.html.trim() !== '') {
    const converted = htmlToPlain(mail.html, maxChars);
    warnings.push(...converted.warnings);
    text = converted.text;
    fallback = converted.fallback;
  }
  // The tag stripper keeps a line break per block tag: 450,000 empty <div>s must not spend
  // the whole text limit on blank lines before the words.
  if (fallback !== null) text = text.replace(/\n(?:[ \t\r]*\n)+/g, '\n\n').trim();
  let originalChars: number | null = null;
  if (text.length > maxChars) {
    originalChars = text.length;
    text = text.slice(0, maxChars);
    warnings.push('text-truncated');
  }
  text = text.replace(/\r\n?/g, '\n').replaceAll('\u00a0', ' ');
  const reason: TruncationReason | null = originalChars !== null ? 'text-too-long' : fallback;
  return { text, truncated: reason === null ? null : { reason, originalChars, keptChars: text.length } };
}

// C0 control characters other than tab and line breaks (and DEL), wherever a header or the
// text reaches the case (text, subject, names, addresses, Message-IDs): noise to an agent, and a
// NUL cannot be stored at all on FerretDB's PostgreSQL backend (JSONB refuses \u0000), where
// it made the whole case write fail. Three messages of the shared corpus carry them.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Text without control characters. They become white space, never nothing: a vertical tab
 * or form feed between "111222333" and "06-12345678" must not join them into one number,
 * or the BSN would escape redaction and the phone number extraction.
 */
function withoutControls(text: string, warnings: string[]): string {
  CONTROLS.lastIndex = 0;
  if (!CONTROLS.test(text)) return text;
  if (!warnings.includes('control-characters-removed')) warnings.push('control-characters-removed');
  return text.replace(/[\u000b\u000c]/g, '\n').replace(CONTROLS, ' ');
}

function toAddress(m: RawMailbox): Address {
  const name = m.name.replace(CONTROLS, ' ').replace(/\s{2,}/g, ' ').trim();
  const address = m.address === null ? '' : m.address.replace(CONTROLS, '').trim().toLowerCase();
  return { name: name === '' ? null : name, address: address === '' ? null : address };
}

function firstAddress(list: RawMailbox[]): Address | null {
  for (const m of list) {
    const a = toAddress(m);
    if (a.address !== null || a.name !== null) return a;
  }
  return null;
}

/** Message-IDs in a header value, without angle brackets. Bare ids (no brackets) are kept too. */
function ids(header: string): string[] {
  const value = header.replace(CONTROLS, '');
  const out: string[] = [];
  const bracketed = value.match(/<[^<>]{1,998}>/g);
  if (bracketed) {
    for (const b of bracketed) {
      const id = b.slice(1, -1).trim();
      if (id !== '') out.push(id);
    }
    return out;
  }
  for (const part of value.split(/\s+/)) {
    const id = part.trim();
    if (id !== '' && id.length <= MAX_ID_CHARS) out.push(id);
  }
  return out;
}

function cleanId(value: string | null, warnings: string[]): string | null {
  if (value === null) return null;
  const id = value.replace(CONTROLS, '').trim().replace(/^<\s*/, '').replace(/\s*>$/, '').trim();
  if (id === '') return null;
  if (id.length > MAX_ID_CHARS) {
    warnings.push('message-id-invalid');
    return null;
  }
  return id;
}

function parseDate(value: string | undefined, warnings: string[]): Date | null {
  if (value === undefined || value.trim() === '') return null;
  // mailparser substitutes "now" for an unparseable date; we would rather say we do not know.
  const d = new Date(value.slice(0, 200));
  if (Number.isNaN(d.getTime())) {
    warnings.push('date-invalid');
    return null;
  }
  return d;
}

const TOKEN = /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}$/;

function toAttachment(a: RawParsed['attachments'][number], index: number): ParsedAttachment {
  const type = (a.contentType ?? '').trim().toLowerCase();
  return {
    filename: safeFilename(a.filename, index),
    // "application-x-gzip", "" and other non-types become the generic binary type
    contentType: TOKEN.test(type) ? type : 'application/octet-stream',
    size: a.content.length,
    sha256: a.sha256 || createHash('sha256').update(a.content).digest('hex'),
    content: a.content,
    inline: a.disposition?.toLowerCase() === 'inline' || a.related,
    contentId: a.contentId === null ? null : a.contentId.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_ID_CHARS) || null,
  };
}

/** The last path segment, without control characters; a generated name when there is none. */
function safeFilename(name: string | null, index: number): string {
  let n = (name ?? '').replace(/[\u0000-\u001f\u007f]/g, '');
  const slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
  if (slash !== -1) n = n.slice(slash + 1);
  n = n.trim();
  if (n === '' || n === '.' || n === '..') return `attachment-${index + 1}`;
  return n.length > MAX_FILENAME_CHARS ? n.slice(0, MAX_FILENAME_CHARS) : n;
}

export interface EmailParserConfig extends NonCaseOptions {
  limits?: Partial<ParseLimits>;
}

export interface EmailParser {
  readonly limits: Readonly<ParseLimits>;
  parse(raw: Buffer): Promise<ParsedEmail>;
}

/** Factory for the stage: limits are validated once here (ConfigError), not per message. */
export function createEmailParser(config: EmailParserConfig = {}): EmailParser {
  const { limits: overrides, ...options } = config;
  const limits = resolveLimits(overrides);
  const frozenOptions: ParseOptions = Object.freeze({ ...options, ourAddresses: Object.freeze([...(options.ourAddresses ?? [])]) });
  return Object.freeze({
    limits,
    parse: (raw: Buffer) => parseEmail(raw, limits, frozenOptions),
  });
}

/** What a refusal needs from a message it could not take: its headers, read on their own. */
export interface HeaderView {
  messageId: string | null;
  subject: string;
  from: Address;
  replyTo: Address | null;
  /** The envelope sender (Return-Path) lower-cased; '' for the null sender `<>`; null when absent. */
  returnPath: string | null;
  /** Auto-reply, bounce, list, loop… (the same rules as for whole messages). */
  nonCase: NonCase | null;
  /** Any List-* header (RFC 2369/2919): list traffic is never answered. */
  fromList: boolean;
}

// The start of a header block a refusal reads: From, Message-ID, Subject and the automation
// headers sit in the first few kilobytes; 64 KiB covers the corpus' largest real header
// blocks (Outlook threads with long References), and a 5 MB header (PARSE_HEADER_TOO_LARGE)
// is read only this far.
const REFUSAL_HEADER_BYTES = 64 * 1024;

/** The header block of a raw message (up to the first empty line), at most REFUSAL_HEADER_BYTES, cut at a line end. */
export function headerBlockOf(raw: Buffer): Buffer {
  const head = raw.subarray(0, REFUSAL_HEADER_BYTES);
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  if (ends.length > 0) return head.subarray(0, Math.min(...ends));
  const lastLine = head.lastIndexOf('\n');
  return lastLine > 0 ? head.subarray(0, lastLine) : head;
}

/**
 * Read a header block alone (an IMAP FETCH of the header of a message too large to fetch
 * whole, or the start of one the parser refused). Never throws for bad input: what cannot
 * be read is null, and a refusal without a readable sender is simply not answered.
 */
export async function parseHeaderBlock(header: Buffer, options: ParseOptions = {}): Promise<HeaderView> {
  const empty: HeaderView = { messageId: null, subject: '', from: { name: null, address: null }, replyTo: null, returnPath: null, nonCase: null, fromList: false };
  const block = headerBlockOf(header);
  let mail: RawParsed;
  try {
    mail = await runMailparser(Buffer.concat([block, Buffer.from('\r\n\r\n')]), resolveLimits());
  } catch {
    return empty;
  }
  const warnings: string[] = [];
  const headers = headerIndex(mail.headerLines);
  const subject = withoutControls(mail.subject ?? '', warnings).replaceAll('\n', ' ').slice(0, MAX_SUBJECT_CHARS);
  const from = firstAddress(mail.from) ?? { name: null, address: null };
  const rp = headers.get('return-path')?.[0];
  const returnPath = rp === undefined ? null : (/<([^<>]*)>/.exec(rp)?.[1] ?? rp).replace(CONTROLS, '').trim().toLowerCase();
  const nonCase = detectNonCase(
    { headers, subject, from, contentType: mail.contentType, partTypes: [], deliveryStatus: '', text: '' },
    options,
  );
  return {
    messageId: cleanId(mail.messageId, warnings),
    subject,
    from,
    replyTo: firstAddress(mail.replyTo),
    returnPath,
    nonCase,
    fromList: [...headers.keys()].some((k) => k.startsWith('list-')),
  };
}
