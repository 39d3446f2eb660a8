import sharp, { type OutputInfo } from 'sharp';
import { InputError } from '../../lib/errors.ts';
import { findMrz, type MrzResult } from './mrz.ts';

export { findMrz, normaliseMrzLine, type MrzFormat, type MrzResult } from './mrz.ts';

/**
 * Is this page a copy of an identity document, or a signature? Register M1533 allows both
 * only to establish identity and wants them deleted as soon as that is done, so the
 * pipeline must know which attachments they are. This only *flags*: no decision about the
 * person is taken here (no automated decision-making), and nothing read is logged.
 *
 * Evidence, strongest first:
 *  1. a machine-readable zone (TD1 ID card, TD2, TD3 passport) — parsed with check digits;
 *  2. printed keywords: a document title (PASPOORT, IDENTITEITSKAART, RIJBEWIJS…) plus at
 *     least two independent signs of a real document (issuing state, a document-number
 *     pattern, bilingual field labels, several dates, a driving licence's numbered fields).
 * A letter that *mentions* a passport, or a web page about renewing one, has the word but
 * not the rest.
 */

export type IdKind = 'passport' | 'id_card' | 'driving_licence';

export interface IdDetection {
  isIdDocument: boolean;
  kind: IdKind | null;
  by: 'mrz' | 'keywords' | null;
  /** MRZ found: were all its check digits and fields valid? null when no MRZ was found. */
  mrzValid: boolean | null;
  /** The parsed zone, when found. Personal data: use to establish identity, then discard. */
  mrz?: MrzResult;
}

