/**
 * Focused tests of the extraction rules: elfproef, redaction, phones, postcodes,
 * representatives, KCC's own details, and hostile input.
 */
import { expect } from 'chai';
import { extractContact, isValidBsn, redactBsn, redactIban } from '../../../processors/extract/index.ts';
import type { ExtractInput } from '../../../processors/extract/index.ts';
import { InputError } from '../../../lib/errors.ts';

const OURS = ['logius.nl', 'digid.nl', '+31 88 123 6555', '2500 EA', '2511DP'];

function mail(text: string, over: Partial<ExtractInput> = {}): ExtractInput {
  return { channel: 'email', fromName: 'Test Persoon', fromAddress: 'test.persoon@example.nl', subject: 'vraag', text, ourAddresses: OURS, ...over };
}

/** Compute the elfproef check digit so valid test numbers are generated, not copied. */
function withCheckDigit(eight: string): string | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(eight[i]);
  const d = sum % 11;
  return d === 10 ? null : `${eight}${d}`;
}

describe('extract: elfproef', () => {
  it('accepts known valid BSNs', () => {
    for (const bsn of ['111222333', '123456782', '999999990']) expect(isValidBsn(bsn), bsn).to.equal(true);
  });

  it('accepts generated numbers and rejects every wrong last digit', () => {
    let checked = 0;
    for (const eight of ['12345678', '26750111', '45458330', '10000000', '98765432']) {
      const valid = withCheckDigit(eight);
      if (valid === null) continue;
      checked++;
      expect(isValidBsn(valid), valid).to.equal(true);
      for (let d = 0; d <= 9; d++) {
        const other = `${eight}${d}`;
        if (other !== valid) expect(isValidBsn(other), other).to.equal(false);
      }
    }
    expect(checked).to.be.at.least(3);
  });

  it('rejects all zeros, wrong lengths and non-digits', () => {
    for (const s of ['000000000', '12345678', '1234567820', '12345678a', '', '123 456 782', '１２３４５６７８２']) expect(isValidBsn(s), s).to.equal(false);
  });
});

describe('extract: redaction', () => {
  it('redacts valid BSNs in every grouping and leaves invalid ones', () => {
    expect(redactBsn('BSN 123456782.')).to.equal('BSN [BSN].');
    expect(redactBsn('nr 123 456 782 en')).to.equal('nr [BSN] en');
    expect(redactBsn('123.45.67.82')).to.equal('[BSN]');
    expect(redactBsn('(111-222-333)')).to.equal('([BSN])');
    expect(redactBsn('BSN 123456789')).to.equal('BSN 123456789');
    expect(redactBsn('ref 1234567820 en 91234567823')).to.equal('ref 1234567820 en 91234567823');
    expect(redactBsn('a123456782')).to.equal('a123456782');
  });

  it('does not eat into phone numbers', () => {
    for (const phone of ['+31 (0)6 2345 6789', '06 12 34 56 78', '0031 6 12345678']) expect(redactBsn(phone)).to.equal(phone);
  });

  it('redacts IBANs, electronic and grouped, and keeps strings failing mod-97', () => {
    expect(redactIban('rekening NL91ABNA0417164300.')).to.equal('rekening [IBAN].');
    expect(redactIban('NL91 ABNA 0417 1643 00 ten name van')).to.equal('[IBAN] ten name van');
    expect(redactIban('nl91abna0417164300')).to.equal('[IBAN]');
    expect(redactIban('DE89 3704 0044 0532 0130 00')).to.equal('[IBAN]');
    expect(redactIban('NL92ABNA0417164300')).to.equal('NL92ABNA0417164300');
    expect(redactIban('XNL91ABNA0417164300')).to.equal('XNL91ABNA0417164300');
  });

  it('redacts both in one text in either order', () => {
    const text = 'BSN 123 456 782, IBAN NL91 ABNA 0417 1643 00, order 123456789';
    const expected = 'BSN [BSN], IBAN [IBAN], order 123456789';
    expect(redactBsn(redactIban(text))).to.equal(expected);
    expect(redactIban(redactBsn(text))).to.equal(expected);
  });
});

describe('extract: BSN in messages', () => {
  it('takes a labelled valid BSN and ignores numbers introduced as something else', () => {
    expect(extractContact(mail('Mijn burgerservicenummer: 123 456 782')).citizen.bsn).to.equal('123456782');
    expect(extractContact(mail('sofinummer 111.22.23.33')).citizen.bsn).to.equal('111222333');
    expect(extractContact(mail('factuurnummer 123456782')).citizen.bsn).to.equal(null);
    expect(extractContact(mail('BSN: 123456789 (klopt dat?)')).citizen.bsn).to.equal(null);
    expect(extractContact(mail('referentie 20261234567825')).citizen.bsn).to.equal(null);
    expect(extractContact(mail('rekening NL91ABNA0417164300')).citizen.bsn).to.equal(null);
  });
});

