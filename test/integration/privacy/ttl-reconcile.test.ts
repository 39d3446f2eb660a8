/**
 * The TTL reconciliation (processors/retention) against the real FerretDB. FerretDB 1.24 has
 * no TTL monitor, so the test stands in for MongoDB's: between passes it deletes what has
 * expired, exactly as a TTL index with `expireAfterSeconds: 0` would, and the reconciliation
 * must log exactly those deletions; left in place, they must be reported overdue. The
 * reconciliation's code path is the one the retention role runs against MongoDB.
 */
import { Writable } from 'node:stream';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ObjectId } from 'mongodb';
import { GENERAL_RETENTION } from '../../../config/register.ts';
import { recomputeCaseExpiry, retentionCommand } from '../../../cli/retention.ts';
import { auditCommand } from '../../../cli/audit.ts';
import { createLogger } from '../../../lib/logger.ts';
import { createAuditLog, type AuditLog } from '../../../processors/audit/index.ts';
import { COLLECTION_TERMS, TTL_WATCH_COLLECTION, createTtlReconciler, type TtlReconcilerOptions } from '../../../processors/retention/index.ts';
import { config, eventually, mongoUrlFor, uniqueName } from '../../support/env.ts';
import { createTestPipeline } from '../../support/pipeline.ts';

const T0 = new Date('2032-03-01T10:00:00.000Z');
const MIN = 60_000;
const COLLECTIONS = ['cases', 'message_keys', 'thread_keys', 'identity_documents'] as const;
const hmacKey = Buffer.alloc(32, 7);

