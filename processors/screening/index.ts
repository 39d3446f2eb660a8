/**
 * processors/screening: which new cases go to the "waarschijnlijk geen zaak" queue (case line
 * `screening`) instead of the first-line queue, and why.
 *
 * Spam, phishing sent to the KCC itself, marketing mail and ticket systems' receipts are not
 * citizens' questions, but no filter is certain, and the register allows no automated
 * decision: such a message still becomes a case, its acknowledgment is held (no mail to a
 * spammer or a ticket robot), and an agent confirms — "geen zaak" closes it as not a case,
 * which removes its personal data; "wel een zaak" moves it to the first line and sends the
 * acknowledgment.
 *
 * Two sources, both recorded on the case as fixed reason phrases:
 *  - what the message itself shows (processors/parse/suspect.ts: a spam flag set by the mail
 *    filter in front of the mailbox, List-Unsubscribe, a ticket system's receipt);
 *  - rspamd, a real spam filter (Debian's package; scripts/services.sh runs one locally),
 *    asked over its HTTP API when configured: a score at or above the threshold. Its symbols
 *    (rule names such as PHISHING or HTTP_TO_IP, never message content) are kept for the agent.
 *
 * A citizen who forwards a phishing mail with a question of their own ("is dit echt?") asks
 * a question: content verdicts (the forwarded mail is what scores) do not screen them.
 */
import { TransientError } from '../../lib/errors.ts';

export const SCREENING_REASONS = ['spam-filter-header', 'bulk-mail', 'ticket-system-receipt', 'spam-filter-score', 'phishing-signals', 'marketing-signals'] as const;
export type ScreeningReason = (typeof SCREENING_REASONS)[number];

/** rspamd's answer, reduced to what the decision and the agent need. */
export interface SpamVerdict {
  score: number;
  /** rspamd's own action ('no action', 'greylist', 'add header', 'rewrite subject', 'reject'). */
  action: string;
  /** Names of the rules that added to the score, highest first (at most MAX_SYMBOLS). */
  symbols: string[];
}

export interface SpamFilter {
  /** The verdict on one raw message; throws TransientError when the filter cannot answer. */
  check(raw: Buffer): Promise<SpamVerdict>;
}

export interface Screening {
  reasons: ScreeningReason[];
  /** rspamd's score and rules when it took part. */
  score?: number;
  symbols?: string[];
}

const MAX_SYMBOLS = 8;

/**
 * The decision: null (first-line queue) or the reasons for the screening queue.
 * `asksAboutForward`: the writer forwards mail they received with a question of their own.
 */
export function screen(input: { suspect: readonly string[]; verdict: SpamVerdict | null; asksAboutForward: boolean }, scoreThreshold: number): Screening | null {
  const reasons: ScreeningReason[] = [];
  for (const r of input.suspect) {
    if (!(SCREENING_REASONS as readonly string[]).includes(r)) continue;
    // Header verdicts and List-Unsubscribe judge the forwarded content as much as the forwarder.
    if (input.asksAboutForward && r !== 'ticket-system-receipt') continue;
    reasons.push(r as ScreeningReason);
  }
  const v = input.verdict;
  if (v && !input.asksAboutForward && v.score >= scoreThreshold) reasons.push('spam-filter-score');
  if (reasons.length === 0) return null;
  return { reasons, ...(v ? { score: Math.round(v.score * 100) / 100, symbols: v.symbols } : {}) };
}

export interface RspamdOptions {
  /** Base URL of rspamd's normal worker, e.g. http://127.0.0.1:10783. */
  url: string;
  timeoutMs?: number;
}

/**
 * rspamd's /checkv2 (the protocol its own rspamc and the milter use). The message is sent
 * as is; nothing of its content comes back, only the score, the action and rule names.
 */
export function createRspamdFilter(o: RspamdOptions): SpamFilter {
  const endpoint = new URL('/checkv2', o.url).toString();
  const timeoutMs = o.timeoutMs ?? 5_000;
  return {
    async check(raw) {
      let res: Response;
      try {
        res = await fetch(endpoint, { method: 'POST', body: new Uint8Array(raw), headers: { 'content-type': 'message/rfc822' }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new TransientError('SPAM_FILTER_UNREACHABLE', 'the spam filter (rspamd) did not answer', err);
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new TransientError('SPAM_FILTER_FAILED', `the spam filter (rspamd) answered HTTP ${res.status}`);
      }
      const body = (await res.json()) as { score?: unknown; action?: unknown; symbols?: Record<string, { score?: unknown }> };
      if (typeof body.score !== 'number' || typeof body.action !== 'string') {
        throw new TransientError('SPAM_FILTER_FAILED', 'the spam filter (rspamd) gave no score');
      }
      const symbols = Object.entries(body.symbols ?? {})
        .map(([name, s]) => ({ name, score: typeof s?.score === 'number' ? s.score : 0 }))
        .filter((s) => s.score > 0 && /^[A-Z0-9_]{1,64}$/.test(s.name))
        .sort((a, b) => b.score - a.score)
        .slice(0, MAX_SYMBOLS)
        .map((s) => s.name);
      return { score: body.score, action: body.action, symbols };
    },
  };
}
