/**
 * How a scanned letter's OCR text is laid out, as far as the writer's name and contact
 * details go: where the sender block is, and which lines under the closing are the
 * handwritten signature rather than the printed name.
 *
 * Two things OCR does to a letter that the e-mail rules do not expect:
 * - It splits the sender block with blank lines (tesseract starts a new paragraph wherever
 *   the line spacing varies a little), so "the first block" is often just the name line.
 * - It reads a handwritten signature as letters ('ENSNDANNA re', 'SAAAINAAAN A.'), with very
 *   low word confidences. Taken after 'Met vriendelijke groet,' that becomes the writer's
 *   name. A real KCC's post has such a scribble on nearly every letter.
 *
 * Everything works line by line on at most a few dozen lines near the top and the closing:
 * linear in the text.
 */
import { cleanName, findClosings } from './name.ts';
import { reconcileNames, type OcrWord } from './reconcile.ts';

/**
 * Mean word confidence below which a line under the closing is a signature, not print.
 * Printed names read at 85–97 even on poor scans (bench/ocr-poor.ts pages and the blind
 * letters); tesseract's readings of drawn signatures came out between 0 and ~45.
 */
export const SCRIBBLE_CONFIDENCE = 60;
/**
 * Up to this mean confidence a line is still taken for a scribble when its words also have
 * shapes no name has (see implausibleWord): weak print of a real name has ordinary shapes.
 */
export const SCRIBBLE_SHAPE_CONFIDENCE = 80;
/**
 * A line under the closing read this well, with no digits or '@', is print: the printed
 * name. A line right above it read at least SCRIBBLE_MARGIN points worse (and below
 * SCRIBBLE_SHAPE_CONFIDENCE) is not the same print, however ordinary its letters look.
 */
export const PRINT_CONFIDENCE = 85;
export const SCRIBBLE_MARGIN = 20;
/** Lines under a closing examined for a signature (the scribble sits right above the printed name). */
const SIGNATURE_LINES = 3;

/**
 * A word whose letters no name has: a letter three times in a row ('SAAAIN'), a capital
 * after a lower-case letter outside the usual name patterns ('NDINAINNf' read as 'DrItI'),
 * three letters or more without a vowel (titles like 'Dhr.' aside), or
 * characters that are not in names at all ('\', '~', '|').
 */
/** Abbreviations in a signature line that have no vowel ('Dhr. J. Jansen', 'Drs. A. Smit'). */
const VOWELLESS_TITLES = new Set(['dhr', 'drs', 'mrs', 'mw', 'mr', 'ms', 'dr', 'st', 'jr', 'sr', 'bc', 'ing', 'mr', 'ir', 'prof']);

export function implausibleWord(w: string): boolean {
  if (/[\\~|_^{}<>]/.test(w)) return true;
  // Initials ('W.J.K.') are letters without vowels by nature.
  if (/^(?:\p{L}\.)+\p{L}?\.?,?$/u.test(w)) return false;
  const letters = w.replace(/[^\p{L}]/gu, '');
  if (letters.length < 3) return false;
  if (/(\p{L})\1\1/iu.test(letters)) return true;
  // 'McDonald', 'DiCaprio', 'LeBlanc', "O'Neill" have one capital after lower case at most,
  // after the first two or three letters; 'DrItI' or 'NDINAINNf' do not look like that.
  const innerCaps = (letters.slice(1).match(/\p{Ll}\p{Lu}/gu) ?? []).length;
  // Capitals, then lower case to the end ('NDINAINNf', 'MALMWIPADIWpy'); three capitals at
  // least, so 'IJsselstein' and 'IJzerman' stay plausible.
  const capsThenLower = /\p{Lu}{3,}\p{Ll}+$/u.test(letters);
  if (innerCaps > 1 || capsThenLower) return true;
  // Three letters or more and no vowel ('VWN', 'MNNW'), except the abbreviations of a title.
  if (!/[aeiouyàáâäèéêëìíîïòóôöùúûüÿ]/iu.test(letters) && !VOWELLESS_TITLES.has(letters.toLowerCase())) return true;
  return false;
}

interface Line {
  /** Index in `text.split('\n')`. */
  index: number;
  text: string;
  words: OcrWord[];
}

function linesOf(text: string, words: readonly OcrWord[]): Line[] {
  const byLine = new Map<number, OcrWord[]>();
  for (const w of words) {
    if (w.line === undefined) continue;
    const list = byLine.get(w.line) ?? [];
    list.push(w);
    byLine.set(w.line, list);
  }
  return text.split('\n').map((t, index) => ({ index, text: t, words: byLine.get(index) ?? [] }));
}