describe('extract: phone numbers', () => {
  const cases: Array<[string, string]> = [
    ['bel 06-12345678', '+31612345678'],
    ['bel 06 12 34 56 78', '+31612345678'],
    ['bel 06.12.34.56.78', '+31612345678'],
    ['bel 06 - 123 456 78', '+31612345678'],
    ['tel +31 6 1234 5678', '+31612345678'],
    ['tel +31 (0)6 1234 5678', '+31612345678'],
    ['tel 0031 6 12345678', '+31612345678'],
    ['tel 0031-(0)6-12345678', '+31612345678'],
    ['tel (070) 123 45 67', '+31701234567'],
    ['tel 070-1234567', '+31701234567'],
    ['T 020 - 623 45 67', '+31206234567'],
    ['tel 0578-612345', '+31578612345'],
    ['mobile +32 470 12 34 56', '+32470123456'],
    ['mobile +49 151 23456789', '+4915123456789'],
  ];
  for (const [text, e164] of cases) {
    it(`normalises "${text}"`, () => {
      expect(extractContact(mail(text)).citizen.phones).to.deep.equal([e164]);
    });
  }

  it('rejects dates, BSNs, IBAN groups, case numbers, postcodes and KvK numbers', () => {
    const text = [
      'op 06-03-2026 en 06/03/26 om 10.30 uur',
      'BSN 123456782 en nummer 201998993',
      'IBAN NL91 ABNA 0417 1643 00',
      'kenmerk KCC-2026-000123 en zaak 2026-00045781 en 20260214-0815-00342',
      'adres 2511 DP en KvK 01234567',
    ].join('\n');
    expect(extractContact(mail(text)).citizen.phones).to.deep.equal([]);
  });

  it("never takes the KCC's own number, given in ourAddresses or presented as the helpdesk's", () => {
    expect(extractContact(mail('ik belde 088 123 6555 maar mijn nummer is 06-11223344')).citizen.phones).to.deep.equal(['+31611223344']);
    expect(extractContact(mail('jullie helpdesk (020 123 4567) was dicht')).citizen.phones).to.deep.equal([]);
  });

  it('reports each number once', () => {
    expect(extractContact(mail('06-12345678 of +31612345678')).citizen.phones).to.deep.equal(['+31612345678']);
  });
});

describe('extract: numbers that are not the citizen\'s to be called on', () => {
  it('takes a switchboard only when no other number is given, and never one the writer asks us not to call', () => {
    expect(extractContact(mail('Bel mij op 06-51827364. Via onze receptie (0318-612000) kan ook.')).citizen.phones).to.deep.equal(['+31651827364']);
    expect(extractContact(mail('Groet,\nRaj Patel\n+31 40 123 4567 (office main line)\n+31 6 4172 8391 (mobile)')).citizen.phones).to.deep.equal(['+31641728391']);
    expect(extractContact(mail('Groet,\nSander Meijer\nFiscaalSoft B.V.\n030-2 97 64 10 (algemeen)')).citizen.phones).to.deep.equal(['+31302976410']);
    expect(extractContact(mail('Phone: 06 18 29 37 46 (please do not call my work number, 030 239 1000).')).citizen.phones).to.deep.equal(['+31618293746']);
  });

  it('keeps the only number of a writer who says when or how not to call', () => {
    for (const t of ['Graag niet bellen na 17:00, 06-12345678', 'liever niet bellen maar sms-en naar 06-12345678', "Don't call me at work, call my mobile: 06-12345678"]) {
      expect(extractContact(mail(t)).citizen.phones, t).to.deep.equal(['+31612345678']);
    }
    expect(extractContact(mail('Uw collega gaf mij zijn nummer niet. Mijn mobiel is 06-12345678')).citizen.phones).to.deep.equal(['+31612345678']);
  });

  it('drops the numbers the writer asks us not to call, in the ways people write it', () => {
    for (const t of ["Please do not call my husband's number 06 87654321", 'Please do not call 030 239 1000', 'Niet bellen op 030-2391000 (werk)', 'niet bellen naar mijn werk: 030-2391000']) {
      expect(extractContact(mail(t)).citizen.phones, t).to.deep.equal([]);
    }
  });

  it("does not take a number introduced as someone else's ('zijn directe nummer')", () => {
    for (const t of ['Zijn nummer is: 06-87654321. Groet', 'De buurman, zijn telefoonnummer, 06-87654321', 'Zijn nummer staat hieronder: 06-87654321']) {
      expect(extractContact(mail(t)).citizen.phones, t).to.deep.equal([]);
    }
    const x = extractContact(mail('De heer Dennis van Leeuwen gaf mij zijn directe nummer 070-8881234 maar nam niet op.\n\nGroet,\nTest Persoon\n0343-512398'));
    expect(x.citizen.phones).to.deep.equal(['+31343512398']);
  });
});

