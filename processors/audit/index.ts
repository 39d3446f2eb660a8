/**
 * The audit trail: who read, exported, erased, verified, escalated or let expire what, and
 * when — never the personal data itself (issue #5 §6).
 *
 *  - `record()` appends to the audit log (`audit_log`): one entry per read of personal data
 *    through the API or CLI, per export, erasure, verification, escalation and retention
 *    run. Each entry expires after the register's technical term `audit_log` (P24M).
 *  - `appendDeletion()` appends to the deletion log (`deletion_log`), a hash chain: each link
 *    carries the hash of the previous one, and its own hash is SHA-256 over a canonical JSON
 *    of the link (prevHash included). Changing, removing or inserting a link breaks the
 *    chain at that point; `verifyDeletionLog()` finds the first break.
 *
 * The chain shows tampering by anyone who cannot rewrite the whole tail after the link they
 * changed. Against someone who can (a database administrator), record the head hash that
 * `kcc audit verify` prints somewhere they cannot write (the DPO's own records): a
 * rewritten tail no longer ends in that hash.
 *
 * Concurrency: appends come from several processes (sweeper, CLI, API). FerretDB 1.x has no
 * transactions, so an append reads the head, inserts `_id = head + 1`, and on a duplicate
 * key (someone else appended first) reads the new head and tries again.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { addDuration, REGISTER, technicalRetentionFor, type ProcessingRegister } from '../../config/register.ts';
import { InputError, TransientError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { silentLogger } from '../../lib/logger.ts';
import { sleep } from '../../lib/retry.ts';
import { createReadLog, type ReadActivity } from '../readlog/index.ts';

/** Audit actions that are a look at a case's personal data, and the read-log operation each is. */
const READ_ACTIVITY_OF: Partial<Record<string, ReadActivity>> = {
  read_case: 'case_view',
  read_bsn: 'bsn_reveal',
  // The identity store's `read`: an ID copy opened ("copy of ID seen").
  read: 'id_copy_view',
  export: 'export',
};
import {
  AUDIT_ACTIONS,
  DELETION_KINDS,
  DELETION_MECHANISMS,
  auditModels,
  type Actor,
  type AuditAction,
  type AuditModels,
  type CollectionCount,
  type AuditEntryDoc,
  type DeletionEntryDoc,
  type DeletionKind,
  type DeletionMechanism,
} from './model.ts';

export {
  AUDIT_ACTIONS,
  AUDIT_COLLECTION,
  DELETION_KINDS,
  DELETION_LOG_COLLECTION,
  DELETION_MECHANISMS,
  auditEntrySchema,
  auditModels,
  deletionEntrySchema,
  type Actor,
  type AuditAction,
  type AuditModels,
  type CollectionCount,
  type DeletionKind,
  type DeletionMechanism,
} from './model.ts';

/** prevHash of the first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** Who deletes expired documents: the retention sweeper, not a person. */
export const RETENTION_ACTOR: Actor = Object.freeze({ id: 'system:retention', role: 'system' });

/**
 * Attempts before an append gives up. Each failed attempt means another writer appended a
 * link in between, so N concurrent writers need at most N attempts; 64 covers far more
 * writers than this system has (sweeper, a few API workers, the CLI).
 */
const MAX_APPEND_ATTEMPTS = 64;
/** Cap of the jittered pause between attempts: long enough to let the winner's insert land. */
const MAX_APPEND_BACKOFF_MS = 50;
/** Case ids in one deletion link. An erasure or verification concerns a handful of cases; a bound keeps a link far below the 16 MB document limit. */
export const MAX_CASE_IDS_PER_LINK = 10_000;

export interface AuditInput {
  actor: Actor;
  action: AuditAction;
  caseId?: string;
  /** Per collection; stored sorted by collection name. */
  counts?: Record<string, number>;
  /** Keyed hashes (`<kind>:<hex>`) of the identifiers of a subject request. Never the identifiers. */
  subjectHashes?: string[];
  /** The route pattern of a refused workbench call. */
  route?: string;
  /** A dead letter's id (no content). */
  ref?: string;
  /** An erasure's AVG art. 17(1) ground code. */
  ground?: string;
  /** Defaults to the injected clock. */
  at?: Date;
  /**
   * A read of a case's personal data goes to the processing log of reads as well
   * (processors/readlog); this names the operation when the action alone does not
   * (`read_case` is also the message frame and an attachment).
   */
  readActivity?: ReadActivity;
  /** The register purpose of that read (default citizen_support). */
  purpose?: string;
}

