/**
 * Refusal replies (processors/refusals is the outbox): the acknowledgments' machinery for a
 * second kind of mail. Same transport, same claim-with-a-lease under a document lock, same
 * Message-ID derived from a key, same single `_id` write right after the SMTP server's 250,
 * checked before every send — so across crashes a refused message gets one reply, with the
 * acknowledgment's one documented window (a kill inside that write sends the same mail, same
 * Message-ID, again).
 *
 * The once-per-sender-per-day rule is that `_id` write's twin: the day marker
 * (`refusal_senders`, `_id` = keyed hash of the address and the UTC day it was received) is
 * inserted when a refusal is claimed; only the refusal that inserted it may send. A second
 * refusal of the same sender that day is marked not needed. Whatever the outcome, the reply
 * address and Message-ID are removed from the refusal at once.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import { addDuration, REGISTER, technicalRetentionFor } from '../../config/register.ts';
import type { DocLock } from '../../lib/doclock.ts';
import { afterSmtpFailure } from './smtp.ts';
import type { Logger } from '../../lib/logger.ts';
import { loadMailTemplate, type TemplateLanguage } from '../../templates/index.ts';
import type { RefusalDoc, RefusalModels } from '../refusals/index.ts';

export interface RefusalReplierOptions {
  models: RefusalModels;
  lock: DocLock;
  transport: Transporter;
  from: string;
  messageIdDomain: string;
  logger: Logger;
  leaseMs: number;
  clock: () => Date;
}

const TEMPLATE_VARS = ['reason', 'postalAddress'] as const;

export function refusalMessageId(refusalId: string, domain: string): string {
  // Keys hold '/' and ':' (mailbox references): a hash keeps the Message-ID's local part plain.
  return `refused.${createHash('sha256').update(refusalId).digest('hex').slice(0, 32)}@${domain}`;
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

/** One sentence per refusal code: what the limit is, in the sender's language. */
export function refusalReason(r: Pick<RefusalDoc, 'code' | 'limit' | 'size'>, lang: TemplateLanguage): string {
  const limit = r.limit ?? 0;
  const size = r.size ?? 0;
  switch (r.code) {
    case 'INGEST_TOO_LARGE':
    case 'PARSE_TOO_LARGE':
      return lang === 'nl'
        ? `uw bericht is ${megabytes(size)} groot, en wij kunnen berichten tot ${megabytes(limit)} ontvangen (bijlagen inbegrepen; een bijlage wordt bij verzending ongeveer een derde groter).`
        : `your message is ${megabytes(size)}, and we can receive messages of up to ${megabytes(limit)} (attachments included; sending makes an attachment about a third larger).`;
    case 'PARSE_TOO_DEEP':
      return lang === 'nl'
        ? `uw bericht bestaat uit meer dan ${limit} in elkaar geplaatste delen (bijvoorbeeld doorgestuurde berichten in doorgestuurde berichten), meer dan wij kunnen lezen.`
        : `your message consists of more than ${limit} parts nested inside each other (forwarded messages inside forwarded messages, for example), more than we can read.`;
    case 'PARSE_TOO_MANY_ATTACHMENTS':
      return lang === 'nl' ? `uw bericht heeft meer dan ${limit} bijlagen.` : `your message has more than ${limit} attachments.`;
    case 'PARSE_HEADER_TOO_LARGE':
      return lang === 'nl'
        ? `de kopregels van uw bericht zijn groter dan ${megabytes(limit)}, meer dan wij kunnen lezen.`
        : `the header lines of your message are larger than ${megabytes(limit)}, more than we can read.`;
    default:
      return lang === 'nl' ? 'uw bericht is zo opgebouwd dat wij het niet als e-mail kunnen lezen.' : 'your message is built in a way we cannot read as e-mail.';
  }
}