describe('extract: addresses and postcodes', () => {
  it('reads an address abroad when a country names it, on one line or three', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['My address is Schillerstraße 41, 50667 Köln, Germany.', { street: 'Schillerstraße', house_number: '41', postcode: '50667', city: 'Köln', country: 'Germany' }],
      ['Groeten,\nPieter Claes\nKapelstraat 14 bus 3\n2018 Antwerpen\nBelgië', { street: 'Kapelstraat', house_number: '14 bus 3', postcode: '2018', city: 'Antwerpen', country: 'België' }],
      ['Yours faithfully,\nDaniel Kim\nCalle de Alcalá 155\n28009 Madrid\nSpain', { street: 'Calle de Alcalá', house_number: '155', postcode: '28009', city: 'Madrid', country: 'Spain' }],
    ];
    for (const [text, want] of cases) expect(extractContact(mail(text)).citizen, text).to.include(want);
    // Not a street ('Kamer', 'Postbus', 'Rekening'), and never over a Dutch address in the same text.
    for (const t of ['Kamer 12\n1234 Zaal\nBelgië', 'Postbus 12\n1000 Brussel\nBelgië', 'Rekening 12\n2024 Betaling\nDuitsland']) {
      expect(extractContact(mail(t)).citizen.street, t).to.equal(null);
    }
    const son = extractContact(mail('Ik heb een pakket gestuurd naar mijn zoon, Rue Neuve 12, 1000 Bruxelles, Belgique.\n\nGroet,\nTest Persoon\nKerkstraat 12\n1234 AB Utrecht')).citizen;
    expect(son).to.include({ street: 'Kerkstraat', postcode: '1234AB', country: null });
    const letterhead = extractContact({ ...mail('Firma X GmbH\nFriedrichstraße 10\n10117 Berlin\nDeutschland\n\nUw adres: Kerkstraat 12, 1234 AB Utrecht'), channel: 'letter', fromName: null, fromAddress: null }).citizen;
    expect(letterhead).to.include({ street: 'Kerkstraat', country: null });
    // Four or five digits and a word without a country are not an address abroad.
    for (const t of ['Sinds 2019 woon ik in Spanje.\n2020 Madrid was mooi.', 'Bestelling 12345 Amsterdam Centraal', 'Ik woonde in Duitsland, 50667 Köln.']) {
      expect(extractContact(mail(t)).citizen.postcode, t).to.equal(null);
    }
    // A Dutch address has no country.
    expect(extractContact(mail('Kerkweg 3, 8011 AB Zwolle')).citizen.country).to.equal(null);
  });

  it('never takes an address introduced as the old one, even when it is the only one', () => {
    const x = extractContact(mail('For identification: my former address was Overtoom 120-1, 1054 HN Amsterdam.'));
    expect(x.citizen).to.include({ street: null, postcode: null, city: null });
    const y = extractContact(mail('Mijn oude adres was Ringweg 8, 1234 AB Ergens. Nu woon ik op Kerkweg 3, 8011 AB Zwolle.'));
    expect(y.citizen).to.include({ street: 'Kerkweg', postcode: '8011AB' });
    // The new address after an old-address cue is the new one.
    for (const t of [
      'Mijn oude adres is verkocht, ik woon nu op Dorpsstraat 5, 1234 AB Zeist',
      'My previous address was Kerkstraat 1; my new address is Dorpsstraat 5, 1234 AB Utrecht',
      'verhuisd van mijn oude adres naar Dorpsstraat 5, 1234 AB Zeist',
      'Ik woonde tot vorig jaar in Utrecht, nu op Dorpsstraat 5, 1234 AB Zeist',
    ]) expect(extractContact(mail(t)).citizen, t).to.include({ street: 'Dorpsstraat', house_number: '5', postcode: '1234AB' });
    // …and an old address stays old, whatever comes between.
    expect(extractContact(mail('Mijn oude adres, waar ik nu niet meer woon: Kerkstraat 12, 1234 AB Utrecht')).citizen.street).to.equal(null);
    expect(extractContact(mail('Mijn oude adres (zie bijl.) Kerkstraat 12, 1234 AB Utrecht. Nieuw: Dorpsweg 5, 5678 CD Zeist')).citizen.street).to.equal('Dorpsweg');
  });

  it('reads an address in capitals (in the case people write it, issue 13), and keeps street names that start with Nieuwe', () => {
    expect(extractContact(mail('MIJN ADRES IS BUIKSLOTERWEG 7 HS, 1031 CC AMSTERDAM')).citizen).to.include({ street: 'Buiksloterweg', house_number: '7 HS', postcode: '1031CC', city: 'Amsterdam' });
    expect(extractContact(mail('Current address: Nieuwe Binnenweg 310C, 3021 GR Rotterdam')).citizen).to.include({ street: 'Nieuwe Binnenweg', house_number: '310C' });
    expect(extractContact(mail('IK WOON AAN DE KERKSTRAAT 5, 1234 AB ZEIST')).citizen).to.include({ street: 'Kerkstraat', house_number: '5' });
    for (const t of ['Adres Kerkstraat 12 te Utrecht', 'Woon Kerkstraat 12, 1234 AB Utrecht', 'Mijn Adres Is Kerkstraat 12, 1234 AB Utrecht']) {
      expect(extractContact(mail(t)).citizen.street, t).to.equal('Kerkstraat');
    }
    // The same words starting a name in ordinary writing are the name.
    expect(extractContact(mail('Aan het Water 7, 5301 AB Zaltbommel')).citizen.street).to.equal('Aan het Water');
    expect(extractContact(mail('Onze Lieve Vrouweplein 3, 6211 HD Maastricht')).citizen.street).to.equal('Onze Lieve Vrouweplein');
  });

  it('reads postcodes with and without space and in lower case after a street', () => {
    const a = extractContact(mail('Groet,\nAnna Smit\nKerkweg 12\n1234AB Ergenshuizen'));
    expect(a.citizen).to.include({ street: 'Kerkweg', house_number: '12', postcode: '1234AB', city: 'Ergenshuizen' });
    const b = extractContact(mail('Mijn adres is Molenstraat 14-A, 5211 ab \'s-Hertogenbosch.'));
    expect(b.citizen).to.include({ street: 'Molenstraat', house_number: '14-A', postcode: '5211AB', city: "'s-Hertogenbosch" });
  });

  it('joins a street and number in prose with the city and postcode after it', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['Wij wonen sinds kort aan de Kerkstraat 5b te Zwolle, 8011 AB. Ik lees', { street: 'Kerkstraat', house_number: '5b', postcode: '8011AB', city: 'Zwolle' }],
      ['Ik woon op de Heezerweg 233 in Eindhoven (5643 KE), kan het', { street: 'Heezerweg', house_number: '233', postcode: '5643KE', city: 'Eindhoven' }],
      ['Groet,\nBert Wolters\nDorpsweg 41\nOudega, 9216 VD\n06-41 90 26 75', { street: 'Dorpsweg', house_number: '41', postcode: '9216VD', city: 'Oudega' }],
      ['wonende De Esch 14, 7531 LC\nEnschede, geboren in 1971.', { street: 'De Esch', house_number: '14', postcode: '7531LC', city: 'Enschede' }],
    ];
    for (const [text, want] of cases) expect(extractContact(mail(text)).citizen, text).to.include(want);
    // The next line's first word is a city only when it stands alone; a name line is not one.
    for (const t of ['Mijn postcode is 8011 AB\nIk woon hier al lang.', 'Postcode 8011 AB\nWoonplaats: Zwolle', 'Kerkweg 3, 8011 AB\nTel 06-12345678', 'Kerkweg 3, 8011 AB\nMet vriendelijke groet']) {
      expect(extractContact(mail(t)).citizen.city, t).to.equal(null);
    }
    expect(extractContact(mail('Kerkstraat 5\nPiet Bakker, 8011 AB')).citizen.city).to.not.equal('Piet Bakker');
    // Two places in one sentence are not one address.
    const two = extractContact(mail('Ik woonde aan de Kerkstraat 3 in Utrecht en nu op 3511 AB Amsterdam.')).citizen;
    expect(two.street === 'Kerkstraat' && two.postcode === '3511AB').to.equal(false);
  });

  it('reads house-number additions', () => {
    for (const [line, num] of [['Dorpsstraat 5 bis', '5 bis'], ['Dorpsstraat 12-II', '12-II'], ['Dorpsstraat 12a', '12a'], ['Dorpsstraat 3 A', '3 A'], ['Dorpsstraat 263-1', '263-1']]) {
      const x = extractContact(mail(`${line}\n1234 AB Ergens`));
      expect(x.citizen.house_number, line).to.equal(num);
      expect(x.citizen.street, line).to.equal('Dorpsstraat');
    }
  });

  it('finds an address in prose', () => {
    const x = extractContact(mail('Ik woon op de Dorpsstraat 5 in 1234 AB Ergens en heb een vraag.'));
    expect(x.citizen).to.include({ street: 'Dorpsstraat', house_number: '5', postcode: '1234AB', city: 'Ergens' });
    expect(x.found).to.include('street:inline');
  });

  it('does not read years, amounts or never-issued letter pairs as postcodes', () => {
    for (const text of ['Ik woon sinds 2019 in Spanje.', 'Ik betaalde 1500 eu en 2026 en verder.', 'code 1234 SS Ergens', 'Windows 11 op mijn laptop']) {
      const x = extractContact(mail(text));
      expect(x.citizen.postcode, text).to.equal(null);
      expect(x.citizen.street, text).to.equal(null);
    }
  });

  it("never takes the KCC's own postal or visiting address, nor a P.O. box", () => {
    const text = 'Logius\nPostbus 20011\n2500 EA Den Haag\n\nIk was bij de balie (Turfmarkt 147, 2511 DP Den Haag).\nAntwoordnummer 123\n9999 ZZ Ergens';
    const x = extractContact({ ...mail(text), channel: 'letter', fromName: null, fromAddress: null });
    expect(x.citizen.postcode).to.equal(null);
    expect(x.citizen.street).to.equal(null);
  });

  it('prefers the current address over one called old', () => {
    const x = extractContact(mail('Mijn oude adres, Ringweg 8, 8011 AA Zwolle, staat er nog. Ik woon nu op Thorbeckegracht 31, 8011 VM Zwolle.'));
    expect(x.citizen.street).to.equal('Thorbeckegracht');
  });
});

