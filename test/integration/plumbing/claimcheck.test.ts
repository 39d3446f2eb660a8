/**
 * The claim-check store against the real MongoDB-wire server when its index creation is
 * refused: a refusal is retried with backoff and never remembered (issue 12: one refused
 * DDL made every later put fail until a restart).
 *
 * The refusal is a real one: an index of the same name on another key, which the server
 * rejects with IndexKeySpecsConflict until the test drops it.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { createClaimCheckStore } from '../../../lib/claimcheck.ts';
import { connectTestDb } from '../../support/env.ts';

const INDEX = 'metadata.expiresAt_1';
const later = () => new Date(Date.now() + 3_600_000);

describe('claim-check store: a refused index creation is retried, not kept', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;

  beforeEach(async () => {
    conn = await connectTestDb('kcc_test_claimcheck');
    // The conflicting index: same name, another key. The server refuses ours while it is there.
    await conn.db!.collection('claimchecks.files').createIndex({ 'metadata.other': 1 }, { name: INDEX });
  });
  afterEach(async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  it('a put whose index creation fails once succeeds on the retry, within the same call', async () => {
    const store = createClaimCheckStore(conn.db!);
    const put = store.put(Buffer.from('raw message bytes'), later());
    // The fault passes while the first put is still trying.
    await new Promise((r) => setTimeout(r, 150));
    await conn.db!.collection('claimchecks.files').dropIndex(INDEX);
    const id = await put;
    expect((await store.get(id)).toString()).to.equal('raw message bytes');
    const names = (await conn.db!.collection('claimchecks.files').indexes()).map((i) => i.name);
    expect(names).to.include(INDEX);
  });

  it('after a put that failed for good, the next put and sweep try again and succeed (no restart)', async () => {
    const store = createClaimCheckStore(conn.db!);
    const err = await store.put(Buffer.from('first'), later()).then(() => null, (e: unknown) => e as { code?: string; retriable?: boolean });
    expect(err, 'the first put fails while the conflict is there').to.not.equal(null);

    await conn.db!.collection('claimchecks.files').dropIndex(INDEX);
    const id = await store.put(Buffer.from('second'), new Date(Date.now() - 1000));
    expect((await store.get(id)).toString()).to.equal('second');
    expect(await store.sweepExpired(new Date())).to.equal(1);
    // Reported as worth a retry: the ingestor waits instead of refusing the mail.
    expect(err).to.include({ code: 'CLAIMCHECK_INDEX_FAILED', retriable: true });
  });
});
