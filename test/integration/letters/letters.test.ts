/**
 * Scanned letters end to end through the real servers: drop folder and upload → Kafka (page
 * references only) → OCR → cases with channel 'letter'; ID copies found in letters and in an
 * e-mail attachment, sealed in `identity_documents`; an agent views one (audited) and records
 * "identity established", after which no trace of the copy is left in any collection or
 * GridFS bucket; an unverified copy is removed by the sweeper once past its term.
 *
 * OCR budget: 9 pages and 4 MRZ passes in all (CI has two cores).
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { RETENTION_COLLECTIONS } from '../../../app/index.ts';
import { createFieldCipher } from '../../../lib/crypto.ts';
import { createRetentionSweeper } from '../../../lib/retention.ts';
import { classify } from '../../../processors/classify/index.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { imagePdf, multipageTiff } from '../../support/letters/files.ts';
import { PEOPLE, breakCheckDigit, renderIdCard, renderInvoice, renderPassport, renderScreenshot, td1, td3, type GeneratedDoc } from '../../support/letters/ids.ts';
import { letterText, renderLetter } from '../../support/letters/letters.ts';
import { A4_300DPI } from '../../support/letters/render.ts';

const TOKEN = `it-${testId()}-0123456789abcdef`;
const AGENT = { id: 'agent-017', role: 'first_line' };

/** A small document photocopied onto an A4 sheet, as the post room scans an enclosure. */
async function onA4(doc: GeneratedDoc, left = 300, top = 400): Promise<Buffer> {
  return sharp({ create: { width: A4_300DPI.width, height: A4_300DPI.height, channels: 3, background: '#ffffff' } })
    .composite([{ input: doc.image, left, top }])
    .greyscale()
    .png()
    .toBuffer();
}

/** What the sender block says, in the case's field names. */
function expectedCitizen(lang: 'nl' | 'en', seed: number) {
  const [name, street, place] = letterText(lang, seed)[0]! as [string, string, string];
  const s = /^(.+?) (\d+\w*)$/.exec(street)!;
  const pc = /^(\d{4}) ([A-Z]{2}) (.+)$/.exec(place)!;
  return { name, street: s[1], houseNumber: s[2], postcode: `${pc[1]}${pc[2]}`, city: pc[3] };
}

function truthTopic(lang: 'nl' | 'en', seed: number): string {
  const blocks = letterText(lang, seed);
  return classify({ subject: blocks[3]![0]!.replace(/^\w+:\s*/, ''), text: blocks.map((b) => b.join('\n')).join('\n\n') }).topic;
}

/** Every document of every collection (GridFS buckets included), as BSON bytes. */
async function everyDocument(db: import('mongoose').Connection): Promise<Array<{ collection: string; bytes: Buffer }>> {
  const out: Array<{ collection: string; bytes: Buffer }> = [];
  for (const c of await db.db!.listCollections().toArray()) {
    for (const d of await db.db!.collection(c.name).find({}).toArray()) out.push({ collection: c.name, bytes: Buffer.from(BSON.serialize(d)) });
  }
  return out;
}

function tracesOf(all: Array<{ collection: string; bytes: Buffer }>, needles: Record<string, Buffer>): string[] {
  const found: string[] = [];
  for (const { collection, bytes } of all) {
    for (const [what, needle] of Object.entries(needles)) if (bytes.includes(needle)) found.push(`${what} in ${collection}`);
  }
  return found;
}

/** Needles for an image: its hash, a slice of its bytes and of their base64 from the middle. */
function imageNeedles(name: string, bytes: Buffer): Record<string, Buffer> {
  const mid = Math.floor(bytes.length / 2 / 3) * 3;
  const slice = bytes.subarray(mid, mid + 48);
  return {
    [`${name} sha256`]: Buffer.from(createHash('sha256').update(bytes).digest('hex')),
    [`${name} bytes`]: slice,
    [`${name} base64`]: Buffer.from(slice.toString('base64')),
  };
}