function meanConfidence(words: readonly OcrWord[]): number | null {
  if (words.length === 0) return null;
  return words.reduce((s, w) => s + w.confidence, 0) / words.length;
}

/** Whether an OCR line is a handwritten signature as tesseract reads it (not a printed name). */
export function isScribbleLine(line: string, words: readonly OcrWord[]): boolean {
  const conf = meanConfidence(words);
  // No word confidences (a text layer): nothing says it is a scribble.
  if (conf === null) return false;
  // Digits and '@' are what the phone and e-mail rules read: such a line is never blanked here.
  if (/[\d@]/.test(line)) return false;
  if (conf < SCRIBBLE_CONFIDENCE) return true;
  return conf < SCRIBBLE_SHAPE_CONFIDENCE && line.split(/\s+/).some((w) => implausibleWord(w));
}

function nextLine(lines: readonly Line[], i: number): Line | null {
  for (let k = i + 1; k < lines.length; k++) if (lines[k]!.text.trim() !== '') return lines[k]!;
  return null;
}

/** A weakly read line right above a well-read name line (see PRINT_CONFIDENCE). */
function aboveWellReadName(l: Line, next: Line | null): boolean {
  const conf = meanConfidence(l.words);
  const below = next ? meanConfidence(next.words) : null;
  if (conf === null || below === null || !next || /[\d@]/.test(l.text) || /[\d@]/.test(next.text)) return false;
  return conf < SCRIBBLE_SHAPE_CONFIDENCE && below >= PRINT_CONFIDENCE && below - conf >= SCRIBBLE_MARGIN;
}

/**
 * The printed name line with scribble words at its ends removed ('Jan de Boer nn' when the
 * signature's tail runs into the name's line): words below SCRIBBLE_CONFIDENCE at either end,
 * while a word read as print (PRINT_CONFIDENCE) remains. Only when the line's tokens are
 * exactly the OCR's words for it; null when nothing changes.
 */
function withoutScribbleEdges(l: Line): string | null {
  const tokens = l.text.trim().split(/\s+/);
  if (tokens.length < 2 || tokens.length !== l.words.length || tokens.some((t, k) => t !== l.words[k]!.text)) return null;
  let from = 0;
  let to = tokens.length;
  const weak = (k: number) => l.words[k]!.confidence < SCRIBBLE_CONFIDENCE;
  while (from < to && weak(from)) from++;
  while (to > from && weak(to - 1)) to--;
  if (from === 0 && to === tokens.length) return null;
  if (!l.words.slice(from, to).some((w) => w.confidence >= PRINT_CONFIDENCE)) return null;
  return tokens.slice(from, to).join(' ');
}

/**
 * A line under the closing that is not the sender block's person, right above one that is
 * ('J. de Boer' in the block; 'VVN Mylo' then 'Jan de Boer' under the closing): the person
 * is the one both occurrences agree on, the line above is the signature.
 */
function aboveSenderName(l: Line, next: Line | null, head: string | null): boolean {
  if (!head || !next || /[\d@]/.test(l.text)) return false;
  const nextName = cleanName(next.text);
  if (!nextName || !reconcileNames(head, nextName, '')) return false;
  const name = cleanName(l.text);
  return name === null || reconcileNames(head, name, '') === null;
}

export interface ScribbleResult {
  /** The text with the signature lines blanked (same lines, same line indices). */
  text: string;
  /** How many lines were blanked. */
  blanked: number;
  /** A signature was blanked and no other line follows it under the closing: the name may be only in the scribble. */
  signatureOnly: boolean;
}

/**
 * The letter's text with the handwritten-signature lines under its closings blanked, for the
 * extraction rules: the first lines after each closing that OCR read with very low confidence
 * (or with implausible letter shapes and low confidence) are the scribble, the first line
 * read well after it is the printed name. `words` must carry line indices into
 * `text.split('\n')` (processors/letters' LetterWord.line). Without words nothing changes.
 */
