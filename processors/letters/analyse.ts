/**
 * One letter in, one analysis out: every page is read (text layer or OCR) and inspected for
 * ID copies and signatures; the remaining pages are the letter, which goes through the same
 * extraction and classification as e-mail (channel 'letter': the sender block top left, the
 * "Betreft:" line, the closing). The same function serves the Kafka processor and
 * `kcc extract`, so what an operator sees on the command line is what the pipeline does.
 *
 * ID and signature pages never contribute text: what they say (names, numbers, the MRZ) must
 * not reach the case text, logs or Kafka (register M1533). Nothing here decides about a
 * person; the topic only routes.
 */
import { classify } from '../classify/index.ts';
import { citizenJson } from '../analyse/index.ts';
import { extractContact, redactBsn, redactIban, type Citizen, type UncertainField } from '../extract/index.ts';
import { blankSignatureScribbles } from '../extract/ocr-letter.ts';
import { hintsOf, inspectPage, type MrzHints } from '../identity/inspect.ts';
import type { InspectedKind } from '../identity/inspect.ts';
import type { OcrPool } from '../ocr/index.ts';

export interface LetterPageInput {
  /** "page-2" or the page file's name (CLI). */
  name: string;
  image?: Buffer;
  mime?: string;
  text?: string;
}

export interface LetterPageResult {
  index: number;
  name: string;
  kind: InspectedKind;
  documentKind: string | null;
  detectedBy: 'mrz' | 'keywords' | 'signature' | null;
  mrzValid: boolean | null;
  /** OCR confidence 0..100, null for a text layer. */
  confidence: number | null;
  rotated: number;
  /** For the identity store only (personal data). */
  hints: MrzHints | null;
}

export interface LetterAnalysis {
  /** The "Betreft:" / "Subject:" line, BSN and IBAN redacted; '' when there is none. */
  subject: string;
  /** The letter pages' text, BSN and IBAN redacted. */
  text: string;
  citizen: Citizen;
  onBehalfOf: string | null;
  representative: { name: string | null; email: string | null; relation: string | null } | null;
  /** Contact fields left empty for the agent to check: OCR read something there, but not well enough. */
  uncertain: UncertainField[];
  classification: { topic: string; language: 'nl' | 'en'; confidence: number; reasons: string[] };
  pages: LetterPageResult[];
  /** Lowest OCR confidence over the letter pages (null: no OCR ran); low means check by hand. */
  minConfidence: number | null;
  /**
   * The OCR's words of the letter pages, in reading order, each with its confidence
   * (0..100) and the index of its line in the letter text before redaction (the text the
   * extractor reads; `text` above has the same lines). Empty for text-layer pages; never
   * words of ID or signature pages. Personal data: for the extractor, not for logs or events.
   */
  words: LetterWord[];
}

export interface LetterWord {
  text: string;
  confidence: number;
  /** 0-based line index in the joined letter text (`text.split('\n')`). */
  line: number;
  /** Index of the page (as in `pages`). */
  page: number;
}

export interface AnalyseLetterOptions {
  ocr?: OcrPool | null;
  /** The KCC's own addresses, postcodes and numbers (never the citizen's). */
  ourAddresses?: string[];
  /** Time budget for the whole letter (ms); pages still unread when it is spent fail the letter. */
  budgetMs?: number;
  maxPixels?: number;
}

/** Register M1533 allows no bank details and the BSN only for second line: neither goes into case text. */
function redact(text: string): string {
  return redactIban(redactBsn(text));
}

// "Betreft:", "Onderwerp:", "Inzake:", "Subject:", "Re:", "Regarding:" at the start of a line;
// OCR sometimes reads the colon as a semicolon or drops it before two spaces.
const SUBJECT_LINE = /^[ \t]*(?:betreft|onderwerp|inzake|subject|regarding|re)[ \t]*[:;][ \t]*(\S[^\n]{0,300})$/im;
// A subject is in the first part of a letter; the bound keeps the scan short on long letters.
const SUBJECT_SCAN_CHARS = 4000;

export function subjectOf(text: string): string {
  const m = SUBJECT_LINE.exec(text.slice(0, SUBJECT_SCAN_CHARS));
  return m ? m[1]!.trim() : '';
}

