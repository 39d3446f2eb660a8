/**
 * The second blind set's e-mails, written by hand for issue 13 without sight of the
 * extraction, classification or analysis code, and without sight of the first blind set's
 * cases. Everyone and everything here is invented (domains .test / .example; BSNs pass the
 * elfproef only where a BSN is to be found, near-miss numbers fail it).
 */
import { addr, alternative, quote, renderMessage, type Part } from '../../blind/lib/mime.ts';
import { exp, noncase, type Expected, type Kind } from './types.ts';

export interface EmailCase {
  id: string;
  kind: Kind;
  expected: Expected;
  build: () => Promise<Buffer>;
}

const TO = addr('KCC Logius', 'intake@kcc.test');

interface Simple {
  id: string;
  from: [string | null, string];
  subject: string;
  date: string;
  text?: string;
  html?: string;
  /** text/plain only, no HTML alternative. */
  plainOnly?: boolean;
  encoding?: 'quoted-printable' | 'base64' | '8bit';
  headers?: Array<[string, string]>;
  inReplyTo?: string;
  attach?: Part[];
  to?: string;
}

function mid(id: string, from: string): string {
  const domain = from.split('@')[1] ?? 'mail.test';
  return `${id.toLowerCase()}.${id.length * 7919}@${domain}`;
}

function simple(o: Simple): () => Promise<Buffer> {
  return async () => {
    let body: Part;
    if (o.html && !o.text) body = { kind: 'text', subtype: 'html', text: o.html, encoding: o.encoding ?? 'quoted-printable' };
    else if (o.plainOnly) body = { kind: 'text', subtype: 'plain', text: o.text!, encoding: o.encoding ?? '8bit' };
    else body = alternative(o.text!, { html: o.html, encoding: o.encoding });
    if (o.attach?.length) body = { kind: 'multipart', subtype: 'mixed', parts: [body, ...o.attach] };
    return renderMessage({
      from: addr(o.from[0], o.from[1]),
      to: o.to ?? TO,
      subject: o.subject,
      date: o.date,
      messageId: mid(o.id, o.from[1]),
      inReplyTo: o.inReplyTo,
      references: o.inReplyTo ? `<${o.inReplyTo}>` : undefined,
      headers: o.headers,
      body,
    });
  };
}

/** The KCC's own reply as a citizen's client quotes it: our signature, our address, our phone. */
const KCC_REPLY_NL = `Geachte heer/mevrouw,

Dank u voor uw bericht. Om u verder te helpen hebben wij meer gegevens nodig. Wilt u ons
laten weten welke foutmelding u precies ziet?

Met vriendelijke groet,

Klant Contact Centrum Logius
Postbus 20011
2500 EA Den Haag
T 070 888 78 00 (werkdagen 8.00-17.00 uur)
intake@kcc.test`;

const KCC_REPLY_EN = `Dear Sir or Madam,

Thank you for your message. Could you tell us which error message you see, and at which step?

Kind regards,

Logius Customer Contact Centre
PO Box 20011, 2500 EA The Hague, the Netherlands
Phone +31 70 888 78 00
intake@kcc.test`;

// ───────────────────────── representatives ─────────────────────────

