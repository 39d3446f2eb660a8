/**
 * Issue 13's reading rules: a letter writer's name from its two occurrences, OCR-mangled
 * e-mail addresses, the postcode as the street line's anchor, representatives by e-mail,
 * the address from the citizen's own quoted message, and the `uncertain` marker for what is
 * left to the agent.
 */
import { expect } from 'chai';
import { extractContact } from '../../../processors/extract/index.ts';
import type { ExtractInput } from '../../../processors/extract/index.ts';
import { analyseEmail } from '../../../processors/analyse/index.ts';

const OURS = ['logius.nl', 'digid.nl', '+31 88 123 6555', '2500 EA', '2511DP'];
const LOGIUS = 'Logius\nt.a.v. Klantcontactcentrum DigiD\nPostbus 20011\n2500 EA  Den Haag\n\n';

function letter(head: string, sig: string, body = 'Ik heb een vraag over mijn DigiD.', over: Partial<ExtractInput> = {}): ExtractInput {
  return { channel: 'letter', fromName: null, fromAddress: null, subject: '', text: `${head}\n\n${LOGIUS}Geachte heer, mevrouw,\n\n${body}\n\nMet vriendelijke groet,\n\n${sig}`, ourAddresses: OURS, ...over };
}

function mail(text: string, over: Partial<ExtractInput> = {}): ExtractInput {
  return { channel: 'email', fromName: 'Anna Smit', fromAddress: 'anna.smit@example.nl', subject: 'vraag', text, ourAddresses: OURS, ...over };
}

describe('extract: a letter writer\'s name', () => {
  it('takes the fullest form of the two occurrences, whichever has it', () => {
    expect(extractContact(letter('J. de Boer\nKerkstraat 14\n8011 AB Zwolle', 'Jan de Boer')).citizen.name).to.equal('Jan de Boer');
    expect(extractContact(letter('Jan de Boer\nKerkstraat 14\n8011 AB Zwolle', 'J. de Boer')).citizen.name).to.equal('Jan de Boer');
    expect(extractContact(letter('J.W. van Dam-Kok\nKerkstraat 14\n8011 AB Zwolle', 'Jan-Willem van Dam-Kok')).citizen.name).to.equal('Jan-Willem van Dam-Kok');
  });

  it('keeps two different people apart: the signature stays the writer', () => {
    expect(extractContact(letter('J. de Boer\nKerkstraat 14\n8011 AB Zwolle', 'Piet de Boer')).citizen.name).to.equal('Piet de Boer');
    expect(extractContact(letter('J. de Boer\nKerkstraat 14\n8011 AB Zwolle', 'J. Bos')).citizen.name).to.equal('J. Bos');
  });

  it('reconciles OCR noise between the two readings', () => {
    expect(extractContact(letter('PIETER KLAASSEN\nMOLENWEG 3\n7421 BG DEVENTER', 'P. Kiaassen')).citizen.name).to.equal('Pieter Klaassen');
    // A third occurrence (the e-mail address) decides which spelling is right.
    expect(extractContact(letter('E. Dijkstpa\nKlokstraat 4\n8601 BN Sneek', 'Elske Dijkstra\ne.dijkstra@planet.nl')).citizen.name).to.equal('Elske Dijkstra');
  });

  it("uses the OCR's word confidences when they are given", () => {
    const input = letter('Tineke Bakkcr\nKlokstraat 4\n8601 BN Sneek', 'Tineke Bakker');
    expect(extractContact(input).citizen.name).to.equal('Tineke Bakkcr');
    const words = [{ text: 'Bakkcr', confidence: 41, line: 0 }, { text: 'Bakker', confidence: 93, line: 20 }];
    expect(extractContact({ ...input, words }).citizen.name).to.equal('Tineke Bakker');
  });

  it('writes names and places given in capitals the way people write them', () => {
    const x = extractContact(letter("MR. D. O'NEILL\nWATERSTRAAT 5\n5211 AB 'S-HERTOGENBOSCH", "D. O'NEILL"));
    expect(x.citizen.name).to.equal("D. O'Neill");
    expect(x.citizen.city).to.equal("'s-Hertogenbosch");
    expect(x.citizen.street).to.equal('Waterstraat');
    const y = extractContact(letter('A. VAN DER VEEN-DE BOER\nZEEWEG 12\n1971 HB IJMUIDEN', 'A. VAN DER VEEN-DE BOER'));
    expect(y.citizen.name).to.equal('A. van der Veen-de Boer');
    expect(y.citizen.city).to.equal('IJmuiden');
    // The writer's own mixed case is theirs.
    expect(extractContact(letter('A. De Vries\nZeeweg 12\n1971 HB IJmuiden', 'A. De Vries')).citizen.name).to.equal('A. De Vries');
  });
});

