import { prng, rasterise, svgDocument, type ScanOptions, type TextLine } from './render.ts';

/**
 * Fictitious identity documents (an ID card with a TD1 zone, a passport data page with a
 * TD3 zone, a driving licence without MRZ) and ordinary attachments that must not be taken
 * for ID copies (a screenshot of a web page, an invoice), plus signatures. Names and
 * numbers are invented; check digits are computed here (ICAO 9303 part 3, §4.9), so a test
 * can also break one on purpose.
 */

// OCR-B is not in Debian main. DejaVu Sans Mono has a dotted zero that tesseract reads as Q,
// so the zone is set in DejaVu Sans on a fixed character pitch instead (like OCR-B, plain zero).
const MRZ_FONT = 'DejaVu Sans';

/** ICAO 9303 check digit: weights 7, 3, 1; digits as is, A–Z as 10–35, '<' as 0. */
export function checkDigit(s: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const v = c === '<' ? 0 : /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += v * weights[i % 3]!;
  }
  return String(sum % 10);
}

const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n);
const nameField = (surname: string, given: string, n: number) => pad(`${surname.replace(/ /g, '<')}<<${given.replace(/ /g, '<')}`, n);

export interface Person {
  surname: string;
  givenNames: string;
  /** YYMMDD */
  birth: string;
  /** YYMMDD */
  expiry: string;
  sex: 'M' | 'F';
  documentNumber: string;
}

export const PEOPLE: readonly Person[] = [
  { surname: 'DE BRUIJN', givenNames: 'WILLEMIJN', birth: '850314', expiry: '310822', sex: 'F', documentNumber: 'NX4R82KT1' },
  { surname: 'VAN DAM', givenNames: 'PIETER JAN', birth: '720105', expiry: '290117', sex: 'M', documentNumber: 'BH7P2LC94' },
  { surname: 'SMIT', givenNames: 'FATIMA', birth: '990927', expiry: '330402', sex: 'F', documentNumber: 'IR3J6WS58' },
  { surname: 'MULDER', givenNames: 'DAAN', birth: '640630', expiry: '280911', sex: 'M', documentNumber: 'SP2T9DN07' },
];

/** TD1 (ID card, 3 × 30). */
export function td1(p: Person, state = 'NLD'): string[] {
  const l1 = `I<${state}${p.documentNumber}${checkDigit(p.documentNumber)}${pad('', 15)}`;
  const l2a = `${p.birth}${checkDigit(p.birth)}${p.sex}${p.expiry}${checkDigit(p.expiry)}${state}${pad('', 11)}`;
  const composite = checkDigit(l1.slice(5, 30) + l2a.slice(0, 7) + l2a.slice(8, 15) + l2a.slice(18, 29));
  return [l1, l2a + composite, nameField(p.surname, p.givenNames, 30)];
}

/** TD3 (passport, 2 × 44). */
export function td3(p: Person, state = 'NLD'): string[] {
  const l1 = `P<${state}${nameField(p.surname, p.givenNames, 39)}`;
  const personal = pad('', 14);
  const l2a = `${p.documentNumber}${checkDigit(p.documentNumber)}${state}${p.birth}${checkDigit(p.birth)}${p.sex}${p.expiry}${checkDigit(p.expiry)}${personal}${checkDigit(personal)}`;
  const composite = checkDigit(l2a.slice(0, 10) + l2a.slice(13, 20) + l2a.slice(21, 43));
  return [l1, l2a + composite];
}

/** Replace the document-number check digit with a wrong one (a misprint or a forgery). */
export function breakCheckDigit(lines: string[], format: 'TD1' | 'TD3'): string[] {
  const out = [...lines];
  const [row, col] = format === 'TD1' ? [0, 14] : [1, 9];
  const line = out[row]!;
  const wrong = String((Number(line[col]) + 3) % 10);
  out[row] = line.slice(0, col) + wrong + line.slice(col + 1);
  return out;
}