const representatives: EmailCase[] = [
  {
    id: 'R-01', kind: 'email_representative',
    expected: exp('nl', 'digid_aanvragen', { name: 'Thea Verbeek-Roelofs', street: 'Lindenlaan', house_number: '14', postcode: '7413BK', city: 'Deventer', on_behalf_of: 'Sanne Verbeek' }),
    build: simple({
      id: 'R-01', from: ['Sanne Verbeek', 'sanne.verbeek@postvak.test'], subject: 'DigiD voor mijn moeder', date: 'Mon, 23 Nov 2026 19:42:10 +0100',
      text: `Goedenavond,

Ik schrijf namens mijn moeder, mevrouw Thea Verbeek-Roelofs. Zij is 84 en heeft geen
computer, maar ze heeft nu wel een DigiD nodig voor de zorgverzekeraar. Kan ik die voor
haar aanvragen, of moet zij dat zelf doen?

Haar adres is Lindenlaan 14, 7413 BK Deventer. De brief met de activeringscode mag daar
naartoe, ik ga dan bij haar langs om het samen te doen.

U kunt mij het beste bellen op 06-41 28 73 90, ik werk overdag.

Hartelijke groet,
Sanne Verbeek`,
    }),
  },
  {
    id: 'R-02', kind: 'email_representative',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Gerrit Wolters', street: 'Esdoornstraat', house_number: '31', postcode: '7941CJ', city: 'Meppel', phones: ['+31522384927'], on_behalf_of: 'Koen Wolters' }),
    build: simple({
      id: 'R-02', from: ['K. Wolters', 'koenwolters@snelnet.test'], subject: 'wachtwoord vergeten vader', date: 'Tue, 24 Nov 2026 08:03:55 +0100',
      text: `Beste medewerker,

Mijn vader, de heer Gerrit Wolters, is zijn DigiD-wachtwoord kwijt. Hij probeert al een week
in te loggen bij de Belastingdienst en nu is zijn account geblokkeerd. Ik help hem met zijn
post en mail daarom voor hem.

Gegevens van mijn vader:
Esdoornstraat 31
7941 CJ Meppel
tel. 0522-384 927 (vaste lijn, hij is meestal thuis)

Wat moet hij doen om een nieuw wachtwoord te krijgen? Komt er weer een brief?

Met vriendelijke groet,

Koen Wolters
+31 6 1938 4420`,
    }),
  },
  {
    id: 'R-03', kind: 'email_representative',
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Ahmed El Idrissi', street: 'Kastanjestraat', house_number: '3', postcode: '3531GH', city: 'Utrecht', on_behalf_of: 'Fatima El Idrissi' }),
    build: simple({
      id: 'R-03', from: ['Fatima El Idrissi', 'f.elidrissi@thuismail.test'], subject: 'Berichtenbox van mijn man', date: 'Wed, 25 Nov 2026 13:27:41 +0100',
      text: `Geachte heer, mevrouw,

Mijn man Ahmed El Idrissi ligt sinds twee weken in het ziekenhuis en ik regel nu zijn
zaken. Er staat volgens de gemeente een belangrijk bericht in zijn Berichtenbox, maar ik
kan daar niet bij. Hoe kan ik dat bericht lezen of laten doorsturen?

Zijn adres: Kastanjestraat 3, 3531 GH Utrecht.

Alvast bedankt,
Fatima El Idrissi
06 5823 1170`,
    }),
  },
  {
    id: 'R-04', kind: 'email_representative',
    expected: exp('nl', 'digid_activeren', { name: 'Jannie Postma', street: 'Dorpsstraat', house_number: '112a', postcode: '9231CE', city: 'Surhuisterveen', phones: ['+31512463821'], on_behalf_of: 'Henk de Wit' }),
    build: simple({
      id: 'R-04', from: ['Henk de Wit', 'henkdewit@friesmail.test'], subject: 'activeringscode buurvrouw', date: 'Thu, 26 Nov 2026 10:15:02 +0100',
      text: `Hallo,

Ik help mijn buurvrouw, mevrouw Jannie Postma, met de computer. Ze heeft een brief met een
activeringscode gekregen, maar die is volgens de site verlopen. Ze woont op Dorpsstraat 112a,
9231 CE Surhuisterveen. Haar telefoonnummer is 0512 - 46 38 21, u mag haar ook bellen, maar
ze hoort niet zo goed.

Kan er een nieuwe code naar haar toe gestuurd worden?

Groeten,
Henk de Wit (buurman, nr. 114)`,
    }),
  },
  {
    id: 'R-05', kind: 'email_representative',
    expected: exp('nl', 'digid_machtigen', { name: 'Paul Smit', street: 'Vechtstraat', house_number: '41-2', postcode: '1079JB', city: 'Amsterdam', on_behalf_of: 'Wendy Kramer' }),
    build: simple({
      id: 'R-05', from: ['Stichting Thuisadministratie Oost', 'vrijwilligers@thuisadmin-oost.example'], subject: 'Machtiging voor cliënt', date: 'Thu, 26 Nov 2026 14:48:30 +0100',
      text: `Geachte medewerker van Logius,

Als vrijwilliger van Stichting Thuisadministratie Oost help ik de heer Paul Smit met zijn
belastingaangifte. Hij wil mij daarvoor machtigen met DigiD Machtigen, maar hij heeft zelf
geen DigiD-app en het lukt hem niet met sms. Welke mogelijkheden zijn er?

Gegevens cliënt: de heer P. Smit, Vechtstraat 41-2, 1079 JB Amsterdam.

Met vriendelijke groet,

Wendy Kramer
vrijwilliger thuisadministratie
Stichting Thuisadministratie Oost | Ringdijk 2 | 1097 AA Amsterdam | 020 - 765 43 21`,
    }),
  },
  {
    id: 'R-06', kind: 'email_representative',
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Esther Mulder', street: 'Kerkweg', house_number: '7', postcode: '2851AB', city: 'Haastrecht', bsn: '409718361', on_behalf_of: 'Rutger van Dalen' }),
    build: simple({
      id: 'R-06', from: ['Bewindvoering Van Dalen', 'info@vandalen-bewind.example'], subject: 'Onder bewind gestelde: toegang MijnOverheid', date: 'Fri, 27 Nov 2026 09:30:00 +0100',
      text: `Geachte heer/mevrouw,

Bij beschikking van de rechtbank Rotterdam ben ik benoemd tot beschermingsbewindvoerder
van mevrouw Esther Mulder, wonende Kerkweg 7, 2851 AB Haastrecht, BSN 409718361.

Ik wil graag dat de post van de overheid voor mevrouw Mulder ook bij mij terechtkomt.
Kan ik als bewindvoerder haar MijnOverheid inzien, of moet dit via een andere weg?
Een kopie van de beschikking kan ik nasturen.

Hoogachtend,

Rutger van Dalen
beschermingsbewindvoerder
Bewindvoering Van Dalen
Voorstraat 88, 2801 LP Gouda
0182 - 51 77 90
KvK 73921846`,
    }),
  },
  {
    id: 'R-07', kind: 'email_representative',
    expected: exp('nl', 'digid_aanvragen', { name: 'Bram Hendriks', street: 'Meander', house_number: '219', postcode: '6825MC', city: 'Arnhem', email: 'bram.hendriks@kpost.test', on_behalf_of: 'Ilse Bosman' }),
    build: simple({
      id: 'R-07', from: ['Ilse Bosman', 'ilse@mentorbureau-gelre.example'], subject: 'DigiD aanvragen voor cliënt met mentorschap', date: 'Fri, 27 Nov 2026 11:12:44 +0100',
      text: `Goedemorgen,

Ik ben door de kantonrechter benoemd als mentor van de heer Bram Hendriks. Hij wil graag
een DigiD, maar hij begrijpt de stappen niet goed. Mag ik hem daarbij helpen en samen met
hem de aanvraag doen?

Meneer Hendriks woont op Meander 219, 6825 MC Arnhem. Hij heeft een eigen e-mailadres:
bram.hendriks@kpost.test. Dat mag u gebruiken voor de aanvraag.

Vriendelijke groet,

Ilse Bosman
Mentorbureau Gelre
026 - 384 11 20`,
    }),
  },
  {
    id: 'R-08', kind: 'email_representative',
    expected: exp('en', 'digid_aanvragen', { name: 'Margaret Visser', street: 'Heerenstraat', house_number: '9', postcode: '6701DG', city: 'Wageningen', phones: ['+31317482610'], on_behalf_of: 'Laura Visser' }),
    build: simple({
      id: 'R-08', from: ['Laura Visser', 'laura.visser@brightpost.example'], subject: 'DigiD for my mother', date: 'Sat, 28 Nov 2026 16:20:19 +0000',
      text: `Hello,

I am writing on behalf of my mother, Mrs Margaret Visser. I live in the UK and she lives on her
own in the Netherlands. She needs a DigiD for her pension but she cannot use a computer.

Her address is Heerenstraat 9, 6701 DG Wageningen, and her phone number is +31 317 482 610.

Could you tell me how we can apply for one for her? Can I do it from here?

Many thanks,
Laura Visser
+44 7700 900 418`,
    }),
  },
  {
    id: 'R-09', kind: 'email_representative',
    expected: exp('nl', 'digid_aanvragen', { name: 'Noor de Graaf', street: 'Hoogstraat', house_number: '22', postcode: '5611LK', city: 'Eindhoven', bsn: '317482658', on_behalf_of: 'Martijn de Graaf' }),
    build: simple({
      id: 'R-09', from: ['Martijn de Graaf', 'mdegraaf@huize-degraaf.test'], subject: 'DigiD voor dochter (15)', date: 'Sun, 29 Nov 2026 20:05:33 +0100',
      text: `Beste KCC,

Onze dochter Noor de Graaf is 15 jaar en heeft voor school een DigiD nodig. Kan zij die zelf
aanvragen of moet ik dat als ouder doen?

Haar BSN is 317482658. Voor de zekerheid ook het mijne: 234567818.
Wij wonen op Hoogstraat 22, 5611 LK Eindhoven.

Groet,
Martijn de Graaf
06-20 31 55 87`,
    }),
  },
  {
    id: 'R-10', kind: 'email_representative',
    expected: exp('en', 'digid_aanvragen', { name: 'Daniel Okafor', street: 'Meidoornlaan', house_number: '5', postcode: '2331RM', city: 'Leiden', bsn: '523846198', on_behalf_of: 'Grace Okafor' }),
    build: simple({
      id: 'R-10', from: ['Grace Okafor', 'grace.okafor@famnet.example'], subject: 'DigiD application for my son', date: 'Mon, 30 Nov 2026 07:55:12 +0100',
      text: `Dear Sir/Madam,

My BSN is 618392749 and my son's is 523846198. My son, Daniel Okafor, is 14 and needs a DigiD
to see his vaccination records. Do I apply for him, and will the letter come in his name?

We live at Meidoornlaan 5, 2331 RM Leiden.

Kind regards,
Grace Okafor
Phone: 071 523 9084`,
    }),
  },
  {
    id: 'R-11', kind: 'email_representative',
    expected: exp('nl', 'digid_activeren', { name: 'Thijs van Leeuwen', street: 'Zuiderpad', house_number: '8', postcode: '1621XA', city: 'Hoorn', email: 'thijs.vanleeuwen@webpost.test', phones: ['+31628374915'], on_behalf_of: 'Anja van Leeuwen' }),
    build: simple({
      id: 'R-11', from: ['Anja van Leeuwen', 'anja.vl@webpost.test'], subject: 'Activeren DigiD van mijn zoon', date: 'Mon, 30 Nov 2026 12:31:08 +0100',
      text: `Geachte heer of mevrouw,

Ik mail namens mijn zoon Thijs van Leeuwen (24). Hij heeft een lichte verstandelijke beperking
en vindt mailen lastig, daarom doe ik het voor hem. Hij heeft de brief met de activeringscode
ontvangen, maar bij het activeren krijgt hij steeds de melding dat de code niet klopt.

Zijn gegevens:
Zuiderpad 8, 1621 XA Hoorn
e-mail: thijs.vanleeuwen@webpost.test
mobiel: 06 2837 4915

Mij kunt u bereiken op 0229-571 384.

Met vriendelijke groet,
Anja van Leeuwen`,
    }),
  },
  {
    id: 'R-12', kind: 'email_representative',
    expected: exp('en', 'mijnoverheid_berichtenbox', { name: 'Ayesha Rahman', street: 'Spoorsingel', house_number: '60B', postcode: '3033GN', city: 'Rotterdam', phones: ['+31655127483'], on_behalf_of: 'Imran Rahman' }),
    build: simple({
      id: 'R-12', from: ['Imran Rahman', 'imran.rahman@quickmail.example'], subject: 'Message box - question for my wife', date: 'Tue, 01 Dec 2026 09:44:50 +0100',
      text: `Hi,

I'm writing for my wife Ayesha Rahman, as she doesn't read Dutch or English well. She got a
letter saying there is a message for her in the Berichtenbox, but when she logs in the box is
empty. Can you check what is going on?

Her details: Spoorsingel 60B, 3033 GN Rotterdam, mobile +31 6 5512 7483.

Thanks,
Imran`,
    }),
  },
  {
    id: 'R-13', kind: 'email_representative',
    expected: exp('nl', 'digid_app', { name: 'Dennis Kuipers', street: 'Wilgenhof', house_number: '17', postcode: '8253PK', city: 'Dronten', email: 'dkuipers@polderpost.test', phones: ['+31619283746'] }),
    build: simple({
      id: 'R-13', from: ['Dennis Kuipers', 'dkuipers@polderpost.test'], subject: 'DigiD app werkt niet meer na nieuwe telefoon', date: 'Tue, 01 Dec 2026 15:02:27 +0100',
      text: `Hallo,

Mijn moeder heeft mij vorig jaar geholpen met het installeren van de DigiD app, maar sinds
ik een nieuwe telefoon heb kan ik de app niet meer koppelen. Ik krijg de melding dat mijn
account al aan een ander apparaat gekoppeld is. Wat moet ik doen?

Met vriendelijke groet,

Dennis Kuipers
Wilgenhof 17
8253 PK Dronten
06 1928 3746`,
    }),
  },
  {
    id: 'R-14', kind: 'email_representative',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Eva Brouwer', street: 'Parallelweg', house_number: '5', postcode: '4461AH', city: 'Goes', email: 'eva.brouwer@zeeuwsnet.test' }),
    build: simple({
      id: 'R-14', from: ['Eva Brouwer', 'eva.brouwer@zeeuwsnet.test'], subject: 'Wachtwoord', date: 'Tue, 01 Dec 2026 21:18:40 +0100',
      text: `Goedenavond,

Mijn dochter en mijn man hebben allebei zonder problemen hun wachtwoord kunnen wijzigen, maar
bij mij komt de sms met de code niet aan. Ik heb hetzelfde nummer als altijd. Kan er iets
mis zijn met mijn account?

Eva Brouwer
Parallelweg 5, 4461 AH Goes`,
    }),
  },
  {
    id: 'R-15', kind: 'email_representative',
    expected: exp('nl', 'digid_aanvragen', { name: 'Frank Lammers', street: 'Vlasakker', house_number: '26', postcode: '5731RT', city: 'Mierlo', on_behalf_of: 'Monique Lammers' }),
    build: simple({
      id: 'R-15', from: ['Monique Lammers', 'monique.lammers@peelmail.test'], subject: 'DigiD voor broer onder curatele', date: 'Tue, 01 Dec 2026 08:10:44 +0100',
      text: `Geachte medewerker,

Sinds vorig jaar ben ik curator van mijn broer Frank Lammers, die onder curatele staat. Hij
heeft nooit een DigiD gehad. Moet ik als curator een DigiD voor hem aanvragen, of kan ik
met mijn eigen DigiD namens hem inloggen? De uitspraak van de rechtbank heb ik hier liggen.

Frank woont in een woonvorm: Vlasakker 26, 5731 RT Mierlo.

Met vriendelijke groet,
Monique Lammers
Tel. 0492 - 66 10 73`,
    }),
  },
  {
    id: 'R-16', kind: 'email_representative',
    expected: exp('en', 'digid_wachtwoord', { name: 'Hans Zijlstra', street: 'Badhuisweg', house_number: '11', postcode: '2587CA', city: 'Den Haag', email: 'hans.zijlstra@seaside.example', phones: ['+31703541296'], on_behalf_of: 'Erik Zijlstra' }),
    build: simple({
      id: 'R-16', from: ['Erik Zijlstra', 'erik@zijlstra-family.example'], subject: "My father's DigiD password", date: 'Tue, 01 Dec 2026 22:27:13 +0100', to: `${TO}, ${addr('Hans Zijlstra', 'hans.zijlstra@seaside.example')}`,
      text: `Good morning,

I am contacting you for my father, Hans Zijlstra (cc), who is 88 and hard of hearing, so phoning
you does not work for him. He has forgotten his DigiD password and the reset asks for an SMS
code, but he has no mobile phone.

His address is Badhuisweg 11, 2587 CA Den Haag; landline 070 354 12 96. His e-mail address is
hans.zijlstra@seaside.example, but he rarely reads it, so please copy me in.

Best regards,
Erik Zijlstra
+31 6 3017 5582`,
    }),
  },
];

