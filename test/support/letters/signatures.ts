import sharp from 'sharp';
import { escapeXml, prng } from './render.ts';

/**
 * Generated attachments for the signature detector (processors/idcheck detectSignature):
 * pen signatures the way citizens send them — photographed on paper with a phone (paper
 * colour, uneven light, a shadow, lined paper, the table at the edge, slightly turned and
 * sheared, JPEG, camera or phone size) or scanned (a small signature on a white A4 page at
 * 300 dpi, or a cropped strip, scan noise, PNG) — and images that must stay 'other':
 * app screenshots and error messages, photos of text pages, logos, QR codes, charts, plain
 * photos. Everything comes from a seed, so a set is reproducible and a held-out set is just
 * other seeds. Names are invented.
 */

export type SignatureScene = 'photo' | 'scan_page' | 'scan_strip';
export type NegativeScene = 'screenshot' | 'error_dialog' | 'document_photo' | 'logo' | 'qr' | 'chart' | 'plain_photo';

export interface SignatureSample {
  name: string;
  isSignature: boolean;
  image: Buffer;
  mime: 'image/png' | 'image/jpeg';
}

const NAMES = ['J. de Vries', 'A.M. Jansen', 'P. Bakker', 'Fatima el Amrani', 'W. van den Berg', 'K. Visser', 'Daan Smit', 'E. Mulder-Kok'];
const INKS = ['#101040', '#0a0a0a', '#1b2a7a', '#202020', '#14306e'];

/**
 * SVG of a pen signature inside a w × h box at (x, y): 1–3 strokes of loops and waves
 * (each split into short segments with their own width, like pen pressure), optionally
 * slanted, an underline flourish, and a printed name under it.
 */
export function penSignatureSvg(seed: number, x: number, y: number, w: number, h: number, o: { printedName?: boolean } = {}): string {
  const r = prng(seed * 7919 + 13);
  const ink = INKS[Math.floor(r() * INKS.length)]!;
  const strokes = 1 + Math.floor(r() * 3);
  const base = Math.max(1.5, (h / 60) * (0.6 + r() * 1.2));
  const slant = -10 - r() * 25;
  const parts: string[] = [];
  let cx = x + w * 0.03;
  const sigH = o.printedName ? h * 0.72 : h;
  for (let s = 0; s < strokes; s++) {
    const len = (w * (0.9 - 0.05 * strokes)) / strokes;
    const pts: Array<[number, number]> = [];
    const n = 6 + Math.floor(r() * 10);
    for (let i = 0; i <= n; i++) {
      const t = i / n;
      // Waves with an occasional tall loop (capitals, l, h) and a descender.
      const amp = (r() < 0.2 ? 0.45 : 0.18) * sigH;
      const py = y + sigH * 0.55 + (i % 2 === 0 ? -amp : amp * (r() < 0.15 ? 1.6 : 0.6));
      pts.push([cx + t * len + (r() - 0.5) * len * 0.05, Math.max(y, Math.min(y + sigH, py))]);
    }
    // Catmull-Rom through the points, as cubic segments.
    for (let i = 0; i < pts.length - 1; i++) {
      const p0 = pts[Math.max(0, i - 1)]!;
      const p1 = pts[i]!;
      const p2 = pts[i + 1]!;
      const p3 = pts[Math.min(pts.length - 1, i + 2)]!;
      const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
      const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
      const sw = (base * (0.6 + r() * 0.9)).toFixed(1);
      parts.push(`<path d="M ${p1[0].toFixed(1)} ${p1[1].toFixed(1)} C ${c1[0]!.toFixed(1)} ${c1[1]!.toFixed(1)}, ${c2[0]!.toFixed(1)} ${c2[1]!.toFixed(1)}, ${p2[0].toFixed(1)} ${p2[1].toFixed(1)}" fill="none" stroke="${ink}" stroke-width="${sw}" stroke-linecap="round"/>`);
    }
    cx += len + w * 0.04;
  }
  if (r() < 0.4) {
    const uy = y + sigH * (0.85 + r() * 0.1);
    parts.push(`<path d="M ${(x + w * 0.1).toFixed(1)} ${uy.toFixed(1)} Q ${(x + w * 0.5).toFixed(1)} ${(uy + sigH * 0.15).toFixed(1)}, ${(x + w * 0.85).toFixed(1)} ${(uy - sigH * 0.1).toFixed(1)}" fill="none" stroke="${ink}" stroke-width="${(base * 0.8).toFixed(1)}" stroke-linecap="round"/>`);
  }
  const cxm = x + w / 2;
  const cym = y + sigH / 2;
  let out = `<g transform="translate(${cxm.toFixed(1)} ${cym.toFixed(1)}) skewX(${slant.toFixed(1)}) translate(${(-cxm).toFixed(1)} ${(-cym).toFixed(1)})">${parts.join('')}</g>`;
  if (o.printedName) {
    const size = Math.max(12, h * 0.14);
    out += `<text x="${(x + w * 0.1).toFixed(1)}" y="${(y + h * 0.96).toFixed(1)}" font-family="DejaVu Sans" font-size="${size.toFixed(1)}" fill="#000">${escapeXml(NAMES[Math.floor(r() * NAMES.length)]!)}</text>`;
  }
  return out;
}

