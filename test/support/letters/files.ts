import { deflateSync } from 'node:zlib';
import {
  PDFDocument,
  PDFHexString,
  PDFName,
  StandardFonts,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import sharp from 'sharp';
import { svgDocument } from './render.ts';

/**
 * Containers around the generated pages, and hostile ones: PDFs (text layer, scanned images
 * as JPEG / PNG / CCITT G4), multi-page TIFFs, and the broken inputs the page splitter must
 * refuse. Everything is built in memory at test time; nothing large is stored in the repo.
 */

/** A4 in PDF points. */
const A4_PT = { width: 595.28, height: 841.89 } as const;

/** A PDF whose pages carry a real text layer (Helvetica), one string per line. */
export async function textPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([A4_PT.width, A4_PT.height]);
    lines.forEach((line, i) => page.drawText(line, { x: 60, y: 780 - i * 16, size: 11, font }));
  }
  return doc.save();
}

/** A "scanned" PDF: each page is one full-page image (JPEG kept as DCTDecode, PNG as FlateDecode). */
export async function imagePdf(images: Buffer[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const img of images) {
    const meta = await sharp(img).metadata();
    const embedded = meta.format === 'jpeg' ? await doc.embedJpg(img) : await doc.embedPng(img);
    const page = doc.addPage([A4_PT.width, A4_PT.height]);
    page.drawImage(embedded, { x: 0, y: 0, width: A4_PT.width, height: A4_PT.height });
  }
  return doc.save();
}

/** Strip 0 of a single-strip TIFF (what a fax-mode scanner puts in a PDF as CCITTFaxDecode data). */
function firstStrip(tiff: Buffer): Buffer {
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  let offset = -1;
  let count = -1;
  let strips = 0;
  for (let i = 0; i < u16(ifd); i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    const type = u16(e + 2);
    const value = type === 3 ? u16(e + 8) : u32(e + 8);
    if (tag === 273) {
      offset = value;
      strips = u32(e + 4);
    }
    if (tag === 279) count = value;
  }
  if (strips !== 1 || offset < 0 || count < 0) throw new Error('fixture TIFF must have exactly one strip');
  return tiff.subarray(offset, offset + count);
}

/**
 * A PDF page holding one bilevel image compressed with CCITT Group 4, as fax-mode scanners
 * produce. libvips writes 256 rows per strip, so the image is at most 256 rows high.
 */
export async function ccittPdf(text: string, width = 1700, height = 250): Promise<{ pdf: Uint8Array; width: number; height: number }> {
  if (height > 256) throw new Error('CCITT fixture is limited to one 256-row strip');
  const svg = svgDocument(width, height, [{ text, x: 40, y: Math.round(height * 0.6), size: 60, family: 'DejaVu Sans' }]);
  const tiff = await sharp(Buffer.from(svg), { density: 72 })
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .threshold(128)
    .tiff({ compression: 'ccittfax4', bitdepth: 1 })
    .toBuffer();
  const g4 = firstStrip(tiff);
  const doc = await PDFDocument.create();
  const page = doc.addPage([A4_PT.width, A4_PT.height]);
  const stream = doc.context.stream(g4, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    BitsPerComponent: 1,
    ColorSpace: 'DeviceGray',
    Filter: 'CCITTFaxDecode',
    // K < 0: pure two-dimensional coding (Group 4). libvips writes the strip with
    // PhotometricInterpretation BlackIsZero, so the coded "white" runs are the dark pixels;
    // BlackIs1 true makes a PDF reader decode them the right way round (checked by eye and
    // by the ink-ratio assertion in the pages tests).
    DecodeParms: { K: -1, Columns: width, Rows: height, BlackIs1: true },
  });
  const ref = doc.context.register(stream);
  page.node.setXObject(PDFName.of('Im0'), ref);
  const w = A4_PT.width - 80;
  const h = (w * height) / width;
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 40, A4_PT.height - 60 - h), drawObject('Im0'), popGraphicsState());
  return { pdf: await doc.save(), width, height };
}

/**
 * A PDF with a standard-security /Encrypt dictionary whose owner and user keys match no
 * password, so readers must ask for one (what a citizen's password-protected export looks like).
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([A4_PT.width, A4_PT.height]).drawText('secret', { x: 60, y: 780, size: 11, font: await doc.embedFont(StandardFonts.Helvetica) });
  const ctx = doc.context;
  const encrypt = ctx.obj({ Filter: 'Standard', V: 2, R: 3, Length: 128, P: -1028 });
  encrypt.set(PDFName.of('O'), PDFHexString.of('ab'.repeat(32)));
  encrypt.set(PDFName.of('U'), PDFHexString.of('cd'.repeat(32)));
  ctx.trailerInfo.Encrypt = ctx.register(encrypt);
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of('01'.repeat(16)), PDFHexString.of('01'.repeat(16))]);
  return doc.save({ useObjectStreams: false });
}

/** The first `fraction` of a file, as when an upload or a mail attachment was cut off. */
export function truncated(bytes: Uint8Array, fraction = 0.6): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length * fraction));
}

/** A multi-page TIFF of real pages (via libvips' page joining). */
export async function multipageTiff(images: Buffer[]): Promise<Buffer> {
  return sharp(images, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer();
}

/**
 * A TIFF with `pages` IFDs that all point at the same 8×8 white strip: a few kB for any
 * page count, so "too many pages" can be tested without building 500 images.
 */
export function manyPageTiff(pages: number): Buffer {
  const strip = Buffer.alloc(64, 255); // 8×8, 8-bit grey, uncompressed
  const entries = 9;
  const ifdSize = 2 + entries * 12 + 4;
  const buf = Buffer.alloc(8 + strip.length + pages * ifdSize);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  const first = 8 + strip.length;
  buf.writeUInt32LE(first, 4);
  strip.copy(buf, 8);
  for (let p = 0; p < pages; p++) {
    const at = first + p * ifdSize;
    buf.writeUInt16LE(entries, at);
    const tags: Array<[number, number, number]> = [
      [256, 3, 8], // ImageWidth
      [257, 3, 8], // ImageLength
      [258, 3, 8], // BitsPerSample
      [259, 3, 1], // Compression: none
      [262, 3, 1], // Photometric: BlackIsZero
      [273, 4, 8], // StripOffsets
      [277, 3, 1], // SamplesPerPixel
      [278, 3, 8], // RowsPerStrip
      [279, 4, 64], // StripByteCounts
    ];
    tags.forEach(([tag, type, value], i) => {
      const e = at + 2 + i * 12;
      buf.writeUInt16LE(tag, e);
      buf.writeUInt16LE(type, e + 2);
      buf.writeUInt32LE(1, e + 4);
      if (type === 3) buf.writeUInt16LE(value, e + 8);
      else buf.writeUInt32LE(value, e + 8);
    });
    buf.writeUInt32LE(p + 1 < pages ? at + ifdSize : 0, at + 2 + entries * 12);
  }
  return buf;
}

/**
 * The first bytes of a PNG that claims width × height: signature, a valid IHDR and one tiny
 * IDAT. Enough for a header check to refuse it; decoding it would need width × height × 3 bytes.
 */
export function hugePngHeader(width = 20_000, height = 20_000): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const idat = deflateSync(Buffer.alloc(1 + width * 3)); // one row of a 20 000-pixel width: 60 kB, deflated to ~100 bytes
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