// ───────────────────────── quoted history ─────────────────────────

const quoted: EmailCase[] = [
  {
    id: 'Q-01', kind: 'email_quoted_history',
    expected: exp('nl', 'digid_activeren', { name: 'Marco Dekker', street: 'Burgemeester Smeetsweg', house_number: '40', postcode: '2382PH', city: 'Zoeterwoude', email: 'marco.dekker@rijnpost.test', phones: ['+31641937250'] }),
    build: simple({
      id: 'Q-01', from: ['Marco Dekker', 'marco.dekker@rijnpost.test'], subject: 'RE: Uw vraag is ontvangen [KCC-2026-118204]', date: 'Wed, 25 Nov 2026 10:02:11 +0100',
      inReplyTo: 'kcc-2026-118204.reply@kcc.test', plainOnly: true, encoding: 'quoted-printable',
      text: `Dag,

De foutmelding is "De activeringscode is onjuist". Ik heb het drie keer geprobeerd.

Marco

Op di 24 nov. 2026 om 16:40 schreef KCC Logius <intake@kcc.test>:
${quote(`${KCC_REPLY_NL}

Op ma 23 nov. 2026 om 09:12 schreef Marco Dekker <marco.dekker@rijnpost.test>:
${quote(`Goedemorgen,

Ik krijg mijn DigiD niet geactiveerd. De brief is wel aangekomen.

Met vriendelijke groet,
Marco Dekker
Burgemeester Smeetsweg 40
2382 PH Zoeterwoude
06-41 93 72 50`)}`)}`,
    }),
  },
  {
    id: 'Q-02', kind: 'email_quoted_history',
    expected: exp('en', 'digid_app', { name: 'Olivia Brandt', street: 'Singel', house_number: '271', postcode: '1016AG', city: 'Amsterdam', email: 'olivia.brandt@northmail.example', phones: ['+31687124093'] }),
    build: simple({
      id: 'Q-02', from: ['Olivia Brandt', 'olivia.brandt@northmail.example'], subject: 'Re: DigiD app not accepting my ID', date: 'Thu, 26 Nov 2026 18:22:04 +0100',
      text: `Sorry, forgot to say: it's an iPhone 13 with the latest update.

Olivia

On Thu, 26 Nov 2026 at 17:58, Olivia Brandt <olivia.brandt@northmail.example> wrote:
${quote(`Hello,

The DigiD app keeps saying my ID card cannot be read when I hold it against my phone. I have
tried five times. Is there another way to raise the app to substantial level?

Best,
Olivia Brandt
Singel 271
1016 AG Amsterdam
+31 6 8712 4093`)}`,
    }),
  },
  {
    id: 'Q-03', kind: 'email_quoted_history',
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Yvonne Claassen', street: 'Molenstraat', house_number: '56', postcode: '5341GE', city: 'Oss', email: 'y.claassen@brabantmail.test', phones: ['+31412738815'] }),
    build: simple({
      id: 'Q-03', from: ['Claassen, Yvonne', 'y.claassen@brabantmail.test'], subject: 'FW: Berichtenbox meldingen', date: 'Fri, 27 Nov 2026 08:47:39 +0100',
      text: `Goedemorgen,

Ik heb hieronder mijn eerdere mail nog eens meegestuurd, want ik heb nog geen antwoord
gehad. Ik krijg nog steeds geen e-mail als er een nieuw bericht in mijn Berichtenbox staat.

Groet, Yvonne

-----Oorspronkelijk bericht-----
Van: Claassen, Yvonne <y.claassen@brabantmail.test>
Verzonden: maandag 16 november 2026 20:14
Aan: KCC Logius <intake@kcc.test>
Onderwerp: Berichtenbox meldingen

Geachte heer/mevrouw,

Sinds een paar weken krijg ik geen meldingen meer van nieuwe berichten. Mijn e-mailadres
staat goed in de instellingen.

Met vriendelijke groet,

Yvonne Claassen
Molenstraat 56
5341 GE Oss
tel: 0412 738 815`,
    }),
  },
  {
    id: 'Q-04', kind: 'email_quoted_history',
    expected: exp('en', 'eherkenning', { name: 'Stefan Lindqvist', street: 'Koningin Wilhelminalaan', house_number: '12', postcode: '3818HN', city: 'Amersfoort', email: 's.lindqvist@lindqvist-advies.example', phones: ['+31334617729'] }),
    build: simple({
      id: 'Q-04', from: ['Stefan Lindqvist', 's.lindqvist@lindqvist-advies.example'], subject: 'RE: eHerkenning level for tax portal', date: 'Fri, 27 Nov 2026 15:36:20 +0100',
      html: `<html><body><div>Thanks. Which supplier list should I look at, then?</div><div><br></div><div>Stefan</div>
<div><br></div>
<hr style="display:inline-block;width:98%">
<div id="divRplyFwdMsg"><b>From:</b> KCC Logius &lt;intake@kcc.test&gt;<br><b>Sent:</b> Friday, 27 November 2026 11:05<br><b>To:</b> Stefan Lindqvist &lt;s.lindqvist@lindqvist-advies.example&gt;<br><b>Subject:</b> RE: eHerkenning level for tax portal</div>
<div><p>${KCC_REPLY_EN.replace(/\n/g, '<br>')}</p></div>
<hr style="display:inline-block;width:98%">
<div><b>From:</b> Stefan Lindqvist &lt;s.lindqvist@lindqvist-advies.example&gt;<br><b>Sent:</b> Thursday, 26 November 2026 14:51<br><b>To:</b> KCC Logius &lt;intake@kcc.test&gt;<br><b>Subject:</b> eHerkenning level for tax portal</div>
<div><p>Hello,<br><br>I run a one-man consultancy. Which eHerkenning level do I need to file VAT returns, and can I buy it as a sole trader?<br><br>Regards,<br>Stefan Lindqvist<br>Lindqvist Advies<br>Koningin Wilhelminalaan 12<br>3818 HN Amersfoort<br>033 461 7729</p></div>
</body></html>`,
    }),
  },
  {
    id: 'Q-05', kind: 'email_quoted_history',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Ruben Scholten', email: 'ruben.scholten@ijsselpost.test' }),
    build: simple({
      id: 'Q-05', from: ['Ruben Scholten', 'ruben.scholten@ijsselpost.test'], subject: 'Re: Antwoord op uw vraag', date: 'Sat, 28 Nov 2026 11:09:51 +0100',
      inReplyTo: 'kcc-2026-118977.reply@kcc.test', plainOnly: true,
      text: `Het gaat om de melding "Uw gebruikersnaam of wachtwoord is niet juist", ook na het
herstellen van mijn wachtwoord.

Ruben Scholten

Op vr 27 nov. 2026 om 14:12 schreef KCC Logius <intake@kcc.test>:
${quote(KCC_REPLY_NL)}`,
    }),
  },
  {
    id: 'Q-06', kind: 'email_quoted_history',
    expected: exp('nl', 'digid_machtigen', { name: 'Lotte Smeets', street: 'Akerstraat', house_number: '88', postcode: '6411HD', city: 'Heerlen', email: 'lotte.smeets@zuidmail.test', phones: ['+31455713846'] }),
    build: simple({
      id: 'Q-06', from: ['Lotte Smeets', 'lotte.smeets@zuidmail.test'], subject: 'Re: Machtiging voor mijn accountant', date: 'Sun, 29 Nov 2026 10:41:17 +0100',
      text: `Nog een aanvulling: mijn accountant zegt dat hij de machtiging niet ziet.

Op 20 nov. 2026, om 09:41 heeft Lotte Smeets <lotte.smeets@zuidmail.test> het volgende geschreven:
${quote(`Beste medewerker,

Ik heb mijn accountant gemachtigd voor de aangifte inkomstenbelasting, maar hij krijgt de
machtiging niet te zien. Hoe lang duurt het voordat die actief is?

Groetjes,
Lotte Smeets
Akerstraat 88
6411 HD Heerlen
045 571 38 46`)}`,
      html: `<html><body><div>Nog een aanvulling: mijn accountant zegt dat hij de machtiging niet ziet.</div><div><br><blockquote type="cite"><div>Op 20 nov. 2026, om 09:41 heeft Lotte Smeets &lt;lotte.smeets@zuidmail.test&gt; het volgende geschreven:</div><br><div><div>Beste medewerker,<br><br>Ik heb mijn accountant gemachtigd voor de aangifte inkomstenbelasting, maar hij krijgt de machtiging niet te zien. Hoe lang duurt het voordat die actief is?<br><br>Groetjes,<br>Lotte Smeets<br>Akerstraat 88<br>6411 HD Heerlen<br>045 571 38 46</div></div></blockquote></div></body></html>`,
    }),
  },
  {
    id: 'Q-07', kind: 'email_quoted_history',
    expected: exp('en', 'mijnoverheid_overig', { name: 'Charlotte Dubois', street: 'Zeestraat', house_number: '102', postcode: '2518AD', city: 'Den Haag', email: 'charlotte.dubois@frontiermail.example', phones: ['+31612098473'] }),
    build: simple({
      id: 'Q-07', from: ['Charlotte Dubois', 'charlotte.dubois@frontiermail.example'], subject: 'RE: MijnOverheid shows wrong nationality', date: 'Mon, 30 Nov 2026 17:40:02 +0100', plainOnly: true,
      text: `Hello again,

I still have no answer to the message below. Could someone please look at it?

Charlotte

-----Original Message-----
From: Charlotte Dubois <charlotte.dubois@frontiermail.example>
Sent: Tuesday, November 17, 2026 9:03 AM
To: intake@kcc.test
Subject: MijnOverheid shows wrong nationality

Dear Sir or Madam,

Since I was naturalised in October, MijnOverheid still shows only my French nationality.
Who should correct this?

Yours sincerely,
Charlotte Dubois
Zeestraat 102, 2518 AD Den Haag
mobile: 06 1209 8473`,
    }),
  },
  {
    id: 'Q-08', kind: 'email_quoted_history',
    expected: exp('nl', 'digid_activeren', { name: 'Bart Goossens', street: 'Langstraat', house_number: '9', postcode: '5171EA', city: 'Kaatsheuvel', email: 'bart.goossens@langstraatpost.test', phones: ['+31416278104'] }),
    build: simple({
      id: 'Q-08', from: ['Bart Goossens', 'bart.goossens@langstraatpost.test'], subject: 'Fwd: activeren DigiD (tweede keer)', date: 'Tue, 01 Dec 2026 12:07:56 +0100',
      text: `Ik stuur mijn vraag van vorige week nog een keer, ik heb nog niets gehoord.

---------- Forwarded message ---------
Van: Bart Goossens <bart.goossens@langstraatpost.test>
Date: wo 25 nov 2026 om 19:21
Subject: activeren DigiD
To: <intake@kcc.test>

Beste,

Bij het activeren van mijn DigiD zegt de site dat mijn activeringscode al gebruikt is, maar
ik heb hem nog nooit ingevuld. Wat nu?

Bart Goossens
Langstraat 9
5171 EA Kaatsheuvel
0416-278104`,
    }),
  },
];

