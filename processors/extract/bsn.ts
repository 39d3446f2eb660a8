/**
 * BSN (burgerservicenummer) recognition and redaction.
 *
 * The register (M1533) allows a BSN only when a case must go to second-line support, so the
 * extractor must find it reliably and everything else must be able to remove it.
 */
import { fold } from './text.ts';
import type { Span } from './text.ts';

/**
 * The elfproef (11-test) for a BSN: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11.
 * All zeros passes the arithmetic but is not a number that is ever issued.
 */
export function isValidBsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || digits === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/**
 * Nine digits, written straight or in groups with single spaces, dots or hyphens
 * ('123456782', '123 456 782', '123.45.67.82', '123-456-782'). The look-arounds make
 * the token standalone: no letter or digit glued on either side, and no further digit
 * group joined by a separator, so pieces of phone numbers, IBANs and longer references
 * never qualify; nor does the rest of a phone number after '(0)' or '+'. Every quantifier is bounded, so the scan is linear.
 */
const NINE_DIGITS = /(?<![\p{L}\p{N})+]|[\p{N}][ .-])\p{N}(?:[ .-]?\p{N}){8}(?![\p{L}\p{N}]|[ .-]\p{N})/gu;

export interface BsnCandidate extends Span {
  digits: string;
}

/** Every standalone nine-digit token, valid or not. */
export function nineDigitTokens(text: string): BsnCandidate[] {
  const out: BsnCandidate[] = [];
  for (const m of text.matchAll(NINE_DIGITS)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length !== 9 || !/^\d+$/.test(digits)) continue; // \p{N} also matches non-ASCII digits
    out.push({ start: m.index, end: m.index + m[0].length, digits });
  }
  return out;
}

/** Replace every elfproef-valid standalone nine-digit number by '[BSN]'; other numbers stay. */
export function redactBsn(text: string): string {
  return text.replace(NINE_DIGITS, (token) => {
    const digits = token.replace(/\D/g, '');
    return isValidBsn(digits) ? '[BSN]' : token;
  });
}

/** Words that say the number is a BSN. Compared on folded (lower case, no accents) text. */
const BSN_LABEL = /(?:\bbsn|burgerservice ?nummer|sofi ?nummer|sofi-nummer|\bsofi|citizen service number|social security number|persoonsnummer)\b[^\n\p{N}]{0,20}$/u;
/** Words that say the number is something else (order, invoice, case, error code...). */
const OTHER_LABEL = /(?:nummer|nr\.?|number|no\.?|code|kenmerk|referentie|reference|ref\.?|ticket|kvk|dossier|id)\b[^\n\p{N}]{0,12}$/u;

/** A BSN label the writer claims as their own ('mijn BSN is', 'my citizen service number:'). */
const OWN_BSN_LABEL = /(?:\b(?:mijn|my|m'n|mn)\s+(?:eigen\s+|own\s+)?(?:bsn|burgerservice ?nummer|sofi ?nummer|sofi-nummer|citizen service number|social security number)\b|\b(?:ik heb|i have)\s+(?:het\s+|the\s+|als\s+)?(?:bsn|burgerservice ?nummer)\b|\b(?:bsn|burgerservice ?nummer)\s*\((?:van mij|mine|eigen|own)\))[^\n\p{N}]{0,20}$/u;

/**
 * Whose BSN a label names, when it says: 'BSN ouder:', 'BSN van mijn dochter', 'BSN (kind)',
 * 'BSN of the child'. The role word, folded; null when the label names nobody.
 */
const ROLE_LABEL = /(?:\bbsn|burgerservice ?nummer|citizen service number)\s*(?:van\s+(?:de\s+|het\s+|mijn\s+|m'n\s+)?|of\s+(?:the\s+|my\s+)?|\(\s*|-\s*)?(ouder|vader|moeder|verzorger|aanvrager|kind|zoon|dochter|parent|father|mother|applicant|child|son|daughter)\b[^\n\p{N}]{0,12}$/u;

/**
 * Decide which nine-digit tokens are BSNs: elfproef-valid, and not introduced as some other
 * kind of number ('factuurnummer 201998993'). A BSN label always wins. `writers` marks the
 * ones the writer calls their own: when someone writes for another person, those are not
 * the citizen's.
 */
export function findBsns(text: string): Array<BsnCandidate & { labelled: boolean; writers: boolean; role: string | null }> {
  const out: Array<BsnCandidate & { labelled: boolean; writers: boolean; role: string | null }> = [];
  for (const c of nineDigitTokens(text)) {
    if (!isValidBsn(c.digits)) continue;
    const before = fold(text.slice(Math.max(0, c.start - 40), c.start));
    const labelled = BSN_LABEL.test(before);
    if (!labelled && OTHER_LABEL.test(before)) continue;
    out.push({ ...c, labelled, writers: labelled && OWN_BSN_LABEL.test(before), role: labelled ? (ROLE_LABEL.exec(before)?.[1] ?? null) : null });
  }
  return out;
}
