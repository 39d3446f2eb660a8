/**
 * Images for the blind set, drawn from SVG with sharp (build time): handwritten signatures
 * photographed on paper (JPEG, uneven light, perspective-ish tilt, blue ink) or scanned
 * (PNG, grey, speckles), and ordinary images that are not signatures (a screenshot of an
 * error page, a photo of a letterbox). Deterministic per seed.
 */
import sharp from 'sharp';

function rng(seed: number): () => number {
  let a = (seed * 9973 + 17) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A cursive-looking stroke: loops and waves left to right, then an underline flourish. */
function signaturePath(r: () => number, x0: number, y0: number, width: number, height: number): string {
  let x = x0;
  let y = y0;
  const parts = [`M ${x.toFixed(1)} ${y.toFixed(1)}`];
  const steps = 9 + Math.floor(r() * 6);
  const dx = width / steps;
  for (let i = 0; i < steps; i++) {
    const up = (r() - 0.3) * height;
    const nx = x + dx * (0.6 + r() * 0.8);
    const ny = y0 + (r() - 0.5) * height * 0.35;
    const c1x = x + dx * (r() * 0.9);
    const c1y = y - up;
    const c2x = nx - dx * (0.7 + r() * 1.1);
    const c2y = ny - up * (0.3 + r());
    parts.push(`C ${c1x.toFixed(1)} ${c1y.toFixed(1)} ${c2x.toFixed(1)} ${c2y.toFixed(1)} ${nx.toFixed(1)} ${ny.toFixed(1)}`);
    x = nx;
    y = ny;
  }
  const flourish = `M ${(x0 - width * 0.05).toFixed(1)} ${(y0 + height * 0.35).toFixed(1)} Q ${(x0 + width * 0.5).toFixed(1)} ${(y0 + height * (0.55 + r() * 0.2)).toFixed(1)} ${(x + 10).toFixed(1)} ${(y0 + height * 0.2).toFixed(1)}`;
  return `<path d="${parts.join(' ')}" /><path d="${flourish}" />`;
}

/** A signature photographed with a phone on a sheet of paper. */
export async function signaturePhoto(seed: number, opts: { caption?: string; lined?: boolean } = {}): Promise<Buffer> {
  const r = rng(seed);
  const W = 1600;
  const H = 1100;
  const ink = ['#1b2a8a', '#22306e', '#141414', '#0d3b9c'][seed % 4]!;
  const lines = opts.lined
    ? Array.from({ length: 14 }, (_, i) => `<line x1="80" y1="${80 + i * 75}" x2="${W - 80}" y2="${80 + i * 75}" stroke="#9fb6d6" stroke-width="2"/>`).join('')
    : '';
  const caption = opts.caption
    ? `<text x="260" y="820" font-family="DejaVu Sans" font-size="34" fill="#333">${opts.caption}</text><line x1="240" y1="760" x2="1300" y2="760" stroke="#555" stroke-width="3" stroke-dasharray="8 6"/>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<defs><radialGradient id="g" cx="${35 + r() * 30}%" cy="${30 + r() * 30}%" r="80%"><stop offset="0" stop-color="#f3eee2"/><stop offset="0.7" stop-color="#ddd5c3"/><stop offset="1" stop-color="#8f887a"/></radialGradient></defs>
<rect width="${W}" height="${H}" fill="#5a4a3a"/>
<rect x="70" y="50" width="${W - 140}" height="${H - 90}" fill="url(#g)" transform="rotate(${(r() * 4 - 2).toFixed(2)} ${W / 2} ${H / 2})"/>
${lines}${caption}
<g fill="none" stroke="${ink}" stroke-width="${6 + Math.floor(r() * 4)}" stroke-linecap="round" stroke-linejoin="round" transform="rotate(${(r() * 10 - 5).toFixed(2)} ${W / 2} ${H / 2})">${signaturePath(r, 330, 560, 900, 260)}</g>
<rect width="${W}" height="${H}" fill="#000" opacity="${(0.05 + r() * 0.08).toFixed(2)}"/>
</svg>`;
  const base = await sharp(Buffer.from(svg)).raw().toBuffer({ resolveWithObject: true });
  const { data, info } = base;
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((r() - 0.5) * 18)));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .blur(1.1)
    .resize(Math.round(W * 0.8))
    .jpeg({ quality: 72 })
    .toBuffer();
}

/** A signature scanned on a flatbed: grey, a few specks, PNG. */
export async function signatureScan(seed: number, opts: { name?: string; box?: boolean } = {}): Promise<Buffer> {
  const r = rng(seed + 1000);
  const W = 1400;
  const H = 520;
  const box = opts.box ? `<rect x="40" y="40" width="${W - 80}" height="${H - 80}" fill="none" stroke="#444" stroke-width="3"/>` : '';
  const name = opts.name ? `<text x="120" y="${H - 70}" font-family="DejaVu Serif" font-size="30" fill="#222">${opts.name}</text>` : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<rect width="${W}" height="${H}" fill="#f7f7f7"/>${box}${name}
<g fill="none" stroke="#111" stroke-width="${5 + Math.floor(r() * 3)}" stroke-linecap="round" stroke-linejoin="round">${signaturePath(r, 180, 250, 1000, 200)}</g>
</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) {
    let v = data[i]!;
    if (r() < 0.002) v = 60 + Math.floor(r() * 80);
    data[i] = Math.max(0, Math.min(255, v));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).withDensity(200).png({ palette: true, colours: 16, compressionLevel: 9 }).toBuffer();
}

/** A screenshot of an error message in a browser: text, not a signature. */
export async function errorScreenshot(seed: number, message: string): Promise<Buffer> {
  const r = rng(seed + 5000);
  const W = 1280;
  const H = 800;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<rect width="${W}" height="${H}" fill="#ffffff"/><rect width="${W}" height="70" fill="#dee2e6"/>
<rect x="20" y="18" width="${W - 200}" height="34" rx="17" fill="#ffffff"/>
<text x="45" y="43" font-family="DejaVu Sans" font-size="18" fill="#333">https://mijn.overheid.example/inloggen</text>
<rect x="0" y="70" width="${W}" height="90" fill="#154273"/>
<text x="60" y="128" font-family="DejaVu Sans" font-size="32" fill="#fff">Inloggen</text>
<rect x="200" y="260" width="880" height="160" fill="#fde8e8" stroke="#d52b1e" stroke-width="3"/>
<text x="240" y="330" font-family="DejaVu Sans" font-size="26" fill="#8a1c13">${message}</text>
<text x="240" y="380" font-family="DejaVu Sans" font-size="20" fill="#8a1c13">Foutcode ${1000 + Math.floor(r() * 8999)}</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
