/**
 * The blind set's e-mails, written by hand for issue 13: representatives, forwards as
 * message/rfc822 attachments, quoted history, non-cases, signature images, and ordinary
 * mail as controls. Every person, address and number is invented; valid-elfproef BSNs
 * appear only where a BSN is meant to be found.
 */
import { addr, alternative, quote, renderMessage, type Part } from '../lib/mime.ts';
import { errorScreenshot, signaturePhoto, signatureScan } from '../lib/images.ts';
import { exp, type Expected, type Kind } from './types.ts';

export interface EmailCase {
  id: string;
  kind: Kind;
  build: () => Promise<Buffer>;
  expected: Expected;
}

const KCC = 'intake@kcc.test';
const KCC_FROM = addr('KCC Logius', KCC);

const KCC_SIGNATURE_NL = `Met vriendelijke groet,

Klantcontactcentrum Logius
Postbus 30250
2500 GG Den Haag
T 088 900 1234 (werkdagen 8.00-17.00 uur)`;

const KCC_SIGNATURE_EN = `Kind regards,

Logius Customer Contact Centre
PO Box 30250
2500 GG The Hague
T +31 88 900 1234`;

interface MailInput {
  id: string;
  kind: Kind;
  from: [string | null, string];
  to?: string;
  subject: string;
  date: string;
  text: string;
  html?: string;
  /** plain: text/plain only; alt: multipart/alternative (default). */
  form?: 'plain' | 'alt';
  encoding?: 'quoted-printable' | 'base64' | '8bit';
  attachments?: () => Promise<Part[]>;
  headers?: Array<[string, string]>;
  inReplyTo?: string;
  expected: Expected;
}

function mail(m: MailInput): EmailCase {
  return {
    id: m.id,
    kind: m.kind,
    expected: m.expected,
    build: async () => {
      const main: Part = m.form === 'plain' ? { kind: 'text', subtype: 'plain', text: m.text, encoding: m.encoding } : alternative(m.text, { html: m.html, encoding: m.encoding });
      const atts = m.attachments ? await m.attachments() : [];
      const body: Part = atts.length ? { kind: 'multipart', subtype: 'mixed', parts: [main, ...atts] } : main;
      return renderMessage({
        from: addr(m.from[0], m.from[1]),
        to: m.to ?? KCC,
        subject: m.subject,
        date: m.date,
        messageId: `${m.id.toLowerCase()}.${m.from[1].split('@')[1]}@mail.test`,
        inReplyTo: m.inReplyTo,
        references: m.inReplyTo ? `<${m.inReplyTo}>` : undefined,
        headers: m.headers,
        body,
      });
    },
  };
}

/** The original message a forwarder attaches as message/rfc822. */
function original(o: { from: [string | null, string]; to: string; subject: string; date: string; text: string; id: string; html?: boolean }): Buffer {
  return renderMessage({
    from: addr(o.from[0], o.from[1]),
    to: o.to,
    subject: o.subject,
    date: o.date,
    messageId: `${o.id}@${o.from[1].split('@')[1]}`,
    body: o.html ? alternative(o.text) : { kind: 'text', subtype: 'plain', text: o.text },
  });
}

