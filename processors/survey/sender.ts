/**
 * The invitation sender (role `survey`): an outbox of `survey_invitations`, one per case.
 *
 * Each round:
 *  1. awaiting → pending: an invitation whose case is closed as answered, and closed at
 *     least the delay ago, becomes due; closed otherwise (not a case, referred, …) or gone,
 *     it is skipped for good. Its group (topic, channel, language, team = the case's line,
 *     the answering agent) is copied now, so the answer needs nothing from the case.
 *  2. pending → claimed → sending → sent, one at a time, under a lock per invitation and one
 *     per address (no two processes pass the N-day rule for the same address at once).
 *
 * Never twice. The acknowledgment's outbox records the send right after the 250 and accepts
 * that a crash inside that one write sends the same message again. An invitation is not
 * worth a second mail, so this outbox is at most once instead: it writes `sending`
 * (with the token's hash and the Message-ID) before it hands the mail to SMTP and `sent`
 * right after the 250; an invitation a killed process left in `sending` is never sent again
 * but marked `unknown` (it may or may not have gone; its token works if it did). A failure
 * the server answered (a 4xx/5xx reply) or a connection that never opened is known not to
 * have sent anything, so only those are retried; any other failure mid-transaction is
 * `unknown` too. The cost: a kill during the SMTP conversation loses that one invitation.
 *
 * Before every send, again: consent for the very address (the case's reply address, else
 * the citizen's own when that one consented), not bounced, not invited in the last N days,
 * the case still closed as answered.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Connection } from 'mongoose';
import type { KeyedHasher } from '../../lib/crypto.ts';
import type { Logger } from '../../lib/logger.ts';
import type { DocLock } from '../../lib/doclock.ts';
import { createPollLoop } from '../../lib/poll-loop.ts';
import { loadMailTemplate, type TemplateLanguage } from '../../templates/index.ts';
import { addDuration, maxRetentionFor } from '../../config/register.ts';
import { caseModels, type CaseDoc } from '../cases/index.ts';
import { afterSmtpFailure } from '../acknowledge/smtp.ts';
import { surveyModels, type ConsentDoc, type InvitationDoc, type SkipReason } from './model.ts';
import { answeringAgent, invitationMessageId, monthOf, newFormToken, sha256, type Survey } from './index.ts';

export interface SurveySenderOptions {
  conn: Connection;
  survey: Survey;
  hasher: KeyedHasher;
  lock: DocLock;
  smtp: { host: string; port: number; secure: boolean };
  from: string;
  messageIdDomain: string;
  logger: Logger;
  leaseMs?: number;
  pollIntervalMs?: number;
  clock?: () => Date;
}

export interface SurveySender {
  runOnce(): Promise<number>;
  start(): void;
  kick(): void;
  stop(): Promise<void>;
  readonly stats: { sent: number; skipped: number; retried: number; failed: number; unknown: number };
}

const TEMPLATE_VARS = ['formUrl', 'consentUrl', 'validUntil', 'caseNumber'] as const;
const SURVEY_TERM = maxRetentionFor('survey_email');

export function createSurveySender(o: SurveySenderOptions): SurveySender {
  const log = o.logger.child({ stage: 'survey' });
  const { Invitation, Consent, Bounce } = surveyModels(o.conn);
  const { Case } = caseModels(o.conn);
  const clock = o.clock ?? (() => new Date());
  const leaseMs = o.leaseMs ?? 60_000;
  const settings = o.survey.settings;
  const templates: Record<TemplateLanguage, ReturnType<typeof loadMailTemplate>> = {
    nl: loadMailTemplate('survey', 'nl', TEMPLATE_VARS),
    en: loadMailTemplate('survey', 'en', TEMPLATE_VARS),
  };
  const transport: Transporter = nodemailer.createTransport({
    host: o.smtp.host, port: o.smtp.port, secure: o.smtp.secure,
    ignoreTLS: !o.smtp.secure && o.smtp.host === '127.0.0.1',
    pool: false, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000, logger: false,
  });
  const stats = { sent: 0, skipped: 0, retried: 0, failed: 0, unknown: 0 };
  const hash = (a: string | null | undefined): string | null => {
    if (!a) return null;
    try { return o.hasher.hmac('email', a); } catch { return null; }
  };
  type CaseView = Pick<CaseDoc, '_id' | 'caseNumber' | 'status' | 'outcome' | 'closedAt' | 'replyAddress' | 'citizen' | 'classification' | 'routing' | 'line' | 'channel' | 'replies' | 'journal'>;
  const readCase = (id: string) => Case.findById(id, { caseNumber: 1, status: 1, outcome: 1, closedAt: 1, replyAddress: 1, citizen: 1, classification: 1, routing: 1, line: 1, channel: 1, 'replies.actor': 1, journal: 1 }).lean<CaseView>();

  async function skip(id: string, reason: SkipReason): Promise<void> {
    await Invitation.updateOne({ _id: id }, { $set: { status: 'skipped', skipReason: reason, awaiting: false, due: false }, $unset: { leaseUntil: 1 } });
    stats.skipped += 1;
    log.info({ reason }, 'survey invitation not sent');
  }

  /** Step 1: awaiting invitations whose case is closed as answered and the delay has passed. */
  async function promote(): Promise<void> {
    const at = clock();
    const waiting = await Invitation.find({ awaiting: true }, { _id: 1, status: 1 }).limit(200).lean<InvitationDoc[]>();
    for (const w of waiting) {
      if (w.status !== 'awaiting') continue;
      const c = await readCase(w._id);
      // "Not a case" erases the case at once: gone means never.
      if (!c) { await skip(w._id, 'case_gone'); continue; }
      if (c.status !== 'closed') continue;
      if (c.outcome === 'not_a_case') { await skip(w._id, 'not_a_case'); continue; }
      if (c.outcome !== 'answered') { await skip(w._id, 'not_answered'); continue; }
      const dueAt = new Date(new Date(c.closedAt!).getTime() + settings.delayMs);
      if (dueAt.getTime() > at.getTime()) continue;
      const agentId = answeringAgent(c);
      await Invitation.updateOne({ _id: w._id, status: 'awaiting' }, {
        $set: {
          status: 'pending', awaiting: false, due: true, dueAt,
          topic: c.routing?.topic ?? c.classification?.topic, channel: c.channel, language: c.classification?.language === 'en' ? 'en' : 'nl',
          team: c.line ?? 'first', month: monthOf(new Date(c.closedAt!)), ...(agentId ? { agentId } : {}),
        },
      });
    }
  }

  /** Claim one due invitation (lease), or settle one a killed process left mid-send. */
  async function claim(): Promise<InvitationDoc | null> {
    const at = clock();
    const due = await Invitation.find({ due: true }, { _id: 1 }).limit(50).lean<InvitationDoc[]>();
    for (const d of due) {
      const got = await o.lock.withLock(`survey:${d._id}`, async () => {
        const inv = await Invitation.findById(d._id).lean<InvitationDoc>();
        if (!inv || !inv.due) return null;
        const leaseOver = !inv.leaseUntil || inv.leaseUntil.getTime() <= at.getTime();
        if (inv.status === 'sending' && leaseOver) {
          // Handed to SMTP by a process that died before recording the answer: it may have
          // gone. Never again (at most once); the token works if it did.
          await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'unknown', due: false }, $unset: { leaseUntil: 1 } });
          stats.unknown += 1;
          log.warn({ code: 'SURVEY_SEND_UNKNOWN' }, 'survey invitation left mid-send by an earlier process; not sent again');
          return null;
        }
        if (inv.status === 'claimed' && !leaseOver) return null;
        if (inv.status !== 'pending' && inv.status !== 'claimed') return null;
        if (inv.retryAt && inv.retryAt.getTime() > at.getTime()) return null;
        await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'claimed', leaseUntil: new Date(at.getTime() + leaseMs) }, $inc: { attempts: 1 } });
        return { ...inv, attempts: (inv.attempts ?? 0) + 1 };
      });
      if (got) return got;
    }
    return null;
  }

  /** The address to invite, with its hash, or why there is none. */
  async function target(inv: InvitationDoc, c: CaseView): Promise<{ to: string; h: string } | SkipReason> {
    const live = async (h: string | null) => {
      if (!h) return false;
      const r = await Consent.findById(sha256(`${inv.caseId}\0${h}`)).lean<ConsentDoc>();
      return !!r && !r.withdrawnAt;
    };
    // The reply address first (where the answer went); the citizen's own address only when
    // that address consented itself. A representative's address never rides on the
    // citizen's consent, nor the other way round.
    for (const address of [c.replyAddress, c.citizen?.email]) {
      const h = hash(address);
      if (h && (await live(h))) return { to: address!, h };
    }
    return c.replyAddress || c.citizen?.email ? 'no_consent' : 'no_address';
  }

  async function sendOne(): Promise<boolean> {
    const inv = await claim();
    if (!inv) return false;
    const c = await readCase(inv.caseId);
    if (!c) { await skip(inv._id, 'case_gone'); return true; }
    if (c.status !== 'closed' || c.outcome !== 'answered') {
      // Reopened since: wait for the next close (as answered) again.
      if (c.status !== 'closed') await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'awaiting', awaiting: true, due: false }, $unset: { leaseUntil: 1 } });
      else await skip(inv._id, c.outcome === 'not_a_case' ? 'not_a_case' : 'not_answered');
      return true;
    }
    const t = await target(inv, c);
    if (typeof t === 'string') { await skip(inv._id, t); return true; }
    const at = clock();
    const token = newFormToken();
    const messageId = invitationMessageId(inv._id, o.messageIdDomain);
    const lang: TemplateLanguage = inv.language === 'en' ? 'en' : 'nl';
    const tokenExpiresAt = new Date(at.getTime() + settings.tokenTtlMs);
    // The N-day rule and the hand-over in one step per address, across processes.
    const handed = await o.lock.withLock(`survey-address:${t.h}`, async () => {
      if (await Bounce.exists({ _id: t.h })) return 'bounced' as const;
      const since = at.getTime() - settings.recentDays * 86_400_000;
      const others = await Invitation.find({ emailHash: t.h }, { _id: 1, status: 1, handedAt: 1 }).lean<InvitationDoc[]>();
      if (others.some((x) => x._id !== inv._id && ['sending', 'sent', 'unknown'].includes(x.status) && x.handedAt && x.handedAt.getTime() >= since)) return 'recently_invited' as const;
      // The last write before SMTP: from here on a crash means "unknown", never "again".
      await Invitation.updateOne({ _id: inv._id, status: 'claimed' }, {
        $set: { status: 'sending', emailHash: t.h, tokenHash: sha256(token), tokenExpiresAt, messageId, handedAt: at, expiresAt: addDuration(at, SURVEY_TERM) },
        $addToSet: { 'lookup.email': t.h },
      });
      return 'handed' as const;
    });
    if (handed !== 'handed') { await skip(inv._id, handed); return true; }
    const fmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'long', timeZone: 'Europe/Amsterdam' });
    const mail = templates[lang]({
      formUrl: `${settings.publicUrl}/enquete/${token}`,
      consentUrl: o.survey.consentLink(inv.caseId),
      validUntil: fmt.format(tokenExpiresAt),
      caseNumber: c.caseNumber,
    });
    try {
      await transport.sendMail({
        from: o.from, to: t.to, subject: mail.subject, text: mail.text, messageId: `<${messageId}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-KCC-Survey': '1', Precedence: 'bulk' },
      });
    } catch (err) {
      const answered = typeof (err as { responseCode?: unknown }).responseCode === 'number';
      const neverConnected = (err as { code?: string }).code === 'ECONNECTION' || (err as { command?: string }).command === 'CONN';
      if (!answered && !neverConnected) {
        await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'unknown', due: false, lastCode: 'SMTP_UNKNOWN' }, $unset: { leaseUntil: 1 } });
        stats.unknown += 1;
        log.warn({ code: 'SURVEY_SEND_UNKNOWN' }, 'survey invitation failed mid-transaction; not sent again');
        return true;
      }
      const next = afterSmtpFailure(err, inv.attempts ?? 1, clock());
      if (next.failed) {
        await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'failed', due: false, lastCode: next.code }, $unset: { leaseUntil: 1 } });
        stats.failed += 1;
        log.warn({ code: next.code }, 'survey invitation failed permanently');
      } else {
        // Known not sent: the token is dropped (a new one next time), the N-day mark with it.
        await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'pending', retryAt: next.retryAt, lastCode: next.code }, $unset: { leaseUntil: 1, handedAt: 1, tokenHash: 1, tokenExpiresAt: 1 } });
        stats.retried += 1;
        log.warn({ code: next.code }, 'survey invitation will be retried');
      }
      return true;
    }
    // One write right after the 250.
    await Invitation.updateOne({ _id: inv._id }, { $set: { status: 'sent', due: false, sentAt: clock() }, $unset: { leaseUntil: 1 } });
    stats.sent += 1;
    log.info({ lang }, 'survey invitation sent');
    return true;
  }

  async function runOnce(): Promise<number> {
    await promote();
    let n = 0;
    while (!poll.stopped && (await sendOne())) n += 1;
    return n;
  }

  const poll = createPollLoop({
    round: runOnce, intervalMs: o.pollIntervalMs ?? 30_000,
    onError: (err) => log.warn({ code: (err as { code?: string }).code ?? (err as Error).name }, 'survey round failed; retrying'),
  });

  return {
    stats, runOnce,
    start() { poll.start(); },
    kick() { poll.kick(); },
    async stop() { await poll.stop(); transport.close(); },
  };
}
