/**
 * Reading a scanned letter's OCR text (processors/extract/ocr-letter.ts and the letter rules
 * in reconcile.ts): the handwritten signature under the closing, the sender block as OCR
 * splits it, an unnamed 'voor mijn …' in a letter, and initials read with and without their
 * full stops. Words with confidences are built here per line, as processors/letters passes them.
 */
import { expect } from 'chai';
import { extractContact } from '../../../processors/extract/index.ts';
import type { OcrWord } from '../../../processors/extract/index.ts';
import { blankSignatureScribbles, implausibleWord, isScribbleLine, senderBlock } from '../../../processors/extract/ocr-letter.ts';
import { reconcileNames } from '../../../processors/extract/reconcile.ts';

/** Text and words from [line, confidence] pairs ('' for a blank line). */
function ocr(lines: Array<[string, number] | ''>): { text: string; words: OcrWord[] } {
  const words: OcrWord[] = [];
  lines.forEach((l, line) => {
    if (l === '') return;
    for (const w of l[0].split(/\s+/).filter(Boolean)) words.push({ text: w, confidence: l[1], line });
  });
  return { text: lines.map((l) => (l === '' ? '' : l[0])).join('\n'), words };
}

const HEAD: Array<[string, number] | ''> = [['J. de Boer', 95], '', ['Populierenlaan 23', 96], ['7391 BL Twello', 96], '', ['Logius', 92], ['Postbus 30250', 96], ['2500 GG Den Haag', 96], ''];
const BODY: Array<[string, number] | ''> = [['Geachte heer, mevrouw,', 96], '', ['Ik heb nog geen activeringscode ontvangen.', 96], '', ['Met vriendelijke groet,', 96], ''];

function letterOf(o: { text: string; words: OcrWord[] }) {
  return { channel: 'letter' as const, fromName: null, fromAddress: null, subject: '', text: o.text, ourAddresses: ['2500 GG'], words: o.words };
}

describe('extract: a handwritten signature in a scanned letter', () => {
  it('tells scribble shapes from names', () => {
    for (const w of ['SAAAINAAAN', 'NDINAINNf', 'DrItI', 'MALMWIPADIWpy', 'MNNW', 'VWN', 'ab\\cd']) expect(implausibleWord(w), w).to.equal(true);
    for (const w of ['Klaassen', 'IJsselstein', 'McDonald', "O'Neill", 'Peeters-Wijnen', 'J.', 'de', 'Nguyen', 'Dhr.', 'Drs.', 'W.J.K.']) expect(implausibleWord(w), w).to.equal(false);
  });

  it('takes a line of very low confidence, or of low confidence and odd shapes, for a signature; never one with digits', () => {
    const words = (t: string, c: number): OcrWord[] => t.split(' ').map((text) => ({ text, confidence: c }));
    expect(isScribbleLine('ENSNDANNA re', words('ENSNDANNA re', 12))).to.equal(true);
    expect(isScribbleLine('SAAAINAAAN A.', words('SAAAINAAAN A.', 72))).to.equal(true);
    expect(isScribbleLine('Jan de Boer', words('Jan de Boer', 72))).to.equal(false);
    expect(isScribbleLine('Jan de Boer', words('Jan de Boer', 95))).to.equal(false);
    expect(isScribbleLine('06 12345678', words('06 12345678', 20))).to.equal(false);
    // A text layer has no confidences: nothing is a scribble.
    expect(isScribbleLine('ENSNDANNA re', [])).to.equal(false);
  });

  it('blanks the scribble above the printed name, so the name is the printed one in its fullest form', () => {
    const o = ocr([...HEAD, ...BODY, ['ENSNDANNA re', 8], '', ['Jan de Boer', 96]]);
    const r = blankSignatureScribbles(o.text, o.words);
    expect(r.blanked).to.equal(1);
    expect(r.signatureOnly).to.equal(false);
    expect(r.text.split('\n')).to.have.length(o.text.split('\n').length);
    expect(extractContact(letterOf({ text: r.text, words: o.words })).citizen.name).to.equal('Jan de Boer');
    // Without the blanking the scribble is taken for the name (what this rule fixes).
    expect(extractContact(letterOf(o)).citizen.name).to.not.equal('Jan de Boer');
  });

  it('blanks an ordinary-looking line read far worse than the name line under it', () => {
    const o = ocr([...HEAD, ...BODY, ['vn bh yon', 62], '', ['Jan de Boer', 96]]);
    expect(blankSignatureScribbles(o.text, o.words).blanked).to.equal(1);
    // The same line under a name read no better is left alone (a poor scan, not a signature).
    const poor = ocr([...HEAD, ...BODY, ['Jan de Boer', 66], '', ['Afdeling Wonen', 70]]);
    expect(blankSignatureScribbles(poor.text, poor.words).blanked).to.equal(0);
  });

  it('blanks a line that is not the sender block\'s person right above one that is, whatever its confidence', () => {
    const o = ocr([...HEAD, ...BODY, ['Vinn Mylo', 82], '', ['Jan de Boer', 84]]);
    const r = blankSignatureScribbles(o.text, o.words);
    expect(r.blanked).to.equal(1);
    expect(extractContact(letterOf({ text: r.text, words: o.words })).citizen.name).to.equal('Jan de Boer');
    // Two lines that both fit the sender block: the first is the name, nothing is blanked.
    const both = ocr([...HEAD, ...BODY, ['J. de Boer', 84], '', ['Jan de Boer', 84]]);
    expect(blankSignatureScribbles(both.text, both.words).blanked).to.equal(0);
  });

  it('cuts scribble words off the ends of the printed name line', () => {
    const o = ocr([...HEAD, ...BODY, ['Jan de Boer nn', 96]]);
    o.words[o.words.length - 1]!.confidence = 21;
    const r = blankSignatureScribbles(o.text, o.words);
    expect(r.text.split('\n').pop()).to.equal('Jan de Boer');
    expect(extractContact(letterOf({ text: r.text, words: o.words })).citizen.name).to.equal('Jan de Boer');
  });

  it('keeps a well-read name and everything without word confidences as it is', () => {
    const o = ocr([...HEAD, ...BODY, ['Jan de Boer', 96]]);
    expect(blankSignatureScribbles(o.text, o.words)).to.deep.include({ text: o.text, blanked: 0 });
    expect(blankSignatureScribbles(o.text, [])).to.deep.include({ text: o.text, blanked: 0 });
  });

  it('says when the signature is all there is under the closing', () => {
    const o = ocr([...HEAD, ...BODY, ['DININPANIG', 5]]);
    expect(blankSignatureScribbles(o.text, o.words)).to.deep.include({ blanked: 1, signatureOnly: true });
  });
});