describe('extract: e-mail addresses in OCR text', () => {
  it("reads '@' and dots as OCR mangles them, anchored on a real domain ending", () => {
    const cases: Array<[string, string]> = [
      ['e-mail: h.bakker©kpnmail.nl', 'h.bakker@kpnmail.nl'],
      ['E-mail: anneke.vos@ziggo,nl', 'anneke.vos@ziggo.nl'],
      ['E-mail: r.yilmaz (at) hotmail . com', 'r.yilmaz@hotmail.com'],
      ['Email: fam.dekker ® gmail.com', 'fam.dekker@gmail.com'],
      ['t.janssen@home nl', 't.janssen@home.nl'],
      ['h.bakker@kpnrnail.nl', 'h.bakker@kpnmail.nl'],
    ];
    for (const [line, address] of cases) {
      expect(extractContact(letter(`H. Bakker\nZuiderweg 17\n1456 NH Wijdewormer\n${line}`, 'H. Bakker')).citizen.email, line).to.equal(address);
    }
  });

  it('does not make an address of a word after a space or of an unknown ending', () => {
    for (const line of ['mail jan@foo.nl de brief', 'jan@example.xyz12']) {
      const x = extractContact(letter(`H. Bakker\nZuiderweg 17\n1456 NH Wijdewormer\n${line}`, 'H. Bakker'));
      expect(x.citizen.email, line).to.not.equal('jan@foo.nl.de');
    }
    expect(extractContact(letter('H. Bakker\nZuiderweg 17\n1456 NH Wijdewormer\njan@example.xyz12', 'H. Bakker')).citizen.email).to.equal(null);
  });

  it('takes an address written whole (a real @, only dots) with any alphabetic ending; a repaired one only with a trusted ending', () => {
    const at = (line: string) => extractContact(letter(`H. Bakker\nZuiderweg 17\n1456 NH Wijdewormer\n${line}`, 'H. Bakker')).citizen.email;
    expect(at('e-mail: h.bakker@post.dk')).to.equal('h.bakker@post.dk');
    expect(at('e-mail: h.bakker@mail.example')).to.equal('h.bakker@mail.example');
    expect(at('e-mail: h.bakker©post.dk')).to.equal(null);
    expect(at('e-mail: h.bakker@post,dk')).to.equal(null);
  });

  it('cross-checks two readings and leaves two different addresses to the agent', () => {
    const same = extractContact(letter('H. Bakker\nZuiderweg 17\n1456 NH Wijdewormer\nh.bakker©kpnmail.nl', 'Henk Bakker\nh.bakker@kpnrnail.nl'));
    expect(same.citizen.email).to.equal('h.bakker@kpnmail.nl');
    expect(same.uncertain).to.not.include('email');
    const two = extractContact(letter('P. de Vries\nSluisweg 7\n1721 AB Broek op Langedijk\np.devries@ziggo.nl', 'Paul de Vries\nE: paul@devriesbouw.nl'));
    expect(two.citizen.email).to.equal(null);
    expect(two.uncertain).to.include('email');
  });
});

describe('extract: the postcode as anchor of the street line', () => {
  it('reads the street line above a postcode through OCR specks and letters read for digits', () => {
    const x = extractContact(letter('K. de Graaf\n| Lindenlaan 7 ,\n6524 HX NIJMEGEN', 'K. de Graaf'));
    expect([x.citizen.street, x.citizen.house_number, x.citizen.postcode, x.citizen.city]).to.deep.equal(['Lindenlaan', '7', '6524HX', 'Nijmegen']);
    expect(extractContact(letter('H. Mulder\nKerkweg l2\n7941 AB MEPPEL', 'H. Mulder')).citizen.house_number).to.equal('12');
  });

  it('leaves an unreadable street line empty and marks it, never guessing', () => {
    const x = extractContact(letter('S. Bulut\n~ Gr0te M@rkt 2 1\n2011 RD  Haarlem', 'S. Bulut'));
    expect(x.citizen.street).to.equal(null);
    expect(x.citizen.house_number).to.equal(null);
    expect(x.citizen.postcode).to.equal('2011RD');
    expect(x.uncertain).to.include.members(['street', 'house_number']);
    expect(extractContact(letter('S. Bulut\nGrote Markt 21\n2011 RD  Haarlem', 'S. Bulut')).uncertain).to.deep.equal([]);
  });
});

