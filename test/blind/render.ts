/**
 * Renders a blind-set letter (letters/*.json: page blocks plus degradation settings) to a
 * scanned page at score time. The plain settings (rotation, grain, speckle, JPEG) go through
 * the project's own scan helper (test/support/letters/render.ts `rasterise`); the stronger
 * ones live here only: a wobbly "handwriting-style" line (per-letter baseline drift, oblique,
 * ink colour), faded ink, coffee stains, blur, and a low-resolution scan scaled back to
 * 300 dpi (small text that lost its detail).
 */
import sharp from 'sharp';
import { A4_300DPI, escapeXml, prng, rasterise } from '../support/letters/render.ts';

export interface LineSpec {
  text: string;
  size?: number;
  bold?: boolean;
  /** Handwriting-style: oblique sans, per-letter drift, ink colour. */
  hand?: boolean;
  fill?: string;
  /** Shift right (px), e.g. a sender block printed at the right margin. */
  indent?: number;
}

export interface Degradation {
  rotateDeg?: number;
  grain?: number;
  speckle?: number;
  jpegQuality?: number;
  seed?: number;
  /** Gaussian blur sigma applied after rendering (out-of-focus, ink spread). */
  blur?: number;
  /** Scanned at this fraction of 300 dpi, then scaled back up (0.35..1). */
  lowRes?: number;
  /** Ink colour of the whole page ('#555555' = a tired printer). */
  ink?: string;
  /** Every line in handwriting style. */
  hand?: boolean;
  /** Semi-transparent stains [x, y, rx, ry, opacity]. */
  stains?: Array<[number, number, number, number, number]>;
  /** A stain over the first line of the sender block ('first') or of the name under the closing ('last'). */
  stainOver?: Array<['first' | 'last', number]>;
  /** Drawn scribble above the signature name (a handwritten signature). */
  signature?: boolean;
  font?: 'serif' | 'sans';
  size?: number;
}

export interface LetterPageSpec {
  blocks: Array<Array<string | LineSpec>>;
}

export interface LetterSpec {
  id: string;
  language: 'nl' | 'en';
  pages: LetterPageSpec[];
  scan: Degradation;
}

function handText(text: string, x: number, y: number, size: number, fill: string, r: () => number): string {
  let prev = 0;
  const spans = Array.from(text)
    .map((c, i) => {
      const d = Math.round(Math.sin(i * 0.9 + r() * 2) * size * 0.06 + (r() - 0.5) * size * 0.05);
      const dy = d - prev;
      prev = d;
      return `<tspan dy="${dy}">${escapeXml(c)}</tspan>`;
    })
    .join('');
  const rot = ((r() - 0.5) * 1.6).toFixed(2);
  return `<text xml:space="preserve" x="${x}" y="${y}" font-family="DejaVu Sans" font-style="oblique" font-size="${size}" fill="${fill}" transform="rotate(${rot} ${x} ${y})">${spans}</text>`;
}

function scribble(r: () => number, x0: number, y0: number): string {
  let x = x0;
  const parts = [`M ${x0} ${y0}`];
  for (let i = 0; i < 10; i++) {
    const nx = x + 35 + r() * 40;
    parts.push(`C ${(x + r() * 30).toFixed(0)} ${(y0 - 40 - r() * 60).toFixed(0)} ${(nx - r() * 40).toFixed(0)} ${(y0 + 20 + r() * 30).toFixed(0)} ${nx.toFixed(0)} ${(y0 + (r() - 0.5) * 30).toFixed(0)}`);
    x = nx;
  }
  return `<path d="${parts.join(' ')}" fill="none" stroke="#1b2a8a" stroke-width="5" stroke-linecap="round"/>`;
}

/** The text a page prints, blocks separated by blank lines (ground truth for debugging). */
export function pageText(p: LetterPageSpec): string {
  return p.blocks.map((b) => b.map((l) => (typeof l === 'string' ? l : l.text)).join('\n')).join('\n\n');
}

