/**
 * Claim check: bytes too large for a Kafka record (or never allowed on Kafka, like page
 * images) go to a GridFS bucket; the record carries only the reference.
 *
 * Each blob has `metadata.expiresAt` (register: technical term `claim_check_blob`, days).
 * A TTL index cannot expire GridFS blobs correctly on any server (it would delete the
 * files document and orphan the chunks), so `sweepExpired` deletes both through the
 * bucket; the processors also delete a blob as soon as the case is stored.
 */
import { GridFSBucket, ObjectId, type Db } from 'mongodb';
import { InputError, TransientError } from './errors.ts';
import { retry } from './retry.ts';

/**
 * Index creation: a few quick tries inside one call (a refused DDL on FerretDB, a pool
 * being replaced), then the caller's own backoff takes over (the ingestor waits and tries
 * again). Short on purpose: a put waits at most ~3 s here before it reports the failure.
 */
const INDEX_RETRY = { retries: 4, initialDelayMs: 200, maxDelayMs: 2_000 } as const;

export interface ClaimCheckStore {
  put(bytes: Buffer, expiresAt: Date): Promise<string>;
  get(fileId: string): Promise<Buffer>;
  delete(fileId: string): Promise<void>;
  sweepExpired(now: Date, batchSize?: number): Promise<number>;
  readonly bucketName: string;
}

export function createClaimCheckStore(db: Db, bucketName = 'claimchecks'): ClaimCheckStore {
  const bucket = new GridFSBucket(db, { bucketName, chunkSizeBytes: 255 * 1024 });
  const files = db.collection(`${bucketName}.files`);
  // Only success is remembered. Keeping the first attempt's promise made one refused DDL
  // permanent: every later put and sweep failed with that error until a restart (issue 12:
  // the ingestor tried the same batch 483 times in 4 minutes). Concurrent callers share the
  // attempt in flight; a failed one is dropped, so the next call tries again.
  let indexed = false;
  let indexing: Promise<void> | null = null;
  const ensureIndex = async (): Promise<void> => {
    if (indexed) return;
    indexing ??= retry(async () => {
      try {
        await files.createIndex({ 'metadata.expiresAt': 1 }, { name: 'metadata.expiresAt_1' });
      } catch (err) {
        // Whatever the server said, it is not the message's fault: the caller waits and
        // tries again rather than refusing the mail.
        throw new TransientError('CLAIMCHECK_INDEX_FAILED', 'creating the claim-check expiry index failed', err);
      }
    }, INDEX_RETRY)
      .then(() => { indexed = true; })
      .finally(() => { indexing = null; });
    await indexing;
  };

  return {
    bucketName,
    async put(bytes, expiresAt) {
      await ensureIndex();
      const id = new ObjectId();
      await new Promise<void>((resolve, reject) => {
        const up = bucket.openUploadStreamWithId(id, id.toHexString(), { metadata: { expiresAt } });
        up.once('error', (err) => reject(new TransientError('CLAIMCHECK_WRITE_FAILED', 'storing a claim-check blob failed', err)));
        up.once('finish', () => resolve());
        up.end(bytes);
      });
      return id.toHexString();
    },
    async get(fileId) {
      const id = new ObjectId(fileId);
      const exists = await files.findOne({ _id: id }, { projection: { _id: 1 } });
      if (!exists) throw new InputError('CLAIMCHECK_MISSING', 'claim-check blob not found (expired or already consumed)');
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        bucket.openDownloadStream(id)
          .on('data', (c: Buffer) => chunks.push(c))
          .once('error', (err) => reject(new TransientError('CLAIMCHECK_READ_FAILED', 'reading a claim-check blob failed', err)))
          .once('end', () => resolve());
      });
      return Buffer.concat(chunks);
    },
    async delete(fileId) {
      try {
        await bucket.delete(new ObjectId(fileId));
      } catch (err) {
        // Already gone is the state we wanted.
        if (!/FileNotFound|not found/i.test(String((err as Error).message))) throw err;
      }
    },
    async sweepExpired(now, batchSize = 200) {
      await ensureIndex();
      let deleted = 0;
      for (;;) {
        const batch = await files.find({ 'metadata.expiresAt': { $lte: now } }, { projection: { _id: 1 } }).limit(batchSize).toArray();
        if (batch.length === 0) return deleted;
        for (const f of batch) {
          await this.delete((f._id as ObjectId).toHexString());
          deleted += 1;
        }
      }
    },
  };
}
