/**
 * Case documents. Every persisted path names its register M1533 category (`pd`), or says
 * `pd: false` when it holds no personal data; `test/unit/privacy/models.test.ts` walks
 * these schemas and fails on a path without one.
 *
 * Retention: `expiresAt` = (closed at, or last activity while open) + 18 months. The
 * `expiresAt` indexes (TTL on MongoDB, plain for the sweeper elsewhere) are made by
 * lib/retention.ts at start, not here: one owner for their exact options. A TTL
 * index deletes on MongoDB; the retention sweeper does it where the server has none.
 */
import mongoose, { type Connection, type Model } from 'mongoose';
import { pdSchema, sealedValueSchema } from '../../lib/pd-schema.ts';

export const CASE_STATUSES = ['open', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const ACK_STATUSES = ['pending', 'sending', 'sent', 'failed', 'not_needed'] as const;
export const ATTACHMENT_INSPECTION = ['pending', 'done'] as const;
export type AttachmentInspection = (typeof ATTACHMENT_INSPECTION)[number];

const AttachmentSchema = pdSchema(
  {
    filename: { type: String, pd: 'message_content' },
    contentType: { type: String, pd: false },
    size: { type: Number, pd: false },
    sha256: { type: String, pd: false },
    /** What the pipeline saw in it; the bytes themselves are not kept on the case. */
    kind: { type: String, enum: ['id_document', 'signature', 'other'], pd: false },
    /**
     * E-mail attachments that may be an ID copy are inspected after the case is stored
     * (processors/attachments): 'pending' until then, 'done' after. Absent when nothing
     * needed looking at (text, icons) or for letters (inspected before the case).
     */
    inspection: { type: String, enum: ATTACHMENT_INSPECTION, pd: false },
  },
  { _id: false },
);

const MessageSchema = pdSchema(
  {
    /** sha256(Message-ID, sha256(raw)): the idempotency key of one intake. */
    dedupeKey: { type: String, required: true, pd: false },
    messageId: { type: String, pd: 'message_content' },
    channel: { type: String, enum: ['email', 'letter'], pd: false },
    receivedAt: { type: Date, pd: false },
    subject: { type: String, pd: 'message_content' },
    /** The writer's own text, BSN and IBAN redacted. */
    text: { type: String, pd: 'message_content' },
    writtenByRepresentative: { type: Boolean, pd: false },
    source: {
      kind: { type: String, pd: false },
      mailbox: { type: String, pd: false },
      uidValidity: { type: String, pd: false },
      uid: { type: Number, pd: false },
    },
    attachments: { type: [AttachmentSchema], pd: 'message_content' },
    /**
     * Present when the text is not the whole body: cut to the parser's text limit, or HTML
     * that could not be rendered and was reduced to its bare text (reason codes from
     * processors/parse). The text ends with a "[bericht ingekort: …]" marker as well.
     */
    truncated: {
      reason: { type: String, pd: false },
      originalChars: { type: Number, pd: false },
      keptChars: { type: Number, pd: false },
    },
  },
  { _id: false },
);

export const caseSchema = pdSchema(
  {
    /** The dedupe key of the message that opened the case: a redelivery cannot open a second one. */
    _id: { type: String, pd: false },
    caseNumber: { type: String, required: true, unique: true, pd: false },
    channel: { type: String, enum: ['email', 'letter'], required: true, pd: false },
    status: { type: String, enum: CASE_STATUSES, default: 'open', pd: false },
    /** Routing only (register: no automated decisions about people); an agent decides. */
    classification: {
      topic: { type: String, pd: false },
      language: { type: String, pd: false },
      confidence: { type: Number, pd: false },
      reasons: { type: [String], pd: false },
    },
    citizen: {
      name: { type: String, pd: 'contact' },
      street: { type: String, pd: 'contact' },
      houseNumber: { type: String, pd: 'contact' },
      postcode: { type: String, pd: 'contact' },
      city: { type: String, pd: 'contact' },
      /** Only for an address abroad, as written ('Germany', 'België'). */
      country: { type: String, pd: 'contact' },
      email: { type: String, pd: 'contact' },
      phones: { type: [String], pd: 'contact' },
    },
    /** Someone writing on the citizen's behalf (parent, child, spouse, guardian). */
    representative: {
      name: { type: String, pd: 'contact' },
      email: { type: String, pd: 'contact' },
      relation: { type: String, pd: 'contact' },
    },
    /** Where the answer goes: the sender's address (Reply-To or From). */
    replyAddress: { type: String, pd: 'contact' },
    /** Keyed hashes (HMAC) for subject-access look-ups, so no identifier needs a plain index. */
    lookup: {
      email: { type: [String], pd: 'contact' },
      phone: { type: [String], pd: 'contact' },
      bsn: { type: String, pd: 'bsn' },
      name: { type: [String], pd: 'contact' },
    },
    /**
     * BSN, encrypted (AES-256-GCM): readable by the second-line role once the case is
     * escalated; removed when the case is closed without escalation.
     */
    bsnSealed: { type: sealedValueSchema, pd: 'bsn' },
    /** Kinds of ID copies received; the copies live in their own collection, short-lived. */
    idDocuments: { type: [{ kind: { type: String, pd: false }, documentId: { type: String, pd: false } }], pd: false },
    /** Message-IDs of this case's mails (incoming and our acknowledgment), for threading. */
    threadIds: { type: [String], pd: 'message_content' },
    messages: { type: [MessageSchema], pd: 'message_content' },
    /** True while an acknowledgment is pending or being sent: a top-level flag the claim can query cheaply. */
    ackDue: { type: Boolean, pd: false },
    ack: {
      status: { type: String, enum: ACK_STATUSES, pd: false },
      messageId: { type: String, pd: false },
      leaseUntil: { type: Date, pd: false },
      attempts: { type: Number, default: 0, pd: false },
      sentAt: { type: Date, pd: false },
      lastCode: { type: String, pd: false },
    },
    createdAt: { type: Date, required: true, pd: false },
    lastActivityAt: { type: Date, required: true, pd: false },
    escalatedAt: { type: Date, pd: false },
    closedAt: { type: Date, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'cases', versionKey: false, minimize: true, strict: 'throw' },
);
caseSchema.index({ threadIds: 1 });
caseSchema.index({ 'messages.dedupeKey': 1 });
caseSchema.index({ 'ack.status': 1 });
caseSchema.index({ 'lookup.email': 1 });
caseSchema.index({ 'lookup.phone': 1 });
caseSchema.index({ 'lookup.bsn': 1 });
caseSchema.index({ 'lookup.name': 1 });

/**
 * A message that is not a case (auto-reply, bounce, loop): remembered by its dedupe key
 * only, so redelivery is recognised and the count is accountable. No content, no address.
 */
export const nonCaseSchema = pdSchema(
  {
    _id: { type: String, pd: false },
    kind: { type: String, required: true, pd: false },
    reason: { type: String, pd: false },
    receivedAt: { type: Date, pd: false },
    source: { kind: { type: String, pd: false }, mailbox: { type: String, pd: false }, uidValidity: { type: String, pd: false }, uid: { type: Number, pd: false } },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'noncases', versionKey: false, strict: 'throw' },
);

/**
 * Look-up keys kept beside the case so that the hot paths query `_id` only. MongoDB would
 * use the multikey indexes on `messages.dedupeKey` and `threadIds`; FerretDB 1.x (on SQLite
 * or PostgreSQL alike) answers a query on a nested or array field by reading every case
 * (measured on SQLite: ~55 µs per document, so a second per message at 20,000 cases), while
 * an `_id` equality is served by an index (on PostgreSQL with scripts/postgres/gin-twins.sql).
 * Both expire with their case.
 */
export const messageKeySchema = pdSchema(
  {
    /** The dedupe key of a message already stored on a case. */
    _id: { type: String, pd: false },
    caseId: { type: String, required: true, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'message_keys', versionKey: false },
);

export const threadKeySchema = pdSchema(
  {
    /** A Message-ID of one of the case's mails (theirs or our acknowledgment). */
    _id: { type: String, pd: 'message_content' },
    caseId: { type: String, required: true, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'thread_keys', versionKey: false },
);
messageKeySchema.index({ caseId: 1 });
threadKeySchema.index({ caseId: 1 });

/**
 * Issued case numbers, one tiny document each (`_id` = 'KCC-2026-000123'), never reused.
 * A number is taken by inserting it: the unique `_id` is the one write every MongoDB-wire
 * server makes atomic (see lib/doclock.ts for what FerretDB 1.x does not). No personal data.
 */
export const caseNumberSchema = pdSchema(
  { _id: { type: String, pd: false }, at: { type: Date, pd: false } },
  { collection: 'case_numbers', versionKey: false },
);

export interface SealedValue { v: number; kid: string; iv: string; tag: string; ct: string }

export interface CaseMessage {
  dedupeKey: string; messageId?: string; channel: 'email' | 'letter'; receivedAt: Date;
  subject: string; text: string; writtenByRepresentative: boolean;
  source?: { kind?: string; mailbox?: string; uidValidity?: string; uid?: number };
  attachments: CaseAttachment[];
  truncated?: { reason: string; originalChars?: number; keptChars: number };
}

export interface CaseAttachment {
  filename: string; contentType: string; size: number; sha256: string; kind: 'id_document' | 'signature' | 'other';
  inspection?: AttachmentInspection;
}

export interface CaseDoc {
  _id: string;
  caseNumber: string;
  channel: 'email' | 'letter';
  status: CaseStatus;
  classification: { topic: string; language: string; confidence: number; reasons: string[] };
  citizen: { name?: string | null; street?: string | null; houseNumber?: string | null; postcode?: string | null; city?: string | null; country?: string | null; email?: string | null; phones: string[] };
  representative?: { name?: string | null; email?: string | null; relation?: string | null };
  replyAddress?: string;
  lookup: { email: string[]; phone: string[]; bsn?: string; name: string[] };
  bsnSealed?: SealedValue;
  idDocuments: Array<{ kind: string; documentId: string }>;
  threadIds: string[];
  messages: CaseMessage[];
  ackDue?: boolean;
  ack: { status: (typeof ACK_STATUSES)[number]; messageId?: string; leaseUntil?: Date; attempts: number; sentAt?: Date; lastCode?: string };
  createdAt: Date;
  lastActivityAt: Date;
  escalatedAt?: Date;
  closedAt?: Date;
  expiresAt: Date;
}

export interface NonCaseDoc {
  _id: string; kind: string; reason?: string; receivedAt?: Date;
  source?: { kind?: string; mailbox?: string; uidValidity?: string; uid?: number };
  expiresAt: Date;
}

export interface CaseNumberDoc { _id: string; at: Date }
export interface CaseKeyDoc { _id: string; caseId: string; expiresAt: Date }

export interface CaseModels {
  Case: Model<CaseDoc>;
  NonCase: Model<NonCaseDoc>;
  CaseNumber: Model<CaseNumberDoc>;
  MessageKey: Model<CaseKeyDoc>;
  ThreadKey: Model<CaseKeyDoc>;
}

/** The models on one connection, registered once (a connection keeps its own registry). */
export function caseModels(conn: Connection): CaseModels {
  // Not a generic helper: comparing Model<T> for an open T sends the checker into a spin.
  return {
    Case: conn.models.Case ? (conn.models.Case as unknown as Model<CaseDoc>) : conn.model<CaseDoc>('Case', caseSchema),
    NonCase: conn.models.NonCase ? (conn.models.NonCase as unknown as Model<NonCaseDoc>) : conn.model<NonCaseDoc>('NonCase', nonCaseSchema),
    CaseNumber: conn.models.CaseNumber ? (conn.models.CaseNumber as unknown as Model<CaseNumberDoc>) : conn.model<CaseNumberDoc>('CaseNumber', caseNumberSchema),
    MessageKey: conn.models.MessageKey ? (conn.models.MessageKey as unknown as Model<CaseKeyDoc>) : conn.model<CaseKeyDoc>('MessageKey', messageKeySchema),
    ThreadKey: conn.models.ThreadKey ? (conn.models.ThreadKey as unknown as Model<CaseKeyDoc>) : conn.model<CaseKeyDoc>('ThreadKey', threadKeySchema),
  };
}

export { mongoose };
