/**
 * Refusals: messages the pipeline would not take (too large, too deeply nested, not
 * readable as e-mail), remembered only to send their sender one automatic reply.
 *
 * Register M1533, "contact details only when needed to answer": the reply address and the
 * refused message's Message-ID (for In-Reply-To) are the only personal data here, and they
 * are removed the moment the reply is sent or found not to be needed; `expiresAt` (register
 * term `refusal_reply`, P3D) bounds them when SMTP stays away. The rest (code, limit, size,
 * language, status) is not personal data. No subject, no body, no attachment names.
 *
 * `refusal_senders` holds the once-per-sender-per-day rule: `_id` = keyed hash (HMAC) of the
 * address and the day, so a second refusal the same day finds the first one's marker without
 * any plain address being stored (register term `refusal_sender_day`).
 */
import type { Connection, Model } from 'mongoose';
import { pdSchema } from '../../lib/pd-schema.ts';

export const REFUSAL_REPLY_STATUSES = ['pending', 'sending', 'sent', 'not_needed', 'failed'] as const;
export type RefusalReplyStatus = (typeof REFUSAL_REPLY_STATUSES)[number];

export const refusalSchema = pdSchema(
  {
    /** The refusal's idempotency key (the dead letter's): a redelivery records nothing twice. */
    _id: { type: String, pd: false },
    /** Stable error code: INGEST_TOO_LARGE, PARSE_TOO_DEEP, PARSE_NOT_EMAIL, … */
    code: { type: String, required: true, pd: false },
    /** The limit that was crossed, in the unit of the code (bytes, levels, attachments); absent for form errors. */
    limit: { type: Number, pd: false },
    size: { type: Number, pd: false },
    language: { type: String, enum: ['nl', 'en'], pd: false },
    receivedAt: { type: Date, required: true, pd: false },
    /** Where the reply goes (Return-Path, else From). Removed when the reply is sent or not needed. */
    replyTo: { type: String, pd: 'contact' },
    /** The refused message's Message-ID, for In-Reply-To/References. Removed with replyTo. */
    inReplyTo: { type: String, pd: 'message_content' },
    /** Keyed hash (HMAC, lib/crypto) of replyTo: the once-a-day rule. Removed with replyTo. */
    senderHash: { type: String, pd: 'contact' },
    /** True while a reply is pending or being sent: a top-level flag the claim can query cheaply (FerretDB). */
    replyDue: { type: Boolean, pd: false },
    reply: {
      status: { type: String, enum: REFUSAL_REPLY_STATUSES, pd: false },
      /** Why no reply is sent: 'auto_reply', 'bounce', 'list', 'no_address', 'once_per_day', … */
      skipReason: { type: String, pd: false },
      leaseUntil: { type: Date, pd: false },
      attempts: { type: Number, default: 0, pd: false },
      messageId: { type: String, pd: false },
      sentAt: { type: Date, pd: false },
      lastCode: { type: String, pd: false },
    },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'refusals', versionKey: false, strict: 'throw' },
);
refusalSchema.index({ replyDue: 1 });

export const refusalSenderSchema = pdSchema(
  {
    /** `<HMAC of the address>:<YYYY-MM-DD>` (UTC day the refused message was received). */
    _id: { type: String, pd: 'contact' },
    /** The refusal that took this sender's reply of the day. */
    refusalId: { type: String, required: true, pd: false },
    /** Written right after the SMTP server's 250: the record that this day's reply went out. */
    sentAt: { type: Date, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'refusal_senders', versionKey: false },
);

export interface RefusalDoc {
  _id: string; code: string; limit?: number; size?: number; language?: 'nl' | 'en'; receivedAt: Date;
  replyTo?: string; inReplyTo?: string; senderHash?: string; replyDue?: boolean;
  reply: { status: RefusalReplyStatus; skipReason?: string; leaseUntil?: Date; attempts: number; messageId?: string; sentAt?: Date; lastCode?: string };
  expiresAt: Date;
}
export interface RefusalSenderDoc { _id: string; refusalId: string; sentAt?: Date; expiresAt: Date }

export interface RefusalModels {
  Refusal: Model<RefusalDoc>;
  RefusalSender: Model<RefusalSenderDoc>;
}

export function refusalModels(conn: Connection): RefusalModels {
  return {
    Refusal: conn.models.Refusal ? (conn.models.Refusal as unknown as Model<RefusalDoc>) : conn.model<RefusalDoc>('Refusal', refusalSchema),
    RefusalSender: conn.models.RefusalSender ? (conn.models.RefusalSender as unknown as Model<RefusalSenderDoc>) : conn.model<RefusalSenderDoc>('RefusalSender', refusalSenderSchema),
  };
}