export const EMAILS: EmailCase[] = [
  // ───────────── 4. representatives ─────────────
  mail({
    id: 'E4-01', kind: 'email_representative', from: ['Sanne Mulder', 'sanne.mulder@gmail.test'],
    subject: 'Mijn moeder kan niet meer inloggen', date: 'Mon, 2 Nov 2026 09:14:22 +0100',
    text: `Goedemorgen,

Ik schrijf u namens mijn moeder, mevrouw Gerda Mulder-van Leeuwen (82). Zij woont aan de Beukenlaan 14, 7412 KT Deventer.

Mijn moeder is haar DigiD-wachtwoord vergeten en het lukt ons niet om een nieuw wachtwoord aan te vragen, omdat de sms naar een oud nummer gaat dat zij niet meer heeft.

Mijn moeder heeft zelf geen e-mail. U kunt mij bellen op 06-41227890 als u meer informatie nodig heeft.

Met vriendelijke groet,
Sanne Mulder`,
    expected: exp('nl', 'digid_wachtwoord', { name: 'Gerda Mulder-van Leeuwen', street: 'Beukenlaan', house_number: '14', postcode: '7412KT', city: 'Deventer', on_behalf_of: 'Sanne Mulder' }),
  }),
  mail({
    id: 'E4-02', kind: 'email_representative', from: ['Linda Bakker', 'linda.bakker78@outlook.test'],
    subject: 'Machtiging voor mijn moeder', date: 'Tue, 3 Nov 2026 20:41:05 +0100', form: 'plain',
    text: `Beste mensen,

Mijn moeder, Truus Bakker, wil dat ik haar belastingaangifte en haar zorgtoeslag ga regelen. Zij heeft een DigiD maar weet niet hoe ze mij kan machtigen.

Gegevens van mijn moeder:
Truus Bakker
Dorpsstraat 3
1741 BC Schagen
tel. 0224-123456

Kunt u uitleggen hoe DigiD Machtigen werkt en wat mijn moeder daarvoor moet doen?

Groetjes,
Linda Bakker
06 55 12 90 33`,
    expected: exp('nl', 'digid_machtigen', { name: 'Truus Bakker', street: 'Dorpsstraat', house_number: '3', postcode: '1741BC', city: 'Schagen', phones: ['+31224123456'], on_behalf_of: 'Linda Bakker' }),
  }),
  mail({
    id: 'E4-03', kind: 'email_representative', from: ['Emma Wilson', 'emma.wilson@outlook.test'],
    subject: 'DigiD activation code for my mother', date: 'Wed, 4 Nov 2026 13:02:40 +0000',
    text: `Hello,

I am writing on behalf of my mother, Mrs Anneke de Graaf, who lives at Spoorlaan 88, 5038 CC Tilburg. She does not use e-mail herself.

She received a letter with a DigiD activation code, but the code expired before she could use it because she was in hospital. Could a new code be sent to her address?

I live in the UK, so please contact me by e-mail or on +44 7700 900123.

Best wishes,
Emma Wilson`,
    expected: exp('en', 'digid_activeren', { name: 'Anneke de Graaf', street: 'Spoorlaan', house_number: '88', postcode: '5038CC', city: 'Tilburg', on_behalf_of: 'Emma Wilson' }),
  }),
  mail({
    id: 'E4-04', kind: 'email_representative', from: ['Marian Koster', 'm.koster@ziggo.example'],
    subject: 'Berichtenbox van mijn zoon', date: 'Thu, 5 Nov 2026 08:30:11 +0100',
    text: `Geachte heer/mevrouw,

Mijn zoon Thijs Koster (24) woont sinds september op kamers: Oosterstraat 51b, 9711 NR Groningen. Hij krijgt de berichten in zijn Berichtenbox niet meer te zien; de Berichtenbox blijft leeg terwijl de gemeente zegt dat er een brief is verstuurd.

Thijs heeft mij gevraagd u te mailen omdat hij midden in zijn tentamens zit. Zijn BSN is 616085692. Wilt u hem rechtstreeks antwoorden op thijs.koster@student.test?

Hartelijk dank,
Marian Koster
Tel. 050-3134455`,
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Thijs Koster', street: 'Oosterstraat', house_number: '51b', postcode: '9711NR', city: 'Groningen', email: 'thijs.koster@student.test', bsn: '616085692', on_behalf_of: 'Marian Koster' }),
  }),
  mail({
    id: 'E4-05', kind: 'email_representative', from: ['Grace Okafor', 'grace.okafor@yahoo.test'],
    subject: 'DigiD app for my son', date: 'Thu, 5 Nov 2026 17:55:09 +0100',
    text: `Dear Logius,

I am writing on behalf of my son, Daniel Okafor, who is 19 and is currently in hospital after an accident. His DigiD app stopped working after he got a new phone and he needs it to arrange his student finance.

You can reach Daniel himself at daniel.okafor@gmail.test or on his mobile 06 28 33 41 07. He has asked me to write because he cannot type much at the moment.

Kind regards,
Grace Okafor`,
    expected: exp('en', 'digid_app', { name: 'Daniel Okafor', email: 'daniel.okafor@gmail.test', phones: ['+31628334107'], on_behalf_of: 'Grace Okafor' }),
  }),
  mail({
    id: 'E4-06', kind: 'email_representative', from: ['Rob van Dijk', 'rob.vandijk@kpnmail.test'],
    subject: 'DigiD aanvragen voor mijn dochter (15)', date: 'Fri, 6 Nov 2026 10:12:44 +0100',
    text: `Hallo,

Mijn dochter Noor van Dijk is 15 jaar en heeft voor school een DigiD nodig. Wij wonen op het Kerkplein 2, 3811 EK Amersfoort.

Het BSN van Noor is 693511990. Mijn eigen BSN is 722456086, voor het geval u moet controleren dat ik haar vader ben.

Kan ik de aanvraag voor haar doen, of moet zij dat zelf?

Met vriendelijke groet,
Rob van Dijk
06-20304050`,
    expected: exp('nl', 'digid_aanvragen', { name: 'Noor van Dijk', street: 'Kerkplein', house_number: '2', postcode: '3811EK', city: 'Amersfoort', bsn: '693511990', on_behalf_of: 'Rob van Dijk' }),
  }),
  mail({
    id: 'E4-07', kind: 'email_representative', from: ['Sarah Meijer', 'sarah.meijer@icloud.test'],
    subject: 'DigiD for my son Lucas', date: 'Fri, 6 Nov 2026 21:03:18 +0100',
    text: `Hi,

My son Lucas Meijer (12) needs his own DigiD to log in to his health insurer's website. We live at Havenstraat 19, 1271 AD Huizen.

Lucas's BSN: 906572897
My BSN: 112624819

Can I apply for him, and will the letter come in his name?

Thanks,
Sarah Meijer`,
    expected: exp('en', 'digid_aanvragen', { name: 'Lucas Meijer', street: 'Havenstraat', house_number: '19', postcode: '1271AD', city: 'Huizen', bsn: '906572897', on_behalf_of: 'Sarah Meijer' }),
  }),
  mail({
    id: 'E4-08', kind: 'email_representative', from: ['Ayse Yilmaz', 'ayse.yilmaz@hotmail.example'],
    subject: 'vraag over DigiD van mijn zoon', date: 'Sat, 7 Nov 2026 11:47:30 +0100', form: 'plain',
    text: `Goedendag,

Mijn BSN is 606371412 en dat van mijn zoon Milan Yilmaz is 176742931. Milan is 14 jaar. Hij wil een DigiD aanvragen om zijn zorgverzekering te kunnen bekijken, maar de website zegt dat hij te jong is.

Ons adres is Zonnebloemstraat 27, 2563 RK Den Haag.

Klopt het dat hij nog geen DigiD mag aanvragen?

Groet,
Ayse Yilmaz`,
    expected: exp('nl', 'digid_aanvragen', { name: 'Milan Yilmaz', street: 'Zonnebloemstraat', house_number: '27', postcode: '2563RK', city: 'Den Haag', bsn: '176742931', on_behalf_of: 'Ayse Yilmaz' }),
  }),
  mail({
    id: 'E4-09', kind: 'email_representative', from: ['Peter Smits', 'peter.smits@xs4all.test'],
    subject: 'Machtigen voor mijn vader', date: 'Mon, 9 Nov 2026 07:58:02 +0100',
    text: `Geachte medewerker,

Namens mijn vader, de heer Hendrik Smits, Molenstraat 45, 6811 GH Arnhem, telefoon 026-3512244.

Mijn vader heeft beginnende dementie en ik wil zijn zaken met de overheid gaan regelen. Hij heeft een DigiD. Hoe kan ik gemachtigd worden, en moet hij daarvoor zelf iets doen?

Met vriendelijke groet,

Peter Smits
Mobiel: 06-11122233`,
    expected: exp('nl', 'digid_machtigen', { name: 'Hendrik Smits', street: 'Molenstraat', house_number: '45', postcode: '6811GH', city: 'Arnhem', phones: ['+31263512244'], on_behalf_of: 'Peter Smits' }),
  }),
  mail({
    id: 'E4-10', kind: 'email_representative', from: ['Maria Hendriks', 'maria.hendriks@planet.test'],
    subject: 'Message in Berichtenbox for my neighbour', date: 'Mon, 9 Nov 2026 14:20:57 +0100',
    text: `Good afternoon,

I volunteer for my elderly neighbour, Mr Jozef Kowalski (Lindenhof 6, 6226 AB Maastricht), who does not speak Dutch well. He received a notification that there is a message in his Berichtenbox, but when he logs in to MijnOverheid the message cannot be opened.

Could you tell us what to do? He is fine with me writing to you about this.

Kind regards,
Maria Hendriks`,
    expected: exp('en', 'mijnoverheid_berichtenbox', { name: 'Jozef Kowalski', street: 'Lindenhof', house_number: '6', postcode: '6226AB', city: 'Maastricht', on_behalf_of: 'Maria Hendriks' }),
  }),
  mail({
    id: 'E4-11', kind: 'email_representative', from: ['Karin Jansen', 'karin.jansen@gmail.test'],
    subject: 'Activeringsbrief kwijt - moeder', date: 'Tue, 10 Nov 2026 19:33:40 +0100',
    text: `Beste,

Ik mail voor mijn moeder, Wilhelmina Jansen. Zij heeft vorige week een DigiD aangevraagd, maar de activeringsbrief is kwijtgeraakt bij het opruimen.

Mijn moeder heeft wel een eigen e-mailadres: w.jansen1948@hetnet.test, en haar vaste nummer is 0591-612345. Kan er een nieuwe brief worden gestuurd?

Vriendelijke groet,
Karin Jansen`,
    expected: exp('nl', 'digid_activeren', { name: 'Wilhelmina Jansen', email: 'w.jansen1948@hetnet.test', phones: ['+31591612345'], on_behalf_of: 'Karin Jansen' }),
  }),
  mail({
    id: 'E4-12', kind: 'email_representative', from: ['Bram Hofman', 'bram.hofman@ziggo.example'],
    subject: 'Inloggen met DigiD app lukt niet', date: 'Wed, 11 Nov 2026 12:05:19 +0100',
    text: `Hallo,

Mijn moeder heeft mij gisteren geholpen de DigiD app te installeren op mijn nieuwe telefoon, maar als ik wil inloggen krijg ik de melding "De app is niet geactiveerd".

Ik woon op de Weverstraat 8, 7545 AR Enschede en ben bereikbaar op 06-98765432.

Groet,
Bram Hofman`,
    // He writes for himself; his mother is only mentioned.
    expected: exp('nl', 'digid_app', { name: 'Bram Hofman', street: 'Weverstraat', house_number: '8', postcode: '7545AR', city: 'Enschede', email: 'bram.hofman@ziggo.example', phones: ['+31698765432'] }),
  }),
  mail({
    id: 'E4-13', kind: 'email_representative', from: ['Joost Peeters', 'j.peeters@bewindvoering-peeters.test'],
    subject: 'Machtiging namens cliënt', date: 'Thu, 12 Nov 2026 09:41:33 +0100',
    text: `Geachte heer/mevrouw,

Als beschermingsbewindvoerder van mevrouw Fatima el Amrani, wonende Pijnackerstraat 31, 3035 GR Rotterdam, wil ik namens haar de zaken met de Belastingdienst en de gemeente regelen.

Kunt u mij laten weten hoe ik als bewindvoerder een machtiging via DigiD Machtigen kan krijgen? De beschikking van de kantonrechter kan ik meesturen.

Met vriendelijke groet,

J. Peeters
Bewindvoering Peeters
Tel. 010-4112233`,
    expected: exp('nl', 'digid_machtigen', { name: 'Fatima el Amrani', street: 'Pijnackerstraat', house_number: '31', postcode: '3035GR', city: 'Rotterdam', on_behalf_of: 'Joost Peeters' }),
  }),

  // ───────────── 5. forwarded as an attachment (message/rfc822) ─────────────
  mail({
    id: 'E5-01', kind: 'email_rfc822_forward', from: ['Gemeente Zeewolde', 'info@gemeente-zeewolde.test'],
    subject: 'Fw: vraag over DigiD', date: 'Mon, 2 Nov 2026 11:20:00 +0100',
    text: `Beste collega's van het KCC,

Bijgaand een vraag van een inwoner over DigiD die wij niet kunnen beantwoorden. Wilt u deze verder afhandelen?

Met vriendelijke groet,
Team Publiekszaken
Gemeente Zeewolde`,
    attachments: async () => [{ kind: 'rfc822', filename: 'vraag over DigiD.eml', raw: original({
      id: 'orig-501', from: ['Kees Vermeulen', 'kees.vermeulen@ziggo.example'], to: 'info@gemeente-zeewolde.test', subject: 'vraag over DigiD', date: 'Fri, 30 Oct 2026 16:02:11 +0100',
      text: `Goedemiddag,

Ik ben mijn DigiD-wachtwoord vergeten. Als ik een nieuw wachtwoord aanvraag krijg ik geen sms. Kunnen jullie mij helpen?

Kees Vermeulen
Zuiderzeestraat 18
3891 AB Zeewolde
06-19283746`,
    }) }],
    expected: exp('nl', 'digid_wachtwoord', { name: 'Kees Vermeulen', street: 'Zuiderzeestraat', house_number: '18', postcode: '3891AB', city: 'Zeewolde', email: 'kees.vermeulen@ziggo.example', phones: ['+31619283746'] }),
  }),
  mail({
    id: 'E5-02', kind: 'email_rfc822_forward', from: ['Helpdesk', 'helpdesk@belastingen.example'],
    subject: 'FW: Problem with DigiD app', date: 'Mon, 2 Nov 2026 15:44:31 +0100',
    text: `Hello,

Forwarding the message below to you, as this question is about the DigiD app and not about taxes.

Regards,
Helpdesk`,
    attachments: async () => [{ kind: 'rfc822', filename: 'Problem with DigiD app.eml', raw: original({
      id: 'orig-502', from: ['Priya Raman', 'priya.raman@gmail.test'], to: 'helpdesk@belastingen.example', subject: 'Problem with DigiD app', date: 'Sun, 1 Nov 2026 10:15:00 +0100', html: true,
      text: `Dear helpdesk,

When I try to scan the QR code on my laptop with the DigiD app, the app says "QR code not valid". I have updated the app.

Best regards,
Priya Raman
Stationsplein 101
2011 LR Haarlem
+31 6 4455 6677`,
    }) }],
    expected: exp('en', 'digid_app', { name: 'Priya Raman', street: 'Stationsplein', house_number: '101', postcode: '2011LR', city: 'Haarlem', email: 'priya.raman@gmail.test', phones: ['+31644556677'] }),
  }),
  mail({
    id: 'E5-03', kind: 'email_rfc822_forward', from: ['Digicoach Bibliotheek Noord', 'digicoach@bibliotheek-noord.test'],
    subject: 'Doorgestuurd: Berichtenbox', date: 'Tue, 3 Nov 2026 10:03:52 +0100',
    text: `Goedemorgen,

Deze vraag kregen wij binnen via ons spreekuur. Wij sturen hem op verzoek van de klant aan u door.

Digicoach Bibliotheek Noord`,
    attachments: async () => [{ kind: 'rfc822', filename: 'Berichtenbox.eml', raw: original({
      id: 'orig-503', from: ['Johan de Wit', 'jdewit@kpnmail.test'], to: 'digicoach@bibliotheek-noord.test', subject: 'Berichtenbox', date: 'Mon, 2 Nov 2026 19:12:00 +0100',
      text: `Hallo,

Ik krijg steeds een mail dat er een nieuw bericht in mijn Berichtenbox staat, maar als ik in MijnOverheid kijk is de Berichtenbox leeg.

Johan de Wit
Kloosterstraat 12, 9101 AV Dokkum
tel 0519-221133`,
    }) }],
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Johan de Wit', street: 'Kloosterstraat', house_number: '12', postcode: '9101AV', city: 'Dokkum', email: 'jdewit@kpnmail.test', phones: ['+31519221133'] }),
  }),
  mail({
    id: 'E5-04', kind: 'email_rfc822_forward', from: ['Annemiek Bos', 'a.bos@uitkeringsinstantie.test'],
    subject: 'Doorst: eHerkenning aanvragen', date: 'Wed, 4 Nov 2026 09:05:10 +0100', form: 'plain',
    text: `Goedemorgen,

Onderstaande mail kwam binnen in onze algemene mailbox. Dit is een vraag voor Logius, dus ik stuur hem ter afhandeling aan u door.

Met vriendelijke groet,
Annemiek Bos
Klantcontact`,
    attachments: async () => [{ kind: 'rfc822', filename: 'eHerkenning aanvragen.eml', raw: original({
      id: 'orig-504', from: ['Fenna Post', 'fenna.post@outlook.test'], to: 'klantcontact@uitkeringsinstantie.test', subject: 'eHerkenning aanvragen', date: 'Tue, 3 Nov 2026 22:40:00 +0100',
      text: `Beste,

Voor mijn eenmanszaak (KvK 71234567) moet ik eHerkenning niveau 3 hebben om een aanvraag te doen. Waar vraag ik dat aan en wat kost het?

Groet,
Fenna Post
Sluisweg 6
8251 GL Dronten
06 31 41 59 26`,
    }) }],
    expected: exp('nl', 'eherkenning', { name: 'Fenna Post', street: 'Sluisweg', house_number: '6', postcode: '8251GL', city: 'Dronten', email: 'fenna.post@outlook.test', phones: ['+31631415926'] }),
  }),
  mail({
    id: 'E5-05', kind: 'email_rfc822_forward', from: ['Frontoffice Gemeente Utrecht', 'frontoffice@gemeente-utrecht.test'],
    subject: 'Fwd: activation code DigiD', date: 'Wed, 4 Nov 2026 14:10:00 +0100',
    text: `Dear KCC,

Please see the attached message from a resident. We were unable to help him at our desk.

Kind regards,
Front office`,
    attachments: async () => [{ kind: 'rfc822', filename: 'activation code DigiD.eml', raw: original({
      id: 'orig-505', from: ['Tomasz Nowak', 'tomasz.nowak@wp.test'], to: 'frontoffice@gemeente-utrecht.test', subject: 'activation code DigiD', date: 'Tue, 3 Nov 2026 08:55:00 +0100', html: true,
      text: `Hello,

I applied for DigiD two weeks ago but I did not receive the activation letter. My address is Vleutenseweg 200, 3532 HM Utrecht.

Thank you,
Tomasz Nowak`,
    }) }],
    expected: exp('en', 'digid_activeren', { name: 'Tomasz Nowak', street: 'Vleutenseweg', house_number: '200', postcode: '3532HM', city: 'Utrecht', email: 'tomasz.nowak@wp.test' }),
  }),
  mail({
    id: 'E5-06', kind: 'email_rfc822_forward', from: ['Postkamer Waterschap Vallei', 'post@waterschap-vallei.test'],
    subject: 'FW: aanvraag DigiD', date: 'Thu, 5 Nov 2026 10:30:00 +0100', form: 'plain',
    text: `Geachte heer/mevrouw,

Deze mail is abusievelijk bij ons binnengekomen. Wij sturen hem door naar u.

Postkamer Waterschap Vallei`,
    attachments: async () => [{ kind: 'rfc822', filename: 'aanvraag DigiD.eml', raw: original({
      id: 'orig-506', from: ['Dirk Brands', 'dirk.brands@kpnplanet.test'], to: 'post@waterschap-vallei.test', subject: 'aanvraag DigiD', date: 'Wed, 4 Nov 2026 17:20:00 +0100',
      text: `Goedemiddag,

Ik wil graag een DigiD aanvragen. Mijn BSN is 177836465 en mijn adres is Grebbeweg 14, 3911 AV Rhenen.

Eventuele kosten kunnen van mijn rekening NL91ABNA0417164300 worden afgeschreven.

Met vriendelijke groet,
Dirk Brands`,
    }) }],
    expected: exp('nl', 'digid_aanvragen', { name: 'Dirk Brands', street: 'Grebbeweg', house_number: '14', postcode: '3911AV', city: 'Rhenen', email: 'dirk.brands@kpnplanet.test', bsn: '177836465' }),
  }),
  mail({
    id: 'E5-07', kind: 'email_rfc822_forward', from: ['Informatiepunt Provincie', 'informatiepunt@provincie-nb.test'],
    subject: 'FW: personal data request', date: 'Thu, 5 Nov 2026 16:12:45 +0100',
    text: `Hello,

The attached request is addressed to Logius rather than to the province. Forwarded for your handling.

Informatiepunt`,
    attachments: async () => [{ kind: 'rfc822', filename: 'personal data request.eml', raw: original({
      id: 'orig-507', from: ['Oliver Brandt', 'oliver.brandt@gmx.test'], to: 'informatiepunt@provincie-nb.test', subject: 'personal data request', date: 'Thu, 5 Nov 2026 09:00:00 +0100',
      text: `To whom it may concern,

Under Article 15 GDPR I request access to all personal data Logius holds about me, including the DigiD login history.

Oliver Brandt
Wilhelminastraat 9
4818 SK Breda
+31 6 5512 3390`,
    }) }],
    expected: exp('en', 'privacy_verzoek', { name: 'Oliver Brandt', street: 'Wilhelminastraat', house_number: '9', postcode: '4818SK', city: 'Breda', email: 'oliver.brandt@gmx.test', phones: ['+31655123390'] }),
  }),
  mail({
    id: 'E5-08', kind: 'email_rfc822_forward', from: ['Secretariaat Ombudsman', 'secretariaat@ombudsman-regio.test'],
    subject: 'Doorgestuurd: klacht over bereikbaarheid', date: 'Fri, 6 Nov 2026 11:11:11 +0100',
    text: `Geachte heer/mevrouw,

De bijgevoegde klacht betreft uw organisatie. Wij verzoeken u de klacht in eerste lijn zelf te behandelen.

Secretariaat`,
    attachments: async () => [{ kind: 'rfc822', filename: 'klacht.eml', raw: original({
      id: 'orig-508', from: ['Ingrid Schouten', 'ingrid.schouten@live.test'], to: 'secretariaat@ombudsman-regio.test', subject: 'klacht over bereikbaarheid', date: 'Thu, 5 Nov 2026 20:30:00 +0100',
      text: `Geachte ombudsman,

Ik wil een klacht indienen over de telefonische bereikbaarheid van de DigiD-helpdesk. Ik heb vier keer meer dan een half uur gewacht en ben daarna steeds afgebroken.

Ingrid Schouten
Parallelweg 4
5223 AL 's-Hertogenbosch`,
    }) }],
    expected: exp('nl', 'klacht', { name: 'Ingrid Schouten', street: 'Parallelweg', house_number: '4', postcode: '5223AL', city: "'s-Hertogenbosch", email: 'ingrid.schouten@live.test' }),
  }),
  mail({
    id: 'E5-09', kind: 'email_rfc822_forward', from: ['Balie Gemeente Hoorn', 'balie@gemeente-hoorn.test'],
    subject: 'Fw: meldingen MijnOverheid', date: 'Mon, 9 Nov 2026 09:09:09 +0100',
    text: `Goedemorgen,

Zie bijlage, doorgestuurd ter afhandeling.

Balie Burgerzaken`,
    attachments: async () => [{ kind: 'rfc822', filename: 'meldingen MijnOverheid.eml', raw: original({
      id: 'orig-509', from: [null, 'r.hoekman@live.test'], to: 'balie@gemeente-hoorn.test', subject: 'meldingen MijnOverheid', date: 'Sat, 7 Nov 2026 13:45:00 +0100',
      text: `Hallo,

Ik wil het e-mailadres waarop ik meldingen van MijnOverheid krijg veranderen, maar ik kan de instelling niet vinden. Mijn oude adres bestaat niet meer.

Met vriendelijke groet,
Rianne Hoekman`,
    }) }],
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Rianne Hoekman', email: 'r.hoekman@live.test' }),
  }),

  // ───────────── 6. quoted history ─────────────
  mail({
    id: 'E6-01', kind: 'email_quoted_history', from: ['Anouk Smit', 'anouk.smit@gmail.test'],
    subject: 'Re: KCC-2026-004512 activeringscode', date: 'Thu, 12 Nov 2026 10:40:00 +0100', inReplyTo: 'ack-4512@kcc.test', form: 'plain',
    text: `Hallo,

De nieuwe brief is nog steeds niet aangekomen. Kunt u nog eens kijken?

Anouk

Op di 10 nov 2026 om 14:02 schreef KCC Logius <${KCC}>:
${quote(`Beste mevrouw Smit,

Wij hebben een nieuwe activeringsbrief voor u aangevraagd. U ontvangt deze binnen vijf werkdagen.

${KCC_SIGNATURE_NL}

Op ma 9 nov 2026 om 09:15 schreef Anouk Smit <anouk.smit@gmail.test>:
${quote(`Goedemorgen,

Mijn activeringscode voor DigiD is verlopen. Kan ik een nieuwe krijgen?

Anouk Smit
Veldweg 7
8331 KL Steenwijk`)}`)}`,
    expected: exp('nl', 'digid_activeren', { name: 'Anouk Smit', street: 'Veldweg', house_number: '7', postcode: '8331KL', city: 'Steenwijk', email: 'anouk.smit@gmail.test' }),
  }),
  mail({
    id: 'E6-02', kind: 'email_quoted_history', from: ['Mark Evans', 'mark.evans@outlook.test'],
    subject: 'RE: DigiD application', date: 'Thu, 12 Nov 2026 16:25:00 +0100', inReplyTo: 'reply-8830@kcc.test',
    text: `Thanks. I did register with the municipality last week. What is the next step?

Mark

On Tue, 10 Nov 2026 at 11:20, KCC Logius <${KCC}> wrote:
${quote(`Dear Mr Evans,

To apply for a DigiD you must first be registered in the Personal Records Database (BRP) of your municipality.

${KCC_SIGNATURE_EN}

On Mon, 9 Nov 2026 at 08:05, Mark Evans <mark.evans@outlook.test> wrote:
${quote(`Hello,

I moved to the Netherlands recently and want to apply for a DigiD. The website does not accept my details.

Mark Evans
Laan van Meerdervoort 300
2563 BG Den Haag
phone +31 6 3344 5566`)}`)}`,
    expected: exp('en', 'digid_aanvragen', { name: 'Mark Evans', street: 'Laan van Meerdervoort', house_number: '300', postcode: '2563BG', city: 'Den Haag', email: 'mark.evans@outlook.test', phones: ['+31633445566'] }),
  }),
  mail({
    id: 'E6-03', kind: 'email_quoted_history', from: ['Pieter Dekker', 'pieter.dekker@ziggo.example'],
    subject: 'Re: KCC-2026-003301 wachtwoord', date: 'Fri, 13 Nov 2026 09:02:00 +0100', inReplyTo: 'reply-3301@kcc.test', form: 'plain',
    text: `Dank u, het is gelukt met het nieuwe wachtwoord. Maar nu vraagt de app om een code. Waar vind ik die?

Pieter Dekker

Op 11 nov 2026, om 15:30 heeft KCC Logius <${KCC}> het volgende geschreven:
${quote(`Beste heer Dekker,

U kunt een nieuw wachtwoord aanvragen via de website. Kiest u voor "Wachtwoord vergeten".

${KCC_SIGNATURE_NL}`)}`,
    // Only our own signature is quoted: its address and number are never the citizen's.
    expected: exp('nl', 'digid_wachtwoord', { name: 'Pieter Dekker', email: 'pieter.dekker@ziggo.example' }),
  }),
  mail({
    id: 'E6-04', kind: 'email_quoted_history', from: ['Yvonne Meester', 'yvonne.meester@kpnmail.test'],
    subject: 'Re: Re: Berichtenbox', date: 'Mon, 16 Nov 2026 12:00:00 +0100', inReplyTo: 'reply-7781@kcc.test', form: 'plain',
    text: `Het werkt nog steeds niet.

Op vr 13 nov 2026 om 10:00 schreef KCC Logius <${KCC}>:
${quote(`Beste mevrouw Meester,

Heeft u het al geprobeerd in een andere browser?

${KCC_SIGNATURE_NL}

Op do 12 nov 2026 om 21:14 schreef Yvonne Meester <yvonne.meester@kpnmail.test>:
${quote(`Ja, ik heb het bericht geprobeerd te openen maar dan gebeurt er niets.

Op do 12 nov 2026 om 09:00 schreef KCC Logius <${KCC}>:
${quote(`Beste mevrouw Meester,

Kunt u aangeven welk bericht het betreft?

${KCC_SIGNATURE_NL}

Op wo 11 nov 2026 om 19:45 schreef Yvonne Meester <yvonne.meester@kpnmail.test>:
${quote(`Goedenavond,

Ik kan een bericht in mijn Berichtenbox niet openen.

Yvonne Meester
Rozenstraat 44
1621 BT Hoorn
06-13572468`)}`)}`)}`)}`,
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Yvonne Meester', street: 'Rozenstraat', house_number: '44', postcode: '1621BT', city: 'Hoorn', email: 'yvonne.meester@kpnmail.test', phones: ['+31613572468'] }),
  }),
  mail({
    id: 'E6-05', kind: 'email_quoted_history', from: ['Sofia Rossi', 'sofia.rossi@gmail.test'],
    subject: 'Re: password DigiD (second try)', date: 'Tue, 17 Nov 2026 08:30:00 +0100', inReplyTo: 'sofia-1@gmail.test',
    text: `Hello again,

I have not had an answer to my message below. Could someone please reply?

Sofia

On 3 Nov 2026, at 08:40, Sofia Rossi <sofia.rossi@gmail.test> wrote:
${quote(`Dear Sir/Madam,

I forgot my DigiD password and the reset letter has not arrived after two weeks.

Sofia Rossi
Amstelveenseweg 500
1081 KL Amsterdam`)}`,
    expected: exp('en', 'digid_wachtwoord', { name: 'Sofia Rossi', street: 'Amstelveenseweg', house_number: '500', postcode: '1081KL', city: 'Amsterdam', email: 'sofia.rossi@gmail.test' }),
  }),
  mail({
    id: 'E6-06', kind: 'email_quoted_history', from: ['Erik Lammers', 'erik.lammers@home.test'],
    subject: 'Re: KCC-2026-005120', date: 'Tue, 17 Nov 2026 13:13:13 +0100', inReplyTo: 'reply-5120@kcc.test', form: 'plain',
    text: `Goedemiddag,

U kunt mij het beste bellen op 06-44556677, dan leg ik het uit.

Erik Lammers

Op 16-11-2026 om 11:00 schreef KCC Logius <${KCC}>:
${quote(`Beste heer Lammers,

Wij begrijpen uw vraag over de machtiging niet helemaal. Kunt u die toelichten?

${KCC_SIGNATURE_NL}

Op 15-11-2026 om 20:00 schreef Erik Lammers <erik.lammers@home.test>:
${quote(`Ik wil mijn buurman machtigen voor mijn zaken. Hoe doe ik dat?

Erik Lammers
Zandweg 81
3454 HB De Meern`)}`)}`,
    expected: exp('nl', 'digid_machtigen', { name: 'Erik Lammers', street: 'Zandweg', house_number: '81', postcode: '3454HB', city: 'De Meern', email: 'erik.lammers@home.test', phones: ['+31644556677'] }),
  }),
  mail({
    id: 'E6-07', kind: 'email_quoted_history', from: ['Nadia Benali', 'nadia.benali@outlook.test'],
    subject: 'RE: Uw vraag over eHerkenning', date: 'Wed, 18 Nov 2026 10:10:00 +0100', inReplyTo: 'reply-6611@kcc.test',
    text: `Beste,

Het gaat om niveau EH3. Zie mijn eerdere mail hieronder.

Nadia Benali

Op 17-11-2026 10:03 schreef KCC Logius <${KCC}>:
Beste mevrouw Benali,

Welk betrouwbaarheidsniveau heeft u nodig?

${KCC_SIGNATURE_NL}

Op 16-11-2026 18:22 schreef Nadia Benali <nadia.benali@outlook.test>:
Hallo,

Ik heb een kapsalon en moet eHerkenning aanvragen voor de gemeente. Waar kan dat?

Nadia Benali
Kapsalon Nadia
Hoofdstraat 130
2351 AM Leiderdorp
071-5891234`,
    html: `<html><body><div>Beste,</div><div><br></div><div>Het gaat om niveau EH3. Zie mijn eerdere mail hieronder.</div><div><br></div><div>Nadia Benali</div><div><br></div>
<div>Op 17-11-2026 10:03 schreef KCC Logius &lt;${KCC}&gt;:</div>
<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex"><div>Beste mevrouw Benali,</div><div><br></div><div>Welk betrouwbaarheidsniveau heeft u nodig?</div><div><br></div><div>Met vriendelijke groet,<br><br>Klantcontactcentrum Logius<br>Postbus 30250<br>2500 GG Den Haag<br>T 088 900 1234 (werkdagen 8.00-17.00 uur)</div>
<div><br></div><div>Op 16-11-2026 18:22 schreef Nadia Benali &lt;nadia.benali@outlook.test&gt;:</div>
<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex"><div>Hallo,</div><div><br></div><div>Ik heb een kapsalon en moet eHerkenning aanvragen voor de gemeente. Waar kan dat?</div><div><br></div><div>Nadia Benali<br>Kapsalon Nadia<br>Hoofdstraat 130<br>2351 AM Leiderdorp<br>071-5891234</div></blockquote></blockquote></body></html>`,
    expected: exp('nl', 'eherkenning', { name: 'Nadia Benali', street: 'Hoofdstraat', house_number: '130', postcode: '2351AM', city: 'Leiderdorp', email: 'nadia.benali@outlook.test', phones: ['+31715891234'] }),
  }),
  mail({
    id: 'E6-08', kind: 'email_quoted_history', from: ['James Walker', 'james.walker@btinternet.test'],
    subject: 'Re: KCC-2026-004999 complaint', date: 'Wed, 18 Nov 2026 19:45:00 +0000', inReplyTo: 'reply-4999@kcc.test', form: 'plain',
    text: `I am not satisfied with this answer and I would like my complaint to be handled formally.

James Walker

On Tue, 17 Nov 2026 at 15:00, KCC Logius <${KCC}> wrote:
${quote(`Dear Mr Walker,

Thank you for your message. Your case number is KCC-2026-004999. We are sorry you had to wait.

${KCC_SIGNATURE_EN}

On Mon, 16 Nov 2026 at 10:10, James Walker <james.walker@btinternet.test> wrote:
${quote(`I want to complain about the way I was treated on the phone by your helpdesk.

Regards,
James Walker
Bloemgracht 70
1015 TN Amsterdam`)}`)}`,
    expected: exp('en', 'klacht', { name: 'James Walker', street: 'Bloemgracht', house_number: '70', postcode: '1015TN', city: 'Amsterdam', email: 'james.walker@btinternet.test' }),
  }),
  mail({
    id: 'E6-09', kind: 'email_quoted_history', from: ['Hanneke Vos', 'hanneke.vos@zeelandnet.test'],
    subject: 'RE: Uw vraag KCC-2026-005301', date: 'Thu, 19 Nov 2026 09:30:00 +0100', inReplyTo: 'reply-5301@kcc.test', form: 'plain',
    text: `Goedemorgen,

Ja, de brief mag naar mijn adres, dat staat in mijn eerste mail.

Groet,
Hanneke Vos

Van: KCC Logius <${KCC}>
Verzonden: woensdag 18 november 2026 14:02
Aan: Hanneke Vos <hanneke.vos@zeelandnet.test>
Onderwerp: RE: Uw vraag KCC-2026-005301

Beste mevrouw Vos,

Wilt u dat wij de activeringsbrief opnieuw versturen?

${KCC_SIGNATURE_NL}

Van: Hanneke Vos <hanneke.vos@zeelandnet.test>
Verzonden: dinsdag 17 november 2026 20:40
Aan: KCC Logius <${KCC}>
Onderwerp: activeringscode

Goedenavond,

Mijn activeringscode is niet aangekomen.

Hanneke Vos
Noordstraat 15
4461 HJ Goes`,
    expected: exp('nl', 'digid_activeren', { name: 'Hanneke Vos', street: 'Noordstraat', house_number: '15', postcode: '4461HJ', city: 'Goes', email: 'hanneke.vos@zeelandnet.test' }),
  }),

  // ───────────── 7. non-cases (and cases that look like them) ─────────────
  mail({
    id: 'E7-01', kind: 'noncase', from: ['KantoorShop', 'nieuwsbrief@kantoorshop.test'],
    subject: 'Alleen deze week: 40% korting op ergonomische bureaustoelen', date: 'Mon, 2 Nov 2026 06:00:00 +0100',
    headers: [['List-Unsubscribe', '<https://kantoorshop.test/afmelden?u=88123>'], ['Precedence', 'bulk']],
    text: `Beste klant,

Alleen deze week krijgt u 40% korting op al onze ergonomische bureaustoelen. Bestel voor vrijdag en ontvang gratis een voetensteun!

Bekijk het aanbod: https://kantoorshop.test/actie

Wilt u deze nieuwsbrief niet meer ontvangen? Meld u hier af.

KantoorShop B.V. | Industrieweg 1 | 1234 AB Ergens`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-02', kind: 'noncase', from: ['Mike Johnson', 'mike@seo-growth.test'],
    subject: 'Quick question about kcc.test', date: 'Tue, 3 Nov 2026 15:33:00 +0000', form: 'plain',
    text: `Hi there,

I was looking at your website and noticed it is not ranking on page 1 of Google for several important keywords.

We are a team of SEO experts and we can get you to the top within 30 days, guaranteed. Our packages start at only $199 per month.

Can I send you a free audit? Just reply "YES".

Best,
Mike Johnson
Growth Manager, SEO Growth Ltd.`,
    expected: exp('en', null, {}),
  }),
  mail({
    id: 'E7-03', kind: 'noncase', from: ['GovTech Events', 'events@govtech-events.test'],
    subject: 'Uitnodiging: webinar AI in het klantcontact van de overheid', date: 'Wed, 4 Nov 2026 08:00:00 +0100',
    text: `Geachte relatie,

Graag nodigen wij u uit voor ons gratis webinar "AI in het klantcontact van de overheid" op donderdag 26 november van 15.00 tot 16.00 uur.

Sprekers uit gemeenten en uitvoeringsorganisaties delen hun ervaringen met chatbots en slimme routering.

Meld u nu aan via https://govtech-events.test/webinar-ai

Met vriendelijke groet,
Het team van GovTech Events`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-04', kind: 'noncase', from: ['Mail Administrator', 'admin@kcc-test-mailbox.example'],
    subject: 'Action required: your mailbox storage is full', date: 'Wed, 4 Nov 2026 03:12:00 +0000',
    text: `Dear ${KCC},

Your mailbox has exceeded its storage limit of 2 GB. You will not be able to send or receive new messages until you verify your account.

Click here to verify your account and increase your storage: http://kcc-test-mailbox.example/verify?user=intake

Failure to verify within 24 hours will result in permanent deactivation of your mailbox.

IT Help Desk`,
    expected: exp('en', null, {}),
  }),
  mail({
    id: 'E7-05', kind: 'noncase', from: ['Administratie', 'administratie@incasso-snel.test'],
    subject: 'Openstaande factuur 2026-11873 - laatste herinnering', date: 'Thu, 5 Nov 2026 04:45:00 +0100', form: 'plain',
    text: `Geachte heer/mevrouw,

Ondanks eerdere herinneringen hebben wij de betaling van factuur 2026-11873 ter hoogte van EUR 1.249,00 nog niet ontvangen.

Download de factuur via de onderstaande link en betaal binnen 24 uur om extra incassokosten te voorkomen:
http://incasso-snel.test/factuur/2026-11873.zip

Met vriendelijke groet,
Afdeling Debiteuren`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-06', kind: 'noncase', from: ['DigiD', 'noreply@digid-verificatie.example'],
    subject: 'Uw DigiD verloopt vandaag', date: 'Thu, 5 Nov 2026 07:07:07 +0100',
    text: `Beste gebruiker,

Uw DigiD verloopt vandaag. Om te voorkomen dat uw account wordt geblokkeerd, moet u uw gegevens vandaag nog bevestigen.

Bevestig uw gegevens: https://digid-verificatie.example/bevestigen

Met vriendelijke groet,
Team DigiD`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-07', kind: 'noncase', from: ['Henk Bos', 'henk.bos@hetnet.test'],
    subject: 'Is deze mail echt van DigiD?', date: 'Thu, 5 Nov 2026 10:30:00 +0100', form: 'plain',
    text: `Goedemorgen,

Ik kreeg vanochtend onderstaande mail. Is deze echt van DigiD? Ik vertrouw het niet, maar ik wil ook niet dat mijn DigiD wordt geblokkeerd.

Henk Bos

---------- Doorgestuurd bericht ---------
Van: DigiD <noreply@digid-verificatie.example>
Datum: do 5 nov 2026 om 07:07
Onderwerp: Uw DigiD verloopt vandaag
Aan: <henk.bos@hetnet.test>

Beste gebruiker,

Uw DigiD verloopt vandaag. Om te voorkomen dat uw account wordt geblokkeerd, moet u uw gegevens vandaag nog bevestigen.

Bevestig uw gegevens: https://digid-verificatie.example/bevestigen

Met vriendelijke groet,
Team DigiD`,
    // A citizen asking about a phishing mail: a case, and the citizen is the forwarder.
    expected: exp('nl', 'overig', { name: 'Henk Bos', email: 'henk.bos@hetnet.test' }),
  }),
  mail({
    id: 'E7-08', kind: 'noncase', from: ['Claire Dubois', 'claire.dubois@orange.test'],
    subject: 'Fwd: New message in your Berichtenbox - is this real?', date: 'Fri, 6 Nov 2026 12:12:00 +0100',
    text: `Hello,

I received the attached e-mail. It says there is a new message in my Berichtenbox and asks me to log in through a link. Is this really from MijnOverheid? I have not clicked the link.

Thank you,
Claire Dubois
Herenweg 12, 2101 AC Heemstede`,
    attachments: async () => [{ kind: 'rfc822', filename: 'New message.eml', raw: original({
      id: 'phish-708', from: ['MijnOverheid', 'berichten@mijnoverheid-inbox.example'], to: 'claire.dubois@orange.test', subject: 'New message in your Berichtenbox', date: 'Fri, 6 Nov 2026 05:00:00 +0100', html: true,
      text: `Dear citizen,

You have 1 unread message in your Berichtenbox. Log in within 48 hours to avoid losing it:
https://mijnoverheid-inbox.example/login

MijnOverheid`,
    }) }],
    expected: exp('en', 'overig', { name: 'Claire Dubois', street: 'Herenweg', house_number: '12', postcode: '2101AC', city: 'Heemstede', email: 'claire.dubois@orange.test' }),
  }),
  mail({
    id: 'E7-09', kind: 'noncase', from: ['Gert Veenstra', 'gert.veenstra@kpnmail.test'],
    subject: 'Doorgestuurd: Belastingteruggave', date: 'Sat, 7 Nov 2026 09:00:00 +0100',
    text: `Hallo,

Mijn vrouw en ik kregen deze mail over een belastingteruggave. We moeten inloggen met DigiD via een link. Kan dit kloppen? We hebben niets ingevuld.

Met vriendelijke groet,
Gert Veenstra
06-33221100

-------- Doorgestuurd bericht --------
Onderwerp: Belastingteruggave
Datum: Fri, 6 Nov 2026 23:10:00 +0100
Van: Belastingdienst <teruggave@belasting-teruggave.example>
Aan: gert.veenstra@kpnmail.test

U heeft recht op een teruggave van EUR 412,50. Log in met uw DigiD om de teruggave te ontvangen:
https://belasting-teruggave.example/digid`,
    expected: exp('nl', 'overig', { name: 'Gert Veenstra', email: 'gert.veenstra@kpnmail.test', phones: ['+31633221100'] }),
  }),
  mail({
    id: 'E7-10', kind: 'noncase', from: ['Servicedesk Gemeente Almere', 'servicedesk@gemeente-almere.test'],
    subject: '[Ticket #48213] Uw melding is ontvangen', date: 'Mon, 9 Nov 2026 10:00:03 +0100', form: 'plain',
    text: `Geachte heer/mevrouw,

Dit is een automatisch gegenereerd bericht.

Wij hebben uw melding ontvangen en geregistreerd onder nummer #48213. Een medewerker neemt binnen 5 werkdagen contact met u op.

Reageren op dit bericht is niet nodig. Vermeld bij verdere correspondentie altijd het ticketnummer.

Servicedesk Gemeente Almere`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-11', kind: 'noncase', from: ['Vendor Support', 'support@helpdesk-vendor.test'],
    subject: 'Request received: [#SR-20931] Re: Uw vraag', date: 'Mon, 9 Nov 2026 11:30:40 +0000',
    headers: [['X-Mailer', 'TicketDesk 7.2']],
    text: `##- Please type your reply above this line -##

Your request (20931) has been received and is being reviewed by our support staff.

To add additional comments, reply to this email.

This email is a service from Vendor Support.`,
    expected: exp('en', null, {}),
  }),
  mail({
    id: 'E7-12', kind: 'noncase', from: ['Klantenservice Zorgverzekeraar', 'noreply@zorgverzekeraar.test'],
    subject: 'Bevestiging: wij hebben uw vraag ontvangen (referentie 2026-77812)', date: 'Tue, 10 Nov 2026 14:14:14 +0100',
    text: `Beste relatie,

Bedankt voor uw bericht. Wij hebben uw vraag ontvangen onder referentie 2026-77812.

U ontvangt binnen 3 werkdagen een antwoord. Dit bericht is automatisch verstuurd; u kunt er niet op reageren.

Met vriendelijke groet,
Klantenservice`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-13', kind: 'noncase', from: ['Crypto Profit', 'invest@crypto-profit.test'],
    subject: 'Verdien €5000 per week met Bitcoin', date: 'Tue, 10 Nov 2026 02:02:02 +0100',
    headers: [['X-Spam-Flag', 'YES'], ['X-Spam-Status', 'Yes, score=8.1 required=5.0 tests=BAYES_99,HTML_MESSAGE,URIBL_BLACK autolearn=no']],
    text: `Beste,

Duizenden Nederlanders verdienen al meer dan €5000 per week met ons automatische handelsplatform. Start vandaag met slechts €250.

Klik hier: https://crypto-profit.test/start

Team Crypto Profit`,
    expected: exp('nl', null, {}),
  }),
  mail({
    id: 'E7-14', kind: 'noncase', from: ['Mrs. Helen Parker', 'helen.parker@lottery-claims.test'],
    subject: 'CONGRATULATIONS WINNER', date: 'Wed, 11 Nov 2026 01:15:00 +0000', form: 'plain',
    headers: [['X-Spam-Status', 'Yes, score=6.4 required=5.0 tests=ADVANCE_FEE_4_NEW,FREEMAIL_FROM,LOTTO_AGENT autolearn=disabled']],
    text: `Dear Beneficiary,

Your e-mail address has won the sum of 1,500,000.00 EUR in the International E-mail Lottery. To claim your prize, send your full name, address and a copy of your passport to our claims agent.

Yours faithfully,
Mrs. Helen Parker`,
    expected: exp('en', null, {}),
  }),
  mail({
    id: 'E7-15', kind: 'noncase', from: ['Online Pharmacy', 'sales@pharma-direct.test'],
    subject: 'Cheap meds without prescription', date: 'Wed, 11 Nov 2026 03:30:00 +0000',
    headers: [['X-Spam-Flag', 'YES'], ['X-Spam-Level', '*********'], ['X-Spam-Status', 'Yes, score=9.3 required=5.0']],
    text: `Best prices on all medication. No prescription needed. Discreet delivery worldwide.

Order now: https://pharma-direct.test`,
    expected: exp('en', null, {}),
  }),
  mail({
    id: 'E7-16', kind: 'noncase', from: ['Lotte de Ruiter', 'lotte.deruiter@gmail.test'],
    subject: 'DigiD app activeren met paspoort', date: 'Wed, 11 Nov 2026 10:20:00 +0100',
    headers: [['X-Spam-Flag', 'NO'], ['X-Spam-Status', 'No, score=0.4 required=5.0 tests=FREEMAIL_FROM autolearn=ham']],
    text: `Hallo,

Ik probeer de DigiD app te activeren met mijn paspoort, maar de chip wordt niet gelezen door mijn telefoon. Wat kan ik doen?

Groet,
Lotte de Ruiter
Prinsenstraat 21
2611 PP Delft`,
    // The filter in front said "no": an ordinary case.
    expected: exp('nl', 'digid_app', { name: 'Lotte de Ruiter', street: 'Prinsenstraat', house_number: '21', postcode: '2611PP', city: 'Delft', email: 'lotte.deruiter@gmail.test' }),
  }),
  mail({
    id: 'E7-17', kind: 'noncase', from: ['Webshop Deals', 'deals@webshop-deals.test'],
    subject: 'Black Friday preview: up to 70% off', date: 'Thu, 12 Nov 2026 07:00:00 +0000',
    headers: [['List-Unsubscribe', '<mailto:unsubscribe@webshop-deals.test>'], ['List-Id', 'Deals <deals.webshop-deals.test>']],
    text: `Black Friday starts early for you! Up to 70% off laptops, phones and more.

Shop now at https://webshop-deals.test/black-friday

You receive this e-mail because you subscribed to our newsletter.`,
    expected: exp('en', null, {}),
  }),

  // ───────────── 8. signature images ─────────────
  mail({
    id: 'E8-01', kind: 'signature_image', from: ['Ria Hermans', 'ria.hermans@gmail.test'],
    subject: 'Handtekening voor machtiging', date: 'Mon, 2 Nov 2026 12:00:00 +0100',
    text: `Goedemiddag,

Zoals gevraagd stuur ik mijn handtekening mee voor de machtiging van mijn dochter. Ik heb hem op papier gezet en gefotografeerd.

Met vriendelijke groet,
Ria Hermans`,
    attachments: async () => [{ kind: 'file', contentType: 'image/jpeg', filename: 'handtekening.jpg', data: await signaturePhoto(801) }],
    expected: exp('nl', 'digid_machtigen', { name: 'Ria Hermans', email: 'ria.hermans@gmail.test', signature_images: 1 }),
  }),
  mail({
    id: 'E8-02', kind: 'signature_image', from: ['Arjen Bosma', 'arjen.bosma@kpnmail.test'],
    subject: 'Ondertekend verzoek inzage', date: 'Mon, 2 Nov 2026 16:40:00 +0100',
    text: `Geachte heer/mevrouw,

Hierbij mijn verzoek om inzage in mijn persoonsgegevens (AVG artikel 15). Mijn handtekening heb ik ingescand en bijgevoegd.

Arjen Bosma
Julianalaan 3
9301 BC Roden`,
    attachments: async () => [{ kind: 'file', contentType: 'image/png', filename: 'scan_handtekening.png', data: await signatureScan(802) }],
    expected: exp('nl', 'privacy_verzoek', { name: 'Arjen Bosma', street: 'Julianalaan', house_number: '3', postcode: '9301BC', city: 'Roden', email: 'arjen.bosma@kpnmail.test', signature_images: 1 }),
  }),
  mail({
    id: 'E8-03', kind: 'signature_image', from: ['Olivia Brown', 'olivia.brown@gmail.test'],
    subject: 'Signed form and screenshot of the error', date: 'Tue, 3 Nov 2026 09:15:00 +0100',
    text: `Hello,

Attached is a photo of my signature for the authorisation form, and a screenshot of the error I get when I try to log in to MijnOverheid.

Best regards,
Olivia Brown`,
    attachments: async () => [
      { kind: 'file', contentType: 'image/jpeg', filename: 'signature.jpg', data: await signaturePhoto(803, { lined: true }) },
      { kind: 'file', contentType: 'image/png', filename: 'screenshot.png', data: await errorScreenshot(803, 'Er is een fout opgetreden bij het inloggen') },
    ],
    expected: exp('en', 'mijnoverheid_overig', { name: 'Olivia Brown', email: 'olivia.brown@gmail.test', signature_images: 1 }),
  }),
  mail({
    id: 'E8-04', kind: 'signature_image', from: ['George Miller', 'george.miller@outlook.test'],
    subject: 'Complaint - signed', date: 'Tue, 3 Nov 2026 18:00:00 +0000',
    text: `Dear Sir or Madam,

Please find my signed complaint below. I was promised a call back twice and never received one.

George Miller`,
    attachments: async () => [{ kind: 'file', contentType: 'image/png', filename: 'image001.png', data: await signatureScan(804, { name: 'George Miller' }), inline: true, contentId: 'sig804@outlook.test' }],
    expected: exp('en', 'klacht', { name: 'George Miller', email: 'george.miller@outlook.test', signature_images: 1 }),
  }),
  mail({
    id: 'E8-05', kind: 'signature_image', from: ['Marjolein Post', 'marjolein.post@ziggo.example'],
    subject: 'foto handtekening', date: 'Wed, 4 Nov 2026 10:05:00 +0100', form: 'plain',
    text: `Hallo,

Hierbij de foto van mijn handtekening, voor de aanvraag van mijn DigiD.

Marjolein Post`,
    attachments: async () => [{ kind: 'file', contentType: 'image/jpeg', filename: 'IMG_20261104_093211.jpg', data: await signaturePhoto(805, { caption: 'Handtekening:' }) }],
    expected: exp('nl', 'digid_aanvragen', { name: 'Marjolein Post', email: 'marjolein.post@ziggo.example', signature_images: 1 }),
  }),
  mail({
    id: 'E8-06', kind: 'signature_image', from: ['Wim de Groot', 'wim.degroot@hetnet.test'],
    subject: 'Machtiging - twee handtekeningen', date: 'Wed, 4 Nov 2026 14:30:00 +0100',
    text: `Beste,

Bijgaand de handtekening van mij en die van mijn vrouw voor de machtiging. De ene is een foto, de andere een scan.

Wim de Groot
Parkweg 5
7211 BC Eefde`,
    attachments: async () => [
      { kind: 'file', contentType: 'image/jpeg', filename: 'handtekening_wim.jpg', data: await signaturePhoto(806) },
      { kind: 'file', contentType: 'image/png', filename: 'handtekening_els.png', data: await signatureScan(806, { box: true }) },
    ],
    expected: exp('nl', 'digid_machtigen', { name: 'Wim de Groot', street: 'Parkweg', house_number: '5', postcode: '7211BC', city: 'Eefde', email: 'wim.degroot@hetnet.test', signature_images: 2 }),
  }),
  mail({
    id: 'E8-07', kind: 'signature_image', from: ['Hannah Schmidt', 'hannah.schmidt@web.test'],
    subject: 'Signature for DigiD authorisation', date: 'Thu, 5 Nov 2026 08:45:00 +0100',
    text: `Dear KCC,

As requested on the phone, my signature is attached (scanned).

Kind regards,
Hannah Schmidt`,
    attachments: async () => [{ kind: 'file', contentType: 'image/png', filename: 'scan0001.png', data: await signatureScan(807, { box: true, name: 'H. Schmidt' }) }],
    expected: exp('en', 'digid_machtigen', { name: 'Hannah Schmidt', email: 'hannah.schmidt@web.test', signature_images: 1 }),
  }),
  mail({
    id: 'E8-08', kind: 'signature_image', from: ['Fleur Janssens', 'fleur.janssens@telenet.test'],
    subject: 'Klacht met handtekening', date: 'Thu, 5 Nov 2026 20:20:00 +0100',
    text: `Geachte heer/mevrouw,

Ik dien hierbij een klacht in over de afhandeling van mijn vraag over de Berichtenbox. Mijn handtekening staat op de foto in de bijlage.

Fleur Janssens
0478 12 34 56`,
    attachments: async () => [{ kind: 'file', contentType: 'image/jpeg', filename: 'foto.jpeg', data: await signaturePhoto(808, { lined: true }) }],
    // A Belgian mobile number written the Belgian way.
    expected: exp('nl', 'klacht', { name: 'Fleur Janssens', email: 'fleur.janssens@telenet.test', phones: ['+32478123456'], signature_images: 1 }),
  }),
  mail({
    id: 'E8-09', kind: 'signature_image', from: ['Tim Vermeer', 'tim.vermeer@gmail.test'],
    subject: 'Foutmelding bij inloggen', date: 'Fri, 6 Nov 2026 09:00:00 +0100',
    text: `Hallo,

Zie de schermafbeelding: ik krijg deze foutmelding als ik inlog bij MijnOverheid.

Tim Vermeer`,
    attachments: async () => [{ kind: 'file', contentType: 'image/png', filename: 'schermafbeelding.png', data: await errorScreenshot(809, 'Uw sessie is verlopen. Log opnieuw in.') }],
    // A screenshot, not a signature.
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Tim Vermeer', email: 'tim.vermeer@gmail.test', signature_images: 0 }),
  }),

  // ───────────── controls: ordinary e-mail ─────────────
  mail({
    id: 'EC-01', kind: 'control_email', from: ['Ruud Meijer', 'ruud.meijer@ziggo.example'],
    subject: 'Wachtwoord vergeten', date: 'Mon, 2 Nov 2026 08:00:00 +0100', form: 'plain',
    text: `Goedemorgen,

Ik ben mijn wachtwoord van DigiD vergeten. Hoe kan ik een nieuw wachtwoord aanvragen zonder sms?

Ruud Meijer
Lindenlaan 9
6721 ED Bennekom
0318-415566`,
    expected: exp('nl', 'digid_wachtwoord', { name: 'Ruud Meijer', street: 'Lindenlaan', house_number: '9', postcode: '6721ED', city: 'Bennekom', email: 'ruud.meijer@ziggo.example', phones: ['+31318415566'] }),
  }),
  mail({
    id: 'EC-02', kind: 'control_email', from: ['Julia Novak', 'julia.novak@gmail.test'],
    subject: 'DigiD app stuck on loading', date: 'Mon, 2 Nov 2026 21:00:00 +0100',
    text: `Hi,

Since the last update the DigiD app on my Android phone is stuck on the loading screen. I reinstalled it twice.

Thanks,
Julia Novak`,
    expected: exp('en', 'digid_app', { name: 'Julia Novak', email: 'julia.novak@gmail.test' }),
  }),
  mail({
    id: 'EC-03', kind: 'control_email', from: ['Martin Verhoef', 'm.verhoef@verhoef-installatie.test'],
    subject: 'eHerkenning niveau', date: 'Tue, 3 Nov 2026 11:00:00 +0100',
    text: `Goedendag,

Wij zijn een installatiebedrijf en willen subsidie aanvragen bij RVO. Daarvoor is eHerkenning nodig. Is niveau EH2+ voldoende of moet het EH3 zijn?

Ons KvK-nummer is 87654321.

Met vriendelijke groet,
Martin Verhoef
Verhoef Installatietechniek
Ambachtsweg 12
3771 MG Barneveld
T: 0342-401122`,
    expected: exp('nl', 'eherkenning', { name: 'Martin Verhoef', street: 'Ambachtsweg', house_number: '12', postcode: '3771MG', city: 'Barneveld', email: 'm.verhoef@verhoef-installatie.test', phones: ['+31342401122'] }),
  }),
  mail({
    id: 'EC-04', kind: 'control_email', from: ['Sandra Visser', 's.visser@notariaat-visser.test'],
    subject: 'Verlengen PKIoverheid certificaat', date: 'Tue, 3 Nov 2026 14:22:00 +0100',
    text: `Geachte heer/mevrouw,

Ons PKIoverheid-servercertificaat verloopt op 1 december. Bij welke partij kunnen wij het certificaat verlengen nu onze vorige leverancier gestopt is?

Met vriendelijke groet,
Sandra Visser
Notariaat Visser`,
    expected: exp('nl', 'pkioverheid', { name: 'Sandra Visser', email: 's.visser@notariaat-visser.test' }),
  }),
  mail({
    id: 'EC-05', kind: 'control_email', from: ['Dev Team', 'dev@boekhoudpakket.test'],
    subject: 'Digipoort connection test fails', date: 'Wed, 4 Nov 2026 10:10:00 +0100',
    text: `Hello,

Our accounting software fails to connect to the Digipoort preproduction environment. We get a TLS handshake error with our PKIoverheid certificate since yesterday.

Can you confirm whether anything changed on your side?

Regards,
Ravi Sharma
Lead developer`,
    expected: exp('en', 'digipoort', { name: 'Ravi Sharma', email: 'dev@boekhoudpakket.test' }),
  }),
  mail({
    id: 'EC-06', kind: 'control_email', from: ['Johan Pietersen', 'johan.pietersen@planet.test'],
    subject: 'Inzageverzoek AVG', date: 'Wed, 4 Nov 2026 16:00:00 +0100', form: 'plain',
    text: `Geachte heer/mevrouw,

Hierbij verzoek ik u, op grond van artikel 15 AVG, om een overzicht van alle persoonsgegevens die u van mij verwerkt.

Mijn BSN is 641764911.

Johan Pietersen
Torenstraat 2
4201 AC Gorinchem`,
    expected: exp('nl', 'privacy_verzoek', { name: 'Johan Pietersen', street: 'Torenstraat', house_number: '2', postcode: '4201AC', city: 'Gorinchem', email: 'johan.pietersen@planet.test', bsn: '641764911' }),
  }),
  mail({
    id: 'EC-07', kind: 'control_email', from: ['Eva Kok', 'eva.kok@hotmail.example'],
    subject: 'Klacht: al 3 weken geen antwoord', date: 'Thu, 5 Nov 2026 09:45:00 +0100',
    text: `Beste,

Drie weken geleden heb ik een vraag gesteld (zaaknummer KCC-2026-002211) en ik heb nog steeds geen antwoord. Dit vind ik erg slecht. Ik wil hierover een klacht indienen.

Mijn telefoonnummer is +31 6 2233 4455.

Eva Kok`,
    expected: exp('nl', 'klacht', { name: 'Eva Kok', email: 'eva.kok@hotmail.example', phones: ['+31622334455'] }),
  }),
  mail({
    id: 'EC-08', kind: 'control_email', from: ['Frank de Lange', 'frank.delange@kpnmail.test'],
    subject: 'Gegevens in MijnOverheid kloppen niet', date: 'Thu, 5 Nov 2026 13:00:00 +0100',
    text: `Hallo,

In MijnOverheid staat bij mijn persoonlijke gegevens nog mijn oude adres. Ik ben in juli verhuisd naar de Kerkstraat 40, 5301 EM Zaltbommel. Hoe kan ik dit laten aanpassen?

Frank de Lange
Klantnummer 371284761`,
    // 371284761 fails the elfproef: not a BSN.
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Frank de Lange', street: 'Kerkstraat', house_number: '40', postcode: '5301EM', city: 'Zaltbommel', email: 'frank.delange@kpnmail.test' }),
  }),
  mail({
    id: 'EC-09', kind: 'control_email', from: ['Ahmed Bakr', 'ahmed.bakr@gmail.test'],
    subject: 'DigiD aanvragen vanuit het buitenland', date: 'Fri, 6 Nov 2026 15:00:00 +0100',
    text: `Beste,

Ik woon in Duitsland (Hauptstraße 5, 47533 Kleve) en wil een DigiD aanvragen om mijn AOW te bekijken. Hoe doe ik dat? Mijn Duitse telefoonnummer is +49 2821 123456.

Met vriendelijke groet,
Ahmed Bakr`,
    expected: exp('nl', 'digid_aanvragen', { name: 'Ahmed Bakr', street: 'Hauptstraße', house_number: '5', postcode: '47533', city: 'Kleve', email: 'ahmed.bakr@gmail.test', phones: ['+492821123456'] }),
  }),
  mail({
    id: 'EC-10', kind: 'control_email', from: ['Laura Smit', 'laura.smit@xs4all.test'],
    subject: 'Openingstijden balie', date: 'Fri, 6 Nov 2026 17:30:00 +0100', form: 'plain',
    text: `Hallo,

Wat zijn de openingstijden van jullie balie in Den Haag? Ik wil graag langskomen met een vraag over een brief die ik heb gekregen. Mijn rekeningnummer NL20INGB0001234567 staat op de brief, en ook het nummer 253701238.

Groetjes,
Laura Smit
06-12121212`,
    expected: exp('nl', 'overig', { name: 'Laura Smit', email: 'laura.smit@xs4all.test', phones: ['+31612121212'] }),
  }),
];
