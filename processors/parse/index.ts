/**
 * processors/parse: one raw e-mail in, one normalised ParsedEmail out.
 *
 * mailparser is used in exactly one place (mailparser.ts). Around it: a linear pre-scan
 * that enforces the limits (scan.ts), HTML-to-text with a depth guard (html.ts), quote and
 * forward handling (quotes.ts), "not a case" detection (noncase.ts) and "probably not a
 * case" signals for the agent's screening queue (suspect.ts).
 */
export { parseEmail, messageKey, createEmailParser, parseHeaderBlock, headerBlockOf } from './parse.ts';
export type { Address, ParsedAttachment, ParsedEmail, ParseOptions, EmailParser, EmailParserConfig, Truncation, TruncationReason, HeaderView } from './parse.ts';
export { DEFAULT_PARSE_LIMITS, resolveLimits } from './limits.ts';
export { MAX_HEAD_BYTES } from './mailparser.ts';
export type { ParseLimits } from './limits.ts';
export { detectNonCase, headerIndex, DEFAULT_MAX_RECEIVED } from './noncase.ts';
export type { NonCase, NonCaseKind, NonCaseInput, NonCaseOptions } from './noncase.ts';
export { suspectReasons, SUSPECT_REASONS } from './suspect.ts';
export type { SuspectReason } from './suspect.ts';
export { splitQuotes } from './quotes.ts';
export type { QuoteSplit } from './quotes.ts';
