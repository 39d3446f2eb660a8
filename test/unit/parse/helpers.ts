import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { InputError } from '../../../lib/errors.ts';
import { parseEmail } from '../../../processors/parse/index.ts';
import type { ParsedEmail, ParseLimits, ParseOptions } from '../../../processors/parse/index.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** `<repo>/../shared`, or KCC_SHARED_DIR (tests may read the environment). */
export function sharedDir(): string {
  return process.env.KCC_SHARED_DIR ?? path.resolve(REPO, '..', 'shared');
}

export function fixture(name: string): Buffer {
  return readFileSync(path.join(REPO, 'test', 'fixtures', 'parse', name));
}

// A bound per message, far above any measured parse time (the slowest corpus file takes
// ~50 ms), so that a hang fails the one test instead of stalling the suite.
export const PARSE_BOUND_MS = 10_000;

export type Outcome = { ok: true; parsed: ParsedEmail } | { ok: false; error: InputError };

/**
 * Parse within a time bound. Resolves with the result or with an InputError; anything
 * else (another exception, a hang) rejects, which is what the tests assert against.
 */
export async function parseBounded(raw: Buffer, limits?: Partial<ParseLimits>, options?: ParseOptions): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parse did not finish within ${PARSE_BOUND_MS} ms`)), PARSE_BOUND_MS);
  });
  try {
    const parsed = await Promise.race([parseEmail(raw, limits, options), bound]);
    return { ok: true, parsed };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, error: err };
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Deterministic bytes (xorshift32), so a failing garbage input can be reproduced. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
