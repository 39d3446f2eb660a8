/**
 * The acknowledger's record of a send: the thread key of the acknowledgment's Message-ID is
 * written right after the SMTP server's 250, and checked before every send, so a process
 * killed before it marked the case `sent` does not make the next one send again.
 * Real SMTP (Postfix → Dovecot) and the real database server.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { testCaseStore, intakeMessage } from '../../support/casestore.ts';
import { config, eventually } from '../../support/env.ts';
import { inboxMessageIds, testId } from '../../support/pipeline.ts';
import { ackMessageId, createAcknowledger } from '../../../processors/acknowledge/index.ts';
import type { CaseStore } from '../../../processors/cases/index.ts';
import { silentLogger } from '../../../lib/logger.ts';

describe('acknowledger: one mail per case, also when a sender was killed after the 250', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;
  let store: CaseStore;
  before(async () => { ({ conn, store } = await testCaseStore('test_ack')); });
  after(async () => { await conn.dropDatabase(); await conn.close(); });

  const acknowledger = () => createAcknowledger({
    models: store.models, withCase: store.withCase, smtp: config.smtp, from: `KCC <intake-${testId()}@kcc.test>`,
    messageIdDomain: 'kcc.test', logger: silentLogger(), leaseMs: 1000,
  });

  it('sends, records the thread key first, and marks the case sent', async () => {
    const citizen = `ack-${testId()}@citizens.test`;
    const r = await store.ingest(intakeMessage({ replyAddress: citizen }));
    const a = acknowledger();
    expect(await a.runOnce()).to.equal(1);
    const id = ackMessageId(r.caseId, 'kcc.test');
    expect((await store.models.ThreadKey.findById(id).lean())?.caseId).to.equal(r.caseId);
    expect((await store.models.Case.findById(r.caseId).lean())?.ack?.status).to.equal('sent');
    await eventually(async () => ((await inboxMessageIds(citizen)).length === 1 ? true : undefined), 30_000, 'delivery');
    expect(await inboxMessageIds(citizen)).to.deep.equal([`<${id}>`]);
    expect(a.stats).to.include({ sent: 1, recovered: 0 });
  });

  it('does not send again for a case left "sending" by a killed process after the 250', async () => {
    const citizen = `ack-${testId()}@citizens.test`;
    const r = await store.ingest(intakeMessage({ replyAddress: citizen }));
    const id = ackMessageId(r.caseId, 'kcc.test');
    // What a kill between the 250 and the case update leaves: lease ran out, key written.
    const c = await store.models.Case.findById(r.caseId).lean();
    await store.models.Case.updateOne({ _id: r.caseId }, { $set: { 'ack.status': 'sending', 'ack.leaseUntil': new Date(Date.now() - 1000), 'ack.attempts': 1 } });
    await store.models.ThreadKey.updateOne({ _id: id }, { $set: { caseId: r.caseId, expiresAt: c!.expiresAt } }, { upsert: true });
    const a = acknowledger();
    expect(await a.runOnce()).to.equal(1);
    expect(a.stats).to.include({ sent: 0, recovered: 1 });
    const after = await store.models.Case.findById(r.caseId).lean();
    expect(after?.ack?.status).to.equal('sent');
    expect(after?.ackDue).to.equal(false);
    await new Promise((res) => setTimeout(res, 1500)); // a mail, had one been sent, would be in by now
    expect(await inboxMessageIds(citizen)).to.deep.equal([]);
  });
});
