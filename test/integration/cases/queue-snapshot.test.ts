/**
 * The two ways the queue is answered give the same pages: the indexed query (MongoDB) and
 * the snapshot of the open work (FerretDB 1.x, processors/cases/queue-snapshot.ts). Both run
 * here against the real server on the same generated work items, for every filter the
 * workbench offers, following every page's cursor to the end, counts included.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { connectTestDb, config } from '../../support/env.ts';
import { createCaseStore, type CaseStore } from '../../../processors/cases/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { detectServer } from '../../../lib/retention.ts';
import { prng } from '../../support/letters/render.ts';
import type { QueueFilter } from '../../../processors/cases/work.ts';
import type { WorkItemDoc } from '../../../processors/cases/model.ts';

describe('queue: snapshot and indexed query agree (real server)', function () {
  this.timeout(120_000);
  let conn: mongoose.Connection;
  let direct: CaseStore;
  let snap: CaseStore;

  before(async () => {
    conn = await connectTestDb('queuesnap');
    const server = await detectServer(conn.db!);
    const deps = {
      cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }),
      hasher: createKeyedHasher(config.keys.hmac),
      lock: createDocLock(conn.db!, { enabled: server.flavour !== 'mongodb' }),
    };
    direct = createCaseStore(conn, deps);
    snap = createCaseStore(conn, { ...deps, queueSnapshot: { maxStaleMs: 0 } });
    await direct.ensureIndexes();
    // 240 items: few distinct times (ties on waitingSince decide by _id), every line, status and field, some without topic or assignee.
    const rnd = prng(15);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const items: WorkItemDoc[] = [];
    for (let i = 0; i < 240; i++) {
      const topic = pick(['digid_activering', 'berichtenbox', 'overig', undefined]);
      const assignee = pick(['agent-a', 'agent-b', undefined, undefined]);
      items.push({
        _id: `${Math.floor(rnd() * 1e12).toString(16).padStart(12, '0')}${i}`, caseNumber: `KCC-2026-${String(i).padStart(6, '0')}`,
        line: pick(['first', 'first', 'second', 'screening']), status: pick(['open', 'open', 'waiting', 'escalated']),
        ...(topic ? { topic, confidence: 0.5 } : {}), language: pick(['nl', 'en']), channel: pick(['email', 'letter']), subject: `Vraag ${i}`,
        waitingSince: new Date(Date.UTC(2026, 10, 1 + Math.floor(rnd() * 20), 9)), receivedAt: new Date(Date.UTC(2026, 10, 1)),
        ...(assignee ? { assigneeId: assignee } : {}), wroteAgain: rnd() < 0.1, version: 1, expiresAt: new Date(Date.UTC(2028, 0, 1)),
      });
    }
    await direct.models.WorkItem.insertMany(items);
  });
  after(async () => { await conn.dropDatabase().catch(() => undefined); await conn.close(); });

  async function all(store: CaseStore, f: QueueFilter, limit: number) {
    const pages: Array<{ ids: string[]; next: string | null; counts: Record<string, number> }> = [];
    let after: string | null = null;
    do {
      const p = await store.desk.queue(f, { after, limit });
      pages.push({ ids: p.items.map((w) => w._id), next: p.next, counts: p.topicCounts });
      after = p.next;
    } while (after && pages.length < 100);
    return pages;
  }

  const filters: QueueFilter[] = [
    {}, { line: 'first' }, { line: 'second' }, { line: 'screening' },
    { line: 'first', statuses: ['waiting'] }, { line: 'first', statuses: ['open', 'escalated'] }, { statuses: ['closed'] },
    { line: 'first', topic: 'berichtenbox' }, { line: 'first', language: 'en' }, { line: 'second', channel: 'letter' },
    { line: 'first', assignee: 'mine', agentId: 'agent-a' }, { line: 'first', assignee: 'unassigned' }, { assignee: 'mine' },
    { line: 'first', topic: 'overig', language: 'nl', channel: 'email', assignee: 'unassigned' },
  ];
  for (const f of filters) {
    it(`same pages and counts for ${JSON.stringify(f)}`, async () => {
      const a = await all(direct, f, 17);
      const b = await all(snap, f, 17);
      expect(b).to.deep.equal(a);
      // Closed cases have no work item; "mine" without an agent is nobody's.
      const empty = f.statuses?.includes('closed') || (f.assignee === 'mine' && !f.agentId);
      if (empty) expect(a.flatMap((p) => p.ids)).to.deep.equal([]);
      else expect(a.flatMap((p) => p.ids).length, 'the filter finds something').to.be.greaterThan(0);
    });
  }

  it('a bad cursor is refused the same way by both', async () => {
    for (const s of [direct, snap]) {
      const err = await s.desk.queue({}, { after: 'bm90LWEtY3Vyc29y' }).then(() => null, (e: unknown) => e as { code?: string });
      expect(err?.code).to.equal('QUEUE_BAD_CURSOR');
    }
  });
});
