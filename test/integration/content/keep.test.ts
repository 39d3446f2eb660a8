/**
 * What the citizen sent, kept with the case (issue #16), through the real e-mail processor
 * and attachment inspector on Kafka and FerretDB:
 *  - the HTML body sanitised (no script, no remote image, no event handler) with BSN and IBAN
 *    redacted in its text as in the plain text, sealed with the field cipher;
 *  - the attachments that are not ID copies in GridFS, sealed; the ID card the inspector
 *    finds is dropped from the kept content at once (it lives only in identity_documents);
 *  - the content's term is the case's, moved with it by an agent's action and by
 *    `kcc retention recompute`;
 *  - DSAR export opens it; DSAR erasure removes it, proved by a full scan of every
 *    collection (GridFS included) for the sealed bytes found there before.
 *
 * OCR budget: two images (ID card, screenshot), as in email/attachments.test.ts.
 */
import { expect } from 'chai';
import { BSON } from 'mongodb';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import type mongoose from 'mongoose';
import { dedupeKeyOf, encodeRawMail, messageIdFromRaw, sha256Of, type RawMailV2 } from '../../../lib/contracts.ts';
import { createKeyedHasher } from '../../../lib/crypto.ts';
import type { App } from '../../../app/index.ts';
import { recomputeCaseExpiry } from '../../../cli/retention.ts';
import { eraseSubject, exportSubject } from '../../../processors/dsar/index.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { PEOPLE, renderIdCard, renderScreenshot } from '../../support/letters/ids.ts';
import type { MessageContentDoc } from '../../../processors/content/store.ts';

const BSN = '111222333';
const IBAN = 'NL91ABNA0417164300';

/** Every document of every collection (GridFS files and chunks included) as Extended JSON text. */
export async function everyDocumentText(conn: mongoose.Connection): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of await conn.db!.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await conn.db!.collection(c.name).find({}).toArray();
    out.set(c.name, docs.map((d) => BSON.EJSON.stringify(d, { relaxed: false })).join('\n'));
  }
  return out;
}

function whereFound(texts: Map<string, string>, needles: readonly string[]): string[] {
  const hits: string[] = [];
  for (const [name, text] of texts) for (const n of needles) if (text.includes(n)) hits.push(`${name}: ${n.slice(0, 24)}…`);
  return hits;
}

