/**
 * Probable non-cases that carry no filter headers (issue 13): phishing and marketing mail
 * sent to the KCC itself, recognised by the marks in the message's own structure
 * (processors/parse/suspect.ts contentSignals), only ever for the screening queue.
 * A citizen who speaks for themselves, or forwards such a mail to ask about it, stays a case.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { analyseEmail } from '../../../processors/analyse/index.ts';
import { contentSignals } from '../../../processors/parse/suspect.ts';

const OURS = ['intake@kcc.test'];

function mail(o: { from: string; subject: string; text: string; html?: string }): Promise<Buffer> {
  return new MailComposer({ from: o.from, to: 'intake@kcc.test', subject: o.subject, text: o.text, ...(o.html ? { html: o.html } : {}) }).compile().build();
}

const signals = (text: string, from = 'Service <service@example.com>', html: string | null = null) => {
  const m = /^(.*?)\s*<([^>]+)>$/.exec(from);
  return contentSignals({ text, html, fromName: m?.[1] ?? null, fromAddress: m?.[2] ?? from, ourAddresses: OURS });
};

describe('screening: marks of phishing and marketing in the message itself', () => {
  it('a request to verify an account behind a link, with a threatening deadline: phishing, to the screening queue', async () => {
    const a = await analyseEmail(await mail({
      from: 'Beheer <beheer@postvak-beheer.example>', subject: 'Uw postvak',
      text: 'Beste gebruiker,\n\nUw postvak is bijna vol. Bevestig uw account via https://postvak-beheer.example/login anders wordt het postvak binnen 48 uur geblokkeerd.\n\nBeheer',
    }), { ourAddresses: OURS });
    expect(a.isCase, 'still a case, for an agent to confirm').to.equal(true);
    expect(a.screening?.reasons).to.deep.equal(['phishing-signals']);
  });

  it('counts each structural mark: a link to an archive, a greeting by mailbox address, a domain wearing our name or the display name, a link whose text names another site', () => {
    // Archive link + deadline.
    expect(signals('Geachte heer/mevrouw,\n\nDe factuur staat klaar: http://facturen.example/f/2026.zip . Betaal binnen 2 dagen.')).to.deep.equal(['phishing-signals']);
    // Greeting by our address + a sender domain wearing our own name.
    expect(signals('Dear intake@kcc.test,\n\nA message is waiting for you.', 'Admin <admin@kcc-portal.example>')).to.deep.equal(['phishing-signals']);
    // A display name's brand with words added to the domain + a call to confirm details behind a link.
    expect(signals('Beste klant,\n\nBevestig uw gegevens: https://secure.example/x', 'Bankdienst <info@bankdienst-veilig.example>')).to.deep.equal(['phishing-signals']);
    // An HTML link that shows one site and opens another + a deadline.
    expect(signals('Log in vandaag nog.', 'Service <service@example.com>', '<p>Log in op <a href="http://198.51.100.7/x">www.mijnbank.example</a></p>')).to.deep.equal(['phishing-signals']);
    // A company asking about its own account ('ons') with a deadline of its own is no phishing.
    expect(signals('Goedemiddag,\n\nWij kunnen niet inloggen op ons account bij https://eherkenning.example en onze aangifte moet binnen 2 dagen binnen zijn. Wat nu?\n\nBakkerij Bol')).to.deep.equal([]);
    // One mark alone is not enough.
    expect(signals('Beste klant,\n\nUw pakket wordt vandaag bezorgd.')).to.deep.equal([]);
    // A domain that is the display name written together is the sender's own.
    expect(signals('Beste klant,\n\nBevestig uw gegevens: https://govtech-events.example/x', 'GovTech Events <events@govtech-events.example>')).to.deep.equal([]);
  });

  it('a greeting for a list, a team sign-off and a call to the sender\'s own site: marketing', () => {
    expect(signals('Geachte relatie,\n\nWij nodigen u uit voor onze cursus. Schrijf u in via https://leerhuis.example/cursus\n\nHet team van Leerhuis', 'Leerhuis <cursus@leerhuis.example>')).to.deep.equal(['marketing-signals']);
    // Without the team sign-off: not enough.
    expect(signals('Geachte relatie,\n\nWij nodigen u uit voor onze cursus. Schrijf u in via https://leerhuis.example/cursus\n\nPetra Bos', 'Leerhuis <cursus@leerhuis.example>')).to.deep.equal([]);
  });

  it('a citizen who speaks for themselves about such a mail is no phishing, nor is a forwarded phishing mail with a question', async () => {
    expect(signals('Beste,\n\nIk kreeg een mail: "Bevestig uw account via https://x.example/login, anders wordt het binnen 24 uur geblokkeerd." Is dit echt?\n\nJan de Vries')).to.deep.equal([]);
    const fwd = await analyseEmail(await mail({
      from: 'Jan de Vries <jan.devries@mail.example>', subject: 'Fwd: Uw postvak',
      text: 'Is dit echt van jullie?\n\nJan de Vries\n\n---------- Forwarded message ---------\nFrom: Beheer <beheer@postvak-beheer.example>\nDate: Thu, 26 Nov 2026 at 07:41\nSubject: Uw postvak\nTo: jan.devries@mail.example\n\nBeste gebruiker,\n\nBevestig uw account via https://postvak-beheer.example/login anders wordt het postvak binnen 48 uur geblokkeerd.',
    }), { ourAddresses: OURS });
    expect(fwd.isCase).to.equal(true);
    expect(fwd.screening).to.equal(null);
  });
});
