/**
 * One name from several occurrences, as OCR reads a letter: the sender block often has
 * initials ('J. de Boer'), the signature the full name ('Jan de Boer'), and either may carry
 * OCR noise ('Kiaassen', 'HOEKSTPA'). Also the case people write names and places in when a
 * form or a printer gave them in capitals ('ZWOLLE' → 'Zwolle').
 *
 * Everything works on a handful of short strings (names are capped at 60 characters), so
 * the quadratic edit distance below is bounded by a constant.
 */
import { fold } from './text.ts';

/** An OCR word with its confidence (0..100), as processors/ocr can report them. */
export interface OcrWord {
  text: string;
  confidence: number;
  line?: number;
}

/** Lower-case words inside Dutch (and neighbouring) names and place names. */
const LOWER_PARTICLES = new Set(['van', 'de', 'der', 'den', 'ten', 'ter', 'te', 'het', "'t", 'op', 'aan', 'in', 'bij', 'von', 'zu', 'du', 'des', 'la', 'le', 'el', 'al', 'da', 'di', 'dos', 'en', 'a/d', 'upon', 'on']);

function capitaliseWord(w: string): string {
  const lower = w.toLowerCase();
  // Dutch 'ij' at the start of a word is one letter: 'IJsselstein', 'IJmuiden'.
  if (lower.startsWith('ij')) return `IJ${lower.slice(2)}`;
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** One token in proper case, with the parts after hyphens and an O'/D' prefix capitalised. */
function properToken(token: string, first: boolean): string {
  const lower = token.toLowerCase();
  if (lower === "'s" || lower.startsWith("'s-")) return `'s-${lower.length > 3 ? properToken(token.slice(3), true) : ''}`.replace(/-$/, '');
  if (!first && LOWER_PARTICLES.has(lower)) return lower;
  return token
    .split('-')
    .map((part, i) => {
      const p = part.toLowerCase();
      // 'Smit-de Boer': a particle after a hyphen stays lower case.
      if (i > 0 && LOWER_PARTICLES.has(p)) return p;
      // "O'Neill", "D'Ancona": a one-letter prefix before an apostrophe.
      const apo = /^([a-z])'(\p{L}.*)$/u.exec(p);
      if (apo) return `${apo[1]!.toUpperCase()}'${capitaliseWord(apo[2]!)}`;
      return capitaliseWord(p);
    })
    .join('-');
}

/** Whether `s` is written in capitals (at least two letters, none lower case). */
export function inCapitals(s: string): boolean {
  return /\p{Lu}.*\p{Lu}/su.test(s) && !/\p{Ll}/u.test(s);
}

/**
 * A name or place written in capitals, in the case people write it ('JAN VAN DER BERG' →
 * 'Jan van der Berg', "'S-HERTOGENBOSCH" → "'s-Hertogenbosch", 'ALPHEN AAN DEN RIJN' →
 * 'Alphen aan den Rijn'). Text that is not in capitals comes back unchanged: the writer's
 * own spelling ('de Vries', 'De Vries') is theirs. Initials ('J.M.') stay as they are.
 */
export function properCase(s: string | null, startsName = true): string | null {
  if (s === null || !inCapitals(s)) return s;
  return s
    .split(' ')
    .map((t, i) => (/^(?:\p{Lu}\.)+\p{Lu}?$/u.test(t) ? t : properToken(t, startsName && i === 0)))
    .join(' ');
}

/** Characters OCR confuses, folded to one form so 'Kiaassen' and 'Klaassen' compare equal. */
function ocrFold(s: string): string {
  return fold(s)
    .replace(/rn/g, 'm')
    .replace(/cl/g, 'd')
    .replace(/vv/g, 'w')
    .replace(/[il1|!]/g, 'l')
    .replace(/[0]/g, 'o')
    .replace(/5/g, 's')
    .replace(/8/g, 'b')
    .replace(/[p]/g, 'r')
    .replace(/[c]/g, 'e');
}

/** Levenshtein distance, for two short strings (names: at most 60 characters). */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * Whether two spellings are the same word read twice by OCR: equal once OCR's usual
 * confusions are folded, or one edit apart in a word of six letters or more (one wrong
 * letter in a short word is too often another name: 'Bos' / 'Vos').
 */
export function sameWordOcr(a: string, b: string): boolean {
  const fa = fold(a);
  const fb = fold(b);
  if (fa === fb) return true;
  const oa = ocrFold(a);
  const ob = ocrFold(b);
  if (oa === ob) return true;
  return Math.min(fa.length, fb.length) >= 6 && distance(fa, fb) <= 1;
}

interface NameParts {
  /** Given names or initials, as written. */
  given: string[];
  /** Particles and surname ('van der Veen-Bos'). */
  surname: string[];
}

const INITIALS = /^(?:\p{L}\.){1,5}\p{L}?\.?$|^\p{L}\.?$/u;

function partsOf(name: string): NameParts | null {
  const tokens = name.split(' ').filter((t) => t !== '');
  if (tokens.length < 2) return null;
  // The surname starts at the first particle, else it is the last token.
  let i = tokens.findIndex((t, k) => k > 0 && LOWER_PARTICLES.has(t.toLowerCase()) && !INITIALS.test(t));
  if (i === -1) i = tokens.length - 1;
  const given = tokens.slice(0, i);
  if (given.length === 0) return null;
  return { given, surname: tokens.slice(i) };
}

/** The initials a given-name part stands for: 'A.C.' → 'ac', 'Jan Willem' → 'jw'. */
function initialsOf(given: readonly string[]): string {
  return given
    .flatMap((g) => (INITIALS.test(g) ? g.replace(/\./g, '').split('') : [g.charAt(0)]))
    .map((c) => fold(c))
    .join('');
}

function dots(given: readonly string[]): number {
  return given.join('').split('.').length - 1;
}

function isFullGiven(given: readonly string[]): boolean {
  return given.some((g) => !INITIALS.test(g));
}

/** Mean confidence of the OCR words that spell `token` (case-insensitively); null when none does. */
function confidenceOf(token: string, words: readonly OcrWord[] | undefined): number | null {
  if (!words || words.length === 0) return null;
  const f = fold(token).replace(/[.,;:]$/, '');
  const hits = words.filter((w) => fold(w.text).replace(/[.,;:]$/, '') === f);
  if (hits.length === 0) return null;
  return hits.reduce((s, w) => s + w.confidence, 0) / hits.length;
}

/** How often `token` stands in the text as a word (e-mail local parts included: 'h.bakker@…' confirms 'Bakker'). */
function occurrences(token: string, text: string): number {
  const f = fold(token);
  if (f.length < 2) return 0;
  let n = 0;
  for (const w of fold(text).split(/[^\p{L}'-]+/u)) if (w === f) n++;
  return n;
}

export interface Reconciled {
  name: string;
  /** The occurrences disagreed and nothing (confidences, a third occurrence) decided it. */
  tie: boolean;
}

/**
 * The one name two occurrences of the same person's name give, or null when they are not
 * the same person (different surnames, or initials that do not fit the given names).
 *
 * The fullest given names win (a full first name over initials). Surname spellings that
 * differ by OCR noise are decided by the OCR's word confidences when given, else by which
 * spelling the rest of the text repeats, else the sender block's (`first`): it is printed
 * in a clean block, where the signature sits beside handwriting and stamps.
 */
export function reconcileNames(first: string, second: string, text: string, words?: readonly OcrWord[]): Reconciled | null {
  const a = partsOf(first);
  const b = partsOf(second);
  if (!a || !b) return null;
  const sa = a.surname.join(' ');
  const sb = b.surname.join(' ');
  const lastA = a.surname[a.surname.length - 1] ?? '';
  const lastB = b.surname[b.surname.length - 1] ?? '';
  if (a.surname.length !== b.surname.length || !a.surname.every((t, i) => sameWordOcr(t, b.surname[i] ?? ''))) return null;
  // Initials must fit: 'J.' fits 'Jan', 'A.C.' fits 'Annemarie' (a second given name left out).
  const ia = initialsOf(a.given);
  const ib = initialsOf(b.given);
  if (!(ia.startsWith(ib) || ib.startsWith(ia)) && !sameWordOcr(ia, ib)) return null;
  const fullA = isFullGiven(a.given);
  const fullB = isFullGiven(b.given);
  let given: string[];
  if (fullA && fullB) {
    // Both written out: the longer (more given names), the signature's when equal.
    given = a.given.join(' ').length > b.given.join(' ').length ? a.given : b.given;
  } else if (fullA) given = a.given;
  else if (fullB) given = b.given;
  // Both initials: the more of them; the same ones, the form with full stops ('P.' over 'P':
  // OCR drops a small dot, it does not add one).
  else if (ia.length !== ib.length) given = ia.length > ib.length ? a.given : b.given;
  else given = dots(b.given) > dots(a.given) ? b.given : a.given;
  let surname = sb;
  let tie = false;
  if (fold(sa) !== fold(sb)) {
    const ca = confidenceOf(lastA, words);
    const cb = confidenceOf(lastB, words);
    const na = occurrences(lastA, text);
    const nb = occurrences(lastB, text);
    if (ca !== null && cb !== null && ca !== cb) surname = ca > cb ? sa : sb;
    else if (ca !== null && cb === null) surname = sa;
    else if (cb !== null && ca === null) surname = sb;
    else if (na !== nb) surname = na > nb ? sa : sb;
    else {
      surname = sa;
      tie = true;
    }
  }
  const givenText = given.join(' ');
  // Keep each part's own case unless it came in capitals.
  return { name: `${properCase(givenText) ?? givenText} ${properCase(surname, false) ?? surname}`, tie };
}
