/**
 * `kcc retention report` and `kcc retention recompute`.
 *
 *   kcc retention report [--json]
 *       per collection: documents, oldest, next expiry, overdue, documents without
 *       expiresAt, and what deletes them (TTL index or sweeper) — lib/retention.ts; then,
 *       from the deletion log, the last 18 months' deletions per collection by mechanism
 *       (sweeper, TTL index, erasure, identity established, …) with the last one's time,
 *       and the documents the TTL reconciliation found overdue (processors/retention)
 *   kcc retention recompute [--batch-size N] [--actor NAME] [--json]
 *       rewrites every case's expiresAt from the register's current term:
 *       (closedAt ?? lastActivityAt) + the general term (processors/cases caseExpiry),
 *       and its look-up keys' and queue row's (work_items) with it.
 *       Idempotent: a second run changes nothing. Bounded batches; prints counts.
 *
 * A change of retention term in the register reaches stored cases only through recompute;
 * a shorter term makes cases overdue, which the TTL monitor or the sweeper then deletes.
 */
import { parseArgs } from 'node:util';
import type mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { RETENTION_COLLECTIONS } from '../app/index.ts';
import { CONTENT_BUCKET, CONTENT_COLLECTION } from '../processors/content/store.ts';
import { ObjectId } from 'mongodb';
import { detectServer, retentionReport, type CollectionRetention } from '../lib/retention.ts';
import { AUDIT_COLLECTION, DELETION_MECHANISMS, createAuditLog, type DeletionMechanism } from '../processors/audit/index.ts';
import { DEFAULT_LOOKAHEAD_MS, createTtlReconciler, deletionReport, retentionJson, type DeletionReport, type NoteDoc } from '../processors/retention/index.ts';
import { caseExpiry } from '../processors/cases/index.ts';
import { UsageError, cliActor, ioOf, withConnection, type CliDeps } from './audit.ts';
import { usageOf } from './usage.ts';

export const RETENTION_USAGE = usageOf('retention');

/** Cases per read/write round trip; the sweeper's batch (lib/retention DEFAULT_BATCH_SIZE) for the same reasons. */
export const RECOMPUTE_BATCH_SIZE = 500;

/** The collections the report covers: what the app enforces retention on, plus the audit log (P24M). */
export function reportCollections(): string[] {
  return [...new Set<string>([...RETENTION_COLLECTIONS, AUDIT_COLLECTION])];
}

export interface RecomputeResult {
  scanned: number;
  updated: number;
  unchanged: number;
  /** Cases changed by someone else between read and write: their writer set a fresh expiresAt. */
  conflicts: number;
  /** Cases with neither closedAt nor lastActivityAt: no term can be computed. Should be 0. */
  skipped: number;
  /** Look-up keys (message_keys, thread_keys) whose expiresAt was brought in line with their case. */
  keysUpdated: number;
  /** Queue rows (work_items, `_id` = the case's) whose expiresAt was brought in line with their case. */
  workItemsUpdated: number;
}

/** The cases' `_id`-keyed look-up collections (processors/cases/model.ts), each with caseId and expiresAt. */
const KEY_COLLECTIONS = ['message_keys', 'thread_keys', 'message_contents'] as const;
/** The queue's rows (processors/cases/model.ts `work_items`): one per open case, `_id` = the case's, expiring with it. */
const WORK_ITEMS = 'work_items';

/**
 * Rewrite `expiresAt` of every case to `expiryOf(closedAt ?? lastActivityAt)`, walking `_id`
 * in batches. Each write is conditional on the `expiresAt` that was read, so a case updated
 * meanwhile by the case store (which always sets expiresAt with the dates) is left to it.
 */
