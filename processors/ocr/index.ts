import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { RecognizeOptions as TessRecognizeOptions } from 'tesseract.js';
import { ConfigError, InputError, PipelineError, TransientError } from '../../lib/errors.ts';
import { silentLogger, type Logger } from '../../lib/logger.ts';
import { WaitTimeout, asError, bounded } from './bounded.ts';
import { DEFAULT_PREPROCESS, PREPROCESS_STEPS, enhance, medianWordHeight, rasterFromRaw, skewFromTsv, type PreprocessStep, type Raster } from './preprocess.ts';
export { DEFAULT_PREPROCESS, PREPROCESS_STEPS, type PreprocessStep } from './preprocess.ts';
import { spawnWorker, terminateQuietly, type SpawnedWorker } from './workers.ts';
import { PSM } from 'tesseract.js';

/**
 * OCR for scanned pages: a fixed pool of tesseract.js workers (one per core by default),
 * created once and reused, fully offline (see workers.ts), with a time bound on every wait.
 *
 * Why our own pool rather than tesseract.js' createScheduler: the scheduler cannot tell
 * which worker runs a job and cannot remove a worker, so a page that hangs would keep its
 * worker forever. Here a page that overruns its time has its worker terminated and
 * replaced, and the page fails with InputError OCR_TIMEOUT (the same page would overrun
 * again, so retrying does not help).
 *
 * Orientation: tesseract's own layout analysis (PSM 3) reads a page turned 90° clockwise
 * correctly, but not one turned 180° or 270° (measured: confidence 95 upright and at 90°,
 * 50 at 180° and 270°). So when a page's mean confidence is low, we ask tesseract's
 * orientation detector (OSD, legacy engine, osd.traineddata — Debian ships it in the same
 * tessdata folder) which way is up, turn the image, recognise again and keep the better
 * result. Without osd.traineddata we try 180°, 270° and 90° in turn. Small skew is left to
 * tesseract's line finding unless `deskew` is set.
 *
 * Poor scans: a page whose reading is weak (mean confidence below `weakConfidence`) or whose
 * word boxes show more than 1.5° of skew is cleaned up (preprocess.ts: by default a median
 * denoise and deskew; upscaling, adaptive binarisation and PSM 4/6 passes can be chosen) and
 * read a second time; the better reading is kept (bench/ocr-poor.ts: mean CER 0.160 → 0.001
 * over eight kinds of poor print).
 *
 * For callers: `OcrResult.text` and `confidence` as before, and `wordList`, every word with
 * its confidence and the index of its line in `text` (OcrWord), so that two readings of the
 * same name or address can be weighed word by word.
 */

export interface OcrPoolOptions {
  /** Folder holding `<lang>.traineddata` (uncompressed), e.g. Debian's tessdata folder; never a URL. */
  langPath: string;
  /** Tesseract language codes, tried together ('nld+eng'). */
  languages?: readonly string[];
  /** Number of workers; default: one per core (tesseract.js workers are single-threaded). */
  workers?: number;
  /** Time one page may take once it has a worker, orientation retries included. */
  pageTimeoutMs?: number;
  /** Time a worker may take to start (load the wasm core and the traineddata). */
  initTimeoutMs?: number;
  /** Time a page may wait for a free worker. */
  queueTimeoutMs?: number;
  /** Pixels per image above which a page is refused before decoding. */
  maxPixels?: number;
  /** Mean word confidence (0..100) below which the page's orientation is checked. */
  lowConfidence?: number;
  /** 'auto': OSD when osd.traineddata is present, else trial rotations. */
  orientation?: 'auto' | 'osd' | 'rotations' | 'off';
  /**
   * Let tesseract.js measure and undo small skew first (rotateAuto). Default false: it cost
   * 20–25 % throughput in bench/ocr.ts with no CER gain on pages skewed up to ±1.2°
   * (tesseract's own line finding copes with that); worth it for badly skewed photos.
   */
  deskew?: boolean;
  /**
   * Second reading of a weak page (mean word confidence below `weakConfidence`, after the
   * orientation check): the steps applied, in this order, to a copy of the page before it is
   * read again; the reading with the higher confidence is kept. Pages that read well on the
   * first pass pay nothing. Default: DEFAULT_PREPROCESS (denoise, deskew: what bench/ocr-poor.ts showed to help);
   * [] turns it off. See preprocess.ts for each step.
   */
  preprocess?: readonly PreprocessStep[];
  /** Mean word confidence (0..100) below which a page gets the second reading. */
  weakConfidence?: number;
  logger?: Logger;
}

