/**
 * E-mail attachments inspected after the case exists, against the real servers: the e-mail
 * processor stores the case at once (attachments 'other', inspection pending) and queues an
 * attachment check per candidate, processors/attachments then OCRs them; an ID-card photo
 * becomes a sealed identity document listed on the case, a screenshot stays 'other', an icon
 * is never queued. A redelivered message, before and after inspection, yields no second
 * document and no second OCR. Run twice: the raw mail in its record, so the attachments'
 * bytes go in the check records too; and the raw mail by claim check (as a mail above the
 * threshold would), so the checks go by claim check as well (no ID copy reaches Kafka that
 * was not on it already).
 *
 * Records are produced straight onto the raw-mail topic (as the IMAP ingestor would), so a
 * redelivery is exactly the same record again.
 * OCR budget per run: two images, one MRZ pass (CI has two cores).
 */
import { expect } from 'chai';
import { BSON } from 'mongodb';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { createClaimCheckStore } from '../../../lib/claimcheck.ts';
import { decodeAttachmentCheck, dedupeKeyOf, encodeRawMail, messageIdFromRaw, sha256Of, type AttachmentCheck, type RawMailV2 } from '../../../lib/contracts.ts';
import { createFieldCipher } from '../../../lib/crypto.ts';
import type { App } from '../../../app/index.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { PEOPLE, renderIdCard, renderScreenshot, td1, type GeneratedDoc } from '../../support/letters/ids.ts';

interface StoredAttachment { filename: string; kind: string; sha256: string; inspection?: string }