describe('extract: names', () => {
  it('takes the name after a closing, on the next line or the same line', () => {
    expect(extractContact(mail('Vraag.\n\nMet vriendelijke groet,\n\nJ.P. de Groot')).citizen.name).to.equal('J.P. de Groot');
    expect(extractContact(mail('Vraag.\n\nMvg Kees Bakker')).citizen.name).to.equal('Kees Bakker');
    expect(extractContact(mail('Question.\n\nKind regards,\nEmma Clarke', { fromName: null })).citizen.name).to.equal('Emma Clarke');
    expect(extractContact(mail('Vraag?\n\nHoogachtend,\n\n(handtekening)\n\nmevr. G. Smit-de Boer')).citizen.name).to.equal('G. Smit-de Boer');
  });

  it('uses the fuller From name when the closing gives only the first name', () => {
    expect(extractContact(mail('Vraag.\n\nGroet,\nBram', { fromName: 'Bram Oosterhuis' })).citizen.name).to.equal('Bram Oosterhuis');
  });

  it('takes the last closing, not one quoted inside the text', () => {
    const text = '"Met vriendelijke groet, Sandra Bos, Klantcontactcentrum DigiD" schreef u.\n\nMet vriendelijke groet,\nErwin Hagen';
    expect(extractContact(mail(text)).citizen.name).to.equal('Erwin Hagen');
  });

  it('does not take a From name that is an address, an organisation or a no-reply sender', () => {
    for (const fromName of ['jan@example.nl', 'Gemeente Ergens', 'noreply', 'Bakkerij B.V.', 'Het Prijzenteam']) {
      expect(extractContact(mail('Een vraag zonder afsluiting', { fromName })).citizen.name, fromName).to.equal(null);
    }
    expect(extractContact(mail('Een vraag', { fromName: 'Jansen, Piet' })).citizen.name).to.equal('Piet Jansen');
  });

  it("never takes a KCC employee's closing as the writer's name", () => {
    const quoted = 'U schreef: "Met vriendelijke groet, Sandra Bos, Klantcontactcentrum DigiD". Dat klopt niet.';
    expect(extractContact(mail(quoted, { fromName: 'Piet Jansen' })).citizen.name).to.equal('Piet Jansen');
    const byStaff = extractContact(mail('Terugbelverzoek, zie hieronder.\n\nGroet,\nSandra Bos', { fromName: 'Sandra Bos', fromAddress: 'sandra.bos@logius.nl' }));
    expect(byStaff.citizen.name).to.equal(null);
    expect(byStaff.citizen.email).to.equal(null);
  });

  it('does not mistake a sentence after "Dank u wel" for a name', () => {
    expect(extractContact(mail('Dank u wel voor uw antwoord, het is gelukt.', { fromName: null })).citizen.name).to.equal(null);
  });
});

