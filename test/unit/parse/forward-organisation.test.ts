/**
 * Who the citizen is when a forward comes from an organisation that passes a citizen's mail
 * on (issue 13): the original's sender, also when the organisation's display name looks like
 * a name or its note is more than "FYI"; and a couple asking together about mail they got
 * stays the forwarder.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { analyseEmail } from '../../../processors/analyse/index.ts';

const OURS = ['kcc@kcc.example.nl'];

function forward(o: { from: string; note: string; originalFrom: string; originalTo: string; original: string }): Promise<Buffer> {
  const text = `${o.note}\n\n---------- Forwarded message ---------\nFrom: ${o.originalFrom}\nDate: Thu, 26 Nov 2026 at 07:41\nSubject: Vraag\nTo: ${o.originalTo}\n\n${o.original}`;
  return new MailComposer({ from: o.from, to: 'kcc@kcc.example.nl', subject: 'Fwd: Vraag', text }).compile().build();
}

const CITIZEN_MAIL = 'Hallo,\n\nIk kan niet inloggen in MijnOverheid.\n\nKees Bron\nLangstraat 8\n5211 AB Den Bosch';

describe('analyse: forwards passed on by an organisation', () => {
  it('an organisation whose display name has an organisation word: the original sender', async () => {
    const a = await analyseEmail(await forward({
      from: 'Bibliotheek Oost <spreekuur@bibliotheek-oost.example>', note: 'Goedemorgen,\n\nDeze vraag kwam binnen op ons spreekuur.\n\nBibliotheek Oost',
      originalFrom: 'Kees Bron <kees.bron@example.org>', originalTo: 'spreekuur@bibliotheek-oost.example', original: CITIZEN_MAIL,
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Kees Bron', email: 'kees.bron@example.org', postcode: '5211AB' });
  });

  it('a note that hands the question on: the original sender', async () => {
    for (const note of ['Deze vraag is bedoeld voor u; wij sturen hem op verzoek van de inwoner door.', 'The request below is addressed to you rather than to us. Forwarded for your handling.']) {
      const a = await analyseEmail(await forward({
        from: 'Marloes Kuiper <m.kuiper@example.net>', note, originalFrom: 'Kees Bron <kees.bron@example.org>', originalTo: 'm.kuiper@example.net', original: CITIZEN_MAIL,
      }), { ourAddresses: OURS });
      expect(a.citizen.email, note).to.equal('kees.bron@example.org');
    }
  });

  it('a couple asking together about mail they got: the forwarder asks', async () => {
    const a = await analyseEmail(await forward({
      from: 'Wim Dekker <wim.dekker@example.org>', note: 'Mijn vrouw en ik kregen deze mail. Klopt dit?\n\nWim Dekker',
      originalFrom: 'Ruud Jansen <r.jansen@example.com>', originalTo: 'wim.dekker@example.org', original: 'Geachte heer,\n\nU heeft recht op een teruggave. Log in via de link.\n\nRuud Jansen',
    }), { ourAddresses: OURS });
    expect(a.citizen).to.deep.include({ name: 'Wim Dekker', email: 'wim.dekker@example.org' });
  });
});
