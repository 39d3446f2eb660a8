import { expect } from 'chai';
import { detectIdDocument, findMrz, needsMrzPass, normaliseMrzLine } from '../../../processors/idcheck/index.ts';
import { PEOPLE, breakCheckDigit, checkDigit, td1, td3 } from '../../support/letters/ids.ts';

describe('idcheck: MRZ in OCR text', () => {
  it('computes ICAO check digits (the 9303 specimen)', () => {
    // ICAO 9303 part 3 worked example: document number L898902C3 has check digit 6.
    expect(checkDigit('L898902C3')).to.equal('6');
    expect(checkDigit('740812')).to.equal('2');
  });

  it('reads a clean TD1 (ID card) and TD3 (passport) zone', () => {
    const p = PEOPLE[0]!;
    const id = findMrz(['some text above', ...td1(p), 'and below'].join('\n'));
    expect(id).to.include({ format: 'TD1', documentKind: 'id_card', valid: true, checkDigitsOk: true });
    expect(id!.details).to.deep.include({ documentNumber: p.documentNumber, surname: p.surname, givenNames: p.givenNames, birthDate: p.birth });
    const pass = findMrz(td3(PEOPLE[1]!).join('\n'));
    expect(pass).to.include({ format: 'TD3', documentKind: 'passport', valid: true, checkDigitsOk: true });
    expect(pass!.details.expiryDate).to.equal(PEOPLE[1]!.expiry);
  });

  it('tolerates the usual OCR damage: « for <<, K for <, spaces, O for 0, Q for 0, a stray character', () => {
    const p = PEOPLE[1]!;
    const [l1, l2] = td3(p) as [string, string];
    const damaged = [
      l1.replace('<<<<<<<<', '«««K').replace('<<', '« '),
      // O for 0 in the birth date, a space in the number, Q for the last check digit's 0 position, a stray '.'
      l2.replace(p.birth, p.birth.replace(/0/g, 'O')).replace(p.documentNumber, `${p.documentNumber.slice(0, 4)} ${p.documentNumber.slice(4)}`),
    ];
    const r = findMrz(damaged.join('\n'));
    expect(r, 'zone found').to.not.equal(null);
    expect(r).to.include({ format: 'TD3', valid: true, checkDigitsOk: true });
    expect(normaliseMrzLine('P<NLD«KK<<<<<<KK<')).to.equal(`P<NLD${'<'.repeat(13)}`);
    // Filler to the end of the line read as letters (a skewed photo).
    expect(normaliseMrzLine('SMIT<<FATIMA<<<<<<ccccccccccce')).to.equal(`SMIT<<FATIMA${'<'.repeat(18)}`);
    // A name made of filler look-alike letters keeps its letters.
    expect(normaliseMrzLine('SMIT<<ELLE<<<')).to.equal('SMIT<<ELLE<<<');
  });

  it('flags a wrong check digit instead of hiding the zone', () => {
    for (const [lines, format] of [
      [breakCheckDigit(td1(PEOPLE[2]!), 'TD1'), 'TD1'],
      [breakCheckDigit(td3(PEOPLE[3]!), 'TD3'), 'TD3'],
    ] as const) {
      const r = findMrz(lines.join('\n'));
      expect(r, format).to.include({ format, valid: false, checkDigitsOk: false });
    }
  });

  it('finds no MRZ in ordinary text, however shouted', () => {
    const texts = [
      'GEACHTE HEER MEVROUW IK KAN NIET INLOGGEN MET MIJN DIGID ACCOUNT\nGRAAG ANTWOORD PER POST OMDAT IK GEEN EMAIL GEBRUIK',
      'Factuurnummer: 2025-00417\nTotaal EUR 295,85\nNL91ABNA0417164300NL91ABNA0417164300',
      '<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<',
      '',
    ];
    for (const t of texts) expect(findMrz(t), t.slice(0, 20)).to.equal(null);
  });

  it('bounds its work on long MRZ-like noise (fails by timeout if the search runs away)', function () {
    this.timeout(10_000);
    const noise = Array.from({ length: 5_000 }, (_, i) => `P<NLD${'A'.repeat(20)}<${i}<<<<<<<<<<<<<<<<`).join('\n');
    expect(findMrz(noise)).to.equal(null);
  });
});

describe('idcheck: detectIdDocument on text', () => {
  it('detects by MRZ first, with validity', () => {
    const d = detectIdDocument({ text: td3(PEOPLE[0]!).join('\n') });
    expect(d).to.include({ isIdDocument: true, kind: 'passport', by: 'mrz', mrzValid: true });
    const bad = detectIdDocument({ text: 'x', mrzText: breakCheckDigit(td1(PEOPLE[0]!), 'TD1').join('\n') });
    expect(bad).to.include({ isIdDocument: true, kind: 'id_card', by: 'mrz', mrzValid: false });
  });

  it('detects a driving licence by its printed fields', () => {
    const text = 'RIJBEWIJS DRIVING LICENCE\nNL KONINKRIJK DER NEDERLANDEN\n1. MULDER\n2. DAAN\n3. 30.06.1964 Utrecht\n4a. 12.05.2019 4b. 11.09.2028\n4c. CBR\n5. 5640630437';
    expect(detectIdDocument({ text })).to.include({ isIdDocument: true, kind: 'driving_licence', by: 'keywords', mrzValid: null });
  });

  it('does not take a letter that mentions a passport, or a web page about one, for an ID copy', () => {
    const letter = 'Geachte heer, mevrouw,\nIk stuur een kopie van mijn paspoort mee. Mijn PASPOORT is geldig tot 12-03-2026.\nMet vriendelijke groet,\nJ. de Vries';
    const page = 'MijnOverheid\nReisdocumenten\nPASPOORT aanvragen of verlengen\nUw reisdocument verloopt op 12-03-2026.';
    for (const text of [letter, page]) expect(detectIdDocument({ text }).isIdDocument, text.slice(0, 20)).to.equal(false);
  });

  it('asks for an MRZ pass only when the first pass hints at one', () => {
    expect(needsMrzPass('I<NLDNX4R8 «<<<<')).to.equal(true);
    expect(needsMrzPass('IDENTITEITSKAART')).to.equal(true);
    expect(needsMrzPass('Geachte heer, mevrouw, ik heb een vraag over DigiD.')).to.equal(false);
  });
});
