import sharp from 'sharp';

/**
 * Rasterising helpers for the synthetic scans: an SVG with text is rendered by librsvg
 * (inside sharp) with the system fonts (DejaVu, Debian package fonts-dejavu-core), then
 * degraded the way a flatbed scan is: a slight rotation, speckle noise, JPEG artefacts.
 * Everything is deterministic for a given seed, so tests and the benchmark see the same
 * pages on every run.
 */

/** A4 at 300 dpi, the resolution letters are scanned at in the post room. */
export const A4_300DPI = { width: 2480, height: 3508 } as const;

export interface TextLine {
  text: string;
  /** Fixed advance per character (px): monospaced layout with any font, as an MRZ is printed. */
  pitch?: number;
  x: number;
  y: number;
  size: number;
  family?: string;
  weight?: 'normal' | 'bold';
  fill?: string;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  fill?: string;
  stroke?: string;
  rx?: number;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function svgDocument(width: number, height: number, lines: TextLine[], boxes: Box[] = [], extra = ''): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const b of boxes) {
    parts.push(
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="${b.rx ?? 0}" fill="${b.fill ?? 'none'}" stroke="${b.stroke ?? 'none'}" stroke-width="4"/>`,
    );
  }
  parts.push(extra);
  for (const l of lines) {
    if (l.pitch) {
      // One x per character: SVG's own way to set glyphs on a fixed grid.
      const xs = Array.from(l.text, (_, i) => l.x + i * l.pitch!).join(' ');
      parts.push(
        `<text xml:space="preserve" x="${xs}" y="${l.y}" font-family="${l.family ?? 'DejaVu Sans'}" font-size="${l.size}" fill="${l.fill ?? '#000000'}">${escapeXml(l.text)}</text>`,
      );
      continue;
    }
    // xml:space keeps the runs of '<' filler in MRZ lines and double spaces intact.
    parts.push(
      `<text xml:space="preserve" x="${l.x}" y="${l.y}" font-family="${l.family ?? 'DejaVu Serif'}" font-size="${l.size}" font-weight="${l.weight ?? 'normal'}" fill="${l.fill ?? '#000000'}">${escapeXml(l.text)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Small deterministic PRNG (mulberry32) so every "random" scan is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScanOptions {
  /** Degrees, clockwise; a scanned sheet is rarely straight. */
  rotateDeg?: number;
  /** Fraction of pixels flipped to speckles (0.002 is a dusty glass plate). */
  speckle?: number;
  /** Amplitude of grey noise added to every pixel, 0..255. */
  grain?: number;
  /** Gaussian blur sigma (px) before the noise: an out-of-focus scan or a fax copy. */
  blur?: number;
  /** 0..1: ink is lightened towards the paper (0.35 is a faded dot-matrix print); 1 = as rendered. */
  contrast?: number;
  /** Paper grey 0..255 (yellowed or recycled paper); default white. */
  paper?: number;
  /** Encode as JPEG at this quality (artefacts); PNG when absent. */
  jpegQuality?: number;
  seed?: number;
}

/** Render an SVG at 1 unit = 1 pixel and degrade it like a scan. Returns PNG or JPEG bytes at 300 dpi. */
export async function rasterise(svg: string, options: ScanOptions = {}): Promise<{ image: Buffer; mime: 'image/png' | 'image/jpeg' }> {
  let img = sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' }).greyscale();
  if (options.rotateDeg) img = img.rotate(options.rotateDeg, { background: '#ffffff' });
  let { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (options.blur) {
    // A step of its own: sharp would otherwise blur before it rotates.
    ({ data, info } = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).blur(options.blur).raw().toBuffer({ resolveWithObject: true }));
  }
  const paper = options.paper ?? 255;
  const contrast = options.contrast ?? 1;
  if (paper !== 255 || contrast !== 1) {
    // Ink (0) moves to paper − contrast·paper; white (255) becomes the paper grey.
    for (let i = 0; i < data.length; i++) data[i] = Math.round(paper - ((255 - data[i]!) / 255) * paper * contrast);
  }
  const rnd = prng(options.seed ?? 1);
  const grain = options.grain ?? 0;
  const speckle = options.speckle ?? 0;
  if (grain > 0 || speckle > 0) {
    for (let i = 0; i < data.length; i += info.channels) {
      let v = data[i]!;
      if (grain > 0) v = Math.max(0, Math.min(255, v + Math.round((rnd() - 0.5) * 2 * grain)));
      if (speckle > 0 && rnd() < speckle) v = rnd() < 0.5 ? 30 : 255;
      for (let c = 0; c < info.channels; c++) data[i + c] = v;
    }
  }
  const out = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).withDensity(300);
  if (options.jpegQuality !== undefined) {
    return { image: await out.jpeg({ quality: options.jpegQuality }).toBuffer(), mime: 'image/jpeg' };
  }
  return { image: await out.png({ compressionLevel: 6 }).toBuffer(), mime: 'image/png' };
}
