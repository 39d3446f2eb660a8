import { isRetriable } from '../../lib/errors.ts';

// A permanent SMTP failure (5xx) will not change by trying again; a transient one is tried
// this many times in all, with the back-off below, before it counts as failed.
export const MAX_ATTEMPTS = 8;

/** What a failed send means for every outbox of this stage: given up, or a time to try again. */
export function afterSmtpFailure(err: unknown, attempts: number, now: Date): { failed: true; code: string } | { failed: false; retryAt: Date; code: string } {
  const code = (err as { responseCode?: number }).responseCode;
  const permanent = typeof code === 'number' && code >= 500;
  if (permanent || attempts >= MAX_ATTEMPTS) return { failed: true, code: permanent ? `SMTP_${code}` : 'SMTP_GAVE_UP' };
  return { failed: false, retryAt: new Date(now.getTime() + Math.min(60_000, 1000 * 2 ** attempts)), code: isRetriable(err) ? 'SMTP_UNAVAILABLE' : 'SMTP_ERROR' };
}
