/**
 * Probable non-cases go to the screening queue, where an agent decides; they are never
 * dropped and never answered before that. What the message shows (processors/parse/suspect.ts)
 * and the decision over it (processors/screening) — rspamd itself is exercised against the
 * real local server in test/integration/email/screening.test.ts.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { analyseEmail } from '../../../processors/analyse/index.ts';
import { screen, type SpamFilter } from '../../../processors/screening/index.ts';

const OURS = ['intake@kcc.test'];

function mail(o: { from?: string; subject: string; text: string; headers?: Record<string, string>; attachments?: Array<{ filename: string; contentType: string; contentDisposition?: 'attachment'; content: Buffer }> }): Promise<Buffer> {
  return new MailComposer({ from: o.from ?? 'Jan de Vries <jan.devries@mail.example>', to: 'intake@kcc.test', subject: o.subject, text: o.text, headers: o.headers ?? {}, attachments: o.attachments ?? [] }).compile().build();
}

const QUESTION = 'Goedemiddag,\n\nSinds gisteren kan ik niet meer inloggen met de DigiD app. Wat kan ik doen?\n\nMet vriendelijke groet,\nJan de Vries';

describe('screening: probably not a case', () => {
  it('an ordinary question is not screened', async () => {
    const a = await analyseEmail(await mail({ subject: 'DigiD app werkt niet', text: QUESTION }), { ourAddresses: OURS });
    expect(a.isCase).to.equal(true);
    expect(a.screening).to.equal(null);
  });

  for (const [name, headers] of [
    ['X-Spam-Flag: YES (SpamAssassin)', { 'X-Spam-Flag': 'YES' }],
    ['X-Spam-Status: Yes, score=… (SpamAssassin)', { 'X-Spam-Status': 'Yes, score=9.1 required=5.0 tests=HTML_MESSAGE,URIBL_BLACK' }],
    ['X-Spam: Yes (rspamd milter)', { 'X-Spam': 'Yes' }],
    ['X-Rspamd-Action: add header', { 'X-Rspamd-Action': 'add header' }],
    ['Exchange Online SCL 6', { 'X-MS-Exchange-Organization-SCL': '6' }],
    ['Exchange Online Forefront report SCL:9', { 'X-Forefront-Antispam-Report': 'CIP:192.0.2.1;CTRY:;LANG:nl;SCL:9;SRV:;IPV:NLI;SFV:SPM;' }],
  ] as const) {
    it(`the mail filter's spam verdict: ${name}`, async () => {
      const a = await analyseEmail(await mail({ subject: 'Uw DigiD verloopt vandaag', text: 'Log direct in via de link om uw DigiD te behouden.', headers }), { ourAddresses: OURS });
      expect(a.isCase, 'it still becomes a case, for an agent to confirm').to.equal(true);
      expect(a.screening?.reasons).to.deep.equal(['spam-filter-header']);
    });
  }

  it('a filter that says no is no verdict (X-Spam-Status: No, SCL 1)', async () => {
    const a = await analyseEmail(await mail({ subject: 'DigiD app werkt niet', text: QUESTION, headers: { 'X-Spam-Status': 'No, score=0.3 required=5.0', 'X-Spam-Flag': 'NO', 'X-MS-Exchange-Organization-SCL': '1' } }), { ourAddresses: OURS });
    expect(a.screening).to.equal(null);
  });

  it('marketing mail with List-Unsubscribe', async () => {
    const a = await analyseEmail(await mail({ from: 'Webshop <news@shop.example>', subject: 'Alleen vandaag: 50% korting', text: 'Bekijk onze aanbiedingen.', headers: { 'List-Unsubscribe': '<https://shop.example/unsub?u=1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }), { ourAddresses: OURS });
    expect(a.screening?.reasons).to.deep.equal(['bulk-mail']);
  });

  for (const [subject, text] of [
    ['[Ticket#2026120110000012] Uw melding is ontvangen', 'Geachte heer/mevrouw,\n\nUw melding is in goede orde ontvangen en geregistreerd onder nummer 2026120110000012. Dit is een automatisch gegenereerd bericht; u kunt op deze e-mail niet reageren.'],
    ['Your request (#48213) has been received', 'Hello,\n\nThis is an automated message. Your request has been received and will be reviewed by our support staff. Please do not reply to this email.'],
    ['Melding 2026-0042 aangemaakt', 'Wij hebben uw e-mail ontvangen. Gelieve niet te antwoorden op dit bericht.'],
    ['Ontvangstbevestiging kenmerk ZK-2026-118', 'Geachte afzender,\n\nUw aanvraag is ontvangen en wordt behandeld. Dit bericht is automatisch verzonden; u kunt er niet op reageren.'],
    ['We got it: [#CS-88120]', '##- Please type your reply above this line -##\n\nYour ticket #CS-88120 has been created and our team will get back to you.'],
  ] as const) {
    it(`a ticket system's receipt without Auto-Submitted: "${subject}"`, async () => {
      const a = await analyseEmail(await mail({ from: 'Servicedesk Gemeente <servicedesk@gemeente.example>', subject, text }), { ourAddresses: OURS });
      expect(a.isCase).to.equal(true);
      expect(a.screening?.reasons).to.deep.equal(['ticket-system-receipt']);
    });
  }

  it('a citizen quoting a ticket number in their own question is not a receipt', async () => {
    const a = await analyseEmail(await mail({ subject: 'Vraag over melding 2026-0042', text: 'Ik heb bij de gemeente melding 2026-0042 gedaan maar nog niets gehoord. Kunt u mij helpen met mijn DigiD?\n\nJan de Vries' }), { ourAddresses: OURS });
    expect(a.screening).to.equal(null);
  });

  it("a citizen forwarding a phishing mail to ask about it stays a case, even when the filter flags the forward", async () => {
    const phishing = await new MailComposer({ from: 'DigiD <security@digid-veilig.example>', to: 'k.visser@mail.example', subject: 'Uw DigiD wordt opgeheven', text: 'Log direct in via http://digid-veilig.example/login om dit te voorkomen.' }).compile().build();
    const spamFilter: SpamFilter = { check: async () => ({ score: 12, action: 'reject', symbols: ['PHISHING'] }) };
    const a = await analyseEmail(await mail({
      from: 'Karin Visser <k.visser@mail.example>', subject: 'FW: Uw DigiD wordt opgeheven', text: 'Is deze mail echt van DigiD? Ik vertrouw het niet.\n\nKarin Visser',
      headers: { 'X-Spam-Flag': 'YES' },
      attachments: [{ filename: 'bericht.eml', contentType: 'message/rfc822', contentDisposition: 'attachment', content: phishing }],
    }), { ourAddresses: OURS, spamFilter });
    expect(a.isCase).to.equal(true);
    expect(a.screening).to.equal(null);
    expect(a.citizen.email).to.equal('k.visser@mail.example');
  });

  it('the spam filter: a score at or above the threshold screens, with its rule names; below does not', async () => {
    const high: SpamFilter = { check: async () => ({ score: 7.5, action: 'add header', symbols: ['PHISHING', 'HTTP_TO_IP'] }) };
    const low: SpamFilter = { check: async () => ({ score: 1.2, action: 'no action', symbols: [] }) };
    const raw = await mail({ subject: 'Prijs gewonnen', text: 'Klik hier.' });
    const a = await analyseEmail(raw, { ourAddresses: OURS, spamFilter: high, spamScoreThreshold: 6 });
    expect(a.screening).to.deep.equal({ reasons: ['spam-filter-score'], score: 7.5, symbols: ['PHISHING', 'HTTP_TO_IP'] });
    const b = await analyseEmail(raw, { ourAddresses: OURS, spamFilter: low, spamScoreThreshold: 6 });
    expect(b.screening).to.equal(null);
  });

  it('a spam filter that does not answer stops nothing: read without its verdict, with a warning', async () => {
    const down: SpamFilter = { check: async () => { throw new Error('connect ECONNREFUSED'); } };
    const a = await analyseEmail(await mail({ subject: 'DigiD app werkt niet', text: QUESTION }), { ourAddresses: OURS, spamFilter: down });
    expect(a.isCase).to.equal(true);
    expect(a.screening).to.equal(null);
    expect(a.warnings).to.include('spam-filter-unavailable');
  });

  it('machine mail that is certainly no case (a bounce) is not asked about: it is dropped as before', async () => {
    let asked = 0;
    const spamFilter: SpamFilter = { check: async () => { asked++; return { score: 0, action: 'no action', symbols: [] }; } };
    const a = await analyseEmail(await mail({ from: 'MAILER-DAEMON@mx.example', subject: 'Undelivered Mail Returned to Sender', text: 'Delivery failed.' }), { ourAddresses: OURS, spamFilter });
    expect(a.isCase).to.equal(false);
    expect(asked).to.equal(0);
  });

  it('screen(): unknown reasons are ignored, the order is fixed', () => {
    expect(screen({ suspect: ['bulk-mail', 'nonsense'], verdict: null, asksAboutForward: false }, 6)).to.deep.equal({ reasons: ['bulk-mail'] });
    expect(screen({ suspect: [], verdict: { score: 6, action: 'add header', symbols: [] }, asksAboutForward: false }, 6)?.reasons).to.deep.equal(['spam-filter-score']);
    expect(screen({ suspect: ['ticket-system-receipt'], verdict: null, asksAboutForward: true }, 6)?.reasons).to.deep.equal(['ticket-system-receipt']);
  });
});
