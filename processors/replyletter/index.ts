/**
 * The reply letter for cases that came by post: an A4 PDF (pdf-lib) with the letterhead, the
 * citizen's address in the window of a window envelope, the case number, the date and the
 * body from `templates/letter.<lang>.txt`.
 *
 * Window position: NEN 1026 (Dutch business letter) puts the address window of a window
 * envelope (EA5/6, C5/6 "venster links") 20 mm from the left edge and 50 mm from the top of
 * the folded sheet, 90 × 40 mm. The address is set inside it with a margin, so it shows
 * whatever play the sheet has in the envelope; above the address, in small type, the
 * return address (PostNL returns undeliverable mail to it).
 *
 * The standard Helvetica of PDF covers the WinAnsi characters (all Dutch and most Western
 * European names); other letters are set without their diacritics ('ł' → 'l'), never dropped.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { REGISTER } from '../../config/register.ts';
import { InputError } from '../../lib/errors.ts';
import { loadMailTemplate, type TemplateLanguage } from '../../templates/index.ts';

export const MM = 72 / 25.4;
export const A4 = Object.freeze({ width: 210 * MM, height: 297 * MM });
/** The address window, mm from the top-left corner of the sheet (NEN 1026). */
export const WINDOW_MM = Object.freeze({ left: 20, top: 50, width: 90, height: 40 });
// Address inset inside the window: 5 mm each side leaves ±5 mm of play in the envelope.
const INSET_MM = 5;
const MARGIN_LEFT_MM = 20;
const MARGIN_RIGHT_MM = 20;
const BODY_TOP_MM = 110;
const BOTTOM_MM = 25;
const BODY_SIZE = 10;
const BODY_LEAD = 14;
const ADDRESS_SIZE = 10;
const ADDRESS_LEAD = 12.5;

export interface ReplyRecipient {
  name: string | null;
  street: string | null;
  houseNumber: string | null;
  /** '2511DP' or '2511 DP'. */
  postcode: string | null;
  city: string | null;
  /** Printed on the last line when not the Netherlands. */
  country?: string | null;
}

export interface ReplyLetterInput {
  language: TemplateLanguage;
  caseNumber: string;
  date: Date;
  recipient: ReplyRecipient;
  /** The agent's answer; paragraphs separated by blank lines. */
  body: string;
  /** Letterhead and return address; defaults from the register's controller. */
  sender?: { name: string; unit: string; returnAddress: string };
}

export interface RenderedLetter {
  pdf: Uint8Array;
  pages: number;
  /** The lines set in the address window, as printed (for checks and the agent's preview). */
  addressLines: string[];
}

const TEMPLATES = {
  nl: loadMailTemplate('letter', 'nl', ['caseNumber', 'body']),
  en: loadMailTemplate('letter', 'en', ['caseNumber', 'body']),
};

const LABELS = {
  nl: { date: 'Datum', reference: 'Ons kenmerk', subject: 'Onderwerp', page: (n: number, of: number) => `Pagina ${n} van ${of}`, returnAddress: 'Retouradres' },
  en: { date: 'Date', reference: 'Our reference', subject: 'Subject', page: (n: number, of: number) => `Page ${n} of ${of}`, returnAddress: 'Return address' },
};

function defaultSender(lang: TemplateLanguage) {
  const p = REGISTER.controller.postalAddress;
  return {
    name: 'Logius',
    unit: lang === 'nl' ? 'Klant Contact Centrum' : 'Customer Contact Centre',
    returnAddress: `${lang === 'nl' ? 'Postbus' : 'PO Box'} ${p.number}, ${p.postcode} ${p.city}`,
  };
}

/** The address block as PostNL wants it: name; street and number; postcode, two spaces, CITY. */
export function addressLines(r: ReplyRecipient): string[] {
  const missing = (['name', 'street', 'houseNumber', 'postcode', 'city'] as const).filter((k) => !r[k] || !String(r[k]).trim());
  if (missing.length > 0) throw new InputError('REPLYLETTER_NO_ADDRESS', `the case has no complete postal address (missing: ${missing.join(', ')})`);
  const pc = r.postcode!.replace(/\s+/g, '').toUpperCase();
  const postcode = /^\d{4}[A-Z]{2}$/.test(pc) ? `${pc.slice(0, 4)} ${pc.slice(4)}` : r.postcode!.trim();
  const lines = [r.name!.trim(), `${r.street!.trim()} ${r.houseNumber!.trim()}`, `${postcode}  ${r.city!.trim().toUpperCase()}`];
  if (r.country && !/^(?:nl|nederland|the netherlands|netherlands)$/i.test(r.country.trim())) lines.push(r.country.trim().toUpperCase());
  return lines;
}

/** Text the standard font can set: unknown letters lose their diacritics, anything else becomes '?'. */
function settable(font: PDFFont, s: string): string {
  const supported = new Set(font.getCharacterSet());
  let out = '';
  for (const ch of s.normalize('NFC')) {
    if (ch === '\n') { out += ch; continue; }
    if (ch === '\t' || ch === '\r') { out += ' '; continue; }
    if (supported.has(ch.codePointAt(0)!)) { out += ch; continue; }
    const folded = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    const replacements: Record<string, string> = { 'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ı': 'i', 'ß': 'ss' };
    const r = replacements[ch] ?? ([...folded].every((c) => supported.has(c.codePointAt(0)!)) && folded ? folded : '?');
    out += r;
  }
  return out;
}

