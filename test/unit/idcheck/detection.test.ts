import { expect } from 'chai';
import sharp from 'sharp';
import { detectIdDocument, detectSignature, needsMrzPass, type IdDetection } from '../../../processors/idcheck/index.ts';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool, type OcrResult } from '../../../processors/ocr/index.ts';
import {
  PEOPLE,
  breakCheckDigit,
  renderDrivingLicence,
  renderIdCard,
  renderInvoice,
  renderPassport,
  renderScreenshot,
  renderSignature,
  renderTextStrip,
  td3,
  type GeneratedDoc,
} from '../../support/letters/ids.ts';
import { renderLetter } from '../../support/letters/letters.ts';

const langPath = process.env.KCC_TESSDATA ?? DEBIAN_TESSDATA;

interface Case {
  name: string;
  doc: GeneratedDoc;
  expected: { isId: boolean; kind?: 'passport' | 'id_card' | 'driving_licence'; mrzValid?: boolean | null };
}

/** What the pipeline does with an image: OCR, a second MRZ-only pass when hinted, then detect. */
async function detect(pool: OcrPool, image: Buffer): Promise<{ ocr: OcrResult; id: IdDetection }> {
  const ocr = await pool.recognize(image);
  const mrzText = needsMrzPass(ocr.text) ? (await pool.recognize(image, { mode: 'mrz', rotate: ocr.rotated as 0 | 90 | 180 | 270 })).text : undefined;
  return { ocr, id: detectIdDocument({ text: ocr.text, mrzText, ocrConfidence: ocr.confidence }) };
}

describe('idcheck: ID copies and signatures among generated attachments (OCR)', function () {
  this.timeout(300_000);
  let pool: OcrPool;
  const results = new Map<string, { ocr: OcrResult; id: IdDetection }>();
  let cases: Case[];

  before(async () => {
    pool = await createOcrPool({ langPath, workers: 2 });
    const [p0, p1, p2, p3] = PEOPLE as [(typeof PEOPLE)[number], (typeof PEOPLE)[number], (typeof PEOPLE)[number], (typeof PEOPLE)[number]];
    cases = [
      { name: 'ID card (TD1)', doc: await renderIdCard(p0), expected: { isId: true, kind: 'id_card', mrzValid: true } },
      { name: 'passport (TD3), noisy scan', doc: await renderPassport(p1, { grain: 15, speckle: 0.001, seed: 4 }), expected: { isId: true, kind: 'passport', mrzValid: true } },
      { name: 'ID card photo, skewed JPEG', doc: await renderIdCard(p2, { rotateDeg: 2, grain: 20, jpegQuality: 60, seed: 5 }), expected: { isId: true, kind: 'id_card', mrzValid: true } },
      { name: 'driving licence (no MRZ)', doc: await renderDrivingLicence(p3), expected: { isId: true, kind: 'driving_licence', mrzValid: null } },
      {
        name: 'passport with a wrong check digit',
        doc: await renderPassport(p3, {}, breakCheckDigit(td3(p3), 'TD3')),
        expected: { isId: true, kind: 'passport', mrzValid: false },
      },
      { name: 'screenshot of a page about passports', doc: await renderScreenshot(), expected: { isId: false } },
      { name: 'invoice', doc: await renderInvoice(), expected: { isId: false } },
      { name: 'letter', doc: await renderLetter({ language: 'nl', letterSeed: 21, grain: 10, seed: 21 }), expected: { isId: false } },
    ];
    await Promise.all(cases.map(async (c) => results.set(c.name, await detect(pool, c.doc.image))));
  });
  after(async () => {
    await pool?.close();
  });

  it('finds every ID copy (recall 1) and takes nothing else for one (precision 1)', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const c of cases) {
      const got = results.get(c.name)!.id;
      if (got.isIdDocument && c.expected.isId) tp++;
      else if (got.isIdDocument) fp++;
      else if (c.expected.isId) fn++;
      expect(got.isIdDocument, c.name).to.equal(c.expected.isId);
    }
    expect({ tp, fp, fn }).to.deep.equal({ tp: 5, fp: 0, fn: 0 });
  });

  it('names the kind of document and how it was found', () => {
    for (const c of cases.filter((x) => x.expected.isId)) {
      const got = results.get(c.name)!.id;
      expect(got.kind, c.name).to.equal(c.expected.kind);
      expect(got.by, c.name).to.equal(c.expected.mrzValid === null ? 'keywords' : 'mrz');
    }
  });

  it('flags the wrong check digit and passes the good ones', () => {
    for (const c of cases.filter((x) => x.expected.isId)) {
      expect(results.get(c.name)!.id.mrzValid, c.name).to.equal(c.expected.mrzValid);
    }
    const bad = results.get('passport with a wrong check digit')!.id.mrz!;
    expect(bad.checkDigitsOk).to.equal(false);
    expect(bad.details.surname).to.equal(PEOPLE[3]!.surname);
  });

  it('tells signatures from printed lines, blank scans and documents', async () => {
    const blank = await sharp({ create: { width: 1200, height: 420, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const signatures = await Promise.all([renderSignature(1, { grain: 10, seed: 1 }), renderSignature(2, { rotateDeg: 1, jpegQuality: 70, seed: 2 }), renderSignature(3, { speckle: 0.001, seed: 3 })]);
    const strips = await Promise.all([renderTextStrip('Met vriendelijke groet'), renderTextStrip('J. de Vries')]);
    const verdicts = async (images: Buffer[]) =>
      Promise.all(
        images.map(async (image) => {
          const ocr = await pool.recognize(image);
          return detectSignature({ image, ocrWords: ocr.words, ocrConfidence: ocr.confidence });
        }),
      );
    const sig = await verdicts(signatures.map((s) => s.image));
    const printed = await verdicts([...strips.map((s) => s.image), blank]);
    // Documents reuse the OCR already done above.
    const docs = await Promise.all(
      cases
        .filter((c) => ['invoice', 'letter', 'ID card (TD1)', 'screenshot of a page about passports'].includes(c.name))
        .map((c) => detectSignature({ image: c.doc.image, ocrWords: results.get(c.name)!.ocr.words, ocrConfidence: results.get(c.name)!.ocr.confidence })),
    );
    expect(sig.map((s) => s.isSignature)).to.deep.equal([true, true, true]);
    expect([...printed, ...docs].map((s) => s.isSignature)).to.deep.equal([false, false, false, false, false, false, false]);
    expect(printed.map((s) => s.reason)).to.deep.equal(['text', 'text', 'blank']);
  });
});
