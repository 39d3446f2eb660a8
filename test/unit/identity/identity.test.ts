/**
 * Identity documents without a database: the schemas against the register, the agent's
 * name hint, the e-mail collector, and the attachment inspector's cheap paths (no OCR).
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { auditSchemas, collectionsNeedingExpiry, pathsByCategory } from '../../../lib/pd-schema.ts';
import {
  createAttachmentInspector,
  documentIdOf,
  emailCopyCollector,
  identityModels,
  inspectPage,
  isInspectionCandidate,
  nameHint,
  pendingDocumentOf,
  type AttachmentVerdict,
} from '../../../processors/identity/index.ts';
import type { OcrPool } from '../../../processors/ocr/index.ts';
import { encryptedPdf, textPdf } from '../../support/letters/files.ts';

/** An OCR factory that fails the test if anything asks for it. */
const noOcr = async (): Promise<OcrPool> => {
  throw new Error('OCR must not be needed here');
};

describe('identity: schemas against register M1533', () => {
  const conn = mongoose.createConnection();
  const m = identityModels(conn);
  after(async () => {
    await conn.close();
  });

  it('has zero problems: every path categorised, one retention term per document, expiresAt present', () => {
    const problems = auditSchemas([m.IdentityDocument, m.VerificationRecord]);
    expect(problems, JSON.stringify(problems, null, 2)).to.deep.equal([]);
  });

  it('marks the image, the MRZ hints and the label as id_copy, and nothing else of the copy', () => {
    const paths = pathsByCategory(m.IdentityDocument);
    expect(Object.keys(paths)).to.deep.equal(['id_copy']);
    expect(paths.id_copy).to.include.members(['content', 'hints', 'label']);
  });

  it('keeps no id_copy path on a verification record: only case-handling data', () => {
    const paths = pathsByCategory(m.VerificationRecord);
    expect(paths.id_copy).to.equal(undefined);
    expect(paths.case_metadata).to.have.members(['method', 'outcome', 'documentKind']);
    // No field that could hold a number, an image or a name.
    const all: string[] = [];
    m.VerificationRecord.schema.eachPath((p) => all.push(p));
    expect(all.sort()).to.deep.equal(['_id', 'agent', 'at', 'caseId', 'documentKind', 'expiresAt', 'method', 'outcome']);
  });

  it('lists both collections for the retention sweeper', () => {
    expect(collectionsNeedingExpiry([m.IdentityDocument, m.VerificationRecord])).to.deep.equal(['identity_documents', 'verification_records']);
  });

  it('derives a stable document id per message and part', () => {
    expect(documentIdOf('k', 1)).to.equal(documentIdOf('k', 1));
    expect(documentIdOf('k', 1)).to.not.equal(documentIdOf('k', 2));
    expect(documentIdOf('k', 1)).to.match(/^[0-9a-f]{64}$/);
  });
});

describe('identity: the name hint for the agent', () => {
  it('matches initials and full given names against the MRZ name, ignoring case and diacritics', () => {
    expect(nameHint('W. de Bruijn', { surname: 'DE BRUIJN', givenNames: 'WILLEMIJN' })).to.equal('matches_case');
    expect(nameHint('Willemijn de Bruijn', { surname: 'DE BRUIJN', givenNames: 'WILLEMIJN' })).to.equal('matches_case');
    expect(nameHint('Pieter Jan van Dam', { surname: 'VAN DAM', givenNames: 'PIETER JAN' })).to.equal('matches_case');
    expect(nameHint('Fátima Smit', { surname: 'SMIT', givenNames: 'FATIMA' })).to.equal('matches_case');
  });

  it('says when they differ, and unknown without a name on either side', () => {
    expect(nameHint('J. de Vries', { surname: 'DE BRUIJN', givenNames: 'WILLEMIJN' })).to.equal('differs_from_case');
    expect(nameHint('K. de Bruijn', { surname: 'DE BRUIJN', givenNames: 'WILLEMIJN' })).to.equal('differs_from_case');
    expect(nameHint(null, { surname: 'DE BRUIJN' })).to.equal('unknown');
    expect(nameHint('J. de Vries', null)).to.equal('unknown');
  });
});