export interface OcrResult {
  text: string;
  /** tesseract's mean word confidence, 0..100. */
  confidence: number;
  /** Quarter turn applied before the kept recognition, clockwise degrees: 0, 90, 180 or 270. */
  rotated: number;
  /** Small skew correction tesseract applied, degrees (a page scanned 1° clockwise gives about -1). */
  deskew: number;
  /** Tokens with at least one letter or digit, a cheap measure of how much text the page holds. */
  words: number;
  /**
   * Every word tesseract recognised, in reading order, with its own confidence; empty for an
   * MRZ pass. For callers that weigh two readings of the same thing (a name in the sender
   * block and under the signature): see OcrWord.
   */
  wordList: OcrWord[];
}

/**
 * One recognised word. `line` is the index of its line among the non-empty lines of
 * `OcrResult.text` (0-based): `text.split('\n').filter((l) => l.trim() !== '')[line]`
 * contains the word. `confidence` is tesseract's, 0..100 (about 90+ for clean print; below
 * ~60 the word is often misread).
 */
export interface OcrWord {
  text: string;
  confidence: number;
  line: number;
}

export interface RecognizeOptions {
  /** Lowers (never raises) the pool's per-page time for this page. */
  timeoutMs?: number;
  /**
   * 'mrz': only the characters of a machine-readable zone (A–Z, 0–9, '<') are allowed,
   * which reads MRZ lines far better than the general model; for a second pass on pages
   * that look like ID documents (see processors/idcheck needsMrzPass).
   */
  mode?: 'text' | 'mrz';
  /** A quarter turn already known (e.g. from the first pass): applied, and orientation detection skipped. */
  rotate?: 0 | 90 | 180 | 270;
}

const MRZ_WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export interface OcrPool {
  recognize(image: Buffer, options?: RecognizeOptions): Promise<OcrResult>;
  /** Stop taking pages; wait up to drainMs for pages in progress, then stop every worker. */
  close(options?: { drainMs?: number }): Promise<void>;
  /** Counts for logs and tests. */
  stats(): { workers: number; idle: number; waiting: number; replaced: number };
}

/** Debian's tesseract-ocr-* packages install here (tesseract 5); a default for config, not read by this module. */
export const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';

// A 300-dpi A4 page took 1.4–2.8 s on one core here (bench/ocr.ts); 60 s leaves room for a
// loaded CI machine and still stops a page that hangs.
const DEFAULT_PAGE_TIMEOUT_MS = 60_000;
// Measured start of a worker: ~0.3 s warm, ~2 s cold; 30 s covers a loaded machine.
const DEFAULT_INIT_TIMEOUT_MS = 30_000;
// A backlog of ~200 pages on 2 cores; beyond that the page is better retried later.
const DEFAULT_QUEUE_TIMEOUT_MS = 10 * 60_000;
// A4 at 600 dpi is 34.8 MP; anything larger is not a scan of a letter.
const DEFAULT_MAX_PIXELS = 40_000_000;
// Upright scans measured 90–96, pages upside down or at 270° about 50.
const DEFAULT_LOW_CONFIDENCE = 70;
// Clean generated pages read at 93–96; blurred, faded or small print below ~85 (bench/ocr-poor.ts).
const DEFAULT_WEAK_CONFIDENCE = 85;
// Up to ±1.2° tesseract's line finding copes (bench/ocr.ts pages); at 4° it did not.
const MAX_SKEW_DEG = 1.5;

