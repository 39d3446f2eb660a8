import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One structured logger, injected into every stage and namespaced per stage.
 *
 * Never pass message bodies, addresses, phone numbers, BSNs, names or credentials to it:
 * log ids, counts, codes and durations. `redact` is a second line of defence for the
 * field names most likely to carry personal data by accident, not a licence to log them.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const base = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: ['password', '*.password', 'auth', '*.auth', 'email', '*.email', 'phone', '*.phone', 'bsn', '*.bsn', 'text', '*.text', 'raw', '*.raw', 'name', '*.name'],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
  return base;
}

/** A logger that writes nothing: the default in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