describe('identity: inspecting pages and attachments without OCR', () => {
  it('flags a text page that is an ID document by its printed keywords, and not a letter mentioning a passport', async () => {
    const id = await inspectPage({
      text: 'KONINKRIJK DER NEDERLANDEN\nPASPOORT PASSPORT\nNaam / Surname\nDE BRUIJN\nGeboortedatum / Date of birth\n14 03 1985\nGeldig tot / Date of expiry\n22 08 2031',
    });
    expect(id.kind).to.equal('id_document');
    expect(id.id.kind).to.equal('passport');
    const letter = await inspectPage({ text: 'Geachte heer, mevrouw,\nIk wil mijn paspoort gebruiken voor de DigiD app maar dat lukt niet.\nMet vriendelijke groet,\nJ. de Vries' });
    expect(letter.kind).to.equal('other');
  });

  it('refuses an image page without an OCR pool rather than guessing', async () => {
    const png = await sharp({ create: { width: 800, height: 500, channels: 3, background: '#ffffff' } }).png().toBuffer();
    let code: string | undefined;
    try {
      await inspectPage({ image: png });
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).to.equal('INSPECT_NO_OCR');
  });

  it('does not OCR icons, GIFs, damaged or password-protected files, and reads a text-layer PDF without OCR', async () => {
    const inspect = createAttachmentInspector({ ocr: noOcr }).forMessage();
    const icon = await sharp({ create: { width: 48, height: 48, channels: 3, background: '#336699' } }).png().toBuffer();
    const banner = await sharp({ create: { width: 600, height: 40, channels: 3, background: '#336699' } }).png().toBuffer();
    const verdicts: AttachmentVerdict[] = [
      await inspect({ filename: 'smiley.png', contentType: 'image/png', content: icon }),
      await inspect({ filename: 'banner.png', contentType: 'image/png', content: banner }),
      await inspect({ filename: 'dot.gif', contentType: 'image/gif', content: Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1') }),
      await inspect({ filename: 'cut.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7\n1 0 obj\n<<') }),
      await inspect({ filename: 'locked.pdf', contentType: 'application/pdf', content: Buffer.from(await encryptedPdf()) }),
      await inspect({ filename: 'notes.pdf', contentType: 'application/pdf', content: Buffer.from(await textPdf([['Factuur 2025-00417', 'Totaal EUR 295,85 te betalen binnen 30 dagen.']])) }),
    ];
    expect(verdicts.map((v) => v.kind)).to.deep.equal(['other', 'other', 'other', 'other', 'other', 'other']);
    expect(verdicts.map((v) => v.skipped)).to.deep.equal([null, null, 'not_a_document', 'unreadable', 'unreadable', null]);
  });

  it('queues for inspection only PDFs and images larger than an icon, judged by bytes and header, not by the declared type', async () => {
    const icon = await sharp({ create: { width: 48, height: 48, channels: 3, background: '#336699' } }).png().toBuffer();
    const banner = await sharp({ create: { width: 600, height: 40, channels: 3, background: '#336699' } }).png().toBuffer();
    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#eeeeee' } }).jpeg().toBuffer();
    const screenshot = await sharp({ create: { width: 1280, height: 800, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const inputs: Array<[string, Buffer]> = [
      ['icon', icon],
      ['banner', banner],
      ['gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
      ['text', Buffer.from('Geachte heer/mevrouw, hierbij mijn vraag.')],
      ['damaged png', Buffer.concat([screenshot.subarray(0, 8), Buffer.alloc(64)])],
      ['photo', photo],
      ['screenshot', screenshot],
      ['pdf', Buffer.from(await textPdf([['Factuur 2025-00417']]))],
    ];
    const got: Record<string, boolean> = {};
    for (const [name, content] of inputs) got[name] = await isInspectionCandidate({ content });
    expect(got).to.deep.equal({ icon: false, banner: false, gif: false, text: false, 'damaged png': false, photo: true, screenshot: true, pdf: true });
  });

  it('turns a verdict on an attachment into an identity document keyed by message and 1-based position', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const verdict: AttachmentVerdict = { kind: 'signature', documentKind: null, detectedBy: 'signature', mrzValid: null, hints: null, skipped: null };
    const d = pendingDocumentOf(verdict, { messageKey: 'k', part: 3, filename: '', contentType: '', content: Buffer.from('x'), receivedAt: at });
    expect(d).to.deep.include({ messageKey: 'k', channel: 'email', part: 3, label: 'attachment 3', category: 'signature', contentType: 'application/octet-stream', receivedAt: at });
  });

  it('degrades to "not inspected" when the OCR pool cannot start (the mail still becomes a case)', async () => {
    const inspect = createAttachmentInspector({ ocr: noOcr }).forMessage();
    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#eeeeee' } }).jpeg().toBuffer();
    const v = await inspect({ filename: 'foto.jpg', contentType: 'image/jpeg', content: photo });
    expect(v).to.include({ kind: 'other', skipped: 'ocr_unavailable' });
  });

  it('collects flagged attachments with their position, and blanks their hash on the case', async () => {
    const verdicts: AttachmentVerdict[] = [
      { kind: 'other', documentKind: null, detectedBy: null, mrzValid: null, hints: null, skipped: null },
      { kind: 'id_document', documentKind: 'passport', detectedBy: 'mrz', mrzValid: true, hints: { surname: 'SMIT' }, skipped: null },
    ];
    let i = 0;
    const collector = emailCopyCollector({ forMessage: () => async () => verdicts[i++]! });
    const hook = collector.options({ ourAddresses: ['kcc@logius.test'] });
    expect(hook.ourAddresses).to.deep.equal(['kcc@logius.test']);
    await hook.inspectAttachment!({ filename: 'brief.txt', contentType: 'text/plain', content: Buffer.from('x') });
    const r = await hook.inspectAttachment!({ filename: 'paspoort.jpg', contentType: 'image/jpeg', content: Buffer.from('jpegbytes') });
    expect(r).to.deep.equal({ kind: 'id_document', documentKind: 'passport' });
    const at = new Date('2026-01-02T03:04:05Z');
    const pending = collector.pending('key1', at);
    expect(pending).to.have.length(1);
    expect(pending[0]).to.deep.include({ messageKey: 'key1', part: 2, label: 'paspoort.jpg', category: 'id_document', documentKind: 'passport', mrzValid: true, receivedAt: at });
    expect(pending[0]!.content.toString()).to.equal('jpegbytes');
    const onCase = collector.caseAttachments([
      { filename: 'brief.txt', kind: 'other' as const, sha256: 'a'.repeat(64) },
      { filename: 'paspoort.jpg', kind: 'id_document' as const, sha256: 'b'.repeat(64) },
    ]);
    expect(onCase.map((x) => x.sha256)).to.deep.equal(['a'.repeat(64), '']);
  });
});
