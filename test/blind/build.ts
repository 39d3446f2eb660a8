/**
 * Writes the blind set's files from the hand-written cases in cases/: e-mails as .eml
 * (emails/), letters as page texts plus degradation settings (letters/, rendered to scans
 * at score time by render.ts), and expected.json. Run once when a case changes:
 *   node --import tsx test/blind/build.ts
 * The written files are committed; score.ts reads only them.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMAILS } from './cases/emails.ts';
import { LETTERS } from './cases/letters.ts';

/** What build needs of a set's cases (test/blind2 passes its own). */
export interface BuildableEmail { id: string; kind: string; expected: unknown; build(): Promise<Buffer> | Buffer }
export interface BuildableLetter { id: string; kind: string; expected: unknown; spec: unknown }

const HERE = dirname(fileURLToPath(import.meta.url));

/** Writes emails/, letters/ and expected.json of the set in `dir`. */
export async function buildSet(dir: string, EMAILS: readonly BuildableEmail[], LETTERS: readonly BuildableLetter[]): Promise<void> {
  const ids = new Set<string>();
  for (const c of [...EMAILS, ...LETTERS]) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  await rm(join(dir, 'emails'), { recursive: true, force: true });
  await rm(join(dir, 'letters'), { recursive: true, force: true });
  await mkdir(join(dir, 'emails'), { recursive: true });
  await mkdir(join(dir, 'letters'), { recursive: true });
  const expected: unknown[] = [];
  for (const c of EMAILS) {
    const file = `emails/${c.id}.eml`;
    await writeFile(join(dir, file), await c.build());
    expected.push({ id: c.id, kind: c.kind, channel: 'email', file, expected: c.expected });
  }
  for (const c of LETTERS) {
    const file = `letters/${c.id}.json`;
    await writeFile(join(dir, file), `${JSON.stringify(c.spec, null, 1)}\n`);
    expected.push({ id: c.id, kind: c.kind, channel: 'letter', file, expected: c.expected });
  }
  await writeFile(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
  console.log(`${EMAILS.length} e-mails, ${LETTERS.length} letters`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildSet(HERE, EMAILS, LETTERS);