export function blankSignatureScribbles(text: string, words: readonly OcrWord[] | undefined): ScribbleResult {
  if (!words || words.length === 0) return { text, blanked: 0, signatureOnly: false };
  const lines = linesOf(text, words);
  const startOfLine: number[] = [];
  let at = 0;
  for (const l of lines) {
    startOfLine.push(at);
    at += l.text.length + 1;
  }
  const lineAt = (offset: number): number => {
    let i = 0;
    while (i + 1 < startOfLine.length && startOfLine[i + 1]! <= offset) i++;
    return i;
  };
  const head = senderBlock(text).name;
  const blank = new Set<number>();
  const edited = new Map<number, string>();
  let signatureOnly = false;
  for (const c of findClosings(text)) {
    const closingLine = lineAt(c.start);
    // The closing's own line may end in a scribble ('Met vriendelijke groet, ENSNDANNA'): not
    // handled; the closing rules read the rest of that line as a name only when it is one.
    let seen = 0;
    let sawScribble = false;
    let followed = false;
    for (let i = closingLine + 1; i < lines.length && seen < SIGNATURE_LINES; i++) {
      const l = lines[i]!;
      if (l.text.trim() === '') continue;
      seen++;
      const next = nextLine(lines, i);
      if (isScribbleLine(l.text, l.words) || aboveWellReadName(l, next) || aboveSenderName(l, next, head)) {
        blank.add(i);
        sawScribble = true;
        continue;
      }
      followed = true;
      const trimmed = withoutScribbleEdges(l);
      if (trimmed !== null) edited.set(i, trimmed);
      break;
    }
    if (sawScribble && !followed) signatureOnly = true;
  }
  if (blank.size === 0 && edited.size === 0) return { text, blanked: 0, signatureOnly: false };
  const out = lines.map((l) => (blank.has(l.index) ? '' : edited.get(l.index) ?? l.text)).join('\n');
  return { text: out, blanked: blank.size, signatureOnly };
}

/** A Dutch postcode as it stands in an address line. */
const POSTCODE = /\b[1-9]\d{3} ?[A-Z]{2}\b/;
/** 'Roermond, 27 oktober 2026', '12-11-2026': a place-and-date line some writers put above their block. */
const DATE_LINE = /^(?:[\p{L}' .-]{2,40},\s*)?(?:\d{1,2}\s+\p{L}{3,10}\.?\s+\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\p{L}{3,10}\s+\d{1,2},?\s+\d{4})\s*$/u;
/** Lines that still belong to the sender block under the postcode line: e-mail, phone, country. */
const CONTACT_LINE = /@|©|\b(?:tel|telefoon|phone|mobiel|mobile|e-?mail|gsm)\b|^\s*[+(]?\d[\d ()\-./]{7,}\s*$/iu;
/** Non-empty lines from the top within which the postcode line of the sender block stands. */
const BLOCK_LINES = 4;
/** Contact lines under the postcode line that still count as the sender block. */
const CONTACT_LINES = 3;

export interface SenderBlock {
  /** The first line of the block, when it reads as a name (cleanName) and a postcode line follows it. */
  name: string | null;
  /** Offset just past the sender block (0 when the letter has none that this recognises). */
  end: number;
}

/**
 * The sender block at the top of a letter: a name line, then the street and the postcode
 * line within the next few lines, then optionally e-mail and phone lines, with or without
 * the blank lines OCR puts between them. A place-and-date line above the block is skipped.
 */
export function senderBlock(text: string): SenderBlock {
  const lines = text.slice(0, 2000).split('\n');
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.length + 1;
  }
  const nonEmpty = lines.map((l, i) => ({ l: l.trim(), i })).filter((x) => x.l !== '');
  let first = 0;
  if (nonEmpty[0] && DATE_LINE.test(nonEmpty[0].l)) first = 1;
  const head = nonEmpty[first];
  if (!head) return { name: null, end: 0 };
  const pcAt = nonEmpty.slice(first + 1, first + 1 + BLOCK_LINES).findIndex((x) => POSTCODE.test(x.l));
  if (pcAt === -1) return { name: null, end: 0 };
  let last = first + 1 + pcAt;
  for (let k = last + 1; k < nonEmpty.length && k <= last + CONTACT_LINES && CONTACT_LINE.test(nonEmpty[k]!.l); k++) last = k;
  const lastLine = nonEmpty[last]!.i;
  return { name: cleanName(head.l), end: (starts[lastLine] ?? 0) + (lines[lastLine] ?? '').length + 1 };
}

/**
 * Letters only: a "voor mijn vrouw" / "for my father" that never names the person leaves the
 * writer as the citizen. A letter is answered by post to its sender block; with nobody else
 * named, the writer is the only person the case can hold, and dropping the sender block as
 * "the representative's" would leave a case with no name and no address at all. Such
 * phrasings are mostly the writer's own errand for a relative ('machtiging voor mijn broer',
 * 'DigiD aanvragen voor mijn vrouw'). Stronger phrasings ('namens mijn moeder', a court
 * role) and a named person keep the representative.
 */
export function letterRepresentative<T extends { kind: string; subjectName: string | null }>(hit: T | null): T | null {
  return hit && hit.kind === 'voor' && hit.subjectName === null ? null : hit;
}
