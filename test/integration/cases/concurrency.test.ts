/**
 * Concurrent writers against the real MongoDB-wire server. FerretDB 1.x does not make
 * single-document updates atomic (lib/doclock.ts has the measurements); these tests prove
 * the case store still issues unique case numbers and loses no reply.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { connectTestDb, config } from '../../support/env.ts';
import { createCaseStore, type IntakeMessage } from '../../../processors/cases/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { detectServer } from '../../../lib/retention.ts';

function message(i: number, extra: Partial<IntakeMessage> = {}): IntakeMessage {
  return {
    dedupeKey: `k${i}-${Math.random().toString(36).slice(2)}`, channel: 'email', messageId: `m${i}-${Math.random().toString(36).slice(2)}@test`,
    inReplyTo: null, references: [], receivedAt: new Date(), subject: `Vraag ${i}`, text: 'Ik heb een vraag over DigiD.',
    source: { kind: 'imap' }, attachments: [], replyAddress: `c${i}@citizens.test`,
    citizen: { name: null, street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [] },
    bsn: null, representative: null, classification: { topic: 'overig', language: 'nl', confidence: 0, reasons: [] }, wantsAcknowledgment: true,
    ...extra,
  };
}

describe('case store under concurrent writers', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;
  let store: ReturnType<typeof createCaseStore>;
  before(async () => {
    conn = await connectTestDb('test_concurrency');
    const server = await detectServer(conn.db!);
    store = createCaseStore(conn, {
      cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }),
      hasher: createKeyedHasher(config.keys.hmac),
      lock: createDocLock(conn.db!, { enabled: server.flavour !== 'mongodb' }),
    });
    await store.ensureIndexes();
  });
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