describe('message content kept with the case (HTML, attachments; real Kafka and FerretDB)', function () {
  this.timeout(180_000);
  let p: TestPipeline;
  let app: App;
  let raw: Buffer;
  let key: string;
  let shot: Buffer;
  let inlineLogo: Buffer;
  const from = `content-${testId()}@citizens.test`;
  const marker = `Zebrapad${testId()}`;

  before(async () => {
    p = await createTestPipeline();
    const card = await renderIdCard(PEOPLE[1]!, { rotateDeg: 1, grain: 10, jpegQuality: 70, seed: 5 });
    shot = (await renderScreenshot()).image;
    inlineLogo = await sharp({ create: { width: 120, height: 60, channels: 3, background: '#01689b' } }).png().toBuffer();
    raw = await new MailComposer({
      from: `"Sanne de Boer" <${from}>`,
      to: p.intakeUser,
      subject: 'Foutmelding in de DigiD app',
      text: `Mijn BSN is ${BSN}, rekening ${IBAN}. ${marker} De app geeft een foutmelding, zie bijlage.`,
      html: `<html><head><style>body{background:url(https://tracker.example/s.gif)}</style><script>window.__pwned=1</script></head>`
        + `<body><p onclick="alert(1)" style="color:#333;background-image:url('https://tracker.example/bg.png')">Mijn BSN is ${BSN}, rekening ${IBAN}.</p>`
        + `<p>${marker} De app geeft een foutmelding, zie bijlage.</p><img src="https://tracker.example/pixel.gif?u=1" width="1" height="1">`
        + `<img src="cid:logo@sanne" alt="logo"><a href="javascript:alert(1)">klik</a> <a href="https://www.digid.nl/">DigiD</a></body></html>`,
      attachments: [
        { filename: 'logo.png', content: inlineLogo, contentType: 'image/png', cid: 'logo@sanne' },
        { filename: 'identiteitskaart.jpg', content: card.image, contentType: 'image/jpeg' },
        { filename: 'foutmelding.png', content: shot, contentType: 'image/png' },
      ],
    }).compile().build();
    key = dedupeKeyOf(messageIdFromRaw(raw), sha256Of(raw));
    app = await p.start(['process', 'inspect']);
    const rec: RawMailV2 = {
      schemaVersion: 2, source: { kind: 'imap', account: p.intakeUser, mailbox: 'INBOX', uidValidity: '1', uid: 1 },
      receivedAt: new Date().toISOString(), messageId: messageIdFromRaw(raw), sha256: sha256Of(raw), size: raw.length, body: { type: 'inline' },
    };
    const producer = await app.bus.producer();
    try {
      await producer.send(app.topics.mailRaw, [{ key: rec.sha256, ...encodeRawMail(rec, raw) }]);
    } finally {
      await producer.close();
    }
  });
  after(async () => {
    await p?.cleanup();
  });

  const contentDoc = async () => (await p.db()).collection<MessageContentDoc>('message_contents').findOne({ _id: key });

  it('keeps the HTML sanitised, with BSN and IBAN redacted as in the plain text, sealed', async () => {
    const doc = await eventually(async () => (await contentDoc()) ?? undefined, 60_000, 'the kept content');
    const c = await (await p.db()).collection('cases').findOne({ _id: key as never });
    expect(c, 'the case').to.not.equal(null);
    // Sealed at rest: neither the marker nor the redaction is readable in the stored document.
    expect(JSON.stringify(doc)).to.not.include(marker);
    expect(doc!.html?.kid).to.equal('k1');
    const shown = await app.store.content.read(key, key);
    const html = shown!.html!;
    expect(html).to.include(marker).and.include('[BSN]').and.include('[IBAN]');
    expect(html).to.not.include(BSN).and.not.include(IBAN);
    // The plain text the case holds is redacted the same way.
    expect(c!.messages[0].text).to.include('[BSN]').and.include('[IBAN]');
    for (const bad of ['<script', 'onclick', 'javascript:', 'tracker.example', '<style', 'url(']) expect(html, bad).to.not.include(bad);
    expect(html).to.include('src="cid:logo@sanne"').and.include('href="https://www.digid.nl/"');
    // One remote image, two CSS url()s (the <style> element is dropped whole, not counted).
    expect(shown!.blocked).to.deep.equal({ images: 1, styles: 1 });
    expect(doc!.parts.map((x) => [x.filename, x.contentId, !!x.fileId])).to.deep.equal([
      ['logo.png', 'logo@sanne', true], ['identiteitskaart.jpg', null, true], ['foutmelding.png', null, true],
    ]);
  });

  it('drops the ID card from the kept content once the inspector finds it; the screenshot stays, its bytes exact', async () => {
    const doc = await eventually(async () => {
      const d = await contentDoc();
      return d && d.parts[1]!.droppedAs ? d : undefined;
    }, 120_000, 'the ID card dropped');
    expect(doc.parts[1]!.droppedAs).to.equal('id_document');
    expect(doc.parts[1]!.fileId).to.equal(undefined);
    expect(await (await p.db()).collection('message_content.files').countDocuments({})).to.equal(2);
    const got = await app.store.content.partBytes(key, key, 2);
    expect(sha256Of(got!.bytes)).to.equal(sha256Of(shot));
    expect(await app.store.content.partBytes(key, key, 1)).to.equal(null);
    // The ID copy is where ID copies live.
    expect(await (await p.db()).collection('identity_documents').countDocuments({})).to.equal(1);
  });

  it('has the case\'s term, moved with the case by an action and by kcc retention recompute', async () => {
    const db = (await p.db()).db!;
    const files = () => db.collection('message_content.files').find({}).toArray();
    const caseExp = async () => ((await db.collection('cases').findOne({ _id: key as never }))!.expiresAt as Date).getTime();
    expect((await contentDoc())!.expiresAt.getTime()).to.equal(await caseExp());
    for (const f of await files()) expect((f.metadata.expiresAt as Date).getTime()).to.equal(await caseExp());

    // An agent closes the case a day later: the term counts from the closure.
    const later = new Date(Date.now() + 86_400_000);
    const c = await app.store.desk.get(key);
    const before = await caseExp();
    await app.store.desk.close(key, { expectedVersion: c!.version ?? 0, requestId: `close-${testId()}` }, { id: 'agent-1', role: 'first_line' }, 'answered', later);
    const afterClose = await caseExp();
    expect(afterClose).to.be.above(before);
    expect((await contentDoc())!.expiresAt.getTime()).to.equal(afterClose);
    for (const f of await files()) expect((f.metadata.expiresAt as Date).getTime()).to.equal(afterClose);

    // A shorter term by recompute: content and blobs follow.
    const shorter = (from: Date) => new Date(from.getTime() + 7 * 86_400_000);
    await recomputeCaseExpiry(db, { expiryOf: shorter });
    const recomputed = await caseExp();
    expect(recomputed).to.be.below(afterClose);
    expect((await contentDoc())!.expiresAt.getTime()).to.equal(recomputed);
    for (const f of await files()) expect((f.metadata.expiresAt as Date).getTime()).to.equal(recomputed);
  });

  it('DSAR export opens it; DSAR erasure removes it: a full scan finds none of its bytes', async () => {
    const conn = await p.db();
    const hasher = createKeyedHasher(p.config.keys.hmac);
    const actor = { id: 'privacy-1', role: 'privacy_officer' };
    const exported = await exportSubject(conn, hasher, { email: from }, { actor, content: app.store.content });
    const kept = exported.cases[0]!.content!;
    expect(kept[0]!.html).to.include(marker);
    expect(kept[0]!.attachments.map((a) => a.filename)).to.deep.equal(['logo.png', 'identiteitskaart.jpg', 'foutmelding.png']);
    expect(Buffer.from(kept[0]!.attachments[2]!.base64!, 'base64').equals(shot)).to.equal(true);
    expect(kept[0]!.attachments[1]!.base64).to.equal(null);

    // Needles: the sealed HTML and every stored chunk, as they sit in the database.
    const doc = (await contentDoc())!;
    const chunks = await conn.db!.collection('message_content.chunks').find({}).toArray();
    expect(chunks.length).to.be.greaterThan(0);
    const needles = [doc.html!.ct.slice(0, 40), ...chunks.map((c) => Buffer.from((c.data as { buffer: Uint8Array }).buffer).subarray(0, 30).toString('base64'))];
    // Found before the erasure (the scan can see them)…
    const before = whereFound(await everyDocumentText(conn), needles);
    expect(before.length).to.be.at.least(needles.length);

    const res = await eraseSubject(conn, hasher, { email: from }, { actor });
    expect(res.counts.message_contents).to.equal(1);
    expect(res.counts.message_content_blobs).to.equal(2);
    // …and nowhere after it.
    expect(whereFound(await everyDocumentText(conn), [...needles, marker])).to.deep.equal([]);
    expect(await conn.db!.collection('message_content.files').countDocuments({})).to.equal(0);
    expect(await conn.db!.collection('message_content.chunks').countDocuments({})).to.equal(0);
  });
});