// ───────────────────────── message/rfc822 forwards by an organisation ─────────────────────────

function original(o: { from: [string, string]; to: string; subject: string; date: string; text: string; id: string }): Buffer {
  return renderMessage({ from: addr(o.from[0], o.from[1]), to: o.to, subject: o.subject, date: o.date, messageId: mid(o.id, o.from[1]), body: { kind: 'text', subtype: 'plain', text: o.text, encoding: 'quoted-printable' } });
}

function forward(o: { id: string; from: [string, string]; subject: string; date: string; text: string; inner: Buffer; filename?: string }): () => Promise<Buffer> {
  return async () =>
    renderMessage({
      from: addr(o.from[0], o.from[1]), to: TO, subject: o.subject, date: o.date, messageId: mid(o.id, o.from[1]),
      body: { kind: 'multipart', subtype: 'mixed', parts: [alternative(o.text), { kind: 'rfc822', raw: o.inner, filename: o.filename }] },
    });
}

const forwards: EmailCase[] = [
  {
    id: 'F-01', kind: 'email_rfc822_forward',
    expected: exp('nl', 'digid_aanvragen', { name: 'Jolanda Prins', street: 'Groenedijk', house_number: '9', postcode: '3311DB', city: 'Dordrecht', email: 'jolanda.prins@drechtmail.test', phones: ['+31786143302'] }),
    build: forward({
      id: 'F-01', from: ['Gemeente Drechtstede - Publiekszaken', 'publiekszaken@drechtstede-gemeente.example'], subject: 'Doorgestuurd: vraag over DigiD', date: 'Mon, 23 Nov 2026 11:20:05 +0100',
      text: `Geachte collega's,

Bijgaande e-mail van een inwoner is bij ons binnengekomen, maar de vraag gaat over DigiD.
Wij sturen hem daarom door naar Logius. De inwoner is hiervan op de hoogte gebracht.

Met vriendelijke groet,

Team Publiekszaken
Gemeente Drechtstede
Spuiboulevard 300, 3311 GR Dordrecht
14 078`,
      filename: 'vraag inwoner.eml',
      inner: original({
        id: 'F-01-in', from: ['Jolanda Prins', 'jolanda.prins@drechtmail.test'], to: 'publiekszaken@drechtstede-gemeente.example', subject: 'DigiD aanvragen lukt niet', date: 'Fri, 20 Nov 2026 16:03:44 +0100',
        text: `Goedemiddag,

Ik probeer een DigiD aan te vragen maar de site zegt dat mijn adres niet klopt met de
Basisregistratie. Ik woon hier al drie jaar. Wat kan ik doen?

Jolanda Prins
Groenedijk 9
3311 DB Dordrecht
078 - 614 33 02`,
      }),
    }),
  },
  {
    id: 'F-02', kind: 'email_rfc822_forward',
    expected: exp('en', 'digid_app', { name: 'Tomasz Nowak', street: 'Laan van Vollenhove', house_number: '2117', postcode: '3706AN', city: 'Zeist', email: 'tomasz.nowak@eastpost.example', phones: ['+31629384017'] }),
    build: forward({
      id: 'F-02', from: ['Zorgkantoor Midden klantenservice', 'klantenservice@zorgkantoor-midden.example'], subject: 'FW: question about the DigiD app (forwarded)', date: 'Tue, 24 Nov 2026 09:58:12 +0100',
      text: `Dear Logius colleagues,

The attached message from one of our clients concerns the DigiD app, not our services. We
are forwarding it to you for handling.

Kind regards,
Client Services, Zorgkantoor Midden
030 - 888 12 12`,
      inner: original({
        id: 'F-02-in', from: ['Tomasz Nowak', 'tomasz.nowak@eastpost.example'], to: 'klantenservice@zorgkantoor-midden.example', subject: 'cannot log in', date: 'Mon, 23 Nov 2026 21:37:29 +0100',
        text: `Hello,

I cannot log in to your website because the DigiD app says "activation not complete". I did
scan the QR code. I am Polish and my Dutch is not good, sorry.

Tomasz Nowak
Laan van Vollenhove 2117, 3706 AN Zeist
tel +31 6 2938 4017`,
      }),
    }),
  },
  {
    id: 'F-03', kind: 'email_rfc822_forward',
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Harm Jan Bakker', street: 'Brink', house_number: '4', postcode: '9401HS', city: 'Assen', email: 'hjbakker@drentsepost.test', phones: ['+31592318844'] }),
    build: forward({
      id: 'F-03', from: ['Bibliotheek Assen Informatiepunt Digitale Overheid', 'idO@bibliotheek-assen.example'], subject: 'Doorgestuurd bericht van bezoeker', date: 'Wed, 25 Nov 2026 14:11:40 +0100',
      text: `Beste medewerker,

Een bezoeker van ons Informatiepunt Digitale Overheid vroeg ons zijn e-mail aan u door te
sturen. Zie de bijlage.

Vriendelijke groet,
Informatiepunt Digitale Overheid
Bibliotheek Assen`,
      filename: 'bericht.eml',
      inner: original({
        id: 'F-03-in', from: ['hjbakker', 'hjbakker@drentsepost.test'], to: 'idO@bibliotheek-assen.example', subject: 'MijnOverheid', date: 'Wed, 25 Nov 2026 10:02:18 +0100',
        text: `Geachte heer/mevrouw,

In MijnOverheid staat bij mijn gegevens nog mijn oude auto, die ik in juni heb verkocht.
Hoe krijg ik dat aangepast?

Met vriendelijke groet,

Harm Jan Bakker
Brink 4
9401 HS Assen
0592-318844`,
      }),
    }),
  },
  {
    id: 'F-04', kind: 'email_rfc822_forward',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Naima Bouzid', street: 'Javastraat', house_number: '150', postcode: '2585AV', city: 'Den Haag', email: 'n.bouzid@haagsemail.test' }),
    build: forward({
      id: 'F-04', from: ['Woonstichting Haaglanden Klantcontact', 'klantcontact@woonstichting-haaglanden.example'], subject: 'Doorsturen: vraag huurder', date: 'Thu, 26 Nov 2026 16:45:00 +0100',
      text: `Goedemiddag,

Een huurder stuurde ons deze vraag over haar DigiD. Wij kunnen haar daar niet mee helpen en
sturen het bericht (als bijlage) aan u door.

Met vriendelijke groet,
Klantcontact Woonstichting Haaglanden
070 - 444 99 00`,
      inner: original({
        id: 'F-04-in', from: ['n.bouzid', 'n.bouzid@haagsemail.test'], to: 'klantcontact@woonstichting-haaglanden.example', subject: 'wachtwoord', date: 'Thu, 26 Nov 2026 08:30:55 +0100',
        text: `Hallo,

Voor de huurtoeslag moet ik inloggen met DigiD maar ik weet mijn wachtwoord niet meer en
het herstellen lukt niet. Kunnen jullie helpen?

Groet,
Naima Bouzid
Javastraat 150
2585 AV Den Haag`,
      }),
    }),
  },
  {
    id: 'F-05', kind: 'email_rfc822_forward',
    expected: exp('en', 'digid_aanvragen', { name: 'Sarah Whitfield', street: 'Prinsengracht', house_number: '412-III', postcode: '1016JC', city: 'Amsterdam', email: 'sarah.whitfield@oldbridge.example', phones: ['+31641772093'] }),
    build: forward({
      id: 'F-05', from: ['Expat Desk Amsterdam', 'desk@expatdesk-amsterdam.example'], subject: 'Forwarded: DigiD question from a newcomer', date: 'Mon, 30 Nov 2026 13:14:41 +0100',
      text: `Dear colleagues,

We received the attached question at our desk; it is about applying for a DigiD, so we pass it
on to you. The sender knows we have forwarded it.

Kind regards,
Expat Desk Amsterdam
+31 20 555 0199`,
      filename: 'question.eml',
      inner: original({
        id: 'F-05-in', from: ['Sarah Whitfield', 'sarah.whitfield@oldbridge.example'], to: 'desk@expatdesk-amsterdam.example', subject: 'DigiD', date: 'Sun, 29 Nov 2026 20:44:19 +0100',
        text: `Hi,

I moved here from Canada two months ago and have my BSN letter. When I try to apply for a DigiD
it says my address is unknown. What am I doing wrong?

Thanks,
Sarah Whitfield
Prinsengracht 412-III
1016 JC Amsterdam
+31 6 4177 2093`,
      }),
    }),
  },
  {
    id: 'F-06', kind: 'email_rfc822_forward',
    expected: exp('nl', 'klacht', { name: 'Wim Verschuren', street: 'Hoefstraat', house_number: '27', postcode: '5014NK', city: 'Tilburg', email: 'wim.verschuren@tilpost.test' }),
    build: forward({
      id: 'F-06', from: ['Bureau Klachtbehandeling Ombudsdienst', 'klachten@ombudsdienst-zuid.example'], subject: 'Doorzending klacht (bevoegdheid Logius)', date: 'Tue, 01 Dec 2026 10:20:00 +0100',
      text: `Geachte heer/mevrouw,

Wij ontvingen bijgaande klacht. Omdat deze over de dienstverlening van Logius gaat, zenden wij
haar aan u door. Wij hebben de indiener hiervan op de hoogte gesteld.

Hoogachtend,
Bureau Klachtbehandeling
Ombudsdienst Zuid
Postbus 9010, 5000 HA Tilburg`,
      inner: renderMessage({
        from: addr('Wim Verschuren', 'wim.verschuren@tilpost.test'), to: 'klachten@ombudsdienst-zuid.example', subject: 'Klacht Logius', date: 'Fri, 27 Nov 2026 22:31:07 +0100', messageId: mid('F-06-in', 'wim.verschuren@tilpost.test'),
        body: alternative(`Geachte heer/mevrouw,

Ik wil een klacht indienen over Logius. Ik heb vier keer gemaild over mijn DigiD en nooit
een inhoudelijk antwoord gekregen, alleen automatische bevestigingen.

Met vriendelijke groet,

W. Verschuren
Hoefstraat 27
5014 NK Tilburg`),
      }),
    }),
  },
];

