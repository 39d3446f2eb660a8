import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFDocument, PDFName, PDFNumber, PDFStream } from 'pdf-lib';
import sharp from 'sharp';
import { InputError } from '../../lib/errors.ts';
import type { Page, PageLimits } from './index.ts';

/**
 * PDF pages through pdf.js (pdfjs-dist, legacy build for Node): text from the text layer,
 * and for scanned pages the page image, decoded by pdf.js whatever its filter — DCTDecode
 * (JPEG), FlateDecode (with predictors, indexed colour…), CCITTFaxDecode (fax G3/G4),
 * JBIG2Decode and JPXDecode — and whether or not the file is encrypted with an empty
 * user password. pdf-lib alone could only hand over JPEG bytes as they are and would need
 * our own decoders for the rest.
 *
 * pdf.js runs in this thread ("fake worker" in Node) and never touches the network: the
 * CMaps, standard fonts and wasm decoders are read from the pdfjs-dist package folder, and
 * eval is disabled.
 *
 * Pixel limit before decoding: pdf-lib parses the object graph (no stream is decoded) and
 * reads /Width and /Height of every image XObject; pdf.js' own `maxImageSize` is a second
 * guard that drops a larger image instead of decoding it.
 */

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
// A failed load (EMFILE, a file being replaced by an upgrade) is dropped, not kept: the
// next PDF tries again instead of every later one failing with the first one's error.
const loadPdfJs = (): Promise<PdfJs> => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs').catch((err: unknown) => {
  pdfjs = undefined;
  throw err;
}));

const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

interface ImageData {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

// pdf.js ImageKind values (src/shared/util.js).
const GRAYSCALE_1BPP = 1;
const RGB_24BPP = 2;
const RGBA_32BPP = 3;

/** Largest image XObject in pixels, from the dictionaries only; null when pdf-lib cannot parse the file. */
async function largestImagePixels(buf: Buffer): Promise<number | null> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(buf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch {
    return null;
  }
  let max = 0;
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFStream)) continue;
    if (obj.dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) continue;
    const w = obj.dict.lookup(PDFName.of('Width'));
    const h = obj.dict.lookup(PDFName.of('Height'));
    if (w instanceof PDFNumber && h instanceof PDFNumber) max = Math.max(max, w.asNumber() * h.asNumber());
  }
  return max;
}

/** Decoded pdf.js image data to a greyscale PNG. */
async function toPng(img: ImageData): Promise<Buffer> {
  const { width, height } = img;
  let grey: Buffer;
  if (img.kind === GRAYSCALE_1BPP) {
    // Rows are padded to whole bytes; a 1 bit is white, a 0 bit black (pdf.js convertBlackAndWhiteToRGBA).
    const rowBytes = (width + 7) >> 3;
    grey = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        grey[y * width + x] = (img.data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
      }
    }
    return sharp(grey, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  }
  const channels = img.kind === RGB_24BPP ? 3 : img.kind === RGBA_32BPP ? 4 : 0;
  if (channels === 0) throw new Error('unknown image kind');
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width, height, channels } })
    .flatten({ background: '#ffffff' })
    .greyscale()
    .png({ compressionLevel: 1 })
    .toBuffer();
}

function objectOf(page: { objs: { get(id: string, cb: (v: unknown) => void): unknown }; commonObjs: { get(id: string, cb: (v: unknown) => void): unknown } }, id: string): Promise<unknown> {
  // Images used on several pages live in commonObjs (ids start with "g_").
  const store = id.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('image object not delivered')), 10_000);
    store.get(id, (v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

export async function splitPdf(buf: Buffer, lim: Required<PageLimits>): Promise<Page[]> {
  const { getDocument, OPS, VerbosityLevel } = await loadPdfJs();
  const task = getDocument({
    // pdf.js takes ownership of (detaches) the array it is given: give it a copy.
    data: new Uint8Array(buf),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    maxImageSize: lim.maxPixels,
    verbosity: VerbosityLevel.ERRORS,
    cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/',
    wasmUrl: join(PDFJS_DIR, 'wasm') + '/',
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    const name = (err as { name?: string } | null)?.name;
    if (name === 'PasswordException') throw new InputError('PAGES_ENCRYPTED', 'the PDF is protected with a password', err);
    throw new InputError('PAGES_BROKEN', 'the PDF is damaged or truncated', err);
  }
  try {
    if (doc.numPages > lim.maxPages) throw new InputError('PAGES_TOO_MANY', 'the document has more pages than allowed');
    const largest = await largestImagePixels(buf);
    if (largest !== null && largest > lim.maxPixels) throw new InputError('PAGES_IMAGE_TOO_LARGE', 'a page has more pixels than allowed');

    const pages: Page[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      try {
        const content = await page.getTextContent();
        let text = '';
        for (const item of content.items) {
          if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
        }
        if (text.replace(/\s/g, '').length >= lim.minTextChars) {
          pages.push({ index: n - 1, text: text.trim() });
          continue;
        }
        // No usable text layer: take the largest image painted on the page (the scan).
        const ops = await page.getOperatorList();
        let best: { area: number; get: () => Promise<unknown> } | undefined;
        for (let i = 0; i < ops.fnArray.length; i++) {
          const fn = ops.fnArray[i];
          const args = ops.argsArray[i] as unknown[];
          if (fn === OPS.paintImageXObject || fn === OPS.paintImageXObjectRepeat) {
            const [id, w, h] = args as [string, number, number];
            if (w * h > (best?.area ?? 0)) best = { area: w * h, get: () => objectOf(page, id) };
          } else if (fn === OPS.paintInlineImageXObject) {
            const img = args[0] as ImageData;
            if (img.width * img.height > (best?.area ?? 0)) best = { area: img.width * img.height, get: async () => img };
          }
        }
        if (!best) {
          pages.push({ index: n - 1, text: text.trim() });
          continue;
        }
        const img = (await best.get()) as ImageData | null;
        if (!img || !img.data) throw new Error('image not decoded');
        pages.push({ index: n - 1, image: await toPng(img), mime: 'image/png' });
      } finally {
        page.cleanup();
      }
    }
    return pages;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('PAGES_BROKEN', 'a PDF page could not be read', err);
  } finally {
    await doc.destroy().catch(() => {});
  }
}
