/**
 * A cheap, linear pre-scan of the raw bytes, done before mailparser sees them.
 *
 * It rejects what is not worth parsing (empty, too large, no header block, MIME nested
 * deeper than the limit) and collects warnings mailparser does not report (an unknown
 * charset, a multipart without a boundary). It follows the MIME structure the way a parser
 * would, but only far enough to count nesting: malformed structures may be counted too low,
 * never with more than linear work, and mailparser's own part limit still applies after it.
 */
import { InputError } from '../../lib/errors.ts';
import type { ParseLimits } from './limits.ts';

// RFC 2046 allows 70 characters; real-world boundaries run longer (the corpus has one of
// 7,011). Longer values are not tracked: the part they open is counted but never closed,
// which can only over-count by one level per such part.
const MAX_BOUNDARY_CHARS = 10_000;
// A Content-Type header worth reading for a boundary and a charset; folded parameter lists
// rarely pass a few hundred characters.
const MAX_CONTENT_TYPE_CHARS = MAX_BOUNDARY_CHARS + 1_000;
// How many lines of the first header block are looked at to decide "is this e-mail at all".
const HEADER_PROBE_LINES = 5;
// At most this many distinct charset names are checked per message.
const MAX_CHARSETS_CHECKED = 50;

export interface ScanOutcome {
  /** The bytes to parse: the input, or a copy with bare-CR line endings made CRLF. */
  raw: Buffer;
  warnings: string[];
}

/** Field name (printable ASCII but ':'), optional obsolete whitespace, then the colon. */
const HEADER_FIELD = /^[\x21-\x39\x3b-\x7e]{1,100}[ \t]*:/;
const BOUNDARY_PARAM = /boundary\s*=\s*(?:"([^"]*)"|([^;\s"]+))/i;
const CHARSET_PARAM = /charset\s*=\s*(?:"([^"]*)"|([^;\s"]+))/i;

export function prescan(input: Buffer, limits: Readonly<ParseLimits>): ScanOutcome {
  if (input.length === 0) throw new InputError('PARSE_EMPTY', 'message is empty');
  if (input.length > limits.maxBytes) {
    throw new InputError('PARSE_TOO_LARGE', `message is larger than the limit of ${limits.maxBytes} bytes`);
  }
  const warnings: string[] = [];
  let raw = input;
  // A UTF-8 byte-order mark written by some Windows export tools hides the first header.
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    raw = raw.subarray(3);
    warnings.push('bom-removed');
  }
  if (isAllWhitespace(raw)) throw new InputError('PARSE_EMPTY', 'message contains only whitespace');

  // Classic Mac line endings: without this the whole message is one header line.
  if (raw.indexOf(0x0a) === -1 && raw.indexOf(0x0d) !== -1) {
    raw = Buffer.from(raw.toString('latin1').replaceAll('\r', '\r\n'), 'latin1');
    warnings.push('bare-cr-line-endings');
  }

  // latin1 maps every byte to one char, so offsets and lengths stay byte-exact.
  const text = raw.toString('latin1');
  checkHeaderBlock(text);
  scanStructure(text, limits.maxMimeDepth, warnings);
  return { raw, warnings };
}

