/**
 * Showing what the citizen sent without trusting it (issue #16).
 *
 * - The message frame: a document of its own, loaded in an `<iframe sandbox>` without
 *   allow-scripts and allow-same-origin, under `default-src 'none'`; the kept HTML goes
 *   through the allow-list again (sanitise.ts) with `cid:` mapped to our own attachment
 *   route. Our one stylesheet marks every link with its real destination (`::after` with
 *   `attr(href)`, `!important`): a citizen's inline style cannot hide it, and "DigiD" over
 *   a phishing address shows the address. Phishing reports are cases here.
 * - Images are decoded and re-encoded by sharp (PNG): EXIF, GPS and every other metadata
 *   block are dropped, and a polyglot (an image that is also HTML or a script) does not
 *   survive a re-encoding. A pixel limit bounds a decompression bomb.
 * - PDFs are rendered to page images by poppler's `pdftoppm` in a child process with a time
 *   bound, in a temporary folder removed afterwards; what it cannot render is download only.
 * - SVG, HTML, XML, office documents (macros), archives and executables are never shown:
 *   download only, with a warning (`Content-Disposition: attachment`, `nosniff`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { TransientError, InputError } from '../../lib/errors.ts';
import { sanitiseForShowing } from './sanitise.ts';

export type Presentation = 'image' | 'pdf' | 'download' | 'risky';

const IMAGE_TYPES = /^image\/(?:png|jpeg|jpg|pjpeg|gif|webp|tiff|bmp|heic|heif|avif)$/;
const IMAGE_EXT = /\.(?:png|jpe?g|gif|webp|tiff?|bmp|heic|heif|avif)$/i;
/** Types and names a browser (or an office suite, or the OS) can run: never inline, a warning on download. */
const RISKY_TYPES = /svg|html|xml|javascript|ecmascript|x-msdownload|x-msdos|x-executable|x-sh|x-bat|vnd\.ms-|vnd\.openxmlformats|msword|vnd\.oasis|x-shockwave|java-archive|zip|x-rar|x-7z|x-apple-diskimage|octet-stream/i;
const RISKY_EXT = /\.(?:svgz?|x?html?|xht|xml|js|mjs|vbs|wsf|hta|exe|com|scr|msi|bat|cmd|ps1|sh|jar|apk|dmg|iso|docm|dotm|xlsm|xltm|xlam|pptm|potm|ppam|sldm|doc|docx|xls|xlsx|ppt|pptx|odt|ods|odp|rtf|zip|rar|7z|lnk|url|reg)$/i;

/** How an attachment may be shown, from its declared type and its name (both the sender's). */
export function presentationOf(contentType: string, filename: string): Presentation {
  const type = contentType.toLowerCase();
  // A name that says "runs" wins over a type that says "picture" (invoice.pdf.exe, image/png).
  if (RISKY_EXT.test(filename) || (RISKY_TYPES.test(type) && !IMAGE_EXT.test(filename) && !/\.pdf$/i.test(filename))) return 'risky';
  if (IMAGE_TYPES.test(type) || (type === 'application/octet-stream' && IMAGE_EXT.test(filename))) return 'image';
  if (type === 'application/pdf' || /\.pdf$/i.test(filename)) return 'pdf';
  return 'download';
}

// 40 megapixels: a phone photo is 12–50 MP; a decompression bomb is gigapixels.
const MAX_INPUT_PIXELS = 40_000_000;
// What an agent needs to read a screenshot or a photo of a letter, at most.
const MAX_EDGE = 2400;

/** An image decoded and encoded again as PNG: no metadata, no trailing bytes, no polyglot. */
export async function reencodeImage(bytes: Buffer): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false })
      .rotate() // applies EXIF orientation before the EXIF goes
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
  } catch (err) {
    throw new InputError('CONTENT_IMAGE_UNREADABLE', 'the image could not be decoded', err);
  }
}

// A page takes poppler well under a second; 10 s is a hostile PDF's budget, then it is killed.
const PDF_TIMEOUT_MS = 10_000;
// Screen resolution: readable, and a page stays a few hundred kB.
const PDF_DPI = 110;
export const MAX_PDF_PAGES = 20;

