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
});
