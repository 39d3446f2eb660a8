/**
 * TTL reconciliation: proof in the deletion log of what a server's TTL monitor deleted.
 *
 * Where the server has TTL indexes (MongoDB in production), its TTL monitor deletes expired
 * documents in its own time (a pass every 60 s, `ttlMonitorSleepSecs`) and tells no one.
 * Change streams would say, but they need a replica set, which FerretDB 1.24 cannot be and
 * a standalone MongoDB is not. So this reconciliation watches instead, and only counts:
 *
 *  1. note: every pass walks the documents whose `expiresAt` falls before now + a look-ahead
 *     (sorted by expiresAt, _id; bounded batches) and notes each in `ttl_watch` by id: the
 *     plain `_id` where the `_id` is no personal data (hashes, ObjectIds), a keyed hash plus
 *     the `caseId` to find it by where it may be (thread_keys: a Message-ID). The look-ahead
 *     notes a document before the TTL monitor may touch it, so a restart of this role shorter
 *     than the look-ahead loses nothing.
 *  2. check: each noted document is looked up again. Gone after its expiresAt: deleted by the
 *     TTL monitor, unless an erasure or identity-established link written since the note
 *     names its case and counts its collection (those paths log their own deletions). Gone
 *     before its expiresAt: not the TTL monitor (something that logs itself); not counted.
 *     Still there with another expiresAt: its term moved; followed, or dropped when it moved
 *     past the look-ahead. Still there long after expiresAt (lag allowance): overdue —
 *     a warning by code and count, and the count in `kcc retention report`.
 *  3. record: the gone documents are claimed under a batch id (a conditional update, so two
 *     retention processes never claim one); once an hour (`linkEveryMs`) and on stop, a batch
 *     is counted per collection and term into one deletion link (`kind: retention`,
 *     `mechanism: ttl_index`, `ref: ttl:<batch>`) and its notes removed. Hourly rather than
 *     every pass: expiries trickle in all day, and a link a minute would add 1,440 links a
 *     day to a chain that is kept for ever and read whole by `kcc audit verify`. A crash
 *     leaves claimed notes that a later pass links once they are older than a batch can be
 *     (the ref makes the link appear once); a crash between link and removal leaves notes
 *     that the next pass only removes. No deletion is counted twice.
 *
 * It runs only where a TTL monitor deletes (app/index.ts: TTL mode, where the sweeper only
 * checks), so the sweeper's own links and these never cover the same documents.
 *
 * Cost (README "FerretDB (development) and MongoDB (production)"): on MongoDB every query
 * here uses an index (expiresAt, _id, caseId; ttl_watch's state and pass). On FerretDB 1.x
 * the note query (a range on expiresAt), the lookups (`$in`) and the deletion-log read (a
 * range on _id) each read their whole collection once per batch of 500; there it runs only
 * in tests, as FerretDB 1.x has no TTL monitor to reconcile.
 */
import { createHmac } from 'node:crypto';
import type { mongo } from 'mongoose';
import { GENERAL_RETENTION, REGISTER, maxRetentionFor, retentionFor, retentionKey, technicalRetentionFor } from '../../config/register.ts';
import { ConfigError, TransientError, isRetriable } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { Scheduler } from '../../lib/retention.ts';
import { DELETION_LOG_COLLECTION, RETENTION_ACTOR, type AuditLog } from '../audit/index.ts';

type Db = mongo.Db;
type Document = mongo.Document;

export const TTL_WATCH_COLLECTION = 'ttl_watch';

/**
 * The register term each collection's documents run out, written with the counts. One term
 * per collection: each collection's `expiresAt` is computed from one category or term.
 */
export const COLLECTION_TERMS: Readonly<Record<string, string>> = Object.freeze({
  cases: GENERAL_RETENTION,
  message_keys: GENERAL_RETENTION,
  thread_keys: GENERAL_RETENTION,
  noncases: 'P30D', // processors/cases NON_CASE_TERM_DAYS: a record without content, kept to recognise redelivery
  identity_documents: retentionKey(retentionFor('id_copy', REGISTER)),
  verification_records: maxRetentionFor('case_metadata', REGISTER),
  audit_log: technicalRetentionFor('audit_log', REGISTER),
  survey_consents: maxRetentionFor('survey_email', REGISTER),
  survey_invitations: maxRetentionFor('survey_email', REGISTER),
  survey_bounces: maxRetentionFor('survey_email', REGISTER),
  survey_answers: maxRetentionFor('staff_satisfaction', REGISTER),
});