describe('extract: closings of neighbouring countries', () => {
  it('takes the name after a German closing, also after a short English thank-you', () => {
    const x = extractContact(mail('Is it possible?\n\nThank you in advance.\n\nMit freundlichen Grüßen / Kind regards\n\nStefan Richter\nHead of Customs', { fromName: null }));
    expect(x.citizen.name).to.equal('Stefan Richter');
    expect(extractContact(mail('Merci.\n\nCordialement,\nÉlodie Martin', { fromName: null })).citizen.name).to.equal('Élodie Martin');
  });
});

describe('extract: e-mail addresses', () => {
  it("uses the sender's address but never KCC's or a no-reply address", () => {
    expect(extractContact(mail('vraag')).citizen.email).to.equal('test.persoon@example.nl');
    expect(extractContact(mail('vraag', { fromAddress: 'kcc@logius.nl' })).citizen.email).to.equal(null);
    expect(extractContact(mail('vraag', { fromAddress: 'medewerker@kcc.digid.nl' })).citizen.email).to.equal(null);
    expect(extractContact(mail('vraag', { fromAddress: 'no-reply@example.com' })).citizen.email).to.equal(null);
  });

  it('prefers the address the writer asks replies to go to over the one they wrote from', () => {
    const x = extractContact(mail('Please reply to my private address anna@example.org and not this work address.', { fromAddress: 'a.k@company.example' }));
    expect(x.citizen.email).to.equal('anna@example.org');
    expect(extractContact(mail('Mijn nieuwe e-mailadres is piet@example.nl.')).citizen.email).to.equal('piet@example.nl');
    // Someone else's address in the text changes nothing.
    expect(extractContact(mail('Ik mailde al naar mijn buurman piet@example.nl.')).citizen.email).to.equal('test.persoon@example.nl');
    expect(extractContact(mail('Ik mail naar info@belasting.example maar krijg geen antwoord.')).citizen.email).to.equal('test.persoon@example.nl');
    expect(extractContact(mail('Graag antwoord naar mijn privé adres: kees@example.nl')).citizen.email).to.equal('kees@example.nl');
    // Not a request to reply there: a phisher's instruction, someone else's, a dead address.
    for (const t of [
      'Ik kreeg een mail dat ik moest antwoorden naar support@digid-verify.example',
      'The message told me to reply to security@check.example',
      'Ik stuurde mijn antwoord naar info@gemeente.example',
      'Mijn adres is jan@werkgever.example volgens de Belastingdienst, maar dat is niet van mij',
      'mijn e-mailadres piet.oud@ziggo.example bestaat niet meer',
    ]) expect(extractContact(mail(t)).citizen.email, t).to.equal('test.persoon@example.nl');
  });

  it('takes the address a letter writer says they can be reached at by e-mail, not someone else\'s', () => {
    const asLetter = (text: string) => extractContact({ ...mail(text), channel: 'letter', fromName: null, fromAddress: null }).citizen.email;
    expect(asLetter('Daniel Kim\nCalle de Alcalá 155\n28009 Madrid\n\nDear Sir or Madam,\n\nYou can reach me by phone at +34 612 345 678 or by e-mail at daniel.kim@example.es.\n\nYours faithfully,\nDaniel Kim')).to.equal('daniel.kim@example.es');
    expect(asLetter('Geachte heer,\n\nU kunt mij het beste bereiken per e-mail: kees@example.nl')).to.equal('kees@example.nl');
    expect(asLetter('Geachte heer,\n\nBereikbaar per e-mail: jan@example.nl')).to.equal('jan@example.nl');
    expect(asLetter('Geachte heer,\n\nIk ben te bereiken via mail: jan@example.nl')).to.equal('jan@example.nl');
    for (const t of ['Mijn collega is bereikbaar via mail op piet@bedrijf.nl', 'Mijn buurman is slecht bereikbaar, zijn mail: buurman@ziggo.nl', 'Ik kon uw afdeling niet bereiken per e-mail op info@zeist.nl']) {
      expect(asLetter(`Geachte heer,\n\n${t}`), t).to.equal(null);
    }
  });

  it("takes a letter writer's own address from the sender block or a label, not someone else's", () => {
    const letter = 'A. Jansen\nKerkweg 1\n1234 AB Ergens\ne-mail: a.jansen@example.nl\n\nGeachte heer,\nIk mailde al naar info@digid.nl en naar mijn buurman piet@example.nl.';
    expect(extractContact({ ...mail(letter), channel: 'letter', fromName: null, fromAddress: null }).citizen.email).to.equal('a.jansen@example.nl');
  });
});

