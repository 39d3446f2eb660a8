/**
 * The blind set's letters, written by hand for issue 13: the name (initials in the sender
 * block, full name under the signature, OCR noise, capitals), the e-mail address printed in
 * the letter, poor print and handwriting-style pages, and ordinary letters as controls.
 * Every person, address and number is invented.
 */
import type { Degradation, LetterSpec, LineSpec } from '../render.ts';
import { exp, type Expected, type Kind } from './types.ts';

export interface LetterCase {
  id: string;
  kind: Kind;
  spec: LetterSpec;
  expected: Expected;
}

const TO_NL = ['Logius', 'Klantcontactcentrum', 'Postbus 30250', '2500 GG Den Haag'];
const TO_EN = ['Logius', 'Customer Contact Centre', 'PO Box 30250', '2500 GG The Hague'];

function wrap(paragraph: string, width = 68): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

interface LetterInput {
  id: string;
  kind: Kind;
  lang: 'nl' | 'en';
  sender?: Array<string | LineSpec>;
  to?: string[] | null;
  date: string;
  subject?: string;
  salutation?: string;
  paras: string[];
  closing?: string;
  sign: Array<string | LineSpec>;
  scan: Degradation;
  expected: Expected;
  /** Blocks before the sender block (e.g. a date top right). */
  extraTop?: Array<Array<string | LineSpec>>;
}

function letter(i: LetterInput): LetterCase {
  const blocks: Array<Array<string | LineSpec>> = [];
  for (const b of i.extraTop ?? []) blocks.push(b);
  if (i.sender) blocks.push(i.sender);
  if (i.to !== null) blocks.push(i.to ?? (i.lang === 'nl' ? TO_NL : TO_EN));
  if (i.date) blocks.push([i.date]);
  if (i.subject) blocks.push([{ text: `${i.lang === 'nl' ? 'Betreft' : 'Subject'}: ${i.subject}`, bold: true }]);
  blocks.push([i.salutation ?? (i.lang === 'nl' ? 'Geachte heer, mevrouw,' : 'Dear Sir or Madam,')]);
  for (const p of i.paras) blocks.push(wrap(p));
  blocks.push([i.closing ?? (i.lang === 'nl' ? 'Met vriendelijke groet,' : 'Kind regards,')]);
  blocks.push(i.sign);
  return { id: i.id, kind: i.kind, spec: { id: i.id, language: i.lang, pages: [{ blocks }], scan: i.scan }, expected: i.expected };
}

const light: Degradation = { rotateDeg: 0.4, grain: 10, speckle: 0.0004, jpegQuality: 75 };
const medium: Degradation = { rotateDeg: -0.9, grain: 18, speckle: 0.0015, jpegQuality: 55 };

