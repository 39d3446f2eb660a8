import { isRetriable } from './errors.ts';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait; for logging counts, never the error's payload. */
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
  signal?: AbortSignal;
}

const DEFAULTS: RetryOptions = { retries: 8, initialDelayMs: 200, maxDelayMs: 10_000 };

/**
 * The one retrier (kafkajs `src/retry` habit): capped exponential backoff with full jitter,
 * so that many consumers coming back after an outage do not hammer the server in step.
 * Errors that `isRetriable` rejects are rethrown at once; `bail(err)` does the same from
 * inside the function.
 */
export async function retry<T>(
  fn: (attempt: number, bail: (err: unknown) => never) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  const opts = { ...DEFAULTS, ...options };
  const bail = (err: unknown): never => {
    throw new BailError(err);
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt, bail);
    } catch (err) {
      if (err instanceof BailError) throw err.inner;
      if (!isRetriable(err) || attempt >= opts.retries || opts.signal?.aborted) throw err;
      const delayMs = backoffDelay(attempt, opts);
      opts.onRetry?.(attempt, err, delayMs);
      await sleep(delayMs, opts.signal);
    }
  }
}

/**
 * The wait before try `attempt + 1`: capped exponential, with jitter over its upper half.
 * Exported for loops that cannot be one `retry` call (a waiting ingestor re-reads its
 * mailbox between tries), so there is still one backoff formula in the project.
 */
export function backoffDelay(attempt: number, opts: { initialDelayMs: number; maxDelayMs: number }): number {
  // The exponent is capped too: 2 ** 1000 is Infinity, and min(Infinity, max) is fine, but
  // an attempt counter that has run for days should not depend on that.
  const ceiling = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

class BailError {
  constructor(readonly inner: unknown) {}
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => { clearTimeout(timer); resolve(); };
    // Remove the listener when the timer wins, or long-lived signals collect one per sleep.
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Bound any promise: every wait in this project has one. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(onTimeout()), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
