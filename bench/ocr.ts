import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool } from '../processors/ocr/index.ts';
import { cer } from '../test/support/letters/cer.ts';
import { renderLetter, type GeneratedPage } from '../test/support/letters/letters.ts';

/**
 * OCR throughput and accuracy: the same generated 300-dpi letter pages through our
 * tesseract.js pool and through Debian's native `tesseract` CLI, in the same run.
 *
 * The comparison, kept fair on purpose (the README quotes it):
 * - native: `tesseract PAGE stdout -l nld+eng --oem 1 --psm 3` with OMP_THREAD_LIMIT=1, one
 *   process per core (`workers` at once). Tesseract's OpenMP threads would otherwise use every
 *   core for one page and fight each other; one single-threaded process per core is how the
 *   native engine is fastest on a stream of pages, and it matches one wasm worker per core.
 * - tesseract.js: our pool (processors/ocr) exactly as the processors call it (what
 *   `recognize` returns, word confidences included), `workers` workers (default: cores),
 *   LSTM only (OEM 1), PSM 3. The pool is started and warmed once before the first round
 *   (one page per worker, untimed; start and warm-up times are reported), as the processors
 *   keep one pool for the life of the process: a fresh wasm instance runs its first page on
 *   V8's baseline code while the optimising compiler competes for the same two cores.
 * - Rounds are interleaved (native, tesseract.js, native, tesseract.js, …) and each round's
 *   ratio is the two passes' pages/s; the median ratio is the figure, min–max its spread.
 *   The machine is shared, so a burst of someone else's load hits one pass, not the median.
 *
 * Knobs (environment, benchmark only): BENCH_OCR_ROUNDS (default 5), BENCH_OCR_PAGES (8),
 * BENCH_OCR_WORKERS (cores). Prints a table, then one JSON line (the last line of output).
 */

export interface OcrBenchOptions {
  langPath?: string;
  pages?: number;
  workers?: number;
  deskew?: boolean;
  /** Interleaved rounds (native then tesseract.js in each). Default 5, at least 1. */
  rounds?: number;
}

interface Pass {
  pagesPerS: number;
  medianSPerPage: number;
  cer: number;
  maxCer: number;
  peakRssMiBPerWorker: number | null;
  wallS: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Run `jobs` with at most `concurrency` in flight; returns each job's own duration (s). */
async function limited<T>(items: T[], concurrency: number, job: (item: T, i: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = new Array(items.length).fill(0);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        const t = performance.now();
        await job(items[i]!, i);
        durations[i] = (performance.now() - t) / 1000;
      }
    }),
  );
  return durations;
}

function summarise(pages: GeneratedPage[], texts: string[], durations: number[], wallS: number, rss: number | null): Pass {
  const cers = pages.map((p, i) => cer(texts[i]!, p.text));
  return {
    wallS: round(wallS, 2),
    pagesPerS: round(pages.length / wallS, 3),
    medianSPerPage: round(median(durations), 3),
    cer: round(mean(cers)),
    maxCer: round(Math.max(...cers)),
    peakRssMiBPerWorker: rss === null ? null : round(rss, 1),
  };
}

async function passTesseractJs(pool: OcrPool, pages: GeneratedPage[], workers: number): Promise<Pass> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const texts: string[] = new Array(pages.length).fill('');
    const start = performance.now();
    const durations = await limited(pages, workers, async (p, i) => {
      texts[i] = (await pool.recognize(p.image)).text;
    });
    const wallS = (performance.now() - start) / 1000;
    // Workers are threads in this process: the growth of its RSS during the pass, shared out.
    return summarise(pages, texts, durations, wallS, (Math.max(peak, process.memoryUsage().rss) - baseline) / workers / 2 ** 20);
  } finally {
    clearInterval(sampler);
  }
}

/** Peak RSS of a running child from /proc (VmHWM), polled; null where /proc is absent. */
async function vmHwmKiB(pid: number): Promise<number | null> {
  try {
    const m = (await readFile(`/proc/${pid}/status`, 'utf8')).match(/VmHWM:\s+(\d+)\s+kB/);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const NATIVE_ARGS = ['-l', 'nld+eng', '--oem', '1', '--psm', '3'];
const NATIVE_ENV = { OMP_THREAD_LIMIT: '1' };

function nativeOcr(file: string, langPath: string): Promise<{ text: string; peakKiB: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tesseract', [file, 'stdout', ...NATIVE_ARGS, '--tessdata-dir', langPath], {
      env: { ...process.env, ...NATIVE_ENV },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let peakKiB: number | null = null;
    const poll = setInterval(async () => {
      const v = child.pid ? await vmHwmKiB(child.pid) : null;
      if (v !== null) peakKiB = Math.max(peakKiB ?? 0, v);
    }, 50);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      if (code === 0) resolve({ text: Buffer.concat(chunks).toString('utf8'), peakKiB });
      else reject(new Error(`tesseract exited with ${code}`));
    });
  });
}

