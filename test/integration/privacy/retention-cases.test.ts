/**
 * Retention of real cases against the real database, with an injected clock (nothing here
 * sleeps): cases past `expiresAt` are deleted by the sweeper (FerretDB 1.x has no TTL
 * indexes — detectServer says so), cases before it stay, closing a case restarts its term,
 * `kcc retention recompute` rewrites terms idempotently, `kcc retention report` shows it.
 * One test runs only against MongoDB: the TTL index itself.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { RETENTION_COLLECTIONS } from '../../../app/index.ts';
import { recomputeCaseExpiry, retentionCommand } from '../../../cli/retention.ts';
import { addDuration, GENERAL_RETENTION } from '../../../config/register.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { createRetentionSweeper, detectServer, ensureTtlIndexes, sweeperModeFor, type ServerInfo } from '../../../lib/retention.ts';
import { createAuditLog, type AuditLog } from '../../../processors/audit/index.ts';
import { caseExpiry, createCaseStore, type CaseStore, type IntakeMessage } from '../../../processors/cases/index.ts';
import { config, mongoUrlFor, uniqueName } from '../../support/env.ts';

// Far enough in the future that a real TTL monitor (on MongoDB) never deletes these cases
// by the wall clock while the test runs: only the injected clock moves time here.
const T0 = new Date('2040-01-10T09:00:00.000Z');
const DAY = 86_400_000;
const ms = (d: Date) => d.getTime();

let n = 0;
function message(subject: string): IntakeMessage {
  n += 1;
  const key = `ret-${n}-${randomBytes(6).toString('hex')}`;
  return {
    dedupeKey: key, channel: 'email', messageId: `${key}@example.org`, inReplyTo: null, references: [],
    receivedAt: T0, subject, text: 'Een vraag over DigiD.', source: { kind: 'imap', mailbox: 'INBOX', uidValidity: '1', uid: n },
    attachments: [], replyAddress: null, bsn: null, representative: null,
    citizen: { name: null, street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [] },
    classification: { topic: 'digid', language: 'nl', confidence: 0.9, reasons: ['test'] }, wantsAcknowledgment: false,
  };
}

describe('privacy/retention of cases: sweeper, closure, recompute, report', function () {
  this.timeout(60_000);

  let dbName: string;
  let conn: mongoose.Connection;
  let db: mongoose.mongo.Db;
  let server: ServerInfo;
  let store: CaseStore;
  let audit: AuditLog;
  let now = T0;
  const clock = () => now;

  before(async () => {
    dbName = uniqueName('kcc_test_retcases').replace(/-/g, '_');
    conn = await mongoose.createConnection(mongoUrlFor(dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
    db = conn.db!;
    server = await detectServer(db);
    store = createCaseStore(conn, { cipher: createFieldCipher({ keys: { k1: randomBytes(32) }, activeKeyId: 'k1' }), hasher: createKeyedHasher(randomBytes(32)), clock });
    audit = createAuditLog(conn, { clock });
    await store.ensureIndexes();
    await ensureTtlIndexes(db, RETENTION_COLLECTIONS, server);
  });

  after(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  /** The sweeper in the mode that deletes: the semantics FerretDB 1.x relies on. */
  const sweeper = () => createRetentionSweeper({ db, collections: RETENTION_COLLECTIONS, mode: 'delete', clock, batchSize: 2 });
  const exists = async (id: string) => (await db.collection('cases').countDocuments({ _id: id as never })) === 1;

  it('detectServer tells whether the server has TTL indexes, and the sweeper mode follows', async () => {
    const info = await db.command({ buildInfo: 1 });
    const ferret = (info.ferretdbVersion ?? info.ferretdb?.version) as string | undefined;
    if (ferret !== undefined && /^v?1\./.test(ferret)) {
      expect(server).to.include({ flavour: 'ferretdb', ttlIndexes: false });
    }
    expect(sweeperModeFor(server)).to.equal(server.ttlIndexes ? 'check' : 'delete');
  });

  describe('expiry by the sweeper', () => {
    const ids = { open: '', closed: '', replied: '' };

    before(async () => {
      now = T0;
      ids.open = (await store.ingest(message('open'))).caseId;
      ids.closed = (await store.ingest(message('closed later'))).caseId;
      ids.replied = (await store.ingest(message('citizen replies later'))).caseId;
    });

    it('gives a new case expiresAt = receipt + 18 months (register term)', async () => {
      const c = await store.models.Case.findById(ids.open).lean();
      expect(ms(c!.expiresAt)).to.equal(ms(addDuration(T0, GENERAL_RETENTION)));
      expect(c!.expiresAt.toISOString()).to.equal('2041-07-10T09:00:00.000Z');
    });

    it('closing a case restarts its term from the closure', async () => {
      now = new Date(ms(T0) + 60 * DAY);
      await store.close(ids.closed, now);
      const c = await store.models.Case.findById(ids.closed).lean();
      expect(ms(c!.closedAt!)).to.equal(ms(now));
      expect(ms(c!.expiresAt)).to.equal(ms(caseExpiry(now)));
      expect(ms(c!.expiresAt)).to.be.greaterThan(ms(addDuration(T0, GENERAL_RETENTION)));
    });

    it('a reply restarts the term from the last activity', async () => {
      now = new Date(ms(T0) + 90 * DAY);
      const reply = message('Re: citizen replies later');
      const first = await store.models.Case.findById(ids.replied).lean();
      reply.inReplyTo = first!.threadIds[0]!;
      const r = await store.ingest(reply);
      expect(r.threaded).to.equal(true);
      const c = await store.models.Case.findById(ids.replied).lean();
      expect(ms(c!.expiresAt)).to.equal(ms(caseExpiry(now)));
    });

    it('keeps every case until its expiresAt, to the millisecond', async () => {
      now = new Date(ms(addDuration(T0, GENERAL_RETENTION)) - 1);
      const counts = await sweeper().runOnce();
      expect(counts.cases).to.equal(0);
      expect([await exists(ids.open), await exists(ids.closed), await exists(ids.replied)]).to.deep.equal([true, true, true]);
    });

    it('deletes a case once past expiresAt, and only that one; the run is recorded in the deletion log', async () => {
      now = new Date(ms(addDuration(T0, GENERAL_RETENTION)) + 1);
      const counts = await sweeper().runOnce();
      expect(counts.cases).to.equal(1);
      expect([await exists(ids.open), await exists(ids.closed), await exists(ids.replied)]).to.deep.equal([false, true, true]);
      const link = await audit.recordRetentionRun(counts);
      // The case's look-up keys (message_keys, thread_keys) and its queue row (work_items) expire with it.
      expect(link!.counts).to.deep.equal([{ collectionName: 'cases', count: 1 }, { collectionName: 'message_keys', count: 1 }, { collectionName: 'thread_keys', count: 1 }, { collectionName: 'work_items', count: 1 }]);
      expect(await audit.verifyDeletionLog()).to.include({ ok: true, entries: 1 });
    });

    it('deletes the closed and the replied-to case when their own terms end', async () => {
      const closedEnd = caseExpiry(new Date(ms(T0) + 60 * DAY));
      const repliedEnd = caseExpiry(new Date(ms(T0) + 90 * DAY));
      now = new Date(ms(closedEnd) + 1);
      expect((await sweeper().runOnce()).cases).to.equal(1);
      expect([await exists(ids.closed), await exists(ids.replied)]).to.deep.equal([false, true]);
      now = new Date(ms(repliedEnd) + 1);
      expect((await sweeper().runOnce()).cases).to.equal(1);
      expect(await exists(ids.replied)).to.equal(false);
    });
  });

  describe('recompute', () => {
    const ids: string[] = [];

    before(async () => {
      now = T0;
      await db.collection('cases').deleteMany({});
      for (let i = 0; i < 5; i++) ids.push((await store.ingest(message(`recompute ${i}`))).caseId);
      await store.close(ids[0]!, new Date(ms(T0) + 10 * DAY));
      // As if written under an older, shorter term, and one without any expiresAt.
      await db.collection('cases').updateMany({ _id: { $in: [ids[1], ids[2]] as never[] } }, { $set: { expiresAt: addDuration(T0, 'P12M') } });
      // Their look-up keys too (what recompute before 2026-11-28 left: keys on the old term).
      for (const name of ['message_keys', 'thread_keys']) {
        await db.collection(name).updateMany({ caseId: { $in: [ids[1], ids[2]] } }, { $set: { expiresAt: addDuration(T0, 'P12M') } });
      }
      // And their queue rows (work_items, keyed by the case's _id): before 2026-12-02 recompute left them behind.
      await db.collection('work_items').updateMany({ _id: { $in: [ids[1], ids[2]] as never[] } }, { $set: { expiresAt: addDuration(T0, 'P12M') } });
      await db.collection('cases').updateOne({ _id: ids[3] as never }, { $unset: { expiresAt: 1 } });
    });

    it('rewrites expiresAt from (closedAt ?? lastActivityAt) + the register term, in batches', async () => {
      const r = await recomputeCaseExpiry(db, { batchSize: 2 });
      // Keys: the message key and thread key of each of the two cases whose keys were behind.
      expect(r).to.deep.equal({ scanned: 5, updated: 3, unchanged: 2, conflicts: 0, skipped: 0, keysUpdated: 4, workItemsUpdated: 2 });
      const docs = await db.collection('cases').find({}).toArray();
      for (const d of docs) expect(ms(d.expiresAt), String(d._id)).to.equal(ms(caseExpiry(d.closedAt ?? d.lastActivityAt)));
    });

    it('brings the cases\' look-up keys to the same term, so none outlives or predeceases its case', async () => {
      for (const name of ['message_keys', 'thread_keys']) {
        const keys = await db.collection<{ caseId: string; expiresAt: Date }>(name).find({ caseId: { $in: ids } }).toArray();
        expect(keys.length, name).to.equal(5);
        for (const k of keys) {
          const c = await db.collection('cases').findOne({ _id: k.caseId as never });
          expect(ms(k.expiresAt), `${name} of ${k.caseId}`).to.equal(ms(c!.expiresAt));
        }
      }
    });

    it('brings the queue rows (work_items) to the case\'s term, so the queue never lists a case past its term or loses a live one', async () => {
      const items = await db.collection<{ _id: string; expiresAt: Date }>('work_items').find({ _id: { $in: ids } as never }).toArray();
      // The closed case has no queue row; the other four have one each.
      expect(items.length).to.equal(4);
      for (const w of items) {
        const c = await db.collection('cases').findOne({ _id: w._id as never });
        expect(ms(w.expiresAt), `work item of ${w._id}`).to.equal(ms(c!.expiresAt));
      }
    });

    it('changes nothing when run a second time', async () => {
      const before = await db.collection('cases').find({}, { sort: { _id: 1 } }).toArray();
      const r = await recomputeCaseExpiry(db, { batchSize: 2 });
      expect(r).to.deep.equal({ scanned: 5, updated: 0, unchanged: 5, conflicts: 0, skipped: 0, keysUpdated: 0, workItemsUpdated: 0 });
      expect(await db.collection('cases').find({}, { sort: { _id: 1 } }).toArray()).to.deep.equal(before);
    });

    it('a shorter term makes cases overdue, and the sweeper then deletes them', async () => {
      const shorter = (from: Date) => addDuration(from, 'P12M');
      expect((await recomputeCaseExpiry(db, { batchSize: 3, expiryOf: shorter })).updated).to.equal(5);
      now = new Date(ms(addDuration(T0, 'P12M')) + 1);
      expect((await sweeper().runOnce()).cases).to.equal(4); // the one closed 10 days later survives
      expect(await db.collection('cases').countDocuments()).to.equal(1);
      expect((await recomputeCaseExpiry(db, { expiryOf: shorter })).updated).to.equal(0);
    });

    it('kcc retention recompute prints counts and records an audit entry; a second run updates nothing', async () => {
      const run = async () => {
        let out = '';
        const code = await retentionCommand(['recompute', '--json'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (out += s), err: () => undefined, clock });
        expect(code).to.equal(0);
        return JSON.parse(out) as { updated: number; scanned: number };
      };
      expect(await run()).to.include({ scanned: 1, updated: 1 }); // back from P12M to the register's P18M
      expect(await run()).to.include({ scanned: 1, updated: 0 });
      const entries = await db.collection('audit_log').find({ action: 'retention_recompute' }).toArray();
      expect(entries.map((e) => e.counts)).to.deep.equal([[{ collectionName: 'cases', count: 1 }], [{ collectionName: 'cases', count: 0 }]]);
    });
  });

  describe('report', () => {
    it('kcc retention report lists every retention collection with counts and mechanism', async () => {
      now = T0;
      let out = '';
      const code = await retentionCommand(['report'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (out += s), err: () => undefined, clock });
      expect(code).to.equal(0);
      const lines = out.trim().split('\n');
      expect(lines[0]).to.match(/^collection\s+documents\s+oldest\s+next expiry\s+overdue\s+no expiresAt\s+mechanism$/);
      const casesRow = lines.find((l) => l.startsWith('cases '))!;
      const mechanism = server.ttlIndexes ? 'ttl' : 'sweeper';
      expect(casesRow.split(/\s+/)).to.deep.equal(['cases', '1', '2040-01-10T09:00:00Z', caseExpiry(new Date(ms(T0) + 10 * DAY)).toISOString().replace('.000Z', 'Z'), '0', '0', mechanism]);
      for (const c of [...RETENTION_COLLECTIONS, 'audit_log']) expect(lines.some((l) => l.startsWith(`${c} `)), c).to.equal(true);

      let json = '';
      await retentionCommand(['report', '--json'], { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (json += s), err: () => undefined, clock });
      const parsed = JSON.parse(json) as Record<string, { documents: number; mechanism: string }>;
      expect(parsed.cases).to.include({ documents: 1, mechanism });
    });

    it('refuses an unknown subcommand with the usage text', async () => {
      let err = '';
      const code = await retentionCommand(['purge'], { config, out: () => undefined, err: (s) => void (err += s) });
      expect(code).to.equal(2);
      expect(err).to.match(/unknown subcommand "purge"[\s\S]*kcc retention report/);
    });
  });

  it('creates the TTL index on cases with expireAfterSeconds 0 (runs only against MongoDB; skipped on FerretDB, which has no TTL indexes)', async function () {
    if (server.flavour !== 'mongodb') {
      // The one skip in this suite, by design: the TTL index exists only where the server has TTL.
      process.stdout.write(`      skipped: this test runs only against MongoDB; the server here is ${server.flavour} ${server.version}, without TTL indexes (the sweeper deletes instead)\n`);
      this.skip();
    }
    const listed = await db.collection('cases').listIndexes().toArray();
    const ttl = listed.filter((ix) => Object.keys(ix.key as object).join() === 'expiresAt');
    expect(ttl).to.have.length(1);
    expect(ttl[0]!.expireAfterSeconds).to.equal(0);
    expect(ttl[0]!.name).to.equal('expiresAt_ttl');
  });
});
