import type { Worker as ThreadWorker } from 'node:worker_threads';
import { createWorker, OEM, PSM, type Worker as TessWorker } from 'tesseract.js';
import { asError, bounded } from './bounded.ts';

/**
 * One tesseract.js worker, started fully offline.
 *
 * Offline is not the default: without `langPath` tesseract.js downloads traineddata from a
 * CDN, and without `errorHandler` a failed job throws inside its message listener, which
 * kills the process. So: `langPath` is always a local folder (checked by the caller),
 * `gzip: false` because Debian ships plain `.traineddata`, `cacheMethod: 'none'` so nothing
 * is written next to the process, and an `errorHandler` that only records. The wasm core is
 * `require`d from node_modules/tesseract.js-core in Node; it never touches the network.
 *
 * tesseract.js 7 does not listen for 'error' on its worker thread, so a crash of the thread
 * (not a failed job, which is caught inside the thread) would be an uncaught 'error' event
 * in the main process. We pick the thread up through `process.on('worker')` (emitted on the
 * next tick after the thread is constructed, which createWorker does synchronously) and
 * attach our own listeners.
 */
export interface SpawnedWorker {
  readonly worker: TessWorker;
  /** The worker thread behind it, when it could be identified; used to watch for crashes. */
  readonly thread: ThreadWorker | undefined;
}

export interface SpawnOptions {
  langPath: string;
  languages: readonly string[];
  /** 'lstm' for recognition; 'osd' loads the legacy core and osd.traineddata for orientation. */
  mode: 'lstm' | 'osd';
  initTimeoutMs: number;
  onThreadError: (err: Error) => void;
  onThreadExit: (code: number) => void;
}

// Workers started concurrently must not share a capture window, or two workers would be
// matched to the same thread: spawns take turns for the one tick the window lasts.
let captureTurn: Promise<void> = Promise.resolve();

export async function spawnWorker(opts: SpawnOptions): Promise<SpawnedWorker> {
  const previous = captureTurn;
  let done!: () => void;
  captureTurn = new Promise<void>((resolve) => (done = resolve));
  await previous;
  const seen: ThreadWorker[] = [];
  const onWorker = (w: ThreadWorker): void => void seen.push(w);
  process.on('worker', onWorker);
  let creating: Promise<TessWorker>;
  try {
    const options = {
      langPath: opts.langPath,
      gzip: false,
      cacheMethod: 'none',
      // Failed jobs also reject their own promise; the handler only stops the rethrow.
      errorHandler: () => {},
      ...(opts.mode === 'osd' ? { legacyCore: true, legacyLang: true } : {}),
    };
    creating = createWorker(opts.mode === 'osd' ? ['osd'] : [...opts.languages], opts.mode === 'osd' ? OEM.TESSERACT_ONLY : OEM.LSTM_ONLY, options);
    // Handled below through bounded(); this only keeps an early rejection from being reported as unhandled.
    creating.catch(() => {});
  } finally {
    // The 'worker' event for the thread just constructed is queued on the next tick.
    await new Promise<void>((resolve) => process.nextTick(resolve));
    process.off('worker', onWorker);
    done();
  }
  // Threads constructed by others earlier in the same tick are announced first; ours is last.
  const thread = seen.at(-1);
  let exited = false;
  thread?.on('error', (err) => opts.onThreadError(asError(err)));
  thread?.once('exit', (code) => {
    exited = true;
    opts.onThreadExit(code);
  });
  let worker: TessWorker;
  try {
    worker = await bounded(creating, opts.initTimeoutMs, 'OCR worker start');
  } catch (err) {
    // A start that timed out or failed leaves a thread behind: stop it.
    if (thread && !exited) void thread.terminate().catch(() => {});
    throw err;
  }
  if (opts.mode === 'lstm') {
    // PSM 3 (automatic segmentation): measured CER 0.0014 against 0.0080 for the default PSM 6
    // on scanned letters. debug_file silences tesseract's own stdout chatter ("Estimating
    // resolution as ...") which would otherwise interleave with the JSON log lines.
    await bounded(
      worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, debug_file: '/dev/null' }),
      opts.initTimeoutMs,
      'OCR worker parameters',
    ).catch(async (err: unknown) => {
      await terminateQuietly({ worker, thread });
      throw err;
    });
  } else {
    await bounded(worker.setParameters({ debug_file: '/dev/null' }), opts.initTimeoutMs, 'OSD worker parameters').catch(async (err: unknown) => {
      await terminateQuietly({ worker, thread });
      throw err;
    });
  }
  return { worker, thread };
}

/** Stop a worker; never throws and never waits long (terminate is a thread kill, not a job). */
export async function terminateQuietly(w: SpawnedWorker): Promise<void> {
  try {
    await bounded(w.worker.terminate(), 5_000, 'OCR worker terminate');
  } catch {
    // The thread kill below is the fallback.
  }
  if (w.thread) await bounded(w.thread.terminate(), 5_000, 'OCR thread terminate').catch(() => {});
}