for (const mode of [{ name: 'mail inline, checks inline', rawInline: true }, { name: 'mail by claim check, checks by claim check', rawInline: false }] as const) describe(`e-mail attachments: inspected for ID copies after the case is stored (${mode.name})`, function () {
  this.timeout(180_000);
  /** Attachment blobs in the claim-check store while two checks wait. */
  const waiting = mode.rawInline ? 0 : 2;
  let p: TestPipeline;
  let raw: Buffer;
  let key: string;
  let photo: GeneratedDoc;
  let uid = 0;
  const person = PEOPLE[2]!;

  before(async () => {
    p = await createTestPipeline();
    photo = await renderIdCard(person, { rotateDeg: 1, grain: 10, jpegQuality: 70, seed: 3 });
    const shot = await renderScreenshot();
    const icon = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#154273' } }).png().toBuffer();
    raw = await new MailComposer({
      from: `"Fatima Smit" <att-${testId()}@citizens.test>`,
      to: p.intakeUser,
      subject: 'Kopie identiteitskaart voor DigiD',
      text: 'Geachte heer/mevrouw,\n\nHierbij mijn identiteitskaart en een schermafbeelding van de foutmelding.\n\nMet vriendelijke groet,\nFatima Smit',
      attachments: [
        { filename: 'identiteitskaart.jpg', content: photo.image, contentType: 'image/jpeg' },
        { filename: 'scherm.png', content: shot.image, contentType: 'image/png' },
        { filename: 'smiley.png', content: icon, contentType: 'image/png' },
      ],
    }).compile().build();
    key = dedupeKeyOf(messageIdFromRaw(raw), sha256Of(raw));
  });
  after(async () => {
    await p?.cleanup();
  });

  /** The raw mail as the IMAP ingestor publishes it: the same bytes, inline or by a fresh claim check. */
  async function deliver(app: App): Promise<void> {
    const claims = createClaimCheckStore((await p.db()).db!);
    const body: RawMailV2['body'] = mode.rawInline ? { type: 'inline' } : { type: 'claim_check', bucket: claims.bucketName, fileId: await claims.put(raw, new Date(Date.now() + 86_400_000)) };
    uid += 1;
    const rec: RawMailV2 = {
      schemaVersion: 2,
      source: { kind: 'imap', account: p.intakeUser, mailbox: 'INBOX', uidValidity: '1', uid },
      receivedAt: new Date().toISOString(),
      messageId: messageIdFromRaw(raw),
      sha256: sha256Of(raw),
      size: raw.length,
      body,
    };
    const producer = await app.bus.producer();
    try {
      await producer.send(app.topics.mailRaw, [{ key: rec.sha256, ...encodeRawMail(rec, mode.rawInline ? raw : null) }]);
    } finally {
      await producer.close();
    }
  }

  async function attachments(): Promise<StoredAttachment[]> {
    const c = await (await p.db()).collection('cases').findOne({ 'messages.dedupeKey': key });
    return (c?.messages[0].attachments ?? []) as StoredAttachment[];
  }

  /** How the queued checks carry their bytes, read back from the topic (in attachment order). */
  async function checkBodies(app: App): Promise<string[]> {
    const found: AttachmentCheck[] = [];
    const consumer = await app.bus.consume({ groupId: `peek-${testId()}`, topics: [app.topics.attachmentCheck], fromBeginning: true }, async (r) => {
      found.push(decodeAttachmentCheck(r));
    });
    try {
      await eventually(async () => (found.length >= 2 ? true : undefined), 20_000, 'the checks on the topic');
    } finally {
      await consumer.stop();
    }
    const claims = createClaimCheckStore((await p.db()).db!);
    for (const c of found) {
      // The bytes, wherever they are, are the attachment's.
      const bytes = c.body.type === 'inline' ? c.inline! : await claims.get(c.body.fileId);
      expect(sha256Of(bytes)).to.equal(c.sha256);
    }
    return found.sort((a, b) => a.attachmentIndex - b.attachmentIndex).map((c) => c.body.type);
  }

  const count = async (collection: string, filter: Record<string, unknown> = {}) => (await p.db()).collection(collection).countDocuments(filter);

  it('stores the case at once with its candidate attachments pending, and queues each of them once per delivery', async () => {
    const app = await p.start(['process']);
    await deliver(app);
    await eventually(async () => ((await count('cases')) === 1 ? true : undefined), 60_000, 'the case');
    const stored = await attachments();
    expect(stored.map((a) => [a.filename, a.kind, a.inspection ?? null])).to.deep.equal([
      ['identiteitskaart.jpg', 'other', 'pending'],
      ['scherm.png', 'other', 'pending'],
      ['smiley.png', 'other', null],
    ]);
    expect(stored[0]!.sha256).to.equal(sha256Of(photo.image));
    // Queued (the case is stored first, the checks just after); the raw mail's blob dropped,
    // and a blob per queued attachment left only when they go by claim check.
    await eventually(async () => (app.components.processor!.stats.attachmentsQueued === 2 ? true : undefined), 20_000, 'two checks queued');
    await eventually(async () => ((await count('claimchecks.files')) === waiting ? true : undefined), 20_000, `${waiting} attachment blobs`);
    expect(await checkBodies(app)).to.deep.equal(mode.rawInline ? ['inline', 'inline'] : ['claim_check', 'claim_check']);
    expect(await count('identity_documents')).to.equal(0);

    // Redelivered before the inspector ran (a crash before the commit): queued again, no second case.
    await deliver(app);
    await eventually(async () => (app.components.processor!.stats.duplicates === 1 ? true : undefined), 30_000, 'the redelivery');
    expect(app.components.processor!.stats.attachmentsQueued).to.equal(4);
    expect(await count('cases')).to.equal(1);
    await p.stopApp();
  });

  it('then marks the ID card id_document with one sealed identity document, and the screenshot other', async () => {
    // Also when the test above failed: a second e-mail processor in the group would take partitions.
    await p.stopApp();
    const app = await p.start(['process', 'inspect']);
    const db = await p.db();
    await eventually(async () => ((await count('cases', { 'messages.attachments.inspection': 'pending' })) === 0 ? true : undefined), 120_000, 'attachments inspected');
    const stored = await attachments();
    expect(stored.map((a) => [a.filename, a.kind, a.inspection ?? null])).to.deep.equal([
      ['identiteitskaart.jpg', 'id_document', 'done'],
      ['scherm.png', 'other', 'done'],
      ['smiley.png', 'other', null],
    ]);
    // No fingerprint of the copy on the case.
    expect(stored[0]!.sha256).to.equal('');

    const docs = await db.collection('identity_documents').find({}).toArray();
    expect(docs).to.have.length(1);
    const doc = docs[0]!;
    expect(doc).to.deep.include({ messageKey: key, caseId: key, channel: 'email', part: 1, category: 'id_document', documentKind: 'id_card' });
    const c = await db.collection('cases').findOne({ _id: key as never });
    expect(c!.idDocuments).to.deep.equal([{ kind: 'id_card', documentId: doc._id }]);

    // Sealed: the bytes open only with the configured key and the document's own id, and
    // neither the MRZ nor the image is in the clear anywhere in the document.
    const cipher = createFieldCipher({ keys: { k1: p.config.keys.encryption }, activeKeyId: 'k1' });
    expect(cipher.decrypt(doc.content, `identity_documents/${doc._id}/content`).equals(photo.image)).to.equal(true);
    const bson = Buffer.from(BSON.serialize(doc));
    for (const line of td1(person)) expect(bson.includes(Buffer.from(line))).to.equal(false);
    expect(bson.includes(photo.image.subarray(1000, 1048))).to.equal(false);

    // The duplicate checks cost no OCR; every blob is gone.
    const stats = app.components.attachmentInspector!.stats;
    expect(stats.inspected).to.equal(2);
    expect(stats.flagged).to.equal(1);
    await eventually(async () => (stats.skipped === 2 ? true : undefined), 30_000, 'duplicate checks skipped');
    await eventually(async () => ((await count('claimchecks.files')) === 0 ? true : undefined), 30_000, 'blobs deleted');
  });

  it('does not produce a second identity document when the message is redelivered after inspection', async () => {
    const app = p.app!;
    await deliver(app);
    await eventually(async () => (app.components.processor!.stats.duplicates === 1 ? true : undefined), 30_000, 'the redelivery');
    expect(app.components.processor!.stats.attachmentsQueued).to.equal(0);
    await eventually(async () => ((await count('claimchecks.files')) === 0 ? true : undefined), 30_000, 'raw blob dropped');
    expect(await count('identity_documents')).to.equal(1);
    expect(await count('cases')).to.equal(1);
    const c = await (await p.db()).collection('cases').findOne({ _id: key as never });
    expect(c!.idDocuments).to.have.length(1);
    expect(app.components.attachmentInspector!.stats.inspected).to.equal(2);
  });
});