function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (line && font.widthOfTextAtSize(candidate, size) > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

function formatDate(d: Date, lang: TemplateLanguage): string {
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' }).format(d);
}

/** y in PDF space (from the bottom) of a baseline `mm` from the top. */
const fromTop = (mm: number) => A4.height - mm * MM;

export async function renderReplyLetter(input: ReplyLetterInput): Promise<RenderedLetter> {
  if (input.language !== 'nl' && input.language !== 'en') throw new InputError('REPLYLETTER_BAD_LANGUAGE', 'language must be nl or en');
  if (!/^KCC-\d{4}-\d{6}$/.test(input.caseNumber)) throw new InputError('REPLYLETTER_BAD_CASE_NUMBER', 'the case number is not of the form KCC-YYYY-NNNNNN');
  if (!(input.date instanceof Date) || Number.isNaN(input.date.getTime())) throw new InputError('REPLYLETTER_BAD_DATE', 'the date is not a valid date');
  const lang = input.language;
  const labels = LABELS[lang];
  const sender = input.sender ?? defaultSender(lang);
  const rendered = TEMPLATES[lang]({ caseNumber: input.caseNumber, body: input.body.trim() });

  const doc = await PDFDocument.create();
  // Metadata without personal data: the case number is the only reference.
  doc.setTitle(`${sender.name} ${input.caseNumber}`);
  doc.setProducer('kcc-intake');
  doc.setCreator('kcc-intake');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const black = rgb(0, 0, 0);
  const grey = rgb(0.35, 0.35, 0.35);

  const address = addressLines(input.recipient).map((l) => settable(regular, l));
  const pages: PDFPage[] = [];
  const newPage = () => {
    const p = doc.addPage([A4.width, A4.height]);
    pages.push(p);
    // Letterhead on every page: top left, above the window.
    p.drawText(settable(bold, sender.name), { x: MARGIN_LEFT_MM * MM, y: fromTop(22), size: 18, font: bold, color: black });
    p.drawText(settable(regular, sender.unit), { x: MARGIN_LEFT_MM * MM, y: fromTop(28), size: 10, font: regular, color: grey });
    return p;
  };

  const first = newPage();
  // The window: return address in small type, then the address block.
  const wx = (WINDOW_MM.left + INSET_MM) * MM;
  first.drawText(settable(regular, `${labels.returnAddress} ${sender.returnAddress}`), { x: wx, y: fromTop(WINDOW_MM.top + INSET_MM + 1), size: 7, font: regular, color: grey });
  address.forEach((line, i) => {
    first.drawText(line, { x: wx, y: fromTop(WINDOW_MM.top + INSET_MM + 8) - i * ADDRESS_LEAD, size: ADDRESS_SIZE, font: regular, color: black });
  });
  // Reference block to the right of the window.
  const refX = 125 * MM;
  const refs: Array<[string, string]> = [
    [labels.date, formatDate(input.date, lang)],
    [labels.reference, input.caseNumber],
  ];
  refs.forEach(([label, value], i) => {
    const y = fromTop(WINDOW_MM.top + INSET_MM + 8) - i * 2 * ADDRESS_LEAD;
    first.drawText(label, { x: refX, y: y + 9, size: 7, font: regular, color: grey });
    first.drawText(settable(regular, value), { x: refX, y, size: 10, font: regular, color: black });
  });

  // Subject line, then the body; a new page when the bottom margin is reached.
  const width = A4.width - (MARGIN_LEFT_MM + MARGIN_RIGHT_MM) * MM;
  let page = first;
  let y = fromTop(BODY_TOP_MM);
  page.drawText(settable(bold, `${labels.subject}: ${rendered.subject} (${input.caseNumber})`), { x: MARGIN_LEFT_MM * MM, y, size: BODY_SIZE, font: bold, color: black });
  y -= 2 * BODY_LEAD;
  for (const line of wrap(regular, BODY_SIZE, settable(regular, rendered.text), width)) {
    if (y < BOTTOM_MM * MM) {
      page = newPage();
      y = fromTop(45);
    }
    if (line) page.drawText(line, { x: MARGIN_LEFT_MM * MM, y, size: BODY_SIZE, font: regular, color: black });
    y -= BODY_LEAD;
  }
  pages.forEach((p, i) => {
    const text = `${input.caseNumber} · ${labels.page(i + 1, pages.length)}`;
    p.drawText(settable(regular, text), { x: A4.width - MARGIN_RIGHT_MM * MM - regular.widthOfTextAtSize(settable(regular, text), 8), y: 12 * MM, size: 8, font: regular, color: grey });
  });
  return { pdf: await doc.save(), pages: pages.length, addressLines: address };
}

/** The input for a case document (channel letter): its citizen's address and language. */
export function replyLetterForCase(c: { caseNumber: string; classification?: { language?: string }; citizen?: Partial<ReplyRecipient> & { houseNumber?: string | null } }, body: string, date: Date): ReplyLetterInput {
  const r = c.citizen ?? {};
  return {
    language: c.classification?.language === 'en' ? 'en' : 'nl',
    caseNumber: c.caseNumber,
    date,
    // The country of an address abroad goes on the last line; without it the letter would not arrive.
    recipient: { name: r.name ?? null, street: r.street ?? null, houseNumber: r.houseNumber ?? null, postcode: r.postcode ?? null, city: r.city ?? null, country: r.country ?? null },
    body,
  };
}
