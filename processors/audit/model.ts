/**
 * Audit documents: the audit log (`audit_log`) and the tamper-evident deletion log
 * (`deletion_log`). Neither holds personal data: every path is `pd: false`, and
 * `test/unit/privacy/models.test.ts` checks that no path names a register category, so a
 * field that could carry an address or a name cannot be added without the test failing.
 *
 * What they do hold, and why that is not a category of register M1533:
 *  - `caseId`: the case's `_id`, a SHA-256 dedupe key of the message (processors/cases);
 *    it points at a case, it does not describe a person, and once the case is deleted it
 *    points at nothing.
 *  - `subjectHashes`: keyed hashes (HMAC, lib/crypto.ts) of the identifiers of a
 *    subject-access or erasure request: proof of *which* request was handled that only
 *    the holder of the key and of the identifier can link to a person (issue #5: "a keyed
 *    hash of the identifier, the counts, who, when").
 *  - `actor`: the account and role of the staff member or system part that acted. Processed
 *    for the accountability of the processing itself (AVG art. 5(2), 32), under the audit
 *    log's technical term, not as satisfaction data about staff.
 *
 * Types are declared explicitly and schemas go through `pdSchema` (see
 * processors/cases/model.ts: mongoose's inference over schema literals exhausts the checker).
 */
import type { Connection, Model } from 'mongoose';
import { pdSchema } from '../../lib/pd-schema.ts';

export const AUDIT_COLLECTION = 'audit_log';
export const DELETION_LOG_COLLECTION = 'deletion_log';

/**
 * What was done. Reads of personal data (`read`, `read_bsn`), the privacy operations
 * (`export`, `erasure`), the register's events (`verification`: identity established and ID
 * copy deleted; `escalation` to second line), retention (`retention_deletion` with counts,
 * `retention_recompute` when terms are rewritten).
 */