/** Collections whose `_id` is personal data (schema `pd:` not false): noted by keyed hash, found through `caseId`. */
export const HASHED_ID_COLLECTIONS: readonly string[] = ['thread_keys'];

/** Look-ahead: 15 TTL-monitor periods, so a restart of the retention role up to 15 min loses no document. */
export const DEFAULT_LOOKAHEAD_MS = 15 * 60_000;
/** Same allowance as the sweeper's check mode (lib/retention DEFAULT_LAG_ALLOWANCE_MS). */
export const DEFAULT_LAG_ALLOWANCE_MS = 15 * 60_000;
/** Documents per query: the sweeper's batch (500 keeps an `$in` far below the 16 MB command limit). */
export const DEFAULT_BATCH_SIZE = 500;
/** Batches per collection per pass: 10,000 documents; a larger backlog continues next pass. */
export const DEFAULT_MAX_BATCHES = 20;
/** One deletion link per hour of TTL deletions at most (see 3. above). */
export const DEFAULT_LINK_EVERY_MS = 60 * 60_000;
/** A claim older than linkEveryMs + this was left by a crashed process (a live one links its batch within a pass of linkEveryMs): the next pass links it. */
export const STALE_CLAIM_MARGIN_MS = 10 * 60_000;

const DUPLICATE_KEY = 11000;

export interface TtlReconcilerOptions {
  db: Db;
  audit: AuditLog;
  collections: readonly string[];
  /** Key for the keyed hash of ids that may be personal data (the lookup-hash key, KCC_HMAC_KEY). */
  hmacKey: Buffer;
  hashedIdCollections?: readonly string[];
  terms?: Readonly<Record<string, string>>;
  clock?: () => Date;
  batchSize?: number;
  maxBatches?: number;
  lookaheadMs?: number;
  lagAllowanceMs?: number;
  /** Pause between passes: one minute, the TTL monitor's period. */
  intervalMs?: number;
  /** How long claimed deletions gather before they become one link; 0 = a link every pass that found any. */
  linkEveryMs?: number;
  logger?: Logger;
  scheduler?: Scheduler;
  /** Pass ids; injected by tests that simulate a crash. */
  passId?: () => string;
}

export interface ReconcileResult {
  /** Notes written this pass (new ones; already-noted documents are not counted again). */
  noted: Record<string, number>;
  /** Documents counted as deleted by the TTL index in the links this pass appended (= their counts). */
  ttlDeleted: Record<string, number>;
  /** Documents found gone this pass and claimed into the open batch (linked this pass or a later one). */
  claimed: Record<string, number>;
  /** Gone, but by another path that logs itself (before expiry, or named by an erasure / identity link). */
  otherwise: Record<string, number>;
  /** Still present more than the lag allowance after expiresAt. */
  overdue: Record<string, number>;
  /** Deletion-log links appended this pass (including those of a crashed earlier pass). */
  links: number[];
}

export interface TtlReconciler {
  ensureIndexes(): Promise<void>;
  runOnce(): Promise<ReconcileResult>;
  /**
   * Note documents now, with the expiresAt they are about to get: for a writer that moves
   * expiresAt into the look-ahead or the past (`kcc retention recompute` after a shorter term),
   * which the TTL monitor may act on before the next walk sees it. Call before the write.
   */
  noteDocuments(collection: string, docs: ReadonlyArray<NoteDoc>): Promise<number>;
  /** Link the claimed deletions now instead of at the hour (tests; stop() does it too). */
  flush(): Promise<ReconcileResult>;
  start(): void;
  stop(): Promise<void>;
}

/** What a note needs of a document: its `_id`, the expiresAt it has (or is about to get), its case. */
export interface NoteDoc {
  _id: unknown;
  expiresAt: Date;
  caseId?: string | null;
}

interface WatchEntry {
  _id: string;
  collection: string;
  /** The document's own `_id`, where that is no personal data. */
  docId?: unknown;
  /** Keyed hash of the `_id` otherwise. */
  h?: string;
  caseId?: string;
  expiresAt: Date;
  /** Last time the document was seen; updated when first seen after its expiresAt. */
  seenAt: Date;
  notedAt: Date;
  /** The deletion log's head when noted: only later erasure / identity links can explain its going. */
  logSeq: number;
  state: 'noted' | 'gone';
  overdue: boolean;
  pass?: string;
  claimedAt?: Date;
}

