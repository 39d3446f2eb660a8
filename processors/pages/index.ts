import sharp from 'sharp';
import { InputError } from '../../lib/errors.ts';
import { sniff, type DocumentFormat } from './sniff.ts';
import { splitPdf } from './pdf.ts';

/**
 * Turns an uploaded or scanned document into pages ready for OCR or text extraction.
 *
 * Input is untrusted: the type is read from the magic bytes (never the file name), and every
 * limit (bytes, pages, pixels per page) is checked from headers *before* anything is decoded,
 * so a 20 000 × 20 000 PNG or a 500-page TIFF is refused without allocating its pixels.
 *
 * Output images are greyscale PNG: colour adds nothing for OCR, ID detection or signature
 * detection, and one format keeps the next stage simple. JPEG and PNG inputs are passed
 * through as they are (the OCR pool normalises what it must).
 */

export interface PageLimits {
  /** Default 25 MiB: the mail intake's attachment limit. */
  maxBytes?: number;
  /** Default 50: a long letter with enclosures; more is a bulk upload, not a letter. */
  maxPages?: number;
  /** Default 40 MP per page: A4 at 600 dpi is 34.8 MP. */
  maxPixels?: number;
  /** A PDF page with at least this many non-space characters in its text layer is read as text. Default 20. */
  minTextChars?: number;
}

export interface Page {
  /** 0-based position in the document. */
  index: number;
  /** PNG or JPEG bytes of the page (scanned pages). */
  image?: Buffer;
  mime?: 'image/png' | 'image/jpeg';
  /** Text from a PDF text layer (born-digital pages). */
  text?: string;
}

export interface SplitResult {
  /** 'mixed': a PDF whose pages are partly text, partly scans; look at each page. */
  kind: 'pdf-text' | 'images' | 'mixed';
  format: DocumentFormat;
  /** The file name's extension does not match the content (a hint, e.g. for suspicious attachments). */
  extensionMismatch: boolean;
  pages: Page[];
}

export const DEFAULT_PAGE_LIMITS: Readonly<Required<PageLimits>> = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxPages: 50,
  maxPixels: 40_000_000,
  minTextChars: 20,
});

const EXTENSIONS: Record<DocumentFormat, readonly string[]> = {
  pdf: ['pdf'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  tiff: ['tif', 'tiff'],
};

function resolveLimits(limits: PageLimits | undefined): Required<PageLimits> {
  const l = { ...DEFAULT_PAGE_LIMITS, ...limits };
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isFinite(v) || v < 0) throw new TypeError(`page limit ${k} must be a non-negative number`);
  }
  return l;
}

export async function splitDocument(bytes: Buffer | Uint8Array, filename?: string, limits?: PageLimits): Promise<SplitResult> {
  const lim = resolveLimits(limits);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) throw new InputError('PAGES_EMPTY', 'the document is empty');
  if (buf.length > lim.maxBytes) throw new InputError('PAGES_TOO_LARGE', 'the document is larger than allowed');
  const format = sniff(buf);
  if (!format) throw new InputError('PAGES_UNSUPPORTED', 'the document is not a PDF, TIFF, PNG or JPEG');
  const ext = (filename ?? '').toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1];
  const extensionMismatch = ext !== undefined && !EXTENSIONS[format].includes(ext);

  if (format === 'pdf') {
    const pages = await splitPdf(buf, lim);
    const texts = pages.filter((p) => p.text !== undefined).length;
    const kind = texts === pages.length ? 'pdf-text' : texts === 0 ? 'images' : 'mixed';
    return { kind, format, extensionMismatch, pages };
  }
  if (format === 'tiff') return { kind: 'images', format, extensionMismatch, pages: await splitTiff(buf, lim) };

  // A single PNG or JPEG: check the header, pass the bytes on untouched.
  const meta = await headerOf(buf);
  checkPixels(meta.width, meta.height, lim);
  return { kind: 'images', format, extensionMismatch, pages: [{ index: 0, image: buf, mime: format === 'png' ? 'image/png' : 'image/jpeg' }] };
}

async function headerOf(buf: Buffer, page?: number): Promise<{ width: number; height: number; pages: number }> {
  try {
    // metadata() reads headers only; nothing is decoded here.
    const m = await sharp(buf, { limitInputPixels: false, ...(page === undefined ? {} : { page }) }).metadata();
    if (!m.width || !m.height) throw new Error('no dimensions');
    return { width: m.width, height: m.height, pages: m.pages ?? 1 };
  } catch (err) {
    throw new InputError('PAGES_BROKEN', 'the image header could not be read', err);
  }
}

function checkPixels(width: number, height: number, lim: Required<PageLimits>): void {
  if (width * height > lim.maxPixels) throw new InputError('PAGES_IMAGE_TOO_LARGE', 'a page has more pixels than allowed');
}

/**
 * Multi-page TIFF: libtiff counts the directories (walking the IFD chain, loop-safe) without
 * decoding any page, so the page limit is checked first; then each page's header, then the page.
 */
async function splitTiff(buf: Buffer, lim: Required<PageLimits>): Promise<Page[]> {
  const { pages } = await headerOf(buf);
  if (pages > lim.maxPages) throw new InputError('PAGES_TOO_MANY', 'the document has more pages than allowed');
  const out: Page[] = [];
  for (let i = 0; i < pages; i++) {
    const h = await headerOf(buf, i);
    checkPixels(h.width, h.height, lim);
    try {
      const image = await sharp(buf, { page: i, limitInputPixels: lim.maxPixels })
        .autoOrient()
        .flatten({ background: '#ffffff' })
        .greyscale()
        .png({ compressionLevel: 1 })
        .toBuffer();
      out.push({ index: i, image, mime: 'image/png' });
    } catch (err) {
      throw new InputError('PAGES_BROKEN', 'a TIFF page could not be decoded', err);
    }
  }
  return out;
}

export { sniff, type DocumentFormat } from './sniff.ts';
