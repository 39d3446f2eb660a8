/**
 * Concurrent writers against the real MongoDB-wire server. FerretDB 1.x does not make
 * single-document updates atomic (lib/doclock.ts has the measurements); these tests prove
 * the case store still issues unique case numbers and loses no reply.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock, type DocLock } from '../../../lib/doclock.ts';
import { config, mongoUrlFor, uniqueName } from '../../support/env.ts';
import { testCaseStore, intakeMessage } from '../../support/casestore.ts';
import { createCaseStore, workItemOf, type CaseDoc, type CaseStore, type IntakeMessage } from '../../../processors/cases/index.ts';

const message = (_i: number, extra: Partial<IntakeMessage> = {}) => intakeMessage(extra);

describe('case store under concurrent writers', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;
  let store: CaseStore;
  before(async () => { ({ conn, store } = await testCaseStore('test_concurrency')); });
  after(async () => { await conn.dropDatabase(); await conn.close(); });

  it('issues a distinct case number to each of 30 cases created at once', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.ingest(message(i))));
    const numbers = results.map((r) => r.caseNumber);
    expect(new Set(numbers).size).to.equal(30);
    expect(results.every((r) => r.created)).to.equal(true);
  });

  it('keeps every one of 10 replies written to one case at once', async () => {
    const first = message(100);
    const opened = await store.ingest(first);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.ingest(message(200 + i, { inReplyTo: first.messageId }))));
    const c = await store.models.Case.findById(opened.caseId).lean();
    expect(c!.messages.length).to.equal(11);
  });

  it('does not open a second case when the same message is handled twice at once', async () => {
    const m = message(300);
    const [a, b] = await Promise.all([store.ingest(m), store.ingest(m)]);
    expect(a.caseId).to.equal(b.caseId);
    expect(await store.models.Case.countDocuments({ _id: m.dedupeKey })).to.equal(1);
    expect([a.created, b.created].filter(Boolean).length).to.equal(1);
  });

  it('rewrites the queue row only while holding the case\'s lock, also after a threaded message', async () => {
    // A row rewritten outside the lock can land after a newer one (its read was older) and
    // leave the queue stale until the next write: every update or delete of a work item must
    // come while its case's lock is held. Observed on the wire (command monitoring), on the
    // real server, while citizens write and agents act on one case at once.
    const name = uniqueName('test_rowlock').replace(/-/g, '_');
    const mconn = await mongoose.createConnection(mongoUrlFor(name), { serverSelectionTimeoutMS: 10_000, monitorCommands: true, maxPoolSize: 5 }).asPromise();
    try {
      const real = createDocLock(mconn.db!, { enabled: true });
      const held = new Set<string>();
      const lock: DocLock = {
        enabled: true,
        withLock: (key, fn) => real.withLock(key, async () => {
          held.add(key);
          try { return await fn(); } finally { held.delete(key); }
        }),
      };
      const s = createCaseStore(mconn, { cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }), hasher: createKeyedHasher(config.keys.hmac), lock });
      await s.ensureIndexes();
      const unlocked: string[] = [];
      mconn.getClient().on('commandStarted', (ev: { commandName: string; command: Record<string, unknown> }) => {
        const kind = ev.commandName === 'update' ? 'updates' : ev.commandName === 'delete' ? 'deletes' : null;
        if (!kind || ev.command[ev.commandName] !== 'work_items') return;
        for (const op of (ev.command[kind] as Array<{ q: { _id?: unknown } }>)) {
          if (typeof op.q._id === 'string' && !held.has(`case:${op.q._id}`)) unlocked.push(ev.commandName);
        }
      });
      const first = message(400);
      const opened = await s.ingest(first);
      const agent = { id: 'agent-conc', role: 'first_line' };
      await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => s.ingest(message(500 + i, { inReplyTo: first.messageId }))),
        ...Array.from({ length: 3 }, () => s.desk.noteIdentityDecision(opened.caseId, agent, 'not_established', 0)),
      ]);
      // And a redelivery of a threaded message (the repair path).
      await s.ingest(message(600, { inReplyTo: first.messageId, dedupeKey: 'redelivered-600' }));
      await s.ingest(message(600, { inReplyTo: first.messageId, dedupeKey: 'redelivered-600' }));
      const c = await s.models.Case.findById(opened.caseId, { bsnSealed: 0, lookup: 0, notes: 0, journal: 0 }).lean<CaseDoc>();
      const row = await s.models.WorkItem.findById(opened.caseId).lean();
      expect(row?.version).to.equal(workItemOf(c!)!.version);
      expect(unlocked, 'work-item writes outside the case lock').to.deep.equal([]);
    } finally {
      await mconn.dropDatabase().catch(() => undefined);
      await mconn.close();
    }
  });
});
