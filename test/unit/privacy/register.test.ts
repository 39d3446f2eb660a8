import { expect } from 'chai';
import {
  REGISTER,
  CATEGORY_IDS,
  addDuration,
  createRegister,
  durationToMilliseconds,
  expiresAtFor,
  isCategoryId,
  maxRetentionFor,
  parseIsoDuration,
  retentionFor,
  technicalRetentionFor,
  type CategoryId,
} from '../../../config/register.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { readSeedEntry } from './seed.ts';

const utc = (s: string) => new Date(s);

describe('privacy/register: M1533 as data', () => {
  const seed = readSeedEntry().normalize('NFC');

  it('is the entry M1533 with its title, organisation and controller', () => {
    expect(REGISTER.reference).to.equal('M1533');
    expect(seed).to.include(`Referentienummer\t${REGISTER.reference}`);
    expect(seed).to.include(`Omschrijving\t${REGISTER.title.nl}`);
    expect(seed).to.include(`Organisatie\t${REGISTER.organisation.nl}`);
    expect(seed).to.include(`Naam\t${REGISTER.controller.name.nl}`);
    expect(seed).to.include(`Bezoekadres\t${REGISTER.controller.visitingAddress.text.nl}`);
    expect(seed).to.include(`Postadres\t${REGISTER.controller.postalAddress.text.nl}`);
  });

  it('is deep-frozen: nothing can be edited at run time', () => {
    expect(Object.isFrozen(REGISTER)).to.equal(true);
    expect(Object.isFrozen(REGISTER.categories)).to.equal(true);
    const contact = REGISTER.categories.find((c) => c.id === 'contact')!;
    expect(Object.isFrozen(contact)).to.equal(true);
    expect(Object.isFrozen(contact.enforcedBy)).to.equal(true);
    expect(() => {
      (contact as { retention: unknown }).retention = 'P99Y';
    }).to.throw(TypeError);
    expect(retentionFor('contact')).to.equal('P18M');
  });

  it('has the categories the pipeline needs, each traceable to the entry wording', () => {
    for (const id of ['contact', 'bsn', 'id_copy', 'survey_email', 'staff_satisfaction', 'message_content'] as const) {
      expect(CATEGORY_IDS, id).to.include(id);
    }
    expect(new Set(CATEGORY_IDS).size).to.equal(CATEGORY_IDS.length);
    for (const c of REGISTER.categories) {
      // The quoted words must literally be in the published entry.
      expect(seed, `${c.id} entryWording`).to.include(c.entryWording);
      expect(REGISTER.entryBlocks[c.entryBlock], `${c.id} entryBlock`).to.not.equal(undefined);
      expect(REGISTER.purposes.map((p) => p.id)).to.include(c.purpose);
      for (const r of c.recipients) expect(REGISTER.recipients.parties.map((p) => p.id)).to.include(r);
      for (const s of c.dataSubjects) expect(REGISTER.dataSubjects.map((d) => d.id)).to.include(s);
      expect(c.enforcedBy.length, `${c.id} has a deletion mechanism`).to.be.greaterThan(0);
      expect(c.automatedDecisionMaking).to.equal(false);
      expect(c.transferOutsideEu).to.equal(false);
      for (const text of [c.label, c.condition, c.source, c.obligation.text, c.retentionText]) {
        expect(text.nl.length, `${c.id} nl`).to.be.greaterThan(0);
        expect(text.en.length, `${c.id} en`).to.be.greaterThan(0);
        expect(text.en, `${c.id} has a translation`).to.not.equal(text.nl);
      }
      // Every retention term parses and ends after it starts.
      const from = utc('2024-01-01T00:00:00Z');
      expect(addDuration(from, maxRetentionFor(c.id)).getTime()).to.be.greaterThan(from.getTime());
    }
  });

  it('every purpose has the entry legal basis, in Dutch and English', () => {
    expect(seed).to.include('Taak van algemeen belang');
    expect(seed).to.include('wettelijke taak');
    for (const p of REGISTER.purposes) {
      expect(p.legalBasis.nl).to.equal('Taak van algemeen belang / wettelijke taak');
      expect(p.legalBasis.en).to.match(/public interest/i);
      expect(seed, p.id).to.include(p.entryWording);
    }
  });

  it('holds the retention terms of the entry', () => {
    expect(retentionFor('contact')).to.equal('P18M');
    expect(retentionFor('bsn')).to.equal('P18M');
    expect(retentionFor('message_content')).to.equal('P18M');
    expect(retentionFor('survey_email')).to.equal('P18M');
    expect(retentionFor('staff_satisfaction')).to.equal('P18M');
    expect(retentionFor('id_copy')).to.deep.equal({ until: 'identity_established', upperBound: 'P30D' });
    expect(REGISTER.categories.find((c) => c.id === 'id_copy')!.enforcedBy).to.include('verification');
  });

  it('passes BSN on to second-line support only', () => {
    expect(REGISTER.categories.find((c) => c.id === 'bsn')!.recipients).to.deep.equal(['second_line']);
  });

  it('says no automated decision-making and no transfer outside the EU, as the entry does', () => {
    expect(REGISTER.automatedDecisionMaking.present).to.equal(false);
    expect(REGISTER.transferOutsideEu.present).to.equal(false);
    expect(seed).to.include(REGISTER.automatedDecisionMaking.text.nl);
    expect(seed).to.include(REGISTER.transferOutsideEu.text.nl);
  });

  it('has the technical terms: blobs and topics 3 days, audit log longer than the data it proves deleted', () => {
    expect(technicalRetentionFor('claim_check_blob')).to.equal('P3D');
    expect(technicalRetentionFor('kafka_topic')).to.equal('P3D');
    const from = utc('2024-05-31T00:00:00Z');
    expect(addDuration(from, technicalRetentionFor('audit_log')).getTime()).to.be.greaterThan(addDuration(from, 'P18M').getTime());
    expect(() => technicalRetentionFor('nope')).to.throw(ConfigError).with.property('code', 'REGISTER_UNKNOWN_TERM');
  });

  it('refuses unknown categories with a coded error', () => {
    expect(isCategoryId('contact')).to.equal(true);
    expect(isCategoryId('shoe_size')).to.equal(false);
    expect(() => retentionFor('shoe_size')).to.throw(ConfigError).with.property('code', 'REGISTER_UNKNOWN_CATEGORY');
  });

  describe('createRegister: configurable ID-copy upper bound', () => {
    it('uses the configured bound and leaves the default register alone', () => {
      const r = createRegister({ idCopyUpperBound: 'P14D' });
      expect(retentionFor('id_copy', r)).to.deep.equal({ until: 'identity_established', upperBound: 'P14D' });
      expect(maxRetentionFor('id_copy', r)).to.equal('P14D');
      expect(maxRetentionFor('id_copy')).to.equal('P30D');
      expect(Object.isFrozen(r.categories)).to.equal(true);
    });

    it('refuses a bound that is unparseable, zero, or longer than the general term', () => {
      for (const bad of ['30 days', 'P0D', 'P19M', 'P2Y']) {
        expect(() => createRegister({ idCopyUpperBound: bad }), bad).to.throw(ConfigError);
      }
      expect(() => createRegister({ idCopyUpperBound: 'P18M' })).to.not.throw();
    });
  });

  describe('expiresAtFor', () => {
    it('takes the shortest term among the categories a document holds', () => {
      const received = utc('2024-03-10T09:00:00Z');
      expect(expiresAtFor(['contact', 'message_content'], received).toISOString()).to.equal('2025-09-10T09:00:00.000Z');
      expect(expiresAtFor(['contact', 'id_copy'], received).toISOString()).to.equal('2024-04-09T09:00:00.000Z');
      expect(() => expiresAtFor([], received)).to.throw(RangeError);
    });
  });

  describe('parseIsoDuration', () => {
    it('parses whole-unit durations', () => {
      expect(parseIsoDuration('P18M')).to.deep.include({ years: 0, months: 18, days: 0 });
      expect(parseIsoDuration('P1Y2M3W4DT5H6M7S')).to.deep.equal({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 });
      expect(parseIsoDuration('PT1M')).to.deep.include({ months: 0, minutes: 1 });
    });

    it('refuses what is not one', () => {
      for (const bad of ['', 'P', 'PT', 'P1DT', '18M', 'P1.5M', '-P1D', 'P1D2M', 'p1d', 'P1234567D', 'P18M ']) {
        expect(() => parseIsoDuration(bad), JSON.stringify(bad)).to.throw(ConfigError).with.property('code', 'REGISTER_BAD_DURATION');
      }
    });
  });

  describe('addDuration: calendar-correct', () => {
    const cases: Array<[string, string, string]> = [
      ['2023-08-31T10:00:00.000Z', 'P6M', '2024-02-29T10:00:00.000Z'], // leap year: end of February
      ['2024-08-31T10:00:00.000Z', 'P6M', '2025-02-28T10:00:00.000Z'], // not a leap year
      ['2024-01-31T00:00:00.000Z', 'P1M', '2024-02-29T00:00:00.000Z'],
      ['2024-03-31T00:00:00.000Z', 'P1M', '2024-04-30T00:00:00.000Z'],
      ['2024-02-29T12:00:00.000Z', 'P1Y', '2025-02-28T12:00:00.000Z'],
      ['2024-01-15T08:30:00.000Z', 'P18M', '2025-07-15T08:30:00.000Z'],
      ['2024-12-31T23:00:00.000Z', 'P3D', '2025-01-03T23:00:00.000Z'],
      ['2024-02-28T00:00:00.000Z', 'P1D', '2024-02-29T00:00:00.000Z'],
      ['2024-12-31T23:30:00.000Z', 'PT1H', '2025-01-01T00:30:00.000Z'],
      ['2024-01-01T00:00:00.000Z', 'P1W', '2024-01-08T00:00:00.000Z'],
      ['2024-01-31T00:00:00.000Z', 'P1M1D', '2024-03-01T00:00:00.000Z'], // months first, then days
    ];
    for (const [from, d, to] of cases) {
      it(`${from} + ${d} = ${to}`, () => {
        expect(addDuration(new Date(from), d).toISOString()).to.equal(to);
      });
    }

    it('does not modify its argument and refuses an invalid date', () => {
      const d = new Date('2024-08-31T00:00:00Z');
      addDuration(d, 'P6M');
      expect(d.toISOString()).to.equal('2024-08-31T00:00:00.000Z');
      expect(() => addDuration(new Date('nope'), 'P1D')).to.throw(RangeError);
    });
  });

  describe('durationToMilliseconds', () => {
    it('gives fixed-length durations in ms and refuses calendar ones', () => {
      expect(durationToMilliseconds('P3D')).to.equal(3 * 24 * 3600 * 1000);
      expect(durationToMilliseconds('PT1H30M')).to.equal(90 * 60 * 1000);
      expect(() => durationToMilliseconds('P1M')).to.throw(ConfigError).with.property('code', 'REGISTER_CALENDAR_DURATION');
    });
  });

  it('types the category ids', () => {
    const id: CategoryId = 'bsn';
    expect(isCategoryId(id)).to.equal(true);
  });
});