interface Finish {
  grain: number;
  speckle?: number;
  blur?: number;
  jpegQuality?: number;
  grey?: boolean;
}

async function finish(svg: string, seed: number, f: Finish): Promise<{ image: Buffer; mime: 'image/png' | 'image/jpeg' }> {
  let img = sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' });
  if (f.grey) img = img.greyscale();
  if (f.blur) img = img.blur(f.blur);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const rnd = prng(seed * 31 + 7);
  for (let i = 0; i < data.length; i += info.channels) {
    const n = Math.round((rnd() - 0.5) * 2 * f.grain);
    const speck = f.speckle && rnd() < f.speckle ? (rnd() < 0.5 ? -200 : 200) : 0;
    for (let c = 0; c < info.channels; c++) data[i + c] = Math.max(0, Math.min(255, data[i + c]! + n + speck));
  }
  const out = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  if (f.jpegQuality !== undefined) return { image: await out.jpeg({ quality: f.jpegQuality }).toBuffer(), mime: 'image/jpeg' };
  return { image: await out.png({ compressionLevel: 6 }).toBuffer(), mime: 'image/png' };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Lighting of a phone photo: a linear fall-off and a soft shadow, over paper colour. */
function lightingSvg(r: () => number, W: number, H: number, id: string): string {
  const ang = r() * 360;
  const dark = (0.25 + r() * 0.4).toFixed(2);
  const sx = (r() * W).toFixed(0);
  const sy = (r() * H).toFixed(0);
  return (
    `<defs><linearGradient id="l${id}" gradientTransform="rotate(${ang.toFixed(0)} 0.5 0.5)"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${dark}"/></linearGradient>` +
    `<radialGradient id="s${id}"><stop offset="0" stop-color="#000" stop-opacity="${(0.1 + r() * 0.25).toFixed(2)}"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>` +
    `<rect width="${W}" height="${H}" fill="url(#l${id})"/>` +
    `<ellipse cx="${sx}" cy="${sy}" rx="${(W * (0.3 + r() * 0.4)).toFixed(0)}" ry="${(H * (0.2 + r() * 0.3)).toFixed(0)}" fill="url(#s${id})"/>`
  );
}

/** A sheet of paper on a table, photographed: content is drawn in paper coordinates (pw × ph). */
function photoSvg(r: () => number, W: number, H: number, content: (pw: number, ph: number) => string, o: { lined?: boolean; tableEdge?: boolean }): string {
  const paper = pick(r, ['#f2efe6', '#ebe8e0', '#e6e6e6', '#f4f1ea', '#dcd9d2']);
  const table = pick(r, ['#5a3d2b', '#3b3b3b', '#8a6a4a', '#2a2f3a']);
  const pw = W * (o.tableEdge ? 0.85 : 1.1);
  const ph = H * (o.tableEdge ? 0.9 : 1.1);
  const rot = (r() - 0.5) * 8;
  const skew = (r() - 0.5) * 6;
  const ox = o.tableEdge ? W * (r() * 0.1) : -W * 0.05;
  const oy = o.tableEdge ? H * (r() * 0.08) : -H * 0.05;
  let lines = '';
  if (o.lined) {
    const step = ph / (26 + r() * 8);
    for (let yy = step * 3; yy < ph; yy += step) lines += `<line x1="0" y1="${yy.toFixed(1)}" x2="${pw.toFixed(0)}" y2="${yy.toFixed(1)}" stroke="#8fb0d8" stroke-width="${Math.max(1, W / 1000).toFixed(1)}"/>`;
    lines += `<line x1="${(pw * 0.12).toFixed(0)}" y1="0" x2="${(pw * 0.12).toFixed(0)}" y2="${ph.toFixed(0)}" stroke="#e08a8a" stroke-width="${Math.max(1, W / 800).toFixed(1)}"/>`;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="${W}" height="${H}" fill="${table}"/>` +
    `<g transform="rotate(${rot.toFixed(2)} ${W / 2} ${H / 2}) skewY(${skew.toFixed(2)}) translate(${ox.toFixed(0)} ${oy.toFixed(0)})"><rect width="${pw.toFixed(0)}" height="${ph.toFixed(0)}" fill="${paper}"/>${lines}${content(pw, ph)}</g>` +
    lightingSvg(r, W, H, 'p') +
    '</svg>'
  );
}

export async function renderSignatureSample(scene: SignatureScene, seed: number, o: { small?: boolean } = {}): Promise<SignatureSample> {
  const r = prng(seed);
  const printedName = r() < 0.4;
  if (scene === 'photo') {
    const size = o.small ? pick(r, [[900, 1200], [1200, 900]] as const) : pick(r, [[3000, 4000], [1200, 1600], [1600, 1200], [4000, 3000]] as const);
    const [W, H] = size;
    const lined = r() < 0.35;
    const tableEdge = r() < 0.5;
    const svg = photoSvg(r, W, H, (pw, ph) => {
      const sw = pw * (0.35 + r() * 0.35);
      const sh = sw * (0.3 + r() * 0.15);
      return penSignatureSvg(seed, pw * (0.15 + r() * 0.3), ph * (0.25 + r() * 0.35), sw, sh, { printedName });
    }, { lined, tableEdge });
    const img = await finish(svg, seed, { grain: 6 + r() * 12, blur: W > 2000 ? 1.2 : 0.6, jpegQuality: 70 + Math.floor(r() * 20) });
    return { name: `photo-${seed}${lined ? '-lined' : ''}${tableEdge ? '-table' : ''}${printedName ? '-name' : ''}-${W}x${H}`, isSignature: true, ...img };
  }
  if (scene === 'scan_page') {
    const [W, H] = o.small ? [1240, 1754] : [2480, 3508];
    const sw = W * (0.16 + r() * 0.14);
    const sh = sw * (0.3 + r() * 0.15);
    const sx = W * (0.08 + r() * 0.5);
    const sy = H * (0.1 + r() * 0.75);
    const rot = (r() - 0.5) * 2;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="${pick(r, ['#ffffff', '#fbfbfb', '#f6f6f4'])}"/><g transform="rotate(${rot.toFixed(2)} ${W / 2} ${H / 2})">${penSignatureSvg(seed, sx, sy, sw, sh, { printedName })}</g></svg>`;
    const img = await finish(svg, seed, { grain: 4 + r() * 12, speckle: r() * 0.0015, grey: r() < 0.5 });
    return { name: `scan-page-${seed}${printedName ? '-name' : ''}`, isSignature: true, ...img };
  }
  const W = Math.round((o.small ? 700 : 1200) + r() * 900);
  const H = Math.round(W * (0.2 + r() * 0.2));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="${pick(r, ['#ffffff', '#f8f8f6', '#f0f0ee'])}"/>${penSignatureSvg(seed, W * (0.05 + r() * 0.1), H * (0.08 + r() * 0.1), W * (0.6 + r() * 0.2), H * 0.78, { printedName })}</svg>`;
  const img = await finish(svg, seed, { grain: 5 + r() * 15, speckle: r() * 0.002, grey: r() < 0.5 });
  return { name: `scan-strip-${seed}${printedName ? '-name' : ''}`, isSignature: true, ...img };
}

const WORDS = 'de het een van en in is dat op te voor met zijn niet aan er om ook als bij nog wel uw wij aanvraag gemeente brief datum betreft formulier adres graag vriendelijke groet kunt contact vragen over deze'.split(' ');
const sentence = (r: () => number, n: number) => Array.from({ length: n }, () => pick(r, WORDS)).join(' ');

function textLines(r: () => number, x: number, y: number, w: number, lineH: number, count: number, size: number, fill = '#111'): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const words = Math.max(2, Math.floor((w / size) * 0.28 * (0.6 + r() * 0.4)));
    out += `<text x="${x.toFixed(0)}" y="${(y + i * lineH).toFixed(0)}" font-family="DejaVu Sans" font-size="${size.toFixed(0)}" fill="${fill}">${escapeXml(sentence(r, words))}</text>`;
  }
  return out;
}

export async function renderNegativeSample(scene: NegativeScene, seed: number, o: { small?: boolean } = {}): Promise<SignatureSample> {
  const r = prng(seed * 104729 + 3);
  const s = o.small ? 0.6 : 1;
  const svgOpen = (W: number, H: number, bg: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="${bg}"/>`;
  let svg: string;
  let f: Finish = { grain: 0 };
  if (scene === 'screenshot' || scene === 'error_dialog') {
    const phone = r() < 0.5;
    const [W, H] = phone ? [Math.round(1080 * s), Math.round(2340 * s)] : [Math.round(1920 * s), Math.round(1080 * s)];
    const accent = pick(r, ['#1565c0', '#2e7d32', '#c62828', '#6a1b9a']);
    svg = svgOpen(W, H, '#fafafa') + `<rect width="${W}" height="${(H * 0.07).toFixed(0)}" fill="${accent}"/>`;
    svg += `<text x="${(W * 0.04).toFixed(0)}" y="${(H * 0.05).toFixed(0)}" font-family="DejaVu Sans" font-size="${(H * 0.03).toFixed(0)}" fill="#fff">Mijn Gemeente</text>`;
    const size = Math.max(14, (phone ? W : H) * 0.028);
    if (scene === 'error_dialog') {
      svg += textLines(r, W * 0.05, H * 0.15, W * 0.9, size * 1.6, 6, size, '#888');
      const dx = W * 0.15;
      const dy = H * 0.35;
      svg += `<rect x="0" y="0" width="${W}" height="${H}" fill="#000" fill-opacity="0.35"/><rect x="${dx.toFixed(0)}" y="${dy.toFixed(0)}" width="${(W * 0.7).toFixed(0)}" height="${(H * 0.3).toFixed(0)}" rx="12" fill="#fff"/>`;
      svg += `<circle cx="${(dx + size * 1.5).toFixed(0)}" cy="${(dy + size * 2).toFixed(0)}" r="${size.toFixed(0)}" fill="#c62828"/><text x="${(dx + size * 3).toFixed(0)}" y="${(dy + size * 2.4).toFixed(0)}" font-family="DejaVu Sans" font-weight="bold" font-size="${(size * 1.1).toFixed(0)}">Er is een fout opgetreden</text>`;
      svg += textLines(r, dx + size, dy + size * 4.5, W * 0.6, size * 1.5, 3, size * 0.9, '#333');
      svg += `<text x="${(dx + size).toFixed(0)}" y="${(dy + size * 10).toFixed(0)}" font-family="DejaVu Sans Mono" font-size="${(size * 0.8).toFixed(0)}" fill="#555">Foutcode: ERR_${Math.floor(r() * 9000 + 1000)} (sessie verlopen)</text>`;
      svg += `<rect x="${(dx + W * 0.45).toFixed(0)}" y="${(dy + H * 0.3 - size * 3).toFixed(0)}" width="${(W * 0.2).toFixed(0)}" height="${(size * 2).toFixed(0)}" rx="6" fill="${accent}"/>`;
    } else {
      for (let b = 0; b < 4; b++) {
        const by = H * (0.1 + b * 0.2);
        svg += `<rect x="${(W * 0.04).toFixed(0)}" y="${by.toFixed(0)}" width="${(W * 0.92).toFixed(0)}" height="${(H * 0.17).toFixed(0)}" rx="10" fill="#fff" stroke="#ddd" stroke-width="2"/>`;
        svg += `<text x="${(W * 0.07).toFixed(0)}" y="${(by + size * 2).toFixed(0)}" font-family="DejaVu Sans" font-weight="bold" font-size="${(size * 1.1).toFixed(0)}">${escapeXml(sentence(r, 3))}</text>`;
        svg += textLines(r, W * 0.07, by + size * 3.6, W * 0.85, size * 1.5, 2, size * 0.9, '#444');
      }
    }
    svg += '</svg>';
  } else if (scene === 'document_photo') {
    const [W, H] = o.small ? [1200, 1600] : pick(r, [[3000, 4000], [1200, 1600]] as const);
    svg = photoSvg(r, W, H, (pw, ph) => textLines(r, pw * 0.1, ph * 0.12, pw * 0.8, ph / 36, 26, ph / 60) + (r() < 0.5 ? penSignatureSvg(seed, pw * 0.1, ph * 0.85, pw * 0.3, ph * 0.07) : ''), { tableEdge: r() < 0.5, lined: false });
    f = { grain: 8, blur: W > 2000 ? 1.2 : 0.6, jpegQuality: 80 };
  } else if (scene === 'logo') {
    const W = Math.round((600 + r() * 600) * s);
    const H = Math.round(W * (0.3 + r() * 0.3));
    const c = pick(r, ['#e65100', '#0d47a1', '#1b5e20', '#4a148c', '#111111']);
    svg = svgOpen(W, H, '#ffffff');
    if (r() < 0.5) svg += `<circle cx="${(H / 2).toFixed(0)}" cy="${(H / 2).toFixed(0)}" r="${(H * 0.38).toFixed(0)}" fill="${c}"/>`;
    else svg += `<path d="M ${(H * 0.1).toFixed(0)} ${(H * 0.85).toFixed(0)} L ${(H * 0.5).toFixed(0)} ${(H * 0.12).toFixed(0)} L ${(H * 0.9).toFixed(0)} ${(H * 0.85).toFixed(0)} Z" fill="${c}"/>`;
    svg += `<text x="${(H * 1.05).toFixed(0)}" y="${(H * 0.62).toFixed(0)}" font-family="DejaVu Sans" font-weight="bold" font-size="${(H * 0.3).toFixed(0)}" fill="${c}">${escapeXml(pick(r, ['Bouwbedrijf Noord', 'Zorggroep', 'Woonstad', 'TechnoServ BV', 'Stichting Anker']))}</text></svg>`;
  } else if (scene === 'qr') {
    const n = 29;
    const m = Math.round((12 + r() * 10) * s);
    const W = (n + 8) * m;
    svg = svgOpen(W, W, '#ffffff');
    const finder = (fx: number, fy: number) => `<rect x="${(fx + 4) * m}" y="${(fy + 4) * m}" width="${7 * m}" height="${7 * m}" fill="#000"/><rect x="${(fx + 5) * m}" y="${(fy + 5) * m}" width="${5 * m}" height="${5 * m}" fill="#fff"/><rect x="${(fx + 6) * m}" y="${(fy + 6) * m}" width="${3 * m}" height="${3 * m}" fill="#000"/>`;
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (!((x < 8 && y < 8) || (x > n - 9 && y < 8) || (x < 8 && y > n - 9)) && r() < 0.5) svg += `<rect x="${(x + 4) * m}" y="${(y + 4) * m}" width="${m}" height="${m}" fill="#000"/>`;
    svg += finder(0, 0) + finder(n - 7, 0) + finder(0, n - 7) + '</svg>';
  } else if (scene === 'chart') {
    const W = Math.round(1400 * s);
    const H = Math.round(900 * s);
    svg = svgOpen(W, H, '#ffffff') + `<text x="${W * 0.1}" y="${H * 0.08}" font-family="DejaVu Sans" font-size="${H * 0.045}">Aanvragen per maand 2026</text>`;
    svg += `<line x1="${W * 0.1}" y1="${H * 0.85}" x2="${W * 0.95}" y2="${H * 0.85}" stroke="#000" stroke-width="3"/><line x1="${W * 0.1}" y1="${H * 0.15}" x2="${W * 0.1}" y2="${H * 0.85}" stroke="#000" stroke-width="3"/>`;
    const months = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];
    const line = r() < 0.5;
    let d = '';
    months.forEach((mo, i) => {
      const x = W * 0.13 + i * W * 0.068;
      const v = H * (0.2 + r() * 0.6);
      if (line) d += `${i === 0 ? 'M' : 'L'} ${x.toFixed(0)} ${v.toFixed(0)} `;
      else svg += `<rect x="${x.toFixed(0)}" y="${v.toFixed(0)}" width="${(W * 0.045).toFixed(0)}" height="${(H * 0.85 - v).toFixed(0)}" fill="#1976d2"/>`;
      svg += `<text x="${x.toFixed(0)}" y="${(H * 0.92).toFixed(0)}" font-family="DejaVu Sans" font-size="${(H * 0.035).toFixed(0)}">${mo}</text>`;
    });
    for (let k = 0; k <= 4; k++) svg += `<text x="${W * 0.03}" y="${(H * (0.85 - k * 0.17)).toFixed(0)}" font-family="DejaVu Sans" font-size="${(H * 0.035).toFixed(0)}">${k * 250}</text>`;
    if (line) svg += `<path d="${d}" fill="none" stroke="#d32f2f" stroke-width="${(4 * s).toFixed(1)}"/>`;
    svg += '</svg>';
  } else {
    const [W, H] = o.small ? [1200, 900] : pick(r, [[4000, 3000], [1600, 1200]] as const);
    svg = svgOpen(W, H, pick(r, ['#6f8fb0', '#7a8f5a', '#b09a7a']));
    svg += `<defs><radialGradient id="g"><stop offset="0" stop-color="#fff" stop-opacity="0.6"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>`;
    for (let i = 0; i < 25; i++) {
      const col = `rgb(${Math.floor(r() * 255)},${Math.floor(r() * 255)},${Math.floor(r() * 255)})`;
      svg += `<ellipse cx="${(r() * W).toFixed(0)}" cy="${(r() * H).toFixed(0)}" rx="${(W * (0.03 + r() * 0.2)).toFixed(0)}" ry="${(H * (0.03 + r() * 0.2)).toFixed(0)}" fill="${col}" fill-opacity="${(0.4 + r() * 0.6).toFixed(2)}"/>`;
    }
    svg += `<ellipse cx="${W * 0.3}" cy="${H * 0.2}" rx="${W * 0.3}" ry="${H * 0.3}" fill="url(#g)"/></svg>`;
    f = { grain: 10, blur: 3, jpegQuality: 80 };
  }
  if (f.grain === 0) f = { grain: r() < 0.5 ? 0 : 3, ...(r() < 0.5 ? { jpegQuality: 85 } : {}) };
  const img = await finish(svg, seed, f);
  return { name: `${scene}-${seed}`, isSignature: false, ...img };
}

export const SIGNATURE_SCENES: readonly SignatureScene[] = ['photo', 'photo', 'scan_page', 'scan_strip'];
export const NEGATIVE_SCENES: readonly NegativeScene[] = ['screenshot', 'error_dialog', 'document_photo', 'logo', 'qr', 'chart', 'plain_photo'];

/** A reproducible set: `perScene` positives per signature scene, one negative per scene per round, seeds from `seed0`. */
export async function signatureSet(seed0: number, rounds: number, o: { small?: boolean } = {}): Promise<SignatureSample[]> {
  const out: SignatureSample[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const [i, sc] of SIGNATURE_SCENES.entries()) out.push(await renderSignatureSample(sc, seed0 + k * 10 + i, o));
    for (const [i, sc] of NEGATIVE_SCENES.entries()) out.push(await renderNegativeSample(sc, seed0 + k * 10 + i, o));
  }
  return out;
}
