/**
 * The reply letter, read back with poppler's pdftotext (as a print shop's preflight would):
 * the address block and the case number are there, and every word of the address lies
 * inside the envelope window.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { A4, MM, WINDOW_MM, addressLines, renderReplyLetter, replyLetterForCase, type ReplyLetterInput } from '../../../processors/replyletter/index.ts';

const run = promisify(execFile);

interface Word { text: string; xMin: number; yMin: number; xMax: number; yMax: number; page: number }

/** Words with their boxes (points, origin top left), from `pdftotext -bbox`. */
async function words(pdf: Uint8Array): Promise<{ words: Word[]; text: string; pages: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kcc-replyletter-'));
  try {
    const file = join(dir, 'letter.pdf');
    await writeFile(file, pdf);
    const { stdout: html } = await run('pdftotext', ['-bbox', file, '-']);
    const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
    const out: Word[] = [];
    let page = 0;
    for (const line of html.split('\n')) {
      if (/<page /.test(line)) page += 1;
      const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/.exec(line);
      if (m) out.push({ xMin: +m[1]!, yMin: +m[2]!, xMax: +m[3]!, yMax: +m[4]!, text: m[5]!.replace(/&amp;/g, '&'), page });
    }
    return { words: out, text, pages: page };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const base: ReplyLetterInput = {
  language: 'nl',
  caseNumber: 'KCC-2026-000123',
  date: new Date('2026-03-14T10:00:00Z'),
  recipient: { name: 'J. de Vries', street: 'Lindelaan', houseNumber: '12', postcode: '3581AB', city: 'Utrecht' },
  body: 'U kunt een nieuwe activeringscode aanvragen op digid.nl.\n\nDe code komt binnen drie werkdagen per post.',
};

function inWindow(w: Word): boolean {
  const left = WINDOW_MM.left * MM;
  const top = WINDOW_MM.top * MM;
  return w.page === 1 && w.xMin >= left && w.xMax <= left + WINDOW_MM.width * MM && w.yMin >= top && w.yMax <= top + WINDOW_MM.height * MM;
}

describe('replyletter: the postal answer as an A4 PDF', function () {
  this.timeout(20_000);

  it('sets the address block inside the envelope window, with the case number and the date', async () => {
    const r = await renderReplyLetter(base);
    expect(r.addressLines).to.deep.equal(['J. de Vries', 'Lindelaan 12', '3581 AB  UTRECHT']);
    const { words: ws, text } = await words(r.pdf);
    // Each address line's words, in order, all inside the window.
    for (const line of r.addressLines) {
      for (const token of line.split(/\s+/)) {
        const w = ws.find((x) => x.text === token && inWindow(x));
        expect(w, `"${token}" inside the window`).to.not.equal(undefined);
      }
    }
    // Nothing of the body sneaks into the window (it would show through the envelope).
    const inside = ws.filter(inWindow).map((w) => w.text);
    expect(inside).to.not.include('activeringscode');
    expect(inside).to.not.include(base.caseNumber);
    expect(text).to.contain('Ons kenmerk');
    expect(text).to.contain('KCC-2026-000123');
    expect(text).to.contain('14 maart 2026');
    expect(text).to.contain('U kunt een nieuwe activeringscode aanvragen op digid.nl.');
    expect(text).to.contain('Retouradres');
    // A4 portrait, as pdf-lib wrote it.
    const { PDFDocument } = await import('pdf-lib');
    const page = (await PDFDocument.load(r.pdf)).getPage(0);
    expect([Math.round(page.getWidth()), Math.round(page.getHeight())]).to.deep.equal([Math.round(A4.width), Math.round(A4.height)]);
    expect(Math.round(A4.width)).to.equal(595);
  });

  it('writes English from the English template, and the address is in the window there too', async () => {
    const r = await renderReplyLetter({ ...base, language: 'en', body: 'You can request a new activation code at digid.nl.' });
    const { words: ws, text } = await words(r.pdf);
    expect(text).to.contain('Our reference');
    expect(text).to.contain('14 March 2026');
    expect(text).to.contain('You can request a new activation code');
    expect(ws.filter(inWindow).map((w) => w.text)).to.include.members(['Lindelaan', '12', '3581', 'AB', 'UTRECHT']);
  });

  it('runs a long answer onto a second page with the case number on each', async () => {
    const para = 'Dit is een lange uitleg over het aanvragen van een machtiging voor een ander, met alle stappen die daarbij horen. ';
    const r = await renderReplyLetter({ ...base, body: Array.from({ length: 12 }, () => para.repeat(4)).join('\n\n') });
    expect(r.pages).to.be.greaterThan(1);
    const { text, pages } = await words(r.pdf);
    expect(pages).to.equal(r.pages);
    expect(text).to.contain(`KCC-2026-000123 · Pagina 2 van ${r.pages}`);
  });

  it('sets names outside the standard font without their diacritics rather than dropping them', async () => {
    const r = await renderReplyLetter({ ...base, recipient: { ...base.recipient, name: 'Łukasz Wiśniewski' } });
    expect(r.addressLines[0]).to.equal('Lukasz Wisniewski');
    const { words: ws } = await words(r.pdf);
    expect(ws.some((w) => w.text === 'Wisniewski' && inWindow(w))).to.equal(true);
  });

  it('refuses a case without a complete postal address, and a malformed case number', async () => {
    let code: string | undefined;
    try {
      addressLines({ ...base.recipient, street: null });
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).to.equal('REPLYLETTER_NO_ADDRESS');
    code = undefined;
    await renderReplyLetter({ ...base, caseNumber: 'J. de Vries' }).catch((err: { code?: string }) => {
      code = err.code;
    });
    expect(code).to.equal('REPLYLETTER_BAD_CASE_NUMBER');
  });

  it('builds the input from a case document (language and address)', () => {
    const input = replyLetterForCase(
      { caseNumber: 'KCC-2026-000007', classification: { language: 'en' }, citizen: { name: 'A. Visser', street: 'Zeestraat', houseNumber: '45', postcode: '2518AA', city: 'Den Haag' } },
      'Answer.',
      base.date,
    );
    expect(input.language).to.equal('en');
    expect(addressLines(input.recipient)).to.deep.equal(['A. Visser', 'Zeestraat 45', '2518 AA  DEN HAAG']);
  });

  it('puts the country of an address abroad on the last line', () => {
    const input = replyLetterForCase(
      { caseNumber: 'KCC-2026-000008', citizen: { name: 'M. Schneider', street: 'Schillerstraße', houseNumber: '41', postcode: '50667', city: 'Köln', country: 'Germany' } },
      'Antwoord.',
      base.date,
    );
    expect(addressLines(input.recipient)).to.deep.equal(['M. Schneider', 'Schillerstraße 41', '50667  KÖLN', 'GERMANY']);
  });
});