interface Slot {
  id: number;
  spawned?: SpawnedWorker;
  /** Rejects the page in progress when the thread dies under it. */
  busy?: (err: Error) => void;
  retiring: boolean;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

function validate(options: OcrPoolOptions): Required<Omit<OcrPoolOptions, 'logger'>> {
  const problems: string[] = [];
  const languages = [...(options.languages ?? ['nld', 'eng'])];
  const workers = options.workers ?? availableParallelism();
  const num = (name: string, v: number | undefined, dflt: number, min: number): number => {
    const x = v ?? dflt;
    if (!Number.isFinite(x) || x < min) problems.push(`${name} must be a number >= ${min}`);
    return x;
  };
  if (typeof options.langPath !== 'string' || options.langPath === '') problems.push('langPath is required');
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(options.langPath)) problems.push('langPath must be a local folder, not a URL (OCR runs offline)');
  if (languages.length === 0) problems.push('languages must not be empty');
  for (const l of languages) if (!/^[a-z_]{3,16}$/i.test(l)) problems.push('languages must be tesseract codes such as nld or eng');
  if (!Number.isInteger(workers) || workers < 1) problems.push('workers must be a positive integer');
  const result = {
    langPath: options.langPath,
    languages,
    workers,
    pageTimeoutMs: num('pageTimeoutMs', options.pageTimeoutMs, DEFAULT_PAGE_TIMEOUT_MS, 1),
    initTimeoutMs: num('initTimeoutMs', options.initTimeoutMs, DEFAULT_INIT_TIMEOUT_MS, 1),
    queueTimeoutMs: num('queueTimeoutMs', options.queueTimeoutMs, DEFAULT_QUEUE_TIMEOUT_MS, 1),
    maxPixels: num('maxPixels', options.maxPixels, DEFAULT_MAX_PIXELS, 1),
    lowConfidence: num('lowConfidence', options.lowConfidence, DEFAULT_LOW_CONFIDENCE, 0),
    orientation: options.orientation ?? 'auto',
    deskew: options.deskew ?? false,
    preprocess: [...(options.preprocess ?? DEFAULT_PREPROCESS)],
    weakConfidence: num('weakConfidence', options.weakConfidence, DEFAULT_WEAK_CONFIDENCE, 0),
  };
  for (const st of result.preprocess) if (!PREPROCESS_STEPS.includes(st)) problems.push(`preprocess steps must be among ${PREPROCESS_STEPS.join(', ')}`);
  if (!['auto', 'osd', 'rotations', 'off'].includes(result.orientation)) problems.push('orientation must be auto, osd, rotations or off');
  if (problems.length === 0) {
    for (const l of languages) {
      if (!existsSync(join(options.langPath, `${l}.traineddata`))) problems.push(`${l}.traineddata is missing from langPath`);
    }
    if (result.orientation === 'osd' && !existsSync(join(options.langPath, 'osd.traineddata'))) problems.push('osd.traineddata is missing from langPath');
  }
  if (problems.length > 0) throw new ConfigError('OCR_CONFIG_INVALID', `OCR options invalid: ${problems.join('; ')}`);
  return Object.freeze(result);
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
}

/**
 * Words from tesseract's TSV output (level 5 rows), each with its line's index among the
 * page text's non-empty lines: tesseract writes its text line by line in the same order as
 * the TSV, a blank line between paragraphs.
 */
export function wordsFromTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  let line = -1;
  let lastKey = '';
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] !== '5') continue;
    const text = f.slice(11).join('\t').trim();
    if (text === '') continue;
    const key = `${f[1]}.${f[2]}.${f[3]}.${f[4]}`;
    if (key !== lastKey) {
      line++;
      lastKey = key;
    }
    const confidence = Number(f[10]);
    words.push({ text, confidence: Number.isFinite(confidence) && confidence >= 0 ? Math.round(confidence * 10) / 10 : 0, line });
  }
  return words;
}