export interface GeneratedDoc {
  image: Buffer;
  mime: 'image/png' | 'image/jpeg';
  /** Everything printed, line by line. */
  text: string;
  mrz?: string[];
}

const ddmmyyyy = (yymmdd: string) => {
  const yy = Number(yymmdd.slice(0, 2));
  return `${yymmdd.slice(4, 6)} ${yymmdd.slice(2, 4)} ${yy > 40 ? 1900 + yy : 2000 + yy}`;
};

async function render(width: number, height: number, lines: TextLine[], extra: string, scan: ScanOptions, mrz?: string[]): Promise<GeneratedDoc> {
  const svg = svgDocument(width, height, lines, [], extra);
  const { image, mime } = await rasterise(svg, scan);
  return { image, mime, text: lines.map((l) => l.text).join('\n'), ...(mrz ? { mrz } : {}) };
}

/** An ID card (85.6 × 54 mm) scanned at 300 dpi and enlarged 1.5× as a phone photo would be. */
export async function renderIdCard(p: Person, scan: ScanOptions = {}, mrz = td1(p)): Promise<GeneratedDoc> {
  const W = 1520;
  const H = 960;
  const lines: TextLine[] = [
    { text: 'KONINKRIJK DER NEDERLANDEN', x: 60, y: 80, size: 40, family: 'DejaVu Sans', weight: 'bold' },
    { text: 'IDENTITEITSKAART  IDENTITY CARD', x: 60, y: 135, size: 34, family: 'DejaVu Sans' },
    { text: 'Naam / Surname', x: 470, y: 210, size: 26, family: 'DejaVu Sans' },
    { text: p.surname, x: 470, y: 250, size: 36, family: 'DejaVu Sans' },
    { text: 'Voornamen / Given names', x: 470, y: 305, size: 26, family: 'DejaVu Sans' },
    { text: p.givenNames, x: 470, y: 345, size: 36, family: 'DejaVu Sans' },
    { text: 'Geboortedatum / Date of birth', x: 470, y: 400, size: 26, family: 'DejaVu Sans' },
    { text: ddmmyyyy(p.birth), x: 470, y: 440, size: 36, family: 'DejaVu Sans' },
    { text: 'Documentnummer / Document no.', x: 470, y: 495, size: 26, family: 'DejaVu Sans' },
    { text: p.documentNumber, x: 470, y: 535, size: 36, family: 'DejaVu Sans' },
    ...mrz.map((text, i) => ({ text, x: 70, y: 720 + i * 78, size: 44, pitch: 45, family: MRZ_FONT })),
  ];
  // The photo: a grey box with a face-like oval, so the page is not text only.
  const extra = `<rect x="60" y="180" width="360" height="440" fill="#c8c8c8"/><ellipse cx="240" cy="380" rx="110" ry="150" fill="#8a8a8a"/>`;
  return render(W, H, lines, extra, scan, mrz);
}

