import { expect } from 'chai';
import sharp from 'sharp';
import { InputError } from '../../../lib/errors.ts';
import { splitDocument, sniff } from '../../../processors/pages/index.ts';
import { ccittPdf, encryptedPdf, hugePngHeader, imagePdf, manyPageTiff, multipageTiff, textPdf, truncated } from '../../support/letters/files.ts';

async function rejection(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(InputError);
    return err as InputError;
  }
  expect.fail('expected a rejection');
}

/** A small page image with some dark marks, so decoding can be checked by pixel statistics. */
async function smallPage(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><rect x="20" y="20" width="${width / 2}" height="30" fill="#000"/></svg>`;
  const img = sharp(Buffer.from(svg)).flatten({ background: '#fff' });
  return format === 'png' ? img.png().toBuffer() : img.jpeg().toBuffer();
}

async function meanGrey(png: Buffer): Promise<number> {
  const stats = await sharp(png).greyscale().stats();
  return stats.channels[0]!.mean;
}

describe('pages: splitDocument', function () {
  this.timeout(60_000);

  it('sniffs the type from magic bytes, not from the name', async () => {
    const png = await smallPage(200, 100, 'png');
    const r = await splitDocument(png, 'scan.pdf');
    expect(r.format).to.equal('png');
    expect(r.extensionMismatch).to.equal(true);
    expect(r.pages).to.have.length(1);
    expect(r.pages[0]!.image!.equals(png)).to.equal(true);
    expect(sniff(Buffer.from('%PDF-1.7\n'))).to.equal('pdf');
    expect(sniff(Buffer.from('GIF89a'))).to.equal(null);
  });

  it('reads the text layer of a born-digital PDF, page by page', async () => {
    const pdf = await textPdf([
      ['Betreft: inloggen met DigiD lukt niet', 'Geachte heer, mevrouw,'],
      ['Met vriendelijke groet,', 'J. de Vries'],
    ]);
    const r = await splitDocument(Buffer.from(pdf), 'brief.pdf');
    expect(r.kind).to.equal('pdf-text');
    expect(r.pages.map((p) => p.index)).to.deep.equal([0, 1]);
    expect(r.pages[0]!.text).to.contain('Betreft: inloggen met DigiD lukt niet');
    expect(r.pages[1]!.text).to.contain('J. de Vries');
    expect(r.pages[0]!.image).to.equal(undefined);
  });

  it('extracts the page images of a scanned PDF (JPEG and PNG inside)', async () => {
    const pdf = await imagePdf([await smallPage(600, 800, 'jpeg'), await smallPage(500, 700, 'png')]);
    const r = await splitDocument(Buffer.from(pdf), 'scan.pdf');
    expect(r.kind).to.equal('images');
    expect(r.pages).to.have.length(2);
    const dims = await Promise.all(r.pages.map(async (p) => sharp(p.image!).metadata()));
    expect(dims.map((d) => [d.width, d.height])).to.deep.equal([
      [600, 800],
      [500, 700],
    ]);
    expect(r.pages.every((p) => p.mime === 'image/png')).to.equal(true);
    // Mostly white with a black bar: decoded, not blank and not inverted.
    for (const p of r.pages) expect(await meanGrey(p.image!)).to.be.within(200, 254);
  });

  it('decodes a CCITT Group 4 (fax) image the right way round', async () => {
    const { pdf, width, height } = await ccittPdf('Fax 0612345678');
    const r = await splitDocument(Buffer.from(pdf), 'fax.pdf');
    expect(r.kind).to.equal('images');
    const meta = await sharp(r.pages[0]!.image!).metadata();
    expect([meta.width, meta.height]).to.deep.equal([width, height]);
    // White background with a line of black text; an inverted decode would average near 0.
    expect(await meanGrey(r.pages[0]!.image!)).to.be.within(200, 254);
  });

  it('splits a multi-page TIFF', async () => {
    const tiff = await multipageTiff([await smallPage(300, 400, 'png'), await smallPage(300, 400, 'png'), await smallPage(300, 400, 'png')]);
    const r = await splitDocument(tiff, 'scan.tif');
    expect(r.format).to.equal('tiff');
    expect(r.pages.map((p) => p.index)).to.deep.equal([0, 1, 2]);
    expect(await meanGrey(r.pages[2]!.image!)).to.be.within(200, 254);
  });

  describe('refuses hostile or broken input with a reason', () => {
    it('zero bytes: PAGES_EMPTY', async () => {
      expect((await rejection(splitDocument(Buffer.alloc(0), 'x.pdf'))).code).to.equal('PAGES_EMPTY');
    });

    it('unknown type: PAGES_UNSUPPORTED', async () => {
      expect((await rejection(splitDocument(Buffer.from('GIF89a....'), 'x.png'))).code).to.equal('PAGES_UNSUPPORTED');
      expect((await rejection(splitDocument(Buffer.from('Beste meneer, hierbij mijn vraag'), 'x.pdf'))).code).to.equal('PAGES_UNSUPPORTED');
    });

    it('too many bytes: PAGES_TOO_LARGE, before parsing', async () => {
      const png = await smallPage(100, 100, 'png');
      expect((await rejection(splitDocument(png, 'x.png', { maxBytes: png.length - 1 }))).code).to.equal('PAGES_TOO_LARGE');
    });

    it('truncated PDF: PAGES_BROKEN', async () => {
      const pdf = await textPdf([['Betreft: een vraag over mijn DigiD account'], ['tweede pagina met tekst erop']]);
      const err = await rejection(splitDocument(Buffer.from(truncated(pdf, 0.6)), 'x.pdf'));
      expect(err.code).to.equal('PAGES_BROKEN');
      expect(err.retriable).to.equal(false);
    });

    it('password-protected PDF (/Encrypt dictionary): PAGES_ENCRYPTED', async () => {
      const err = await rejection(splitDocument(Buffer.from(await encryptedPdf()), 'x.pdf'));
      expect(err.code).to.equal('PAGES_ENCRYPTED');
    });

    it('20 000 × 20 000 PNG: PAGES_IMAGE_TOO_LARGE from the header, without decoding', async () => {
      const png = hugePngHeader(20_000, 20_000);
      expect(png.length).to.be.below(2_000);
      const before = process.memoryUsage().rss;
      const err = await rejection(splitDocument(png, 'x.png'));
      expect(err.code).to.equal('PAGES_IMAGE_TOO_LARGE');
      // Decoding would need 1.2 GB (RGB); a header check needs next to nothing.
      expect(process.memoryUsage().rss - before).to.be.below(200 * 1024 * 1024);
    });

    it('image in a PDF above the pixel limit: PAGES_IMAGE_TOO_LARGE', async () => {
      const pdf = await imagePdf([await smallPage(800, 600, 'jpeg')]);
      const err = await rejection(splitDocument(Buffer.from(pdf), 'x.pdf', { maxPixels: 800 * 600 - 1 }));
      expect(err.code).to.equal('PAGES_IMAGE_TOO_LARGE');
    });

    it('500-page TIFF: PAGES_TOO_MANY, counted from the IFD chain', async () => {
      const tiff = manyPageTiff(500);
      expect(tiff.length).to.be.below(100_000);
      const err = await rejection(splitDocument(tiff, 'x.tif'));
      expect(err.code).to.equal('PAGES_TOO_MANY');
      // The same construction with few pages is accepted, so it is the count that is refused.
      const ok = await splitDocument(manyPageTiff(3), 'x.tif');
      expect(ok.pages).to.have.length(3);
    });

    it('PDF with more pages than allowed: PAGES_TOO_MANY', async () => {
      const pdf = await textPdf(Array.from({ length: 4 }, (_, i) => [`pagina ${i} met genoeg tekst om te tellen`]));
      expect((await rejection(splitDocument(Buffer.from(pdf), 'x.pdf', { maxPages: 3 }))).code).to.equal('PAGES_TOO_MANY');
    });

    it('error messages carry no file name or content', async () => {
      const err = await rejection(splitDocument(Buffer.from('paspoort van Jan Jansen'), 'paspoort_jan_jansen.pdf'));
      expect(err.message).to.not.match(/jansen/i);
    });
  });
});
