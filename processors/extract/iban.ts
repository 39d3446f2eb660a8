/**
 * IBAN recognition. The register allows no bank details at all, so every IBAN is found
 * (also in the usual groups of four) and replaced; validation is the mod-97 check and
 * per-country format of ibantools.
 */
import { isValidIBAN, getCountrySpecifications } from 'ibantools';
import type { Span } from './text.ts';

const SPECS = getCountrySpecifications();

/**
 * The start of a possible IBAN: two letters and two check digits, not glued to a word.
 * The body is collected by hand below, up to the country's fixed length, so no regex
 * ever runs over an unbounded stretch.
 */
const IBAN_START = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?=[ -]?[A-Za-z0-9])/gu;
/** ISO 13616: an IBAN has at most 34 characters. */
const MAX_IBAN = 34;

function isAlnum(ch: string): boolean {
  return /^[A-Za-z0-9]$/.test(ch);
}

/** Every valid IBAN in the text, electronic ('NL91ABNA0417164300') or grouped ('NL91 ABNA 0417 1643 00'). */
export function findIbans(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(IBAN_START)) {
    const country = m[0].slice(0, 2).toUpperCase();
    const length = SPECS[country]?.chars;
    if (!length || length > MAX_IBAN) continue;
    let compact = m[0].toUpperCase();
    let i = m.index + m[0].length;
    // Take characters one at a time, allowing one space or hyphen between them, until the country's length.
    while (compact.length < length && i < text.length) {
      const ch = text[i] ?? '';
      if (isAlnum(ch)) {
        compact += ch.toUpperCase();
        i++;
      } else if ((ch === ' ' || ch === '-') && isAlnum(text[i + 1] ?? '')) {
        i++;
      } else break;
    }
    if (compact.length !== length) continue;
    // The IBAN must end where a word ends: 'NL..ABC' glued to more letters is something else.
    if (isAlnum(text[i] ?? '')) continue;
    if (isValidIBAN(compact)) out.push({ start: m.index, end: i });
  }
  return out;
}

/** Replace every valid IBAN by '[IBAN]'. Strings that look like an IBAN but fail mod-97 stay. */
export function redactIban(text: string): string {
  const spans = findIbans(text);
  if (spans.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos) continue;
    out += `${text.slice(pos, s.start)}[IBAN]`;
    pos = s.end;
  }
  return out + text.slice(pos);
}