/** A passport data page (125 × 88 mm) at 300 dpi. */
export async function renderPassport(p: Person, scan: ScanOptions = {}, mrz = td3(p)): Promise<GeneratedDoc> {
  const W = 1640;
  const H = 1100;
  const lines: TextLine[] = [
    { text: 'KONINKRIJK DER NEDERLANDEN  KINGDOM OF THE NETHERLANDS', x: 50, y: 70, size: 34, family: 'DejaVu Sans', weight: 'bold' },
    { text: 'PASPOORT  PASSPORT', x: 50, y: 125, size: 34, family: 'DejaVu Sans' },
    { text: 'Naam / Surname', x: 480, y: 200, size: 24, family: 'DejaVu Sans' },
    { text: p.surname, x: 480, y: 238, size: 34, family: 'DejaVu Sans' },
    { text: 'Voornamen / Given names', x: 480, y: 290, size: 24, family: 'DejaVu Sans' },
    { text: p.givenNames, x: 480, y: 328, size: 34, family: 'DejaVu Sans' },
    { text: 'Nationaliteit / Nationality', x: 480, y: 380, size: 24, family: 'DejaVu Sans' },
    { text: 'Nederlandse', x: 480, y: 418, size: 34, family: 'DejaVu Sans' },
    { text: 'Geboortedatum / Date of birth', x: 480, y: 470, size: 24, family: 'DejaVu Sans' },
    { text: ddmmyyyy(p.birth), x: 480, y: 508, size: 34, family: 'DejaVu Sans' },
    { text: 'Geldig tot / Date of expiry', x: 480, y: 560, size: 24, family: 'DejaVu Sans' },
    { text: ddmmyyyy(p.expiry), x: 480, y: 598, size: 34, family: 'DejaVu Sans' },
    { text: 'Documentnummer / Document no.', x: 480, y: 650, size: 24, family: 'DejaVu Sans' },
    { text: p.documentNumber, x: 480, y: 688, size: 34, family: 'DejaVu Sans' },
    ...mrz.map((text, i) => ({ text, x: 50, y: 900 + i * 88, size: 34, pitch: 35, family: MRZ_FONT })),
  ];
  const extra = `<rect x="50" y="170" width="380" height="500" fill="#c8c8c8"/><ellipse cx="240" cy="400" rx="120" ry="165" fill="#8a8a8a"/>`;
  return render(W, H, lines, extra, scan, mrz);
}

/** A Dutch driving licence (no ICAO MRZ on the front): numbered fields, a 10-digit number. */
export async function renderDrivingLicence(p: Person, scan: ScanOptions = {}): Promise<GeneratedDoc> {
  const W = 1520;
  const H = 960;
  const number = '5' + p.birth + '437';
  const f = (text: string, y: number, size = 36) => ({ text, x: 470, y, size, family: 'DejaVu Sans' });
  const lines: TextLine[] = [
    { text: 'RIJBEWIJS  DRIVING LICENCE', x: 60, y: 85, size: 44, family: 'DejaVu Sans', weight: 'bold' },
    { text: 'NL  KONINKRIJK DER NEDERLANDEN', x: 60, y: 140, size: 30, family: 'DejaVu Sans' },
    f(`1. ${p.surname}`, 230),
    f(`2. ${p.givenNames}`, 290),
    f(`3. ${ddmmyyyy(p.birth).replace(/ /g, '.')} Utrecht`, 350),
    f(`4a. 12.05.2019  4b. ${ddmmyyyy(p.expiry).replace(/ /g, '.')}`, 410),
    f('4c. CBR', 470),
    f(`5. ${number}`, 530),
    f('9. AM B', 590),
  ];
  const extra = `<rect x="60" y="190" width="360" height="440" fill="#c8c8c8"/><ellipse cx="240" cy="390" rx="110" ry="150" fill="#8a8a8a"/>`;
  return render(W, H, lines, extra, scan);
}

/**
 * A screenshot of a government web page that talks about passports: the hard negative for
 * keyword detection (it says PASPOORT, has a date, and is not an ID copy).
 */
export async function renderScreenshot(scan: ScanOptions = {}): Promise<GeneratedDoc> {
  const W = 1600;
  const H = 1000;
  const s = (text: string, x: number, y: number, size = 30, weight: 'normal' | 'bold' = 'normal', fill = '#000000') => ({ text, x, y, size, family: 'DejaVu Sans', weight, fill });
  const lines: TextLine[] = [
    s('MijnOverheid', 40, 60, 36, 'bold', '#ffffff'),
    s('Berichtenbox   Mijn gegevens   Lopende zaken   Uitloggen', 560, 60, 26, 'normal', '#ffffff'),
    s('Mijn gegevens', 40, 170, 40, 'bold'),
    s('Reisdocumenten', 40, 240, 32, 'bold'),
    s('PASPOORT aanvragen of verlengen', 40, 300, 30),
    s('Uw reisdocument verloopt op 12-03-2026.', 40, 350),
    s('Vraag op tijd een nieuw document aan bij uw gemeente.', 40, 400),
    s('Meer informatie', 40, 480, 30, 'bold', '#1a4c8c'),
    s('Berichten (3 ongelezen)', 40, 600, 32, 'bold'),
    s('Belastingdienst   Voorlopige aanslag 2025', 40, 660),
    s('RDW   Uw APK verloopt binnenkort', 40, 710),
    s('Gemeente Utrecht   Afspraak bevestigd', 40, 760),
  ];
  const extra = `<rect x="0" y="0" width="${W}" height="95" fill="#154273"/><rect x="30" y="445" width="300" height="55" rx="8" fill="none" stroke="#1a4c8c"/>`;
  return render(W, H, lines, extra, scan);
}