describe('extract: representatives', () => {
  const writer = { fromName: 'Els Post', fromAddress: 'els@example.nl' };

  it('recognises the usual phrasings and names the person the question is about', () => {
    const cases: Array<[string, string | null, string]> = [
      ['Ik schrijf namens mijn moeder, Trees Bos, die geen computer heeft.', 'Trees Bos', 'moeder'],
      ['Ik wil een DigiD aanvragen voor mijn zoon Daan de Wit, hij is 15.', 'Daan de Wit', 'zoon'],
      ['I am writing on behalf of my father, Mr. Hans Berg, who is 90.', 'Hans Berg', 'father'],
      ['Als curator van de heer J.W. Dekkers wil ik toegang.', 'J.W. Dekkers', 'curator'],
      ['Als bewindvoerder van mevrouw R. Hoekstra vraag ik...', 'R. Hoekstra', 'bewindvoerder'],
      ['Mijn vader (Jan Zwart) heeft de app geinstalleerd.', 'Jan Zwart', 'vader'],
      ['Mijn moeder is 79 en wil ook een DigiD.', null, 'moeder'],
      ['Mijn zoon Daan Visser (14 jaar) heeft een DigiD nodig.', 'Daan Visser', 'zoon'],
      ['Bij beschikking ben ik benoemd\ntot beschermingsbewindvoerder van mevrouw E.A. Pinas, wonende te Utrecht.', 'E.A. Pinas', 'beschermingsbewindvoerder'],
      ['Ik ben benoemd tot curator over dhr. T.J.M. Nijhuis.', 'T.J.M. Nijhuis', 'curator'],
      ['Mijn zoon Jelle Hoekstra (geboren 11-09-2010) heeft een DigiD nodig.', 'Jelle Hoekstra', 'zoon'],
      ['My father, Gerard Visser (84), lives in a care home.', 'Gerard Visser', 'father'],
    ];
    for (const [sentence, subject, relation] of cases) {
      const x = extractContact(mail(`${sentence}\n\nMet vriendelijke groet,\nEls Post`, writer));
      expect(x.representative, sentence).to.not.equal(null);
      expect(x.citizen.name, sentence).to.equal(subject);
      expect(x.onBehalfOf, sentence).to.equal('Els Post');
      expect(x.representative?.relation, sentence).to.equal(relation);
      expect(x.representative?.email, sentence).to.equal('els@example.nl');
      expect(x.citizen.email, sentence).to.equal(null);
    }
  });

  it("keeps the writer's own signature details out of the citizen record", () => {
    const text = 'Namens mijn vader, Johannes Post, vraag ik een nieuwe code. Hij woont op Kerkstraat 3, 8181 HK Heerde.\n\nMet vriendelijke groet,\nEls Post\nLindelaan 1\n1234 AB Ergens\n06-22334455';
    const x = extractContact(mail(text, writer));
    expect(x.citizen).to.include({ name: 'Johannes Post', street: 'Kerkstraat', postcode: '8181HK' });
    expect(x.citizen.phones).to.deep.equal([]);
  });

  it("takes the subject's own phone and e-mail when the text says they are theirs", () => {
    const text = 'Ik schrijf namens mijn moeder. Haar telefoonnummer is 0578-612345 en haar e-mailadres is oma@example.nl.\n\nGroet,\nEls Post';
    const x = extractContact(mail(text, writer));
    expect(x.citizen.phones).to.deep.equal(['+31578612345']);
    expect(x.citizen.email).to.equal('oma@example.nl');
  });

  it("never takes the writer's own BSN for the citizen's", () => {
    const own = withCheckDigit('12345670')!;
    const child = withCheckDigit('40172036')!;
    const x = extractContact(mail(`Mijn zoon Daan (14) heeft een DigiD nodig. Mijn BSN is ${own}, dat van Daan is ${child}.\n\nGroet,\nEls Post`, writer));
    expect(x.citizen.bsn).to.equal(child);
    for (const phrase of [`M'n BSN: ${own}`, `Ik heb BSN ${own}`, `BSN (van mij): ${own}`]) {
      const z = extractContact(mail(`Ik schrijf namens mijn moeder, Trees Bos. ${phrase}.\n\nGroet,\nEls Post`, writer));
      expect(z.citizen.bsn, phrase).to.equal(null);
    }
    // Only the writer's: no BSN for the citizen at all.
    const y = extractContact(mail(`Ik schrijf namens mijn moeder, Trees Bos. Mijn burgerservicenummer is ${own}.\n\nGroet,\nEls Post`, writer));
    expect(y.citizen.bsn).to.equal(null);
    // Writing for themselves, 'mijn BSN' is the citizen's.
    expect(extractContact(mail(`Mijn BSN is ${own}.`)).citizen.bsn).to.equal(own);
  });

  it('takes the subject\'s phone when the text says they can be reached on it, not the writer\'s', () => {
    const text = 'Ik schrijf namens mijn man, Sjoerd Hofstra.\nMijn man is thuis bereikbaar op 0512-38 47 05, ikzelf op 06 3819 2746.\n\nGroet,\nEls Post';
    expect(extractContact(mail(text, writer)).citizen.phones).to.deep.equal(['+31512384705']);
    // The writer's office is not the person.
    const office = 'Als bewindvoerder van mevrouw R. Hoekstra vraag ik een code aan. Mijn kantoor is telefonisch bereikbaar op 030-2318840.\n\nGroet,\nEls Post';
    expect(extractContact(mail(office, writer)).citizen.phones).to.deep.equal([]);
  });

  it("reads a court-appointed representative's letter: the letterhead is theirs, the address in the text the citizen's", () => {
    const letter = 'De Graaf Bewindvoering\nOude Gracht 190\n3511 NR  Utrecht\nT 030 - 231 88 40\n\nLogius\nPostbus 20011\n2500 EA  Den Haag\n\nGeachte heer, mevrouw,\n\nIk ben benoemd tot beschermingsbewindvoerder van mevrouw E.A. Pinas, wonende Marco Pololaan 402, 3526 GH Utrecht.\n\nMet vriendelijke groet,\n\nmr. R. de Graaf';
    const x = extractContact({ ...mail(letter), channel: 'letter', fromName: null, fromAddress: null });
    expect(x.citizen).to.include({ name: 'E.A. Pinas', street: 'Marco Pololaan', house_number: '402', postcode: '3526GH', city: 'Utrecht', email: null });
    expect(x.citizen.phones).to.deep.equal([]);
    expect(x.onBehalfOf).to.equal('R. de Graaf');
  });

  it('does not see a representative in mere mentions of relatives', () => {
    for (const sentence of ['Mijn kleinzoon zegt dat ik een DigiD nodig heb.', 'Ik heb mijn zoon gemachtigd.', 'Mijn vrouw heeft wel een DigiD.', 'I had my wife read the code out.', 'Ik ben benoemd tot gemachtigde voor onze BV in eHerkenning.', 'I was appointed administrator for our eHerkenning account.']) {
      const x = extractContact(mail(`${sentence}\n\nGroet,\nKees Bakker`));
      expect(x.representative, sentence).to.equal(null);
      expect(x.citizen.name, sentence).to.equal('Kees Bakker');
    }
  });
});

