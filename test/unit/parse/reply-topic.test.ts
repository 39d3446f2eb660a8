/**
 * A reply that says no more than "it still does not work": its topic comes from the quoted
 * history it answers (issue 13); a reply with a topic of its own keeps it.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { analyseEmail } from '../../../processors/analyse/index.ts';

const OURS = ['kcc@kcc.example.nl'];

function reply(text: string): Promise<Buffer> {
  const quoted = [
    'Op 1 dec 2026 om 10:00 schreef KCC <kcc@kcc.example.nl>:',
    '> Beste mevrouw Kok,',
    '> Heeft u het al opnieuw geprobeerd?',
    '> Op 30 nov 2026 om 09:00 schreef Ria Kok <ria.kok@example.org>:',
    '>> Mijn activeringscode is na twee weken nog steeds niet aangekomen.',
    '>> Ria Kok',
  ].join('\n');
  return new MailComposer({ from: 'Ria Kok <ria.kok@example.org>', to: 'kcc@kcc.example.nl', subject: 'Re: uw vraag', text: `${text}\n\n${quoted}` }).compile().build();
}

describe('analyse: the topic of a short reply', () => {
  it('comes from the quoted history when the new text has none', async () => {
    const a = await analyseEmail(await reply('Ja, dat heb ik gedaan. Het lukt nog steeds niet.\n\nRia Kok'), { ourAddresses: OURS });
    expect(a.classification.topic).to.equal('digid_activeren');
    expect(a.classification.reasons).to.include('quoted-history');
  });

  it('stays the new text\'s own when it has one', async () => {
    const a = await analyseEmail(await reply('Ik wil ook graag weten hoe ik mijn vader kan machtigen via DigiD Machtigen.\n\nRia Kok'), { ourAddresses: OURS });
    expect(a.classification.topic).to.equal('digid_machtigen');
    expect(a.classification.reasons).to.not.include('quoted-history');
  });
});