describe('letters: scanned letters and ID copies end to end', function () {
  this.timeout(300_000);
  let p: TestPipeline;
  let dir: string;
  const idCard = { person: PEOPLE[0]! };
  const passport = { person: PEOPLE[1]! };
  const broken = { person: PEOPLE[3]! };
  let idCardDoc: GeneratedDoc;
  let passportDoc: GeneratedDoc;
  let uploads: Array<{ status: number; body: { sha256?: string } }> = [];
  const citizen = `ids-${testId()}@citizens.test`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-it-ocr-'));
    p = await createTestPipeline({ KCC_LETTERS_DROP_DIR: dir, KCC_LETTERS_POLL_MS: '200', KCC_LETTERS_UPLOAD_PORT: '0', KCC_LETTERS_UPLOAD_TOKEN: TOKEN });
    // 'inspect': the e-mail's attachments are inspected for ID copies after its case is stored.
    const app = await p.start(['ingest', 'process', 'letters', 'inspect']);

    // A: a Dutch letter, skewed, grainy, JPEG.
    const a = await renderLetter({ language: 'nl', letterSeed: 1, rotateDeg: 0.7, grain: 12, speckle: 0.0005, jpegQuality: 70, seed: 11 });
    // B: an English letter with a printed screenshot about passports, as a two-page TIFF.
    const b = await renderLetter({ language: 'en', letterSeed: 4, rotateDeg: -0.5, grain: 10, seed: 12 });
    const shot = await onA4(await renderScreenshot(), 300, 300);
    // C: a Dutch letter with a copy of an ID card, as a scanned PDF.
    const c = await renderLetter({ language: 'nl', letterSeed: 5, rotateDeg: 0.4, grain: 8, seed: 13 });
    idCardDoc = await renderIdCard(idCard.person);
    const idPage = await onA4(idCardDoc);
    await writeFile(join(dir, 'scan_0001.jpg'), a.image);
    await writeFile(join(dir, 'scan_0002.tif'), await multipageTiff([b.image, shot]));
    await writeFile(join(dir, 'scan_0003.pdf'), await imagePdf([c.image, idPage]));

    // D and E: passports uploaded on their own, one with a wrong check digit.
    passportDoc = await renderPassport(passport.person);
    const brokenDoc = await renderPassport(broken.person, {}, breakCheckDigit(td3(broken.person), 'TD3'));
    const url = `${app.components.letterIngestor!.uploadUrl}/letters`;
    uploads = [];
    for (const doc of [passportDoc, brokenDoc]) {
      const res = await fetch(url, { method: 'POST', body: new Uint8Array(doc.image), headers: { 'content-type': 'image/png', authorization: `Bearer ${TOKEN}` } });
      uploads.push({ status: res.status, body: (await res.json()) as { sha256?: string } });
    }

    // F: an e-mail with an ID-card photo, an invoice and a logo attached.
    const photo = await renderIdCard(PEOPLE[2]!, { rotateDeg: 2, grain: 20, jpegQuality: 60, seed: 5 });
    const invoice = await renderInvoice();
    const logo = await sharp({ create: { width: 120, height: 40, channels: 3, background: '#154273' } }).png().toBuffer();
    const mail = await new MailComposer({
      from: `"Fatima Smit" <${citizen}>`,
      to: p.intakeUser,
      subject: 'Kopie identiteitsbewijs voor mijn DigiD aanvraag',
      text: 'Geachte heer/mevrouw,\n\nHierbij stuur ik een kopie van mijn identiteitskaart voor mijn DigiD aanvraag.\n\nMet vriendelijke groet,\nFatima Smit',
      attachments: [
        { filename: 'identiteitskaart.jpg', content: photo.image, contentType: 'image/jpeg' },
        { filename: 'factuur.png', content: invoice.image, contentType: 'image/png' },
        { filename: 'logo.png', content: logo, contentType: 'image/png' },
      ],
    }).compile().build();
    await p.append([mail]);

    const db = await p.db();
    await eventually(async () => ((await db.collection('cases').countDocuments()) === 6 ? true : undefined), 240_000, 'five letter cases and one e-mail case');
    // The e-mail's attachments are inspected after its case exists (processors/attachments).
    await eventually(async () => ((await db.collection('cases').countDocuments({ 'messages.attachments.inspection': 'pending' })) === 0 ? true : undefined), 120_000, 'e-mail attachments inspected');
    await eventually(async () => ((await db.collection('claimchecks.files').countDocuments()) === 0 ? true : undefined), 30_000, 'page blobs dropped');
  });
  after(async () => {
    await p?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** The case of a dropped file: the only one-page drop is the JPEG, the English one the TIFF, the other the PDF. */
  async function letterCase(file: 'scan_0001.jpg' | 'scan_0002.tif' | 'scan_0003.pdf') {
    const cases = await (await p.db()).collection('cases').find({ channel: 'letter', 'messages.source.mailbox': 'drop' }).toArray();
    const fileOf = (c: (typeof cases)[number]) =>
      c.messages[0].attachments.length === 1 ? 'scan_0001.jpg' : c.classification.language === 'en' ? 'scan_0002.tif' : 'scan_0003.pdf';
    return cases.find((c) => fileOf(c) === file) ?? null;
  }

  it('publishes everything and moves the dropped files to done/; uploads answer 202', async () => {
    expect((await readdir(dir)).sort()).to.deep.equal(['done', 'rejected']);
    expect((await readdir(join(dir, 'done'))).filter((n) => n.startsWith('scan_')).sort()).to.deep.equal(['scan_0001.jpg', 'scan_0002.tif', 'scan_0003.pdf']);
    expect(await readdir(join(dir, 'rejected'))).to.deep.equal([]);
    expect(uploads.map((u) => u.status)).to.deep.equal([202, 202]);
  });

  it('turns the Dutch and English scans into letter cases with the right contact details and topic', async () => {
    for (const [file, lang, seed] of [['scan_0001.jpg', 'nl', 1], ['scan_0002.tif', 'en', 4], ['scan_0003.pdf', 'nl', 5]] as const) {
      const c = await letterCase(file);
      expect(c, file).to.not.equal(null);
      expect(c!.channel).to.equal('letter');
      expect(c!.classification.language, file).to.equal(lang);
      expect(c!.classification.topic, file).to.equal(truthTopic(lang, seed));
      expect(c!.citizen, file).to.deep.include(expectedCitizen(lang, seed));
      expect(c!.messages[0].subject, file).to.equal(letterText(lang, seed)[3]![0]!.replace(/^\w+:\s*/, ''));
      expect(c!.ack.status).to.equal('not_needed');
    }
  });

  it('flags the ID card and the passports (MRZ, check digits), and not the screenshot, the invoice or the letters', async () => {
    const db = await p.db();
    const cases = await db.collection('cases').find({}).toArray();
    // Every page and attachment with the kind the pipeline gave it, against what it is.
    const truth: Record<string, 'id_document' | 'other'> = {};
    const got: Record<string, string> = {};
    for (const c of cases) {
      const m = c.messages[0];
      for (const a of m.attachments as Array<{ filename: string; kind: string }>) {
        const key = `${c.channel}:${c.channel === 'email' ? 'imap' : m.source.mailbox}:${c.caseNumber}:${a.filename}`;
        got[key] = a.kind;
      }
    }
    const tif = await letterCase('scan_0002.tif');
    const pdf = await letterCase('scan_0003.pdf');
    const jpg = await letterCase('scan_0001.jpg');
    const mail = cases.find((c) => c.channel === 'email')!;
    const uploaded = cases.filter((c) => c.messages[0].source.mailbox === 'upload');
    truth[`letter:drop:${jpg!.caseNumber}:page-1`] = 'other';
    truth[`letter:drop:${tif!.caseNumber}:page-1`] = 'other';
    truth[`letter:drop:${tif!.caseNumber}:page-2`] = 'other'; // screenshot about passports
    truth[`letter:drop:${pdf!.caseNumber}:page-1`] = 'other';
    truth[`letter:drop:${pdf!.caseNumber}:page-2`] = 'id_document';
    for (const u of uploaded) truth[`letter:upload:${u.caseNumber}:page-1`] = 'id_document';
    truth[`email:imap:${mail.caseNumber}:identiteitskaart.jpg`] = 'id_document';
    truth[`email:imap:${mail.caseNumber}:factuur.png`] = 'other';
    truth[`email:imap:${mail.caseNumber}:logo.png`] = 'other';
    expect(Object.keys(got).sort()).to.deep.equal(Object.keys(truth).sort());
    let tp = 0, fp = 0, fn = 0;
    for (const [k, want] of Object.entries(truth)) {
      const isId = got[k] === 'id_document';
      if (isId && want === 'id_document') tp++;
      else if (isId) fp++;
      else if (want === 'id_document') fn++;
    }
    expect({ tp, fp, fn }).to.deep.equal({ tp: 4, fp: 0, fn: 0 }); // precision 1, recall 1

    const docs = await db.collection('identity_documents').find({}).toArray();
    expect(docs).to.have.length(4);
    const pdfDoc = docs.find((d) => d.caseId === pdf!._id)!;
    expect(pdfDoc).to.include({ category: 'id_document', documentKind: 'id_card', detectedBy: 'mrz', mrzValid: true, channel: 'letter', part: 2 });
    const uploadedDocs = docs.filter((d) => uploaded.some((u) => u._id === d.caseId));
    expect(uploadedDocs.map((d) => [d.documentKind, d.mrzValid]).sort()).to.deep.equal([['passport', false], ['passport', true]]);
    const mailDoc = docs.find((d) => d.caseId === mail._id)!;
    expect(mailDoc).to.include({ channel: 'email', documentKind: 'id_card', part: 1 });
    // The case shows that a copy is present and its kind, nothing more.
    expect(pdf!.idDocuments).to.deep.equal([{ kind: 'id_card', documentId: pdfDoc._id }]);
    expect(mail.idDocuments).to.deep.equal([{ kind: 'id_card', documentId: mailDoc._id }]);
    expect(mail.messages[0].attachments.find((a: { filename: string }) => a.filename === 'identiteitskaart.jpg').sha256).to.equal('');
    for (const d of docs) expect(d.expiresAt.getTime() - d.receivedAt.getTime()).to.equal(30 * 86_400_000);
  });

  it('keeps the copies sealed: no MRZ, number or image bytes in clear anywhere, and the cipher opens them only for their own id', async () => {
    const db = await p.db();
    const all = await everyDocument(db);
    const mrz = [...td1(idCard.person), ...td3(passport.person)];
    const needles: Record<string, Buffer> = {
      ...Object.fromEntries(mrz.map((l, i) => [`MRZ line ${i}`, Buffer.from(l)])),
      'ID card number': Buffer.from(idCard.person.documentNumber),
      'passport number': Buffer.from(passport.person.documentNumber),
      ...imageNeedles('uploaded passport', passportDoc.image),
    };
    expect(tracesOf(all, needles)).to.deep.equal([]);
    // Sealed with the configured key and bound to the document: the passport upload decrypts to its bytes.
    const cipher = createFieldCipher({ keys: { k1: p.config.keys.encryption }, activeKeyId: 'k1' });
    const doc = (await db.collection('identity_documents').find({ channel: 'letter', mrzValid: true, documentKind: 'passport' }).toArray())[0]!;
    const plain = cipher.decrypt(doc.content, `identity_documents/${doc._id}/content`);
    expect(plain.equals(passportDoc.image)).to.equal(true);
    expect(() => cipher.decrypt(doc.content, `identity_documents/${'0'.repeat(64)}/content`)).to.throw();
  });

  it('audits the view, then "established" deletes the copy and leaves no trace in any collection or GridFS bucket', async () => {
    const app = p.app!;
    const db = await p.db();
    const pdf = await letterCase('scan_0003.pdf');
    const docId = pdf!.idDocuments[0].documentId as string;
    const before = await db.collection('identity_documents').findOne({ _id: docId as never });
    // Verifying without looking is refused.
    const refused = await app.identity.recordVerification({ docId, agent: AGENT, outcome: 'established', method: 'copy of ID seen' }).catch((e: { code?: string }) => e.code);
    expect(refused).to.equal('IDENTITY_NOT_VIEWED');

    const view = await app.identity.viewDocument(docId, AGENT);
    expect(view.caseId).to.equal(pdf!._id);
    expect(view.documentKind).to.equal('id_card');
    expect(view.hints.mrzValid).to.equal(true);
    expect(view.hints.nameOnDocument).to.equal('differs_from_case'); // A. Visser wrote, the card is W. de Bruijn's
    const shown = view.content;
    expect((await sharp(shown).metadata()).width).to.equal(A4_300DPI.width);
    const audit = await db.collection('audit_log').find({ caseId: pdf!._id }).toArray();
    expect(audit.map((a) => [a.action, a.actor.id, a.actor.role])).to.deep.include(['read', AGENT.id, AGENT.role]);

    // The search must be able to find something: the sealed bytes are there now.
    const ct = Buffer.from(String(before!.content.ct).slice(1000, 1064));
    expect(tracesOf(await everyDocument(db), { ciphertext: ct })).to.deep.equal(['ciphertext in identity_documents']);

    const r = await app.identity.recordVerification({ docId, agent: AGENT, outcome: 'established', method: 'copy of ID seen' });
    expect(r).to.deep.equal({ caseId: pdf!._id, outcome: 'established', deleted: 1 });

    const after = await everyDocument(db);
    const needles: Record<string, Buffer> = {
      ciphertext: ct,
      ...Object.fromEntries(td1(idCard.person).map((l, i) => [`MRZ line ${i}`, Buffer.from(l)])),
      'document number': Buffer.from(idCard.person.documentNumber),
      surname: Buffer.from(idCard.person.surname),
      'document id': Buffer.from(docId),
      ...imageNeedles('page image', shown),
      ...imageNeedles('card image', idCardDoc.image),
    };
    expect(tracesOf(after, needles)).to.deep.equal([]);
    // The GridFS bucket the pages travelled through is empty (every bucket was searched above).
    expect(after.filter((d) => d.collection.startsWith('claimchecks.'))).to.deep.equal([]);
    const c = await db.collection('cases').findOne({ _id: pdf!._id });
    expect(c!.idDocuments).to.deep.equal([]);

    // What remains: the record of the decision, without document data.
    const records = await db.collection('verification_records').find({ caseId: pdf!._id }).toArray();
    expect(records).to.have.length(1);
    const rec = records[0]!;
    expect(Object.keys(rec).sort()).to.deep.equal(['_id', 'agent', 'at', 'caseId', 'documentKind', 'expiresAt', 'method', 'outcome']);
    expect(rec).to.deep.include({ caseId: pdf!._id, method: 'copy of ID seen', outcome: 'established', documentKind: 'id_card', agent: AGENT });
    const deletion = await db.collection('deletion_log').find({ kind: 'verification' }).toArray();
    expect(deletion.map((d) => d.caseIds)).to.deep.equal([[pdf!._id]]);
    // Gone means gone: a second view finds nothing.
    expect(await app.identity.viewDocument(docId, AGENT).catch((e: { code?: string }) => e.code)).to.equal('IDENTITY_DOCUMENT_NOT_FOUND');
  });

  it('"not established" keeps the copy; past its term the sweeper removes every unverified copy', async () => {
    const app = p.app!;
    const db = await p.db();
    const docs = await db.collection('identity_documents').find({}).toArray();
    expect(docs).to.have.length(3);
    const valid = docs.find((d) => d.documentKind === 'passport' && d.mrzValid === true)!;
    await app.identity.viewDocument(valid._id as unknown as string, AGENT);
    const r = await app.identity.recordVerification({ docId: valid._id as unknown as string, agent: AGENT, outcome: 'not_established', method: 'copy of ID seen' });
    expect(r.deleted).to.equal(0);
    expect(await db.collection('identity_documents').countDocuments()).to.equal(3);
    expect(await db.collection('verification_records').countDocuments({ outcome: 'not_established' })).to.equal(1);

    const latest = Math.max(...docs.map((d) => (d.expiresAt as Date).getTime()));
    const sweep = (at: number) => createRetentionSweeper({ db: db.db!, collections: RETENTION_COLLECTIONS, mode: 'delete', clock: () => new Date(at) }).runOnce();
    const early = await sweep(Math.min(...docs.map((d) => (d.expiresAt as Date).getTime())) - 1000);
    expect(early.identity_documents).to.equal(0);
    const late = await sweep(latest + 1000);
    expect(late.identity_documents).to.equal(3);
    expect(await db.collection('identity_documents').countDocuments()).to.equal(0);
    // Cases and verification records keep their own, longer term.
    expect(await db.collection('cases').countDocuments()).to.equal(6);
    expect(await db.collection('verification_records').countDocuments()).to.equal(2);
    expect(late.verification_records).to.equal(0);
  });
});