interface Cursor {
  expiresAt: Date;
  id: unknown;
}

export function createTtlReconciler(options: TtlReconcilerOptions): TtlReconciler {
  const { db, audit, collections } = options;
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  const lookaheadMs = options.lookaheadMs ?? DEFAULT_LOOKAHEAD_MS;
  const lagAllowanceMs = options.lagAllowanceMs ?? DEFAULT_LAG_ALLOWANCE_MS;
  const intervalMs = options.intervalMs ?? 60_000;
  const linkEveryMs = options.linkEveryMs ?? DEFAULT_LINK_EVERY_MS;
  const staleClaimMs = linkEveryMs + STALE_CLAIM_MARGIN_MS;
  const terms = options.terms ?? COLLECTION_TERMS;
  const hashed = new Set(options.hashedIdCollections ?? HASHED_ID_COLLECTIONS);
  const logger = options.logger ?? silentLogger();
  const passId = options.passId ?? (() => `${clock().getTime().toString(36)}-${Math.random().toString(36).slice(2, 10)}`);
  const scheduler: Scheduler = options.scheduler ?? {
    setInterval: (fn, ms) => {
      const t = setInterval(fn, ms);
      t.unref();
      return t;
    },
    clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  };
  for (const [name, v] of [['batchSize', batchSize], ['maxBatches', maxBatches]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError('RETENTION_BAD_OPTION', `${name} must be a positive integer.`);
  }
  if (!(lookaheadMs >= 0) || !(lagAllowanceMs >= 0) || !(linkEveryMs >= 0) || !(intervalMs > 0)) throw new ConfigError('RETENTION_BAD_OPTION', 'lookaheadMs, lagAllowanceMs and linkEveryMs must be >= 0, intervalMs > 0.');
  if (!Buffer.isBuffer(options.hmacKey) || options.hmacKey.length < 16) throw new ConfigError('RETENTION_BAD_OPTION', 'hmacKey must be a key of at least 16 bytes.');
  const watch = db.collection<WatchEntry>(TTL_WATCH_COLLECTION);
  // Where each collection's walk stands; undefined = the next pass starts from the beginning.
  const cursors = new Map<string, Cursor>();
  // The batch this process claims into until it is linked; never reused after.
  let open: { pass: string; openedAt: number } | null = null;

  const keyedHash = (collection: string, id: unknown) =>
    createHmac('sha256', options.hmacKey).update(`ttl-watch\0${collection}\0${String(id)}`, 'utf8').digest('hex');
  const noteId = (collection: string, id: unknown) => (hashed.has(collection) ? `${collection}:h:${keyedHash(collection, id)}` : `${collection}:${String(id)}`);
  const caseIdOf = (collection: string, d: Document): string | undefined =>
    typeof d.caseId === 'string' ? d.caseId : collection === 'cases' && typeof d._id === 'string' ? d._id : undefined;

  // The deletion log's `_id` is its sequence number (processors/audit/model.ts).
  const deletionLog = db.collection<{ _id: number; counts?: unknown; caseIds?: unknown; kind?: string }>(DELETION_LOG_COLLECTION);

  async function logHead(): Promise<number> {
    const [head] = await deletionLog.find({}, { projection: { _id: 1 }, sort: { _id: -1 }, limit: 1 }).toArray();
    return head ? Number(head._id) : 0;
  }

  /** Walk `expiresAt <= horizon` in (expiresAt, _id) order from the collection's cursor; insert notes, ignoring those already there. */
  async function note(collection: string, now: Date, seq: number): Promise<number> {
    const col = db.collection(collection);
    const horizon = new Date(now.getTime() + lookaheadMs);
    const projection = { _id: 1, expiresAt: 1, caseId: 1 };
    let added = 0;
    for (let b = 0; b < maxBatches; b++) {
      const at = cursors.get(collection);
      let batch: Document[] = [];
      // Ties first: more documents may share the cursor's expiresAt (a batch insert) than one batch holds.
      if (at) batch = await col.find({ expiresAt: at.expiresAt, _id: { $gt: at.id } } as mongo.Filter<Document>, { projection, sort: { _id: 1 }, limit: batchSize }).toArray();
      if (batch.length === 0) {
        const filter = at ? { expiresAt: { $gt: at.expiresAt, $lte: horizon } } : { expiresAt: { $lte: horizon } };
        batch = await col.find(filter, { projection, sort: { expiresAt: 1, _id: 1 }, limit: batchSize }).toArray();
      }
      const dated = batch.filter((d) => d.expiresAt instanceof Date);
      if (dated.length === 0) {
        cursors.delete(collection); // walked to the horizon: the next pass starts again from the beginning
        return added;
      }
      const last = dated[dated.length - 1]!;
      cursors.set(collection, { expiresAt: last.expiresAt as Date, id: last._id });
      added += await insertNew(dated.map((d) => entryOf(collection, d as NoteDoc, now, seq)));
    }
    return added; // batch limit reached: the walk continues from the cursor next pass
  }

  function entryOf(collection: string, d: NoteDoc, now: Date, seq: number): WatchEntry {
    const e: WatchEntry = { _id: noteId(collection, d._id), collection, expiresAt: d.expiresAt, seenAt: now, notedAt: now, logSeq: seq, state: 'noted', overdue: false };
    if (hashed.has(collection)) e.h = keyedHash(collection, d._id);
    else e.docId = d._id;
    const caseId = caseIdOf(collection, d as unknown as Document);
    if (caseId !== undefined) e.caseId = caseId;
    return e;
  }

  async function insertNew(entries: WatchEntry[]): Promise<number> {
    try {
      return (await watch.insertMany(entries, { ordered: false })).insertedCount;
    } catch (err) {
      const e = err as { writeErrors?: unknown; result?: { insertedCount?: number }; insertedCount?: number; code?: number };
      const writeErrors = (Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : []) as Array<{ code?: number; err?: { code?: number } }>;
      const allDuplicates = writeErrors.length > 0 ? writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY) : e.code === DUPLICATE_KEY;
      if (!allDuplicates) throw err;
      return e.insertedCount ?? e.result?.insertedCount ?? entries.length - writeErrors.length;
    }
  }

  /** What is still there of a batch of notes: note id → the document's current expiresAt. */
  async function present(collection: string, entries: WatchEntry[]): Promise<Map<string, Date | null>> {
    const col = db.collection(collection);
    const out = new Map<string, Date | null>();
    const dateOf = (d: Document) => (d.expiresAt instanceof Date ? d.expiresAt : null);
    if (hashed.has(collection)) {
      const caseIds = [...new Set(entries.map((e) => e.caseId).filter((x): x is string => x !== undefined))];
      if (caseIds.length === 0) return out;
      for (const d of await col.find({ caseId: { $in: caseIds } }, { projection: { _id: 1, expiresAt: 1 } }).toArray()) out.set(noteId(collection, d._id), dateOf(d));
    } else {
      const ids = entries.map((e) => e.docId);
      for (const d of await col.find({ _id: { $in: ids } } as mongo.Filter<Document>, { projection: { _id: 1, expiresAt: 1 } }).toArray()) out.set(noteId(collection, d._id), dateOf(d));
    }
    return out;
  }

  /** Link the open batch, if any; claims after this go into a new one. */
  async function publishOpen(result: ReconcileResult): Promise<void> {
    if (!open) return;
    const { pass } = open;
    open = null;
    const linked = await publish(pass);
    if (linked === null) return;
    result.links.push(linked);
    const [link] = await deletionLog.find({ _id: linked }, { projection: { counts: 1 } }).toArray();
    for (const c of (link?.counts ?? []) as Array<{ collectionName: string; count: number }>) result.ttlDeleted[c.collectionName] = (result.ttlDeleted[c.collectionName] ?? 0) + c.count;
    logger.info({ counts: result.ttlDeleted, seq: linked }, 'retention: TTL deletions recorded in the deletion log');
  }

  /** Erasure and identity-established links after `sinceSeq`: which cases' documents of which collections they deleted. */
  async function otherPathDeletions(sinceSeq: number): Promise<Array<{ seq: number; collections: Set<string>; caseIds: Set<string> }>> {
    const out: Array<{ seq: number; collections: Set<string>; caseIds: Set<string> }> = [];
    let after = sinceSeq;
    for (;;) {
      const links = await deletionLog
        .find({ _id: { $gt: after }, kind: { $in: ['erasure', 'verification'] } }, { projection: { _id: 1, counts: 1, caseIds: 1 }, sort: { _id: 1 }, limit: batchSize })
        .toArray();
      for (const l of links) {
        const counts = (Array.isArray(l.counts) ? l.counts : []) as Array<{ collectionName: string; count: number }>;
        out.push({ seq: Number(l._id), collections: new Set(counts.filter((c) => c.count > 0).map((c) => c.collectionName)), caseIds: new Set((l.caseIds ?? []) as string[]) });
      }
      if (links.length < batchSize) return out;
      after = Number(links[links.length - 1]!._id);
    }
  }

  interface CheckTally { gone: WatchEntry[]; otherwise: number; overdue: number }

  async function check(collection: string, now: Date): Promise<CheckTally> {
    const tally: CheckTally = { gone: [], otherwise: 0, overdue: 0 };
    const horizon = now.getTime() + lookaheadMs;
    let after: string | undefined;
    for (;;) {
      const filter = { collection, state: 'noted' as const, ...(after !== undefined ? { _id: { $gt: after } } : {}) };
      const entries = await watch.find(filter, { sort: { _id: 1 }, limit: batchSize }).toArray();
      if (entries.length === 0) break;
      after = entries[entries.length - 1]!._id;
      const there = await present(collection, entries);
      const ops: mongo.AnyBulkWriteOperation<WatchEntry>[] = [];
      for (const e of entries) {
        const cur = there.get(e._id);
        if (cur !== undefined) {
          if (cur === null || cur.getTime() !== e.expiresAt.getTime()) {
            // Its term moved (a reply, a recompute) or it lost its date: follow it, or let the walk
            // find it again later. A note younger than a pass may be a writer's advance note
            // (noteDocuments) whose write has not landed yet: kept until then.
            if (cur !== null && now.getTime() - (e.notedAt ?? e.seenAt).getTime() < intervalMs * 2) continue;
            if (cur === null || cur.getTime() > horizon) ops.push({ deleteOne: { filter: { _id: e._id, state: 'noted' } } });
            else ops.push({ updateOne: { filter: { _id: e._id, state: 'noted' }, update: { $set: { expiresAt: cur, seenAt: now, overdue: false } } } });
            continue;
          }
          if (e.expiresAt <= now && e.seenAt < e.expiresAt) ops.push({ updateOne: { filter: { _id: e._id, state: 'noted' }, update: { $set: { seenAt: now } } } });
          if (now.getTime() - e.expiresAt.getTime() > lagAllowanceMs) {
            tally.overdue += 1;
            if (!e.overdue) ops.push({ updateOne: { filter: { _id: e._id, state: 'noted' }, update: { $set: { overdue: true } } } });
          }
          continue;
        }
        // Gone before its expiresAt: no TTL monitor deletes that early, so a path that logs itself did.
        if (now <= e.expiresAt) {
          tally.otherwise += 1;
          ops.push({ deleteOne: { filter: { _id: e._id, state: 'noted' } } });
          continue;
        }
        tally.gone.push(e);
      }
      if (ops.length > 0) await watch.bulkWrite(ops, { ordered: false });
      if (entries.length < batchSize) break;
    }
    return tally;
  }

  /** Link one claimed pass (idempotent by its ref) and remove its notes. */
  async function publish(pass: string): Promise<number | null> {
    const counts: Record<string, number> = {};
    for (const e of await watch.find({ pass, state: 'gone' }, { projection: { collection: 1 } }).toArray()) counts[e.collection] = (counts[e.collection] ?? 0) + 1;
    if (Object.keys(counts).length === 0) return null;
    const used = Object.fromEntries(Object.keys(counts).filter((c) => terms[c] !== undefined).map((c) => [c, terms[c]!]));
    const link = await audit.recordRetentionRun(counts, RETENTION_ACTOR, { mechanism: 'ttl_index', terms: used, ref: `ttl:${pass}` });
    await watch.deleteMany({ pass, state: 'gone' });
    return link ? link.seq : null;
  }

  async function runOnce(): Promise<ReconcileResult> {
    const now = clock();
    const result: ReconcileResult = { noted: {}, ttlDeleted: {}, claimed: {}, otherwise: {}, overdue: {}, links: [] };
    try {
      // A batch a crashed process claimed but never linked: link it now (once, by its ref).
      const stale = await watch.find({ state: 'gone', claimedAt: { $lt: new Date(now.getTime() - staleClaimMs) } }, { projection: { pass: 1 }, limit: batchSize }).toArray();
      for (const pass of new Set(stale.map((e) => e.pass).filter((p): p is string => !!p && p !== open?.pass))) {
        const seq = await publish(pass);
        if (seq !== null) result.links.push(seq);
      }

      const seq = await logHead();
      const gone: WatchEntry[] = [];
      for (const collection of collections) {
        // Check before noting: a note made in this pass has nothing to check yet.
        const t = await check(collection, now);
        gone.push(...t.gone);
        result.otherwise[collection] = t.otherwise;
        result.overdue[collection] = t.overdue;
        result.noted[collection] = await note(collection, now, seq);
        if (t.overdue > 0) {
          logger.warn({ code: 'RETENTION_TTL_OVERDUE', collection, overdue: t.overdue, lagAllowanceMs }, 'retention: documents past expiry not deleted by the TTL monitor');
        }
      }

      if (gone.length > 0) {
        const others = await otherPathDeletions(Math.min(...gone.map((e) => e.logSeq)));
        open ??= { pass: passId(), openedAt: now.getTime() };
        const pass = open.pass;
        const claims: mongo.AnyBulkWriteOperation<WatchEntry>[] = [];
        for (const e of gone) {
          const explained = e.caseId !== undefined && others.some((l) => l.seq > e.logSeq && l.collections.has(e.collection) && l.caseIds.has(e.caseId!));
          if (explained) {
            result.otherwise[e.collection] = (result.otherwise[e.collection] ?? 0) + 1;
            claims.push({ deleteOne: { filter: { _id: e._id, state: 'noted' } } });
          } else {
            claims.push({ updateOne: { filter: { _id: e._id, state: 'noted' }, update: { $set: { state: 'gone', pass, claimedAt: now } } } });
            result.claimed[e.collection] = (result.claimed[e.collection] ?? 0) + 1;
          }
        }
        await watch.bulkWrite(claims, { ordered: false });
      }
      if (open && now.getTime() - open.openedAt >= linkEveryMs) await publishOpen(result);
    } catch (err) {
      if (isRetriable(err)) throw new TransientError('RETENTION_TTL_RECONCILE_FAILED', 'TTL reconciliation failed: database unavailable.', err);
      throw err;
    }
    return result;
  }

  let handle: unknown;
  let running: Promise<void> | null = null;
  function tick(): void {
    if (running) return;
    running = runOnce()
      .then(
        () => undefined,
        (err: unknown) => logger.error({ code: (err as { code?: unknown }).code ?? 'INTERNAL_UNEXPECTED' }, 'TTL reconciliation pass failed; the next pass retries'),
      )
      .finally(() => {
        running = null;
      });
  }

  return {
    async ensureIndexes() {
      await db.command({
        createIndexes: TTL_WATCH_COLLECTION,
        indexes: [
          { key: { collection: 1, state: 1 }, name: 'collection_state' },
          { key: { pass: 1 }, name: 'pass' },
        ],
      });
    },
    runOnce,
    async noteDocuments(collection, docs) {
      if (docs.length === 0) return 0;
      const now = clock();
      const seq = await logHead();
      let added = 0;
      for (let i = 0; i < docs.length; i += batchSize) {
        // Upserts: a note the walk made earlier takes the new expiresAt, so its check judges by that.
        const ops = docs.slice(i, i + batchSize).map((d): mongo.AnyBulkWriteOperation<WatchEntry> => {
          const { _id, expiresAt, notedAt, ...rest } = entryOf(collection, d, now, seq);
          return { updateOne: { filter: { _id }, update: { $set: { expiresAt, notedAt }, $setOnInsert: rest }, upsert: true } };
        });
        added += (await watch.bulkWrite(ops, { ordered: false })).upsertedCount;
      }
      return added;
    },
    start() {
      if (handle !== undefined) return;
      handle = scheduler.setInterval(tick, intervalMs);
      tick();
    },
    async stop() {
      if (handle !== undefined) scheduler.clearInterval(handle);
      handle = undefined;
      if (running) await running;
      // What this process claimed is linked now rather than by a later process's stale-claim pass.
      await publishOpen({ noted: {}, ttlDeleted: {}, claimed: {}, otherwise: {}, overdue: {}, links: [] }).catch((err: unknown) =>
        logger.warn({ code: (err as { code?: unknown }).code ?? 'INTERNAL_UNEXPECTED' }, 'TTL deletions not linked at stop; a later pass links them'));
    },
    flush: async () => {
      const result: ReconcileResult = { noted: {}, ttlDeleted: {}, claimed: {}, otherwise: {}, overdue: {}, links: [] };
      await publishOpen(result);
      return result;
    },
  };
}

export { deletionReport, deletionWindowStart, retentionJson, type DeletionReport } from './report.ts';
