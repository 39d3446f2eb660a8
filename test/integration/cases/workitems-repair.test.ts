/**
 * Queue rows written before the subject was masked (issue #16) are brought in line once
 * (processors/cases/repair.ts), at the workbench's start: not only at the case's next write.
 * Old rows are made as the code before the change wrote them: no `rowFormat`, the subject in
 * full.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { testCaseStore, intakeMessage as message } from '../../support/casestore.ts';
import type { CaseStore } from '../../../processors/cases/index.ts';
import { createWorkbench } from '../../../workbench/index.ts';
import { logger } from '../../support/env.ts';
import { startTestWorkbench, workbenchSettings } from '../../support/workbench.ts';

const SUBJECT = (i: number) => `Terugbellen op 06123456${String(i).padStart(2, '0')} of p.de.vries${i}@mail.example`;

describe('work items of an older form: rewritten once from their cases', function () {
  this.timeout(120_000);
  let conn: mongoose.Connection;
  let store: CaseStore;
  const ids: string[] = [];
  before(async () => {
    ({ conn, store } = await testCaseStore('test_wirepair'));
    for (let i = 0; i < 30; i++) ids.push((await store.ingest(message({ subject: SUBJECT(i) }))).caseId);
    // 20 rows as they were before the change: the subject in full, no form recorded.
    const rows = conn.db!.collection<{ _id: string }>('work_items');
    for (const [i, id] of ids.slice(0, 20).entries()) {
      await rows.updateOne({ _id: id }, { $set: { subject: SUBJECT(i) }, $unset: { rowFormat: '' } });
    }
    // A row whose case is gone meanwhile: the repair removes it, as a write would.
    await rows.insertOne({ _id: 'gone-case', caseNumber: 'KCC-2026-999999', line: 'first', status: 'open', subject: SUBJECT(99), waitingSince: new Date(), expiresAt: new Date(Date.now() + 86_400_000) } as never);
  });
  after(async () => { await conn.dropDatabase(); await conn.close(); });

  it('masks every old row, leaves current ones alone, and is a no-op the second time', async () => {
    const rows = conn.db!.collection<{ _id: string; subject?: string; rowFormat?: number }>('work_items');
    const unmasked = async () => (await rows.find({}).toArray()).filter((r) => /p\.de\.vries|0612345/.test(r.subject ?? '')).map((r) => r._id);
    expect((await unmasked()).length).to.equal(21);
    const first = await store.repairWorkItems();
    expect(first.rewritten).to.equal(21);
    expect(await unmasked()).to.deep.equal([]);
    expect(await rows.findOne({ _id: 'gone-case' })).to.equal(null);
    for (const [i, id] of ids.entries()) {
      const r = await rows.findOne({ _id: id });
      expect(r?.subject, id).to.equal(`Terugbellen op ********${String(i).padStart(2, '0')} of p***@mail.example`);
      expect(r?.rowFormat).to.equal(2);
    }
    // The case keeps the subject in full.
    expect((await store.models.Case.findById(ids[0]).lean())?.messages[0]?.subject).to.equal(SUBJECT(0));
    expect((await store.repairWorkItems()).rewritten).to.equal(0);
  });

  it('the workbench does it at its start, before it serves the queue', async () => {
    const t = await startTestWorkbench('test_wirepair_wb');
    try {
      const r = await t.store.ingest(message({ subject: SUBJECT(7) }));
      const rows = t.conn.db!.collection<{ _id: string; subject?: string }>('work_items');
      await rows.updateOne({ _id: r.caseId }, { $set: { subject: SUBJECT(7) }, $unset: { rowFormat: '' } });
      // A second workbench on the same database, as after a deployment: created, not yet serving.
      const wb = await createWorkbench({ settings: workbenchSettings(), conn: t.conn, store: t.store, identity: t.identity, audit: t.audit, logger });
      await wb.stop();
      expect((await rows.findOne({ _id: r.caseId }))?.subject).to.equal('Terugbellen op ********07 of p***@mail.example');
    } finally {
      await t.close();
    }
  });
});
