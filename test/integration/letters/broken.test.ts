/**
 * Hostile and broken letters through the real servers (Kafka, the MongoDB-wire server): every
 * file ends up in done/ or rejected/ (with a reason), nothing crashes, nothing is lost, the
 * same letter twice is one case, a poison record goes to the dead-letter topic and the
 * processor carries on. Text-layer PDFs only: no OCR in this file.
 */
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetterV1, LetterRawV1, decode, encode } from '../../../lib/contracts.ts';
import type { ConsumerHandle } from '../../../lib/kafka/index.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { encryptedPdf, hugePngHeader, manyPageTiff, textPdf, truncated } from '../../support/letters/files.ts';
import { letterText } from '../../support/letters/letters.ts';

const TOKEN = `it-${testId()}-0123456789abcdef`;
const pdfOf = async (lang: 'nl' | 'en', seed: number) => Buffer.from(await textPdf([letterText(lang, seed).flatMap((b) => [...b, ''])]));

describe('letters: broken inputs and redelivery against the real servers', function () {
  this.timeout(120_000);
  let p: TestPipeline;
  let dir: string;
  const dead: DeadLetterV1[] = [];
  let dlqConsumer: ConsumerHandle | null = null;
  let good: Buffer; // pdf-lib stamps a creation time: the same letter is the same bytes only when reused

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-it-letters-'));
    p = await createTestPipeline({ KCC_LETTERS_DROP_DIR: dir, KCC_LETTERS_POLL_MS: '150', KCC_LETTERS_UPLOAD_PORT: '0', KCC_LETTERS_UPLOAD_TOKEN: TOKEN });
    const app = await p.start(['letters']);
    dlqConsumer = await app.bus.consume({ groupId: `test.${testId()}.dlq`, topics: [app.topics.deadLetter], fromBeginning: true }, async (r) => {
      dead.push(decode(DeadLetterV1, r.value, 'dead letter'));
    });
  });
  after(async () => {
    await dlqConsumer?.stop();
    await p.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses truncated, encrypted, empty, oversized and 500-page files with reasons, and keeps taking good letters', async () => {
    good = await pdfOf('nl', 7);
    await writeFile(join(dir, 'truncated.pdf'), truncated(good));
    await writeFile(join(dir, 'encrypted.pdf'), await encryptedPdf());
    await writeFile(join(dir, 'zero.pdf'), Buffer.alloc(0));
    await writeFile(join(dir, 'huge.png'), hugePngHeader(20_000, 20_000));
    await writeFile(join(dir, 'many.tif'), manyPageTiff(500));
    await writeFile(join(dir, 'letter.pdf'), good);
    await writeFile(join(dir, 'letter-again.pdf'), good); // the scanner sent it twice

    const db = await p.db();
    const cases = db.collection('cases');
    await eventually(async () => ((await readdir(dir)).filter((n) => n !== 'done' && n !== 'rejected').length === 0 ? true : undefined), 30_000, 'drop folder emptied');
    await eventually(async () => ((await cases.countDocuments()) >= 1 ? true : undefined), 30_000, 'the good letter became a case');
    // Both copies published; the second is recognised by its hash.
    await eventually(async () => ((await db.collection('claimchecks.files').countDocuments()) === 0 ? true : undefined), 30_000, 'page blobs dropped');
    await new Promise((r) => setTimeout(r, 500));

    const rejected = (await readdir(join(dir, 'rejected'))).sort();
    expect(rejected).to.deep.equal([
      'encrypted.pdf', 'encrypted.pdf.reason.txt', 'huge.png', 'huge.png.reason.txt', 'many.tif', 'many.tif.reason.txt',
      'truncated.pdf', 'truncated.pdf.reason.txt', 'zero.pdf', 'zero.pdf.reason.txt',
    ]);
    const code = async (f: string) => /^code: (\S+)$/m.exec(await readFile(join(dir, 'rejected', `${f}.reason.txt`), 'utf8'))?.[1];
    expect(await code('truncated.pdf')).to.equal('PAGES_BROKEN');
    expect(await code('encrypted.pdf')).to.equal('PAGES_ENCRYPTED');
    expect(await code('zero.pdf')).to.equal('PAGES_EMPTY');
    expect(await code('huge.png')).to.equal('PAGES_IMAGE_TOO_LARGE');
    expect(await code('many.tif')).to.equal('PAGES_TOO_MANY');
    expect((await readdir(join(dir, 'done'))).sort()).to.deep.equal(['letter-again.pdf', 'letter.pdf']);

    expect(await cases.countDocuments()).to.equal(1);
    const c = await cases.findOne({});
    expect(c!.channel).to.equal('letter');
    expect(c!.caseNumber).to.match(/^KCC-\d{4}-\d{6}$/);
    expect(c!.classification.topic).to.equal('mijnoverheid_berichtenbox');
    expect(c!.citizen).to.include({ name: 'J. de Vries', street: 'Lindelaan', houseNumber: '12', postcode: '3581AB', city: 'Utrecht' });
    // A postal case: no e-mail acknowledgment, no reply address.
    expect(c!.ack.status).to.equal('not_needed');
    expect(c!.replyAddress).to.equal(undefined);
    expect(c!.messages[0].source).to.deep.include({ kind: 'letter', mailbox: 'drop' });
    expect(c!.messages[0].subject).to.equal('brief in de Berichtenbox niet te openen');
    expect(c!.messages[0].attachments.map((a: { kind: string }) => a.kind)).to.deep.equal(['other']);
    expect(c!.idDocuments).to.deep.equal([]);
  });

  it('upload: 401 without the token, 202 with it; an upload of a letter already in is no second case', async () => {
    const url = `${p.app!.components.letterIngestor!.uploadUrl}/letters`;
    // As fetch's BodyInit (a Buffer is one at run time; the DOM typings the views bring in want a plain Uint8Array).
    const body = new Uint8Array(good);
    const denied = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/pdf', authorization: 'Bearer not-the-token-at-all-000000' } });
    expect(denied.status).to.equal(401);
    const none = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/pdf' } });
    expect(none.status).to.equal(401);
    const ok = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/pdf', authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).to.equal(202);
    expect(await ok.json()).to.include({ status: 'published', pages: 1 });
    const other = await fetch(url, { method: 'POST', body: await pdfOf('en', 3), headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${TOKEN}` } });
    expect(other.status).to.equal(202);
    const db = await p.db();
    await eventually(async () => ((await db.collection('cases').countDocuments()) === 2 ? true : undefined), 30_000, 'the new upload became a case');
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.collection('cases').countDocuments()).to.equal(2);
    const en = await db.collection('cases').findOne({ 'classification.language': 'en' });
    expect(en!.messages[0].source).to.deep.include({ kind: 'letter', mailbox: 'upload' });
    expect(en!.citizen).to.include({ name: 'M. Jansen-Bakker', postcode: '9711HL' });
  });

  it('sends a poison record and a record whose pages are gone to the dead-letter topic, and goes on', async () => {
    const app = p.app!;
    const producer = await app.bus.producer();
    try {
      const missing: LetterRawV1 = {
        schemaVersion: 1,
        source: { kind: 'letter', via: 'drop', file: 'lost.pdf' },
        receivedAt: new Date().toISOString(),
        sha256: 'c'.repeat(64),
        size: 10,
        format: 'pdf',
        pages: [{ index: 0, content: 'text/plain', size: 10, ref: { type: 'claim_check', bucket: 'claimchecks', fileId: 'd'.repeat(24) } }],
      };
      await producer.send(app.topics.letterRaw, [
        { key: 'poison', value: Buffer.from('{"schemaVersion":1,"pages":"not pages"}') },
        { key: missing.sha256, value: encode(LetterRawV1, missing) },
      ]);
    } finally {
      await producer.close();
    }
    await eventually(async () => (dead.length >= 2 ? true : undefined), 30_000, 'two dead letters');
    const codes = dead.map((d) => d.code).sort();
    expect(codes).to.deep.equal(['CLAIMCHECK_MISSING', 'CONTRACT_INVALID']);
    const lost = dead.find((d) => d.code === 'CLAIMCHECK_MISSING')!;
    expect(lost.sourceRef).to.deep.equal({ kind: 'letter', via: 'drop', file: 'lost.pdf' });
    expect(JSON.stringify(dead)).to.not.contain('Lindelaan');

    // Still alive: a new letter is processed after the poison.
    await writeFile(join(dir, 'after.pdf'), await pdfOf('en', 1));
    const db = await p.db();
    await eventually(async () => ((await db.collection('cases').countDocuments()) === 3 ? true : undefined), 30_000, 'a letter after the poison');
  });
});
