/**
 * processors/refusals: a message refused for its size or form gets one automatic reply.
 *
 * Where refusals happen: the IMAP ingestor refuses a message larger than
 * KCC_MAX_MESSAGE_BYTES by the server's SIZE, reading only its header block; the e-mail
 * processor dead-letters what the parser refuses (PARSE_TOO_DEEP, PARSE_NOT_EMAIL, …). Both
 * call `refuse()` here, before they commit (the mailbox move, the Kafka offset), so a crash
 * records it again under the same key and nothing twice. processors/acknowledge sends the
 * replies from this outbox with the acknowledgments' SMTP transport, lease and Message-ID
 * scheme.
 *
 * Never answered (RFC 3834 §2, and no mail loops): auto-replies, bounces and DSNs, list
 * traffic (List-*, Precedence bulk/list/junk), the null sender, our own addresses, and a
 * message whose sender cannot be read. At most one reply per sender per day (the send step
 * checks a keyed-hash marker). The language is the classifier's guess from the subject and
 * the first words: Dutch unless they are English.
 */
import type { Connection } from 'mongoose';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import type { KeyedHasher } from '../../lib/crypto.ts';
import { parseHeaderBlock, type HeaderView } from '../parse/index.ts';
import { classify } from '../classify/index.ts';
import { refusalModels, type RefusalDoc, type RefusalModels } from './model.ts';

export { refusalModels, refusalSchema, refusalSenderSchema, type RefusalModels, type RefusalDoc, type RefusalSenderDoc } from './model.ts';

export interface RefusalInput {
  /** Idempotency key (the dead letter's key). */
  key: string;
  code: string;
  /** The limit that was crossed, in the code's unit; null for a form error. */
  limit: number | null;
  size: number;
  /** The message's header block (IMAP FETCH of the header, or the start of the raw bytes). */
  header: Buffer;
  /** The first bytes of the body when they are at hand (language only); never stored. */
  bodyStart?: Buffer | null;
  receivedAt: Date;
}

export type RefuseOutcome = 'reply_queued' | 'not_answered' | 'duplicate';

export interface RefusalStore {
  readonly models: RefusalModels;
  refuse(input: RefusalInput): Promise<RefuseOutcome>;
  ensureIndexes(): Promise<void>;
}

// How much of the body start the language guess reads.
const LANGUAGE_SAMPLE_BYTES = 4_000;

export function createRefusalStore(conn: Connection, deps: { hasher: KeyedHasher; ourAddresses?: readonly string[] }): RefusalStore {
  const models = refusalModels(conn);
  const ours = (deps.ourAddresses ?? []).map((a) => a.toLowerCase());
  return {
    models,
    async ensureIndexes() {
      await models.Refusal.createIndexes();
      await models.RefusalSender.createIndexes();
    },
    async refuse(input) {
      const view = await parseHeaderBlock(input.header, { ourAddresses: ours });
      const decision = replyDecision(view, ours);
      const sample = input.bodyStart ? input.bodyStart.subarray(0, LANGUAGE_SAMPLE_BYTES).toString('utf8') : '';
      const language = classify({ subject: view.subject, text: sample }).language;
      const doc: RefusalDoc = {
        _id: input.key,
        code: input.code,
        ...(input.limit !== null ? { limit: input.limit } : {}),
        size: input.size,
        language,
        receivedAt: input.receivedAt,
        replyDue: decision.to !== null,
        reply: decision.to !== null ? { status: 'pending', attempts: 0 } : { status: 'not_needed', skipReason: decision.skip!, attempts: 0 },
        ...(decision.to !== null
          ? { replyTo: decision.to, senderHash: deps.hasher.hmac('email', decision.to), ...(view.messageId ? { inReplyTo: view.messageId } : {}) }
          : {}),
        expiresAt: addDuration(input.receivedAt, technicalRetentionFor('refusal_reply')),
      };
      try {
        await models.Refusal.collection.insertOne(doc as never);
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return 'duplicate';
        throw err;
      }
      return decision.to !== null ? 'reply_queued' : 'not_answered';
    },
  };
}

/** Where a reply would go, or why none is sent. */
export function replyDecision(view: HeaderView, ours: readonly string[]): { to: string | null; skip: string | null } {
  if (view.nonCase) return { to: null, skip: view.nonCase.kind };
  if (view.fromList) return { to: null, skip: 'list' };
  // RFC 3834 §4: an automatic response goes to the envelope sender (Return-Path) when there
  // is one; the null sender means "do not answer" (bounces, notifications).
  if (view.returnPath === '') return { to: null, skip: 'null_sender' };
  const to = view.returnPath ?? view.from.address;
  if (!to || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(to)) return { to: null, skip: 'no_address' };
  if (ours.includes(to)) return { to: null, skip: 'loop' };
  return { to, skip: null };
}
