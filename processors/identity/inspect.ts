/**
 * Is this page or attachment a copy of an identity document, or a signature? One function
 * for letter pages and e-mail attachments, so both channels flag the same things the same
 * way: OCR (or the PDF's text layer) → a second pass restricted to MRZ characters when the
 * text hints at a document → processors/idcheck's verdicts.
 *
 * What comes back includes the recognised text and, for ID copies, the parsed MRZ: personal
 * data that the caller must keep out of logs, Kafka and case text (register M1533: an ID copy
 * is only for establishing identity). Nothing here decides anything about the person.
 */
import sharp from 'sharp';
import { InputError, PipelineError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { detectIdDocument, detectSignature, needsMrzPass, type IdDetection, type SignatureDetection } from '../idcheck/index.ts';
import type { OcrPool, OcrWord } from '../ocr/index.ts';
import { DEFAULT_PAGE_LIMITS, splitDocument, sniff, type PageLimits } from '../pages/index.ts';

export type InspectedKind = 'id_document' | 'signature' | 'other';

export interface PageInput {
  image?: Buffer;
  mime?: string;
  /** Text of a PDF text layer: read as is, no OCR. */
  text?: string;
}

export interface PageInspection {
  kind: InspectedKind;
  /** What the page says (personal data). */
  text: string;
  /** Mean OCR word confidence 0..100; null for text-layer pages. */
  confidence: number | null;
  /** Quarter turn OCR applied to read the page. */
  rotated: number;
  /** OCR's words with their confidences (see OcrWord); [] for text-layer pages (personal data). */
  ocrWords: OcrWord[];
  id: IdDetection;
  signature: SignatureDetection | null;
}

export interface InspectOptions {
  /** Needed for image pages; text pages never touch it. */
  ocr?: OcrPool | null;
  /** Epoch ms by which the page must be done (a letter's budget); passed to the pool per call. */
  deadline?: number;
  maxPixels?: number;
}

function remaining(deadline: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const ms = deadline - Date.now();
  if (ms <= 0) throw new InputError('OCR_BUDGET_EXCEEDED', 'the document took longer to read than its time budget allows');
  return ms;
}

export async function inspectPage(page: PageInput, options: InspectOptions = {}): Promise<PageInspection> {
  if (page.text !== undefined && !page.image) {
    const id = detectIdDocument({ text: page.text });
    return { kind: id.isIdDocument ? 'id_document' : 'other', text: page.text, confidence: null, rotated: 0, ocrWords: [], id, signature: null };
  }
  if (!page.image) throw new InputError('INSPECT_PAGE_EMPTY', 'the page has neither an image nor text');
  const pool = options.ocr;
  if (!pool) throw new PipelineError('INSPECT_NO_OCR', 'an image page needs the OCR pool', { retriable: false });
  const timeoutMs = remaining(options.deadline);
  const ocr = await pool.recognize(page.image, timeoutMs === undefined ? {} : { timeoutMs });
  let mrzText: string | undefined;
  if (needsMrzPass(ocr.text)) {
    const t = remaining(options.deadline);
    mrzText = (await pool.recognize(page.image, { mode: 'mrz', rotate: ocr.rotated as 0 | 90 | 180 | 270, ...(t === undefined ? {} : { timeoutMs: t }) })).text;
  }
  const id = detectIdDocument({ text: ocr.text, ...(mrzText !== undefined ? { mrzText } : {}), ocrConfidence: ocr.confidence });
  if (id.isIdDocument) return { kind: 'id_document', text: ocr.text, confidence: ocr.confidence, rotated: ocr.rotated, ocrWords: ocr.wordList, id, signature: null };
  const signature = await detectSignature({ image: page.image, ocrWords: ocr.words, ocrConfidence: ocr.confidence, ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}) });
  return { kind: signature.isSignature ? 'signature' : 'other', text: ocr.text, confidence: ocr.confidence, rotated: ocr.rotated, ocrWords: ocr.wordList, id, signature };
}

export interface AttachmentVerdict {
  kind: InspectedKind;
  documentKind: string | null;
  detectedBy: 'mrz' | 'keywords' | 'signature' | null;
  mrzValid: boolean | null;
  /** MRZ names and expiry, for the agent's hint only (personal data). */
  hints: MrzHints | null;
  /** Why it was not looked at, when it was not ('not_a_document', 'too_small', 'budget', 'unreadable'). */
  skipped: string | null;
}

export interface MrzHints { surname?: string; givenNames?: string; expiryDate?: string }

export function hintsOf(id: IdDetection): MrzHints | null {
  const d = id.mrz?.details;
  if (!d) return null;
  const out: MrzHints = {};
  if (d.surname) out.surname = d.surname;
  if (d.givenNames) out.givenNames = d.givenNames;
  if (d.expiryDate) out.expiryDate = d.expiryDate;
  return Object.keys(out).length > 0 ? out : null;
}