describe('extract: input checks and hostile input', () => {
  it('rejects input that is not a message with an InputError', () => {
    expect(() => extractContact(null as unknown as ExtractInput)).to.throw(InputError);
    expect(() => extractContact({ ...mail('x'), text: 42 as unknown as string })).to.throw(InputError);
    expect(() => extractContact({ ...mail('x'), channel: 'fax' as 'email' })).to.throw(InputError);
  });

  it('returns on 1 MB of digits without inventing contact details', () => {
    for (const digit of ['0', '1', '6']) {
      const x = extractContact(mail(digit.repeat(1 << 20), { fromName: null, fromAddress: null }));
      expect(x.citizen.phones).to.deep.equal([]);
      expect(x.citizen.bsn).to.equal(null);
      expect(x.citizen.postcode).to.equal(null);
    }
    expect(redactBsn('1'.repeat(1 << 20))).to.have.length(1 << 20);
  });

  it('returns on a 100k-line text and still reads the signature at the end', () => {
    const body = Array.from({ length: 100_000 }, (_, i) => `regel ${i}: 1234 ${i % 7} 06-1 (0 namens`).join('\n');
    const x = extractContact(mail(`${body}\n\nMet vriendelijke groet,\nAnna de Vries\n06-12345678`, { fromName: null }));
    expect(x.citizen.name).to.equal('Anna de Vries');
    expect(x.citizen.phones).to.include('+31612345678');
  });

  it('returns on long runs of the characters the patterns look for', () => {
    const units = ['06 1 ', '1234 AB ', 'Kerkstraat 1 ', '(0', '1 ', '1.', 'NL91 ', 'Groet,\n', 'a@b.', 'namens mijn moeder ', 'Aaaa '];
    for (const unit of units) {
      const x = extractContact(mail(unit.repeat(Math.ceil(200_000 / unit.length)), { fromName: null, fromAddress: null }));
      expect(x.citizen.bsn, unit).to.equal(null);
      expect(x.citizen.phones.length, unit).to.be.at.most(500);
    }
  });
});
