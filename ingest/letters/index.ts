/**
 * Letter ingestor: takes the scanning street's output from a drop folder and from an
 * authenticated HTTP upload, and publishes each file to the letters topic as pages by claim
 * check (GridFS), never as Kafka payload.
 *
 * Drop folder (`dropDir`):
 *   <dropDir>/scan_0012.pdf      waiting; read once size and mtime are unchanged over two polls
 *   <dropDir>/done/              published: moved here only after Kafka acknowledged
 *   <dropDir>/rejected/          refused, each with `<file>.reason.txt` (code, reason, no personal data)
 * Hidden files and `*.part` / `*.tmp` are someone's file in the making and are left alone.
 * The folder is polled, not watched with inotify: scanners write to network shares (SMB,
 * NFS), where change notification is unreliable or absent; a poll is two readdir+stat calls.
 * One ingestor per drop folder.
 *
 * Why nothing is lost or doubled: the folder is the queue. A file still in it has not been
 * acknowledged by Kafka, so after a crash it is published again; the processor recognises
 * the repeat by its dedupe key (SHA-256 of the bytes). Broken files are refused *here*,
 * before any blob or record exists: limits on bytes, pages and pixels are checked from
 * headers (processors/pages), so a 20 000 × 20 000 PNG or a 500-page TIFF costs nothing.
 *
 * HTTP upload: `POST /letters` with `Authorization: Bearer <token>` and the file as the body
 * (application/pdf, image/png, image/jpeg, image/tiff or application/octet-stream). The body
 * is written into the drop folder (as `.part`, then renamed) and handled at once by the same
 * code as a dropped file: 202 published, 422 rejected (with the reason file), 202 queued when
 * Kafka or the database is down (the file waits in the folder for the next poll).
 *
 * done/ and rejected/ hold citizens' letters and possibly ID copies, so they are emptied on a
 * term too: done/ after the claim-check term (the file is in the pipeline by then), rejected/
 * after the ID-copy upper bound (time for an operator to look at it).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { addDuration, DEFAULT_ID_COPY_UPPER_BOUND, durationToMilliseconds, technicalRetentionFor } from '../../config/register.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { encode, LetterRawV1, sha256Of, type LetterPageV1 } from '../../lib/contracts.ts';
import { errorCode, InputError, isRetriable, PipelineError } from '../../lib/errors.ts';
import type { Bus, Producer } from '../../lib/kafka/index.ts';
import type { Logger } from '../../lib/logger.ts';
import { DEFAULT_PAGE_LIMITS, sniff, splitDocument, type PageLimits } from '../../processors/pages/index.ts';

export interface LetterIngestorOptions {
  dropDir: string;
  bus: Bus;
  claimChecks: ClaimCheckStore;
  topics: { letterRaw: string };
  logger: Logger;
  pollIntervalMs?: number;
  limits?: PageLimits;
  /** Bearer-token HTTP upload; null or absent: no upload endpoint. */
  upload?: { host: string; port: number; token: string } | null;
  doneRetentionMs?: number;
  rejectedRetentionMs?: number;
  clock?: () => Date;
}

export type FileOutcome =
  | { status: 'published'; sha256: string; pages: number }
  | { status: 'rejected'; code: string; reason: string }
  | { status: 'deferred'; code: string }
  | { status: 'skipped' };

export interface LetterIngestor {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One poll of the drop folder (start() runs it on a timer). */
  pollOnce(): Promise<void>;
  /** Delete files in done/ and rejected/ past their term. */
  sweepFolders(): Promise<{ done: number; rejected: number }>;
  /** `http://host:port` of the upload endpoint once started, else null. */
  readonly uploadUrl: string | null;
  readonly stats: { published: number; rejected: number; deferred: number; unexpected: number; uploads: number };
}

