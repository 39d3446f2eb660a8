/**
 * Focused tests of the routing rules. The fixture run in test/unit/extract/fixtures.test.ts
 * measures accuracy; these pin down the mechanics: weighting, boundaries, folding,
 * confidence, language, fallback and hostile input.
 */
import { expect } from 'chai';
import { classify, TOPICS } from '../../../processors/classify/index.ts';
import type { Topic } from '../../../processors/classify/index.ts';
import { RULES } from '../../../processors/classify/rules.ts';
import { InputError } from '../../../lib/errors.ts';

describe('classify', () => {
  it('exports the 13 topics, each with rules', () => {
    expect(TOPICS).to.have.length(13);
    expect(new Set(TOPICS).size).to.equal(13);
    for (const t of TOPICS) expect(RULES[t].length, t).to.be.at.least(3);
  });

  const examples: Array<[Topic, string, string]> = [
    ['digid_aanvragen', 'DigiD aanvragen', 'Hoe kan ik vanuit het buitenland een DigiD aanvragen?'],
    ['digid_activeren', 'Geen brief', 'Mijn activeringscode is verlopen voordat ik hem kon gebruiken.'],
    ['digid_app', 'App', 'De ID-check in de DigiD app leest de chip van mijn paspoort niet.'],
    ['digid_wachtwoord', 'Inloggen', 'Ik ben mijn wachtwoord vergeten en de herstelcode werkt niet.'],
    ['digid_machtigen', 'Machtiging', 'Hoe trek ik een machtiging in die ik via DigiD Machtigen heb gegeven?'],
    ['mijnoverheid_berichtenbox', 'Post', 'Ik zie het bericht van de gemeente niet in mijn Berichtenbox.'],
    ['mijnoverheid_overig', 'Gegevens', 'Bij Lopende zaken in MijnOverheid staat mijn aanvraag niet.'],
    ['eherkenning', 'Bedrijf', 'Welk niveau eHerkenning heeft onze stichting nodig?'],
    ['pkioverheid', 'Certificaat', 'Welke intermediate hoort bij het PKIoverheid servercertificaat?'],
    ['digipoort', 'Storing', 'Onze aanleveringen via Digipoort geven sinds vanochtend een time-out.'],
    ['privacy_verzoek', 'AVG', 'Ik dien een inzageverzoek in op grond van artikel 15 AVG.'],
    ['klacht', 'Ontevreden', 'Ik wil een klacht indienen over de wachttijd aan de telefoon.'],
    ['overig', 'Rijbewijs', 'Hoe kan ik mijn rijbewijs verlengen? Ik ben 75 en heb een keuring nodig.'],
  ];
  for (const [topic, subject, text] of examples) {
    it(`routes a plain ${topic} question`, () => {
      const r = classify({ subject, text });
      expect(r.topic, r.reasons.join(' ')).to.equal(topic);
      expect(r.confidence).to.be.within(0, 1);
      expect(r.reasons.some((x) => x.startsWith('kw:') || x.startsWith('subject:'))).to.equal(true);
    });
  }

  it('names the rules that decided, e.g. kw:activeringscode', () => {
    const r = classify({ subject: 'vraag', text: 'Ik heb mijn activeringscode niet ontvangen.' });
    expect(r.reasons).to.include('kw:activeringscode');
    expect(r.reasons.filter((x) => x.startsWith('kw:') || x.startsWith('subject:')).every((x) => RULES.digid_activeren.some((rule) => x.endsWith(`:${rule.id}`)))).to.equal(true);
  });

  it('weighs the subject above the body', () => {
    const text = 'Ik ben mijn wachtwoord vergeten. Ook zie ik niets in de Berichtenbox.';
    expect(classify({ subject: 'Berichtenbox', text }).topic).to.equal('mijnoverheid_berichtenbox');
    expect(classify({ subject: 'Wachtwoord', text }).topic).to.equal('digid_wachtwoord');
  });

  it('matches whole words only', () => {
    const r = classify({ subject: 'rapport', text: 'Het rapport over de applicatie en de wachtrij is klaar. Parapluverhaal.' });
    expect(r.topic).to.equal('overig');
    expect(r.reasons).to.include('fallback:no-topic-evidence');
    expect(r.confidence).to.equal(0);
  });

  it('ignores case and diacritics', () => {
    expect(classify({ subject: '', text: 'MIJN WACHTWÓÓRD WERKT NIET' }).topic).to.equal('digid_wachtwoord');
    expect(classify({ subject: '', text: 'Vraag over ëHerkenning' }).topic).to.equal('eherkenning');
  });

  it('is more confident when the evidence agrees than when two topics compete', () => {
    const clear = classify({ subject: 'Digipoort storing', text: 'Digipoort geeft een time-out op al onze aanleveringen.' });
    const mixed = classify({ subject: 'vraag', text: 'Digipoort en eHerkenning, allebei een vraag.' });
    expect(clear.confidence).to.be.greaterThan(mixed.confidence);
    expect(clear.confidence).to.be.at.most(1);
  });

  it('tells Dutch from English by function words', () => {
    expect(classify({ subject: 'Question', text: 'I have not received the activation letter for my DigiD, what should I do?' }).language).to.equal('en');
    expect(classify({ subject: 'Vraag', text: 'Ik heb de activeringsbrief voor mijn DigiD niet gekregen, wat moet ik doen?' }).language).to.equal('nl');
    expect(classify({ subject: 'Re: Berichtenbox', text: 'Thank you, but the Berichtenbox still does not show the message from the Belastingdienst.' }).language).to.equal('en');
  });

  it('rejects input without subject and text strings', () => {
    expect(() => classify({ subject: 'x' } as unknown as { subject: string; text: string })).to.throw(InputError);
  });

  it('returns on hostile input', () => {
    for (const text of ['digid '.repeat(200_000), 'a'.repeat(1 << 20), `${'x '.repeat(100_000)}klacht`]) {
      const r = classify({ subject: 'x'.repeat(10_000), text });
      expect(TOPICS).to.include(r.topic);
    }
  });
});