export const LETTERS: LetterCase[] = [
  // ───────────── 1. the name: initials vs full name, OCR noise, capitals ─────────────
  letter({
    id: 'L1-01', kind: 'letter_name', lang: 'nl',
    sender: ['J. de Boer', 'Populierenlaan 23', '7391 BL Twello'],
    date: 'Twello, 4 november 2026', subject: 'geen activeringscode ontvangen',
    paras: [
      'Op 14 oktober heb ik via de website een DigiD aangevraagd. Er zou binnen vijf werkdagen een brief komen met een activeringscode, maar ik heb nog steeds niets ontvangen.',
      'Kunt u nagaan of de brief is verstuurd naar het juiste adres? Ik woon hier sinds de zomer en misschien staat mijn oude adres nog ergens.',
    ],
    sign: ['Jan de Boer'], scan: { ...light, seed: 101, signature: true },
    expected: exp('nl', 'digid_activeren', { name: 'Jan de Boer', street: 'Populierenlaan', house_number: '23', postcode: '7391BL', city: 'Twello' }),
  }),
  letter({
    id: 'L1-02', kind: 'letter_name', lang: 'nl',
    sender: ['A.M. Klaassen', 'Hoofdweg 112', '9681 AK Midwolda', 'tel. 0597-551204'],
    date: 'Midwolda, 29 oktober 2026', subject: 'wachtwoord DigiD',
    paras: [
      'Ik ben het wachtwoord van mijn DigiD vergeten. Op de computer lukt het mij niet om een nieuw wachtwoord aan te vragen, want er wordt om een sms-code gevraagd en ik heb geen mobiele telefoon.',
      'Kunt u mij per brief laten weten hoe ik een nieuw wachtwoord kan krijgen? Overdag ben ik ook telefonisch bereikbaar.',
    ],
    sign: ['Anna Klaassen'], scan: { ...medium, seed: 102, signature: true, stainOver: [['last', 0.45]] },
    expected: exp('nl', 'digid_wachtwoord', { name: 'Anna Klaassen', street: 'Hoofdweg', house_number: '112', postcode: '9681AK', city: 'Midwolda', phones: ['+31597551204'] }),
  }),
  letter({
    id: 'L1-03', kind: 'letter_name', lang: 'nl',
    sender: ['P. HOEKSTRA', 'DORPSSTRAAT 4', '8011 AB ZWOLLE'],
    date: 'Zwolle, 2 november 2026', subject: 'brief in Berichtenbox',
    paras: [
      'In mijn Berichtenbox staat een bericht van het CAK dat ik niet kan openen. Als ik erop klik, krijg ik een wit scherm.',
      'Ik heb het op twee computers geprobeerd. Wat kan ik hieraan doen?',
    ],
    sign: ['P. Hoekstra'], scan: { ...light, seed: 103, signature: true },
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'P. Hoekstra', street: 'Dorpsstraat', house_number: '4', postcode: '8011AB', city: 'Zwolle' }),
  }),
  letter({
    id: 'L1-04', kind: 'letter_name', lang: 'nl',
    sender: ['W.J. VAN DER MEER', 'KANAALWEG 7', '3526 KM UTRECHT'],
    date: 'Utrecht, 6 november 2026', subject: 'machtiging voor mijn broer',
    paras: [
      'Mijn broer is verhuisd naar een verpleeghuis en ik regel zijn post. Ik wil graag DigiD Machtigen gebruiken om zijn zaken bij de gemeente en de Belastingdienst te regelen.',
      'Hoe gaat dat in zijn werk als mijn broer zelf niet meer kan inloggen? Ik hoor graag van u.',
    ],
    sign: ['Willem van der Meer'], scan: { ...light, seed: 104, signature: true },
    expected: exp('nl', 'digid_machtigen', { name: 'Willem van der Meer', street: 'Kanaalweg', house_number: '7', postcode: '3526KM', city: 'Utrecht' }),
  }),
  letter({
    id: 'L1-05', kind: 'letter_name', lang: 'en',
    sender: ['R. Clarke', 'Burgemeester Visserlaan 18', '2271 CE Voorburg'],
    date: 'Voorburg, 3 November 2026', subject: 'DigiD application',
    paras: [
      'I moved to the Netherlands in September for my job and I am now registered at the municipality. I would like to apply for a DigiD so that I can file my tax return online.',
      'The website asks for my BSN and my address, which I entered, but then it says my details cannot be checked. What should I do?',
    ],
    sign: ['Rebecca Clarke'], scan: { ...light, seed: 105, signature: true },
    expected: exp('en', 'digid_aanvragen', { name: 'Rebecca Clarke', street: 'Burgemeester Visserlaan', house_number: '18', postcode: '2271CE', city: 'Voorburg' }),
  }),
  letter({
    id: 'L1-06', kind: 'letter_name', lang: 'nl',
    sender: ['Fam. T. Bouwman', 'Esdoornstraat 61', '6543 XZ Nijmegen'],
    date: 'Nijmegen, 30 oktober 2026', subject: 'DigiD app werkt niet na nieuwe telefoon',
    paras: [
      'Ik heb een nieuwe telefoon gekocht en de DigiD app opnieuw geinstalleerd. Bij het activeren vraagt de app om een code uit een brief, maar die brief komt niet.',
      'Op de oude telefoon werkte alles goed. Kan ik de app ook op een andere manier activeren?',
    ],
    sign: ['Theo Bouwman'], scan: { ...medium, seed: 106, signature: true },
    expected: exp('nl', 'digid_app', { name: 'Theo Bouwman', street: 'Esdoornstraat', house_number: '61', postcode: '6543XZ', city: 'Nijmegen' }),
  }),
  letter({
    id: 'L1-07', kind: 'letter_name', lang: 'en',
    sender: ['MR. S. OKONKWO', 'VLIERWEG 2', '1032 LG AMSTERDAM'],
    date: 'Amsterdam, 1 November 2026', subject: 'complaint about waiting time',
    paras: [
      'I would like to file a complaint. Three times this month I called your service number and each time I waited more than forty minutes before the line was disconnected.',
      'I think this is unacceptable for a government service. I expect a written response to this complaint.',
    ],
    sign: ['Samuel Okonkwo'], scan: { ...light, seed: 107, signature: true },
    expected: exp('en', 'klacht', { name: 'Samuel Okonkwo', street: 'Vlierweg', house_number: '2', postcode: '1032LG', city: 'Amsterdam' }),
  }),
  letter({
    id: 'L1-08', kind: 'letter_name', lang: 'nl',
    sender: ['E. Kiaassen-Dijkstra', 'Wilgenhof 9', '8442 CN Heerenveen'],
    date: 'Heerenveen, 5 november 2026', subject: 'verzoek inzage persoonsgegevens',
    paras: [
      'Op grond van artikel 15 van de AVG verzoek ik u om inzage in alle persoonsgegevens die Logius over mij verwerkt, inclusief de gegevens van mijn DigiD-account en de inloggeschiedenis.',
      'Een kopie van mijn identiteitsbewijs stuur ik mee als u daarom vraagt.',
    ],
    sign: ['Elisabeth Klaassen-Dijkstra'], scan: { ...medium, seed: 108, signature: true },
    // The sender block has a misprint ("Kiaassen"); the signature is the name as she writes it.
    expected: exp('nl', 'privacy_verzoek', { name: 'Elisabeth Klaassen-Dijkstra', street: 'Wilgenhof', house_number: '9', postcode: '8442CN', city: 'Heerenveen' }),
  }),
  letter({
    id: 'L1-09', kind: 'letter_name', lang: 'nl',
    sender: [{ text: 'H. Verbeek', size: 36 }, { text: 'Slotlaan 140', size: 36 }, { text: '3701 GN Zeist', size: 36 }],
    date: 'Zeist, 28 oktober 2026', subject: 'klacht over behandeling',
    paras: [
      'Vorige week heb ik gebeld over mijn DigiD. De medewerker was kortaf en heeft de verbinding verbroken voordat mijn vraag was beantwoord.',
      'Ik wil hierover een klacht indienen en verneem graag hoe u dit gaat oplossen.',
    ],
    sign: [{ text: 'Hendrika Verbeek', hand: true, size: 52 }], scan: { ...medium, seed: 109, grain: 26, stainOver: [['first', 0.3]] },
    expected: exp('nl', 'klacht', { name: 'Hendrika Verbeek', street: 'Slotlaan', house_number: '140', postcode: '3701GN', city: 'Zeist' }),
  }),
  letter({
    id: 'L1-10', kind: 'letter_name', lang: 'en',
    sender: ['K. Nakamura', 'Johan de Wittlaan 5', '2517 JR Den Haag'],
    date: 'The Hague, 4 November 2026', subject: 'message box',
    paras: [
      'Since last week I no longer receive e-mail notifications when there is a new message in my MijnOverheid message box. I checked my spam folder.',
      'How can I make sure that I am notified again? I do not want to miss letters from the municipality.',
    ],
    sign: ['Kenji Nakamura'], scan: { ...medium, seed: 110, signature: true, stainOver: [['first', 0.4]] },
    expected: exp('en', 'mijnoverheid_berichtenbox', { name: 'Kenji Nakamura', street: 'Johan de Wittlaan', house_number: '5', postcode: '2517JR', city: 'Den Haag' }),
  }),
  letter({
    id: 'L1-11', kind: 'letter_name', lang: 'nl',
    sender: ['G. Jansen', 'Marktstraat 3A', '4331 LP MIDDELBURG'],
    date: 'Middelburg, 31 oktober 2026', subject: 'nieuwe DigiD aanvragen',
    paras: [
      'Mijn DigiD is opgeheven omdat ik het lange tijd niet heb gebruikt. Nu wil ik opnieuw een DigiD aanvragen, maar de website geeft aan dat er al een aanvraag loopt.',
      'Ik heb echter geen brief ontvangen. Kunt u de oude aanvraag intrekken zodat ik opnieuw kan beginnen?',
    ],
    sign: ['Gerrit Jansen'], scan: { ...light, seed: 111, signature: true },
    expected: exp('nl', 'digid_aanvragen', { name: 'Gerrit Jansen', street: 'Marktstraat', house_number: '3A', postcode: '4331LP', city: 'Middelburg' }),
  }),
  letter({
    id: 'L1-12', kind: 'letter_name', lang: 'nl',
    extraTop: [[{ text: 'Roermond, 27 oktober 2026', indent: 1250 }]],
    sender: ['C.A.M. Peeters-Wijnen', 'Kloosterwandstraat 77', '6041 JB Roermond'],
    date: '', subject: 'machtigen dochter',
    paras: [
      'Mijn dochter wil namens mij mijn zaken met de overheid regelen, omdat ik slecht zie. Wij hebben begrepen dat dit kan via DigiD Machtigen.',
      'Moet ik daarvoor zelf ook een DigiD hebben? Ik heb die namelijk niet.',
    ],
    sign: ['Cornelia Peeters-Wijnen'], scan: { ...light, seed: 112, signature: true },
    expected: exp('nl', 'digid_machtigen', { name: 'Cornelia Peeters-Wijnen', street: 'Kloosterwandstraat', house_number: '77', postcode: '6041JB', city: 'Roermond' }),
  }),

  // ───────────── 2. the e-mail address printed in the letter ─────────────
  letter({
    id: 'L2-01', kind: 'letter_email', lang: 'nl',
    sender: ['M. de Haan', 'Tulpstraat 15', '1611 CA Bovenkarspel', 'e-mail: m.dehaan@ziggo.example'],
    date: 'Bovenkarspel, 3 november 2026', subject: 'inloggen lukt niet',
    paras: ['Ik probeer in te loggen bij mijn zorgverzekeraar met DigiD, maar ik krijg de melding dat mijn account geblokkeerd is. Ik heb mijn wachtwoord drie keer fout ingetypt.', 'U mag mij ook per e-mail antwoorden.'],
    sign: ['Marieke de Haan'], scan: { ...light, seed: 201, signature: true },
    expected: exp('nl', 'digid_wachtwoord', { name: 'Marieke de Haan', street: 'Tulpstraat', house_number: '15', postcode: '1611CA', city: 'Bovenkarspel', email: 'm.dehaan@ziggo.example' }),
  }),
  letter({
    id: 'L2-02', kind: 'letter_email', lang: 'en',
    sender: ['Lena Fischer', 'Oude Gracht 201', '3511 NK Utrecht'],
    date: 'Utrecht, 2 November 2026', subject: 'DigiD activation letter sent to old address',
    paras: ['I requested a DigiD last month but the activation letter went to my previous address in Rotterdam. I have since registered my new address with the municipality.', 'Please contact me by e-mail, as I am often travelling.'],
    sign: ['Lena Fischer', 'lena.fischer@posteo.test', '+49 151 23456789'], scan: { ...light, seed: 202, signature: true },
    expected: exp('en', 'digid_activeren', { name: 'Lena Fischer', street: 'Oude Gracht', house_number: '201', postcode: '3511NK', city: 'Utrecht', email: 'lena.fischer@posteo.test', phones: ['+4915123456789'] }),
  }),
  letter({
    id: 'L2-03', kind: 'letter_email', lang: 'nl',
    sender: ['R.P. Smeets', 'Akerstraat 40', '6411 HB Heerlen', 'Tel: 045-5712233', 'E-mail: rp.smeets@home.test'],
    date: 'Heerlen, 30 oktober 2026', subject: 'eHerkenning voor vereniging',
    paras: ['Ik ben penningmeester van een kleine sportvereniging. Voor een subsidieaanvraag bij de gemeente hebben wij eHerkenning nodig.', 'Welk niveau hebben wij nodig en waar kunnen wij dit aanvragen? Ons KvK-nummer is 40123456.'],
    sign: ['Roel Smeets'], scan: { ...medium, seed: 203, signature: true },
    expected: exp('nl', 'eherkenning', { name: 'Roel Smeets', street: 'Akerstraat', house_number: '40', postcode: '6411HB', city: 'Heerlen', email: 'rp.smeets@home.test', phones: ['+31455712233'] }),
  }),
  letter({
    id: 'L2-04', kind: 'letter_email', lang: 'nl',
    sender: ['S. Yildiz', 'Bachlaan 12', '5011 BR Tilburg'],
    date: 'Tilburg, 1 november 2026', subject: 'DigiD app',
    paras: ['De DigiD app op mijn telefoon vraagt steeds opnieuw om mijn pincode en sluit daarna af. Ik heb de app al verwijderd en opnieuw geinstalleerd.', 'Mijn e-mailadres staat hieronder, dan kunt u mij sneller bereiken.'],
    sign: ['Selin Yildiz', 'selin.yildiz@gmail.test'], scan: { ...medium, seed: 204, signature: true },
    expected: exp('nl', 'digid_app', { name: 'Selin Yildiz', street: 'Bachlaan', house_number: '12', postcode: '5011BR', city: 'Tilburg', email: 'selin.yildiz@gmail.test' }),
  }),
  letter({
    id: 'L2-05', kind: 'letter_email', lang: 'en',
    sender: ['D. O\u2019Brien', 'Herengracht 9', '2312 LA Leiden', 'd.obrien@leiden-mail.test'],
    date: 'Leiden, 5 November 2026', subject: 'request for my personal data',
    paras: ['Under the GDPR I would like to receive a copy of all personal data you hold about me, including the log of when my DigiD was used.', 'You may send the answer to my e-mail address above.'],
    sign: ['Declan O\u2019Brien'], scan: { ...light, seed: 205, signature: true },
    expected: exp('en', 'privacy_verzoek', { name: 'Declan O\u2019Brien', street: 'Herengracht', house_number: '9', postcode: '2312LA', city: 'Leiden', email: 'd.obrien@leiden-mail.test' }),
  }),
  letter({
    id: 'L2-06', kind: 'letter_email', lang: 'nl',
    sender: ['Ingrid Pronk', 'Lange Nieuwstraat 88', '1971 GT IJmuiden'],
    date: 'IJmuiden, 4 november 2026', subject: 'berichten MijnOverheid',
    paras: ['Ik wil graag dat berichten van de gemeente niet meer naar mijn Berichtenbox gaan maar weer per post komen. Hoe kan ik dat instellen?', 'Mijn telefoonnummer is 06-24681357 en mijn e-mail i.pronk@kpnmail.test.'],
    sign: ['Ingrid Pronk'], scan: { ...medium, seed: 206, signature: true },
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Ingrid Pronk', street: 'Lange Nieuwstraat', house_number: '88', postcode: '1971GT', city: 'IJmuiden', email: 'i.pronk@kpnmail.test', phones: ['+31624681357'] }),
  }),
  letter({
    id: 'L2-07', kind: 'letter_email', lang: 'nl',
    sender: ['B. Kramer', 'Vossenlaan 31', '6531 SH Nijmegen'],
    date: 'Nijmegen, 2 november 2026', subject: 'PKIoverheid certificaat',
    paras: ['Voor mijn werk als zelfstandig notarieel medewerker heb ik een PKIoverheid-certificaat. Het certificaat verloopt volgende maand en ik weet niet bij wie ik het moet verlengen.', 'Graag een reactie per e-mail.'],
    sign: ['Bart Kramer', 'E: bart.kramer@kramer-advies.test'], scan: { ...light, seed: 207, signature: true },
    expected: exp('nl', 'pkioverheid', { name: 'Bart Kramer', street: 'Vossenlaan', house_number: '31', postcode: '6531SH', city: 'Nijmegen', email: 'bart.kramer@kramer-advies.test' }),
  }),
  letter({
    id: 'L2-08', kind: 'letter_email', lang: 'en',
    sender: ['N. Papadopoulos', 'Stationsweg 66', '9726 AT Groningen', 'Email: nikos.papadopoulos@outlook.test'],
    date: 'Groningen, 6 November 2026', subject: 'password reset',
    paras: ['I forgot my DigiD password and the reset page says that it will send a letter to my address. I have been waiting for two weeks now.', 'Could you tell me whether the letter was sent?'],
    sign: ['Nikos Papadopoulos'], scan: { ...medium, seed: 208, signature: true },
    expected: exp('en', 'digid_wachtwoord', { name: 'Nikos Papadopoulos', street: 'Stationsweg', house_number: '66', postcode: '9726AT', city: 'Groningen', email: 'nikos.papadopoulos@outlook.test' }),
  }),

  // ───────────── 3. poor print and handwriting-style pages ─────────────
  letter({
    id: 'L3-01', kind: 'letter_poor_print', lang: 'en',
    sender: ['Margaret Hill', 'Prins Hendrikkade 45', '1012 AC Amsterdam'],
    date: 'Amsterdam, 29 October 2026', subject: 'cannot log in',
    paras: ['I cannot log in with my DigiD any more. It says my password is wrong but I have not changed it.', 'Please write to me at the address above.'],
    sign: ['Margaret Hill'], scan: { seed: 301, hand: true, rotateDeg: 1.8, grain: 22, blur: 1.0, jpegQuality: 50, size: 50 },
    expected: exp('en', 'digid_wachtwoord', { name: 'Margaret Hill', street: 'Prins Hendrikkade', house_number: '45', postcode: '1012AC', city: 'Amsterdam' }),
  }),
  letter({
    id: 'L3-02', kind: 'letter_poor_print', lang: 'nl',
    sender: ['Gerda Wolters', 'Beatrixstraat 8', '7701 CE Dedemsvaart'],
    date: 'Dedemsvaart, 1 november 2026', subject: 'code niet gekregen',
    paras: ['Ik heb een DigiD aangevraagd maar de brief met de code is niet gekomen. Kunt u die opnieuw sturen?', 'Mijn telefoon is 0523-612788.'],
    sign: ['G. Wolters'], scan: { seed: 302, hand: true, rotateDeg: -2.4, grain: 20, blur: 0.8, jpegQuality: 45, size: 52 },
    expected: exp('nl', 'digid_activeren', { name: 'Gerda Wolters', street: 'Beatrixstraat', house_number: '8', postcode: '7701CE', city: 'Dedemsvaart', phones: ['+31523612788'] }),
  }),
  letter({
    id: 'L3-03', kind: 'letter_poor_print', lang: 'nl',
    sender: ['L. van Os', 'Brinkstraat 19', '3741 AR Baarn'],
    date: 'Baarn, 3 november 2026', subject: 'Berichtenbox',
    paras: ['Sinds kort krijg ik geen berichten meer in mijn Berichtenbox van MijnOverheid. Ook de berichten van de Belastingdienst zie ik niet meer.', 'Wat moet ik doen om ze weer te zien?'],
    sign: ['Lucas van Os'], scan: { seed: 303, lowRes: 0.4, grain: 14, rotateDeg: 0.8, jpegQuality: 40, signature: true },
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Lucas van Os', street: 'Brinkstraat', house_number: '19', postcode: '3741AR', city: 'Baarn' }),
  }),
  letter({
    id: 'L3-04', kind: 'letter_poor_print', lang: 'en',
    sender: ['A. Kowalczyk', 'Meent 120', '3011 JP Rotterdam', 'anna.kowalczyk@gmail.test'],
    date: 'Rotterdam, 2 November 2026', subject: 'DigiD app activation',
    paras: ['The DigiD app asks me to scan my passport with the phone, but the chip cannot be read. I tried many times.', 'Is there another way to activate the app?'],
    sign: ['Anna Kowalczyk'], scan: { seed: 304, ink: '#6a6a6a', grain: 30, speckle: 0.004, rotateDeg: -1.4, jpegQuality: 35, signature: true },
    expected: exp('en', 'digid_app', { name: 'Anna Kowalczyk', street: 'Meent', house_number: '120', postcode: '3011JP', city: 'Rotterdam', email: 'anna.kowalczyk@gmail.test' }),
  }),
  letter({
    id: 'L3-05', kind: 'letter_poor_print', lang: 'nl',
    sender: ['Johanna Mulder', 'Kerkweg 2', '2964 BE Groot-Ammers'],
    date: 'Groot-Ammers, 30 oktober 2026', subject: 'machtiging',
    paras: ['Mijn man is ziek en kan zelf niet meer inloggen. Ik wil graag voor hem de zorgtoeslag regelen. Hoe kan ik een machtiging krijgen?', 'U kunt mij bellen op 0184-601122.'],
    sign: ['J. Mulder'], scan: { seed: 305, hand: true, blur: 1.3, lowRes: 0.55, grain: 16, rotateDeg: 2.8, jpegQuality: 50, size: 54 },
    expected: exp('nl', 'digid_machtigen', { name: 'Johanna Mulder', street: 'Kerkweg', house_number: '2', postcode: '2964BE', city: 'Groot-Ammers', phones: ['+31184601122'] }),
  }),
  letter({
    id: 'L3-06', kind: 'letter_poor_print', lang: 'en',
    sender: ['Thomas Reid', 'Nieuwe Binnenweg 310', '3021 GR Rotterdam'],
    date: 'Rotterdam, 4 November 2026', subject: 'complaint',
    paras: ['I am writing to complain about the letter I received from you. It said my DigiD would be cancelled, but nobody explained why.', 'I would like an explanation in writing.'],
    sign: ['Thomas Reid'], scan: { seed: 306, font: 'sans', size: 34, lowRes: 0.45, blur: 0.7, grain: 20, jpegQuality: 45, rotateDeg: -0.6, signature: true },
    expected: exp('en', 'klacht', { name: 'Thomas Reid', street: 'Nieuwe Binnenweg', house_number: '310', postcode: '3021GR', city: 'Rotterdam' }),
  }),
  letter({
    id: 'L3-07', kind: 'letter_poor_print', lang: 'nl',
    sender: ['Pieter Dijkman', 'Hoogstraat 5', '5461 CA Veghel'],
    date: 'Veghel, 5 november 2026', subject: 'DigiD aanvragen voor mijn vrouw',
    paras: ['Mijn vrouw heeft nog nooit een DigiD gehad en wil er nu een aanvragen. Zij heeft geen computer. Kan dat ook per post?', 'Ons telefoonnummer is 0413-342211.'],
    sign: ['P. Dijkman'], scan: { seed: 307, hand: true, ink: '#3a3a8a', grain: 28, speckle: 0.003, blur: 1.1, rotateDeg: -3.0, jpegQuality: 40, size: 50 },
    expected: exp('nl', 'digid_aanvragen', { name: 'Pieter Dijkman', street: 'Hoogstraat', house_number: '5', postcode: '5461CA', city: 'Veghel', phones: ['+31413342211'] }),
  }),
  letter({
    id: 'L3-08', kind: 'letter_poor_print', lang: 'en',
    sender: ['Grace Mensah', 'Weena 600', '3012 CN Rotterdam', 'grace.mensah@yahoo.test'],
    date: 'Rotterdam, 31 October 2026', subject: 'password',
    paras: ['I need a new DigiD password. When I ask for it on the website nothing happens.', 'Thank you for your help.'],
    sign: ['Grace Mensah'], scan: { seed: 308, ink: '#777777', lowRes: 0.5, grain: 24, speckle: 0.002, blur: 0.9, jpegQuality: 35, rotateDeg: 1.2, stains: [[900, 700, 500, 160, 0.3]] },
    expected: exp('en', 'digid_wachtwoord', { name: 'Grace Mensah', street: 'Weena', house_number: '600', postcode: '3012CN', city: 'Rotterdam', email: 'grace.mensah@yahoo.test' }),
  }),

  // ───────────── controls: ordinary letters ─────────────
  letter({
    id: 'LC-01', kind: 'control_letter', lang: 'nl',
    sender: ['Henk Vos', 'Plataanstraat 22', '2023 TK Haarlem'],
    date: 'Haarlem, 3 november 2026', subject: 'activeringscode verlopen',
    paras: ['De activeringscode die ik per brief kreeg is verlopen voordat ik hem kon gebruiken, omdat ik in het ziekenhuis lag.', 'Kan ik een nieuwe code krijgen zonder opnieuw te beginnen?'],
    sign: ['Henk Vos'], scan: { ...light, seed: 401, signature: true },
    expected: exp('nl', 'digid_activeren', { name: 'Henk Vos', street: 'Plataanstraat', house_number: '22', postcode: '2023TK', city: 'Haarlem' }),
  }),
  letter({
    id: 'LC-02', kind: 'control_letter', lang: 'en',
    sender: ['Carlos Mendes', 'Rua das Flores 12', '1200-195 Lisboa', 'Portugal'],
    date: 'Lisbon, 28 October 2026', subject: 'DigiD from abroad',
    paras: ['I live in Portugal and receive a Dutch pension. To see my pension details I need a DigiD, but I do not have a Dutch address.', 'How can I apply for a DigiD from abroad?'],
    sign: ['Carlos Mendes'], scan: { ...light, seed: 402, signature: true },
    expected: exp('en', 'digid_aanvragen', { name: 'Carlos Mendes', street: 'Rua das Flores', house_number: '12', postcode: '1200-195', city: 'Lisboa' }),
  }),
  letter({
    id: 'LC-03', kind: 'control_letter', lang: 'nl',
    sender: ['Annelies Brouwer', 'Schoolstraat 14', '8701 JS Bolsward', 'Telefoon: 0515-572019'],
    date: 'Bolsward, 4 november 2026', subject: 'klacht over brief',
    paras: ['Ik heb een brief van u ontvangen in een taal die ik niet kan lezen. Ik vind het niet correct dat belangrijke informatie niet in het Nederlands wordt verstuurd.', 'Ik verwacht een schriftelijke reactie. Mijn klantnummer bij de gemeente is 683087103.'],
    sign: ['Annelies Brouwer'], scan: { ...light, seed: 403, signature: true },
    // 683087103 fails the elfproef: a customer number, never a BSN.
    expected: exp('nl', 'klacht', { name: 'Annelies Brouwer', street: 'Schoolstraat', house_number: '14', postcode: '8701JS', city: 'Bolsward', phones: ['+31515572019'] }),
  }),
  letter({
    id: 'LC-04', kind: 'control_letter', lang: 'nl',
    sender: ['Mohamed Amrani', 'Javastraat 101', '1094 HC Amsterdam'],
    date: 'Amsterdam, 2 november 2026', subject: 'DigiD aanvraag',
    paras: ['Graag wil ik een DigiD aanvragen. Mijn burgerservicenummer is 394807789. Ik heb geen computer, daarom stuur ik deze brief.', 'Kunt u mij de aanvraag per post toesturen?'],
    sign: ['Mohamed Amrani'], scan: { ...light, seed: 404, signature: true },
    expected: exp('nl', 'digid_aanvragen', { name: 'Mohamed Amrani', street: 'Javastraat', house_number: '101', postcode: '1094HC', city: 'Amsterdam', bsn: '394807789' }),
  }),
  letter({
    id: 'LC-05', kind: 'control_letter', lang: 'en',
    sender: ['Sophie Laurent', 'Emmastraat 3', '7411 HM Deventer'],
    date: 'Deventer, 5 November 2026', subject: 'MijnOverheid account',
    paras: ['I would like to close my MijnOverheid account because I am moving back to France. What will happen to the messages that are still in my account?', 'Please reply by post.'],
    sign: ['Sophie Laurent'], scan: { ...light, seed: 405, signature: true },
    expected: exp('en', 'mijnoverheid_overig', { name: 'Sophie Laurent', street: 'Emmastraat', house_number: '3', postcode: '7411HM', city: 'Deventer' }),
  }),
  letter({
    id: 'LC-06', kind: 'control_letter', lang: 'nl',
    sender: ['Kees Hoogendoorn', 'Dijkweg 250', '2671 LB Naaldwijk'],
    date: 'Naaldwijk, 30 oktober 2026', subject: 'terugbetaling',
    paras: ['Ik heb per ongeluk twee keer betaald voor een rijbewijs bij de gemeente. Kunt u het bedrag terugstorten op rekening NL91 ABNA 0417 1643 00?', 'Mijn telefoonnummer is 06 12 34 56 78.'],
    sign: ['Kees Hoogendoorn'], scan: { ...light, seed: 406, signature: true },
    expected: exp('nl', 'overig', { name: 'Kees Hoogendoorn', street: 'Dijkweg', house_number: '250', postcode: '2671LB', city: 'Naaldwijk', phones: ['+31612345678'] }),
  }),
  letter({
    id: 'LC-07', kind: 'control_letter', lang: 'nl',
    sender: ['Femke Willems', 'Kastanjelaan 10', '5581 CP Waalre'],
    date: 'Waalre, 1 november 2026', subject: 'DigiD machtigen voor mijn vader',
    paras: ['Mijn vader is 91 jaar en wil dat ik zijn belastingaangifte doe. Hij heeft een DigiD. Hoe kan hij mij machtigen?', 'Bij voorbaat dank.'],
    sign: ['Femke Willems'], scan: { ...light, seed: 407, signature: true },
    // She asks for her own authorisation to act for her father: she is the writer and the citizen.
    expected: exp('nl', 'digid_machtigen', { name: 'Femke Willems', street: 'Kastanjelaan', house_number: '10', postcode: '5581CP', city: 'Waalre' }),
  }),
  letter({
    id: 'LC-08', kind: 'control_letter', lang: 'en',
    sender: ['Ahmed Hassan', 'Kruisweg 77', '2131 CG Hoofddorp', 'Phone: +31 6 4321 8765'],
    date: 'Hoofddorp, 3 November 2026', subject: 'app not working',
    paras: ['The DigiD app on my phone shows an error when I try to log in to my health insurer. The error number is 00412.', 'Can you help me?'],
    sign: ['Ahmed Hassan'], scan: { ...light, seed: 408, signature: true },
    expected: exp('en', 'digid_app', { name: 'Ahmed Hassan', street: 'Kruisweg', house_number: '77', postcode: '2131CG', city: 'Hoofddorp', phones: ['+31643218765'] }),
  }),
  letter({
    id: 'LC-09', kind: 'control_letter', lang: 'nl',
    sender: ['Wilma Scholten', 'Hessenweg 5', '7722 RZ Dalfsen'],
    date: 'Dalfsen, 6 november 2026', subject: 'inzage in mijn gegevens',
    paras: ['Ik wil graag weten welke gegevens u over mij bewaart en aan wie u die heeft doorgegeven. Dit is een verzoek op grond van de AVG.', 'Dank u wel.'],
    sign: ['Wilma Scholten'], scan: { ...medium, seed: 409, signature: true },
    expected: exp('nl', 'privacy_verzoek', { name: 'Wilma Scholten', street: 'Hessenweg', house_number: '5', postcode: '7722RZ', city: 'Dalfsen' }),
  }),
  letter({
    id: 'LC-10', kind: 'control_letter', lang: 'nl',
    sender: ['Jeroen Kuipers', 'Industrieweg 3', '4104 AA Culemborg'],
    date: 'Culemborg, 29 oktober 2026', subject: 'aansluiting Digipoort',
    paras: ['Ons softwarebedrijf wil een koppeling met Digipoort maken om aangiftes voor klanten in te sturen. Welke stappen moeten wij doorlopen en welk certificaat is daarvoor nodig?', 'U kunt mij bereiken op 0345-530400.'],
    sign: ['Jeroen Kuipers'], scan: { ...light, seed: 410, signature: true },
    expected: exp('nl', 'digipoort', { name: 'Jeroen Kuipers', street: 'Industrieweg', house_number: '3', postcode: '4104AA', city: 'Culemborg', phones: ['+31345530400'] }),
  }),
];
