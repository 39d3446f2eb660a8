/**
 * Separate the writer's own text from quoted history and forwarded originals.
 *
 * Works line by line on text already capped in length; every pattern is anchored, only
 * applied to short lines (a few hundred characters) and looks ahead a bounded number of
 * lines, so the work is linear in the text.
 * Recognised (Dutch and English first, as the KCC receives them, plus German and French):
 *  - attribution lines: "Op ma 3 jan. 2026 om 10:00 schreef X <x@y>:", "On ... wrote:",
 *    Apple Mail "Op ... heeft X het volgende geschreven:", wrapped over up to 3 lines; and
 *    "X wrote:" of any form when a "> " quote follows it;
 *  - "> " quoted lines, anywhere (interleaved answers stay the writer's text);
 *  - Outlook: "-----Original Message-----" / "-----Oorspronkelijk bericht-----", and the
 *    "Van: / Verzonden: / Aan: / Onderwerp:" header block (optionally after a line of
 *    underscores): everything from there on is history;
 *  - forwards: "---------- Forwarded message ---------", "Doorgestuurd bericht",
 *    "Begin forwarded message:", or an Outlook header block in a message whose subject
 *    starts with Fw:/Fwd:/Doorst:/WG:/TR:.
 */

export interface MailboxText {
  name: string | null;
  address: string | null;
}

export interface QuoteSplit {
  /** The writer's own text; for a forward, the forwarded original's own text. */
  text: string;
  /**
   * Everything set aside: attribution lines, quoted lines and Outlook history; for a
   * forward also the forwarder's own note above the marker. '' when nothing was removed.
   */
  quotedText: string;
  forwarded: {
    from: MailboxText;
    subject: string | null;
    /** Recipient addresses of the original (To/Aan and Cc lines of the header block), lower case. */
    to: string[];
    /** Those lines' text as written, names included ('Aan: Bakker, Piet'); at most 1,000 characters. */
    toText: string;
    /** The forwarder's own words above the marker (without what they quoted); '' if none. */
    note: string;
  } | null;
}

// Marker lines are short; a longer line is body text, and is never given to a regex whole.
const MAX_MARKER_LINE = 400;
// An attribution wrapped by the sender's client spans at most this many lines.
const MAX_ATTRIBUTION_LINES = 3;
// An Outlook / forward header block has From, Sent/Date, To, Cc, Subject: a handful of lines.
const MAX_HEADER_BLOCK_LINES = 10;

const ATTRIBUTION_START = /^(?:op|on|am|le|el)\s/i;
// "On <date>, X wrote:" ends in the verb; "Op <date> schreef X <x@y>:" has the name after it.
const ATTRIBUTION_VERB = /\b(?:schreef|wrote|schrieb|geschreven|a écrit|escribió)\b/i;
const ATTRIBUTION_END = /(?:schreef|wrote|schrieb|geschreven|a écrit|escribió)\s*:\s*$/i;
const FORWARD_MARKER =
  /^-{2,}\s*(?:forwarded message|doorgestuurd bericht|weitergeleitete nachricht|message transféré|doorgestuurd)\s*-{2,}$|^(?:begin forwarded message|begin doorgestuurd bericht|anfang der weitergeleiteten nachricht)\s*:$/i;
const ORIGINAL_MESSAGE = /^-{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht|ursprüngliche nachricht|message d'origine)\s*-{2,}$/i;
const UNDERSCORES = /^_{10,}$/;
const FORWARD_SUBJECT = /^(?:\[[^\]]{0,60}\]\s*)?(?:fwd?|doorst|wg|tr)\s*:/i;

const FIELD = /^([a-zà-ÿ][a-zà-ÿ -]{0,20}?)\s*:\s*(.*)$/i;
const FROM_KEYS = new Set(['from', 'van', 'von', 'de']);
const DATE_KEYS = new Set(['sent', 'verzonden', 'date', 'datum', 'gesendet', 'envoyé', 'verstuurd']);
const TO_KEYS = new Set(['to', 'aan', 'an', 'à', 'cc', 'subject', 'onderwerp', 'betreff', 'objet']);
const SUBJECT_KEYS = new Set(['subject', 'onderwerp', 'betreff', 'objet']);
const RECIPIENT_KEYS = new Set(['to', 'aan', 'an', 'à', 'cc', 'kopie']);
/** Addresses in a header value ("Name <a@b>, c@d; [mailto:e@f]"); bounded like every pattern here. */
const ADDRESS_IN_VALUE = /[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}/g;
const HEADER_KEYS = new Set([...FROM_KEYS, ...DATE_KEYS, ...TO_KEYS, 'bcc', 'reply-to', 'beantwoorden', 'antwoord aan', 'kopie']);

function probe(line: string): string {
  return (line.length > MAX_MARKER_LINE ? line.slice(0, MAX_MARKER_LINE) : line).trim();
}

