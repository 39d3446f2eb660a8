/**
 * Claim check: bytes too large for a Kafka record (or never allowed on Kafka, like page
 * images) go to a GridFS bucket; the record carries only the reference.
 *
 * Each blob has `metadata.expiresAt` (register: technical term `claim_check_blob`, days).
 * A TTL index cannot expire GridFS blobs correctly on any server (it would delete the
 * files document and orphan the chunks), so `sweepExpired` deletes both through the
 * bucket; the processors also delete a blob as soon as the case is stored.
 *
 * An upload that dies halfway (a killed process, a dropped connection) leaves chunks and
 * no files document: GridFS writes the files document last. `sweepExpired` walks files
 * documents, so those chunks, raw mail with BSNs and IBANs in it, would stay for ever
 * (issue 12: 96 chunks, ~25 MB). `sweepOrphans` finds them by their files_id and deletes
 * them once the upload is an hour old.
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
  /** Deletes chunks without a files document whose upload began over `minAgeMs` ago; returns the chunks deleted. */
  sweepOrphans(now: Date, options?: OrphanSweepOptions): Promise<number>;
  readonly bucketName: string;
}

export interface OrphanSweepOptions {
  /** Default 1 hour. */
  minAgeMs?: number;
  /** Chunks read per query (their files_id only), default 500. */
  batchSize?: number;
  /** Queries per call, default 20; a later call goes on where this one stopped. */
  maxBatches?: number;
}

/**
 * An upload still running has no files document yet either. A chunk's age is that of its
 * files_id: an ObjectId this store makes when the upload starts (put), so its timestamp is
 * the upload's start. Our largest message (50 MiB) uploads in seconds; an hour leaves no
 * doubt that the upload is over, and an orphan lives at most an hour and a sweep period.
 */
export const ORPHAN_MIN_AGE_MS = 3_600_000;

/** GridFS's default chunk size (255 KiB): under the 16 MiB document limit with room, and the driver's own choice. */
export const CHUNK_BYTES = 255 * 1024;

export function createClaimCheckStore(db: Db, bucketName = 'claimchecks'): ClaimCheckStore {
  const bucket = new GridFSBucket(db, { bucketName, chunkSizeBytes: CHUNK_BYTES });
  const files = db.collection(`${bucketName}.files`);
  const chunks = db.collection(`${bucketName}.chunks`);
  // Where the orphan sweep stopped when it ran out of batches (null: from the start).
  let orphanResume: ObjectId | null = null;
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
    async sweepOrphans(now, options = {}) {
      const minAgeMs = options.minAgeMs ?? ORPHAN_MIN_AGE_MS;
      const batchSize = options.batchSize ?? 500;
      const maxBatches = options.maxBatches ?? 20;
      const cutoff = ObjectId.createFromTime(Math.floor((now.getTime() - minAgeMs) / 1000));
      let deleted = 0;
      // Pages of chunks ordered by files_id, past the last file looked at. Each file is
      // settled whole (its files document looked up by _id, its chunks deleted by files_id:
      // equality on indexed fields, fast on FerretDB too), so a page cut inside a file's
      // chunks loses nothing. Only the files_id of each chunk is read, never its data; on
      // FerretDB the range still reads the chunks table (it pushes down equality only),
      // which holds only blobs in flight, and a call reads at most `maxBatches` pages.
      for (let page = 0; page < maxBatches; page++) {
        const range: Record<string, ObjectId> = { $lt: cutoff };
        if (orphanResume) range.$gt = orphanResume;
        const rows = await chunks.find({ files_id: range }, { projection: { _id: 0, files_id: 1 } })
          .sort({ files_id: 1 }).limit(batchSize).toArray();
        const ids: ObjectId[] = [];
        for (const r of rows) {
          const id = r.files_id as ObjectId;
          if (!ids.length || !ids[ids.length - 1]!.equals(id)) ids.push(id);
        }
        for (const id of ids) {
          if (await files.findOne({ _id: id }, { projection: { _id: 1 } })) continue;
          deleted += (await chunks.deleteMany({ files_id: id })).deletedCount;
        }
        if (rows.length < batchSize) {
          orphanResume = null;
          return deleted;
        }
        orphanResume = ids[ids.length - 1]!;
      }
      return deleted;
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
