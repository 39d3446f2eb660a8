/**
 * Concurrent writers against the real MongoDB-wire server. FerretDB 1.x does not make
 * single-document updates atomic (lib/doclock.ts has the measurements); these tests prove
 * the case store still issues unique case numbers and loses no reply.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { testCaseStore, intakeMessage } from '../../support/casestore.ts';
import type { CaseStore, IntakeMessage } from '../../../processors/cases/index.ts';

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
});
