/**
 * Outgoing mail: acknowledgments (one per case, with the case number, in the case's
 * language), agents' replies (queued on the case by the workbench, processors/cases
 * work.ts `reply`) and, with the same machinery (refusals.ts), one reply to a message refused
 * for its size or form. All are sent by this stage, with the same guarantees.
 *
 * The case document is the outbox. A new case that wants an acknowledgment is stored with
 * `ack.status = 'pending'`; this stage claims one case at a time with a lease
 * (`sending`, `leaseUntil`), sends over SMTP, and marks it `sent`. A process killed while
 * holding a lease leaves the case to be claimed again when the lease runs out.
 *
 * The one window that cannot be closed is between the SMTP server's "250 OK" and our record
 * of it: a crash exactly there sends the mail again on recovery. The record is therefore a
 * single `_id` write right after the 250 — the thread key of the acknowledgment's
 * Message-ID, which replies need anyway — checked before every send; the case itself is
 * marked `sent` after that, under its lock. Every acknowledgment carries a Message-ID
 * derived from the case id, so should the window be hit, a recipient's client or an MTA
 * with duplicate suppression sees the same message twice, not two different ones. This is
 * stated, not hidden (see README).
 *
 * Never sent to auto-replies or bounces: those make no case (processors/parse), and ours
 * carry `Auto-Submitted: auto-replied` (RFC 3834) so well-behaved auto-responders do not
 * answer them — no mail loops.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { loadMailTemplate, loadTextBlock, type TemplateLanguage } from '../../templates/index.ts';
import { caseExpiry, type CaseModels } from '../cases/index.ts';
import type { CaseReply } from '../cases/model.ts';
import type { Logger } from '../../lib/logger.ts';
import { createPollLoop } from '../../lib/poll-loop.ts';
import { afterSmtpFailure } from './smtp.ts';
import type { DocLock } from '../../lib/doclock.ts';
import type { RefusalModels } from '../refusals/index.ts';
import { createRefusalReplier, type RefusalReplier } from './refusals.ts';

export { refusalMessageId, refusalReason } from './refusals.ts';

export interface AcknowledgerOptions {
  models: CaseModels;
  /** The case store's write lock (CaseStore.withCase). */
  withCase: <T>(caseId: string, fn: () => Promise<T>) => Promise<T>;
  smtp: { host: string; port: number; secure: boolean };
  from: string;
  /** Domain part for our Message-IDs. */
  messageIdDomain: string;
  logger: Logger;
  /** How long a claim protects a case from other senders (ms). */
  leaseMs?: number;
  pollIntervalMs?: number;
  clock?: () => Date;
  /**
   * The refusal outbox (processors/refusals): replies to messages refused for their size or
   * form go out through this stage too, with the same transport, lease and Message-ID scheme.
   */
  refusals?: { models: RefusalModels; lock: DocLock };
  /**
   * The survey's consent link for a case (processors/survey consentLink): the acknowledgment
   * asks whether the citizen wants one short survey later. Without it the question is left out.
   */
  consentLink?: (caseId: string) => string;
}

export interface Acknowledger {
  /** Sends acknowledgments until none is due; returns how many were sent. */
  runOnce(): Promise<number>;
  start(): void;
  /** Wake the loop now (a new case was stored). */
  kick(): void;
  stop(): Promise<void>;
  /** recovered: found sent by an earlier process that was killed before recording it. */
  readonly stats: { sent: number; failed: number; retried: number; recovered: number };
  /** Refusal replies (null without the refusal outbox). */
  readonly refusalStats: RefusalReplier['stats'] | null;
}

const TEMPLATE_VARS = ['caseNumber', 'survey'] as const;

export function ackMessageId(caseId: string, domain: string): string {
  return `ack.${caseId.slice(0, 32)}@${domain}`;
}

