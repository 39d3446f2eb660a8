/**
 * The audit log and the deletion log's hash chain against the real database: the chain
 * verifies, a changed count or a removed link is found at the right place, concurrent
 * appends give one contiguous chain, and `kcc audit verify|export` say the same.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { addDuration, technicalRetentionFor } from '../../../config/register.ts';
import { auditCommand } from '../../../cli/audit.ts';
import {
  GENESIS_HASH,
  createAuditLog,
  createRetentionRecorder,
  deletionEntryHash,
  parseDeletionJson,
  verifyChain,
  type AuditLog,
  type DeletionEntry,
} from '../../../processors/audit/index.ts';
import { config, mongoUrlFor, uniqueName } from '../../support/env.ts';

const T0 = new Date('2031-05-01T08:00:00.000Z');
const agent = { id: 'agent-017', role: 'first_line' };
const dpo = { id: 'cli:fg', role: 'privacy_officer' };

describe('privacy/audit: audit log and tamper-evident deletion log', function () {
  this.timeout(60_000);

  let dbName: string;
  let conn: mongoose.Connection;
  let db: mongoose.mongo.Db;
  let t = T0.getTime();
  const clock = () => new Date(t);
  let audit: AuditLog;

  before(async () => {
    dbName = uniqueName('kcc_test_audit').replace(/-/g, '_');
    conn = await mongoose.createConnection(mongoUrlFor(dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
    db = conn.db!;
    audit = createAuditLog(conn, { clock });
    await audit.ensureIndexes();
  });

  after(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await auditCommand(args, { config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (out += s), err: (s) => void (err += s), clock });
    return { code, out, err };
  }

  describe('audit entries', () => {
    it('records who, what, which case and when, expiring after the register term for the audit log', async () => {
      const e = await audit.record({ actor: agent, action: 'read', caseId: 'case-a' });
      expect(e.action).to.equal('read');
      expect(e.at.toISOString()).to.equal(T0.toISOString());
      expect(e.expiresAt.toISOString()).to.equal(addDuration(T0, technicalRetentionFor('audit_log')).toISOString());
      expect(e.expiresAt.toISOString()).to.equal('2033-05-01T08:00:00.000Z'); // P24M
      const stored = await db.collection('audit_log').findOne({ caseId: 'case-a' });
      expect(stored!.actor).to.deep.equal(agent);
      expect(stored!.expiresAt.toISOString()).to.equal('2033-05-01T08:00:00.000Z');
    });

    it('stores counts sorted by collection and refuses what does not belong in an audit entry', async () => {
      const e = await audit.record({ actor: dpo, action: 'export', counts: { survey_invitations: 1, cases: 2 }, subjectHashes: ['email:ab'] });
      expect(e.counts).to.deep.equal([{ collectionName: 'cases', count: 2 }, { collectionName: 'survey_invitations', count: 1 }]);
      const refused = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (err) {
          return (err as { code?: string }).code;
        }
        return 'accepted';
      };
      expect(await refused(audit.record({ actor: { id: 'jan@example.org', role: 'agent' }, action: 'read' }))).to.equal('AUDIT_BAD_ACTOR');
      expect(await refused(audit.record({ actor: agent, action: 'peek' as never }))).to.equal('AUDIT_BAD_ACTION');
      expect(await refused(audit.record({ actor: agent, action: 'read', counts: { cases: -1 } }))).to.equal('AUDIT_BAD_COUNT');
      // The schema is strict: a field that is not declared (and categorised) cannot be stored.
      let thrown: unknown;
      try {
        await audit.models.AuditEntry.create({ at: T0, actor: agent, action: 'read', expiresAt: T0, email: 'x@example.org' } as never);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, 'strict schema refuses undeclared fields').to.be.instanceOf(Error);
    });
  });

  describe('deletion log', () => {
    it('verifies an empty log, then a chain of appended links starting from the genesis hash', async () => {
      expect(await audit.verifyDeletionLog()).to.deep.equal({ ok: true, entries: 0, head: null });
      const links: DeletionEntry[] = [];
      links.push(await audit.appendDeletion({ kind: 'retention', counts: { cases: 120, noncases: 7 }, actor: { id: 'system:retention', role: 'system' } }));
      t += 60_000;
      links.push(await audit.appendDeletion({ kind: 'verification', counts: { id_documents: 1 }, caseIds: ['case-b'], actor: agent }));
      t += 60_000;
      links.push(await audit.appendDeletion({ kind: 'erasure', counts: { cases: 2, survey_invitations: 1 }, caseIds: ['case-d', 'case-c'], actor: dpo }));
      t += 60_000;
      links.push(await audit.appendDeletion({ kind: 'retention', counts: { cases: 3 }, actor: { id: 'system:retention', role: 'system' } }));
      expect(links.map((l) => l.seq)).to.deep.equal([1, 2, 3, 4]);
      expect(links[0]!.prevHash).to.equal(GENESIS_HASH);
      for (let i = 1; i < links.length; i++) expect(links[i]!.prevHash).to.equal(links[i - 1]!.hash);
      expect(links[2]!.caseIds).to.deep.equal(['case-c', 'case-d']);
      const report = await audit.verifyDeletionLog();
      expect(report).to.deep.equal({ ok: true, entries: 4, head: { seq: 4, hash: links[3]!.hash } });
      // The hash is over the content: recomputing from the stored link gives the stored hash.
      const stored = [];
      for await (const e of audit.deletionEntries()) stored.push(e);
      expect(stored.map((e) => deletionEntryHash(e))).to.deep.equal(links.map((l) => l.hash));
    });

    it('reports the link whose count was changed directly in the database', async () => {
      await db.collection('deletion_log').updateOne({ _id: 3 as never }, { $set: { 'counts.0.count': 1 } });
      const report = await audit.verifyDeletionLog();
      expect(report.ok).to.equal(false);
      expect(report.broken).to.include({ seq: 3, reason: 'hash_mismatch' });
      expect(report.head?.seq, 'last good link').to.equal(2);
      expect(report.entries).to.equal(3);
      await db.collection('deletion_log').updateOne({ _id: 3 as never }, { $set: { 'counts.0.count': 2 } });
      expect((await audit.verifyDeletionLog()).ok, 'restored').to.equal(true);
    });

    it('reports a re-hashed link at the next one, and a removed link as a gap', async () => {
      // Change a link and recompute its own hash: the next link's prevHash no longer fits.
      const two = (await db.collection('deletion_log').findOne({ _id: 2 as never }))!;
      const forged = { ...parseDeletionJson({ ...two, seq: two._id, at: two.at.toISOString() }), counts: [{ collectionName: 'id_documents', count: 0 }] };
      await db.collection('deletion_log').updateOne({ _id: 2 as never }, { $set: { counts: forged.counts, hash: deletionEntryHash(forged) } });
      let report = await audit.verifyDeletionLog();
      expect(report.broken).to.include({ seq: 3, reason: 'prev_hash_mismatch' });
      await db.collection('deletion_log').replaceOne({ _id: 2 as never }, two);
      expect((await audit.verifyDeletionLog()).ok).to.equal(true);

      await db.collection('deletion_log').deleteOne({ _id: 3 as never });
      report = await audit.verifyDeletionLog();
      expect(report.broken).to.include({ seq: 4, reason: 'sequence_gap' });
    });

    it('kcc audit verify says so with exit code 1, and names the link', async () => {
      const r = await cli(['verify']);
      expect(r.code).to.equal(1);
      expect(r.out).to.match(/BROKEN at link #4 \(sequence_gap\)/);
      const json = await cli(['verify', '--json']);
      expect(JSON.parse(json.out).broken.seq).to.equal(4);
    });
  });

  describe('concurrent appends', () => {
    it('20 parallel appends give a contiguous chain that verifies', async () => {
      await db.collection('deletion_log').deleteMany({});
      const n = 20;
      // Count the retries: proof that the writers really collided and the duplicate-key path ran.
      let retries = 0;
      const contended = createAuditLog(conn, { clock, pause: async () => void (retries += 1) });
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => contended.appendDeletion({ kind: 'retention', counts: { cases: i + 1 }, actor: { id: `system:sweeper-${i}`, role: 'system' } })),
      );
      expect(results.map((r) => r.seq).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
      // Every writer's own link made it, exactly once.
      const counts = [];
      for await (const e of audit.deletionEntries()) counts.push(e.counts[0]!.count);
      expect(counts.sort((a, b) => a - b)).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
      const report = await audit.verifyDeletionLog();
      expect(report).to.include({ ok: true, entries: n });
      expect(report.head!.seq).to.equal(n);
      expect(retries, 'appends collided and were retried').to.be.greaterThan(0);
    });

    it('two independent audit logs on separate connections append to one chain', async () => {
      const other = await mongoose.createConnection(mongoUrlFor(dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
      try {
        const second = createAuditLog(other, { clock });
        await Promise.all([
          ...Array.from({ length: 5 }, () => audit.appendDeletion({ kind: 'erasure', counts: { cases: 1 }, actor: dpo })),
          ...Array.from({ length: 5 }, () => second.appendDeletion({ kind: 'erasure', counts: { cases: 1 }, actor: dpo })),
        ]);
      } finally {
        await other.close();
      }
      expect(await audit.verifyDeletionLog()).to.include({ ok: true, entries: 30 });
    });
  });

  describe('retention runs', () => {
    it('a run that deleted something leaves one link and one audit entry; an empty run leaves none', async () => {
      const before = await db.collection('deletion_log').countDocuments();
      expect(await audit.recordRetentionRun({ cases: 0, noncases: 0 })).to.equal(null);
      const link = await audit.recordRetentionRun({ cases: 4, noncases: 0 });
      expect(link!.kind).to.equal('retention');
      expect(link!.counts).to.deep.equal([{ collectionName: 'cases', count: 4 }]);
      expect(await db.collection('deletion_log').countDocuments()).to.equal(before + 1);
      const entry = await db.collection('audit_log').findOne({ action: 'retention_deletion' });
      expect(entry!.counts).to.deep.equal([{ collectionName: 'cases', count: 4 }]);
      expect(entry!.actor).to.deep.equal({ id: 'system:retention', role: 'system' });
    });

    it('the sweeper hook queues one link per collection with deletions', async () => {
      const before = await db.collection('deletion_log').countDocuments();
      const recorder = createRetentionRecorder(audit);
      recorder.onDeleted('cases', 2);
      recorder.onDeleted('noncases', 0);
      recorder.onDeleted('audit_log', 5);
      await recorder.flush();
      expect(await db.collection('deletion_log').countDocuments()).to.equal(before + 2);
      expect((await audit.verifyDeletionLog()).ok).to.equal(true);
    });
  });

  describe('kcc audit export', () => {
    it('writes JSON lines, deletion links in chain order, that verify offline', async () => {
      const r = await cli(['export', '--log', 'deletion']);
      expect(r.code).to.equal(0);
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.every((l) => l.log === 'deletion')).to.equal(true);
      const report = verifyChain(lines.map(parseDeletionJson));
      expect(report.ok).to.equal(true);
      expect(report.entries).to.equal(lines.length);
      // Offline, a changed line is found too.
      const tampered = lines.map(parseDeletionJson);
      tampered[5]!.counts = [{ collectionName: 'cases', count: 999 }];
      expect(verifyChain(tampered).broken).to.include({ seq: 6, reason: 'hash_mismatch' });
    });

    it('filters by --from (inclusive) and --to (exclusive), and refuses a bad date', async () => {
      const all = (await cli(['export', '--log', 'audit'])).out.trim().split('\n').map((l) => JSON.parse(l) as { at: string; log: string });
      expect(all.length).to.be.greaterThan(2);
      expect(all.every((l) => l.log === 'audit')).to.equal(true);
      const first = all[0]!.at;
      const later = all.find((l) => l.at > first)!.at;
      const from = (await cli(['export', '--log', 'audit', '--from', later])).out.trim().split('\n').map((l) => JSON.parse(l) as { at: string });
      expect(from.every((l) => l.at >= later)).to.equal(true);
      expect(from.length).to.equal(all.filter((l) => l.at >= later).length);
      const to = (await cli(['export', '--log', 'audit', '--to', later])).out.trim().split('\n').map((l) => JSON.parse(l) as { at: string });
      expect(to.length).to.equal(all.filter((l) => l.at < later).length);
      const bad = await cli(['export', '--from', 'yesterday']);
      expect(bad.code).to.equal(2);
      expect(bad.err).to.match(/--from must be an ISO 8601/);
    });
  });
});
