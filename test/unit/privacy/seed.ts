/** Locate and read the published register entry (the seed) for tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** `<repo>/../shared`, or KCC_SHARED_DIR (tests may read the environment; library code may not). */
export function sharedDir(): string {
  return process.env.KCC_SHARED_DIR ?? join(REPO, '..', 'shared');
}

export function readSeedEntry(): string {
  const dir = join(sharedDir(), 'seed');
  const name = readdirSync(dir).find((f) => /^000_.*\.txt$/.test(f));
  if (!name) throw new Error(`no 000_*.txt register entry in ${dir}`);
  return readFileSync(join(dir, name), 'utf8');
}

/**
 * Normalise text for comparison with the published entry. The entry was saved from a web
 * page: leading blank lines, no final newline, and possibly CRLF line ends or decomposed
 * accents (e + U+0301 for é) depending on the tool that saved it. None of that is content.
 * So: Unicode NFC, line ends unified, trailing white space dropped, blank lines dropped.
 * Tabs and all other characters are kept: the tab is the label/value separator of the
 * layout and part of what is compared.
 */
export function normalisedLines(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
}