/** An audit entry as callers see it: the stored document with its id as a string. */
export type AuditEntry = Omit<AuditEntryDoc, '_id'> & { id: string };

export interface DeletionInput {
  kind: DeletionKind;
  /** What deleted; when left out, read from kind and counts (`mechanismOf`) and stored all the same. */
  mechanism?: DeletionMechanism;
  counts: Record<string, number>;
  /** Per collection: the register term the deleted documents had run out (stored with the count). */
  terms?: Record<string, string>;
  caseIds?: string[];
  actor: Actor;
  at?: Date;
  /** Idempotency key: if a link with this ref exists, it is returned and nothing is appended. */
  ref?: string;
}

/** One link of the deletion chain, as exported and hashed: the stored document, `_id` as `seq`. */
export type DeletionEntry = Omit<DeletionEntryDoc, '_id'> & { seq: number };

export type ChainBreak = 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'malformed';

export interface ChainReport {
  ok: boolean;
  /** Links checked (up to and including the broken one). */
  entries: number;
  /** The last link checked: record its hash elsewhere to detect a rewritten tail later. */
  head: { seq: number; hash: string } | null;
  /** The first broken link, if any. */
  broken?: { seq: number; reason: ChainBreak; message: string };
}

export interface Range {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface AuditLog {
  readonly models: AuditModels;
  record(input: AuditInput): Promise<AuditEntry>;
  appendDeletion(input: DeletionInput): Promise<DeletionEntry>;
  /** Record a retention run: one deletion link and one audit entry, if anything was deleted. */
  recordRetentionRun(counts: Record<string, number>, actor?: Actor, options?: { mechanism?: DeletionMechanism; terms?: Record<string, string>; ref?: string }): Promise<DeletionEntry | null>;
  /** Deletions per collection and mechanism with `at` in the range (`kcc retention report`). */
  deletionSummary(range?: Range): Promise<DeletionSummary>;
  verifyDeletionLog(): Promise<ChainReport>;
  /** Audit entries with `at` in the range, oldest first. */
  entries(range?: Range): AsyncGenerator<AuditEntry>;
  /** Deletion links with `at` in the range, in chain order. */
  deletionEntries(range?: Range): AsyncGenerator<DeletionEntry>;
  ensureIndexes(): Promise<void>;
}

/** Per collection name (or field-level key such as `cases.bsnSealed`), per mechanism: documents and the last link's time. */
export type DeletionSummary = Record<string, Partial<Record<DeletionMechanism, { count: number; links: number; last: Date }>>>;

/**
 * The mechanism of a link: the stored one, or for a link written before mechanisms were
 * recorded, the only path that wrote that kind then (erasure: DSAR; verification: identity
 * established; retention: the sweeper, except the processed-folder purge and the BSN dropped
 * at closing, which have their own count names). TTL deletions were not logged before.
 */
export function mechanismOf(e: { kind: string; mechanism?: DeletionMechanism | undefined; counts: readonly CollectionCount[] }): DeletionMechanism {
  if (e.mechanism) return e.mechanism;
  if (e.kind === 'erasure') return 'erasure';
  if (e.kind === 'verification') return 'identity_established';
  const names = e.counts.map((c) => c.collectionName);
  if (names.length > 0 && names.every((n) => n === 'imap_processed')) return 'imap_purge';
  if (names.length > 0 && names.every((n) => n === 'cases.bsnSealed')) return 'case_closed';
  return 'sweeper';
}

export interface AuditOptions {
  clock?: () => Date;
  register?: ProcessingRegister;
  /** Injected so tests need not wait; defaults to lib/retry sleep. */
  pause?: (ms: number) => Promise<void>;
}

/**
 * JSON with object keys sorted at every level and no insignificant white space; Dates as
 * ISO 8601 (UTC, milliseconds); `undefined` members left out. Arrays keep their order.
 * The same entry gives the same text whatever order the database returns its fields in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  }
}

/**
 * SHA-256 (hex) over the canonical JSON of a link without its own hash. `mechanism`, `ref`
 * and a count's `term` came later: canonicalJson leaves out what is undefined, so a link
 * without them hashes exactly as it did when it was written, and one with them covers them.
 */
export function deletionEntryHash(entry: Omit<DeletionEntry, 'hash'>): string {
  const body = {
    seq: entry.seq,
    at: entry.at,
    kind: entry.kind,
    mechanism: entry.mechanism,
    ref: entry.ref,
    counts: entry.counts.map((c) => ({ collectionName: c.collectionName, count: c.count, term: c.term })),
    caseIds: entry.caseIds,
    actor: { id: entry.actor.id, role: entry.actor.role },
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/**
 * Check a sequence of links (from the database, or from a `kcc audit export` file): sequence
 * numbers contiguous, each prevHash the hash of the link before, each hash recomputed.
 * `start` continues a check from a known link (an export of a time range).
 */
export function verifyChain(entries: Iterable<DeletionEntry>, start: { seq: number; hash: string } | null = null): ChainReport {
  let prev = start;
  let n = 0;
  for (const e of entries) {
    n += 1;
    const fail = (reason: ChainBreak, message: string): ChainReport => ({ ok: false, entries: n, head: prev, broken: { seq: e.seq, reason, message } });
    if (!isWellFormed(e)) return fail('malformed', 'Link is missing fields or has fields of the wrong type.');
    const expectedSeq = prev ? prev.seq + 1 : 1;
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    if (e.seq !== expectedSeq) return fail('sequence_gap', `Expected link ${expectedSeq} here, found ${e.seq}: links were removed or inserted.`);
    if (e.prevHash !== expectedPrev) return fail('prev_hash_mismatch', 'prevHash is not the hash of the link before: the previous link was changed, or this one was re-chained.');
    if (deletionEntryHash(e) !== e.hash) return fail('hash_mismatch', 'The stored hash does not match the link content: this link was changed after it was written.');
    prev = { seq: e.seq, hash: e.hash };
  }
  return { ok: true, entries: n, head: prev };
}

function isWellFormed(e: DeletionEntry): boolean {
  return (
    Number.isInteger(e.seq) &&
    e.at instanceof Date &&
    !Number.isNaN(e.at.getTime()) &&
    typeof e.kind === 'string' &&
    (e.mechanism === undefined || typeof e.mechanism === 'string') &&
    (e.ref === undefined || typeof e.ref === 'string') &&
    Array.isArray(e.counts) &&
    e.counts.every((c) => c && typeof c.collectionName === 'string' && typeof c.count === 'number' && (c.term === undefined || typeof c.term === 'string')) &&
    (e.caseIds === undefined || (Array.isArray(e.caseIds) && e.caseIds.every((x) => typeof x === 'string'))) &&
    !!e.actor &&
    typeof e.actor.id === 'string' &&
    typeof e.actor.role === 'string' &&
    typeof e.prevHash === 'string' &&
    typeof e.hash === 'string'
  );
}

function countsArray(counts: Record<string, number>): CollectionCount[] {
  return Object.entries(counts)
    .map(([collection, count]) => {
      if (!Number.isInteger(count) || count < 0) throw new InputError('AUDIT_BAD_COUNT', 'Counts must be non-negative integers.');
      return { collectionName: collection, count };
    })
    .sort((a, b) => (a.collectionName < b.collectionName ? -1 : a.collectionName > b.collectionName ? 1 : 0));
}

function checkActor(actor: Actor): Actor {
  if (!actor || typeof actor.id !== 'string' || !actor.id || typeof actor.role !== 'string' || !actor.role) {
    throw new InputError('AUDIT_BAD_ACTOR', 'An audit entry needs an actor with an id and a role.');
  }
  // An account id, not an e-mail address: the audit log holds no contact details.
  if (actor.id.includes('@')) throw new InputError('AUDIT_BAD_ACTOR', 'The actor id must be an account id, not an e-mail address.');
  return { id: actor.id, role: actor.role };
}

function fromDeletionDoc(d: DeletionEntryDoc): DeletionEntry {
  const e: DeletionEntry = {
    seq: d._id,
    at: d.at,
    kind: d.kind,
    counts: (d.counts ?? []).map((c) => (c.term != null ? { collectionName: c.collectionName, count: c.count, term: c.term } : { collectionName: c.collectionName, count: c.count })),
    actor: { id: d.actor?.id, role: d.actor?.role } as Actor,
    prevHash: d.prevHash,
    hash: d.hash,
  };
  if (d.mechanism != null) e.mechanism = d.mechanism;
  if (d.ref != null) e.ref = d.ref;
  if (d.caseIds !== undefined && d.caseIds !== null) e.caseIds = [...d.caseIds];
  return e;
}

/** A stored audit document (lean) in the API's shape. */
export function toAuditEntry(raw: unknown): AuditEntry {
  const d = raw as { _id: unknown; at: Date; actor: Actor; action: AuditAction; caseId?: string | null; counts?: CollectionCount[] | null; subjectHashes?: string[] | null; route?: string | null; ref?: string | null; ground?: string | null; expiresAt: Date };
  const e: AuditEntry = { id: String(d._id), at: d.at, actor: { id: d.actor.id, role: d.actor.role }, action: d.action, expiresAt: d.expiresAt };
  if (d.caseId != null) e.caseId = d.caseId;
  if (d.counts != null) e.counts = d.counts.map((c) => ({ collectionName: c.collectionName, count: c.count }));
  if (d.subjectHashes != null) e.subjectHashes = [...d.subjectHashes];
  if (d.route != null) e.route = d.route;
  if (d.ref != null) e.ref = d.ref;
  if (d.ground != null) e.ground = d.ground;
  return e;
}

function rangeFilter(range: Range | undefined): Record<string, unknown> {
  const at: Record<string, Date> = {};
  if (range?.from) at.$gte = range.from;
  if (range?.to) at.$lt = range.to;
  return Object.keys(at).length > 0 ? { at } : {};
}

const isDuplicateKey = (err: unknown) => (err as { code?: unknown }).code === 11000;

export function createAuditLog(conn: Connection, options: AuditOptions = {}): AuditLog {
  const models = auditModels(conn);
  const { AuditEntry, DeletionEntry } = models;
  const clock = options.clock ?? (() => new Date());
  const register = options.register ?? REGISTER;
  const term = technicalRetentionFor('audit_log', register);
  const pause = options.pause ?? ((ms: number) => sleep(ms));
  const readLog = createReadLog(conn, { clock });

  async function record(input: AuditInput): Promise<AuditEntry> {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(input.action)) throw new InputError('AUDIT_BAD_ACTION', 'Unknown audit action.');
    const at = input.at ?? clock();
    const doc: Record<string, unknown> = { at, actor: checkActor(input.actor), action: input.action, expiresAt: addDuration(at, term) };
    if (input.caseId !== undefined) doc.caseId = input.caseId;
    if (input.counts !== undefined) doc.counts = countsArray(input.counts);
    if (input.subjectHashes !== undefined) doc.subjectHashes = [...input.subjectHashes];
    if (input.route !== undefined) doc.route = input.route.slice(0, 200);
    if (input.ref !== undefined) doc.ref = input.ref.slice(0, 300);
    if (input.ground !== undefined) doc.ground = input.ground.slice(0, 40);
    const created = await AuditEntry.create(doc);
    // Every look at a case's personal data is also a line in the processing log of reads
    // (LDV), written here so that no reader (workbench, identity, desk) can forget it.
    const activity = input.readActivity ?? READ_ACTIVITY_OF[input.action];
    if (activity && input.caseId !== undefined) {
      await readLog.record({ activity, caseId: input.caseId, actor: doc.actor as Actor, at, ...(input.purpose ? { purpose: input.purpose } : {}) });
    }
    const out: AuditEntry = { id: String(created._id), at, actor: doc.actor as Actor, action: input.action, expiresAt: doc.expiresAt as Date };
    if (doc.caseId !== undefined) out.caseId = doc.caseId as string;
    if (doc.counts !== undefined) out.counts = doc.counts as CollectionCount[];
    if (doc.subjectHashes !== undefined) out.subjectHashes = doc.subjectHashes as string[];
    if (doc.route !== undefined) out.route = doc.route as string;
    if (doc.ref !== undefined) out.ref = doc.ref as string;
    if (doc.ground !== undefined) out.ground = doc.ground as string;
    return out;
  }

  async function appendDeletion(input: DeletionInput): Promise<DeletionEntry> {
    return (await append(input)).link;
  }

  async function append(input: DeletionInput): Promise<{ link: DeletionEntry; appended: boolean }> {
    if (!(DELETION_KINDS as readonly string[]).includes(input.kind)) throw new InputError('AUDIT_BAD_DELETION_KIND', 'Unknown deletion kind.');
    if (input.mechanism !== undefined && !(DELETION_MECHANISMS as readonly string[]).includes(input.mechanism)) throw new InputError('AUDIT_BAD_DELETION_MECHANISM', 'Unknown deletion mechanism.');
    const actor = checkActor(input.actor);
    const counts = countsArray(input.counts).map((c) => (input.terms?.[c.collectionName] !== undefined ? { ...c, term: input.terms[c.collectionName]! } : c));
    const mechanism = mechanismOf({ kind: input.kind, mechanism: input.mechanism, counts });
    if (input.ref !== undefined) {
      // A writer that crashed after appending retries with the same ref: the link is there once.
      const existing = await DeletionEntry.findOne({ ref: input.ref }).lean();
      if (existing) return { link: fromDeletionDoc(existing as unknown as DeletionEntryDoc), appended: false };
    }
    const caseIds = input.caseIds && input.caseIds.length > 0 ? [...new Set(input.caseIds)].sort() : undefined;
    if (caseIds && caseIds.length > MAX_CASE_IDS_PER_LINK) throw new InputError('AUDIT_TOO_MANY_CASE_IDS', `At most ${MAX_CASE_IDS_PER_LINK} case ids per deletion link.`);
    const at = input.at ?? clock();

    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const [head] = await DeletionEntry.find({}, { _id: 1, hash: 1 }).sort({ _id: -1 }).limit(1).lean();
      const link: Omit<DeletionEntry, 'hash'> = { seq: head ? head._id + 1 : 1, at, kind: input.kind, mechanism, counts, actor, prevHash: head ? head.hash : GENESIS_HASH };
      if (input.ref !== undefined) link.ref = input.ref;
      if (caseIds) link.caseIds = caseIds;
      const hash = deletionEntryHash(link);
      const doc: Record<string, unknown> = { _id: link.seq, at, kind: link.kind, mechanism, counts, actor, prevHash: link.prevHash, hash };
      if (input.ref !== undefined) doc.ref = input.ref;
      if (caseIds) doc.caseIds = caseIds;
      try {
        await DeletionEntry.collection.insertOne(doc as never);
        return { link: { ...link, hash }, appended: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Someone appended this sequence number first: read the new head and try again.
        await pause(Math.floor(Math.random() * Math.min(MAX_APPEND_BACKOFF_MS, 2 ** attempt)));
      }
    }
    throw new TransientError('AUDIT_DELETION_LOG_CONTENDED', `Could not append to the deletion log after ${MAX_APPEND_ATTEMPTS} attempts (too many concurrent writers).`);
  }

  async function* deletionEntries(range?: Range): AsyncGenerator<DeletionEntry> {
    const cursor = DeletionEntry.find(rangeFilter(range)).sort({ _id: 1 }).lean().cursor();
    try {
      for await (const d of cursor) yield fromDeletionDoc(d as unknown as DeletionEntryDoc);
    } finally {
      await cursor.close();
    }
  }

  return {
    models,
    record,
    appendDeletion,

    async recordRetentionRun(counts, actor = RETENTION_ACTOR, options = {}) {
      const deleted = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
      // A run that deleted nothing proves nothing: no link, or the chain grows by 1440 a day for no reason.
      if (Object.keys(deleted).length === 0) return null;
      const at = clock();
      const input: DeletionInput = { kind: 'retention', counts: deleted, actor, at };
      if (options.mechanism) input.mechanism = options.mechanism;
      if (options.terms) input.terms = options.terms;
      if (options.ref !== undefined) input.ref = options.ref;
      const { link, appended } = await append(input);
      // A link found by its ref was appended by an earlier attempt, which recorded the audit entry after it
      // (or crashed in between: the audit entry is the convenience copy, the link is the proof).
      if (appended) await record({ action: 'retention_deletion', counts: deleted, actor, at });
      return link;
    },

    async deletionSummary(range) {
      const out: DeletionSummary = {};
      for await (const e of deletionEntries(range)) {
        const m = mechanismOf(e);
        for (const c of e.counts) {
          if (c.count <= 0) continue;
          const row = (out[c.collectionName] ??= {});
          const cell = (row[m] ??= { count: 0, links: 0, last: e.at });
          cell.count += c.count;
          cell.links += 1;
          if (e.at > cell.last) cell.last = e.at;
        }
      }
      return out;
    },

    async verifyDeletionLog() {
      // Streamed, links checked one by one: the whole log is never held in memory.
      let prev: { seq: number; hash: string } | null = null;
      let n = 0;
      for await (const e of deletionEntries()) {
        const r = verifyChain([e], prev);
        n += 1;
        if (!r.ok) return { ...r, entries: n };
        prev = r.head;
      }
      return { ok: true, entries: n, head: prev };
    },

    async *entries(range?: Range) {
      const cursor = AuditEntry.find(rangeFilter(range)).sort({ at: 1, _id: 1 }).lean().cursor();
      try {
        for await (const raw of cursor) yield toAuditEntry(raw);
      } finally {
        await cursor.close();
      }
    },

    deletionEntries,

    async ensureIndexes() {
      await Promise.all([AuditEntry.init(), DeletionEntry.init(), readLog.ensureIndexes()]);
    },
  };
}

/**
 * For the retention sweeper's `onDeleted` hook (lib/retention.ts), which reports one
 * collection at a time: each collection with deletions becomes one deletion link and one
 * audit entry. Writes are queued in order; `flush()` waits for them (call it on stop).
 * A failed write is logged by code and collection, never retried here: the deletion already
 * happened, and the counts are also in the sweeper's log.
 */
export function createRetentionRecorder(audit: AuditLog, options: { logger?: Logger; actor?: Actor } = {}) {
  const logger = options.logger ?? silentLogger();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    onDeleted(collection: string, count: number): void {
      if (count <= 0) return;
      queue = queue
        .then(() => audit.recordRetentionRun({ [collection]: count }, options.actor))
        .catch((err: unknown) => {
          logger.error({ code: (err as { code?: unknown }).code ?? 'INTERNAL_UNEXPECTED', collection, count }, 'retention deletion not recorded in the deletion log');
        });
    },
    async flush(): Promise<void> {
      await queue;
    },
  };
}

/** An audit entry as one JSON line (for `kcc audit export`). */
export function auditEntryJson(e: AuditEntry): Record<string, unknown> {
  return { log: 'audit', ...e, at: e.at.toISOString(), expiresAt: e.expiresAt.toISOString() };
}

/** A deletion link as one JSON line, in the exact form `parseDeletionJson` + `verifyChain` check. */
export function deletionEntryJson(e: DeletionEntry): Record<string, unknown> {
  return { log: 'deletion', ...e, at: e.at.toISOString() };
}

/** Read back a `deletionEntryJson` line for offline verification. */
export function parseDeletionJson(line: Record<string, unknown>): DeletionEntry {
  const e: DeletionEntry = {
    seq: line.seq as number,
    at: new Date(String(line.at)),
    kind: line.kind as DeletionKind,
    counts: line.counts as CollectionCount[],
    actor: line.actor as Actor,
    prevHash: line.prevHash as string,
    hash: line.hash as string,
  };
  if (line.mechanism !== undefined) e.mechanism = line.mechanism as DeletionMechanism;
  if (line.ref !== undefined) e.ref = line.ref as string;
  if (line.caseIds !== undefined) e.caseIds = line.caseIds as string[];
  return e;
}
