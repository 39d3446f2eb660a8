/**
 * A scanned letter's pages kept as the citizen sent them (issue #16), through the real
 * servers: a two-page scan (the letter, then a copy of an ID card) becomes a case; the
 * letter page is kept as message_content (sealed in GridFS, the case's term) and the case
 * view shows it and serves it re-encoded through the attachment route; the ID page is not in
 * the content store (only in identity_documents) and the route refuses it; closing the case
 * as "not a case" removes the kept page, and a scan of every collection and GridFS bucket
 * finds none of its bytes.
 *
 * OCR budget: two pages and one MRZ pass.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import sharp from 'sharp';
import type mongoose from 'mongoose';
import type { App } from '../../../app/index.ts';
import { sha256Of } from '../../../lib/contracts.ts';
import { silentLogger } from '../../../lib/logger.ts';
import type { MessageContentDoc } from '../../../processors/content/store.ts';
import { createWorkbench, type Workbench } from '../../../workbench/index.ts';
import { createTestPipeline, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { imagePdf } from '../../support/letters/files.ts';
import { PEOPLE, renderIdCard } from '../../support/letters/ids.ts';
import { renderLetter } from '../../support/letters/letters.ts';
import { A4_300DPI } from '../../support/letters/render.ts';
import { signIn, workbenchSettings } from '../../support/workbench.ts';

const AGENT = { id: 'agent-023', role: 'first_line' };

/** Every document of every collection (GridFS files and chunks included), as BSON bytes. */
async function everyDocument(conn: mongoose.Connection): Promise<Array<{ collection: string; bytes: Buffer }>> {
  const out: Array<{ collection: string; bytes: Buffer }> = [];
  for (const c of await conn.db!.listCollections({}, { nameOnly: true }).toArray()) {
    for (const d of await conn.db!.collection(c.name).find({}).toArray()) out.push({ collection: c.name, bytes: Buffer.from(BSON.serialize(d)) });
  }
  return out;
}

function tracesOf(all: Array<{ collection: string; bytes: Buffer }>, needles: Record<string, Buffer>): string[] {
  const found: string[] = [];
  for (const { collection, bytes } of all) for (const [what, n] of Object.entries(needles)) if (bytes.includes(n)) found.push(`${what} in ${collection}`);
  return found;
}

/** A slice from the middle of some bytes (a needle that is in them and, by chance, nowhere else). */
const middle = (b: Buffer, n = 48) => b.subarray(Math.floor(b.length / 2), Math.floor(b.length / 2) + n);