// ───────────────────────── non-cases and their look-alikes ─────────────────────────

const noncases: EmailCase[] = [
  {
    id: 'N-01', kind: 'noncase', expected: noncase('nl'),
    build: simple({
      id: 'N-01', from: ['Kantoorshop Direct', 'nieuws@kantoorshop-direct.example'], subject: 'Black Friday: tot 60% korting op bureaustoelen!', date: 'Fri, 27 Nov 2026 06:00:00 +0100',
      html: `<html><body style="font-family:Arial"><table width="600" align="center"><tr><td><h1>BLACK FRIDAY WEEK</h1><p>Beste klant,</p><p>Alleen deze week: tot <b>60% korting</b> op ergonomische bureaustoelen, headsets en monitorarmen. Perfect voor uw klantcontactcentrum!</p><p><a href="https://kantoorshop-direct.example/bf?utm_source=mail">Bekijk alle aanbiedingen</a></p><p>Gratis verzending vanaf &euro; 50,-. Op werkdagen voor 22.00 uur besteld, morgen in huis.</p><p style="font-size:10px;color:#888">Kantoorshop Direct B.V. &middot; Industrieweg 12 &middot; 5222 AD 's-Hertogenbosch &middot; KvK 61829374<br>U ontvangt deze e-mail omdat u klant bij ons bent. <a href="https://kantoorshop-direct.example/afmelden">Afmelden</a></p></td></tr></table></body></html>`,
    }),
  },
  {
    id: 'N-02', kind: 'noncase', expected: noncase('nl'),
    build: simple({
      id: 'N-02', from: ['Bas Verhoeven', 'bas.verhoeven@klantai-solutions.example'], subject: 'Wachttijden KCC met 40% omlaag?', date: 'Mon, 30 Nov 2026 10:14:22 +0100',
      text: `Goedemorgen,

Ik zag dat Logius veel vragen over DigiD en MijnOverheid krijgt. Onze AI-assistent KlantAI
beantwoordt 40% van de vragen over wachtwoorden en activeringscodes automatisch, 24/7.

Heeft u volgende week 20 minuten voor een korte demo? Ik kom graag langs in Den Haag.

Met vriendelijke groet,

Bas Verhoeven
Senior Account Manager Overheid
KlantAI Solutions B.V.
Stationsplein 45, 3511 ED Utrecht
+31 6 4412 9087
www.klantai-solutions.example`,
    }),
  },
  {
    id: 'N-03', kind: 'noncase', expected: noncase('nl'),
    build: simple({
      id: 'N-03', from: ['Postmaster kcc.test', 'postmaster@kcc-test-mailbeheer.example'], subject: 'Uw mailbox intake@kcc.test is 98% vol', date: 'Tue, 01 Dec 2026 03:12:40 +0100',
      html: `<html><body><p>Beste gebruiker van intake@kcc.test,</p><p>Uw mailbox heeft de opslaglimiet bijna bereikt (<b>98%</b>). Binnenkomende berichten worden binnen 24 uur <b>geweigerd</b>.</p><p>Verifieer uw account om gratis extra opslag te ontvangen:</p><p><a href="http://mailbeheer-verificatie.example/login?u=intake">VERIFIEER NU</a></p><p>Mailbeheer IT-afdeling</p></body></html>`,
    }),
  },
  {
    id: 'N-04', kind: 'noncase', expected: noncase('en'),
    build: simple({
      id: 'N-04', from: ['DigiD Security', 'security@digid-veiligheid.example'], subject: 'Action required: your DigiD will be deactivated', date: 'Tue, 01 Dec 2026 04:40:09 +0100',
      html: `<html><body><p>Dear user,</p><p>Due to new European regulations, all DigiD accounts must be verified before <b>5 December 2026</b>. Unverified accounts will be permanently deactivated.</p><p><a href="http://digid-verify-now.example/nl">Verify my DigiD</a></p><p>You will need your bank card to confirm your identity.</p><p>Regards,<br>DigiD Security Team</p></body></html>`,
    }),
  },
  {
    id: 'N-05', kind: 'noncase', expected: noncase('nl'),
    build: simple({
      id: 'N-05', from: ['Servicedesk Leverancier', 'servicedesk@printbeheer.example'], subject: '[Ticket #48213] Uw melding is ontvangen', date: 'Wed, 25 Nov 2026 12:00:31 +0100',
      text: `Beste klant,

Uw melding is geregistreerd onder ticketnummer #48213.

Onderwerp: Storing multifunctional 3e verdieping
Prioriteit: Normaal
Status: Nieuw

Een medewerker van onze servicedesk neemt zo spoedig mogelijk contact met u op. U kunt de
status van uw melding volgen via https://portal.printbeheer.example/tickets/48213.

Dit is een automatisch gegenereerd bericht. U kunt niet op deze e-mail reageren.

Servicedesk Printbeheer
030 - 202 30 30`,
    }),
  },
  {
    id: 'N-06', kind: 'noncase', expected: noncase('en'),
    build: simple({
      id: 'N-06', from: ['Helpdesk', 'no-reply@helpdesk.cloudtelefonie.example'], subject: 'Request received: CS-99120', date: 'Thu, 26 Nov 2026 17:22:08 +0000',
      text: `Hello,

Thank you for contacting CloudTelefonie Support. Your request (CS-99120) has been received and
is being reviewed by our support staff.

To add additional comments, reply to this email.

This is an automated notification. Our expected response time is 1 business day.

CloudTelefonie Support Team`,
    }),
  },
  {
    id: 'N-07', kind: 'noncase', expected: noncase('nl'),
    build: simple({
      id: 'N-07', from: ['Congres Digitale Dienstverlening', 'info@congres-dd.example'], subject: 'Uitnodiging: Congres Digitale Dienstverlening 2027 - early bird', date: 'Wed, 25 Nov 2026 07:30:00 +0100',
      html: `<html><body><h2>Congres Digitale Dienstverlening 2027</h2><p>Beste professional,</p><p>Op 11 maart 2027 komen 800 professionals uit de publieke sector samen in de Jaarbeurs. Met sprekers over DigiD, eHerkenning, de Berichtenbox en de toekomst van het klantcontact.</p><p>Meld u nu aan voor &euro; 395,- (early bird, t/m 15 december).</p><p><a href="https://congres-dd.example/aanmelden">Aanmelden</a></p><p style="font-size:9px">Congres DD &middot; Postbus 1200 &middot; 3500 BE Utrecht &middot; Afmelden voor deze mailing: <a href="https://congres-dd.example/uit">klik hier</a></p></body></html>`,
    }),
  },
  {
    id: 'N-08', kind: 'noncase', expected: noncase('nl'),
    build: simple({
      id: 'N-08', from: ['Debiteurenbeheer', 'facturen@incasso-noord.example'], subject: 'Openstaande factuur 2026-1182 - laatste herinnering', date: 'Sun, 29 Nov 2026 23:59:01 +0100',
      text: `Geachte relatie,

Volgens onze administratie staat factuur 2026-1182 ad EUR 1.284,50 nog open. Wij verzoeken u
het bedrag binnen 48 uur te voldoen via de betaallink hieronder, om extra incassokosten te
voorkomen.

https://betaal-nu-incasso.example/f/2026-1182

Met vriendelijke groet,
Afdeling Debiteuren`,
    }),
  },
  {
    id: 'N-09', kind: 'noncase',
    expected: exp('nl', 'overig', { name: 'Wilma Jacobs', email: 'wilma.jacobs@kempenmail.test', phones: ['+31497382541'] }),
    build: simple({
      id: 'N-09', from: ['Wilma Jacobs', 'wilma.jacobs@kempenmail.test'], subject: 'Fw: Action required: your DigiD will be deactivated', date: 'Tue, 01 Dec 2026 09:15:37 +0100',
      text: `Goedemorgen,

Ik kreeg vannacht onderstaande mail. Is die echt van DigiD? Ik vertrouw het niet, want ze
vragen om mijn bankpas. Ik heb nog niet op de link geklikt.

Wilma Jacobs
0497-382541

---------- Doorgestuurd bericht ---------
Van: DigiD Security <security@digid-veiligheid.example>
Datum: di 1 dec. 2026 om 04:40
Onderwerp: Action required: your DigiD will be deactivated
Aan: <wilma.jacobs@kempenmail.test>

Dear user,

Due to new European regulations, all DigiD accounts must be verified before 5 December 2026.
Unverified accounts will be permanently deactivated.

Verify my DigiD: http://digid-verify-now.example/nl

You will need your bank card to confirm your identity.

Regards,
DigiD Security Team`,
    }),
  },
  {
    id: 'N-10', kind: 'noncase',
    expected: exp('en', 'overig', { name: 'Peter Hollander', email: 'peter.hollander@coastmail.example' }),
    build: simple({
      id: 'N-10', from: ['Peter Hollander', 'peter.hollander@coastmail.example'], subject: 'Is this message from you?', date: 'Mon, 30 Nov 2026 19:50:02 +0100',
      text: `Hello,

I received the text below by e-mail. It says my Berichtenbox has an unpaid fine and I need to
pay with iDEAL through a link. Is this genuine? It looks odd to me.

Thanks,
Peter Hollander

> From: MijnOverheid <berichten@mijnoverheid-melding.example>
> Subject: Nieuw bericht: openstaande boete
>
> Beste burger,
> Er staat een nieuw bericht in uw Berichtenbox. U heeft een openstaande boete van EUR 89,00.
> Betaal binnen 24 uur via https://mijnoverheid-betalen.example om verhoging te voorkomen.
> Met vriendelijke groet, MijnOverheid`,
    }),
  },
  {
    id: 'N-11', kind: 'noncase',
    expected: exp('nl', 'overig', { name: 'Gijs Veenstra', street: 'Harinxmastraat', house_number: '21', postcode: '8911AZ', city: 'Leeuwarden', email: 'gijs.veenstra@waddenpost.test' }),
    build: async () =>
      renderMessage({
        from: addr('Gijs Veenstra', 'gijs.veenstra@waddenpost.test'), to: TO, subject: 'Verdachte mail ontvangen (zie bijlage)', date: 'Tue, 01 Dec 2026 10:32:45 +0100', messageId: mid('N-11', 'gijs.veenstra@waddenpost.test'),
        body: {
          kind: 'multipart', subtype: 'mixed', parts: [
            alternative(`Geachte heer/mevrouw,

Bijgaand een e-mail die ik vanochtend kreeg, zogenaamd van de Berichtenbox. Ik wil weten of
dit oplichting is. Ik heb niets ingevuld. Kunt u dit nagaan?

Met vriendelijke groet,

Gijs Veenstra
Harinxmastraat 21
8911 AZ Leeuwarden`),
            {
              kind: 'rfc822', filename: 'verdachte mail.eml',
              raw: renderMessage({
                from: addr('MijnOverheid', 'berichten@mijnoverheid-melding.example'), to: 'gijs.veenstra@waddenpost.test', subject: 'Nieuw bericht: openstaande boete', date: 'Tue, 01 Dec 2026 05:02:10 +0100', messageId: 'x81726@mijnoverheid-melding.example',
                body: { kind: 'text', subtype: 'html', text: '<html><body><p>Beste burger,</p><p>Er staat een nieuw bericht in uw Berichtenbox. U heeft een openstaande boete van EUR 89,00.</p><p><a href="https://mijnoverheid-betalen.example">Betaal nu</a></p><p>Met vriendelijke groet,<br>MijnOverheid</p></body></html>' },
              }),
            },
          ],
        },
      }),
  },
];

