/**
 * `kcc extract FILE... [--json]`: run the pipeline's own parse / extract / classify code on
 * files, without Kafka or MongoDB, and print one JSON array with an object per file, so an
 * operator sees what the pipeline would make of a message.
 *
 * A file that cannot be analysed gets an object with `error` (code and reason) instead; the
 * exit status is 1 when any file failed, 0 otherwise.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyseEmail, toExtractJson } from '../processors/analyse/index.ts';
import { PipelineError } from '../lib/errors.ts';

// The same bound the intake applies (config default KCC_MAX_MESSAGE_BYTES).
const MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface ExtractResult { output: string; failed: number }

export async function extractFiles(files: readonly string[]): Promise<ExtractResult> {
  const results: unknown[] = [];
  let failed = 0;
  for (const file of files) {
    const name = path.basename(file);
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new PipelineError('CLI_NOT_A_FILE', 'not a regular file', { retriable: false });
      if (info.size > MAX_FILE_BYTES) throw new PipelineError('CLI_FILE_TOO_LARGE', `larger than ${MAX_FILE_BYTES} bytes`, { retriable: false });
      const ext = path.extname(file).toLowerCase();
      if (ext !== '.eml' && ext !== '') {
        throw new PipelineError('CLI_UNSUPPORTED_TYPE', `unsupported file type ${ext}; kcc extract reads .eml files`, { retriable: false });
      }
      const raw = await readFile(file);
      results.push(toExtractJson(name, await analyseEmail(raw)));
    } catch (err) {
      failed += 1;
      const known = err instanceof PipelineError;
      const code = known ? err.code : String((err as { code?: unknown }).code ?? 'CLI_FAILED');
      results.push({ file: name, error: { code, reason: known ? err.message : 'cannot read file' } });
    }
  }
  return { output: JSON.stringify(results, null, 2) + '\n', failed };
}