export async function renderPage(page: LetterPageSpec, d: Degradation, pageIndex = 0): Promise<{ image: Buffer; mime: 'image/png' | 'image/jpeg' }> {
  const seed = (d.seed ?? 1) + pageIndex * 101;
  const r = prng(seed * 31 + 7);
  const size = d.size ?? 46;
  const lead = Math.round(size * 1.45);
  const left = 250;
  const ink = d.ink ?? '#000000';
  const family = d.font === 'sans' ? 'DejaVu Sans' : 'DejaVu Serif';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${A4_300DPI.width}" height="${A4_300DPI.height}" viewBox="0 0 ${A4_300DPI.width} ${A4_300DPI.height}">`,
    `<rect x="0" y="0" width="${A4_300DPI.width}" height="${A4_300DPI.height}" fill="#ffffff"/>`,
  ];
  let y = 300;
  const blocks = page.blocks;
  const blockY: number[] = [];
  blocks.forEach((block, bi) => {
    // The last block of a letter is the name under the closing: leave room for a signature.
    if (d.signature && bi === blocks.length - 1 && pageIndex === 0) {
      parts.push(scribble(r, left + 10, y + 10));
      y += Math.round(lead * 1.6);
    }
    blockY[bi] = y;
    for (const raw of block) {
      const l: LineSpec = typeof raw === 'string' ? { text: raw } : raw;
      const s = l.size ?? size;
      const x = left + (l.indent ?? 0);
      const fill = l.fill ?? (l.hand || d.hand ? (d.ink ?? '#1c2a6e') : ink);
      if (l.hand || d.hand) parts.push(handText(l.text, x, y, s, fill, r));
      else parts.push(`<text xml:space="preserve" x="${x}" y="${y}" font-family="${family}" font-size="${s}" font-weight="${l.bold ? 'bold' : 'normal'}" fill="${fill}">${escapeXml(l.text)}</text>`);
      y += Math.round(s * 1.45);
    }
    y += lead;
  });
  for (const [sx, sy, rx, ry, op] of d.stains ?? []) {
    parts.push(`<ellipse cx="${sx}" cy="${sy}" rx="${rx}" ry="${ry}" fill="#8b6a3e" opacity="${op}"/>`);
  }
  for (const [which, op] of d.stainOver ?? []) {
    const bi = which === 'first' ? blocks.findIndex((b) => b.length > 1) : blocks.length - 1;
    const first = blocks[bi]?.[0];
    const len = typeof first === 'string' ? first.length : (first?.text.length ?? 10);
    const w = len * size * 0.55;
    parts.push(`<ellipse cx="${Math.round(left + w * 0.6)}" cy="${(blockY[bi] ?? 300) - Math.round(size * 0.3)}" rx="${Math.round(w * 0.4)}" ry="${Math.round(size * 0.7)}" fill="#7a5a30" opacity="${op}"/>`);
  }
  parts.push('</svg>');
  let svg = Buffer.from(parts.join('\n'));
  if (d.blur || (d.lowRes && d.lowRes < 1)) {
    let img = sharp(svg, { density: 72 }).flatten({ background: '#ffffff' }).greyscale();
    if (d.blur) img = img.blur(d.blur);
    let buf = await img.png().toBuffer();
    if (d.lowRes && d.lowRes < 1) {
      const w = Math.round(A4_300DPI.width * d.lowRes);
      const small = await sharp(buf).resize(w).png().toBuffer();
      buf = await sharp(small).resize(A4_300DPI.width, A4_300DPI.height, { fit: 'fill', kernel: 'linear' }).png().toBuffer();
    }
    // Back into an SVG wrapper so the project's scan helper applies rotation, grain and JPEG.
    svg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${A4_300DPI.width}" height="${A4_300DPI.height}"><image width="${A4_300DPI.width}" height="${A4_300DPI.height}" xlink:href="data:image/png;base64,${buf.toString('base64')}"/></svg>`,
    );
  }
  return rasterise(svg.toString('utf8'), { rotateDeg: d.rotateDeg, grain: d.grain, speckle: d.speckle, jpegQuality: d.jpegQuality, seed });
}