// Titles as printed on Dutch and EU documents: upper case on the document itself, which is
// what separates them from a letter saying "mijn paspoort".
const TITLES: ReadonlyArray<{ kind: IdKind; re: RegExp }> = [
  { kind: 'passport', re: /\b(?:PASPOORT|PASSPORT|PASSEPORT|REISEPASS|REISDOCUMENT)\b/ },
  { kind: 'id_card', re: /\b(?:IDENTITEITSKAART|IDENTITY CARD|CARTE D'IDENTIT[EÉ]|PERSONALAUSWEIS|NEDERLANDSE IDENTITEITSKAART)\b/ },
  { kind: 'driving_licence', re: /\b(?:RIJBEWIJS|DRIVING LICEN[CS]E|PERMIS DE CONDUIRE|F[ÜU]HRERSCHEIN)\b/ },
];
const ISSUER = /KONINKRIJK\s+DER\s+NEDERLANDEN|KINGDOM\s+OF\s+THE\s+NETHERLANDS|ROYAUME\s+DES\s+PAYS|EUROPESE\s+UNIE|EUROPEAN\s+UNION/i;
// Dutch passport / ID card numbers: 9 characters, letters and digits, no letter O, last a digit
// (Rijksoverheid, "documentnummer"); a driving licence number is 10 digits (field 5).
const DOC_NUMBER = /\b(?=[A-NP-Z0-9]{9}\b)(?=[A-NP-Z0-9]*[A-NP-Z])[A-NP-Z0-9]{8}[0-9]\b/;
const DL_NUMBER = /(?:^|\s)5\.\s*\d{10}\b/m;
const FIELD_LABELS = [
  /Naam\s*\/\s*Surname|\bSurname\b/i,
  /Voornamen\s*\/\s*Given names|\bGiven names\b/i,
  /Geboortedatum\s*\/\s*Date of birth|\bDate of birth\b/i,
  /Documentnummer\s*\/\s*Document no|\bDocument no\b/i,
  /Geldig tot\s*\/\s*Date of expiry|\bDate of expiry\b/i,
  /Nationaliteit\s*\/\s*Nationality|\bNationality\b/i,
  /Geslacht\s*\/\s*Sex\b/i,
];
const DATE = /\b\d{2}[ .\-/]\d{2}[ .\-/](?:19|20)\d{2}\b/g;
const DL_FIELDS = /\b4[abc]\./g;
// Keywords are judged on the first part only: an ID copy holds little text.
const MAX_KEYWORD_CHARS = 20_000;

/** Is a second OCR pass restricted to MRZ characters worth its cost? */
export function needsMrzPass(text: string): boolean {
  const sample = text.slice(0, MAX_KEYWORD_CHARS);
  if (/[<«][<«KCLE]{2,}/.test(sample.toUpperCase())) return true;
  return TITLES.some((t) => t.re.test(sample));
}

/**
 * `text`: the page's ordinary OCR text; `mrzText`: the optional second pass restricted to
 * MRZ characters (OcrPool.recognize with mode 'mrz'), tried first. `ocrConfidence` is
 * accepted for the record but does not change the verdict: on the generated set MRZ and
 * keyword evidence held at every confidence seen (88–95), and a low-confidence page is
 * better flagged than missed.
 */
export function detectIdDocument(input: { text: string; mrzText?: string; ocrConfidence?: number }): IdDetection {
  const mrz = findMrz(input.mrzText ?? '') ?? findMrz(input.text);
  if (mrz && mrz.documentKind !== 'other') {
    return { isIdDocument: true, kind: mrz.documentKind, by: 'mrz', mrzValid: mrz.valid && mrz.checkDigitsOk, mrz };
  }
  const text = input.text.slice(0, MAX_KEYWORD_CHARS);
  const title = TITLES.find((t) => t.re.test(text));
  if (!title) return { isIdDocument: false, kind: null, by: null, mrzValid: mrz ? false : null, ...(mrz ? { mrz } : {}) };
  const labels = FIELD_LABELS.filter((re) => re.test(text)).length;
  const signs = [
    ISSUER.test(text),
    DOC_NUMBER.test(text) || DL_NUMBER.test(text),
    labels >= 2,
    (text.match(DATE) ?? []).length >= 2,
    (text.match(DL_FIELDS) ?? []).length >= 2,
  ].filter(Boolean).length;
  const isId = signs >= 2;
  return {
    isIdDocument: isId,
    kind: isId ? title.kind : null,
    by: isId ? 'keywords' : null,
    mrzValid: mrz ? false : null,
    ...(mrz ? { mrz } : {}),
  };
}

export interface SignatureDetection {
  isSignature: boolean;
  /** Share of dark pixels. */
  inkRatio: number;
  /** Width ÷ height of the box around the ink. */
  inkAspect: number;
  /** Share of the image the ink box covers. */
  inkBoxShare: number;
  reason: 'signature' | 'blank' | 'too_much_ink' | 'text' | 'not_wide' | 'too_spread';
}

// Measured on generated strokes and pages (test/unit/idcheck): signatures about 2 % ink in
// a box 7× wider than tall; a letter page also ~2 % but with 100+ recognised words and a
// tall ink box; a web-page screenshot 11 %; a blank scan 0 %.
const MIN_INK = 0.001;
const MAX_INK = 0.12;
// Handwritten names are wider than tall; a stamp or logo is roughly square.
const MIN_INK_ASPECT = 1.8;
// OCR reads up to a few "words" into a scribble, at low confidence (measured 0–29), while
// a printed line reads at 90+ (a closing, a typed name). Two confident words are text;
// many words are text whatever the confidence.
const TEXT_MIN_WORDS = 2;
const TEXT_MIN_CONFIDENCE = 70;
const TEXT_ANY_CONFIDENCE_WORDS = 6;
// Analysis size: statistics are stable at this width and cost a few ms.
const ANALYSIS_WIDTH = 600;

/**
 * A signature image: mostly blank, a little ink in a wide band, and (if OCR ran) no real
 * text. Simple pixel statistics via sharp; deliberately conservative — it flags images
 * for the deletion rules, it does not judge a signature.
 */
export async function detectSignature(input: { image: Buffer; ocrWords?: number; ocrConfidence?: number; maxPixels?: number }): Promise<SignatureDetection> {
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await sharp(input.image, { limitInputPixels: input.maxPixels ?? 40_000_000 })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize({ width: ANALYSIS_WIDTH, withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw new InputError('IDCHECK_IMAGE_UNREADABLE', 'the image could not be decoded', err);
  }
  const { width, height } = info;
  let ink = 0;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  // Dark = below mid-grey; scans of blue ink on white sit well below it.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x]! < 128) {
        ink++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  const inkRatio = ink / (width * height);
  const boxW = maxX >= minX ? maxX - minX + 1 : 0;
  const boxH = maxY >= minY ? maxY - minY + 1 : 0;
  const inkAspect = boxH > 0 ? boxW / boxH : 0;
  const inkBoxShare = (boxW * boxH) / (width * height);
  const result = (isSignature: boolean, reason: SignatureDetection['reason']): SignatureDetection => ({
    isSignature,
    inkRatio: Math.round(inkRatio * 10_000) / 10_000,
    inkAspect: Math.round(inkAspect * 100) / 100,
    inkBoxShare: Math.round(inkBoxShare * 1000) / 1000,
    reason,
  });
  if (inkRatio < MIN_INK) return result(false, 'blank');
  if (inkRatio > MAX_INK) return result(false, 'too_much_ink');
  const words = input.ocrWords ?? 0;
  if ((words >= TEXT_MIN_WORDS && (input.ocrConfidence ?? 100) >= TEXT_MIN_CONFIDENCE) || words > TEXT_ANY_CONFIDENCE_WORDS) return result(false, 'text');
  if (inkAspect < MIN_INK_ASPECT) return result(false, 'not_wide');
  // Ink spread over most of a tall page is a document, not a signature strip.
  if (inkBoxShare > 0.6 && height > width) return result(false, 'too_spread');
  return result(true, 'signature');
}