describe('extract: a scanned letter\'s sender block', () => {
  it('reads the block across the blank lines OCR puts in it, with a date line above it and an e-mail under it', () => {
    const text = 'Roermond, 27 oktober 2026\n\nGerda Wolters\n\nBeatrixstraat 8\n\n7701 CE Dedemsvaart\ngerda.wolters@example.nl\n\nLogius\nPostbus 30250\n2500 GG Den Haag\n';
    const b = senderBlock(text);
    expect(b.name).to.equal('Gerda Wolters');
    expect(text.slice(0, b.end)).to.contain('gerda.wolters@example.nl').and.not.contain('Logius');
    expect(senderBlock('Geachte heer,\n\nIk woon in Zwolle.\n').name).to.equal(null);
  });

  it('takes the fullest name and the e-mail address from a block OCR split with blank lines', () => {
    const text = 'Gerda Wolters\n\nBeatrixstraat 8\n7701 CE Dedemsvaart\n\ngerda.wolters@example.nl\n\nLogius\nPostbus 30250\n2500 GG Den Haag\n\nGeachte heer, mevrouw,\n\nIk heb geen code gekregen.\n\nMet vriendelijke groet,\n\nG. Wolters\n';
    const c = extractContact({ channel: 'letter', fromName: null, fromAddress: null, subject: '', text, ourAddresses: ['2500 GG'] }).citizen;
    expect(c).to.include({ name: 'Gerda Wolters', email: 'gerda.wolters@example.nl', street: 'Beatrixstraat', postcode: '7701CE' });
  });
});

describe('extract: an address abroad in a scanned letter', () => {
  it('reads street, postcode and place over the blank lines OCR puts between them, a 4-3 postcode included', () => {
    const text = 'Carlos Mendes\n\nRua das Flores 12\n\n1200-195 Lisboa\n\nPortugal\n\nLogius\nPO Box 30250\n2500 GG The Hague\n\nDear Sir or Madam,\n\nHow can I apply from abroad?\n\nKind regards,\n\nCarlos Mendes\n';
    const c = extractContact({ channel: 'letter', fromName: null, fromAddress: null, subject: '', text, ourAddresses: ['2500 GG'] }).citizen;
    expect(c).to.include({ street: 'Rua das Flores', house_number: '12', postcode: '1200-195', city: 'Lisboa', country: 'Portugal' });
  });
});

describe('extract: whom a letter is about', () => {
  const letter = (subject: string, sig = 'Willem van der Meer') =>
    `W.J. van der Meer\nKanaalweg 7\n3526 KM Utrecht\n\nBetreft: ${subject}\n\nGeachte heer, mevrouw,\n\nIk hoor graag hoe dat werkt.\n\nMet vriendelijke groet,\n\n${sig}\n`;
  const run = (text: string) => extractContact({ channel: 'letter', fromName: null, fromAddress: null, subject: '', text, ourAddresses: [] });

  it('keeps the writer as the citizen for an unnamed "voor mijn …" errand, with the sender block\'s address', () => {
    const e = run(letter('machtiging voor mijn broer'));
    expect(e.onBehalfOf).to.equal(null);
    expect(e.citizen).to.include({ name: 'Willem van der Meer', street: 'Kanaalweg', house_number: '7', postcode: '3526KM', city: 'Utrecht' });
  });

  it('keeps a representative who writes "namens" someone, or names the person', () => {
    expect(run(letter('DigiD namens mijn moeder')).onBehalfOf).to.equal('Willem van der Meer');
    const named = run(letter('DigiD voor mijn moeder Trees Bos'));
    expect(named.onBehalfOf).to.equal('Willem van der Meer');
    expect(named.citizen.name).to.equal('Trees Bos');
  });
});

describe('extract: initials read twice', () => {
  it('keeps the full stops OCR dropped in one reading', () => {
    expect(reconcileNames('P HOEKSTRA', 'P. Hoekstra', '')?.name).to.equal('P. Hoekstra');
    expect(reconcileNames('P. HOEKSTRA', 'P Hoekstra', '')?.name).to.equal('P. Hoekstra');
  });
});