export function createRefusalReplier(o: RefusalReplierOptions) {
  const log = o.logger.child({ stage: 'refusal-reply' });
  const { Refusal, RefusalSender } = o.models;
  const templates: Record<TemplateLanguage, ReturnType<typeof loadMailTemplate>> = {
    nl: loadMailTemplate('refused', 'nl', TEMPLATE_VARS),
    en: loadMailTemplate('refused', 'en', TEMPLATE_VARS),
  };
  const postal = REGISTER.controller.postalAddress;
  const postalAddress: Record<TemplateLanguage, string> = {
    nl: `${postal.street} ${postal.number}, ${postal.postcode} ${postal.city}`,
    en: `PO Box ${postal.number}, ${postal.postcode} ${postal.city}, the Netherlands`,
  };
  const stats = { sent: 0, skipped: 0, failed: 0, retried: 0, recovered: 0 };
  const isDue = (r: RefusalDoc, now: Date) =>
    (r.reply?.status === 'pending' || r.reply?.status === 'sending') && (!r.reply.leaseUntil || r.reply.leaseUntil.getTime() <= now.getTime());
  const withRefusal = <T>(id: string, fn: () => Promise<T>) => o.lock.withLock(`refusal:${id}`, fn);
  /** The personal data go the moment they are no longer needed: sent, not needed, or given up. */
  const FORGET = { replyTo: 1, inReplyTo: 1, senderHash: 1, 'reply.leaseUntil': 1 } as const;

  async function claim(): Promise<RefusalDoc | null> {
    for (let tries = 0; tries < 5; tries++) {
      const now = o.clock();
      const candidates = (await Refusal.find({ replyDue: true }, { _id: 1, reply: 1 }).limit(50).lean()) as unknown as RefusalDoc[];
      const candidate = candidates.find((c) => isDue(c, now));
      if (!candidate) return null;
      const claimed = await withRefusal(candidate._id, async () => {
        const r = (await Refusal.findById(candidate._id).lean()) as RefusalDoc | null;
        if (!r || !isDue(r, now)) return null;
        await Refusal.updateOne({ _id: r._id }, { $set: { 'reply.status': 'sending', 'reply.leaseUntil': new Date(now.getTime() + o.leaseMs) }, $inc: { 'reply.attempts': 1 } });
        return { ...r, reply: { ...r.reply, attempts: (r.reply?.attempts ?? 0) + 1 } };
      });
      if (claimed) return claimed;
    }
    return null;
  }

  async function finish(id: string, set: Record<string, unknown>): Promise<void> {
    await withRefusal(id, () => Refusal.updateOne({ _id: id }, { $set: { replyDue: false, ...set }, $unset: FORGET }));
  }

  /** Takes the sender's reply of the day; false when another refusal took it. */
  async function takeDay(r: RefusalDoc): Promise<RefusalSenderDocLike | null> {
    const dayKey = `${r.senderHash}:${r.receivedAt.toISOString().slice(0, 10)}`;
    const day = new Date(`${r.receivedAt.toISOString().slice(0, 10)}T00:00:00.000Z`);
    try {
      await RefusalSender.collection.insertOne({ _id: dayKey, refusalId: r._id, expiresAt: addDuration(day, technicalRetentionFor('refusal_sender_day')) } as never);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    const marker = (await RefusalSender.findById(dayKey).lean()) as RefusalSenderDocLike | null;
    return marker && marker.refusalId === r._id ? marker : null;
  }

  /** One refusal reply; false when none is due. */
  async function sendOne(): Promise<boolean> {
    const r = await claim();
    if (!r) return false;
    if (!r.replyTo || !r.senderHash) {
      await finish(r._id, { 'reply.status': 'not_needed', 'reply.skipReason': 'no_address' });
      return true;
    }
    const marker = await takeDay(r);
    if (!marker) {
      await finish(r._id, { 'reply.status': 'not_needed', 'reply.skipReason': 'once_per_day' });
      stats.skipped += 1;
      log.info({ code: r.code }, 'refusal not answered: the sender had a reply today');
      return true;
    }
    const lang: TemplateLanguage = r.language === 'en' ? 'en' : 'nl';
    const messageId = refusalMessageId(r._id, o.messageIdDomain);
    if (marker.sentAt) {
      stats.recovered += 1;
      log.info({ code: r.code }, 'refusal reply found sent by an earlier process; not sent again');
    } else {
      const mail = templates[lang]({ reason: refusalReason(r, lang), postalAddress: postalAddress[lang] });
      try {
        await o.transport.sendMail({
          from: o.from,
          to: r.replyTo,
          subject: mail.subject,
          text: mail.text,
          messageId: `<${messageId}>`,
          ...(r.inReplyTo ? { inReplyTo: `<${r.inReplyTo}>`, references: [`<${r.inReplyTo}>`] } : {}),
          headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-KCC-Refused': r.code },
        });
      } catch (err) {
        const next = afterSmtpFailure(err, r.reply.attempts, o.clock());
        if (next.failed) {
          await finish(r._id, { 'reply.status': 'failed', 'reply.lastCode': next.code });
          stats.failed += 1;
          log.warn({ code: next.code }, 'refusal reply failed permanently');
        } else {
          await withRefusal(r._id, () => Refusal.updateOne({ _id: r._id, 'reply.status': 'sending' }, { $set: { 'reply.status': 'pending', 'reply.leaseUntil': next.retryAt, 'reply.lastCode': next.code } }));
          stats.retried += 1;
          log.warn({ attempts: r.reply.attempts }, 'refusal reply will be retried');
        }
        return true;
      }
      // One `_id` write, no lock: what shrinks the window in which a kill makes us send twice.
      await RefusalSender.updateOne({ _id: marker._id }, { $set: { sentAt: o.clock() } });
      stats.sent += 1;
      log.info({ code: r.code, lang }, 'refusal reply sent');
    }
    await finish(r._id, { 'reply.status': 'sent', 'reply.sentAt': marker.sentAt ?? o.clock(), 'reply.messageId': messageId });
    return true;
  }

  return { stats, sendOne };
}

interface RefusalSenderDocLike { _id: string; refusalId: string; sentAt?: Date }

export type RefusalReplier = ReturnType<typeof createRefusalReplier>;
