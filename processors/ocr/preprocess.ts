import sharp from 'sharp';

/**
 * Pages as the OCR worker gets them, and the clean-up a weak page gets before its second
 * reading. All of it is sharp (libvips, native code) plus one pass over the pixels in JS;
 * nothing here runs on a page that read well the first time.
 */

/** A decoded page: 8-bit grey pixels inside a binary PGM (P5) the worker reads as is. */
export interface Raster {
  /** Header and pixels: what is sent to the worker. */
  pgm: Buffer;
  /** The pixels (a view into pgm), width × height bytes. */
  grey: Buffer;
  width: number;
  height: number;
  /** The scan's resolution when the file said so; null: tesseract estimates it. */
  dpi: number | null;
}

export function raster(width: number, height: number, dpi: number | null, fill: (pixels: Buffer) => void): Raster {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  const pgm = Buffer.allocUnsafe(header.length + width * height);
  header.copy(pgm, 0);
  const grey = pgm.subarray(header.length);
  fill(grey);
  return { pgm, grey, width, height, dpi };
}

/** sharp's raw output as a Raster (first band if it kept more than one). */
export function rasterFromRaw(data: Buffer, info: { width: number; height: number; channels: number }, dpi: number | null): Raster {
  return raster(info.width, info.height, dpi, (px) => {
    if (info.channels === 1) data.copy(px, 0, 0, info.width * info.height);
    else for (let i = 0, j = 0; i < px.length; i++, j += info.channels) px[i] = data[j]!;
  });
}

const sharpOf = (r: Raster) => sharp(r.grey, { raw: { width: r.width, height: r.height, channels: 1 } });

export const PREPROCESS_STEPS = ['upscale', 'denoise', 'contrast', 'binarise', 'deskew', 'psm4', 'psm6'] as const;
/**
 * - upscale: small print (median word box under 32 px high, ~7.5 pt at 300 dpi) is enlarged
 *   so words are ~48 px high, at most 2×: tesseract's LSTM model reads x-heights of 20–30 px best;
 * - denoise: 3×3 median, which removes dust and grain but keeps strokes;
 * - contrast: stretch grey levels to the full range (faded print, grey paper);
 * - binarise: adaptive threshold against the local mean (a blur of ~1.5 word heights),
 *   so uneven lighting and low contrast do not defeat tesseract's one global (Otsu) threshold;
 * - deskew: tesseract measures and undoes the skew (tesseract.js rotateAuto);
 * - psm4 / psm6: read again as one column (PSM 4) or one uniform block (PSM 6) when the
 *   automatic layout (PSM 3) still reads weakly; the better reading is kept.
 */
export type PreprocessStep = (typeof PREPROCESS_STEPS)[number];

/** The steps bench/ocr-poor.ts showed to help (see the README's OCR figures). */
// Leaving each out (2026-12-02): without denoise the dusty and the combined pages stay
// unreadable (CER 0.114 and 1.0); without binarise mean CER 0.0007 against 0.0010 with it;
// upscale never fired (7-pt print read at confidence 95 the first time). So: these two.
export const DEFAULT_PREPROCESS: readonly PreprocessStep[] = ['denoise', 'deskew'];

/** Median height (px) of the word boxes in tesseract's TSV; null when it found fewer than 5 words. */
export function medianWordHeight(tsv: string): number | null {
  const hs: number[] = [];
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length >= 12 && f[0] === '5' && f.slice(11).join('').trim() !== '') hs.push(Number(f[9]));
  }
  if (hs.length < 5) return null;
  hs.sort((a, b) => a - b);
  return hs[hs.length >> 1]!;
}

/**
 * The page's skew (degrees, clockwise positive) from the word boxes of its lines: the median
 * slope between the first and the last word of each line of at least 4 words; null when no
 * line has. Tesseract reads lines 4° off as broken lines in another order (CER 0.8 in
 * bench/ocr-poor.ts) while its confidence stays high, so confidence alone does not find them.
 */
export function skewFromTsv(tsv: string): number | null {
  const lines = new Map<string, Array<{ x: number; y: number }>>();
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] !== '5' || f.slice(11).join('').trim() === '') continue;
    const key = `${f[2]}.${f[3]}.${f[4]}`;
    const box = { x: Number(f[6]) + Number(f[8]) / 2, y: Number(f[7]) + Number(f[9]) };
    const l = lines.get(key);
    if (l) l.push(box);
    else lines.set(key, [box]);
  }
  const slopes: number[] = [];
  for (const l of lines.values()) {
    if (l.length < 4) continue;
    const a = l[0]!;
    const b = l.at(-1)!;
    if (b.x - a.x > 200) slopes.push((Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI);
  }
  if (slopes.length === 0) return null;
  slopes.sort((x, y) => x - y);
  return slopes[slopes.length >> 1]!;
}

/** The image steps among `steps`, in a fixed order; returns the page unchanged when none apply. */
export async function enhance(page: Raster, steps: readonly PreprocessStep[], wordHeight: number | null, maxPixels: number): Promise<Raster> {
  let r = page;
  let height = wordHeight;
  if (steps.includes('upscale') && height !== null && height < 32) {
    const factor = Math.min(2, 48 / height);
    const width = Math.round(r.width * factor);
    const h = Math.round(r.height * factor);
    if (width * h <= maxPixels) {
      const { data, info } = await sharpOf(r).resize(width, h, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
      r = rasterFromRaw(data, info, r.dpi ? Math.round(r.dpi * factor) : null);
      height = height * factor;
    }
  }
  if (steps.includes('denoise')) {
    const { data, info } = await sharpOf(r).median(3).raw().toBuffer({ resolveWithObject: true });
    r = rasterFromRaw(data, info, r.dpi);
  }
  if (steps.includes('contrast')) {
    const { data, info } = await sharpOf(r).normalise().raw().toBuffer({ resolveWithObject: true });
    r = rasterFromRaw(data, info, r.dpi);
  }
  if (steps.includes('binarise')) {
    const sigma = Math.max(6, Math.min(40, (height ?? 40) * 0.6));
    const mean = await sharpOf(r).blur(sigma).raw().toBuffer();
    const src = r.grey;
    // Ink is darker than its neighbourhood by a margin; the margin scales with the local
    // level so that faint print on white and dark print on grey paper both come out.
    r = raster(r.width, r.height, r.dpi, (px) => {
      for (let i = 0; i < px.length; i++) {
        const m = mean[i]!;
        px[i] = src[i]! < m - Math.max(12, m * 0.1) ? 0 : 255;
      }
    });
  }
  return r;
}
