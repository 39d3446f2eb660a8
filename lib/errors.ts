/**
 * Every error the pipeline raises on purpose, in one place (the kafkajs / fastify habit).
 *
 * Each error has a stable string `code` (AREA_WHAT) that logs, dead-letter records and
 * tests can match on, and says whether trying again can help:
 *  - retriable: a server went away, a timeout, a lock — the same input may succeed later.
 *  - not retriable: the input itself is bad (malformed mail, broken PDF, too large) — it
 *    goes to the dead-letter topic with its code and reason, and processing continues.
 *
 * Messages never contain personal data: say *what* is wrong, not the value that was wrong.
 */
export class PipelineError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PipelineError';
    this.code = code;
    this.retriable = options.retriable;
  }
}

/** Bad input: retrying the same bytes gives the same answer. Goes to the dead-letter topic. */
export class InputError extends PipelineError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retriable: false, cause });
    this.name = 'InputError';
  }
}

/** A dependency failed (broker, database, mail server): worth retrying with backoff. */
export class TransientError extends PipelineError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retriable: true, cause });
    this.name = 'TransientError';
  }
}

/** Configuration or start-up problem: stop, say what to fix, do not retry. */
export class ConfigError extends PipelineError {
  constructor(code: string, message: string) {
    super(code, message, { retriable: false });
    this.name = 'ConfigError';
  }
}

/** Programming errors are never retried: retrying a TypeError only repeats the bug. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/**
 * Decide whether an arbitrary thrown value is worth a retry. Checked by `name` as well as
 * by class (the BullMQ habit), because errors can cross module copies and worker threads.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof PipelineError) return err.retriable;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; retriable?: unknown; code?: unknown };
  if (typeof e.retriable === 'boolean') return e.retriable; // kafkajs errors carry this flag
  if (e.name && PROGRAMMING_ERRORS.has(e.name)) return false;
  const name = e.name ?? '';
  // Driver-level network and server-selection failures from mongodb / imapflow / nodemailer.
  if (/MongoNetwork|MongoServerSelection|MongoNotConnected|PoolCleared/.test(name)) return true;
  const code = typeof e.code === 'string' ? e.code : '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ESOCKET', 'ECONNECTION', 'NoConnection'].includes(code);
}

/** Error code for the dead-letter record; unknown errors get a generic code, never their message text. */
export function errorCode(err: unknown): string {
  if (err instanceof PipelineError) return err.code;
  return 'INTERNAL_UNEXPECTED';
}