/** A header-like line "Key: value" (bold asterisks from plain-text renderings removed). */
function field(line: string): { key: string; value: string } | null {
  if (line.length > MAX_MARKER_LINE * 4) return null;
  const head = line.slice(0, 40).replaceAll('*', '');
  const m = FIELD.exec((head + line.slice(40)).trim());
  if (!m) return null;
  const key = (m[1] as string).trim().toLowerCase();
  return HEADER_KEYS.has(key) ? { key, value: (m[2] as string).trim() } : null;
}

function isQuoted(line: string): boolean {
  return line.trimStart().startsWith('>');
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

interface Attribution {
  lines: number;
  /** Followed by an unprefixed copy of the original: everything after it is history. */
  rest: boolean;
}

/**
 * An attribution starting at i. It counts only when a "> " quote follows it, or when it is
 * the full client form — "On/Op", a date (a digit) and an address (an "@") — which some
 * clients put above an unprefixed copy of the original.
 */
function attributionAt(lines: string[], i: number): Attribution | null {
  const first = lines[i] as string;
  if (first.length > MAX_MARKER_LINE) return null;
  const p = probe(first);
  let n = 0;
  let joined = '';
  if (ATTRIBUTION_START.test(p)) {
    for (; n < MAX_ATTRIBUTION_LINES && i + n < lines.length; n++) {
      const line = lines[i + n] as string;
      if (n > 0 && (isBlank(line) || isQuoted(line))) return null;
      joined += (n > 0 ? ' ' : '') + probe(line);
      if (joined.length > MAX_MARKER_LINE * 2) return null;
      if (joined.endsWith(':') && ATTRIBUTION_VERB.test(joined)) break;
    }
    if (n === MAX_ATTRIBUTION_LINES || i + n >= lines.length) return null;
    n++;
  } else if (ATTRIBUTION_END.test(p)) {
    n = 1; // "Marc Slemko wrote:"
    joined = p;
  } else {
    return null;
  }
  const next = nextNonBlank(lines, i + n);
  if (next < lines.length && isQuoted(lines[next] as string)) return { lines: n, rest: false };
  const full = ATTRIBUTION_START.test(p) && /\d/.test(joined) && joined.includes('@');
  return full && next < lines.length ? { lines: n, rest: true } : null;
}

/**
 * An Outlook-style header block starting at i: a From/Van line followed, within the block,
 * by a Sent/Date line and a To or Subject line. Returns the number of header lines, or 0.
 */
function headerBlockAt(lines: string[], i: number): number {
  const first = field(lines[i] as string);
  if (first === null || !FROM_KEYS.has(first.key)) return 0;
  let sawDate = false;
  let sawTo = false;
  let n = 1;
  for (; n < MAX_HEADER_BLOCK_LINES && i + n < lines.length; n++) {
    const f = field(lines[i + n] as string);
    if (f === null) break;
    if (DATE_KEYS.has(f.key)) sawDate = true;
    if (TO_KEYS.has(f.key)) sawTo = true;
  }
  return sawDate && sawTo ? n : 0;
}

type Marker =
  | { kind: 'attribution'; at: number; lines: number; rest: boolean }
  | { kind: 'history'; at: number } // Outlook: everything from `at` on
  | { kind: 'forward'; at: number; headerStart: number };

/** The first structural marker at or after `from`, ignoring lines inside "> " quotes. */
function findMarker(lines: string[], from: number, forwardSubject: boolean): Marker | null {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isQuoted(line) || isBlank(line)) continue;
    const p = probe(line);
    const attribution = attributionAt(lines, i);
    if (attribution !== null) return { kind: 'attribution', at: i, lines: attribution.lines, rest: attribution.rest };
    if (FORWARD_MARKER.test(p)) return { kind: 'forward', at: i, headerStart: nextNonBlank(lines, i + 1) };
    if (ORIGINAL_MESSAGE.test(p) || UNDERSCORES.test(p)) {
      const next = nextNonBlank(lines, i + 1);
      const isBlock = next < lines.length && headerBlockAt(lines, next) > 0;
      if (UNDERSCORES.test(p) && !isBlock) continue; // just a rule line
      if (forwardSubject && isBlock) return { kind: 'forward', at: i, headerStart: next };
      return { kind: 'history', at: i };
    }
    if (headerBlockAt(lines, i) > 0) {
      return forwardSubject ? { kind: 'forward', at: i, headerStart: i } : { kind: 'history', at: i };
    }
  }
  return null;
}

function nextNonBlank(lines: string[], i: number): number {
  while (i < lines.length && isBlank(lines[i] as string)) i++;
  return i;
}

