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

/**
 * open: an agent has work to do; waiting: answered, waiting for the citizen; escalated: with
 * second line; closed. A citizen's new message makes any of them `open` again (on the line
 * the case is on).
 */
export const CASE_STATUSES = ['open', 'waiting', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Which support line works the case: first line, or second line after an escalation. */
/** `screening`: "waarschijnlijk geen zaak", probable spam or receipts an agent confirms first (processors/screening). */
export const CASE_LINES = ['first', 'second', 'screening'] as const;
export type CaseLine = (typeof CASE_LINES)[number];
/** How an agent closed the case (the workbench's close dialog). */
export const CLOSE_OUTCOMES = ['answered', 'referred', 'no_answer_needed', 'not_a_case'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];
/** What the case's history records: the intake's and the agents' actions. */
export const JOURNAL_ACTIONS = [
  'created', 'message_received', 'claimed', 'released', 'reassigned', 'note', 'escalated', 'closed', 'reopened',
  'reclassified', 'contact_corrected', 'bsn_revealed', 'replied', 'identity_verified', 'confirmed_case',
] as const;
export type JournalAction = (typeof JOURNAL_ACTIONS)[number];
/** `held`: a screened case's acknowledgment, sent only once an agent confirms it is a case. */
export const ACK_STATUSES = ['pending', 'sending', 'sent', 'failed', 'not_needed', 'held'] as const;
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

/** An account as the case records it: an id and a role (as in the audit log), never a name. */
// A subdocument, not a nested path: absent on the cases that were never screened (a nested
// path's arrays would appear as [] on every case, and the stored form would differ).
const ScreeningSchema = pdSchema(
  {
    reasons: { type: [String], pd: false },
    score: { type: Number, pd: false },
    symbols: { type: [String], pd: false },
    confirmedAt: { type: Date, pd: false },
  },
  { _id: false },
);

const ActorSchema = pdSchema(
  {
    // Staff account ids, kept for the accountability of the handling (AVG art. 5(2)), as the
    // audit log keeps them: not one of the register's citizen categories.
    id: { type: String, required: true, pd: false },
    role: { type: String, required: true, pd: false },
  },
  { _id: false },
);

/** One line of the case's history: who did what, when. Field names, never values. */
const JournalEntrySchema = pdSchema(
  {
    at: { type: Date, required: true, pd: false },
    /** The case's version after this entry: a 409 names the entries after the version a page was loaded at. */
    version: { type: Number, required: true, pd: false },
    actor: { type: ActorSchema, required: true, pd: false },
    action: { type: String, enum: JOURNAL_ACTIONS, required: true, pd: false },
    /** The agent's reason (escalation, re-classification, reveal): free text, so it may name the citizen. */
    reason: { type: String, pd: 'message_content' },
    /** Names of corrected fields, a new topic or line, a close outcome, the assignee's id. */
    detail: { type: [String], pd: false },
    /** The submitted form's id: the same request again has no second effect. */
    requestId: { type: String, pd: false },
  },
  { _id: false },
);

/** An internal note: never sent. */
const NoteSchema = pdSchema(
  {
    at: { type: Date, required: true, pd: false },
    actor: { type: ActorSchema, required: true, pd: false },
    text: { type: String, required: true, pd: 'message_content' },
  },
  { _id: false },
);

/**
 * An answer to the citizen, by e-mail (sent by the outgoing-mail stage, processors/acknowledge)
 * or by letter (printed from processors/replyletter and recorded as posted). The case is the
 * outbox, as for the acknowledgment: `status` pending → sending (leased) → sent | failed.
 */
export const REPLY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'posted'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];
const ReplySchema = pdSchema(
  {
    /** Derived from the case and the request id: the same submission is one reply. */
    id: { type: String, required: true, pd: false },
    at: { type: Date, required: true, pd: false },
    actor: { type: ActorSchema, required: true, pd: false },
    channel: { type: String, enum: ['email', 'letter'], required: true, pd: false },
    to: { type: String, pd: 'contact' },
    subject: { type: String, pd: 'message_content' },
    text: { type: String, required: true, pd: 'message_content' },
    status: { type: String, enum: REPLY_STATUSES, required: true, pd: false },
    messageId: { type: String, pd: false },
    attempts: { type: Number, pd: false },
    leaseUntil: { type: Date, pd: false },
    sentAt: { type: Date, pd: false },
    lastCode: { type: String, pd: false },
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
    line: { type: String, enum: CASE_LINES, default: 'first', pd: false },
    /**
     * Incremented by every change an agent can see (a message, an action): an action names the
     * version its page showed, and a mismatch is a 409 that says what changed since.
     */
    version: { type: Number, default: 0, pd: false },
    /** The agent working the case (claim), by account id. */
    assignee: { id: { type: String, pd: false }, at: { type: Date, pd: false } },
    /** Since when the citizen has been waiting for us (their oldest unanswered message). */
    waitingSince: { type: Date, pd: false },
    /** Set when the citizen wrote again after the case was first seen; cleared by an answer. */
    citizenWroteAgainAt: { type: Date, pd: false },
    outcome: { type: String, enum: CLOSE_OUTCOMES, pd: false },
    journal: { type: [JournalEntrySchema], pd: false },
    /**
     * The history is the case-events outbox (processors/events): the publisher sends the
     * entries after this version and moves it up; `eventsDue` is its cheap top-level flag.
     */
    eventsPublished: { type: Number, pd: false },
    eventsDue: { type: Boolean, pd: false },
    notes: { type: [NoteSchema], pd: 'message_content' },
    replies: { type: [ReplySchema], pd: 'message_content' },
    /** True while a reply waits to be sent: the top-level flag the sender queries cheaply (as ackDue). */
    replyDue: { type: Boolean, pd: false },
    /**
     * The agent's routing when it differs from the pipeline's (`classification` stays as the
     * pipeline made it, so the pairs can be exported for the classifier's confusion matrix).
     */
    routing: { topic: { type: String, pd: false }, at: { type: Date, pd: false } },
    /**
     * Why the pipeline put the case in the screening queue: fixed reason phrases and the spam
     * filter's score and rule names, never message content. Kept after an agent's confirmation.
     */
    screening: { type: ScreeningSchema, pd: false },
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
    /**
     * Contact fields the extractor left empty because what the message holds there could not
     * be read with confidence ('street', 'email', 'bsn', …): names of fields, no values.
     */
    uncertainFields: { type: [String], pd: false },
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
     * The e-mail and phone hashes of `lookup` again, at the top level, and the BSN's: the
     * case view's "other cases of this citizen" (related.ts) asks one equality per hash. On
     * MongoDB `lookup.*` would serve as well; FerretDB 1.x pushes down only top-level
     * equality (an array field included, as `threadIds`), and `lookup.email` there read every
     * case (minutes at 200,000). Written and removed wherever `lookup` is.
     */
    citizenKeys: { type: [String], pd: 'contact' },
    bsnKey: { type: String, pd: 'bsn' },
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
caseSchema.index({ citizenKeys: 1 });
caseSchema.index({ bsnKey: 1 });
// The outboxes' top-level flags: an equality each sender asks (GIN twin on FerretDB).
caseSchema.index({ eventsDue: 1 });
caseSchema.index({ replyDue: 1 });

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
 * The open work: one small document per case that is not closed, kept beside the case by the
 * case store (processors/cases/work.ts) after every change. The queue reads only this
 * collection, so its cost grows with the open work (a few thousand cases), not with 18 months
 * of history (hundreds of thousands): on FerretDB 1.x, which serves no range or sort from an
 * index, a query on `cases` reads every case. On MongoDB the compound index below serves the
 * queue's filter, order and keyset at once. Expires with its case.
 */
export const workItemSchema = pdSchema(
  {
    /** The case's `_id`. */
    _id: { type: String, pd: false },
    caseNumber: { type: String, required: true, pd: false },
    line: { type: String, enum: CASE_LINES, required: true, pd: false },
    status: { type: String, enum: CASE_STATUSES, required: true, pd: false },
    topic: { type: String, pd: false },
    confidence: { type: Number, pd: false },
    language: { type: String, pd: false },
    channel: { type: String, enum: ['email', 'letter'], pd: false },
    /** The first message's subject, shortened for the queue row. */
    subject: { type: String, pd: 'message_content' },
    waitingSince: { type: Date, required: true, pd: false },
    receivedAt: { type: Date, pd: false },
    assigneeId: { type: String, pd: false },
    wroteAgain: { type: Boolean, pd: false },
    version: { type: Number, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
    /** The form the row was written in (work.ts WORK_ITEM_FORMAT; older rows are rewritten once, repair.ts). */
    rowFormat: { type: Number, pd: false },
    /**
     * When the row was last written, in slots of WRITE_SLOT_MS since the epoch: the queue
     * snapshot on FerretDB (queue-snapshot.ts) reads the last few slots, an equality each,
     * to show new and changed rows between its full reads.
     */
    writtenSlot: { type: Number, pd: false },
  },
  { collection: 'work_items', versionKey: false, strict: 'throw' },
);
workItemSchema.index({ writtenSlot: 1 });
// The queue: one line's cases of some statuses, oldest waiting first, keyset on (waitingSince, _id).
workItemSchema.index({ line: 1, status: 1, waitingSince: 1, _id: 1 });
workItemSchema.index({ assigneeId: 1, waitingSince: 1 });

/**
 * Case events not yet published when their case was erased ("not a case"): what the
 * publisher still owes other systems. Event data only (no personal data); gone once sent.
 */
export const pendingCaseEventSchema = pdSchema(
  {
    /** The event id (case id and version). */
    _id: { type: String, pd: false },
    event: { type: Object, pd: false },
    at: { type: Date, required: true, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'case_events_pending', versionKey: false },
);

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

export interface CaseActor { id: string; role: string }
export interface JournalEntry { at: Date; version: number; actor: CaseActor; action: JournalAction; reason?: string; detail?: string[]; requestId?: string }
export interface CaseNote { at: Date; actor: CaseActor; text: string }
export interface CaseReply {
  id: string; at: Date; actor: CaseActor; channel: 'email' | 'letter'; to?: string; subject?: string; text: string;
  status: ReplyStatus; messageId?: string; attempts?: number; leaseUntil?: Date; sentAt?: Date; lastCode?: string;
}

export interface CaseDoc {
  _id: string;
  caseNumber: string;
  channel: 'email' | 'letter';
  status: CaseStatus;
  line?: CaseLine;
  version?: number;
  assignee?: { id?: string; at?: Date };
  waitingSince?: Date;
  citizenWroteAgainAt?: Date;
  outcome?: CloseOutcome;
  journal?: JournalEntry[];
  eventsPublished?: number;
  eventsDue?: boolean;
  notes?: CaseNote[];
  replies?: CaseReply[];
  replyDue?: boolean;
  routing?: { topic?: string; at?: Date };
  screening?: { reasons?: string[]; score?: number; symbols?: string[]; confirmedAt?: Date };
  classification: { topic: string; language: string; confidence: number; reasons: string[] };
  citizen: { name?: string | null; street?: string | null; houseNumber?: string | null; postcode?: string | null; city?: string | null; country?: string | null; email?: string | null; phones: string[] };
  representative?: { name?: string | null; email?: string | null; relation?: string | null };
  uncertainFields?: string[];
  replyAddress?: string;
  lookup: { email: string[]; phone: string[]; bsn?: string; name: string[] };
  citizenKeys?: string[];
  bsnKey?: string;
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
export interface PendingCaseEventDoc { _id: string; event: Record<string, unknown>; at: Date; expiresAt: Date }
export interface WorkItemDoc {
  _id: string; caseNumber: string; line: CaseLine; status: CaseStatus; topic?: string; confidence?: number;
  language?: string; channel?: 'email' | 'letter'; subject?: string; waitingSince: Date; receivedAt?: Date;
  assigneeId?: string; wroteAgain?: boolean; version?: number; expiresAt: Date; rowFormat?: number; writtenSlot?: number;
}
/** The width of a work item's `writtenSlot`. */
export const WRITE_SLOT_MS = 5_000;
export const writeSlotOf = (at: Date | number): number => Math.floor((typeof at === 'number' ? at : at.getTime()) / WRITE_SLOT_MS);

export interface CaseKeyDoc { _id: string; caseId: string; expiresAt: Date }

export interface CaseModels {
  Case: Model<CaseDoc>;
  NonCase: Model<NonCaseDoc>;
  CaseNumber: Model<CaseNumberDoc>;
  MessageKey: Model<CaseKeyDoc>;
  ThreadKey: Model<CaseKeyDoc>;
  WorkItem: Model<WorkItemDoc>;
  PendingCaseEvent: Model<PendingCaseEventDoc>;
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
    WorkItem: conn.models.WorkItem ? (conn.models.WorkItem as unknown as Model<WorkItemDoc>) : conn.model<WorkItemDoc>('WorkItem', workItemSchema),
    PendingCaseEvent: conn.models.PendingCaseEvent ? (conn.models.PendingCaseEvent as unknown as Model<PendingCaseEventDoc>) : conn.model<PendingCaseEventDoc>('PendingCaseEvent', pendingCaseEventSchema),
  };
}

export { mongoose };
