import sharp, { type OutputInfo } from 'sharp';
import { InputError } from '../../lib/errors.ts';
// Not re-exported: callers (processors/identity/inspect.ts, letters) get one verdict from
// detectSignature, so the pixel measures and thresholds can change without touching them.
import { components, inkMask, isPenStroke, midtoneShare } from './ink.ts';
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
  /** Share of the pen strokes' box that is ink. */
  inkRatio: number;
  /** Width ÷ height of the box around the pen strokes. */
  inkAspect: number;
  /** Share of the image the pen strokes' box covers. */
  inkBoxShare: number;
  reason: 'signature' | 'blank' | 'too_much_ink' | 'text' | 'not_wide' | 'not_strokes' | 'not_paper';
}

// Analysis size: enough pixels that a signature 15 % as wide as a 300-dpi A4 scan keeps
// strokes of 2+ px (the old 600-px width shrank it to a grey smudge); ~0.5 s for a phone photo.
const ANALYSIS_PIXELS = 2_500_000;
// Specks of grain, dust and JPEG noise: components below this share of the image (and at
// least this many pixels) are ignored.
const MIN_COMPONENT_SHARE = 2e-6;
const MIN_COMPONENT_PX = 8;
// A signature is pen strokes and little else: at least 60 % of the ink (the rest may be a
// printed name under it, a date, a dot). A page of text, a screenshot or a chart is mostly
// short letter components; a logo, QR code or bar chart mostly filled shapes.
const MIN_STROKE_SHARE = 0.6;
// Written words, not a page of them: a handwritten letter or a photo of a printed page with
// words run together by blur gives hundreds of stroke components.
const MAX_STROKES = 40;
// Handwritten names are wider than tall (measured 2–5 on generated ones, slanted included); a
// stamp or scribbled square is not.
const MIN_INK_ASPECT = 1.5;
// Ink share of the strokes' box: pen lines cover 2–25 % of it; more is a filled shape or a
// dense scrawl, less is noise that happened to line up.
const MIN_BOX_INK = 0.01;
const MAX_BOX_INK = 0.35;
// Ink beyond this share of the whole image is a photo or a graphic, not a sheet with a signature.
const MAX_IMAGE_INK = 0.15;
// The strokes must make up a mark, not a few specks: wider than this share of the image's long side.
const MIN_BOX_WIDTH_SHARE = 0.05;
// Around a signature is paper: measured ≤ 0.03 of the surroundings in mid-tones (stroke
// edges, JPEG, ruled lines, grain on shaded paper) on generated photos and scans, ≥ 0.12
// around the thin edges a colour photo happens to contain.
const MAX_MIDTONES = 0.06;
// OCR reads up to a few "words" into a scribble, at low confidence (measured 0–52), and a
// printed name under a signature adds two or three confident ones. Many words are text
// whatever the pixels say; a few confident words are text unless most of the ink is pen
// strokes (a typed line has none: its letters are short components, see ./ink.ts).
const TEXT_MIN_WORDS = 2;
const TEXT_MIN_CONFIDENCE = 70;
const TEXT_ANY_CONFIDENCE_WORDS = 8;

/**
 * A signature image: pen strokes on paper, wherever on the image and however lit, and (if
 * OCR ran) no real text. Pixels via sharp, then ink relative to the local paper brightness
 * and its connected components (./ink.ts); deliberately conservative — it flags images for
 * the deletion rules, it does not judge a signature.
 */
export async function detectSignature(input: { image: Buffer; ocrWords?: number; ocrConfidence?: number; maxPixels?: number }): Promise<SignatureDetection> {
  let data: Buffer;
  let info: OutputInfo;
  try {
    const meta = await sharp(input.image, { limitInputPixels: input.maxPixels ?? 40_000_000 }).metadata();
    const px = (meta.width ?? 1) * (meta.height ?? 1);
    const scale = Math.min(1, Math.sqrt(ANALYSIS_PIXELS / px));
    const oriented = (meta.orientation ?? 1) >= 5;
    const w = Math.max(1, Math.round((oriented ? meta.height ?? 1 : meta.width ?? 1) * scale));
    ({ data, info } = await sharp(input.image, { limitInputPixels: input.maxPixels ?? 40_000_000 })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize({ width: w, withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw new InputError('IDCHECK_IMAGE_UNREADABLE', 'the image could not be decoded', err);
  }
  const { width, height } = info;
  const grey = new Uint8Array(data.buffer, data.byteOffset, width * height);
  const { mask, paper } = inkMask(grey, width, height);
  const comps = components(mask, width, height, Math.max(MIN_COMPONENT_PX, width * height * MIN_COMPONENT_SHARE));
  // What touches the border is scenery: the table beyond the sheet, the sheet's edge, a
  // shadow cut off by the frame.
  const inside = comps.filter((c) => !c.touchesBorder);
  const strokes = inside.filter(isPenStroke);
  const inkAll = inside.reduce((s, c) => s + c.area, 0);
  const inkStrokes = strokes.reduce((s, c) => s + c.area, 0);
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (const c of strokes) {
    minX = Math.min(minX, c.minX);
    minY = Math.min(minY, c.minY);
    maxX = Math.max(maxX, c.maxX);
    maxY = Math.max(maxY, c.maxY);
  }
  const boxW = maxX >= minX ? maxX - minX + 1 : 0;
  const boxH = maxY >= minY ? maxY - minY + 1 : 0;
  const boxInk = boxW * boxH > 0 ? inkStrokes / (boxW * boxH) : 0;
  const inkAspect = boxH > 0 ? boxW / boxH : 0;
  const inkBoxShare = (boxW * boxH) / (width * height);
  const result = (isSignature: boolean, reason: SignatureDetection['reason']): SignatureDetection => ({
    isSignature,
    inkRatio: Math.round(boxInk * 10_000) / 10_000,
    inkAspect: Math.round(inkAspect * 100) / 100,
    inkBoxShare: Math.round(inkBoxShare * 1000) / 1000,
    reason,
  });
  if (inkAll === 0) return result(false, 'blank');
  if (inkAll / (width * height) > MAX_IMAGE_INK) return result(false, 'too_much_ink');
  const words = input.ocrWords ?? 0;
  if (words > TEXT_ANY_CONFIDENCE_WORDS || (words >= TEXT_MIN_WORDS && (input.ocrConfidence ?? 100) >= TEXT_MIN_CONFIDENCE && inkStrokes < MIN_STROKE_SHARE * inkAll)) {
    return result(false, 'text');
  }
  if (strokes.length === 0 || strokes.length > MAX_STROKES || inkStrokes < MIN_STROKE_SHARE * inkAll) return result(false, 'not_strokes');
  if (boxW < MIN_BOX_WIDTH_SHARE * Math.max(width, height)) return result(false, 'blank');
  if (boxInk < MIN_BOX_INK || boxInk > MAX_BOX_INK) return result(false, 'too_much_ink');
  if (inkAspect < MIN_INK_ASPECT) return result(false, 'not_wide');
  if (midtoneShare(grey, paper, mask, width, height, { minX, minY, maxX, maxY }) > MAX_MIDTONES) return result(false, 'not_paper');
  return result(true, 'signature');
}