async function passNative(pages: GeneratedPage[], files: string[], langPath: string, workers: number): Promise<Pass> {
  const texts: string[] = new Array(pages.length).fill('');
  const peaks: number[] = [];
  const start = performance.now();
  const durations = await limited(files, workers, async (f, i) => {
    const r = await nativeOcr(f, langPath);
    texts[i] = r.text;
    if (r.peakKiB !== null) peaks.push(r.peakKiB);
  });
  const wallS = (performance.now() - start) / 1000;
  return summarise(pages, texts, durations, wallS, peaks.length ? Math.max(...peaks) / 1024 : null);
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

export async function run(options: OcrBenchOptions = {}): Promise<object> {
  const langPath = options.langPath ?? DEBIAN_TESSDATA;
  const count = options.pages ?? envInt('BENCH_OCR_PAGES') ?? 8;
  const workers = options.workers ?? envInt('BENCH_OCR_WORKERS') ?? availableParallelism();
  const rounds = Math.max(1, options.rounds ?? envInt('BENCH_OCR_ROUNDS') ?? 5);
  try {
    await promisify(execFile)('tesseract', ['--version'], { timeout: 10_000 });
  } catch {
    throw new Error('native tesseract is not installed (Debian package tesseract-ocr, scripts/services.sh)');
  }
  // Half Dutch, half English; scanner-like skew, grain, dust, and every other page JPEG.
  const pages = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      renderLetter({
        language: i % 2 === 0 ? 'nl' : 'en',
        letterSeed: 100 + i,
        seed: 100 + i,
        rotateDeg: ((i % 5) - 2) * 0.6,
        grain: 15,
        speckle: 0.001,
        ...(i % 2 === 1 ? { jpegQuality: 75 } : {}),
      }),
    ),
  );
  const dir = await mkdtemp(join(tmpdir(), 'kcc-ocr-bench-'));
  const t0 = performance.now();
  const pool = await createOcrPool({ langPath, workers, deskew: options.deskew ?? false });
  const initS = (performance.now() - t0) / 1000;
  try {
    const files = await Promise.all(
      pages.map(async (p, i) => {
        const f = join(dir, `page-${i}.${p.mime === 'image/png' ? 'png' : 'jpg'}`);
        await writeFile(f, p.image);
        return f;
      }),
    );
    const t1 = performance.now();
    await Promise.all(pages.slice(0, workers).map((p) => pool.recognize(p.image)));
    const warmS = (performance.now() - t1) / 1000;

    const native: Pass[] = [];
    const tjs: Pass[] = [];
    for (let r = 0; r < rounds; r++) {
      native.push(await passNative(pages, files, langPath, workers));
      tjs.push(await passTesseractJs(pool, pages, workers));
    }
    const ratios = tjs.map((t, i) => round(t.pagesPerS / native[i]!.pagesPerS, 3));

    console.log(
      `OCR bench: ${count} generated 300-dpi letter pages, ${workers} workers, nld+eng, OEM 1, PSM 3, ${rounds} interleaved rounds ` +
        `(native: tesseract ${NATIVE_ARGS.join(' ')}, OMP_THREAD_LIMIT=1, ${workers} processes at once; tesseract.js pool start ${round(initS, 2)} s and warm-up ${round(warmS, 2)} s not counted)`,
    );
    console.log(`${'round'.padEnd(8)}${'native p/s'.padStart(12)}${'tjs p/s'.padStart(10)}${'ratio'.padStart(8)}${'native CER'.padStart(12)}${'tjs CER'.padStart(10)}`);
    for (let r = 0; r < rounds; r++) {
      console.log(
        `${String(r + 1).padEnd(8)}${String(native[r]!.pagesPerS).padStart(12)}${String(tjs[r]!.pagesPerS).padStart(10)}${String(ratios[r]).padStart(8)}` +
          `${String(native[r]!.cer).padStart(12)}${String(tjs[r]!.cer).padStart(10)}`,
      );
    }
    const med = (xs: Pass[], k: keyof Pass) => round(median(xs.map((x) => x[k] as number)), 4);
    const nativeCer = round(mean(native.map((x) => x.cer)));
    const tjsCer = round(mean(tjs.map((x) => x.cer)));
    const result = {
      bench: 'ocr',
      pages: count,
      workers,
      rounds,
      ratio: round(median(ratios), 3),
      ratio_min: Math.min(...ratios),
      ratio_max: Math.max(...ratios),
      ratios,
      tjs_pages_per_s: med(tjs, 'pagesPerS'),
      native_pages_per_s: med(native, 'pagesPerS'),
      tjs_cer: tjsCer,
      native_cer: nativeCer,
      cer_within_0_002: tjsCer <= nativeCer + 0.002,
      tjs_max_cer: Math.max(...tjs.map((x) => x.maxCer)),
      native_max_cer: Math.max(...native.map((x) => x.maxCer)),
      tjs_median_s_per_page: med(tjs, 'medianSPerPage'),
      native_median_s_per_page: med(native, 'medianSPerPage'),
      tjs_rss_mib_per_worker: Math.max(...tjs.map((x) => x.peakRssMiBPerWorker ?? 0)),
      native_rss_mib_per_worker: native.some((x) => x.peakRssMiBPerWorker !== null) ? Math.max(...native.map((x) => x.peakRssMiBPerWorker ?? 0)) : null,
      tjs_init_s: round(initS, 2),
      tjs_warmup_s: round(warmS, 2),
      native: `OMP_THREAD_LIMIT=1 tesseract PAGE stdout ${NATIVE_ARGS.join(' ')}`,
    };
    console.log(`median ratio ${result.ratio} (spread ${result.ratio_min}–${result.ratio_max}); mean CER native ${nativeCer}, tesseract.js ${tjsCer}`);
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
}