function isAllWhitespace(buf: Buffer): boolean {
  for (const b of buf) {
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/** Calls `fn(start, end)` for each line, `end` excluding the line break; stops when fn returns false. */
function eachLine(text: string, fn: (start: number, end: number) => boolean): void {
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    let end = nl === -1 ? text.length : nl;
    if (end > pos && text.charCodeAt(end - 1) === 0x0d) end--;
    if (!fn(pos, end)) return;
    if (nl === -1) return;
    pos = nl + 1;
  }
}

/**
 * PARSE_NOT_EMAIL when the message does not start with a header block. Leading blank lines
 * and an mbox "From " separator line are tolerated (both occur in real exports); a first
 * line that is a continuation is tolerated when a header field follows it.
 */
function checkHeaderBlock(text: string): void {
  let probed = 0;
  let first = true;
  let sawField = false;
  let firstIsUsable = false;
  eachLine(text, (start, end) => {
    const line = text.slice(start, Math.min(end, start + 200));
    if (first) {
      if (line.trim() === '') return true;
      if (line.startsWith('From ')) return true; // mbox separator
      first = false;
      firstIsUsable = HEADER_FIELD.test(line) || line.startsWith(' ') || line.startsWith('\t');
      if (!firstIsUsable) return false;
    }
    if (end === start) return false; // end of the header block
    if (HEADER_FIELD.test(line)) {
      sawField = true;
      return false;
    }
    return ++probed < HEADER_PROBE_LINES;
  });
  if (!firstIsUsable || !sawField) {
    throw new InputError('PARSE_NOT_EMAIL', 'input does not start with an e-mail header block');
  }
}

function param(value: string, re: RegExp): string | null {
  const m = re.exec(value);
  if (!m) return null;
  return m[1] ?? m[2] ?? null;
}

/**
 * Follow boundaries to measure multipart nesting; throws PARSE_TOO_DEEP as soon as the
 * limit is crossed. Delimiter lines are looked up in a map, so each line costs its length.
 */
function scanStructure(text: string, maxDepth: number, warnings: string[]): void {
  const stack: string[] = [];
  const open = new Map<string, number>(); // boundary -> how many times it is on the stack
  const charsets = new Set<string>();
  let inHeader = true;
  let contentType: string | null = null;
  let collecting = false;

  const push = (boundary: string): void => {
    stack.push(boundary);
    open.set(boundary, (open.get(boundary) ?? 0) + 1);
    if (stack.length > maxDepth) {
      throw new InputError('PARSE_TOO_DEEP', `MIME parts are nested deeper than the limit of ${maxDepth}`);
    }
  };
  const popTo = (length: number): void => {
    while (stack.length > length) {
      const b = stack.pop() as string;
      const n = (open.get(b) ?? 1) - 1;
      if (n === 0) open.delete(b);
      else open.set(b, n);
    }
  };
  const endOfHeader = (): void => {
    const ct = contentType;
    contentType = null;
    collecting = false;
    inHeader = false;
    if (ct === null) return;
    const type = ct.trimStart().slice(0, 40).toLowerCase();
    const charset = param(ct, CHARSET_PARAM);
    if (charset !== null && charsets.size < MAX_CHARSETS_CHECKED) charsets.add(charset.trim().toLowerCase());
    if (type.startsWith('multipart/')) {
      const boundary = param(ct, BOUNDARY_PARAM);
      if (boundary === null || boundary.trim() === '') {
        if (!warnings.includes('multipart-without-boundary')) warnings.push('multipart-without-boundary');
        return;
      }
      // An untracked (over-long) boundary still opens a level; '\n' never matches a line.
      push(boundary.length > MAX_BOUNDARY_CHARS ? '\n' : boundary);
    } else if (type.startsWith('message/rfc822') || type.startsWith('message/global') || type.startsWith('message/news')) {
      inHeader = true; // the body starts with the embedded message's own header block
    }
  };

  let leading = true;
  eachLine(text, (start, end) => {
    if (inHeader) {
      if (leading && (text.slice(start, end).trim() === '' || text.startsWith('From ', start))) return true;
      leading = false;
      if (end === start) {
        endOfHeader();
        return true;
      }
      const c = text.charCodeAt(start);
      if (c === 0x20 || c === 0x09) {
        if (collecting && contentType !== null && contentType.length < MAX_CONTENT_TYPE_CHARS) {
          contentType += ' ' + text.slice(start, Math.min(end, start + MAX_CONTENT_TYPE_CHARS)).trim();
        }
        return true;
      }
      collecting = false;
      if (end - start >= 13 && text.slice(start, start + 12).toLowerCase() === 'content-type') {
        const colon = text.indexOf(':', start + 12);
        if (colon !== -1 && colon < end && text.slice(start + 12, colon).trim() === '') {
          contentType = text.slice(colon + 1, Math.min(end, colon + 1 + MAX_CONTENT_TYPE_CHARS));
          collecting = true;
        }
      }
      return true;
    }
    if (stack.length === 0 || end - start < 3 || end - start > MAX_BOUNDARY_CHARS + 2 + 2 + 64) return true;
    if (text.charCodeAt(start) !== 0x2d || text.charCodeAt(start + 1) !== 0x2d) return true;
    const candidate = text.slice(start + 2, end).trimEnd(); // transport padding after delimiters
    let boundary: string | null = null;
    let closing = false;
    if (open.has(candidate)) boundary = candidate;
    else if (candidate.endsWith('--') && open.has(candidate.slice(0, -2))) {
      boundary = candidate.slice(0, -2);
      closing = true;
    }
    if (boundary === null) return true;
    const at = stack.lastIndexOf(boundary);
    if (closing) popTo(at);
    else {
      popTo(at + 1);
      inHeader = true;
      leading = false;
      contentType = null;
      collecting = false;
    }
    return true;
  });
  if (inHeader) endOfHeader();

  for (const charset of charsets) {
    if (!isKnownCharset(charset)) {
      warnings.push('charset-unknown');
      break;
    }
  }
}

/** The WHATWG encoding labels Node knows; mailparser falls back to UTF-8 for the rest. */
function isKnownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}