export async function recomputeCaseExpiry(
  db: mongo.Db,
  options: {
    batchSize?: number; expiryOf?: (from: Date) => Date; collection?: string;
    /**
     * Where a TTL monitor deletes: documents whose new expiresAt falls before `horizon` are
     * noted for the TTL reconciliation before they are written, as the monitor may delete
     * them before the reconciliation's next walk would see them (processors/retention).
     */
    noteExpiring?: { horizon: Date; note: (collection: string, docs: NoteDoc[]) => Promise<unknown> };
  } = {},
): Promise<RecomputeResult> {
  const batchSize = options.batchSize ?? RECOMPUTE_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const expiryOf = options.expiryOf ?? caseExpiry;
  const col = db.collection(options.collection ?? 'cases');
  const result: RecomputeResult = { scanned: 0, updated: 0, unchanged: 0, conflicts: 0, skipped: 0, keysUpdated: 0, workItemsUpdated: 0 };
  let last: unknown;
  for (;;) {
    const filter = (last === undefined ? {} : { _id: { $gt: last } }) as mongo.Filter<mongo.Document>;
    const batch = await col
      .find(filter, { projection: { _id: 1, closedAt: 1, lastActivityAt: 1, expiresAt: 1 }, sort: { _id: 1 }, limit: batchSize })
      .toArray();
    if (batch.length === 0) break;
    last = batch[batch.length - 1]!._id;
    result.scanned += batch.length;
    const ops: mongo.AnyBulkWriteOperation[] = [];
    const keyOps: mongo.AnyBulkWriteOperation[] = [];
    const itemOps: mongo.AnyBulkWriteOperation[] = [];
    const soon: NoteDoc[] = [];
    for (const d of batch) {
      const from = d.closedAt instanceof Date ? d.closedAt : d.lastActivityAt instanceof Date ? d.lastActivityAt : null;
      if (!from) {
        result.skipped += 1;
        continue;
      }
      const want = expiryOf(from);
      // The case's look-up keys (message_keys, thread_keys) live exactly as long as the case:
      // a key left with the old term would either outlive the case or, expiring first, let a
      // reply after it open a second case. Written for unchanged cases too, which also mends
      // keys an earlier version of this command left behind; `$ne` makes it idempotent.
      keyOps.push({ updateMany: { filter: { caseId: d._id, expiresAt: { $ne: want } }, update: { $set: { expiresAt: want } } } });
      // Its queue row too (work_items, `_id` = the case's; a closed case has none, and none is made).
      itemOps.push({ updateOne: { filter: { _id: d._id, expiresAt: { $ne: want } }, update: { $set: { expiresAt: want } } } });
      const have = d.expiresAt instanceof Date ? d.expiresAt : null;
      if (have && have.getTime() === want.getTime()) {
        result.unchanged += 1;
        continue;
      }
      if (options.noteExpiring && want <= options.noteExpiring.horizon) soon.push({ _id: d._id, expiresAt: want, caseId: String(d._id) });
      ops.push({
        updateOne: { filter: { _id: d._id, expiresAt: have ?? { $exists: false } } as mongo.Filter<mongo.Document>, update: { $set: { expiresAt: want } } },
      });
    }
    if (options.noteExpiring && (options.collection ?? 'cases') === 'cases') {
      const { note } = options.noteExpiring;
      if (soon.length > 0) {
        await note('cases', soon);
        // Their look-up keys follow them (below): noted too, found by caseId (an indexed top-level equality).
        for (const keys of KEY_COLLECTIONS) {
          const ks: NoteDoc[] = [];
          for (const c of soon) for (const k of await db.collection(keys).find({ caseId: c._id }, { projection: { _id: 1 } }).toArray()) ks.push({ _id: k._id, expiresAt: c.expiresAt, caseId: c._id as string });
          await note(keys, ks);
        }
        await note(WORK_ITEMS, soon.map((c) => ({ _id: c._id, expiresAt: c.expiresAt, caseId: String(c._id) })));
      }
    }
    let conflicts = 0;
    if (ops.length > 0) {
      const res = await col.bulkWrite(ops, { ordered: false });
      result.updated += res.modifiedCount;
      conflicts = ops.length - res.matchedCount;
      result.conflicts += conflicts;
    }
    if (conflicts > 0) {
      // Some case changed after it was read (a reply moved its term on, and its keys with it):
      // the keys follow what each case holds now, not the term computed from the old read.
      keyOps.length = 0;
      itemOps.length = 0;
      for (const d of batch) {
        const now = await col.findOne({ _id: d._id }, { projection: { expiresAt: 1 } });
        if (!(now?.expiresAt instanceof Date)) continue;
        keyOps.push({ updateMany: { filter: { caseId: d._id, expiresAt: { $ne: now.expiresAt } }, update: { $set: { expiresAt: now.expiresAt } } } });
        itemOps.push({ updateOne: { filter: { _id: d._id, expiresAt: { $ne: now.expiresAt } }, update: { $set: { expiresAt: now.expiresAt } } } });
      }
    }
    if (keyOps.length > 0 && (options.collection ?? 'cases') === 'cases') {
      for (const keys of KEY_COLLECTIONS) result.keysUpdated += (await db.collection(keys).bulkWrite(keyOps, { ordered: false })).modifiedCount;
      // The kept attachments' blobs (processors/content) follow their content document.
      result.keysUpdated += await alignContentBlobs(db, batch.map((d) => String(d._id)));
    }
    if (itemOps.length > 0 && (options.collection ?? 'cases') === 'cases') {
      result.workItemsUpdated += (await db.collection(WORK_ITEMS).bulkWrite(itemOps, { ordered: false })).modifiedCount;
    }
    if (batch.length < batchSize) break;
  }
  return result;
}

