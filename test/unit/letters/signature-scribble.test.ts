/**
 * A scanned letter with a drawn handwritten signature above the printed name under the
 * closing, as nearly every real letter has: OCR reads the scribble as letters with very low
 * confidence, and the name must come from the printed line under it (reconciled with the
 * sender block's initials), never from the scribble. Real OCR on pages generated here.
 */
import { expect } from 'chai';
import { analyseLetter } from '../../../processors/letters/index.ts';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool } from '../../../processors/ocr/index.ts';
import { A4_300DPI, rasterise, svgDocument, type TextLine } from '../../support/letters/render.ts';
import { penSignatureSvg } from '../../support/letters/signatures.ts';

const langPath = process.env.KCC_TESSDATA ?? DEBIAN_TESSDATA;

/** A one-page letter: blocks of lines, a pen signature between the closing and the last block. */
async function page(blocks: string[][], seed: number): Promise<Buffer> {
  const lines: TextLine[] = [];
  let y = 300;
  let extra = '';
  blocks.forEach((block, bi) => {
    if (bi === blocks.length - 1) {
      // Big and dark enough that tesseract takes it for a line of text, as it does on real scans.
      extra = penSignatureSvg(seed, 230, y - 30, 620, 130);
      y += 190;
    }
    for (const text of block) {
      lines.push({ text, x: 240, y, size: 46 });
      y += 66;
    }
    y += 50;
  });
  return (await rasterise(svgDocument(A4_300DPI.width, A4_300DPI.height, lines, [], extra), { grain: 8, seed, jpegQuality: 80 })).image;
}

const HEAD = ['J. de Boer', 'Populierenlaan 23', '7391 BL Twello'];
const US = ['Logius', 'Klantcontactcentrum', 'Postbus 30250', '2500 GG Den Haag'];
const BODY = [['Betreft: activeringscode'], ['Geachte heer, mevrouw,'], ['Ik heb nog geen brief met mijn activeringscode ontvangen.', 'Kunt u die opnieuw sturen?']];

describe('letters: a handwritten signature above the printed name', function () {
  this.timeout(180_000);
  let pool: OcrPool;
  before(async () => {
    pool = await createOcrPool({ langPath, workers: 2 });
  });
  after(async () => {
    await pool?.close();
  });

  it('takes the printed name under the signature, in its fullest form, never the scribble', async () => {
    for (const seed of [2, 3, 10]) {
      const image = await page([HEAD, US, ...BODY, ['Met vriendelijke groet,'], ['Jan de Boer']], seed);
      const a = await analyseLetter([{ name: 'page-1', image, mime: 'image/jpeg' }], { ocr: pool });
      expect(a.citizen.name, `seed ${seed}`).to.equal('Jan de Boer');
      expect(a.citizen).to.include({ street: 'Populierenlaan', house_number: '23', postcode: '7391BL', city: 'Twello' });
    }
  });

  it('leaves the name empty and marks it for the agent when the signature is all there is', async () => {
    const image = await page([HEAD.slice(1), US, ...BODY, ['Met vriendelijke groet,'], []], 3);
    const a = await analyseLetter([{ name: 'page-1', image, mime: 'image/jpeg' }], { ocr: pool });
    expect(a.citizen.name).to.equal(null);
    expect(a.uncertain).to.include('name');
    expect(a.citizen).to.include({ street: 'Populierenlaan', postcode: '7391BL' });
  });
});
