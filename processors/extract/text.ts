/**
 * Shared text helpers for the extractor: input caps, normalisation and span masking.
 *
 * Everything here is linear in the input length; the caps bound the constant.
 */

/**
 * Longest writer's text the extractor reads. A real message body without quoted history is
 * a few kB; 64 KiB leaves room for long letters while bounding the work on hostile input.
 */
export const MAX_TEXT_CHARS = 64 * 1024;
/** Of a capped text we keep the head and this much of the tail: closings and signatures sit at the end. */
const TAIL_CHARS = 16 * 1024;
/** Subject lines are short (RFC 5322 recommends 78 characters per line); 1000 is generous. */
export const MAX_SUBJECT_CHARS = 1000;
/** A display name longer than this is not a name. */
export const MAX_NAME_CHARS = 200;
/** RFC 3696 errata: an address in a MAIL/RCPT command is at most 254 characters. */
export const MAX_ADDRESS_CHARS = 254;

/** Keep the head and tail of an over-long text; short texts come back unchanged. */
export function capText(s: string, max = MAX_TEXT_CHARS): string {
  if (s.length <= max) return s;
  const tail = Math.min(TAIL_CHARS, Math.floor(max / 4));
  return `${s.slice(0, max - tail)}\n${s.slice(s.length - tail)}`;
}

/**
 * Unicode NFC, unix line ends, and the look-alike characters that mail clients and OCR
 * produce folded to their ASCII forms, so the rules need only match one spelling.
 */
export function normaliseText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f\t]/g, ' ')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"');
}

export interface Span {
  start: number;
  end: number;
}

/** Overwrite spans with a filler of the same length, so later rules cannot see them and offsets stay valid. */
export function maskSpans(text: string, spans: readonly Span[], filler = '#'): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const s of sorted) {
    if (s.end <= pos) continue;
    const start = Math.max(s.start, pos);
    out += text.slice(pos, start) + filler.repeat(s.end - start);
    pos = s.end;
  }
  return out + text.slice(pos);
}

/**
 * Does `s` overlap any span in `sorted` (sorted by start, not overlapping each other)?
 * Binary search, so checking every hit against every other kind of hit stays n log n.
 */
export function overlapsAny(sorted: readonly Span[], s: Span): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = sorted[mid];
    if (x === undefined) break;
    if (x.end <= s.start) lo = mid + 1;
    else if (x.start >= s.end) hi = mid - 1;
    else return true;
  }
  return false;
}

/** Collapse runs of spaces and trim. */
export function squash(s: string): string {
  return s.replace(/ {2,}/g, ' ').trim();
}

/** Lower case without diacritics, for comparisons and keyword matching. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}