// ───────────────────────── controls ─────────────────────────

const controls: EmailCase[] = [
  {
    id: 'C-01', kind: 'control_email',
    expected: exp('nl', 'digid_app', { name: 'Sophie Hermans', street: 'Oude Gracht', house_number: '144bis', postcode: '3511AZ', city: 'Utrecht', email: 'sophie.hermans@domstadmail.test', phones: ['+31612345078'] }),
    build: simple({
      id: 'C-01', from: ['Sophie Hermans', 'sophie.hermans@domstadmail.test'], subject: 'ID-check in DigiD app', date: 'Mon, 23 Nov 2026 12:44:29 +0100',
      text: `Hallo,

Bij de ID-check in de DigiD app blijft het scherm hangen op "Paspoort lezen...". Ik heb een
nieuw paspoort (afgegeven in oktober). Ligt het aan mijn telefoon of aan het paspoort?

Groetjes,

Sophie Hermans
Oude Gracht 144bis
3511 AZ Utrecht
06-12 34 50 78`,
    }),
  },
  {
    id: 'C-02', kind: 'control_email',
    expected: exp('nl', 'eherkenning', { name: 'Jeroen Terpstra', street: 'Industrieweg', house_number: '8', postcode: '9301LM', city: 'Roden', email: 'j.terpstra@terpstra-installatie.example', phones: ['+31505017334'] }),
    build: simple({
      id: 'C-02', from: ['Jeroen Terpstra', 'j.terpstra@terpstra-installatie.example'], subject: 'eHerkenning niveau 3 voor subsidieaanvraag', date: 'Tue, 24 Nov 2026 09:20:15 +0100',
      text: `Goedemorgen,

Voor een subsidieaanvraag bij RVO hebben wij eHerkenning niveau EH3 nodig. Wij hebben nu
EH2. Kunnen wij het niveau ophogen of moeten wij een nieuw middel aanschaffen?

Ons KvK-nummer is 71839265 en ons RSIN 859213476.

Met vriendelijke groet,

Jeroen Terpstra
Terpstra Installatietechniek B.V.
Industrieweg 8 | 9301 LM Roden
T: 050 - 501 73 34`,
    }),
  },
  {
    id: 'C-03', kind: 'control_email',
    expected: exp('en', 'pkioverheid', { name: 'Hannah Meijer', street: 'Prinses Beatrixlaan', house_number: '582', postcode: '2595BM', city: 'Den Haag', email: 'h.meijer@certbeheer.example', phones: ['+31703456789'] }),
    build: simple({
      id: 'C-03', from: ['Hannah Meijer', 'h.meijer@certbeheer.example'], subject: 'PKIoverheid server certificate chain', date: 'Wed, 25 Nov 2026 15:05:41 +0100',
      text: `Hello,

After renewing our PKIoverheid server certificate, some clients report that the chain is
incomplete. Which intermediate certificate should we install for the private root?

Best regards,

Hannah Meijer
Certificate management
Prinses Beatrixlaan 582
2595 BM Den Haag
Tel. +31 (0)70 345 6789`,
    }),
  },
  {
    id: 'C-04', kind: 'control_email',
    expected: exp('nl', 'mijnoverheid_berichtenbox', { name: 'Karin Vos', street: 'Hoofdstraat', house_number: '203', postcode: '3781AL', city: 'Voorthuizen', email: 'karin.vos@veluwemail.test', phones: ['+31342471902'] }),
    build: simple({
      id: 'C-04', from: ['Karin Vos', 'karin.vos@veluwemail.test'], subject: 'Bericht verwijderd uit Berichtenbox', date: 'Wed, 25 Nov 2026 19:31:03 +0100',
      text: `Beste mensen,

Ik heb per ongeluk een bericht van het CJIB uit mijn Berichtenbox verwijderd. Kan ik dat
terugzetten? Het kenmerk van het bericht was 731849265, de beschikking had nummer
2026-0318-4471.

Met vriendelijke groet,
Karin Vos
Hoofdstraat 203, 3781 AL Voorthuizen
(0342) 47 19 02`,
    }),
  },
  {
    id: 'C-05', kind: 'control_email',
    expected: exp('nl', 'digid_wachtwoord', { name: 'Mehmet Yildiz', street: 'Schiedamseweg', house_number: '77c', postcode: '3026AC', city: 'Rotterdam', email: 'mehmet.yildiz@maasmail.test', phones: ['+31648271936'] }),
    build: simple({
      id: 'C-05', from: ['Mehmet Yildiz', 'mehmet.yildiz@maasmail.test'], subject: 'nieuw wachtwoord aanvragen duurt lang', date: 'Thu, 26 Nov 2026 07:12:58 +0100',
      text: `Goedemorgen,

Ik heb vorige week een nieuw wachtwoord aangevraagd maar de brief met de herstelcode is nog
niet binnen. Hoe lang duurt dat normaal?

Mehmet Yildiz
Schiedamseweg 77c
3026 AC Rotterdam
0031 6 4827 1936`,
    }),
  },
  {
    id: 'C-06', kind: 'control_email',
    expected: exp('nl', 'privacy_verzoek', { name: 'Femke de Jong', street: 'Nieuwe Ebbingestraat', house_number: '63', postcode: '9712NE', city: 'Groningen', email: 'femke.dejong@noordpost.test', bsn: '702514834' }),
    build: simple({
      id: 'C-06', from: ['Femke de Jong', 'femke.dejong@noordpost.test'], subject: 'Inzageverzoek AVG', date: 'Thu, 26 Nov 2026 13:40:26 +0100',
      text: `Geachte heer/mevrouw,

Op grond van artikel 15 AVG verzoek ik u om inzage in alle persoonsgegevens die Logius over
mij verwerkt, waaronder de gebruiksgeschiedenis van mijn DigiD over de afgelopen twee jaar.

Mijn gegevens:
Naam: Femke de Jong
Adres: Nieuwe Ebbingestraat 63, 9712 NE Groningen
BSN: 702514834

Ik ontvang de gegevens graag per e-mail.

Hoogachtend,
Femke de Jong`,
    }),
  },
  {
    id: 'C-07', kind: 'control_email',
    expected: exp('nl', 'klacht', { name: 'Arjan Wijnands', street: 'Tolsteegsingel', house_number: '2', postcode: '3582AA', city: 'Utrecht', email: 'arjan.wijnands@singelpost.test', phones: ['+31302718455'] }),
    build: simple({
      id: 'C-07', from: ['Arjan Wijnands', 'arjan.wijnands@singelpost.test'], subject: 'Klacht over de telefonische bereikbaarheid', date: 'Fri, 27 Nov 2026 16:58:14 +0100',
      text: `Geachte heer/mevrouw,

Hierbij dien ik een klacht in. Ik heb drie dagen achter elkaar meer dan 45 minuten in de wacht
gestaan bij de DigiD-helpdesk en ben twee keer zonder antwoord afgebroken. Dit is voor een
overheidsdienst onacceptabel.

Mijn bankrekening NL91 ABNA 0417 1643 00 hoeft u niet te gebruiken, ik wil geen vergoeding,
maar wel een reactie.

Arjan Wijnands
Tolsteegsingel 2
3582 AA Utrecht
(030) 271 84 55`,
    }),
  },
  {
    id: 'C-08', kind: 'control_email',
    expected: exp('nl', 'digipoort', { name: 'Ingrid Hoekman', street: 'Europaweg', house_number: '150', postcode: '7336AP', city: 'Apeldoorn', email: 'ingrid.hoekman@boekhoudsoft.example', phones: ['+31553012240', '+31657281934'] }),
    build: simple({
      id: 'C-08', from: ['Ingrid Hoekman', 'ingrid.hoekman@boekhoudsoft.example'], subject: 'Digipoort foutcode bij aanleveren XBRL', date: 'Mon, 30 Nov 2026 10:50:33 +0100',
      text: `Goedemorgen,

Sinds vanochtend krijgen wij bij het aanleveren van XBRL-berichten via Digipoort de
foutmelding STATUS 311. Onze testomgeving werkt wel. Is er een storing?

Met vriendelijke groet,

Ingrid Hoekman
Team Koppelingen, BoekhoudSoft B.V.
Europaweg 150, 7336 AP Apeldoorn
Tel 055 301 22 40 | Mob 06 5728 1934`,
    }),
  },
  {
    id: 'C-09', kind: 'control_email',
    expected: exp('nl', 'mijnoverheid_overig', { name: 'Roos Timmermans', street: 'Beukenlaan', house_number: '3', postcode: '6542KL', city: 'Nijmegen', email: 'roos.t@waalmail.test' }),
    build: simple({
      id: 'C-09', from: ['Roos Timmermans', 'roos.t@waalmail.test'], subject: 'Gegevens in MijnOverheid kloppen niet', date: 'Mon, 30 Nov 2026 20:12:45 +0100',
      text: `Hallo,

In MijnOverheid staat mijn WOZ-waarde van vorig jaar en niet die van dit jaar. Mijn adres is
Beukenlaan 3 in 6542 KL Nijmegen. Waar kan ik dit laten aanpassen?

Mijn klantnummer bij de gemeente is 318462759, als dat helpt.

Roos Timmermans`,
    }),
  },
  {
    id: 'C-10', kind: 'control_email',
    expected: exp('en', 'digid_machtigen', { name: 'Lucas Peeters', street: 'Rue de la Station', house_number: '14', postcode: '4700', city: 'Eupen', email: 'lucas.peeters@grensmail.example', phones: ['+32470123456'] }),
    build: simple({
      id: 'C-10', from: ['Lucas Peeters', 'lucas.peeters@grensmail.example'], subject: 'Authorising my brother with DigiD from Belgium', date: 'Tue, 01 Dec 2026 11:25:19 +0100',
      text: `Good morning,

I am Dutch and live in Belgium. I would like to authorise my brother in the Netherlands to
handle my tax affairs through DigiD Machtigen. Is that possible with a DigiD issued abroad?

Kind regards,

Lucas Peeters
Rue de la Station 14
4700 Eupen
Belgium
+32 470 12 34 56`,
    }),
  },
];

export const EMAILS: EmailCase[] = [...representatives, ...quoted, ...forwards, ...noncases, ...controls];
