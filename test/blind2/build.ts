/**
 * Writes the second blind set's files (emails/, letters/, expected.json) from its cases in
 * cases/, with the first set's builder (test/blind/build.ts):
 *   node --import tsx test/blind2/build.ts
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSet } from '../blind/build.ts';
import { EMAILS } from './cases/emails.ts';
import { LETTERS } from './cases/letters.ts';

await buildSet(dirname(fileURLToPath(import.meta.url)), EMAILS, LETTERS);