export async function createOcrPool(options: OcrPoolOptions): Promise<OcrPool> {
  const opts = validate(options);
  const log = (options.logger ?? silentLogger()).child({ stage: 'ocr' });
  const orientation: 'osd' | 'rotations' | 'off' =
    opts.orientation === 'auto' ? (existsSync(join(opts.langPath, 'osd.traineddata')) ? 'osd' : 'rotations') : opts.orientation;

  const slots = new Set<Slot>();
  const idle: Slot[] = [];
  const waiters: Waiter[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let spawning = 0;
  let nextId = 1;
  let replaced = 0;
  let closed = false;

  function release(slot: Slot): void {
    if (slot.retiring || !slots.has(slot)) return;
    const w = waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      w.resolve(slot);
    } else {
      idle.push(slot);
    }
  }

  function rejectWaiters(err: Error): void {
    for (const w of waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  function retire(slot: Slot, reason: string): void {
    if (slot.retiring) return;
    slot.retiring = true;
    slots.delete(slot);
    const i = idle.indexOf(slot);
    if (i >= 0) idle.splice(i, 1);
    if (slot.spawned) void terminateQuietly(slot.spawned);
    if (!closed) {
      replaced++;
      log.warn({ worker: slot.id, reason }, 'OCR worker replaced');
      replenish();
    }
  }

  async function spawnSlot(): Promise<Slot> {
    const slot: Slot = { id: nextId++, retiring: false };
    const crashed = (why: string) => {
      if (slot.retiring) return;
      slot.busy?.(new TransientError('OCR_WORKER_CRASHED', 'the OCR worker stopped while recognising a page'));
      retire(slot, why);
    };
    spawning++;
    try {
      slot.spawned = await spawnWorker({
        langPath: opts.langPath,
        languages: opts.languages,
        mode: 'lstm',
        initTimeoutMs: opts.initTimeoutMs,
        onThreadError: () => crashed('thread error'),
        onThreadExit: () => crashed('thread exit'),
      });
    } finally {
      spawning--;
    }
    if (closed) {
      slot.retiring = true;
      await terminateQuietly(slot.spawned);
      throw new TransientError('OCR_CLOSED', 'the OCR pool is closed');
    }
    slots.add(slot);
    log.debug({ worker: slot.id }, 'OCR worker ready');
    return slot;
  }

  /** Bring the pool back to size after a worker was lost; waiting pages fail only if none can start. */
  function replenish(): void {
    while (!closed && slots.size + spawning < opts.workers) {
      spawnSlot().then(release, (err: unknown) => {
        log.error({ code: err instanceof PipelineError ? err.code : asError(err).name }, 'OCR worker failed to start');
        if (slots.size + spawning === 0) rejectWaiters(new TransientError('OCR_UNAVAILABLE', 'no OCR worker could be started', err));
      });
    }
  }

  function acquire(): Promise<Slot> {
    const slot = idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new TransientError('OCR_BUSY', 'no OCR worker became free in time'));
        }, opts.queueTimeoutMs),
      };
      waiters.push(waiter);
    });
  }

  /** Run one job on a slot, bounded by the page deadline and by the death of the thread. */
  async function onSlot<T>(slot: Slot, job: (s: SpawnedWorker) => Promise<T>, deadline: number): Promise<T> {
    const died = new Promise<never>((_, reject) => {
      slot.busy = reject;
    });
    try {
      return await bounded(Promise.race([job(slot.spawned!), died]), deadline - Date.now(), 'OCR page');
    } catch (err) {
      if (err instanceof WaitTimeout) {
        retire(slot, 'page timeout');
        throw new InputError('OCR_TIMEOUT', 'OCR of the page took longer than allowed', err);
      }
      if (err instanceof PipelineError) throw err;
      // tesseract caught an error inside the thread (e.g. an image leptonica cannot read).
      throw new InputError('OCR_FAILED', 'the page image could not be recognised', asError(err));
    } finally {
      slot.busy = undefined;
    }
  }

  interface Reading extends Omit<OcrResult, 'rotated'> {
    /** Median word box height (px), for the upscale step; not returned to callers. */
    wordHeight: number | null;
    /** Skew measured from the word boxes (degrees); not returned to callers. */
    skew: number | null;
  }

  async function recogniseOn(slot: Slot, page: Raster, deadline: number, mode: 'text' | 'mrz', pass: { deskew?: boolean; psm?: PSM } = {}): Promise<Reading> {
    // Parameters passed with a job are restored by tesseract.js when the job ends.
    // The MRZ pass always deskews: a zone of 30–44 tiny characters on a skewed phone photo
    // loses its filler to "ccccc" otherwise (measured on the generated 2° ID photo).
    const dpi = page.dpi ? { user_defined_dpi: String(page.dpi) } : {};
    const psm = pass.psm ? { tessedit_pageseg_mode: pass.psm } : {};
    const options =
      mode === 'mrz' ? { rotateAuto: true, tessedit_char_whitelist: MRZ_WHITELIST, ...dpi } : { rotateAuto: pass.deskew ?? opts.deskew, ...dpi, ...psm };
    // Only what callers use: the text, and for text pages the TSV (word confidences; a string
    // built by tesseract itself, far cheaper than the `blocks` object tree).
    const output = { text: true, tsv: mode === 'text' };
    const { data } = await onSlot(slot, (s) => s.worker.recognize(page.pgm, options as Partial<TessRecognizeOptions>, output), deadline);
    const text = (data.text ?? '').replace(/\s+$/, '');
    const radians = (data as { rotateRadians?: number }).rotateRadians ?? 0;
    const tsv = typeof data.tsv === 'string' ? data.tsv : '';
    return {
      text,
      confidence: Number.isFinite(data.confidence) ? data.confidence : 0,
      deskew: Math.round(((radians * 180) / Math.PI) * 100) / 100,
      words: countWords(text),
      wordList: wordsFromTsv(tsv),
      wordHeight: medianWordHeight(tsv),
      skew: skewFromTsv(tsv),
    };
  }

  /** The second reading of a weak page (OcrPoolOptions.preprocess); returns the better one. */
  async function secondReading(slot: Slot, page: Raster, first: Reading, deadline: number): Promise<{ reading: Reading; steps: string }> {
    let best = first;
    let used = 'none';
    const steps = opts.preprocess;
    const cleaned = await enhance(page, steps, first.wordHeight, opts.maxPixels);
    const deskew = steps.includes('deskew');
    if (cleaned !== page || deskew) {
      const r = await recogniseOn(slot, cleaned, deadline, 'text', { deskew });
      if (r.confidence > best.confidence) {
        best = r;
        used = 'image';
      }
    }
    for (const [step, psm] of [['psm4', PSM.SINGLE_COLUMN], ['psm6', PSM.SINGLE_BLOCK]] as const) {
      if (best.confidence >= opts.weakConfidence || slot.retiring || !steps.includes(step)) continue;
      const r = await recogniseOn(slot, cleaned, deadline, 'text', { deskew, psm });
      if (r.confidence > best.confidence) {
        best = r;
        used = step;
      }
    }
    return { reading: best, steps: used };
  }

  // ---- orientation detection: one lazily started OSD worker, jobs in series ----
  let osd: Promise<SpawnedWorker> | null = null;
  let osdChain: Promise<unknown> = Promise.resolve();

  function dropOsd(): void {
    const old = osd;
    osd = null;
    if (old) void old.then(terminateQuietly, () => {});
  }

  async function detectOrientation(page: Raster, deadline: number): Promise<number | null> {
    const job = osdChain.then(async () => {
      if (!osd) {
        // Only the death of *this* detector clears it, not a late exit of one already replaced.
        const mine: Promise<SpawnedWorker> = spawnWorker({
          langPath: opts.langPath,
          languages: ['osd'],
          mode: 'osd',
          initTimeoutMs: opts.initTimeoutMs,
          onThreadError: () => osd === mine && dropOsd(),
          onThreadExit: () => osd === mine && dropOsd(),
        });
        osd = mine;
        mine.catch(() => osd === mine && dropOsd());
      }
      const w = await bounded(osd, deadline - Date.now(), 'OSD start');
      const { data } = await bounded(w.worker.detect(page.pgm), deadline - Date.now(), 'OSD');
      return data.orientation_degrees;
    });
    osdChain = job.catch(() => {});
    try {
      const deg = await job;
      return deg === 90 || deg === 180 || deg === 270 ? deg : null;
    } catch (err) {
      // A stuck detector is replaced like a stuck recogniser; the page's own budget is spent.
      dropOsd();
      if (err instanceof WaitTimeout) throw new InputError('OCR_TIMEOUT', 'OCR of the page took longer than allowed', err);
      log.warn({ code: 'OCR_OSD_FAILED' }, 'orientation detection failed; keeping the upright reading');
      return null;
    }
  }

  /**
   * Decode once, here, with sharp (libvips, native code), into an 8-bit grey PGM for the
   * worker. Why not hand tesseract.js the PNG or JPEG as it came: leptonica decodes it inside
   * the wasm worker, single-threaded and without native zlib/SIMD, which cost 0.6–1.0 s of a
   * 2–3 s page (measured on the bench pages); leptonica reads a PGM with a header parse and
   * a copy. Grey, because tesseract turns every page grey before thresholding anyway (same
   * CER in bench/ocr.ts). The scan's resolution travels as user_defined_dpi, as a PNG's pHYs
   * would have told tesseract; without it tesseract estimates it from the text height.
   */
  async function prepare(image: Buffer): Promise<Raster> {
    if (!Buffer.isBuffer(image) || image.length === 0) throw new InputError('OCR_IMAGE_EMPTY', 'the page image is empty');
    let meta: Metadata;
    try {
      // Reads the header only: the pixel limit is checked before anything is decoded.
      meta = await sharp(image, { limitInputPixels: false }).metadata();
    } catch (err) {
      throw new InputError('OCR_IMAGE_UNREADABLE', 'the page image is not a readable image', err);
    }
    if (!meta.width || !meta.height) throw new InputError('OCR_IMAGE_UNREADABLE', 'the page image has no dimensions');
    if (meta.width * meta.height > opts.maxPixels) throw new InputError('OCR_IMAGE_TOO_LARGE', 'the page image has more pixels than allowed');
    try {
      // flatten: transparent screenshots would otherwise turn black on black.
      const { data, info } = await sharp(image, { limitInputPixels: opts.maxPixels })
        .autoOrient()
        .flatten({ background: '#ffffff' })
        .greyscale()
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      const dpi = meta.density && meta.density >= 70 && meta.density <= 1200 ? Math.round(meta.density) : null;
      return rasterFromRaw(data, info, dpi);
    } catch (err) {
      throw new InputError('OCR_IMAGE_UNREADABLE', 'the page image could not be decoded', err);
    }
  }

  async function rotate(page: Raster, deg: number): Promise<Raster> {
    const { data, info } = await sharp(page.grey, { raw: { width: page.width, height: page.height, channels: 1 } })
      .rotate(deg)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return rasterFromRaw(data, info, page.dpi);
  }

  async function recognize(image: Buffer, timeoutMs: number, options: RecognizeOptions): Promise<OcrResult> {
    if (closed) throw new TransientError('OCR_CLOSED', 'the OCR pool is closed');
    const mode = options.mode ?? 'text';
    let prepared = await prepare(image);
    if (options.rotate) prepared = await rotate(prepared, options.rotate);
    replenish();
    const slot = await acquire();
    const deadline = Date.now() + timeoutMs;
    const started = Date.now();
    try {
      let best: Reading & { rotated: number } = { ...(await recogniseOn(slot, prepared, deadline, mode)), rotated: options.rotate ?? 0 };
      let upright = prepared;
      if (best.confidence < opts.lowConfidence && orientation !== 'off' && options.rotate === undefined) {
        const candidates = orientation === 'osd' ? [await detectOrientation(prepared, deadline)].filter((d): d is number => d !== null) : [180, 270, 90];
        for (const deg of candidates) {
          if (slot.retiring) break;
          const turned = await rotate(prepared, deg);
          const r = await recogniseOn(slot, turned, deadline, mode);
          if (r.confidence > best.confidence) {
            best = { ...r, rotated: deg };
            upright = turned;
          }
          if (best.confidence >= opts.lowConfidence) break;
        }
      }
      let second = 'none';
      const firstMs = Date.now() - started;
      // The second reading is an attempt, never a reason to lose the first: it runs only when
      // the page's time leaves room for it (upscaled pages take up to 4× as long), and if it
      // overruns anyway the first reading stands (the stuck worker is replaced as usual).
      const weak = best.confidence < opts.weakConfidence || (opts.preprocess.includes('deskew') && Math.abs(best.skew ?? 0) > MAX_SKEW_DEG);
      if (mode === 'text' && weak && opts.preprocess.length > 0 && !slot.retiring && deadline - Date.now() > 5 * firstMs) {
        try {
          const { reading, steps } = await secondReading(slot, upright, best, deadline);
          best = { ...reading, rotated: best.rotated };
          second = steps;
        } catch (err) {
          if (!(err instanceof InputError && err.code === 'OCR_TIMEOUT')) throw err;
          second = 'timed out';
          log.warn({ worker: slot.id, code: err.code }, 'second reading of a weak page overran its time; the first reading is kept');
        }
      }
      log.debug({ worker: slot.id, ms: Date.now() - started, mode, confidence: best.confidence, rotated: best.rotated, words: best.words, second }, 'page recognised');
      const { wordHeight: _h, skew: _s, ...result } = best;
      return result;
    } finally {
      release(slot);
    }
  }

  // Start every worker now: the first page should not pay for the start, and a broken
  // installation should stop start-up, not the first letter.
  const started = await Promise.allSettled(Array.from({ length: opts.workers }, () => spawnSlot()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    closed = true;
    await Promise.all([...slots].map((s) => terminateQuietly(s.spawned!)));
    throw new TransientError('OCR_START_FAILED', 'the OCR workers could not be started', failed.reason);
  }
  for (const r of started) if (r.status === 'fulfilled') release(r.value);
  log.info({ workers: opts.workers, orientation }, 'OCR pool ready');

  return {
    recognize(image: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> {
      const t = options.timeoutMs;
      const p = recognize(image, t !== undefined && t > 0 && t < opts.pageTimeoutMs ? t : opts.pageTimeoutMs, options);
      inFlight.add(p);
      const forget = () => inFlight.delete(p);
      p.then(forget, forget);
      return p;
    },
    async close({ drainMs = 10_000 } = {}): Promise<void> {
      if (closed) return;
      closed = true;
      rejectWaiters(new TransientError('OCR_CLOSED', 'the OCR pool is closed'));
      await bounded(Promise.allSettled([...inFlight]), drainMs, 'OCR drain').catch(() => {});
      const all = [...slots];
      for (const s of all) {
        s.retiring = true;
        s.busy?.(new TransientError('OCR_CLOSED', 'the OCR pool was closed while the page was recognised'));
      }
      slots.clear();
      idle.length = 0;
      await Promise.all(all.map((s) => terminateQuietly(s.spawned!)));
      const o = osd;
      osd = null;
      if (o) await o.then(terminateQuietly, () => {});
      log.info({ replaced }, 'OCR pool closed');
    },
    stats: () => ({ workers: slots.size, idle: idle.length, waiting: waiters.length, replaced }),
  };
}