export const AUDIT_ACTIONS = [
  'read',
  'read_bsn',
  'export',
  'erasure',
  'verification',
  'escalation',
  'retention_deletion',
  'retention_recompute',
  // The workbench: a call refused for the caller's role (the route, never its parameters).
  'access_denied',
  // The workbench: an agent opened a case's page (its contact details and messages). Not
  // `read`, which the identity store keeps for an opened ID copy ("copy of ID seen").
  'read_case',
  // The survey report's per-agent figures were shown (only when configured; WOR art. 27).
  'read_survey_agent_figures',
  // The workbench's refused-messages page (team lead): a dead letter handed to the pipeline
  // again, or opened as a case (`ref` is the dead letter's id, `caseId` the case's).
  'deadletter_retry',
  'deadletter_case',
  // The workbench's case search by an e-mail address or phone number (`counts.hits`; never the query).
  'search',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const DELETION_KINDS = ['retention', 'verification', 'erasure'] as const;
export type DeletionKind = (typeof DELETION_KINDS)[number];

/**
 * What did the deleting, for "was it deleted, when, by what" (`kcc retention report`):
 *  - `sweeper`: the retention sweeper (lib/retention.ts, servers without TTL indexes);
 *  - `ttl_index`: the server's TTL monitor, counted afterwards by the TTL reconciliation
 *    (processors/retention), which only counts, never deletes;
 *  - `erasure`: a subject's erasure request (processors/dsar);
 *  - `identity_established`: ID copies deleted when an agent established identity (processors/identity);
 *  - `imap_purge`: the processed-folder expunge of the intake mailbox (ingest/imap/purge.ts);
 *  - `case_closed`: the sealed BSN removed from a case closed without escalation (processors/cases).
 * Links written before 2026-12 carry no `mechanism`; `mechanismOf` reads it from their kind
 * and counts, which was unambiguous then (no path logged TTL deletions).
 */
export const DELETION_MECHANISMS = ['sweeper', 'ttl_index', 'erasure', 'identity_established', 'imap_purge', 'case_closed'] as const;
export type DeletionMechanism = (typeof DELETION_MECHANISMS)[number];

const ActorSchema = pdSchema(
  {
    /** Account id ("agent-017", "cli:jdevries", "system:retention"), never a display name or address. */
    id: { type: String, required: true, pd: false },
    role: { type: String, required: true, pd: false },
  },
  { _id: false },
);

const CountSchema = pdSchema(
  {
    collectionName: { type: String, required: true, pd: false },
    count: { type: Number, required: true, pd: false },
    /** Deletion log only, where known: the register term the deleted documents had run out (`P18M`, `until:identity_established/P30D`). */
    term: { type: String, pd: false },
  },
  { _id: false },
);

export const auditEntrySchema = pdSchema(
  {
    at: { type: Date, required: true, pd: false },
    actor: { type: ActorSchema, required: true, pd: false },
    action: { type: String, enum: AUDIT_ACTIONS, required: true, pd: false },
    caseId: { type: String, pd: false },
    /**
     * Per-collection counts, as an array sorted by collection rather than an object: collection
     * names may contain dots (`claimchecks.files`), which are not portable as field names.
     */
    counts: { type: [CountSchema], default: undefined, pd: false },
    subjectHashes: { type: [String], default: undefined, pd: false },
    /** For `access_denied`: the route pattern refused ('POST /zaken/:number/bsn'), no parameter values. */
    route: { type: String, pd: false },
    /** What the entry is about when it is not a case: a dead letter's id (a hash or mailbox/UID, no content). */
    ref: { type: String, pd: false },
    /** For `erasure` from the workbench: the AVG art. 17(1) ground, a fixed code (ERASURE_GROUNDS), never free text. */
    ground: { type: String, pd: false },
    /** Register technical term `audit_log` (P24M) from `at`. */
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: AUDIT_COLLECTION, versionKey: false, strict: 'throw' },
);
auditEntrySchema.index({ at: 1 });
auditEntrySchema.index({ caseId: 1 });
auditEntrySchema.index({ subjectHashes: 1 });

/**
 * One link of the deletion chain. `_id` is the sequence number itself: `_id` is unique on
 * every MongoDB-wire server without an index to create first, so two writers can never both
 * append the same link (FerretDB 1.x has no transactions to do it otherwise).
 *
 * Retention: none — the deletion log is kept for as long as the system exists, by design.
 *  - It holds no personal data (counts, collection names, case ids of deleted cases, actor
 *    account ids), so the register's storage limits do not apply to it.
 *  - A hash chain is verifiable only from its first link: expiring old links would make the
 *    whole log unverifiable, or need a signed checkpoint scheme we do not have.
 *  - Its purpose is to prove a deletion long after the data is gone (a complaint, a DPO or
 *    Autoriteit Persoonsgegevens inquiry can come years later); a proof that expires with the
 *    audit log (P24M) would fail exactly when it is asked for.
 *  - It stays small: one link per erasure, per verification, per sweeper run that deleted
 *    something (counts only for retention, no case ids).
 * Hence no `expiresAt` and the collection is not in the retention sweeper's list.
 */
export const deletionEntrySchema = pdSchema(
  {
    _id: { type: Number, pd: false },
    at: { type: Date, required: true, pd: false },
    kind: { type: String, enum: DELETION_KINDS, required: true, pd: false },
    /** Absent in links written before mechanisms were recorded (see DELETION_MECHANISMS). */
    mechanism: { type: String, enum: DELETION_MECHANISMS, pd: false },
    /** A writer's idempotency key: the TTL reconciliation appends a link per ref at most once, also after a crash. */
    ref: { type: String, pd: false },
    counts: { type: [CountSchema], default: [], pd: false },
    caseIds: { type: [String], default: undefined, pd: false },
    actor: { type: ActorSchema, required: true, pd: false },
    prevHash: { type: String, required: true, pd: false },
    hash: { type: String, required: true, pd: false },
  },
  { collection: DELETION_LOG_COLLECTION, versionKey: false, strict: 'throw' },
);
deletionEntrySchema.index({ at: 1 });
deletionEntrySchema.index({ ref: 1 });

export interface Actor {
  id: string;
  role: string;
}

export interface CollectionCount {
  collectionName: string;
  count: number;
  term?: string;
}

export interface AuditEntryDoc {
  _id: unknown;
  at: Date;
  actor: Actor;
  action: AuditAction;
  caseId?: string;
  counts?: CollectionCount[];
  subjectHashes?: string[];
  route?: string;
  ref?: string;
  ground?: string;
  expiresAt: Date;
}

export interface DeletionEntryDoc {
  /** The sequence number, 1-based, contiguous. */
  _id: number;
  at: Date;
  kind: DeletionKind;
  mechanism?: DeletionMechanism;
  ref?: string;
  counts: CollectionCount[];
  caseIds?: string[];
  actor: Actor;
  prevHash: string;
  hash: string;
}

export interface AuditModels {
  AuditEntry: Model<AuditEntryDoc>;
  DeletionEntry: Model<DeletionEntryDoc>;
}

/** The models on one connection, registered once (a connection keeps its own registry). */
export function auditModels(conn: Connection): AuditModels {
  return {
    AuditEntry: conn.models.AuditEntry
      ? (conn.models.AuditEntry as unknown as Model<AuditEntryDoc>)
      : conn.model<AuditEntryDoc>('AuditEntry', auditEntrySchema),
    DeletionEntry: conn.models.DeletionEntry
      ? (conn.models.DeletionEntry as unknown as Model<DeletionEntryDoc>)
      : conn.model<DeletionEntryDoc>('DeletionEntry', deletionEntrySchema),
  };
}