export interface AttachmentInspectorOptions {
  /** The OCR pool, created on first need (an e-mail process that never sees an image never starts one). */
  ocr: () => Promise<OcrPool>;
  limits?: PageLimits;
  /**
   * Pages looked at per attachment. An ID copy is one or two pages; a 50-page PDF is a report,
   * and reading all of it would cost ~2 s a page on one core.
   */
  maxPagesPerAttachment?: number;
  /**
   * Pages looked at per message across its attachments: one message cannot occupy the pool for
   * minutes. 12 pages ≈ 15 s on two cores (bench/ocr.ts).
   */
  maxPagesPerMessage?: number;
  logger?: Logger;
}

/**
 * Below this an image is an icon, a logo or a smiley, not a copy of a document: an ID card
 * photographed or scanned at the lowest useful resolution is still ~600 × 380 px, a
 * signature strip ~300 × 100 px.
 */
const MIN_LONG_SIDE_PX = 300;
const MIN_SHORT_SIDE_PX = 60;
const DEFAULT_PAGES_PER_ATTACHMENT = 4;
const DEFAULT_PAGES_PER_MESSAGE = 12;

/**
 * The cheap half of the inspector, for the e-mail processor: could this attachment be an ID
 * copy or a signature at all? Magic bytes (PDF, PNG, JPEG, TIFF: GIFs, Office files and
 * text are not), and for images the pixel size from the header (icons and logos are not).
 * No OCR and no page split: a PDF is a candidate whatever it holds.
 */
export async function isInspectionCandidate(a: { content: Buffer }): Promise<boolean> {
  const format = sniff(a.content);
  if (!format) return false;
  if (format === 'pdf') return true;
  const meta = await sharp(a.content, { limitInputPixels: false }).metadata().catch(() => null);
  if (!meta) return false;
  return !tooSmall(meta.width ?? 0, meta.height ?? 0);
}

function tooSmall(w: number, h: number): boolean {
  return Math.max(w, h) < MIN_LONG_SIDE_PX || Math.min(w, h) < MIN_SHORT_SIDE_PX;
}

const SKIP = (skipped: string): AttachmentVerdict => ({ kind: 'other', documentKind: null, detectedBy: null, mrzValid: null, hints: null, skipped });

/**
 * An e-mail attachment inspector for analyseEmail's `inspectAttachment` hook. Returns a new
 * function per message (`forMessage()`), so that the page budget is per message.
 * Bad attachments (damaged PDF, undecodable image) are 'other', never a failure of the
 * message: the citizen's question still becomes a case.
 */
export function createAttachmentInspector(o: AttachmentInspectorOptions) {
  const limits = { ...DEFAULT_PAGE_LIMITS, ...o.limits };
  const perAttachment = o.maxPagesPerAttachment ?? DEFAULT_PAGES_PER_ATTACHMENT;
  const perMessage = o.maxPagesPerMessage ?? DEFAULT_PAGES_PER_MESSAGE;
  return {
    forMessage() {
      let budget = perMessage;
      return async (a: { filename: string; contentType: string; content: Buffer }): Promise<AttachmentVerdict> => {
        if (!sniff(a.content)) return SKIP('not_a_document');
        let split;
        try {
          split = await splitDocument(a.content, a.filename, limits);
        } catch (err) {
          if (err instanceof InputError) return SKIP('unreadable');
          throw err;
        }
        let signature: AttachmentVerdict | null = null;
        for (const page of split.pages.slice(0, perAttachment)) {
          if (page.image) {
            const meta = await sharp(page.image, { limitInputPixels: false }).metadata().catch(() => null);
            const w = meta?.width ?? 0;
            const h = meta?.height ?? 0;
            if (tooSmall(w, h)) continue;
            if (budget <= 0) {
              o.logger?.warn({ code: 'INSPECT_BUDGET' }, 'attachment pages left uninspected: page budget of the message spent');
              return SKIP('budget');
            }
            budget -= 1;
          }
          let pool: OcrPool | null = null;
          if (page.image) {
            try {
              pool = await o.ocr();
            } catch (err) {
              // No OCR (missing language data, workers that do not start): the message still
              // becomes a case; its attachments are simply not flagged. Loud in the log.
              o.logger?.error({ code: err instanceof PipelineError ? err.code : 'OCR_UNAVAILABLE' }, 'OCR unavailable: attachment not inspected for ID copies');
              return SKIP('ocr_unavailable');
            }
          }
          let r: PageInspection;
          try {
            r = await inspectPage(page, { ocr: pool, maxPixels: limits.maxPixels });
          } catch (err) {
            // A page OCR cannot read is not an ID copy we can flag; a pool failure is retried.
            if (err instanceof InputError) continue;
            throw err;
          }
          if (r.kind === 'id_document') {
            return { kind: 'id_document', documentKind: r.id.kind, detectedBy: r.id.by, mrzValid: r.id.mrzValid, hints: hintsOf(r.id), skipped: null };
          }
          if (r.kind === 'signature') signature = { kind: 'signature', documentKind: null, detectedBy: 'signature', mrzValid: null, hints: null, skipped: null };
        }
        return signature ?? { kind: 'other', documentKind: null, detectedBy: null, mrzValid: null, hints: null, skipped: null };
      };
    },
  };
}