/** An invoice: numbers, dates and amounts, but not an identity document. */
export async function renderInvoice(scan: ScanOptions = {}): Promise<GeneratedDoc> {
  const W = 1700;
  const H = 1400;
  const s = (text: string, x: number, y: number, size = 32, weight: 'normal' | 'bold' = 'normal') => ({ text, x, y, size, family: 'DejaVu Sans', weight });
  const lines: TextLine[] = [
    s('Installatiebedrijf De Klok B.V.', 80, 100, 40, 'bold'),
    s('Industrieweg 14, 3542 AD Utrecht', 80, 150),
    s('FACTUUR', 80, 260, 48, 'bold'),
    s('Factuurnummer: 2025-00417', 80, 330),
    s('Factuurdatum: 14-02-2025', 80, 380),
    s('Vervaldatum: 16-03-2025', 80, 430),
    s('Omschrijving', 80, 540, 32, 'bold'),
    s('Bedrag', 1300, 540, 32, 'bold'),
    s('Onderhoud cv-ketel', 80, 600),
    s('EUR 95,00', 1300, 600),
    s('Vervangen thermostaat', 80, 650),
    s('EUR 149,50', 1300, 650),
    s('BTW 21%', 80, 720),
    s('EUR 51,35', 1300, 720),
    s('Totaal', 80, 790, 32, 'bold'),
    s('EUR 295,85', 1300, 790, 32, 'bold'),
    s('Graag betalen binnen 30 dagen op NL91 ABNA 0417 1643 00.', 80, 900),
  ];
  return render(W, H, lines, `<line x1="80" y1="560" x2="1620" y2="560" stroke="#000" stroke-width="3"/>`, scan);
}

/** A handwritten-looking signature: a few random cubic strokes on an otherwise blank strip. */
export async function renderSignature(seed: number, scan: ScanOptions = {}): Promise<GeneratedDoc> {
  const W = 1200;
  const H = 420;
  const r = prng(seed);
  const paths: string[] = [];
  let x = 120 + r() * 80;
  for (let stroke = 0; stroke < 3; stroke++) {
    let d = `M ${x.toFixed(0)} ${(200 + r() * 80).toFixed(0)}`;
    for (let k = 0; k < 4; k++) {
      const nx = x + 60 + r() * 90;
      d += ` C ${(x + r() * 60).toFixed(0)} ${(60 + r() * 100).toFixed(0)}, ${(nx - r() * 60).toFixed(0)} ${(300 + r() * 80).toFixed(0)}, ${nx.toFixed(0)} ${(160 + r() * 120).toFixed(0)}`;
      x = nx;
    }
    paths.push(`<path d="${d}" fill="none" stroke="#101040" stroke-width="${(4 + r() * 4).toFixed(1)}" stroke-linecap="round"/>`);
    x += 30;
  }
  return render(W, H, [], paths.join(''), scan);
}

/** A single printed line (e.g. a cropped closing) — text, not a signature. */
export async function renderTextStrip(text: string, scan: ScanOptions = {}): Promise<GeneratedDoc> {
  return render(1200, 300, [{ text, x: 60, y: 170, size: 56 }], '', scan);
}