/** One page (1-based) of a PDF as PNG, by `pdftoppm` with a time bound; null when it has no such page or cannot be rendered. */
export async function renderPdfPage(pdf: Buffer, page: number, timeoutMs = PDF_TIMEOUT_MS): Promise<Buffer | null> {
  if (!Number.isInteger(page) || page < 1 || page > MAX_PDF_PAGES) return null;
  const dir = await mkdtemp(path.join(tmpdir(), 'kcc-pdf-'));
  try {
    const input = path.join(dir, 'in.pdf');
    await writeFile(input, pdf);
    const out = path.join(dir, 'page');
    const ok = await new Promise<boolean>((resolve, reject) => {
      execFile('pdftoppm', ['-png', '-r', String(PDF_DPI), '-f', String(page), '-l', String(page), '-singlefile', input, out], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (err) => {
        if (!err) return resolve(true);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new TransientError('CONTENT_PDF_RENDERER_MISSING', 'pdftoppm (poppler-utils) is not installed', err));
        resolve(false); // killed by the time bound, or poppler refused the file or the page
      });
    });
    if (!ok) return null;
    return await readFile(`${out}.png`).catch(() => null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const FRAME_STYLE = [
  'html,body{margin:0;padding:0;background:#fff;color:#1a1a1a}',
  'body{padding:12px;font:16px/1.5 system-ui,sans-serif;overflow-wrap:anywhere}',
  'img{max-width:100%;height:auto}',
  'pre{white-space:pre-wrap;font:inherit}',
  // The real destination of every link, where no citizen style can reach it.
  'a[href]::after{content:" [" attr(href) "]" !important;display:inline !important;visibility:visible !important;color:#8a1c1c !important;background:#fff !important;font:600 13px/1.4 ui-monospace,monospace !important;text-decoration:none !important;opacity:1 !important}',
  '.kcc-notice{margin:0 0 12px;padding:6px 10px;border-left:4px solid #8a5a00;background:#fff8e5;font-size:14px}',
].join('');

export interface FrameInput {
  html: string | null;
  text: string;
  blocked: { images: number; styles: number };
  /** Our route for an inline part, or null when there is none (the image is then left out). */
  cidUrl(cid: string): string | null;
  lang: 'nl' | 'en';
  /** Why there is no HTML although the message had some (sanitise.ts `dropped`). */
  htmlDropped: string | null;
}

/** The frame's whole document; escape-by-construction for the plain text, the allow-list for the HTML. */
export function messageFrameDocument(f: FrameInput): string {
  const notices: string[] = [];
  const n = f.blocked.images;
  const s = f.blocked.styles;
  if (n > 0) notices.push(f.lang === 'en' ? `${n} external image${n === 1 ? '' : 's'} not loaded` : `${n} externe afbeelding${n === 1 ? '' : 'en'} niet geladen`);
  if (s > 0) notices.push(f.lang === 'en' ? `${s} external style reference${s === 1 ? '' : 's'} (background, font) not loaded` : `${s} externe opmaakverwijzing${s === 1 ? '' : 'en'} (achtergrond, lettertype) niet geladen`);
  if (f.htmlDropped === 'identifier-split-across-markup') notices.push(f.lang === 'en' ? 'the formatted version held a number that had to be redacted; the plain text is shown' : 'de opgemaakte versie bevatte een nummer dat afgeschermd moest worden; de platte tekst staat hier');
  let body: string;
  if (f.html) body = sanitiseForShowing(f.html, f.cidUrl).html;
  else body = `<pre>${escapeHtml(f.text)}</pre>`;
  const notice = notices.map((x) => `<p class="kcc-notice" data-testid="blocked-notice">${escapeHtml(x)}</p>`).join('');
  return `<!doctype html><html lang="${f.lang}"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>bericht</title><style>${FRAME_STYLE}</style></head><body>${notice}${body}</body></html>`;
}

/** The frame's Content-Security-Policy: nothing but inline style and images from the case's own content route. */
export function frameCsp(imageRoute: string): string {
  return `default-src 'none'; img-src ${imageRoute}; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