const DEFAULT_POLL_MS = 2000;
// An unexpected error (a bug, a library crash on odd input) is tried this often before the
// file is refused, so one strange file cannot stall the folder forever.
const MAX_UNEXPECTED_FAILURES = 3;
// Folders are swept at most this often: done/ may hold thousands of files, and terms are days.
const FOLDER_SWEEP_EVERY_MS = 10 * 60_000;
const REASON_SUFFIX = '.reason.txt';
const UPLOAD_EXTENSIONS: Record<string, string> = { pdf: 'pdf', png: 'png', jpeg: 'jpg', tiff: 'tif' };
const UPLOAD_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'application/octet-stream'];

/** Someone's file in the making, or ours: left alone. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~') || /\.(?:part|tmp|crdownload)$/i.test(name) || name.endsWith(REASON_SUFFIX);
}

/** A reason text carries a code and our own message, never the file's content. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 500);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function createLetterIngestor(o: LetterIngestorOptions): LetterIngestor {
  const log = o.logger.child({ stage: 'ingest-letters' });
  const clock = o.clock ?? (() => new Date());
  const limits: Required<PageLimits> = { ...DEFAULT_PAGE_LIMITS, ...o.limits };
  const pollMs = o.pollIntervalMs ?? DEFAULT_POLL_MS;
  const doneDir = join(o.dropDir, 'done');
  const rejectedDir = join(o.dropDir, 'rejected');
  const blobTerm = technicalRetentionFor('claim_check_blob');
  const doneRetentionMs = o.doneRetentionMs ?? durationToMilliseconds(blobTerm);
  const rejectedRetentionMs = o.rejectedRetentionMs ?? durationToMilliseconds(DEFAULT_ID_COPY_UPPER_BOUND);
  const stats = { published: 0, rejected: 0, deferred: 0, unexpected: 0, uploads: 0 };
  /** Last seen size and mtime per waiting file: the stable-file check. */
  const seen = new Map<string, { size: number; mtimeMs: number }>();
  const failures = new Map<string, number>();
  const inFlight = new Set<string>();
  let producer: Producer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let lastSweep = 0;
  let stopped = false;
  let http: FastifyInstance | null = null;
  let uploadUrl: string | null = null;

  async function ensureDirs(): Promise<void> {
    for (const d of [o.dropDir, doneDir, rejectedDir]) await mkdir(d, { recursive: true });
  }

  /** `name`, or `name-2.ext`, … when a file of that name is already there (a scanner reuses names). */
  async function freeName(dir: string, name: string): Promise<string> {
    const ext = extname(name);
    const base = name.slice(0, name.length - ext.length);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${base}-${n}${ext}`;
      try {
        await lstat(join(dir, candidate));
      } catch {
        try {
          await lstat(join(dir, candidate + REASON_SUFFIX));
        } catch {
          return candidate;
        }
      }
    }
  }

  async function moveTo(dir: string, name: string): Promise<string> {
    const target = await freeName(dir, name);
    await rename(join(o.dropDir, name), join(dir, target));
    // The folder term runs from the move, not from the scan (rename keeps the mtime).
    const t = clock();
    await utimes(join(dir, target), t, t).catch(() => undefined);
    return target;
  }

  async function reject(name: string, code: string, reason: string, sha256: string | null): Promise<FileOutcome> {
    const target = await freeName(rejectedDir, name);
    const text = [`code: ${code}`, `reason: ${oneLine(reason)}`, `at: ${clock().toISOString()}`, ...(sha256 ? [`sha256: ${sha256}`] : []), ''].join('\n');
    // The reason first: a crash before the move leaves the file in the folder, refused again next poll.
    const reasonPath = join(rejectedDir, target + REASON_SUFFIX);
    await writeFile(reasonPath + '.part', text, { mode: 0o600 });
    await rename(reasonPath + '.part', reasonPath);
    await rename(join(o.dropDir, name), join(rejectedDir, target));
    // Both files' term runs from now (the folder sweep goes by mtime).
    const t = clock();
    await utimes(join(rejectedDir, target), t, t).catch(() => undefined);
    await utimes(reasonPath, t, t).catch(() => undefined);
    stats.rejected += 1;
    seen.delete(name);
    failures.delete(name);
    log.warn({ code }, 'letter file rejected');
    return { status: 'rejected', code, reason: oneLine(reason) };
  }

  async function publish(name: string, via: 'drop' | 'upload'): Promise<FileOutcome> {
    const path = join(o.dropDir, name);
    const st = await lstat(path);
    if (!st.isFile()) return reject(name, 'LETTERS_NOT_A_FILE', 'not a regular file (links and folders are not read)', null);
    if (st.size > limits.maxBytes) return reject(name, 'PAGES_TOO_LARGE', 'the document is larger than allowed', null);
    const bytes = await readFile(path);
    const sha256 = sha256Of(bytes);
    let split;
    try {
      split = await splitDocument(bytes, name, limits);
    } catch (err) {
      if (err instanceof InputError) return reject(name, err.code, err.message, sha256);
      throw err;
    }
    const now = clock();
    const expiresAt = addDuration(now, blobTerm);
    const pages: LetterPageV1[] = [];
    try {
      for (const p of split.pages) {
        const body = p.image ?? Buffer.from(p.text ?? '', 'utf8');
        const fileId = await o.claimChecks.put(body, expiresAt);
        pages.push({ index: p.index, content: p.image ? (p.mime ?? 'image/png') : 'text/plain', size: body.length, ref: { type: 'claim_check', bucket: o.claimChecks.bucketName, fileId } });
      }
      const record: LetterRawV1 = {
        schemaVersion: 1,
        source: { kind: 'letter', via, file: name.slice(0, 255) },
        receivedAt: now.toISOString(),
        sha256,
        size: bytes.length,
        format: split.format,
        pages,
      };
      producer ??= await o.bus.producer();
      // Keyed by content: a file published twice lands on one partition, in order.
      await producer.send(o.topics.letterRaw, [{ key: sha256, value: encode(LetterRawV1, record) }]);
    } catch (err) {
      // Not published: the blobs would only wait for their expiry. The file stays for the next poll.
      for (const p of pages) await o.claimChecks.delete(p.ref.fileId).catch(() => undefined);
      throw err;
    }
    await moveTo(doneDir, name);
    stats.published += 1;
    seen.delete(name);
    failures.delete(name);
    log.info({ pages: pages.length, format: split.format, via }, 'letter published');
    return { status: 'published', sha256, pages: pages.length };
  }

  /** Publish or refuse one file in the drop folder; never throws. */
  async function handleFile(name: string, via: 'drop' | 'upload'): Promise<FileOutcome> {
    if (inFlight.has(name)) return { status: 'skipped' };
    inFlight.add(name);
    try {
      return await publish(name, via);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return { status: 'skipped' }; // taken away meanwhile
      if (isRetriable(err)) {
        stats.deferred += 1;
        log.warn({ code: errorCode(err) }, 'letter not published yet (dependency unavailable); it stays in the folder');
        return { status: 'deferred', code: errorCode(err) };
      }
      const n = (failures.get(name) ?? 0) + 1;
      failures.set(name, n);
      stats.unexpected += 1;
      log.error({ code: errorCode(err), attempt: n, err: { name: (err as Error).name, stack: (err as Error).stack } }, 'unexpected error while ingesting a letter');
      if (n >= MAX_UNEXPECTED_FAILURES) {
        try {
          return await reject(name, errorCode(err), err instanceof PipelineError ? err.message : 'the file could not be processed', null);
        } catch {
          return { status: 'deferred', code: errorCode(err) };
        }
      }
      return { status: 'deferred', code: errorCode(err) };
    } finally {
      inFlight.delete(name);
    }
  }

  async function pollOnce(): Promise<void> {
    await ensureDirs();
    const entries = await readdir(o.dropDir, { withFileTypes: true });
    const present = new Set<string>();
    for (const e of entries) {
      if (stopped) return;
      if (e.isDirectory() || ignored(e.name)) continue;
      present.add(e.name);
      if (inFlight.has(e.name)) continue;
      let st;
      try {
        st = await lstat(join(o.dropDir, e.name));
      } catch {
        continue;
      }
      const prev = seen.get(e.name);
      if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
        // New or still being written: look again next poll.
        seen.set(e.name, { size: st.size, mtimeMs: st.mtimeMs });
        continue;
      }
      await handleFile(e.name, 'drop');
    }
    for (const name of [...seen.keys()]) if (!present.has(name)) seen.delete(name);
    for (const name of [...failures.keys()]) if (!present.has(name)) failures.delete(name);
    if (clock().getTime() - lastSweep >= FOLDER_SWEEP_EVERY_MS) await sweepFolders();
  }

  async function sweepDir(dir: string, termMs: number): Promise<number> {
    const cutoff = clock().getTime() - termMs;
    let n = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const p = join(dir, name);
      try {
        const st = await lstat(p);
        if (st.isFile() && st.mtimeMs <= cutoff) {
          await unlink(p);
          n += 1;
        }
      } catch {
        // gone meanwhile
      }
    }
    return n;
  }

  async function sweepFolders(): Promise<{ done: number; rejected: number }> {
    lastSweep = clock().getTime();
    const done = await sweepDir(doneDir, doneRetentionMs);
    const rejected = await sweepDir(rejectedDir, rejectedRetentionMs);
    if (done + rejected > 0) log.info({ done, rejected }, 'letter folders: files past their term deleted');
    return { done, rejected };
  }

  function tick(): void {
    if (polling || stopped) return;
    polling = pollOnce()
      .catch((err: unknown) => log.error({ code: errorCode(err) }, 'polling the letter drop folder failed'))
      .finally(() => {
        polling = null;
      });
  }

  async function startUpload(u: { host: string; port: number; token: string }): Promise<void> {
    const expected = digest(u.token);
    const app = Fastify({ logger: false, bodyLimit: limits.maxBytes });
    // Only the document types: fastify's own JSON and text parsers would accept other bodies.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // Authentication before the body is read: a stranger cannot make us store 25 MiB.
    app.addHook('onRequest', async (req, reply) => {
      const h = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(h);
      // Digests of equal length: the comparison takes the same time whatever the guess.
      if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
        await reply.code(401).header('www-authenticate', 'Bearer realm="kcc-letters"').send({ code: 'LETTERS_UNAUTHORISED', reason: 'a valid bearer token is required' });
      }
    });
    app.post('/letters', async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const format = sniff(body);
      // Our own name: the uploader's file name never enters the pipeline.
      const name = `upload-${clock().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.${format ? UPLOAD_EXTENSIONS[format] : 'bin'}`;
      const part = join(o.dropDir, `.${name}.part`);
      await ensureDirs();
      const fh = await open(part, 'wx', 0o600);
      try {
        await fh.writeFile(body);
        await fh.sync(); // on disk before we answer: the folder is the queue
      } finally {
        await fh.close();
      }
      inFlight.add(name); // not for the poller, which might see it between rename and handling
      await rename(part, join(o.dropDir, name));
      inFlight.delete(name);
      stats.uploads += 1;
      const out = await handleFile(name, 'upload');
      if (out.status === 'published') return reply.code(202).send({ status: 'published', sha256: out.sha256, pages: out.pages });
      if (out.status === 'rejected') return reply.code(422).send({ status: 'rejected', code: out.code, reason: out.reason });
      return reply.code(202).send({ status: 'queued' });
    });
    await app.listen({ host: u.host, port: u.port });
    const addr = app.server.address();
    uploadUrl = addr && typeof addr === 'object' ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : null;
    http = app;
    log.info({ port: addr && typeof addr === 'object' ? addr.port : null }, 'letter upload listening');
  }

  return {
    stats,
    pollOnce,
    sweepFolders,
    get uploadUrl() {
      return uploadUrl;
    },
    async start() {
      stopped = false;
      await ensureDirs();
      if (o.upload) await startUpload(o.upload);
      timer = setInterval(tick, pollMs);
      tick();
      log.info({ pollMs }, 'letter drop folder watched');
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await http?.close();
      http = null;
      uploadUrl = null;
      if (polling) await polling;
      await producer?.close().catch(() => undefined);
      producer = null;
    },
  };
}
