/**
 * store.ingestNew: new cases written together (one insert per collection) must give exactly
 * what ingest() gives one message at a time — distinct numbers, look-up keys, duplicates
 * recognised, replies threaded — and one bad message must not take the others down.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { testCaseStore, intakeMessage as message } from '../../support/casestore.ts';
import { isFreshCase, type CaseStore, type IntakeOutcome, type IntakeResult } from '../../../processors/cases/index.ts';

const ok = (o: IntakeOutcome): IntakeResult => {
  if ('error' in o) throw new Error(`unexpected error outcome: ${String(o.error)}`);
  return o;
};

describe('case store: new cases written together (ingestNew)', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;
  let store: CaseStore;
  before(async () => { ({ conn, store } = await testCaseStore('test_batch')); });
  after(async () => { await conn.dropDatabase(); await conn.close(); });

  it('tells a message that opens a case from one that may belong to one', () => {
    expect(isFreshCase(message())).to.equal(true);
    expect(isFreshCase(message({ inReplyTo: 'x@y' }))).to.equal(false);
    expect(isFreshCase(message({ references: ['x@y'] }))).to.equal(false);
    expect(isFreshCase(message({ subject: 'Re: KCC-2026-000123' }))).to.equal(false);
  });

  it('stores 40 new cases with distinct numbers, each with its message and thread key', async () => {
    const ms = Array.from({ length: 40 }, () => message());
    const rs = (await store.ingestNew(ms)).map(ok);
    expect(rs.every((r) => r.created && !r.duplicate && !r.threaded)).to.equal(true);
    expect(new Set(rs.map((r) => r.caseNumber)).size).to.equal(40);
    for (const [i, m] of ms.entries()) {
      const c = await store.models.Case.findById(m.dedupeKey).lean();
      expect(c?.caseNumber, m.dedupeKey).to.equal(rs[i]!.caseNumber);
      expect((await store.models.MessageKey.findById(m.dedupeKey).lean())?.caseId).to.equal(m.dedupeKey);
      expect((await store.models.ThreadKey.findById(m.messageId).lean())?.caseId).to.equal(m.dedupeKey);
      expect(await store.models.CaseNumber.exists({ _id: rs[i]!.caseNumber })).to.not.equal(null);
    }
  });

  it('numbers from a batch and from single writes never collide, also at the same time', async () => {
    const [batch, singles] = await Promise.all([
      store.ingestNew(Array.from({ length: 20 }, () => message())),
      Promise.all(Array.from({ length: 10 }, () => store.ingest(message()))),
    ]);
    const numbers = [...batch.map(ok), ...singles].map((r) => r.caseNumber);
    expect(new Set(numbers).size).to.equal(30);
  });

  it('recognises a message stored before, in an earlier call or twice in one, and opens no second case', async () => {
    const before = message();
    const first = ok((await store.ingestNew([before]))[0]!);
    const again = message();
    const rs = (await store.ingestNew([before, again, again])).map(ok);
    expect(rs[0]).to.include({ caseId: before.dedupeKey, caseNumber: first.caseNumber, duplicate: true, created: false });
    expect(rs[1]).to.include({ caseId: again.dedupeKey, created: true });
    expect(rs[2]).to.include({ caseId: again.dedupeKey, caseNumber: rs[1]!.caseNumber, duplicate: true, created: false });
    expect(await store.models.Case.countDocuments({ _id: { $in: [before.dedupeKey, again.dedupeKey] } })).to.equal(2);
  });

  it('keeps partition order: a reply after its first message threads onto it, one before it cannot', async () => {
    const root = message();
    const reply = message({ inReplyTo: root.messageId, references: [root.messageId!] });
    const [r0, r1] = (await store.ingestNew([root, reply])).map(ok);
    expect(r0).to.include({ caseId: root.dedupeKey, created: true });
    expect(r1).to.include({ caseId: root.dedupeKey, threaded: true });
    const c = await store.models.Case.findById(root.dedupeKey).lean();
    expect(c!.messages.map((x) => x.dedupeKey)).to.deep.equal([root.dedupeKey, reply.dedupeKey]);

    // As one message at a time would: the early reply opens its own case.
    const root2 = message();
    const early = message({ inReplyTo: root2.messageId, references: [root2.messageId!] });
    const [e0, e1] = (await store.ingestNew([early, root2])).map(ok);
    expect(e0).to.include({ caseId: early.dedupeKey, created: true, threaded: false });
    expect(e1).to.include({ caseId: root2.dedupeKey, created: true });
  });

  it('puts a redelivered reply where its first delivery went, even after its thread key moved on', async () => {
    const m1 = message();
    const reply = message({ inReplyTo: m1.messageId, references: [m1.messageId!] });
    const c1 = ok((await store.ingestNew([m1, reply]))[0]!);
    // A different message with the same Message-ID opens a case and takes the thread key.
    const m1again = message({ messageId: m1.messageId });
    const c2 = ok((await store.ingestNew([m1again]))[0]!);
    expect((await store.models.ThreadKey.findById(m1.messageId).lean())?.caseId).to.equal(c2.caseId);
    // The reply comes again (Kafka redelivery after a crash): a duplicate on its first case.
    const again = ok((await store.ingestNew([reply]))[0]!);
    expect(again).to.include({ caseId: c1.caseId, duplicate: true });
    const second = await store.models.Case.findById(c2.caseId).lean();
    expect(second!.messages.map((x) => x.dedupeKey)).to.deep.equal([m1again.dedupeKey]);
  });

  it('returns the error of a message the schema refuses, and stores the others', async () => {
    const good = [message(), message()];
    const bad = message({ attachments: [{ filename: 'x.pdf', contentType: 'application/pdf', size: 1, sha256: 'a'.repeat(64), kind: 'not-a-kind' as never }] });
    const rs = await store.ingestNew([good[0]!, bad, good[1]!]);
    expect('error' in rs[1]!).to.equal(true);
    expect(ok(rs[0]!).created).to.equal(true);
    expect(ok(rs[2]!).created).to.equal(true);
    expect(await store.models.Case.exists({ _id: bad.dedupeKey })).to.equal(null);
  });
});