describe('extract: representatives by e-mail', () => {
  it("names the mother a daughter writes about, and keeps the daughter's phone and e-mail out", () => {
    const x = extractContact(mail('Mijn moeder, mevrouw W. Jacobs-Prins, kan niet meer inloggen. Zij woont aan de Beukenlaan 12, 7311 KL Apeldoorn.\n\nGroet,\nSanne Jacobs\n06-12345678', { fromName: 'Sanne Jacobs', fromAddress: 'sanne@example.nl' }));
    expect(x.citizen.name).to.equal('W. Jacobs-Prins');
    expect(x.onBehalfOf).to.equal('Sanne Jacobs');
    expect(x.citizen.email).to.equal(null);
    expect(x.citizen.phones).to.deep.equal([]);
    const later = extractContact(mail('Mijn moeder heeft geen computer. Zij krijgt brieven in haar Berichtenbox. Haar naam is Gerda Mulder.\n\nGroet,\nLinda de Wit', { fromName: 'Linda de Wit' }));
    expect(later.citizen.name).to.equal('Gerda Mulder');
    expect(later.onBehalfOf).to.equal('Linda de Wit');
  });

  it("takes an adult son's own e-mail address that his mother gives", () => {
    const x = extractContact(mail('Ik mail u voor mijn volwassen zoon, Ruben Koster. Zijn eigen mailadres is ruben.koster@outlook.com.\n\nGroet,\nMarja Koster', { fromName: 'Marja Koster', fromAddress: 'm.koster@example.nl' }));
    expect([x.citizen.name, x.citizen.email, x.onBehalfOf]).to.deep.equal(['Ruben Koster', 'ruben.koster@outlook.com', 'Marja Koster']);
  });

  it("never stores a parent's BSN as the child's, and leaves two untied numbers to the agent", () => {
    const form = extractContact(mail('Ik wil voor mijn zoon een DigiD aanvragen.\n\nNaam kind: Daan Verhoeven\nBSN ouder: 396177566\nBSN kind: 115496658\n\nGroet,\nKim Verhoeven', { fromName: 'Kim Verhoeven' }));
    expect([form.citizen.name, form.citizen.bsn, form.onBehalfOf]).to.deep.equal(['Daan Verhoeven', '115496658', 'Kim Verhoeven']);
    const untied = extractContact(mail('Mijn zoon Sem (13) wil een DigiD. BSN: 396177566 en 115496658.\n\nGroet,\nKim Verhoeven', { fromName: 'Kim Verhoeven' }));
    expect(untied.citizen.bsn).to.equal(null);
    expect(untied.uncertain).to.include('bsn');
  });

  it('does not see a representative in a couple asking together', () => {
    const x = extractContact(mail('Mijn vrouw en ik willen elkaar machtigen. Haar DigiD werkt wel, bij mij lukt het niet.\n\nGroet,\nGerrit Post', { fromName: 'Gerrit Post' }));
    expect(x.onBehalfOf).to.equal(null);
    expect(x.citizen.name).to.equal('Gerrit Post');
  });
});

describe('extract: the citizen\'s own quoted message', () => {
  const ourAnswer = '> Beste mevrouw Smit,\n> Wij hebben de brief opnieuw verstuurd.\n> Met vriendelijke groet,\n> Klantcontactcentrum Logius\n> Wilhelmina van Pruisenweg 52\n> 2595 AN Den Haag';
  const text = 'De brief is nog niet gekomen. Wilt u hem naar het adres in mijn eerste bericht sturen?\n\nGroet,\nAnna Smit';

  it('gives the address the new message leaves out', () => {
    const quoted = `Op 20 nov. 2026 om 09:14 schreef KCC Logius <kcc@logius.nl>:\n${ourAnswer}\n>\n> Op 18 nov. 2026 om 21:03 schreef Anna Smit <anna.smit@example.nl>:\n>> Ik woon op de Esdoornstraat 8, 3881 TV Putten.`;
    const x = extractContact(mail(text, { quoted }));
    expect([x.citizen.street, x.citizen.house_number, x.citizen.postcode, x.citizen.city]).to.deep.equal(['Esdoornstraat', '8', '3881TV', 'Putten']);
    expect(x.found).to.include('street:quoted');
  });

  it('never takes our own quoted signature, nor anyone else\'s quoted message', () => {
    const ours = extractContact(mail(text, { quoted: `Op 20 nov. 2026 om 09:14 schreef KCC Logius <kcc@logius.nl>:\n${ourAnswer}` }));
    expect(ours.citizen.postcode).to.equal(null);
    const other = extractContact(mail(text, { quoted: 'Op 19 nov. 2026 om 18:22 schreef Piet Jansen <piet@example.nl>:\n> Vinkenstraat 2, 1234 AB Testdorp' }));
    expect(other.citizen.postcode).to.equal(null);
    const newer = extractContact(mail('Ik woon nu op Zandweg 77, 3454 JV De Meern.\n\nGroet,\nAnna Smit', { quoted: 'Op 18 nov. 2026 om 08:00 schreef Anna Smit <anna.smit@example.nl>:\n> Ik woon op de Bloemstraat 4, 3581 WD Utrecht.' }));
    expect(newer.citizen.postcode).to.equal('3454JV');
  });

  it('is read by the e-mail analysis from the quoted history the parse stage set aside', async () => {
    const raw = Buffer.from(
      [
        'From: Anna Smit <anna.smit@example.nl>',
        'To: kcc@logius.nl',
        'Subject: Re: uw brief',
        'Message-ID: <q13-1@example.nl>',
        'Date: Fri, 20 Nov 2026 10:00:00 +0100',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '',
        'Op 20 nov. 2026 om 09:14 schreef KCC Logius <kcc@logius.nl>:',
        ourAnswer,
        '>',
        '> Op 18 nov. 2026 om 21:03 schreef Anna Smit <anna.smit@example.nl>:',
        '>> Ik woon op de Esdoornstraat 8, 3881 TV Putten.',
        '',
      ].join('\r\n'),
    );
    const a = await analyseEmail(raw, { ourAddresses: OURS });
    expect(a.citizen.postcode).to.equal('3881TV');
    expect(a.uncertain).to.deep.equal([]);
  });
});