describe('letters: the pages that are not ID copies are kept with the case and shown (real servers)', function () {
  this.timeout(300_000);
  let p: TestPipeline;
  let app: App;
  let wb: Workbench;
  let dir: string;
  let caseId = '';
  let caseNumber = '';
  let key = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-it-pages-'));
    p = await createTestPipeline({ KCC_LETTERS_DROP_DIR: dir, KCC_LETTERS_POLL_MS: '200', KCC_LETTERS_UPLOAD_PORT: '0' });
    app = await p.start(['letters']);
    const letter = await renderLetter({ language: 'nl', letterSeed: 2, rotateDeg: 0.3, grain: 8, seed: 21 });
    const card = await renderIdCard(PEOPLE[0]!);
    const idPage = await sharp({ create: { width: A4_300DPI.width, height: A4_300DPI.height, channels: 3, background: '#ffffff' } })
      .composite([{ input: card.image, left: 300, top: 400 }]).greyscale().png().toBuffer();
    await writeFile(join(dir, 'scan_0001.pdf'), await imagePdf([letter.image, idPage]));
    const db = await p.db();
    const c = await eventually(async () => (await db.collection('cases').findOne({})) ?? undefined, 240_000, 'the letter case');
    caseId = String(c._id);
    caseNumber = c.caseNumber as string;
    key = c.messages[0].dedupeKey as string;
    await eventually(async () => ((await db.collection('claimchecks.files').countDocuments()) === 0 ? true : undefined), 30_000, 'page blobs dropped');
    wb = await createWorkbench({ settings: workbenchSettings(), conn: app.conn, store: app.store, identity: app.identity, audit: app.audit, logger: silentLogger() });
    await wb.start();
  });
  after(async () => {
    await wb?.stop();
    await p?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const contentDoc = async () => (await p.db()).collection<MessageContentDoc>('message_contents').findOne({ _id: key });

  it('keeps the letter page as message_content with the case\'s term; the ID page is not in the content store', async () => {
    const db = await p.db();
    const c = await db.collection('cases').findOne({ _id: caseId as never });
    expect(c!.channel).to.equal('letter');
    expect(c!.messages[0].attachments.map((a: { filename: string; kind: string }) => [a.filename, a.kind])).to.deep.equal([['page-1', 'other'], ['page-2', 'id_document']]);
    const doc = await contentDoc();
    expect(doc, 'the kept content').to.not.equal(null);
    expect(doc!.caseId).to.equal(caseId);
    // Only the letter page: the ID page is not even named here.
    expect(doc!.parts.map((x) => [x.index, x.filename, !!x.fileId])).to.deep.equal([[0, 'page-1', true]]);
    expect(doc!.expiresAt.getTime()).to.equal((c!.expiresAt as Date).getTime());
    const files = await db.collection('message_content.files').find({}).toArray();
    expect(files).to.have.length(1);
    expect((files[0]!.metadata.expiresAt as Date).getTime()).to.equal((c!.expiresAt as Date).getTime());

    // The kept page is the letter, not the ID copy (which lives in identity_documents only).
    const kept = (await app.store.content.partBytes(caseId, key, 0))!.bytes;
    // An A4 page at about 300 dpi (the ingestor rasterises the PDF page, so a few pixels either way).
    expect((await sharp(kept).metadata()).width).to.be.closeTo(A4_300DPI.width, 50);
    expect(await app.store.content.partBytes(caseId, key, 1)).to.equal(null);
    const docId = c!.idDocuments[0].documentId as string;
    const idCopy = (await app.identity.viewDocument(docId, AGENT)).content;
    expect(sha256Of(kept)).to.not.equal(sha256Of(idCopy));
    expect(doc!.parts.some((x) => x.sha256 === sha256Of(idCopy))).to.equal(false);
  });

  it('shows the letter page in the case view and serves it re-encoded; refuses the ID page', async () => {
    const a = await signIn(wb.url, 'eerstelijn');
    const page = await a.get(`/zaken/${caseNumber}`);
    const html = await page.text();
    expect(page.status).to.equal(200);
    const base = `/zaken/${caseNumber}/inhoud/${key}`;
    expect(html).to.include(`href="${base}/0"`);
    expect(html).to.not.include(`href="${base}/1"`).and.not.include(`href="${base}/1/download"`);
    const img = await a.get(`${base}/0`);
    expect(img.status).to.equal(200);
    expect(img.headers.get('content-type')).to.equal('image/png');
    expect(img.headers.get('x-content-type-options')).to.equal('nosniff');
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    expect(meta.format).to.equal('png');
    expect(meta.width).to.be.greaterThan(0);
    for (const url of [`${base}/1`, `${base}/1/download`]) {
      const res = await a.get(url);
      await res.arrayBuffer();
      expect(res.status, url).to.equal(404);
    }
    // A letter has no HTML frame.
    const frame = await a.get(`/zaken/${caseNumber}/bericht/${key}`);
    await frame.arrayBuffer();
    expect(frame.status).to.equal(404);
  });

  it('closing the case as "not a case" removes the kept page: a scan of every collection and GridFS finds none of its bytes', async () => {
    const conn = await p.db();
    const kept = (await app.store.content.partBytes(caseId, key, 0))!.bytes;
    const chunks = await conn.db!.collection('message_content.chunks').find({}).toArray();
    expect(chunks.length).to.be.greaterThan(0);
    const needles: Record<string, Buffer> = {
      'page sha256': Buffer.from(sha256Of(kept)),
      'page bytes': middle(kept),
      'page base64': Buffer.from(middle(kept).toString('base64')),
      ...Object.fromEntries(chunks.map((c, i) => [`sealed chunk ${i}`, middle(Buffer.from((c.data as { buffer: Uint8Array }).buffer), 32)])),
    };
    // The scan can see the sealed bytes now…
    const before = tracesOf(await everyDocument(conn), needles);
    expect(before.filter((t) => t.startsWith('sealed chunk')).length).to.equal(chunks.length);

    const c = await app.store.desk.get(caseId);
    await app.store.desk.close(caseId, { expectedVersion: c!.version ?? 0, requestId: `nac-${caseId}` }, AGENT, 'not_a_case');
    await eventually(async () => ((await conn.db!.collection('cases').countDocuments({ _id: caseId as never })) === 0 ? true : undefined), 30_000, 'the case erased');
    // …and none of them after.
    expect(tracesOf(await everyDocument(conn), needles)).to.deep.equal([]);
    expect(await conn.db!.collection('message_contents').countDocuments({})).to.equal(0);
    expect(await conn.db!.collection('message_content.files').countDocuments({})).to.equal(0);
    expect(await conn.db!.collection('message_content.chunks').countDocuments({})).to.equal(0);
  });
});
