/**
 * The second blind set's letters: page blocks plus scan degradation (rendered at score time
 * by test/blind/render.ts). Written by hand for issue 13 without sight of the letter-reading
 * code or the first blind set's cases. Everyone and everything here is invented.
 */
import type { Degradation, LetterSpec, LineSpec } from '../../blind/render.ts';
import { exp, type Expected, type Kind } from './types.ts';

export interface LetterCase {
  id: string;
  kind: Kind;
  expected: Expected;
  spec: LetterSpec;
}

type Line = string | LineSpec;

const LOGIUS = ['Logius', 't.a.v. Klant Contact Centrum', 'Postbus 20011', '2500 EA  Den Haag'];
const LOGIUS_EN = ['Logius', 'Customer Contact Centre', 'PO Box 20011', '2500 EA The Hague', 'The Netherlands'];

/** sender block, place and date, addressee, subject, body paragraphs, closing, name block (signature above it). */
function letter(o: { id: string; language: 'nl' | 'en'; sender: Line[]; date: string; subject: string; body: string[]; closing: string; signed: Line[]; scan: Degradation; addressee?: string[] }): LetterSpec {
  return {
    id: o.id,
    language: o.language,
    pages: [
      {
        blocks: [
          o.sender,
          [o.date],
          o.addressee ?? (o.language === 'nl' ? LOGIUS : LOGIUS_EN),
          [{ text: o.subject, bold: true }],
          ...o.body.map((p) => p.split('\n')),
          [o.closing],
          o.signed,
        ],
      },
    ],
    scan: o.scan,
  };
}

const plain = (seed: number): Degradation => ({ rotateDeg: 0.4, grain: 8, seed, signature: true });

