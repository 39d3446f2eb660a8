/**
 * Pen ink on paper, measured from pixels: the part of signature detection that does not
 * depend on how the paper was captured. Internal to processors/idcheck (detectSignature is
 * the one public entry); kept apart because it is a small image-processing toolbox, not rules.
 *
 * Why each step: a phone photo of a signed sheet has uneven light, a shadow, off-white paper
 * and often the table at an edge, so a fixed grey threshold takes the dark corner for ink
 * (and a scan's tiny signature on a white A4 page vanishes when the page is shrunk to a few
 * hundred pixels). So: keep enough resolution, estimate the paper's own brightness locally
 * (a high percentile per block, spread and smoothed), call a pixel ink only when it is much
 * darker than the paper around it, and then look at the ink's connected components — pen
 * strokes are long and thin, printed letters are short, filled shapes (logos, QR modules,
 * bars) are thick, and whatever touches the image border (table, paper edge) is scenery.
 */

export interface InkComponent {
  area: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Estimated stroke width in pixels: twice the area over the boundary length. */
  strokeWidth: number;
  touchesBorder: boolean;
}

/** Paper brightness per pixel: the 90th percentile per block, spread over neighbours (so a thick stroke does not lower it), smoothed, interpolated. */
export function paperBrightness(grey: Uint8Array, width: number, height: number): Float32Array {
  const block = Math.max(8, Math.round(Math.max(width, height) / 60));
  const gw = Math.ceil(width / block);
  const gh = Math.ceil(height / block);
  const grid = new Float32Array(gw * gh);
  const hist = new Uint32Array(256);
  for (let by = 0; by < gh; by++) {
    for (let bx = 0; bx < gw; bx++) {
      hist.fill(0);
      const x0 = bx * block;
      const y0 = by * block;
      const x1 = Math.min(width, x0 + block);
      const y1 = Math.min(height, y0 + block);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) hist[grey[y * width + x]!]!++;
      const target = (x1 - x0) * (y1 - y0) * 0.1;
      let acc = 0;
      let v = 255;
      for (; v > 0; v--) {
        acc += hist[v]!;
        if (acc >= target) break;
      }
      grid[by * gw + bx] = v;
    }
  }
  const spread = new Float32Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      let m = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy;
        const xx = x + dx;
        if (yy >= 0 && yy < gh && xx >= 0 && xx < gw) m = Math.max(m, grid[yy * gw + xx]!);
      }
      spread[y * gw + x] = m;
    }
  }
  const smooth = new Float32Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy;
        const xx = x + dx;
        if (yy >= 0 && yy < gh && xx >= 0 && xx < gw) {
          s += spread[yy * gw + xx]!;
          n++;
        }
      }
      smooth[y * gw + x] = s / n;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = Math.min(gh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(gh - 1, y0 + 1);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = Math.min(gw - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(gx);
      const x1 = Math.min(gw - 1, x0 + 1);
      const fx = gx - x0;
      const top = smooth[y0 * gw + x0]! * (1 - fx) + smooth[y0 * gw + x1]! * fx;
      const bottom = smooth[y1 * gw + x0]! * (1 - fx) + smooth[y1 * gw + x1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

// Ink is at most 60 % of the paper's brightness and 30 grey levels below it: pen ink on
// paper is far darker than that; ruled lines, a margin line, JPEG ringing, grain and a
// shadow's gradient are not.
const INK_RATIO = 0.6;
const INK_MIN_CONTRAST = 30;

/** 1 where a pixel is ink relative to the paper around it; and that paper brightness. */
export function inkMask(grey: Uint8Array, width: number, height: number): { mask: Uint8Array; paper: Float32Array } {
  const paper = paperBrightness(grey, width, height);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    const b = paper[i]!;
    const v = grey[i]!;
    if (v < b * INK_RATIO && b - v >= INK_MIN_CONTRAST) mask[i] = 1;
  }
  return { mask, paper };
}

// Between ink and paper: a pixel 20–40 % and 30+ grey levels darker than the paper around
// it (paper brightness is a high percentile, so grain on shaded paper alone is not a mid-tone).
const MIDTONE_LOW = INK_RATIO;
const MIDTONE_HIGH = 0.8;

/**
 * Share of the non-ink pixels around a mark (its box, widened by half its height) that are
 * neither paper nor ink. Around pen strokes on paper that is only the strokes' soft edges and
 * faint ruled lines; in a photo or a graphic the surroundings are colours and shades.
 */
export function midtoneShare(grey: Uint8Array, paper: Float32Array, mask: Uint8Array, width: number, height: number, box: { minX: number; minY: number; maxX: number; maxY: number }): number {
  const pad = Math.round((box.maxY - box.minY + 1) / 2);
  const x0 = Math.max(0, box.minX - pad);
  const y0 = Math.max(0, box.minY - pad);
  const x1 = Math.min(width - 1, box.maxX + pad);
  const y1 = Math.min(height - 1, box.maxY + pad);
  let mid = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * width + x;
      if (mask[i]) continue;
      n++;
      const r = grey[i]! / Math.max(1, paper[i]!);
      if (r >= MIDTONE_LOW && r < MIDTONE_HIGH && paper[i]! - grey[i]! >= INK_MIN_CONTRAST) mid++;
    }
  }
  return n > 0 ? mid / n : 0;
}

/** 8-connected components of the mask, of at least minArea pixels. */
export function components(mask: Uint8Array, width: number, height: number, minArea: number): InkComponent[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const out: InkComponent[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let area = 0;
    let boundary = 0;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      area++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[p - 1] || !mask[p + 1] || !mask[p - width] || !mask[p + width]) boundary++;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (area < minArea) continue;
    out.push({
      area,
      minX,
      minY,
      maxX,
      maxY,
      strokeWidth: Math.max(1, (2 * area) / Math.max(1, boundary)),
      touchesBorder: minX <= 1 || minY <= 1 || maxX >= width - 2 || maxY >= height - 2,
    });
  }
  return out;
}

// Measured on generated strokes and text (bench/signature.ts): a printed letter is about 10
// stroke widths long, a written word 40+; a pen line covers 5–30 % of its own box, a
// filled shape (logo, QR module, bar) most of it.
const PEN_MIN_ELONGATION = 14;
const PEN_MAX_FILL = 0.4;

/**
 * A pen stroke: long against its own width (a printed letter is ~10× its stroke width, a
 * written word several tens), not a straight rule (it extends in both directions), and not
 * a filled shape (it covers little of its own box).
 */
export function isPenStroke(c: InkComponent): boolean {
  const w = c.maxX - c.minX + 1;
  const h = c.maxY - c.minY + 1;
  const extent = Math.max(w, h);
  const fill = c.area / (w * h);
  return !c.touchesBorder && extent / c.strokeWidth >= PEN_MIN_ELONGATION && Math.min(w, h) >= 3 * c.strokeWidth && fill <= PEN_MAX_FILL;
}
