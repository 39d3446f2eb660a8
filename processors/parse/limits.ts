import { ConfigError } from '../../lib/errors.ts';
import { DEFAULTS as CONFIG_DEFAULTS } from '../../config/index.ts';

/** Bounds on one untrusted message. Every value is a count or a size, never zero. */
export interface ParseLimits {
  /**
   * Largest raw message in bytes; checked before anything else is done with it. Always the
   * configured KCC_MAX_MESSAGE_BYTES in the pipeline (the ingestor refuses larger ones first).
   */
  maxBytes: number;
  /** Most attachments (and, derived from it, MIME parts) one message may carry. */
  maxAttachments: number;
  /** Deepest multipart nesting accepted. */
  maxMimeDepth: number;
  /** Longest body text (characters) that quote detection and later stages look at. */
  maxTextChars: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  // The configured KCC_MAX_MESSAGE_BYTES (config/index.ts, where its reason is): the app
  // passes the configured value, and this default is the same number, so `kcc extract` and
  // tests parse with the limit the ingestor enforces. One limit, not two that disagree.
  maxBytes: Number(CONFIG_DEFAULTS.KCC_MAX_MESSAGE_BYTES),
  // The shared corpus' richest message (postalmime-mimetorture.eml) has 9 attachments; 100
  // leaves room for long Outlook threads that carry every signature logo inline.
  maxAttachments: 100,
  // Postfix's mime_nesting_limit default: an MTA on the way stops looking deeper than this.
  // Real mail nests 3–6 levels (mixed > related > alternative, plus a forwarded message).
  maxMimeDepth: 100,
  // About 25 A4 pages of prose (~4,000 characters a page). The largest text in the shared
  // corpus is ~20,000 characters (a mailing-list commit digest); a citizen's question is far
  // shorter. The cap bounds regex work on untrusted text; the rest is dropped with a warning.
  maxTextChars: 100_000,
});

/**
 * Merge caller overrides into the defaults, validating once and reporting every bad value
 * together (the fastify habit). Limits come from configuration, so a bad value is a
 * ConfigError, not an InputError.
 */
export function resolveLimits(overrides: Partial<ParseLimits> = {}): Readonly<ParseLimits> {
  const merged: ParseLimits = { ...DEFAULT_PARSE_LIMITS };
  const problems: string[] = [];
  for (const key of Object.keys(overrides) as (keyof ParseLimits)[]) {
    if (!(key in DEFAULT_PARSE_LIMITS)) {
      problems.push(`unknown limit "${String(key)}"`);
      continue;
    }
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      problems.push(`${key} must be a positive integer`);
      continue;
    }
    merged[key] = value;
  }
  if (problems.length > 0) {
    throw new ConfigError('PARSE_LIMITS_INVALID', `invalid parse limits: ${problems.join('; ')}`);
  }
  return Object.freeze(merged);
}
