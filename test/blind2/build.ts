/**
 * Writes the second blind set's files (a copy of test/blind/build.ts with its own paths) from the hand-written cases in cases/: e-mails as .eml
 * (emails/), letters as page texts plus degradation settings (letters/, rendered to scans
 * at score time by render.ts), and expected.json. Run once when a case changes:
 *   node --import tsx test/blind2/build.ts
 * The written files are committed; score.ts reads only them.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMAILS } from './cases/emails.ts';
import { LETTERS } from './cases/letters.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const ids = new Set<string>();
  for (const c of [...EMAILS, ...LETTERS]) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  await rm(join(HERE, 'emails'), { recursive: true, force: true });
  await rm(join(HERE, 'letters'), { recursive: true, force: true });
  await mkdir(join(HERE, 'emails'), { recursive: true });
  await mkdir(join(HERE, 'letters'), { recursive: true });
  const expected: unknown[] = [];
  for (const c of EMAILS) {
    const file = `emails/${c.id}.eml`;
    await writeFile(join(HERE, file), await c.build());
    expected.push({ id: c.id, kind: c.kind, channel: 'email', file, expected: c.expected });
  }
  for (const c of LETTERS) {
    const file = `letters/${c.id}.json`;
    await writeFile(join(HERE, file), `${JSON.stringify(c.spec, null, 1)}\n`);
    expected.push({ id: c.id, kind: c.kind, channel: 'letter', file, expected: c.expected });
  }
  await writeFile(join(HERE, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
  console.log(`${EMAILS.length} e-mails, ${LETTERS.length} letters`);
}

await main();
