/**
 * A child process for the orphan-chunk test: one real GridFS upload into the claim-check
 * bucket (its name and chunk size), of a generated blob written piece by piece as a mail
 * arriving over the network would be (argv: MongoDB URL, size in bytes). It reports each
 * piece the server has taken; the test kills it with SIGKILL halfway, as a crash would.
 */
import { randomBytes } from 'node:crypto';
import { GridFSBucket, MongoClient, ObjectId } from 'mongodb';
import { CHUNK_BYTES } from '../../lib/claimcheck.ts';

const [url, size] = process.argv.slice(2);
const total = Number(size);
const client = await MongoClient.connect(url!);
const bucket = new GridFSBucket(client.db(), { bucketName: 'claimchecks', chunkSizeBytes: CHUNK_BYTES });
// As the store does: the id made at upload start, so its timestamp is the upload's age.
const id = new ObjectId();
const up = bucket.openUploadStreamWithId(id, id.toHexString(), { metadata: { expiresAt: new Date(Date.now() + 3 * 86_400_000) } });
process.stdout.write(`started ${id.toHexString()}\n`);
const piece = 1024 * 1024;
for (let written = 0; written < total;) {
  // Random bytes: nothing compresses them, as nothing compresses a scan in a mail.
  const bytes = randomBytes(Math.min(piece, total - written));
  await new Promise<void>((resolve, reject) => up.write(bytes, (err) => (err ? reject(err) : resolve())));
  written += bytes.length;
  process.stdout.write(`wrote ${written}\n`);
}
await new Promise<void>((resolve) => up.end(() => resolve()));
process.stdout.write('done\n');
await client.close();
