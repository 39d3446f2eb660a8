/**
 * The letter ingestor's file handling with an in-memory bus and claim check: the stable-file
 * check, "move only after Kafka acknowledged", refusal with a reason file, the folder terms,
 * and the upload's authentication. The same paths against the real servers are in
 * test/integration/letters.
 */
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClaimCheckStore } from '../../../lib/claimcheck.ts';
import { LetterRawV1, decode } from '../../../lib/contracts.ts';
import { TransientError } from '../../../lib/errors.ts';
import type { Bus, OutgoingRecord } from '../../../lib/kafka/index.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { createLetterIngestor, type LetterIngestor } from '../../../ingest/letters/index.ts';
import { textPdf } from '../../support/letters/files.ts';

function memoryClaimChecks(): ClaimCheckStore & { blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  let n = 0;
  return {
    blobs,
    bucketName: 'claimchecks',
    async put(bytes) {
      const id = (++n).toString(16).padStart(24, '0');
      blobs.set(id, Buffer.from(bytes));
      return id;
    },
    async get(id) {
      return blobs.get(id)!;
    },
    async delete(id) {
      blobs.delete(id);
    },
    async sweepOrphans() {
      return 0; // a map has no half-written blobs
    },
    async sweepExpired() {
      return 0;
    },
  };
}

function memoryBus(): Bus & { sent: OutgoingRecord[]; failNext: number } {
  const bus = {
    sent: [] as OutgoingRecord[],
    failNext: 0,
    async producer() {
      return {
        async send(_topic: string, records: OutgoingRecord[]) {
          if (bus.failNext > 0) {
            bus.failNext -= 1;
            throw new TransientError('KAFKA_SEND_FAILED', 'broker away');
          }
          bus.sent.push(...records);
        },
        async close() {},
      };
    },
    async consume(): Promise<never> {
      throw new Error('not used');
    },
    async consumeBatches(): Promise<never> {
      throw new Error('not used');
    },
    async ensureTopics() {},
    async describeRetention() {
      return null;
    },
    async deleteTopics() {},
    async close() {},
  };
  return bus;
}

const letterPdf = async (seed: string) => Buffer.from(await textPdf([[`J. de Vries ${seed}`, 'Lindelaan 12', '3581 AB Utrecht', '', 'Betreft: activeringscode DigiD nooit ontvangen', '', 'Geachte heer, mevrouw, mijn activeringscode is niet aangekomen.']]));

describe('letters: the drop-folder ingestor', function () {
  this.timeout(20_000);
  let dir: string;
  let bus: ReturnType<typeof memoryBus>;
  let blobs: ReturnType<typeof memoryClaimChecks>;
  let now: Date;
  let ing: LetterIngestor;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-letters-'));
    bus = memoryBus();
    blobs = memoryClaimChecks();
    now = new Date('2026-03-01T09:00:00Z');
    ing = createLetterIngestor({ dropDir: dir, bus, claimChecks: blobs, topics: { letterRaw: 't.letters' }, logger: silentLogger(), clock: () => now });
  });
  afterEach(async () => {
    await ing.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes a file only once it stood still for two polls, then moves it to done/', async () => {
    const pdf = await letterPdf('a');
    await writeFile(join(dir, 'scan_0001.pdf'), pdf.subarray(0, 100)); // the scanner is still writing
    await ing.pollOnce();
    expect(bus.sent).to.have.length(0);
    await appendFile(join(dir, 'scan_0001.pdf'), pdf.subarray(100));
    await ing.pollOnce(); // size changed since the last poll: not yet
    expect(bus.sent).to.have.length(0);
    await ing.pollOnce(); // unchanged over two polls: published
    expect(bus.sent).to.have.length(1);
    const rec = decode(LetterRawV1, bus.sent[0]!.value as Buffer, 'letter');
    expect(rec.source).to.deep.equal({ kind: 'letter', via: 'drop', file: 'scan_0001.pdf' });
    expect(rec.format).to.equal('pdf');
    expect(rec.pages).to.have.length(1);
    expect(rec.pages[0]!.content).to.equal('text/plain');
    expect(bus.sent[0]!.key).to.equal(rec.sha256);
    // The record holds references only; the page text is in the claim check.
    expect((bus.sent[0]!.value as Buffer).toString()).to.not.contain('Lindelaan');
    expect(blobs.blobs.get(rec.pages[0]!.ref.fileId)!.toString()).to.contain('Lindelaan');
    expect(await readdir(dir)).to.have.members(['done', 'rejected']);
    expect(await readdir(join(dir, 'done'))).to.deep.equal(['scan_0001.pdf']);
  });

  it('leaves hidden and partial files alone', async () => {
    await writeFile(join(dir, '.scan_0002.pdf'), await letterPdf('b'));
    await writeFile(join(dir, 'scan_0003.pdf.part'), await letterPdf('c'));
    await ing.pollOnce();
    await ing.pollOnce();
    expect(bus.sent).to.have.length(0);
    expect((await readdir(dir)).sort()).to.deep.equal(['.scan_0002.pdf', 'done', 'rejected', 'scan_0003.pdf.part']);
  });

  it('keeps the file (and drops its blobs) while Kafka does not acknowledge, and publishes it later', async () => {
    await writeFile(join(dir, 'scan_0004.pdf'), await letterPdf('d'));
    bus.failNext = 2;
    await ing.pollOnce();
    await ing.pollOnce(); // send fails
    await ing.pollOnce(); // fails again
    expect(bus.sent).to.have.length(0);
    expect(await readdir(dir)).to.include('scan_0004.pdf');
    expect(blobs.blobs.size).to.equal(0);
    expect(ing.stats.deferred).to.equal(2);
    await ing.pollOnce();
    expect(bus.sent).to.have.length(1);
    expect(await readdir(join(dir, 'done'))).to.deep.equal(['scan_0004.pdf']);
  });

  it('refuses a broken file into rejected/ with a reason file that names the code and no content', async () => {
    await writeFile(join(dir, 'empty.pdf'), Buffer.alloc(0));
    await writeFile(join(dir, 'notes.txt'), 'Beste meneer, mijn BSN is 111222333');
    await ing.pollOnce();
    await ing.pollOnce();
    expect(bus.sent).to.have.length(0);
    expect((await readdir(join(dir, 'rejected'))).sort()).to.deep.equal(['empty.pdf', 'empty.pdf.reason.txt', 'notes.txt', 'notes.txt.reason.txt']);
    const reason = await readFile(join(dir, 'rejected', 'notes.txt.reason.txt'), 'utf8');
    expect(reason).to.match(/^code: PAGES_UNSUPPORTED$/m);
    expect(reason).to.match(/^reason: .+$/m);
    expect(reason).to.match(/^sha256: [0-9a-f]{64}$/m);
    expect(reason).to.not.contain('111222333');
    expect(await readFile(join(dir, 'rejected', 'empty.pdf.reason.txt'), 'utf8')).to.match(/^code: PAGES_EMPTY$/m);
  });

  it('never overwrites: a second file of the same name gets its own name in done/', async () => {
    await writeFile(join(dir, 'scan.pdf'), await letterPdf('e'));
    await ing.pollOnce();
    await ing.pollOnce();
    await writeFile(join(dir, 'scan.pdf'), await letterPdf('f'));
    await ing.pollOnce();
    await ing.pollOnce();
    expect((await readdir(join(dir, 'done'))).sort()).to.deep.equal(['scan-2.pdf', 'scan.pdf']);
    expect(bus.sent).to.have.length(2);
  });

  it('empties done/ and rejected/ after their terms, counted from the move', async () => {
    await writeFile(join(dir, 'scan.pdf'), await letterPdf('g'));
    await writeFile(join(dir, 'bad.pdf'), Buffer.alloc(0));
    await ing.pollOnce();
    await ing.pollOnce();
    // The move set the files' time to the (injected) clock; sweep with time moved on.
    expect((await stat(join(dir, 'done', 'scan.pdf'))).mtime.toISOString()).to.equal(now.toISOString());
    now = new Date(now.getTime() + 2 * 86_400_000);
    expect(await ing.sweepFolders()).to.deep.equal({ done: 0, rejected: 0 });
    now = new Date(now.getTime() + 2 * 86_400_000); // 4 days: past the 3-day claim-check term
    expect(await ing.sweepFolders()).to.deep.equal({ done: 1, rejected: 0 });
    now = new Date(now.getTime() + 30 * 86_400_000);
    expect(await ing.sweepFolders()).to.deep.equal({ done: 0, rejected: 2 });
    // A file put back with an old time is still waiting in the drop folder, not swept.
    await writeFile(join(dir, 'old.pdf'), await letterPdf('h'));
    await utimes(join(dir, 'old.pdf'), new Date(0), new Date(0));
    await ing.sweepFolders();
    expect(await readdir(dir)).to.include('old.pdf');
  });
});