export async function analyseLetter(pages: readonly LetterPageInput[], options: AnalyseLetterOptions = {}): Promise<LetterAnalysis> {
  const deadline = options.budgetMs !== undefined ? Date.now() + options.budgetMs : undefined;
  // Pages in parallel: the pool queues them over its workers, so all cores work on one letter.
  const inspected = await Promise.all(
    pages.map((p) =>
      inspectPage(p, {
        ocr: options.ocr ?? null,
        ...(deadline !== undefined ? { deadline } : {}),
        ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
      }),
    ),
  );
  const results: LetterPageResult[] = inspected.map((r, i) => ({
    index: i,
    name: pages[i]!.name,
    kind: r.kind,
    documentKind: r.kind === 'id_document' ? r.id.kind : null,
    detectedBy: r.kind === 'id_document' ? r.id.by : r.kind === 'signature' ? 'signature' : null,
    mrzValid: r.kind === 'id_document' ? r.id.mrzValid : null,
    confidence: r.confidence,
    rotated: r.rotated,
    hints: r.kind === 'id_document' ? hintsOf(r.id) : null,
  }));
  const letterPages = inspected.filter((r) => r.kind === 'other');
  const raw = letterPages.map((r) => r.text.trim()).filter(Boolean).join('\n\n');
  const words = letterWords(inspected);
  const subject = subjectOf(raw);
  const ocrWords = words.map(({ text, confidence, line }) => ({ text, confidence, line }));
  // A handwritten signature above the printed name reads as letters ('ENSNDANNA re'): the
  // extraction sees those lines blanked, so the printed name under them is the name. The
  // stored text keeps what OCR read.
  const scribbles = blankSignatureScribbles(raw, ocrWords);
  // The OCR's word confidences decide between two spellings of a name (processors/extract reconcile.ts).
  const extraction = extractContact({ channel: 'letter', fromName: null, fromAddress: null, subject, text: scribbles.text, ourAddresses: options.ourAddresses ?? [], words: ocrWords });
  // Only a signature under the closing and no name anywhere: the agent reads the signature.
  const uncertain = extraction.citizen.name === null && scribbles.signatureOnly && !extraction.uncertain.includes('name') ? [...extraction.uncertain, 'name' as const] : extraction.uncertain;
  const classification = classify({ subject, text: raw });
  const confidences = letterPages.map((r) => r.confidence).filter((c): c is number => c !== null);
  return {
    subject: redact(subject),
    text: redact(raw),
    citizen: extraction.citizen,
    onBehalfOf: extraction.onBehalfOf,
    representative: extraction.representative,
    uncertain,
    classification,
    pages: results,
    minConfidence: confidences.length > 0 ? Math.min(...confidences) : null,
    words,
  };
}

/**
 * OcrWord.line counts a page's non-empty lines; here it becomes the line in the joined
 * letter text, built exactly as `raw` is (letter pages trimmed, '\n\n' between them).
 */
function letterWords(inspected: ReadonlyArray<{ kind: InspectedKind; text: string; ocrWords: ReadonlyArray<{ text: string; confidence: number; line: number }> }>): LetterWord[] {
  const out: LetterWord[] = [];
  let offset = 0;
  inspected.forEach((r, page) => {
    if (r.kind !== 'other') return;
    const trimmed = r.text.trim();
    if (!trimmed) return;
    const lines = trimmed.split('\n');
    const nonEmpty: number[] = [];
    lines.forEach((l, i) => l.trim() !== '' && nonEmpty.push(i));
    for (const w of r.ocrWords) {
      const at = nonEmpty[w.line];
      if (at !== undefined) out.push({ text: w.text, confidence: w.confidence, line: offset + at, page });
    }
    offset += lines.length + 1; // the blank line between pages
  });
  return out;
}

/** The `kcc extract --json` shape (the same keys as for e-mail), one object per letter. */
export function toLetterExtractJson(file: string, a: LetterAnalysis) {
  return {
    file,
    is_case: true,
    language: a.classification.language,
    topic: a.classification.topic,
    citizen: citizenJson(a.citizen),
    on_behalf_of: a.onBehalfOf,
    id_document_attachments: a.pages.filter((p) => p.kind === 'id_document').map((p) => p.name),
    signature_attachments: a.pages.filter((p) => p.kind === 'signature').map((p) => p.name),
  };
}