/** Reply handling: cut history, drop quoted lines, keep interleaved and bottom-posted text. */
function splitReply(lines: string[]): { kept: string[]; quoted: string[] } {
  const kept: string[] = [];
  const quoted: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const marker = findMarker(lines, i, false);
    const stop = marker === null ? lines.length : marker.at;
    for (; i < stop; i++) {
      const line = lines[i] as string;
      (isQuoted(line) ? quoted : kept).push(line);
    }
    if (marker === null) break;
    if (marker.kind === 'attribution' && !marker.rest) {
      const end = marker.at + marker.lines;
      for (; i < end; i++) quoted.push(lines[i] as string);
      // the quote that follows, with blank lines inside it; text after it is the writer's again
      while (i < lines.length) {
        if (isQuoted(lines[i] as string)) {
          quoted.push(lines[i] as string);
          i++;
          continue;
        }
        const next = nextNonBlank(lines, i);
        if (next === i || next >= lines.length || !isQuoted(lines[next] as string)) break;
        for (; i < next; i++) quoted.push(lines[i] as string);
      }
      continue;
    }
    // Outlook history, an attribution above an unprefixed original, or a forward inside a
    // reply: runs to the end
    for (; i < lines.length; i++) quoted.push(lines[i] as string);
  }
  return { kept, quoted };
}

/** Parse "Name <a@b>", "Name [mailto:a@b]", "a@b" or "Name" from a forwarded header. */
export function parseMailboxText(value: string): MailboxText {
  const v = value.length > MAX_MARKER_LINE ? value.slice(0, MAX_MARKER_LINE) : value;
  const bracket = /<\s*([^<>\s]+@[^<>\s]+)\s*>|\[\s*mailto:\s*([^\]\s]+@[^\]\s]+)\s*\]/i.exec(v);
  let address: string | null = null;
  let name = v;
  if (bracket) {
    address = (bracket[1] ?? bracket[2] ?? '').trim();
    name = v.slice(0, bracket.index) + v.slice(bracket.index + bracket[0].length);
  } else {
    const bare = /(?:^|\s)([^\s<>"'@]+@[^\s<>"'@]+\.[^\s<>"'@]+)(?:\s|$)/.exec(v);
    if (bare) {
      address = (bare[1] as string).trim();
      name = v.slice(0, bare.index) + v.slice(bare.index + bare[0].length);
    }
  }
  if (address !== null) address = address.replace(/^mailto:/i, '').toLowerCase();
  const cleanName = name.replaceAll('*', '').replace(/^["'\s]+|["'\s]+$/g, '').trim();
  return { name: cleanName === '' ? null : cleanName, address: address === '' ? null : address };
}

/** Join lines, trim trailing whitespace (keeping the "-- " signature delimiter), squeeze blank runs. */
export function tidy(lines: string[]): string {
  const out: string[] = [];
  let blank = 0;
  for (const raw of lines) {
    const line = raw === '-- ' ? raw : raw.trimEnd();
    if (line === '') {
      blank++;
      continue;
    }
    if (out.length > 0 && blank > 0) out.push('');
    blank = 0;
    out.push(line);
  }
  return out.join('\n');
}

function joinParts(parts: string[]): string {
  return parts.filter((p) => p !== '').join('\n\n');
}

/**
 * Split a plain-text body (line breaks already normalised to "\n", length already capped)
 * into the writer's text, the quoted history and, for forwards, the original sender.
 */
export function splitQuotes(body: string, subject: string): QuoteSplit {
  const lines = body.split('\n');
  const forwardSubject = FORWARD_SUBJECT.test(subject.trim().slice(0, 100));
  const first = findMarker(lines, 0, forwardSubject);

  if (first !== null && first.kind === 'forward') {
    const note = splitReply(lines.slice(0, first.at));
    let i = first.headerStart;
    let from: MailboxText = { name: null, address: null };
    let fwdSubject: string | null = null;
    const to: string[] = [];
    let toText = '';
    let sawFrom = false;
    for (let n = 0; n < MAX_HEADER_BLOCK_LINES && i < lines.length; n++, i++) {
      const f = field(lines[i] as string);
      if (f === null) break;
      if (FROM_KEYS.has(f.key) && !sawFrom) {
        from = parseMailboxText(f.value);
        sawFrom = true;
      } else if (SUBJECT_KEYS.has(f.key) && fwdSubject === null) {
        fwdSubject = f.value === '' ? null : f.value;
      } else if (RECIPIENT_KEYS.has(f.key)) {
        const value = f.value.slice(0, MAX_MARKER_LINE);
        for (const m of value.matchAll(ADDRESS_IN_VALUE)) to.push(m[0].toLowerCase());
        if (toText.length < 1000) toText = `${toText}${toText ? '; ' : ''}${value}`.slice(0, 1000);
      }
    }
    const original = splitReply(lines.slice(i));
    return {
      text: tidy(original.kept),
      quotedText: joinParts([tidy([...note.kept, ...note.quoted]), tidy(original.quoted)]),
      forwarded: { from, subject: fwdSubject, to, toText, note: tidy(note.kept) },
    };
  }

  const reply = splitReply(lines);
  return { text: tidy(reply.kept), quotedText: tidy(reply.quoted), forwarded: null };
}