describe('privacy/ttl-reconcile: what the TTL index deletes is counted in the deletion log', function () {
  this.timeout(120_000);

  let dbName: string;
  let conn: mongoose.Connection;
  let db: mongoose.mongo.Db;
  let t = T0.getTime();
  const clock = () => new Date(t);
  let audit: AuditLog;
  let logged: string[];

  beforeEach(async () => {
    t = T0.getTime();
    logged = [];
    dbName = uniqueName('kcc_test_ttl').replace(/-/g, '_');
    conn = await mongoose.createConnection(mongoUrlFor(dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
    db = conn.db!;
    audit = createAuditLog(conn, { clock });
    await audit.ensureIndexes();
  });

  afterEach(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  function reconciler(extra: Partial<TtlReconcilerOptions> = {}) {
    const sink = new Writable({ write(chunk, _enc, cb) { logged.push(String(chunk)); cb(); } });
    // Small batches, so the walk's paging and its ties (several documents with one expiresAt) are
    // exercised; a link every pass (the hourly batching has its own test).
    return createTtlReconciler({ db, audit, collections: COLLECTIONS, hmacKey, clock, batchSize: 2, linkEveryMs: 0, logger: createLogger({ level: 'info', destination: sink }), ...extra });
  }

  const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);
  /** A Message-ID that looks like it names a person: it must not be copied into ttl_watch. */
  const messageId = (n: number) => `<jan.jansen.${n}@example.nl>`;

  /** Expired, due within the look-ahead, and far in the future, in each collection. */
  async function seed(): Promise<void> {
    const tie = at(-1 * MIN);
    await db.collection('cases').insertMany([
      { _id: 'c-old', expiresAt: at(-3 * 86_400_000) },
      { _id: 'c-tie-1', expiresAt: tie },
      { _id: 'c-tie-2', expiresAt: tie },
      { _id: 'c-tie-3', expiresAt: tie },
      { _id: 'c-soon', expiresAt: at(5 * MIN) }, // within the look-ahead: noted, not yet due
      { _id: 'c-later', expiresAt: at(40 * 86_400_000) },
    ] as never);
    await db.collection('message_keys').insertMany([
      { _id: 'mk-1', caseId: 'c-tie-1', expiresAt: tie },
      { _id: 'mk-later', caseId: 'c-later', expiresAt: at(40 * 86_400_000) },
    ] as never);
    await db.collection('thread_keys').insertMany([
      { _id: messageId(1), caseId: 'c-tie-1', expiresAt: tie },
      { _id: messageId(2), caseId: 'c-tie-2', expiresAt: tie },
      { _id: messageId(3), caseId: 'c-later', expiresAt: at(40 * 86_400_000) },
    ] as never);
    await db.collection('identity_documents').insertMany([{ _id: new ObjectId(), caseId: 'c-old', expiresAt: at(-10 * MIN) }] as never);
  }

  /** MongoDB's TTL monitor, as FerretDB 1.24 does not have one: delete what has expired; say what went. */
  async function ttlMonitorPass(now: Date): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const c of COLLECTIONS) {
      const res = await db.collection(c).deleteMany({ expiresAt: { $lte: now } });
      if (res.deletedCount > 0) deleted[c] = res.deletedCount;
    }
    return deleted;
  }

  async function ttlLinks() {
    const out = [];
    for await (const e of audit.deletionEntries()) if (e.mechanism === 'ttl_index') out.push(e);
    return out;
  }

  it('logs exactly what the TTL monitor deleted, per collection and term, once', async () => {
    await seed();
    const r = reconciler();
    await r.ensureIndexes();
    const first = await r.runOnce();
    expect(first.noted).to.deep.equal({ cases: 5, message_keys: 1, thread_keys: 2, identity_documents: 1 });
    expect(first.links).to.deep.equal([]);
    // The Message-IDs are not in the notes, only their keyed hashes.
    const notes = await db.collection(TTL_WATCH_COLLECTION).find({}).toArray();
    expect(JSON.stringify(notes)).not.to.include('jan.jansen');
    expect(notes.filter((n) => n.collection === 'thread_keys').every((n) => typeof n.h === 'string' && n.docId === undefined)).to.equal(true);

    t = at(30_000).getTime();
    const deleted = await ttlMonitorPass(clock());
    expect(deleted).to.deep.equal({ cases: 4, message_keys: 1, thread_keys: 2, identity_documents: 1 });

    t = at(MIN).getTime();
    const second = await r.runOnce();
    expect(second.ttlDeleted).to.deep.equal(deleted);
    expect(second.links).to.have.length(1);
    const links = await ttlLinks();
    expect(links).to.have.length(1);
    expect(links[0]).to.include({ kind: 'retention', mechanism: 'ttl_index' });
    expect(links[0]!.ref).to.match(/^ttl:/);
    expect(links[0]!.counts).to.deep.equal([
      { collectionName: 'cases', count: 4, term: GENERAL_RETENTION },
      { collectionName: 'identity_documents', count: 1, term: COLLECTION_TERMS.identity_documents },
      { collectionName: 'message_keys', count: 1, term: GENERAL_RETENTION },
      { collectionName: 'thread_keys', count: 2, term: GENERAL_RETENTION },
    ]);
    expect(COLLECTION_TERMS.identity_documents).to.equal('until:identity_established/P30D');

    // c-soon expires and goes later: counted then, and nothing of the first batch again.
    t = at(6 * MIN).getTime();
    expect(await ttlMonitorPass(clock())).to.deep.equal({ cases: 1 });
    t = at(7 * MIN).getTime();
    expect((await r.runOnce()).ttlDeleted).to.deep.equal({ cases: 1 });
    t = at(8 * MIN).getTime();
    const idle = await r.runOnce();
    expect(idle.ttlDeleted).to.deep.equal({});
    expect(idle.links).to.deep.equal([]);
    expect((await ttlLinks()).map((l) => l.counts.reduce((n, c) => n + c.count, 0))).to.deep.equal([8, 1]);
    // Only what is not due yet is still noted… none: the far ones are beyond the look-ahead.
    expect(await db.collection(TTL_WATCH_COLLECTION).countDocuments({})).to.equal(0);

    // The chain verifies with the new fields, and the report shows the TTL deletions.
    let out = '';
    expect(await auditCommand(['verify'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (out += s), err: () => undefined, clock })).to.equal(0);
    expect(out).to.match(/deletion log intact: 2 link/);
    let json = '';
    expect(await retentionCommand(['report', '--json'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (json += s), err: () => undefined, clock })).to.equal(0);
    const report = JSON.parse(json) as Record<string, { deletions: Record<string, { count: number }>; ttlOverdue: number }>;
    expect(report.cases!.deletions.ttl_index!.count).to.equal(5);
    expect(report.thread_keys!.deletions.ttl_index!.count).to.equal(2);
    expect(report.cases!.ttlOverdue).to.equal(0);
  });

  it('reports documents the TTL monitor leaves in place as overdue: a warning by code, the count in kcc retention report', async () => {
    await seed();
    const r = reconciler();
    await r.ensureIndexes();
    await r.runOnce();
    // No TTL monitor pass: the monitor stopped, or the index was dropped.
    t = at(10 * MIN).getTime();
    const early = await r.runOnce();
    expect(early.overdue).to.deep.equal({ cases: 1, message_keys: 0, thread_keys: 0, identity_documents: 1 }); // only c-old and the ID copy are past the 15 min allowance
    t = at(21 * MIN).getTime(); // c-soon, due at +5 min, is now 16 min late
    const late = await r.runOnce();
    expect(late.overdue).to.deep.equal({ cases: 5, message_keys: 1, thread_keys: 2, identity_documents: 1 });
    expect(late.ttlDeleted).to.deep.equal({});
    expect(await ttlLinks()).to.deep.equal([]);

    const warnings = logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.code === 'RETENTION_TTL_OVERDUE');
    expect(warnings.filter((w) => w.collection === 'thread_keys').map((w) => w.overdue)).to.deep.equal([2]);
    expect(logged.join('\n')).not.to.match(/jan\.jansen|c-tie|c-old/);

    let out = '';
    expect(await retentionCommand(['report'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (out += s), err: () => undefined, clock })).to.equal(0);
    const section = out.slice(out.indexOf('deletions since'));
    const row = section.split('\n').find((l) => l.startsWith('cases '))!;
    expect(row.split(/\s+/).at(-1)).to.equal('5');
    let json = '';
    await retentionCommand(['report', '--json'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (json += s), err: () => undefined, clock });
    expect((JSON.parse(json) as Record<string, { ttlOverdue: number }>).thread_keys!.ttlOverdue).to.equal(2);

    // The monitor comes back: the overdue ones are counted as TTL deletions, and no longer overdue.
    t = at(22 * MIN).getTime();
    await ttlMonitorPass(clock());
    t = at(23 * MIN).getTime();
    const after = await r.runOnce();
    expect(after.ttlDeleted).to.deep.equal({ cases: 5, message_keys: 1, thread_keys: 2, identity_documents: 1 });
    expect(await db.collection(TTL_WATCH_COLLECTION).countDocuments({ overdue: true })).to.equal(0);
  });

  it('does not count as TTL deletions what an erasure or identity established deleted and logged in between', async () => {
    await seed();
    const r = reconciler();
    await r.ensureIndexes();
    await r.runOnce();
    // An erasure of c-tie-1 (its case and keys) and an identity-established deletion of c-old's
    // ID copy, each logged by its own path, before the TTL monitor's pass.
    await db.collection('cases').deleteOne({ _id: 'c-tie-1' } as never);
    await db.collection('message_keys').deleteMany({ caseId: 'c-tie-1' });
    await db.collection('thread_keys').deleteMany({ caseId: 'c-tie-1' });
    await audit.appendDeletion({ kind: 'erasure', mechanism: 'erasure', counts: { cases: 1, message_keys: 1, thread_keys: 1 }, caseIds: ['c-tie-1'], actor: { id: 'cli:fg', role: 'privacy_officer' } });
    await db.collection('identity_documents').deleteMany({ caseId: 'c-old' });
    await audit.appendDeletion({ kind: 'verification', mechanism: 'identity_established', counts: { identity_documents: 1 }, caseIds: ['c-old'], actor: { id: 'agent-017', role: 'first_line' } });
    // And c-soon, erased before it expired, with no link at all: no TTL monitor deletes that early.
    await db.collection('cases').deleteOne({ _id: 'c-soon' } as never);
    t = at(30_000).getTime();
    const deleted = await ttlMonitorPass(clock());
    expect(deleted).to.deep.equal({ cases: 3, thread_keys: 1 });
    t = at(MIN).getTime();
    const res = await r.runOnce();
    expect(res.ttlDeleted).to.deep.equal(deleted);
    expect(res.otherwise).to.deep.equal({ cases: 2, message_keys: 1, thread_keys: 1, identity_documents: 1 });
    expect((await audit.verifyDeletionLog()).ok).to.equal(true);
  });

  it('after a crash between claiming and linking, the next pass links the claimed deletions once', async () => {
    await seed();
    let failing = true;
    const flaky: AuditLog = { ...audit, recordRetentionRun: async (...args) => {
      if (failing) throw Object.assign(new Error('simulated crash'), { code: 'TEST_CRASH' });
      return audit.recordRetentionRun(...args);
    } };
    const r1 = reconciler({ audit: flaky });
    await r1.ensureIndexes();
    await r1.runOnce();
    await ttlMonitorPass(at(30_000));
    t = at(MIN).getTime();
    let crashed = '';
    await r1.runOnce().catch((err: { code?: string }) => void (crashed = err.code ?? ''));
    expect(crashed).to.equal('TEST_CRASH');
    expect(await db.collection(TTL_WATCH_COLLECTION).countDocuments({ state: 'gone' })).to.equal(8);
    expect(await ttlLinks()).to.deep.equal([]);

    // A fresh process (new reconciler, nothing in memory) finds the claimed pass once it is stale.
    failing = false;
    const r2 = reconciler();
    t = at(2 * MIN).getTime();
    expect((await r2.runOnce()).links).to.deep.equal([]); // still fresh: could be a live batch of another process
    t = at(12 * MIN).getTime();
    expect((await r2.runOnce()).links).to.have.length(1);
    t = at(18 * MIN).getTime();
    await r2.runOnce();
    const links = await ttlLinks();
    expect(links).to.have.length(1);
    expect(links[0]!.counts.map((c) => [c.collectionName, c.count])).to.deep.equal([['cases', 4], ['identity_documents', 1], ['message_keys', 1], ['thread_keys', 2]]);
    // The same ref a second time (a crash after the link, before the notes were removed) appends nothing.
    const again = await audit.recordRetentionRun({ cases: 4 }, undefined, { mechanism: 'ttl_index', ref: links[0]!.ref! });
    expect(again!.seq).to.equal(links[0]!.seq);
    expect(await ttlLinks()).to.have.length(1);
  });

  it('the retention role runs the reconciliation only where a TTL monitor deletes; the deleting sweeper logs its own, as sweeper', async () => {
    const p = await createTestPipeline();
    try {
      const pre = await p.db();
      await pre.db!.collection('noncases').insertOne({ _id: 'nc-expired', kind: 'bounce', expiresAt: new Date(Date.now() - MIN) } as never);
      const app = await p.start(['retention']);
      if (app.server.ttlIndexes) {
        // MongoDB / FerretDB 2.x: the TTL monitor deletes, the sweeper only checks, the reconciliation counts.
        expect(app.components.ttlReconciler).to.not.equal(undefined);
        return;
      }
      expect(app.components.ttlReconciler).to.equal(undefined);
      const link = await eventually(async () => {
        const l = await pre.db!.collection('deletion_log').findOne({ 'counts.collectionName': 'noncases' });
        return l ?? undefined;
      }, 30_000, 'the sweeper\'s deletion link');
      expect(link).to.include({ kind: 'retention', mechanism: 'sweeper' });
      expect(await pre.db!.collection(TTL_WATCH_COLLECTION).countDocuments({})).to.equal(0);
    } finally {
      await p.cleanup();
    }
  });

  it('gathers TTL deletions into one link an hour, and links what it holds when stopped', async () => {
    await seed();
    const r = reconciler({ linkEveryMs: 60 * MIN });
    await r.ensureIndexes();
    await r.runOnce();
    await ttlMonitorPass(at(30_000));
    t = at(MIN).getTime();
    const first = await r.runOnce();
    expect(first.claimed).to.deep.equal({ cases: 4, message_keys: 1, thread_keys: 2, identity_documents: 1 });
    expect(first.links).to.deep.equal([]);
    await ttlMonitorPass(at(6 * MIN));
    t = at(7 * MIN).getTime();
    expect((await r.runOnce()).claimed).to.deep.equal({ cases: 1 });
    t = at(61 * MIN).getTime();
    const hour = await r.runOnce();
    expect(hour.links).to.have.length(1);
    expect(hour.ttlDeleted).to.deep.equal({ cases: 5, message_keys: 1, thread_keys: 2, identity_documents: 1 });

    // Another batch, linked at stop rather than left for an hour.
    await db.collection('cases').insertOne({ _id: 'c-next', expiresAt: at(62 * MIN) } as never);
    t = at(62 * MIN).getTime();
    await r.runOnce();
    await ttlMonitorPass(at(63 * MIN));
    t = at(64 * MIN).getTime();
    expect((await r.runOnce()).links).to.deep.equal([]);
    await r.stop();
    const links = await ttlLinks();
    expect(links.map((l) => l.counts.map((c) => `${c.collectionName}:${c.count}`).join(','))).to.deep.equal([
      'cases:5,identity_documents:1,message_keys:1,thread_keys:2',
      'cases:1',
    ]);
  });

  it('counts cases a recompute to a shorter term lets the TTL monitor delete at once, as recompute notes them first', async () => {
    const r = reconciler();
    await r.ensureIndexes();
    const longAgo = new Date(T0.getTime() - 600 * 86_400_000); // closed ~20 months ago: past P18M
    const seedClosed = async (id: string) => {
      await db.collection('cases').insertOne({ _id: id, closedAt: longAgo, lastActivityAt: longAgo, expiresAt: at(400 * 86_400_000) } as never); // kept under a longer term
      await db.collection('message_keys').insertOne({ _id: `mk-${id}`, caseId: id, expiresAt: at(400 * 86_400_000) } as never);
      await db.collection('thread_keys').insertOne({ _id: `<${id}@example.nl>`, caseId: id, expiresAt: at(400 * 86_400_000) } as never);
    };
    // Control: recomputed without notes, the monitor deletes before the walk ever sees them.
    await seedClosed('c-control');
    await r.runOnce();
    expect((await recomputeCaseExpiry(db)).updated).to.equal(1);
    await ttlMonitorPass(at(10_000));
    t = at(MIN).getTime();
    await r.runOnce();
    t = at(2 * MIN).getTime();
    expect((await r.runOnce()).ttlDeleted).to.deep.equal({});

    await seedClosed('c-r1');
    await seedClosed('c-r2');
    const horizon = new Date(t + 15 * MIN);
    expect((await recomputeCaseExpiry(db, { noteExpiring: { horizon, note: r.noteDocuments } })).updated).to.equal(2);
    await ttlMonitorPass(new Date(t + 10_000));
    t += MIN;
    expect((await r.runOnce()).ttlDeleted).to.deep.equal({ cases: 2, message_keys: 2, thread_keys: 2 });
    expect(JSON.stringify(await db.collection(TTL_WATCH_COLLECTION).find({}).toArray())).not.to.include('example.nl');
  });
});
