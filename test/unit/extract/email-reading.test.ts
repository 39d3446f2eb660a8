/**
 * E-mail reading rules (issue 13): who the citizen is when someone writes for another person,
 * whose phone number and e-mail address a representative's message gives, which BSN is the
 * citizen's when a parent writes for a minor, and the fullest form of the writer's name.
 * Small fixtures of our own; every test fails without the rule it names.
 */
import { expect } from 'chai';
import { extractContact } from '../../../processors/extract/index.ts';
import type { ExtractInput } from '../../../processors/extract/index.ts';

const OURS = ['logius.nl', 'digid.nl', '+31 88 123 6555', '2500 EA'];

function mail(text: string, over: Partial<ExtractInput> = {}): ExtractInput {
  return { channel: 'email', fromName: 'Henk Visser', fromAddress: 'henk.visser@example.nl', subject: 'vraag', text, ourAddresses: OURS, ...over };
}

/** A valid BSN made from eight digits (elfproef), so the fixtures hold no copied numbers. */
function bsn(eight: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(eight[i]);
  const d = sum % 11;
  if (d === 10) throw new Error(`no check digit for ${eight}`);
  return `${eight}${d}`;
}

describe('extract (e-mail): representatives', () => {
  it('reads a relative whose BSN the writer gives as the citizen, and never stores the writer\'s own BSN', () => {
    const mine = bsn('23456789');
    const child = bsn('31415926');
    const x = extractContact(mail(`Goedemiddag,\n\nMijn BSN is ${mine} en dat van mijn dochter Eva Visser is ${child}. Zij wil haar eigen DigiD.\n\nGroet,\nHenk Visser`));
    expect(x.citizen.name).to.equal('Eva Visser');
    expect(x.onBehalfOf).to.equal('Henk Visser');
    expect(x.citizen.bsn).to.equal(child);
    const en = extractContact(mail(`Hello,\n\nThe BSN of my son Tom Visser is ${child}; mine is ${mine}. He needs a DigiD.\n\nRegards,\nHenk Visser`));
    expect(en.citizen.name).to.equal('Tom Visser');
    expect(en.citizen.bsn).to.not.equal(mine);
  });

  it('takes a named relative with an age and a name with particles as the one written about', () => {
    const x = extractContact(mail('Hallo,\n\nMijn zoon Bas van der Linden is 12 jaar en heeft een vraag over DigiD.\n\nGroet,\nHenk Visser'));
    expect(x.citizen.name).to.equal('Bas van der Linden');
    expect(x.onBehalfOf).to.equal('Henk Visser');
  });

  it('sees a volunteer or carer writing for a neighbour', () => {
    const x = extractContact(mail('Good morning,\n\nI volunteer for my elderly neighbour, Mrs Ria Brouwer, who cannot read the letters she gets.\n\nKind regards,\nHenk Visser'));
    expect(x.citizen.name).to.equal('Ria Brouwer');
    expect(x.onBehalfOf).to.equal('Henk Visser');
  });

  it("gives the citizen the phone and e-mail the text ties to them, and keeps the writer's out", () => {
    const writer = { fromName: 'Henk Visser', fromAddress: 'henk.visser@example.nl' };
    const a = extractContact(mail('Beste,\n\nIk schrijf namens mijn vader, Gerrit Visser. Hij heeft een eigen e-mailadres: g.visser@example.org, en zijn vaste nummer is 0318-123456. U kunt mij bellen op 06-12345678.\n\nGroet,\nHenk Visser\n06-87654321', writer));
    expect(a.citizen.email).to.equal('g.visser@example.org');
    expect(a.citizen.phones).to.deep.equal(['+31318123456']);
    const b = extractContact(mail('Dear KCC,\n\nI am writing on behalf of my daughter, Lisa Visser. Please reply to her directly; you can reach Lisa herself at lisa.v@example.org.\n\nRegards,\nHenk Visser', writer));
    expect(b.citizen.email).to.equal('lisa.v@example.org');
    // A details block headed by the relative: the numbers in it are theirs.
    const c = extractContact(mail('Beste,\n\nNamens mijn moeder vraag ik een machtiging aan.\n\nGegevens van mijn moeder:\nJannie Visser\nKerkweg 4\n3901 AB Veenendaal\ntel. 0318-654321\n\nGroet,\nHenk Visser\n06-87654321', writer));
    expect(c.citizen.phones).to.deep.equal(['+31318654321']);
    // Nobody named near the number, or the writer: not the citizen's.
    const d = extractContact(mail('Beste,\n\nNamens mijn moeder, Jannie Visser, vraag ik een machtiging aan. Ik ben overdag bereikbaar op 06-12345678.\n\nGroet,\nHenk Visser', writer));
    expect(d.citizen.phones).to.deep.equal([]);
    expect(d.citizen.email).to.equal(null);
  });
});