export function createAcknowledger(o: AcknowledgerOptions): Acknowledger {
  const log = o.logger.child({ stage: 'acknowledge' });
  const { Case } = o.models;
  const clock = o.clock ?? (() => new Date());
  const leaseMs = o.leaseMs ?? 60_000;
  const templates: Record<TemplateLanguage, ReturnType<typeof loadMailTemplate>> = {
    nl: loadMailTemplate('ack', 'nl', TEMPLATE_VARS),
    en: loadMailTemplate('ack', 'en', TEMPLATE_VARS),
  };
  const surveyBlocks: Record<TemplateLanguage, (v: Record<string, string>) => string> = {
    nl: loadTextBlock('ack-survey', 'nl', ['consentUrl']),
    en: loadTextBlock('ack-survey', 'en', ['consentUrl']),
  };
  const transport: Transporter = nodemailer.createTransport({
    host: o.smtp.host, port: o.smtp.port, secure: o.smtp.secure,
    // Local test server speaks plain SMTP; production sets secure/STARTTLS via config.
    ignoreTLS: !o.smtp.secure && o.smtp.host === '127.0.0.1',
    pool: true, maxConnections: 2,
    connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000,
    logger: false,
  });
  const stats = { sent: 0, failed: 0, retried: 0, recovered: 0 };
  const refusals = o.refusals
    ? createRefusalReplier({ ...o.refusals, transport, from: o.from, messageIdDomain: o.messageIdDomain, logger: o.logger, leaseMs, clock })
    : null;

  type Claimed = { _id: string; caseNumber: string; replyAddress?: string | null; classification?: { language?: string | null } | null; threadIds?: string[]; ack?: { attempts?: number }; expiresAt?: Date };
  // Candidates by the top-level `ackDue` flag (an equality FerretDB answers without scanning
  // every case); the full condition is checked on the candidate, under the lock.
  const isDue = (c: Claimed & { ack?: { status?: string; leaseUntil?: Date | null } }, now: Date) =>
    (c.ack?.status === 'pending' || c.ack?.status === 'sending') && (!c.ack?.leaseUntil || c.ack.leaseUntil.getTime() <= now.getTime());

  /**
   * Claim the oldest due acknowledgment: find a candidate, then, holding the case's write
   * lock, check it is still due and set the lease. (A single findOneAndUpdate would do on
   * MongoDB; FerretDB 1.x does not make it atomic, see lib/doclock.ts.)
   */
  async function claim(): Promise<Claimed | null> {
    for (let tries = 0; tries < 5; tries++) {
      const now = clock();
      const candidates = (await Case.find({ ackDue: true }, { _id: 1, ack: 1 }).limit(50).lean()) as unknown as Array<Claimed & { ack?: { status?: string; leaseUntil?: Date | null } }>;
      const candidate = candidates.find((c) => isDue(c, now));
      if (!candidate) return null;
      const id = String(candidate._id);
      const claimed = await o.withCase(id, async () => {
        const c = (await Case.findById(id).lean()) as (Claimed & { ack?: { status?: string; leaseUntil?: Date | null } }) | null;
        if (!c || !isDue(c, now)) return null;
        await Case.updateOne({ _id: id }, { $set: { 'ack.status': 'sending', 'ack.leaseUntil': new Date(now.getTime() + leaseMs) }, $inc: { 'ack.attempts': 1 } });
        return { ...c, ack: { attempts: (c.ack?.attempts ?? 0) + 1 } };
      });
      if (claimed) return claimed;
    }
    return null;
  }

  /**
   * The one way a mail leaves: unless an earlier process already sent it (its Message-ID's
   * thread key exists: written right after the 250), send it, then write that key at once.
   * Returns whether it was found sent before.
   */
  async function deliver(m: { caseId: string; to: string; subject: string; text: string; messageId: string; inReplyTo?: string | undefined; references?: string[]; headers: Record<string, string>; expiresAt?: Date | undefined }): Promise<boolean> {
    const sentBefore = !!(await o.models.ThreadKey.exists({ _id: m.messageId }));
    if (sentBefore) return true;
    await transport.sendMail({
      from: o.from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.messageId}>`,
      ...(m.inReplyTo ? { inReplyTo: `<${m.inReplyTo}>`, references: (m.references ?? [m.inReplyTo]).map((r) => `<${r}>`) } : {}),
      headers: m.headers,
    });
    // One `_id` write, no lock: what shrinks the window in which a kill makes us send twice.
    await o.models.ThreadKey.updateOne({ _id: m.messageId }, { $set: { caseId: m.caseId, expiresAt: m.expiresAt ?? caseExpiry(clock()) } }, { upsert: true });
    return false;
  }

  const afterFailure = (err: unknown, attempts: number) => afterSmtpFailure(err, attempts, clock());

  async function sendOne(): Promise<boolean> {
    const c = await claim();
    if (!c) return false;
    const lang: TemplateLanguage = c.classification?.language === 'en' ? 'en' : 'nl';
    const survey = o.consentLink ? `${surveyBlocks[lang]({ consentUrl: o.consentLink(c._id) })}\n` : '';
    const mail = templates[lang]({ caseNumber: c.caseNumber, survey });
    const messageId = ackMessageId(c._id, o.messageIdDomain);
    const original = c.threadIds?.[0];
    let sentBefore = false;
    try {
      sentBefore = await deliver({
        caseId: c._id, to: c.replyAddress!, subject: mail.subject, text: mail.text, messageId, inReplyTo: original, expiresAt: c.expiresAt,
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-KCC-Case': c.caseNumber },
      });
      if (sentBefore) {
        stats.recovered += 1;
        log.info({ case: c.caseNumber }, 'acknowledgment found sent by an earlier process; not sent again');
      }
    } catch (err) {
      const attempts = c.ack?.attempts ?? 1;
      const next = afterFailure(err, attempts);
      if (next.failed) {
        await o.withCase(c._id, () => Case.updateOne({ _id: c._id }, { $set: { ackDue: false, 'ack.status': 'failed', 'ack.lastCode': next.code } }));
        stats.failed += 1;
        log.warn({ case: c.caseNumber, code: next.code }, 'acknowledgment failed permanently');
      } else {
        // Back to pending with the lease as the earliest next attempt.
        await o.withCase(c._id, () => Case.updateOne({ _id: c._id, 'ack.status': 'sending' }, { $set: { 'ack.status': 'pending', 'ack.leaseUntil': next.retryAt, 'ack.lastCode': next.code } }));
        stats.retried += 1;
        log.warn({ case: c.caseNumber, attempts }, 'acknowledgment will be retried');
      }
      return true;
    }
    await o.withCase(c._id, () => Case.updateOne(
      { _id: c._id },
      { $set: { ackDue: false, 'ack.status': 'sent', 'ack.sentAt': clock(), 'ack.messageId': messageId }, $unset: { 'ack.leaseUntil': 1 }, $addToSet: { threadIds: messageId } },
    ));
    // A reply to the acknowledgment threads onto the case.
    const expiresAt = ((await Case.findById(c._id, { expiresAt: 1 }).lean()) as { expiresAt?: Date } | null)?.expiresAt;
    if (expiresAt) await o.models.ThreadKey.updateOne({ _id: messageId }, { $set: { caseId: c._id, expiresAt } }, { upsert: true });
    if (!sentBefore) {
      stats.sent += 1;
      log.info({ case: c.caseNumber, lang }, 'acknowledgment sent');
    }
    return true;
  }

  type ReplyCase = { _id: string; caseNumber: string; threadIds?: string[]; replies?: CaseReply[]; messages?: Array<{ messageId?: string }>; expiresAt?: Date };
  const replyIsDue = (r: CaseReply, now: Date) => (r.status === 'pending' || r.status === 'sending') && (!r.leaseUntil || new Date(r.leaseUntil).getTime() <= now.getTime());

  /** Claims the oldest due reply of a case that has one (same lease scheme as acknowledgments). */
  async function claimReply(): Promise<{ c: ReplyCase; reply: CaseReply } | null> {
    const now = clock();
    const candidates = (await Case.find({ replyDue: true }, { _id: 1, replies: 1 }).limit(50).lean()) as unknown as ReplyCase[];
    for (const cand of candidates) {
      if (!(cand.replies ?? []).some((r) => replyIsDue(r, now))) continue;
      const got = await o.withCase(cand._id, async () => {
        const c = (await Case.findById(cand._id, { caseNumber: 1, threadIds: 1, replies: 1, messages: 1, expiresAt: 1, version: 1 }).lean()) as unknown as (ReplyCase & { version?: number }) | null;
        const i = c?.replies?.findIndex((r) => replyIsDue(r, now)) ?? -1;
        if (!c || i < 0) return null;
        const replies = c.replies!.map((r, k) => (k === i ? { ...r, status: 'sending' as const, leaseUntil: new Date(now.getTime() + leaseMs), attempts: (r.attempts ?? 0) + 1 } : r));
        // Compare-and-set on the version: a reply an agent queued since our read (it moves the
        // version) is never overwritten by this array; we try again next round.
        const w = await Case.updateOne({ _id: c._id, version: c.version ?? { $exists: false } }, { $set: { replies } });
        if (w.matchedCount === 0) return null;
        return { c, reply: replies[i]! };
      });
      if (got) return got;
    }
    return null;
  }

  /** Rewrites one reply on its case (under the lock) and keeps `replyDue` true while any is due. */
  async function settleReply(caseId: string, replyId: string, change: Partial<CaseReply>, extra: Record<string, unknown> = {}): Promise<void> {
    await o.withCase(caseId, async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const c = (await Case.findById(caseId, { replies: 1, version: 1 }).lean()) as unknown as (ReplyCase & { version?: number }) | null;
        if (!c) return;
        const replies = (c.replies ?? []).map((r) => (r.id === replyId ? { ...r, ...change } : r));
        const due = replies.some((r) => r.status === 'pending' || r.status === 'sending');
        // As in claimReply: never over a reply queued since the read.
        const w = await Case.updateOne({ _id: caseId, version: c.version ?? { $exists: false } }, { $set: { replies, replyDue: due, ...extra } });
        if (w.matchedCount > 0) return;
      }
      throw new Error('reply state could not be recorded: the case kept changing');
    });
  }

  async function sendReply(): Promise<boolean> {
    const got = await claimReply();
    if (!got) return false;
    const { c, reply } = got;
    const messageId = `reply.${reply.id}@${o.messageIdDomain}`;
    // Threaded on the citizen's last message, references the whole conversation.
    const last = [...(c.messages ?? [])].reverse().find((m) => m.messageId)?.messageId;
    try {
      const sentBefore = await deliver({
        caseId: c._id, to: reply.to!, subject: reply.subject ?? c.caseNumber, text: reply.text, messageId, inReplyTo: last,
        references: [...new Set([...(c.threadIds ?? []), ...(last ? [last] : [])])].slice(-20), expiresAt: c.expiresAt,
        headers: { 'X-KCC-Case': c.caseNumber },
      });
      if (sentBefore) stats.recovered += 1;
      else stats.sent += 1;
      await settleReply(c._id, reply.id, { status: 'sent', sentAt: clock(), messageId, leaseUntil: undefined }, {});
      await o.withCase(c._id, () => Case.updateOne({ _id: c._id }, { $addToSet: { threadIds: messageId } }));
      log.info({ case: c.caseNumber, recovered: sentBefore }, 'reply sent');
    } catch (err) {
      const next = afterFailure(err, reply.attempts ?? 1);
      if (next.failed) {
        await settleReply(c._id, reply.id, { status: 'failed', lastCode: next.code });
        stats.failed += 1;
        log.warn({ case: c.caseNumber, code: next.code }, 'reply failed permanently');
      } else {
        await settleReply(c._id, reply.id, { status: 'pending', leaseUntil: next.retryAt, lastCode: next.code });
        stats.retried += 1;
        log.warn({ case: c.caseNumber, attempts: reply.attempts }, 'reply will be retried');
      }
    }
    return true;
  }

  async function runOnce(): Promise<number> {
    let n = 0;
    while (!poll.stopped && (await sendOne())) n += 1;
    while (!poll.stopped && (await sendReply())) n += 1;
    while (!poll.stopped && refusals && (await refusals.sendOne())) n += 1;
    return n;
  }

  const poll = createPollLoop({
    round: runOnce, intervalMs: o.pollIntervalMs ?? 2000,
    onError: (err) => log.warn({ code: (err as { code?: string }).code ?? (err as Error).name }, 'acknowledger round failed; retrying'),
  });

  return {
    stats,
    refusalStats: refusals?.stats ?? null,
    runOnce,
    start() { poll.start(); },
    kick() { poll.kick(); },
    async stop() {
      await poll.stop();
      transport.close();
    },
  };
}
