/**
 * `kcc extract FILE... [--json]`: run the pipeline's own parse / OCR / extract / classify code
 * on files, without Kafka or MongoDB, and print one JSON array with an object per file, so an
 * operator sees what the pipeline would make of a message.
 *
 *  - `.eml`: an e-mail (attachments inspected for ID copies and signatures, as in the pipeline);
 *  - `.pdf`, `.png`, `.jpg`/`.jpeg`, `.tif`/`.tiff`: a scanned letter, all its pages;
 *  - `--letter PAGE.png PAGE-2.png …`: the given files, in order, are the pages of one letter,
 *    and one object is printed for it (`file` = the first page's name).
 * `id_document_attachments` / `signature_attachments` name the pages that are ID copies or
 * signatures: the page file's name, with `#page=N` (RFC 8118) for a page of a multi-page file.
 *
 * A file that cannot be analysed gets an object with `error` (code and reason) instead; the
 * exit status is 1 when any file failed, 0 otherwise. OCR uses the local language data
 * (KCC_TESSDATA_DIR) and starts only when a scan needs it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadOcrConfig } from '../config/index.ts';
import { analyseEmail, toExtractJson } from '../processors/analyse/index.ts';
import { createAttachmentInspector, emailCopyCollector } from '../processors/identity/index.ts';
import { analyseLetter, toLetterExtractJson, type LetterPageInput } from '../processors/letters/index.ts';
import { createOcrPool, type OcrPool } from '../processors/ocr/index.ts';
import { splitDocument } from '../processors/pages/index.ts';
import { PipelineError } from '../lib/errors.ts';

// The same bound the intake applies (config default KCC_MAX_MESSAGE_BYTES).
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const SCAN_EXTENSIONS = new Set(['.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff']);

export interface ExtractResult { output: string; failed: number }

export interface ExtractOptions {
  /** Treat the files as the pages of one letter. */
  letter?: boolean;
  /** The OCR pool (tests inject one); default: one started from KCC_TESSDATA_DIR on first need and closed at the end. */
  ocr?: () => Promise<OcrPool>;
}

function cliError(code: string, message: string): PipelineError {
  return new PipelineError(code, message, { retriable: false });
}

async function readChecked(file: string): Promise<Buffer> {
  const info = await stat(file);
  if (!info.isFile()) throw cliError('CLI_NOT_A_FILE', 'not a regular file');
  if (info.size > MAX_FILE_BYTES) throw cliError('CLI_FILE_TOO_LARGE', `larger than ${MAX_FILE_BYTES} bytes`);
  return readFile(file);
}

/** A scan's pages, named after the file (with #page=N when it has more than one). */
async function pagesOf(file: string): Promise<LetterPageInput[]> {
  const name = path.basename(file);
  const split = await splitDocument(await readChecked(file), name);
  return split.pages.map((p) => ({
    name: split.pages.length === 1 ? name : `${name}#page=${p.index + 1}`,
    ...(p.image ? { image: p.image, mime: p.mime ?? 'image/png' } : { text: p.text ?? '' }),
  }));
}

function errorObject(file: string, err: unknown) {
  const known = err instanceof PipelineError;
  const code = known ? err.code : String((err as { code?: unknown }).code ?? 'CLI_FAILED');
  return { file, error: { code, reason: known ? err.message : 'cannot read file' } };
}

export async function extractFiles(files: readonly string[], options: ExtractOptions = {}): Promise<ExtractResult> {
  let started: Promise<OcrPool> | null = null;
  const ocr =
    options.ocr ??
    (() => {
      if (!started) {
        const c = loadOcrConfig();
        started = createOcrPool({ langPath: c.tessdataDir, workers: c.workers });
      }
      return started;
    });
  try {
    if (options.letter) {
      const first = path.basename(files[0] ?? '');
      try {
        const pages: LetterPageInput[] = [];
        for (const file of files) {
          if (!SCAN_EXTENSIONS.has(path.extname(file).toLowerCase())) throw cliError('CLI_UNSUPPORTED_TYPE', 'a letter page must be a .pdf, .png, .jpg, .jpeg, .tif or .tiff file');
          pages.push(...(await pagesOf(file)));
        }
        const a = await analyseLetter(pages, { ocr: pages.some((p) => p.image) ? await ocr() : null });
        return { output: JSON.stringify(toLetterExtractJson(first, a), null, 2) + '\n', failed: 0 };
      } catch (err) {
        return { output: JSON.stringify(errorObject(first, err), null, 2) + '\n', failed: 1 };
      }
    }

    const results: unknown[] = [];
    let failed = 0;
    const inspector = createAttachmentInspector({ ocr });
    for (const file of files) {
      const name = path.basename(file);
      try {
        const ext = path.extname(file).toLowerCase();
        if (ext === '.eml' || ext === '') {
          const copies = emailCopyCollector(inspector);
          results.push(toExtractJson(name, await analyseEmail(await readChecked(file), copies.options({}))));
        } else if (SCAN_EXTENSIONS.has(ext)) {
          const pages = await pagesOf(file);
          results.push(toLetterExtractJson(name, await analyseLetter(pages, { ocr: pages.some((p) => p.image) ? await ocr() : null })));
        } else {
          throw cliError('CLI_UNSUPPORTED_TYPE', `unsupported file type ${ext}; kcc extract reads .eml, .pdf, .png, .jpg, .jpeg, .tif and .tiff files`);
        }
      } catch (err) {
        failed += 1;
        results.push(errorObject(name, err));
      }
    }
    return { output: JSON.stringify(results, null, 2) + '\n', failed };
  } finally {
    if (started) await (await (started as Promise<OcrPool>).catch(() => null))?.close();
  }
}