describe('extract (e-mail): two BSNs', () => {
  it('stores none when a relative is mentioned and no rule ties either number to the citizen', () => {
    const a = bsn('23456789');
    const b = bsn('31415926');
    const x = extractContact(mail(`Beste,\n\nHet gaat over mijn zoon en de aanvraag. Wij hebben ${a} en ${b}.\n\nGroet,\nHenk Visser`));
    expect(x.citizen.bsn).to.equal(null);
    expect(x.uncertain).to.include('bsn');
    // Alone, the writer's own number stays theirs.
    expect(extractContact(mail(`Beste,\n\nMijn BSN is ${a}.\n\nGroet,\nHenk Visser`)).citizen.bsn).to.equal(a);
  });
});

describe("extract (e-mail): the writer's name, phones", () => {
  it('takes the From name over initials in the closing when they are the same name', () => {
    expect(extractContact(mail('Beste,\n\nIk heb een vraag.\n\nMet vriendelijke groet,\nH. Visser', { fromName: 'Henk Visser' })).citizen.name).to.equal('Henk Visser');
    expect(extractContact(mail('Beste,\n\nIk heb een vraag.\n\nMet vriendelijke groet,\nJ.P. de Wit', { fromName: 'Jan Pieter de Wit' })).citizen.name).to.equal('Jan Pieter de Wit');
    // Other initials or another family name: a different person, the closing stays.
    expect(extractContact(mail('Beste,\n\nIk heb een vraag.\n\nMet vriendelijke groet,\nK. Visser', { fromName: 'Henk Visser' })).citizen.name).to.equal('K. Visser');
    expect(extractContact(mail('Beste,\n\nIk heb een vraag.\n\nMet vriendelijke groet,\nH. de Vries', { fromName: 'Henk Visser' })).citizen.name).to.equal('H. de Vries');
  });

  it('reads a Dutch mobile number written in full even from a block not yet issued', () => {
    expect(extractContact(mail('Beste,\n\nIk ben bereikbaar op 06-97531864.\n\nGroet,\nHenk Visser')).citizen.phones).to.deep.equal(['+31697531864']);
    // One digit short is no number.
    expect(extractContact(mail('Beste,\n\nIk ben bereikbaar op 06-9753186.\n\nGroet,\nHenk Visser')).citizen.phones).to.deep.equal([]);
  });

  it("takes the phone from the citizen's own quoted message when the new one gives none, never from ours", () => {
    const quoted = [
      'Op 2 dec 2026 om 10:00 schreef KCC <kcc@logius.nl>:',
      '> Beste heer Visser,',
      '> Met vriendelijke groet,',
      '> Klantcontact',
      '> T 030 123 4567',
      '> Op 1 dec 2026 om 09:00 schreef Henk Visser <henk.visser@example.nl>:',
      '>> Mijn DigiD doet het niet.',
      '>> Henk Visser',
      '>> 0318-246813',
    ].join('\n');
    const x = extractContact(mail('Het werkt nog steeds niet.', { quoted }));
    expect(x.citizen.phones).to.deep.equal(['+31318246813']);
    const notHis = quoted.replace('henk.visser@example.nl', 'iemand.anders@example.nl');
    expect(extractContact(mail('Het werkt nog steeds niet.', { quoted: notHis })).citizen.phones).to.deep.equal([]);
  });
});

describe('extract (e-mail): an address abroad', () => {
  it('reads an address abroad when the sentence names the country first', () => {
    const x = extractContact(mail('Beste,\n\nIk woon in België (Kapelstraat 14, 2018 Antwerpen) en wil een DigiD aanvragen.\n\nGroet,\nHenk Visser'));
    expect(x.citizen).to.deep.include({ street: 'Kapelstraat', house_number: '14', postcode: '2018', city: 'Antwerpen', country: 'België' });
    const en = extractContact(mail('Hello,\n\nI live in Germany: Schillerstraße 41, 50667 Köln. How do I apply?\n\nRegards,\nHenk Visser'));
    expect(en.citizen).to.deep.include({ street: 'Schillerstraße', postcode: '50667', city: 'Köln' });
    // No country: four or five digits and a word are too often something else.
    expect(extractContact(mail('Beste,\n\nIk woon in Zwolle (Kerkstraat 5, 80111 Zwolle).\n\nGroet,\nHenk Visser')).citizen.postcode).to.equal(null);
  });
});

