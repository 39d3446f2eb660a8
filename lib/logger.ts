import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where the lines go (default: stdout). */
  destination?: pino.DestinationStream;
  /**
   * Lines for a person at a terminal (pino-pretty: time, level, message, fields) instead of
   * JSON lines for a log collector. app/main.ts passes wantsPretty(process.stdout): `npm start`
   * at a terminal is read by a developer; under a service manager or piped, JSON as before.
   * Formatted in this thread, synchronously: no worker thread whose buffered lines a crash
   * could lose. The redaction below applies before either format.
   */
  pretty?: boolean;
}

/** Readable lines when the output is a terminal (`npm start` at a prompt), JSON lines otherwise. */
export function wantsPretty(output: { isTTY?: boolean }): boolean {
  return output.isTTY === true;
}

/**
 * One structured logger, injected into every stage and namespaced per stage.
 *
 * Never pass message bodies, addresses, phone numbers, BSNs, names or credentials to it:
 * log ids, counts, codes and durations. `redact` is a second line of defence for the
 * field names most likely to carry personal data by accident, not a licence to log them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.pretty
    ? pretty({ translateTime: 'SYS:HH:MM:ss.l', sync: true, ...(options.destination ? { destination: options.destination } : {}) })
    : options.destination;
  const base = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: ['password', '*.password', 'auth', '*.auth', 'email', '*.email', 'phone', '*.phone', 'bsn', '*.bsn', 'text', '*.text', 'raw', '*.raw', 'name', '*.name'],
        censor: '[redacted]',
      },
    },
    destination,
  );
  return base;
}

/** A logger that writes nothing: the default in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