export const LETTERS: LetterCase[] = [
  // ───────── the name: initials above, full name under the signature; capitals ─────────
  {
    id: 'L-01', kind: 'letter_name',
    expected: exp('nl', 'digid_aanvragen', { name: 'Johan Brinkman', street: 'Sluisweg', house_number: '27', postcode: '7201BN', city: 'Zutphen', phones: ['+31575413968'] }),
    spec: letter({
      id: 'L-01', language: 'nl', scan: plain(11),
      sender: ['J.H. Brinkman', 'Sluisweg 27', '7201 BN  Zutphen', 'Tel. 0575 - 41 39 68'],
      date: 'Zutphen, 19 november 2026', subject: 'Betreft: aanvragen DigiD',
      body: ['Geachte heer, mevrouw,', 'Ik ben 79 jaar en wil graag een DigiD aanvragen. Ik heb geen computer\nthuis. Kan ik de aanvraag ook per brief doen, of kan iemand van u mij\nopbellen om te helpen?', 'Bij voorbaat dank.'],
      closing: 'Met vriendelijke groet,', signed: ['Johan Brinkman'],
    }),
  },
  {
    id: 'L-02', kind: 'letter_name',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Annemiek Schouten-de Vries', street: 'Prinsenweg', house_number: '3', postcode: '4331KD', city: 'Middelburg' }),
    spec: letter({
      id: 'L-02', language: 'nl', scan: { ...plain(12), jpegQuality: 70 },
      sender: ['Mw. A. Schouten-de Vries', 'Prinsenweg 3', '4331 KD Middelburg'],
      date: '20 november 2026', subject: 'Onderwerp: wachtwoord DigiD',
      body: ['Geachte medewerker,', 'Ik ben mijn wachtwoord van DigiD vergeten. Op de computer van mijn\nkleinzoon lukt het herstellen niet omdat ik geen mobiel nummer heb\nopgegeven. Wilt u mij een brief sturen met een nieuwe code?'],
      closing: 'Met vriendelijke groeten,', signed: ['Annemiek Schouten-de Vries'],
    }),
  },
  {
    id: 'L-03', kind: 'letter_name',
    expected: exp('nl', 'digid_activeren', { name: 'Pieter Hoeksema', street: 'Molenweg', house_number: '12', postcode: '8401AB', city: 'Gorredijk' }),
    spec: letter({
      id: 'L-03', language: 'nl', scan: plain(13),
      sender: ['P. HOEKSEMA', 'MOLENWEG 12', '8401 AB GORREDIJK'],
      date: 'GORREDIJK, 21-11-2026', subject: 'ACTIVERINGSCODE',
      body: ['Geachte heer/mevrouw,', 'De brief met de activeringscode kwam aan toen ik op vakantie was. Nu\nis de code verlopen. Kunt u een nieuwe sturen naar bovenstaand adres?'],
      closing: 'Hoogachtend,', signed: ['Pieter Hoeksema'],
    }),
  },
  {
    id: 'L-04', kind: 'letter_name',
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Gerda van der Meulen', street: 'Wierdensestraat', house_number: '118', postcode: '7607GK', city: 'Almelo', phones: ['+31546824107'] }),
    spec: letter({
      id: 'L-04', language: 'nl', scan: { ...plain(14), font: 'sans' },
      sender: ['GERDA VAN DER MEULEN', 'WIERDENSESTRAAT 118', '7607 GK  ALMELO', 'TELEFOON 0546-824107'],
      date: 'Almelo, 22 november 2026', subject: 'Betreft: Berichtenbox',
      body: ['Geachte mevrouw, mijnheer,', 'Mijn dochter heeft voor mij de Berichtenbox aangezet. Ik wil de brieven\nvan de belastingen toch liever weer op papier krijgen. Hoe zet ik dat\nterug?'],
      closing: 'Met vriendelijke groet,', signed: ['GERDA VAN DER MEULEN'],
    }),
  },
  {
    id: 'L-05', kind: 'letter_name',
    expected: exp('en', 'digid_aanvragen', { name: "Michael O'Brien", street: 'Vondellaan', house_number: '47', postcode: '2332AA', city: 'Leiden', phones: ['+31715239902'] }),
    spec: letter({
      id: 'L-05', language: 'en', scan: plain(15),
      sender: ["M. O'Brien", 'Vondellaan 47', '2332 AA Leiden', 'Phone 071 523 9902'],
      date: '23 November 2026', subject: 'Re: applying for a DigiD',
      body: ['Dear Sir or Madam,', 'I moved to the Netherlands from Ireland in September and have just been\nregistered with the municipality. How long after registration can I\napply for a DigiD, and will the activation letter come by post?', 'Thank you in advance.'],
      closing: 'Yours faithfully,', signed: ["Michael O'Brien"],
    }),
  },
  {
    id: 'L-06', kind: 'letter_name',
    expected: exp('nl', 'klacht', { name: "Tessa van 't Hof", street: 'Lange Nieuwstraat', house_number: '9', postcode: '3111AE', city: 'Schiedam' }),
    spec: letter({
      id: 'L-06', language: 'nl', scan: { ...plain(16), rotateDeg: -0.8 },
      sender: ["T. van 't Hof", 'Lange Nieuwstraat 9', '3111 AE Schiedam'],
      date: 'Schiedam, 24 november 2026', subject: 'Klacht over behandeling aan de telefoon',
      body: ['Geachte heer/mevrouw,', 'Op 18 november heb ik uw helpdesk gebeld. De medewerker was onvriendelijk\nen hing op voordat mijn vraag beantwoord was. Ik wil hierover een klacht\nindienen en verwacht een schriftelijke reactie.'],
      closing: 'Met vriendelijke groet,', signed: ["Tessa van 't Hof"],
    }),
  },
  // ───────── the e-mail address in the sender block or under the signature ─────────
  {
    id: 'L-07', kind: 'letter_email',
    expected: exp('nl', 'digid_app', { name: 'Willem Koster', street: 'Stationsweg', house_number: '64', postcode: '1815CD', city: 'Alkmaar', email: 'w.koster@kaasstad.test', phones: ['+31725112483'] }),
    spec: letter({
      id: 'L-07', language: 'nl', scan: plain(17),
      sender: ['W. Koster', 'Stationsweg 64', '1815 CD Alkmaar', 'tel. 072-5112483', 'e-mail: w.koster@kaasstad.test'],
      date: 'Alkmaar, 16 november 2026', subject: 'Betreft: DigiD app op tablet',
      body: ['Geachte heer/mevrouw,', 'Kan ik de DigiD app ook op een tablet zonder simkaart gebruiken? In de\nwinkel zeiden ze van niet. U mag mij het antwoord ook mailen.'],
      closing: 'Met vriendelijke groet,', signed: ['Willem Koster'],
    }),
  },
  {
    id: 'L-08', kind: 'letter_email',
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Marja Evers', street: 'Kloosterstraat', house_number: '15', postcode: '6211HD', city: 'Maastricht', email: 'marja.evers@mosapost.test' }),
    spec: letter({
      id: 'L-08', language: 'nl', scan: plain(18),
      sender: ['M. Evers', 'Kloosterstraat 15', '6211 HD Maastricht'],
      date: 'Maastricht, 17 november 2026', subject: 'Vraag over MijnOverheid',
      body: ['Beste medewerker,', 'In MijnOverheid zie ik bij "Wonen" een adres waar ik nooit heb gewoond.\nIs dat een fout van de gemeente of van MijnOverheid? Graag een antwoord\nper e-mail.'],
      closing: 'Vriendelijke groet,', signed: ['Marja Evers', 'marja.evers@mosapost.test'],
    }),
  },
  {
    id: 'L-09', kind: 'letter_email',
    expected: exp('nl', 'digid_machtigen', { name: 'Kees Hoogendoorn', street: 'Dorpsweg', house_number: '201', postcode: '2661GD', city: 'Bergschenhoek', email: 'kees.hoogendoorn@lansingerpost.test', phones: ['+31105219347'] }),
    spec: letter({
      id: 'L-09', language: 'nl', scan: { ...plain(19), jpegQuality: 65 },
      sender: ['K. Hoogendoorn', 'Dorpsweg 201', '2661 GD  Bergschenhoek', 'kees.hoogendoorn@lansingerpost.test'],
      date: '18 november 2026', subject: 'Betreft: machtiging voor mijn zoon',
      body: ['Geachte heer/mevrouw,', 'Ik wil mijn zoon machtigen om mijn zaken bij de Belastingdienst te regelen.\nHoe werkt dat als ik zelf geen smartphone heb? Mijn telefoonnummer is\n010 - 521 93 47.'],
      closing: 'Met vriendelijke groet,', signed: ['Kees Hoogendoorn', 'kees.hoogendoorn@lansingerpost.test'],
    }),
  },
  {
    id: 'L-10', kind: 'letter_email',
    expected: exp('en', 'eherkenning', { name: 'Priya Raghunathan', street: 'Kanaalweg', house_number: '31-B', postcode: '3526KL', city: 'Utrecht', email: 'priya.r-2026@techstart.example' }),
    spec: letter({
      id: 'L-10', language: 'en', scan: { ...plain(20), font: 'sans' },
      sender: ['P. Raghunathan', 'Kanaalweg 31-B', '3526 KL Utrecht', 'priya.r-2026@techstart.example'],
      date: 'Utrecht, 19 November 2026', subject: 'eHerkenning for a new company',
      body: ['Dear Sir or Madam,', 'I have just registered a private limited company. Which eHerkenning level\ndo I need to apply for the innovation credit, and how long does it take?', 'I would appreciate a reply by e-mail.'],
      closing: 'Kind regards,', signed: ['Priya Raghunathan'],
    }),
  },
  // ───────── poor print ─────────
  {
    id: 'L-11', kind: 'letter_poor_print',
    expected: exp('nl', 'digid_activeren', { name: 'Bernard Willemsen', street: 'Rijksstraatweg', house_number: '142', postcode: '7231AK', city: 'Warnsveld', phones: ['+31575527031'] }),
    spec: letter({
      id: 'L-11', language: 'nl', scan: { rotateDeg: 1.2, grain: 14, lowRes: 0.5, ink: '#6a6a6a', seed: 21, signature: true },
      sender: ['B. Willemsen', 'Rijksstraatweg 142', '7231 AK Warnsveld', 'tel. 0575 52 70 31'],
      date: 'Warnsveld, 12 november 2026', subject: 'Betreft: activeren DigiD',
      body: ['Geachte heer/mevrouw,', 'Ik heb de activeringsbrief ontvangen maar mijn printer doet het niet goed,\ndaarom deze brief. Waar vul ik de code in als ik geen e-mailadres heb?'],
      closing: 'Met vriendelijke groet,', signed: ['Bernard Willemsen'],
    }),
  },
  {
    id: 'L-12', kind: 'letter_poor_print',
    expected: exp('en', 'digid_aanvragen', { name: 'Rosalind Chambers', street: 'Parkweg', house_number: '6', postcode: '2271AJ', city: 'Voorburg', email: 'ros.chambers@tealmail.example' }),
    spec: letter({
      id: 'L-12', language: 'en', scan: { rotateDeg: -1.5, grain: 10, blur: 1.1, seed: 22, signature: true, hand: true },
      sender: ['Rosalind Chambers', 'Parkweg 6', '2271 AJ Voorburg', 'ros.chambers@tealmail.example'],
      date: '14 November 2026', subject: 'DigiD application',
      body: ['Dear Sir or Madam,', 'I tried to apply for a DigiD but the website said my details could not be\nchecked. I have lived here for two years. What should I do?'],
      closing: 'With kind regards,', signed: ['Rosalind Chambers'],
    }),
  },
  {
    id: 'L-13', kind: 'letter_poor_print',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Hendrik Klaver', street: 'Grote Markt', house_number: '5', postcode: '1621AB', city: 'Hoorn', email: 'h.klaver@westfriesmail.test', phones: ['+31229213388'] }),
    spec: letter({
      id: 'L-13', language: 'nl', scan: { rotateDeg: 2.5, grain: 18, speckle: 0.002, jpegQuality: 55, seed: 23, signature: true, stains: [[1700, 900, 260, 160, 0.18], [600, 2900, 220, 140, 0.14]], stainOver: [['last', 0.2]] },
      sender: ['H. Klaver', 'Grote Markt 5', '1621 AB Hoorn', 'tel 0229 21 33 88', 'h.klaver@westfriesmail.test'],
      date: 'Hoorn, 15 november 2026', subject: 'Betreft: wachtwoord',
      body: ['Geachte heer/mevrouw,', 'Mijn account is geblokkeerd na drie keer een verkeerd wachtwoord. Hoe lang\nduurt het voordat ik weer kan inloggen? Ik wacht op mijn toeslag.'],
      closing: 'Met vriendelijke groet,', signed: ['Hendrik Klaver'],
    }),
  },
  // ───────── ordinary letters ─────────
  {
    id: 'L-14', kind: 'control_letter',
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Cor de Ridder', street: 'Kerkstraat', house_number: '33', postcode: '4191AC', city: 'Geldermalsen', phones: ['+31345573390'] }),
    spec: letter({
      id: 'L-14', language: 'nl', scan: plain(24),
      sender: ['Cor de Ridder', 'Kerkstraat 33', '4191 AC Geldermalsen', 'Telefoon: 0345 - 57 33 90'],
      date: 'Geldermalsen, 10 november 2026', subject: 'Betreft: Berichtenbox',
      body: ['Geachte heer, mevrouw,', 'Ik krijg geen e-mail meer als er post in mijn Berichtenbox staat. Daardoor\nheb ik een aanmaning van de gemeente gemist. Hoe kan ik dit oplossen?'],
      closing: 'Met vriendelijke groet,', signed: ['Cor de Ridder'],
    }),
  },
  {
    id: 'L-15', kind: 'control_letter',
    expected: exp('nl', 'privacy_verzoek', { name: 'Ellen Dijkstra', street: 'Oosterstraat', house_number: '18', postcode: '9711NV', city: 'Groningen', bsn: '183746259' }),
    spec: letter({
      id: 'L-15', language: 'nl', scan: plain(25),
      sender: ['E.M. Dijkstra', 'Oosterstraat 18', '9711 NV Groningen'],
      date: 'Groningen, 11 november 2026', subject: 'Betreft: verzoek om inzage (AVG)',
      body: ['Geachte heer/mevrouw,', 'Hierbij verzoek ik u om een overzicht van alle keren dat met mijn DigiD is\ningelogd sinds 1 januari 2025.', 'Mijn burgerservicenummer is 183746259. Uw eerdere brief had kenmerk\n2026/KCC/418273659.'],
      closing: 'Hoogachtend,', signed: ['Ellen Dijkstra'],
    }),
  },
  {
    id: 'L-16', kind: 'control_letter',
    expected: exp('nl', 'digid_aanvragen', { name: 'Mustafa Demir', street: 'Boezemweg', house_number: '70', postcode: '3012CN', city: 'Rotterdam', phones: ['+31687345120'] }),
    spec: letter({
      id: 'L-16', language: 'nl', scan: { ...plain(26), rotateDeg: -0.6 },
      sender: [{ text: 'Mustafa Demir', indent: 1150 }, { text: 'Boezemweg 70', indent: 1150 }, { text: '3012CN Rotterdam', indent: 1150 }, { text: '06 8734 5120', indent: 1150 }],
      date: 'Rotterdam, 13 november 2026', subject: 'Betreft: DigiD aanvraag',
      body: ['Geachte heer/mevrouw,', 'Ik heb twee weken geleden een DigiD aangevraagd maar nog geen brief gekregen.\nMijn aanvraagnummer is 5519-2837. Kunt u kijken wat er mis is gegaan?'],
      closing: 'Met vriendelijke groet,', signed: ['M. Demir'],
    }),
  },
  {
    id: 'L-17', kind: 'letter_name',
    expected: exp('nl', 'digid_app', { name: 'Lieke Klaassen', street: 'Emmastraat', house_number: '45', postcode: '7513BD', city: 'Enschede', phones: ['+31534307761'] }),
    spec: letter({
      id: 'L-17', language: 'nl', scan: { ...plain(27), grain: 12, stainOver: [['first', 0.32]] },
      sender: ['Lieke Klaassen', 'Emmastraat 45', '7513 BD Enschede', '053 - 430 77 61'],
      date: 'Enschede, 25 november 2026', subject: 'Betreft: DigiD app',
      body: ['Geachte heer/mevrouw,', 'Ik heb de DigiD app verwijderd omdat mijn telefoon vol was. Als ik hem\nopnieuw installeer, moet ik dan weer een brief aanvragen?'],
      closing: 'Met vriendelijke groet,', signed: ['L. Klaassen'],
    }),
  },
  {
    id: 'L-18', kind: 'letter_email',
    expected: exp('nl', 'digid_aanvragen', { name: 'Ilona Molenaar', street: 'Hillegomstraat', house_number: '11', postcode: '2151BT', city: 'Nieuw-Vennep', email: 'ilona.molenaar1971@hollandpost.test' }),
    spec: letter({
      id: 'L-18', language: 'nl', scan: { ...plain(28), jpegQuality: 60, grain: 12 },
      sender: ['I. MOLENAAR', 'HILLEGOMSTRAAT 11', '2151 BT  NIEUW-VENNEP'],
      date: 'Nieuw-Vennep, 26 november 2026', subject: 'DigiD AANVRAGEN',
      body: ['Geachte heer/mevrouw,', 'Ik woon sinds kort weer in Nederland na tien jaar in Spanje. Moet ik een\nnieuwe DigiD aanvragen of werkt mijn oude nog?', 'U kunt mij mailen op het adres hieronder.'],
      closing: 'Met vriendelijke groet,', signed: ['Ilona Molenaar', 'E-mail: ilona.molenaar1971@hollandpost.test'],
    }),
  },
];
