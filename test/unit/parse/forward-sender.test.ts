/**
 * Who the citizen is in a forwarded message. A forward resolves to the original sender (a
 * relative, a municipality or a colleague passing on someone's question) unless the
 * forwarder passes on mail addressed to themselves with words of their own: then they are
 * asking (about a letter, a phishing mail, a supplier's answer) and the original is context.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { analyseEmail, FORWARD_DIVIDER } from '../../../processors/analyse/index.ts';
import { fixture } from './helpers.ts';

const OURS = ['kcc@kcc.example.nl', 'logius.example.nl'];

function forward(o: { from: string; note: string; originalFrom: string; originalTo: string; original: string; subject?: string; cc?: string }): Promise<Buffer> {
  const text = `${o.note}\n\n---------- Forwarded message ---------\nFrom: ${o.originalFrom}\nDate: Thu, 26 Nov 2026 at 07:41\nSubject: ${o.subject ?? 'Bericht'}\nTo: ${o.originalTo}\n${o.cc ? `Cc: ${o.cc}\n` : ''}\n${o.original}`;
  return new MailComposer({ from: o.from, to: 'kcc@kcc.example.nl', subject: `Fwd: ${o.subject ?? 'Bericht'}`, text }).compile().build();
}

const SUPPLIER_MAIL = 'Beste mevrouw Smulders,\n\nDe foutmelding komt van Digipoort zelf; neemt u contact op met Logius.\n\nMet vriendelijke groet,\nJeroen Hak\nAdminPlus Support\n085 - 401 22 70';

describe('analyse: the citizen in a forwarded message', () => {
  it('a citizen forwarding a letter addressed to them, with a question: the forwarder, with the original kept as context', async () => {
    const a = await analyseEmail(fixture('forward-gmail.eml'), { ourAddresses: OURS });
    expect(a.citizen.name).to.equal('Piet Bakker');
    expect(a.citizen.email).to.equal('piet.bakker@example.nl');
    expect(a.text.startsWith('Zie hieronder, dit bericht begrijp ik niet.')).to.equal(true);
    expect(a.text).to.include(FORWARD_DIVIDER);
    expect(a.text).to.include('U heeft nog geen machtiging afgegeven via DigiD Machtigen.');
    expect(a.classification.topic).to.equal('digid_machtigen');
  });

  it('takes none of the original sender\'s contact details for the forwarder', async () => {
    const a = await analyseEmail(await forward({
      from: 'Ingrid Smulders <i.smulders@accountancy.example>', note: 'Wat moeten wij doen? Sinds ons certificaat vernieuwd is komen de aangiftes niet meer door Digipoort.\n\nIngrid Smulders\n0492 - 66 13 02',
      originalFrom: 'Support AdminPlus <support@adminplus.example>', originalTo: 'i.smulders@accountancy.example', original: SUPPLIER_MAIL, subject: 'RE: Ticket aanlevering geweigerd',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Ingrid Smulders', email: 'i.smulders@accountancy.example', phones: ['+31492661302'] });
    expect(a.classification.topic).to.equal('digipoort');
  });

  it('answers in the forwarder\'s language when their note and the original differ', async () => {
    const a = await analyseEmail(await forward({
      from: 'Jan-Willem Bos <jwbos@example.com>', note: 'Is this real? It looks fake to me, the link goes to some strange site. I have no new message when I log in.',
      originalFrom: 'MijnOverheid <noreply@mijnoverheid-berichten.example>', originalTo: '<jwbos@example.com>',
      original: 'Beste heer/mevrouw,\n\nU heeft een nieuw bericht in uw Berichtenbox van de Belastingdienst. Bevestig binnen 48 uur uw gegevens via onderstaande link.\n\nMet vriendelijke groet,\nTeam MijnOverheid',
      subject: 'Nieuw bericht in uw Berichtenbox',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Jan-Willem Bos', email: 'jwbos@example.com' });
    expect(a.classification.language).to.equal('en');
    expect(a.classification.topic).to.equal('mijnoverheid_berichtenbox');
  });

  it('a forward without words of its own: the original sender asked (a relative passing it on)', async () => {
    const a = await analyseEmail(fixture('forward-outlook-nl.eml'), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Henk Smit', email: 'h.smit@example.org' });
    expect(a.text).to.not.include(FORWARD_DIVIDER);
  });

  it('an organisation passing on mail sent to its general address: the original sender', async () => {
    const a = await analyseEmail(await forward({
      from: 'Gemeente Apeldoorn <klantcontact@apeldoorn.example>', note: 'Onderstaande vraag is volgens ons voor jullie. Willen jullie de burger rechtstreeks antwoorden?',
      originalFrom: 'Henk Smeenk <h.smeenk@example.nl>', originalTo: 'info@apeldoorn.example',
      original: 'Ik wil mijn account van MijnOverheid opheffen. Hoe doe ik dat?\n\nHenk Smeenk\n055-5 21 34 67',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Henk Smeenk', email: 'h.smeenk@example.nl', phones: ['+31555213467'] });
  });

  it('a shared mailbox passing on what it received: the original sender', async () => {
    const a = await analyseEmail(await forward({
      from: 'Gemeente Apeldoorn <info@apeldoorn.example>', note: 'Zou u deze burger kunnen helpen? Wij gaan hier niet over.',
      originalFrom: 'Henk Smeenk <h.smeenk@example.nl>', originalTo: 'info@apeldoorn.example',
      original: 'Ik wil mijn account van MijnOverheid opheffen. Hoe doe ik dat?\n\nHenk Smeenk\n055-5 21 34 67',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Henk Smeenk', email: 'h.smeenk@example.nl', phones: ['+31555213467'] });
  });

  it('a relative handing on a question addressed to them: the original sender', async () => {
    const a = await analyseEmail(await forward({
      from: 'Karin Smit <karin.smit@example.nl>', note: 'Kunnen jullie mijn vader helpen? Hij komt er niet uit.',
      originalFrom: 'Henk Smit <h.smit@example.org>', originalTo: 'Karin Smit <karin.smit@example.nl>',
      original: 'Hoi Karin,\n\nWaarom krijg ik geen berichten meer in mijn Berichtenbox?\n\nHenk Smit',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Henk Smit', email: 'h.smit@example.org' });
  });

  it("a phone's 'sent from' line is no note of one's own; a letter from an organisation needs none", async () => {
    const person = await analyseEmail(await forward({
      from: 'Karin Smit <karin.smit@example.nl>', note: 'Verzonden vanaf mijn iPhone',
      originalFrom: 'Henk Smit <h.smit@example.org>', originalTo: 'karin.smit@example.nl', original: 'Waarom krijg ik geen berichten meer?\n\nHenk Smit',
    }), { ourAddresses: OURS });
    expect(person.citizen.email).to.equal('h.smit@example.org');
    const letter = await analyseEmail(await forward({
      from: 'Karin Smit <karin.smit@example.nl>', note: 'Verzonden vanaf mijn iPhone',
      originalFrom: 'Belastingdienst <noreply@belasting.example>', originalTo: 'karin.smit@example.nl', original: 'Uw aanslag staat klaar in uw Berichtenbox.',
    }), { ourAddresses: OURS });
    expect(letter.citizen).to.deep.include({ name: 'Karin Smit', email: 'karin.smit@example.nl' });
  });

  it('finds the forwarder among the recipients by name (Outlook "Aan: Bakker, Piet") and in Cc', async () => {
    const byName = await analyseEmail(await forward({
      from: 'Piet Bakker <piet@example.nl>', note: 'Wat betekent dit?',
      originalFrom: 'Support AdminPlus <support@adminplus.example>', originalTo: 'Bakker, Piet', original: SUPPLIER_MAIL,
    }), { ourAddresses: OURS });
    expect(byName.citizen).to.deep.include({ name: 'Piet Bakker', email: 'piet@example.nl', phones: [] });
    const cc = await analyseEmail(await forward({
      from: 'Piet Bakker <piet@example.nl>', note: 'Wat betekent dit?',
      originalFrom: 'Support AdminPlus <support@adminplus.example>', originalTo: 'administratie@bakker.example', cc: 'piet@example.nl', original: SUPPLIER_MAIL,
    }), { ourAddresses: OURS });
    expect(cc.citizen.email).to.equal('piet@example.nl');
  });

  it('a colleague forwarding a citizen\'s mail sent to them: always the citizen', async () => {
    const a = await analyseEmail(await forward({
      from: 'Els de Wit <els.dewit@logius.example.nl>', note: 'Kan iemand deze oppakken? Kwam bij mij binnen.',
      originalFrom: 'Karel Prins <karel.prins@example.nl>', originalTo: 'els.dewit@logius.example.nl',
      original: 'Ik ben mijn DigiD wachtwoord vergeten.\n\nKarel Prins',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Karel Prins', email: 'karel.prins@example.nl' });
  });

  describe('forwarded as an attachment (message/rfc822)', () => {
    function attached(o: { from: string; note: string; original: Buffer; subject?: string }): Promise<Buffer> {
      return new MailComposer({
        from: o.from, to: 'kcc@kcc.example.nl', subject: `FW: ${o.subject ?? 'Vraag'}`, text: o.note,
        // As Outlook and Thunderbird send it: an attachment, not an inline part mailparser would merge into the text.
        attachments: [{ filename: 'Vraag.eml', contentType: 'message/rfc822', contentDisposition: 'attachment', content: o.original }],
      }).compile().build();
    }
    const original = (from: string, to: string, text: string) =>
      new MailComposer({ from, to, subject: 'Vraag over DigiD machtigen', text, messageId: '<orig-1@webmail.example>' }).compile().build();
    const QUESTION = 'Goedemorgen,\n\nHoe kan ik mijn dochter machtigen om mijn belastingaangifte te doen met DigiD?\n\nMet vriendelijke groet,\nHenk Postma\nDorpsstraat 12\n8011 AB Zwolle\n06-12345678';

    it('a municipality passing on a citizen\'s mail: the citizen is the attached message\'s sender, with their address and phone', async () => {
      const a = await analyseEmail(await attached({
        from: 'Gemeente Zwolle Burgerzaken <burgerzaken@zwolle.example>', note: 'Beste collega\'s, onderstaande vraag is voor jullie.',
        original: await original('Henk Postma <h.postma@webmail.example>', 'burgerzaken@zwolle.example', QUESTION),
      }), { ourAddresses: OURS });
      expect(a.citizen).to.deep.include({ name: 'Henk Postma', email: 'h.postma@webmail.example', street: 'Dorpsstraat', house_number: '12', postcode: '8011AB', city: 'Zwolle', phones: ['+31612345678'] });
      expect(a.text).to.include('Hoe kan ik mijn dochter machtigen');
      expect(a.classification.topic).to.equal('digid_machtigen');
    });

    it('a citizen forwarding, as an attachment, a phishing mail they received, with their question: the forwarder is the one asking', async () => {
      const phishing = await original('DigiD <security@digid-veilig.example>', 'k.visser@mail.example', 'Uw DigiD wordt vandaag opgeheven. Log direct in via http://digid-veilig.example/login om dit te voorkomen.');
      const a = await analyseEmail(await attached({
        from: 'Karin Visser <k.visser@mail.example>', note: 'Is deze mail echt van DigiD? Ik vertrouw het niet.\n\nKarin Visser',
        original: phishing, subject: 'Uw DigiD wordt opgeheven',
      }), { ourAddresses: OURS });
      expect(a.citizen).to.deep.include({ name: 'Karin Visser', email: 'k.visser@mail.example' });
      expect(a.text.startsWith('Is deze mail echt van DigiD?')).to.equal(true);
    });

    it('an official passing on a resident\'s mail sent to them personally: the resident, whatever the note\'s wording', async () => {
      const toOfficial = await original('Henk Postma <h.postma@webmail.example>', 'a.bos@zwolle.example', QUESTION);
      const notes: Array<[string, string]> = [
        ['Anne Bos <a.bos@zwolle.example>', 'Goedemiddag,\n\nBijgaand een vraag van een inwoner over DigiD. Kunnen jullie deze beantwoorden?\n\nMet vriendelijke groet,\nAnne Bos\nKlantcontactcentrum Gemeente Zwolle'],
        ['Anne Bos <a.bos@zwolle.example>', 'Dear colleagues,\n\nPlease find attached an enquiry from a resident that we cannot answer ourselves.\n\nKind regards,\nAnne Bos\nCity of Zwolle'],
        ['Anne Bos <a.bos@zwolle.example>', 'Graag jullie reactie.\n\nAnne Bos\nGemeente Zwolle, afdeling Dienstverlening'],
        ['Gemeente Zwolle <a.bos@zwolle.example>', 'Zie bijlage.'],
      ];
      for (const [from, note] of notes) {
        const a = await analyseEmail(await attached({ from, note, original: toOfficial }), { ourAddresses: OURS });
        expect(a.citizen, note).to.deep.include({ name: 'Henk Postma', email: 'h.postma@webmail.example', postcode: '8011AB', phones: ['+31612345678'] });
      }
    });

    it('a citizen forwarding a person\'s mail to them, asking about it for themselves: still the forwarder', async () => {
      const scam = await original('Jan Jansen <jan.jansen@gmail.example>', 'k.visser@mail.example', 'Beste Karin, ik ben van de DigiD helpdesk. Stuur mij uw inlogcode, dan los ik het probleem op.');
      const a = await analyseEmail(await attached({
        from: 'Karin Visser <k.visser@mail.example>', note: 'Ik kreeg deze mail van iemand die zegt dat hij van DigiD is. Klopt dit? Ik wil niet dat mijn DigiD wordt misbruikt.\n\nKarin Visser',
        original: scam, subject: 'DigiD probleem',
      }), { ourAddresses: OURS });
      expect(a.citizen).to.deep.include({ name: 'Karin Visser', email: 'k.visser@mail.example' });
    });

    it('a bounce carrying the original is still a bounce, not a forward', async () => {
      const bounce = await new MailComposer({
        from: 'Mail Delivery System <MAILER-DAEMON@mx.example>', to: 'kcc@kcc.example.nl', subject: 'Undelivered Mail Returned to Sender', text: 'This is the mail system. I\'m sorry to have to inform you that your message could not be delivered.',
        attachments: [{ filename: 'orig.eml', contentType: 'message/rfc822', contentDisposition: 'attachment', content: await original('Henk Postma <h.postma@webmail.example>', 'x@y.example', QUESTION) }],
      }).compile().build();
      const a = await analyseEmail(bounce, { ourAddresses: OURS });
      expect(a.isCase).to.equal(false);
      expect(a.citizen.email).to.equal(null);
    });
  });
});
