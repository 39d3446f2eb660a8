/**
 * Refusal replies across crashes: the acknowledgments' rule (the record written right after
 * the SMTP server's 250 is checked before every send), for the refusal outbox. Real SMTP
 * (Postfix → Dovecot) and the real database server.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { testCaseStore } from '../../support/casestore.ts';
import { config, eventually } from '../../support/env.ts';
import { inboxMessageIds, testId } from '../../support/pipeline.ts';
import { createAcknowledger, refusalMessageId } from '../../../processors/acknowledge/index.ts';
import type { CaseStore } from '../../../processors/cases/index.ts';
import { createRefusalStore, type RefusalStore } from '../../../processors/refusals/index.ts';
import { createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { eraseSubject } from '../../../processors/dsar/index.ts';

describe('refusal replies: one per refused message, also when a sender was killed after the 250', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;
  let store: CaseStore;
  let refusals: RefusalStore;
  const hasher = createKeyedHasher(config.keys.hmac);
  before(async () => {
    ({ conn, store } = await testCaseStore('test_refusal_reply'));
    refusals = createRefusalStore(conn, { hasher });
    await refusals.ensureIndexes();
  });
  after(async () => { await conn.dropDatabase(); await conn.close(); });

  const acknowledger = () => createAcknowledger({
    models: store.models, withCase: store.withCase, smtp: config.smtp, from: `KCC <intake-${testId()}@kcc.test>`,
    messageIdDomain: 'kcc.test', logger: silentLogger(), leaseMs: 1000,
    refusals: { models: refusals.models, lock: createDocLock(conn.db!, { enabled: true }) },
  });
  const header = (from: string) => Buffer.from(`From: Burger <${from}>\r\nTo: intake@kcc.test\r\nSubject: Mijn scan\r\nMessage-ID: <${testId()}@citizens.test>\r\n`);

  it('sends one reply, forgets the address, and a second round sends nothing', async () => {
    const citizen = `refused-${testId()}@citizens.test`;
    const key = `test:${testId()}`;
    expect(await refusals.refuse({ key, code: 'INGEST_TOO_LARGE', limit: 36 * 1024 * 1024, size: 41_000_000, header: header(citizen), receivedAt: new Date() })).to.equal('reply_queued');
    expect(await refusals.refuse({ key, code: 'INGEST_TOO_LARGE', limit: 36 * 1024 * 1024, size: 41_000_000, header: header(citizen), receivedAt: new Date() })).to.equal('duplicate');
    const a = acknowledger();
    expect(await a.runOnce()).to.equal(1);
    expect(await a.runOnce()).to.equal(0);
    const r = await refusals.models.Refusal.findById(key).lean();
    expect(r?.reply.status).to.equal('sent');
    expect(r?.replyTo).to.equal(undefined);
    await eventually(async () => ((await inboxMessageIds(citizen)).length === 1 ? true : undefined), 30_000, 'delivery');
    expect(await inboxMessageIds(citizen)).to.deep.equal([`<${refusalMessageId(key, 'kcc.test')}>`]);
  });

  it('does not send again for a refusal left "sending" by a killed process after the 250', async () => {
    const citizen = `refused-${testId()}@citizens.test`;
    const key = `test:${testId()}`;
    const receivedAt = new Date();
    await refusals.refuse({ key, code: 'PARSE_TOO_DEEP', limit: 100, size: 5_000, header: header(citizen), receivedAt });
    // What a kill between the 250 and the refusal update leaves: lease ran out, day marker sent.
    const dayKey = `${hasher.hmac('email', citizen)}:${receivedAt.toISOString().slice(0, 10)}`;
    await refusals.models.Refusal.updateOne({ _id: key }, { $set: { 'reply.status': 'sending', 'reply.leaseUntil': new Date(Date.now() - 1000), 'reply.attempts': 1 } });
    await refusals.models.RefusalSender.collection.insertOne({ _id: dayKey, refusalId: key, sentAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) } as never);
    const a = acknowledger();
    expect(await a.runOnce()).to.equal(1);
    expect(a.refusalStats).to.include({ sent: 0, recovered: 1 });
    const r = await refusals.models.Refusal.findById(key).lean();
    expect(r?.reply.status).to.equal('sent');
    expect(r?.replyTo).to.equal(undefined);
    await new Promise((res) => setTimeout(res, 1500)); // a mail, had one been sent, would be in by now
    expect(await inboxMessageIds(citizen)).to.deep.equal([]);
  });

  it('an erasure request removes a refusal still waiting for its reply, by the same keyed hash', async () => {
    const citizen = `refused-${testId()}@citizens.test`;
    const key = `test:${testId()}`;
    await refusals.refuse({ key, code: 'INGEST_TOO_LARGE', limit: 100, size: 200, header: header(citizen), receivedAt: new Date() });
    const result = await eraseSubject(conn, hasher, { email: citizen }, { actor: { id: 'test', role: 'privacy_officer' } });
    expect(result.counts.refusals).to.equal(1);
    expect(await refusals.models.Refusal.findById(key).lean()).to.equal(null);
  });
});