describe('extract (e-mail): more ways of writing for someone', () => {
  const who = (text: string) => {
    const x = extractContact(mail(text));
    return { name: x.citizen.name, obo: x.onBehalfOf };
  };

  it('a person named with a title after "namens" / "on behalf of"', () => {
    expect(who('Beste,\n\nNamens mevrouw R. Brink-de Haan vraag ik een machtiging aan.\n\nGroet,\nHenk Visser')).to.deep.equal({ name: 'R. Brink-de Haan', obo: 'Henk Visser' });
    expect(who('Dear sir,\n\nOn behalf of Mr Alan Price I ask for a new activation code.\n\nRegards,\nHenk Visser')).to.deep.equal({ name: 'Alan Price', obo: 'Henk Visser' });
  });

  it('a court role stated with "ik ben" / "I am", and the writer\'s relation to a named person', () => {
    expect(who('Geachte heer,\n\nIk ben bewindvoerder van de heer P. Wolters en wil zijn zaken regelen.\n\nGroet,\nHenk Visser')).to.deep.equal({ name: 'P. Wolters', obo: 'Henk Visser' });
    expect(who('Geachte heer,\n\nIk ben de zoon van mevrouw Dina Visser (91). Zij kan haar DigiD niet gebruiken.\n\nGroet,\nHenk Visser')).to.deep.equal({ name: 'Dina Visser', obo: 'Henk Visser' });
    expect(who('Hello,\n\nI am the grandson of Mrs Olga Berg, who cannot use her DigiD.\n\nRegards,\nHenk Visser')).to.deep.equal({ name: 'Olga Berg', obo: 'Henk Visser' });
    // Without a name after it, 'ik ben de zoon van' is no one to write for.
    expect(who('Hallo,\n\nIk ben de zoon van een ondernemer en heb een vraag over eHerkenning.\n\nGroet,\nHenk Visser').obo).to.equal(null);
  });

  it('a writer who helps a relative with their DigiD', () => {
    expect(who('Beste,\n\nIk help mijn moeder met haar DigiD, maar de sms-code komt niet aan.\n\nGroet,\nHenk Visser').obo).to.equal('Henk Visser');
  });
});

describe("extract (e-mail): the address in a representative's message", () => {
  it("takes the address the text ties to the person written about, never the one the writer calls their own", () => {
    const a = extractContact(mail('Beste,\n\nIk schrijf namens mijn vader, Gerrit Visser. Zelf woon ik op de Kerkweg 4, 3901 AB Veenendaal; mijn vader woont op de Dorpsstraat 12, 6711 CD Ede.\n\nGroet,\nHenk Visser'));
    expect(a.citizen).to.deep.include({ street: 'Dorpsstraat', postcode: '6711CD' });
    const b = extractContact(mail('Beste,\n\nIk schrijf namens mijn vader, Gerrit Visser. Mijn adres is Kerkweg 4, 3901 AB Veenendaal.\n\nGroet,\nHenk Visser'));
    expect(b.citizen.postcode).to.equal(null);
    // A household: 'wij wonen' is where the child lives too.
    const c = extractContact(mail('Beste,\n\nMijn dochter Eva Visser (15) wil een DigiD. Wij wonen op de Kerkweg 4, 3901 AB Veenendaal.\n\nGroet,\nHenk Visser'));
    expect(c.citizen.postcode).to.equal('3901AB');
  });

  it("sees no representative in a relative only mentioned by a writer who lists their own details", () => {
    const x = extractContact(mail('Beste,\n\nIk wil mijn AOW aanvragen. Mijn vrouw (Ina Visser) krijgt het al.\n\nMijn gegevens:\nHenk Visser\nKerkweg 4\n3901 AB Veenendaal\n\nGroet,\nHenk Visser'));
    expect(x.onBehalfOf).to.equal(null);
    expect(x.citizen).to.deep.include({ name: 'Henk Visser', postcode: '3901AB' });
  });
});