/** Each kept blob's metadata.expiresAt brought in line with its content document's (the case's). */
async function alignContentBlobs(db: mongo.Db, caseIds: readonly string[]): Promise<number> {
  const files = db.collection(`${CONTENT_BUCKET}.files`);
  let n = 0;
  for (const caseId of caseIds) {
    for (const d of await db.collection(CONTENT_COLLECTION).find({ caseId }, { projection: { parts: 1, expiresAt: 1 } }).toArray()) {
      for (const p of (d.parts ?? []) as Array<{ fileId?: string }>) {
        if (!p.fileId) continue;
        n += (await files.updateOne({ _id: new ObjectId(p.fileId), 'metadata.expiresAt': { $ne: d.expiresAt } }, { $set: { 'metadata.expiresAt': d.expiresAt } })).modifiedCount;
      }
    }
  }
  return n;
}

function iso(d: Date | null): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

// The report's parts are processors/retention's (report.ts): the workbench's retention page shows the same.
export { deletionReport, deletionWindowStart, type DeletionReport } from '../processors/retention/index.ts';

const MECHANISM_COLUMNS: readonly DeletionMechanism[] = DELETION_MECHANISMS;

/** The deletion part as an aligned text table: one row per collection, a column per mechanism. */
export function formatDeletions(r: DeletionReport): string {
  const names = [...new Set([...Object.keys(r.ttlOverdue), ...Object.keys(r.deletions)])].sort();
  const header = ['collection', ...MECHANISM_COLUMNS, 'last deletion', 'ttl overdue'];
  const rows = names.map((name) => {
    const row = r.deletions[name] ?? {};
    const cells = Object.values(row);
    const last = cells.length > 0 ? new Date(Math.max(...cells.map((c) => c.last.getTime()))) : null;
    return [name, ...MECHANISM_COLUMNS.map((m) => String(row[m]?.count ?? 0)), iso(last), String(r.ttlOverdue[name] ?? 0)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [`deletions since ${iso(r.since)} (deletion log), by mechanism`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** The report as an aligned text table. */
export function formatReport(report: Record<string, CollectionRetention>): string {
  const header = ['collection', 'documents', 'oldest', 'next expiry', 'overdue', 'no expiresAt', 'mechanism'];
  const rows = Object.entries(report).map(([name, r]) => [
    name,
    String(r.documents),
    iso(r.oldest),
    iso(r.nextExpiry),
    String(r.overdue),
    String(r.missingExpiresAt),
    r.mechanism,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export async function retentionCommand(args: string[], deps: CliDeps = {}): Promise<number> {
  const io = ioOf(deps);
  const [sub, ...rest] = args;
  try {
    if (sub === 'report') {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
      return await withConnection(deps, async (conn) => {
        const db = conn.db!;
        const server = await detectServer(db);
        const report = await retentionReport(db, reportCollections(), io.clock, { server });
        const deletions = await deletionReport(conn, reportCollections(), io.clock());
        if (values.json) {
          io.out(`${JSON.stringify(retentionJson(report, deletions))}\n`);
        } else {
          io.out(`${formatReport(report)}\n${formatDeletions(deletions)}`);
        }
        return 0;
      });
    }
    if (sub === 'recompute') {
      const { values } = parseArgs({
        args: rest,
        options: { 'batch-size': { type: 'string' }, actor: { type: 'string' }, json: { type: 'boolean' } },
        strict: true,
      });
      const raw = values['batch-size'];
      const batchSize = raw === undefined ? RECOMPUTE_BATCH_SIZE : Number(raw);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError('--batch-size must be an integer from 1 to 10000');
      return await withConnection(deps, async (conn, config) => {
        const db = conn.db!;
        const server = await detectServer(db);
        const audit = createAuditLog(conn, { clock: io.clock });
        const noteExpiring = server.ttlIndexes
          ? (() => {
            const r = createTtlReconciler({ db, audit, collections: [], hmacKey: config.keys.hmac, clock: io.clock });
            return { horizon: new Date(io.clock().getTime() + DEFAULT_LOOKAHEAD_MS), note: r.noteDocuments };
          })()
          : undefined;
        const result = await recomputeCaseExpiry(db, { batchSize, ...(noteExpiring ? { noteExpiring } : {}) });
        await audit.record({
          action: 'retention_recompute',
          actor: cliActor(values.actor, 'operator'),
          counts: { cases: result.updated },
        });
        io.out(values.json ? `${JSON.stringify(result)}\n` : `cases: ${result.scanned} scanned, ${result.updated} updated, ${result.unchanged} unchanged, ${result.conflicts} changed meanwhile, ${result.skipped} without dates; ${result.keysUpdated} look-up keys and ${result.workItemsUpdated} queue rows brought in line\n`);
        return 0;
      });
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`kcc retention: ${(err as Error).message}\n${RETENTION_USAGE}`);
      return 2;
    }
    throw err;
  }
}
