/**
 * Orphan GridFS chunks (issue 12): an upload killed halfway leaves chunks and no files
 * document, which `sweepExpired` never sees. The retention role finds them by files_id,
 * deletes them once the upload is an hour old, and counts them in the deletion log; chunks
 * of a finished blob, and of an upload younger than an hour, stay.
 *
 * The orphan is real: a child process uploads a generated 24 MiB blob through the claim-check
 * store to the real server and is killed with SIGKILL mid-stream.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import type mongoose from 'mongoose';
import { createApp } from '../../../app/index.ts';
import { createClaimCheckStore } from '../../../lib/claimcheck.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { connectTestDb, eventually } from '../../support/env.ts';
import { createTestPipeline, type TestPipeline } from '../../support/pipeline.ts';

const HOUR = 3_600_000;
const CHILD = fileURLToPath(new URL('../../support/gridfs-upload-child.ts', import.meta.url));

/** Chunks and their data bytes left for one files_id. */
async function leftOf(conn: mongoose.Connection, filesId: ObjectId): Promise<{ chunks: number; bytes: number }> {
  let chunks = 0;
  let bytes = 0;
  for await (const c of conn.db!.collection('claimchecks.chunks').find({ files_id: filesId })) {
    chunks += 1;
    bytes += (c.data as { length(): number }).length();
  }
  return { chunks, bytes };
}

/** Starts a real upload in a child process and SIGKILLs it once it reported `killAt` bytes taken. */
async function killedUpload(url: string, size: number, killAt: number): Promise<ObjectId> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const reached = new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const wrote = [...out.matchAll(/^wrote (\d+)$/gm)].map((m) => Number(m[1]));
      if (wrote.length > 0 && wrote[wrote.length - 1]! >= killAt) resolve();
    });
  });
  try {
    await Promise.race([reached, exited, new Promise((r) => setTimeout(r, 60_000))]);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited, 'killed mid-stream').to.equal('SIGKILL');
  expect(out, 'the upload never finished').to.not.match(/^done$/m);
  const started = /^started ([0-9a-f]{24})$/m.exec(out);
  expect(started, 'the upload started').to.not.equal(null);
  return new ObjectId(started![1]!);
}

describe('orphan GridFS chunks (real server, upload killed mid-stream)', function () {
  this.timeout(180_000);

  describe('the store', () => {
    let conn: mongoose.Connection;
    beforeEach(async () => { conn = await connectTestDb('kcc_test_orphans'); });
    afterEach(async () => {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    });

    it('deletes exactly the orphans, in bounded pages that a later call continues, and never a finished blob or a young upload', async () => {
      const store = createClaimCheckStore(conn.db!);
      const chunks = conn.db!.collection('claimchecks.chunks');
      // Finished blobs: 3 chunks each (255 KiB chunks).
      const live = [await store.put(Buffer.alloc(600 * 1024, 1), new Date(Date.now() + HOUR)), await store.put(Buffer.alloc(600 * 1024, 2), new Date(Date.now() + HOUR))];
      // Orphans as a dead upload leaves them: chunks 0..k of a files_id that began 2 hours
      // ago, and one that began a minute ago (an upload that may still be running).
      const old = (i: number) => ObjectId.createFromTime(Math.floor((Date.now() - 2 * HOUR) / 1000) + i);
      const orphans = [old(1), old(2), old(3), old(4), old(5)];
      const young = ObjectId.createFromTime(Math.floor((Date.now() - 60_000) / 1000));
      for (const [i, id] of [...orphans, young].entries()) {
        await chunks.insertMany(Array.from({ length: 1 + (i % 4) }, (_, n) => ({ _id: new ObjectId(), files_id: id, n, data: Buffer.alloc(10, n) })));
      }
      const orphanChunks = orphans.reduce((n, _, i) => n + 1 + (i % 4), 0);
      const later = new Date(Date.now() + 2 * HOUR); // the finished blobs are two hours old too by then

      // Pages of 2 chunks, at most 2 pages a call: several calls, each bounded, together all.
      let deleted = 0;
      const perCall: number[] = [];
      for (let call = 0; call < 10; call++) {
        const n = await store.sweepOrphans(new Date(Date.now() + 30 * 60_000), { batchSize: 2, maxBatches: 2 });
        perCall.push(n);
        deleted += n;
      }
      // At now + 30 min only orphans older than 1 h count: the five old ones, not the young one.
      expect(deleted).to.equal(orphanChunks);
      expect(perCall.filter((n) => n > 0).length, `per call ${perCall.join(',')}`).to.be.above(1);
      for (const id of orphans) expect(await chunks.countDocuments({ files_id: id })).to.equal(0);
      expect(await chunks.countDocuments({ files_id: young })).to.equal(2);
      // Finished blobs are untouched, even once two hours old.
      expect(await store.sweepOrphans(later)).to.equal(2); // the young one, now old
      for (const id of live) expect((await store.get(id)).length).to.equal(600 * 1024);
      expect(await store.sweepOrphans(later)).to.equal(0);
    });
  });

  describe('the retention role', () => {
    let p: TestPipeline;
    beforeEach(async () => { p = await createTestPipeline({ KCC_SWEEP_INTERVAL_MS: '500' }); });
    afterEach(async () => { await p.cleanup(); });

    it('deletes the chunks of an upload killed halfway and counts them in the deletion log', async () => {
      const conn = await p.db();
      const store = createClaimCheckStore(conn.db!);
      const kept = await store.put(Buffer.alloc(300 * 1024, 7), new Date(Date.now() + 3 * 86_400_000));
      const size = 24 * 1024 * 1024; // ~ the 25 MB of issue 12: 97 chunks of 255 KiB
      const orphan = await killedUpload(p.config.mongoUrl, size, 8 * 1024 * 1024);
      const left = await leftOf(conn, orphan);
      expect(await conn.db!.collection('claimchecks.files').countDocuments({ _id: orphan })).to.equal(0);
      expect(left.chunks).to.be.above(0).and.below(97);

      // Too young yet: the upload might still be running.
      expect(await store.sweepOrphans(new Date())).to.equal(0);
      expect((await leftOf(conn, orphan)).chunks).to.equal(left.chunks);

      // The retention role, two hours later.
      const app = await createApp({ config: p.config, logger: silentLogger(), roles: ['retention'], clock: () => new Date(Date.now() + 2 * HOUR) });
      p.app = app;
      await app.start();
      const db = await p.db();
      const link = await eventually(async () => (await db.collection('deletion_log').findOne({ 'counts.collectionName': 'claim_check_orphan_chunks' })) ?? undefined, 30_000, 'the deletion log entry');
      expect(link.kind).to.equal('retention');
      expect(link.counts).to.deep.include({ collectionName: 'claim_check_orphan_chunks', count: left.chunks });
      const after = await leftOf(conn, orphan);
      console.log(`      killed upload: ${left.chunks} chunks, ${left.bytes} bytes left in GridFS before the sweep; ${after.chunks} chunks, ${after.bytes} bytes after`);
      expect(after).to.deep.equal({ chunks: 0, bytes: 0 });
      // The finished blob is still there.
      expect((await store.get(kept)).length).to.equal(300 * 1024);
    });
  });
});
