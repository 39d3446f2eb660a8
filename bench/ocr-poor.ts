import { availableParallelism } from 'node:os';
import { DEBIAN_TESSDATA, DEFAULT_PREPROCESS, PREPROCESS_STEPS, createOcrPool, type PreprocessStep } from '../processors/ocr/index.ts';
import { cer } from '../test/support/letters/cer.ts';
import { renderLetter, type LetterOptions } from '../test/support/letters/letters.ts';

/**
 * What the second reading of weak pages (processors/ocr/preprocess.ts) does for poor scans:
 * generated letter pages of each kind of poor print, read with the pool's preprocessing off,
 * with the default steps, with every step, and with every step (or every default step) but
 * one (`all-STEP`, `default-STEP`), page by page (CER against the printed text,
 * seconds per page). A step is worth keeping when leaving it out makes CER worse.
 *
 * Only DejaVu fonts are installed (fonts-dejavu-core, scripts/services.sh): there is no
 * handwriting-like font to render with, so handwriting is not among the kinds.
 * BENCH_OCR_POOR_CONFIGS=off,default limits the configurations. Last line: one JSON object.
 */

const KINDS: Array<[string, Omit<LetterOptions, 'language'>]> = [
  ['clean', { grain: 15, speckle: 0.001, rotateDeg: 0.6 }],
  ['blur', { blur: 2.4, grain: 10 }],
  ['faded', { contrast: 0.3, paper: 230, grain: 12 }],
  ['skew-4deg', { rotateDeg: 4, grain: 10 }],
  ['small-7pt', { fontPt: 7, grain: 12, jpegQuality: 70 }],
  ['speckle', { speckle: 0.03, grain: 20 }],
  ['small-sans-blur', { fontPt: 8, family: 'DejaVu Sans', blur: 1.6, grain: 25 }],
  ['combined', { blur: 1.5, contrast: 0.5, paper: 235, rotateDeg: 2.5, speckle: 0.008, grain: 25, jpegQuality: 60 }],
];

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export async function run(): Promise<object> {
  const workers = availableParallelism();
  const pages = await Promise.all(
    KINDS.map(([, o], i) => renderLetter({ language: i % 2 === 0 ? 'nl' : 'en', letterSeed: 300 + i, seed: 300 + i, ...o })),
  );
  const all: Record<string, readonly PreprocessStep[]> = {
    off: [],
    default: DEFAULT_PREPROCESS,
    all: PREPROCESS_STEPS,
    ...Object.fromEntries(PREPROCESS_STEPS.map((s) => [`all-${s}`, PREPROCESS_STEPS.filter((x) => x !== s)])),
    ...Object.fromEntries(DEFAULT_PREPROCESS.map((s) => [`default-${s}`, DEFAULT_PREPROCESS.filter((x) => x !== s)])),
  };
  const wanted = (process.env.BENCH_OCR_POOR_CONFIGS ?? '').split(',').filter(Boolean);
  const configs = Object.entries(all).filter(([name]) => wanted.length === 0 || wanted.includes(name));
  const table: Record<string, Record<string, { cer: number; s: number; confidence: number }>> = {};
  for (const [name, steps] of configs) {
    const pool = await createOcrPool({ langPath: DEBIAN_TESSDATA, workers, preprocess: steps, pageTimeoutMs: 600_000 });
    try {
      // One page per worker at a time, so each page's seconds are its own (no queueing).
      const rows: Array<{ cer: number; s: number; confidence: number }> = new Array(pages.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (next < pages.length) {
            const i = next++;
            const t = performance.now();
            const r = await pool.recognize(pages[i]!.image);
            rows[i] = { cer: round(cer(r.text, pages[i]!.text)), s: round((performance.now() - t) / 1000, 2), confidence: r.confidence };
          }
        }),
      );
      table[name] = Object.fromEntries(KINDS.map(([k], i) => [k, rows[i]!]));
    } finally {
      await pool.close();
    }
    console.log(`${name.padEnd(14)} ${KINDS.map(([k]) => `${k} ${table[name]![k]!.cer} (${table[name]![k]!.confidence}, ${table[name]![k]!.s} s)`).join('  ')}`);
  }
  console.log(`\nCER by page kind (confidence, s per page with ${workers} pages at once on a shared machine)`);
  console.log(['config'.padEnd(16), ...KINDS.map(([k]) => k.padStart(16))].join(''));
  for (const [name] of configs) console.log([name.padEnd(16), ...KINDS.map(([k]) => String(table[name]![k]!.cer).padStart(16))].join(''));
  const mean = (name: string) => round(KINDS.reduce((a, [k]) => a + table[name]![k]!.cer, 0) / KINDS.length);
  const result = {
    bench: 'ocr-poor',
    kinds: KINDS.map(([k]) => k),
    default_steps: DEFAULT_PREPROCESS,
    mean_cer: Object.fromEntries(configs.map(([n]) => [n, mean(n)])),
    cer: Object.fromEntries(configs.map(([n]) => [n, Object.fromEntries(KINDS.map(([k]) => [k, table[n]![k]!.cer]))])),
    s_per_page: Object.fromEntries(configs.map(([n]) => [n, Object.fromEntries(KINDS.map(([k]) => [k, table[n]![k]!.s]))])),
  };
  console.log(JSON.stringify(result));
  return result;
}