describe('letters: the authenticated upload', function () {
  this.timeout(20_000);
  let dir: string;
  let bus: ReturnType<typeof memoryBus>;
  let ing: LetterIngestor;
  const token = 'test-token-0123456789abcdefghij';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-upload-'));
    bus = memoryBus();
    ing = createLetterIngestor({
      dropDir: dir, bus, claimChecks: memoryClaimChecks(), topics: { letterRaw: 't.letters' }, logger: silentLogger(),
      pollIntervalMs: 60_000, upload: { host: '127.0.0.1', port: 0, token },
    });
    await ing.start();
  });
  afterEach(async () => {
    await ing.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: Buffer, auth?: string, type = 'application/pdf') =>
    fetch(`${ing.uploadUrl}/letters`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': type, ...(auth ? { authorization: auth } : {}) } });

  it('answers 401 without the right bearer token, and stores nothing', async () => {
    const pdf = await letterPdf('u');
    for (const auth of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, `Bearer ${token}x`]) {
      const res = await post(pdf, auth);
      expect(res.status, String(auth)).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
    }
    expect(bus.sent).to.have.length(0);
    expect((await readdir(dir)).sort()).to.deep.equal(['done', 'rejected']);
  });

  it('publishes an upload at once (202) under a name of its own, and refuses a broken one (422) with a reason file', async () => {
    const ok = await post(await letterPdf('v'), `Bearer ${token}`);
    expect(ok.status).to.equal(202);
    const body = (await ok.json()) as { status: string; pages: number; sha256: string };
    expect(body).to.include({ status: 'published', pages: 1 });
    expect(bus.sent).to.have.length(1);
    const rec = decode(LetterRawV1, bus.sent[0]!.value as Buffer, 'letter');
    expect(rec.source.via).to.equal('upload');
    expect(rec.source.file).to.match(/^upload-.*\.pdf$/);
    expect(rec.sha256).to.equal(body.sha256);

    const bad = await post(Buffer.from('%PDF-1.7\n1 0 obj <<'), `Bearer ${token}`);
    expect(bad.status).to.equal(422);
    expect(await bad.json()).to.include({ status: 'rejected', code: 'PAGES_BROKEN' });
    const rejected = await readdir(join(dir, 'rejected'));
    expect(rejected.filter((n) => n.endsWith('.reason.txt'))).to.have.length(1);
    expect(await readdir(join(dir, 'done'))).to.have.length(1);
  });

  it('answers 415 for a type it does not take', async () => {
    const res = await post(Buffer.from('hello'), `Bearer ${token}`, 'text/plain');
    expect(res.status).to.equal(415);
  });
});
