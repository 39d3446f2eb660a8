/**
 * Runs extractContact and classify over the labelled fixtures and holds them to the
 * agreed quality bar. The per-field table is printed so a change in any field shows up in
 * the test output, not only when a threshold is crossed.
 */
import { expect } from 'chai';
import { extractContact, redactBsn, redactIban } from '../../../processors/extract/index.ts';
import type { Extraction } from '../../../processors/extract/index.ts';
import { classify, TOPICS } from '../../../processors/classify/index.ts';
import { loadFixtures, scoreCase, emptyCounts, formatTable, microF1, meanFieldF1, FIELDS } from './score.ts';
import type { Counts, Field } from './score.ts';
import type { Mismatch } from './score.ts';

const fixtures = loadFixtures();

describe('extraction fixtures', () => {
  const counts = emptyCounts();
  /** Per channel, and the development cases of issue 13 (ids m-*) apart, so their figures show. */
  const subsets = new Map<string, Record<Field, Counts>>();
  const misses: Mismatch[] = [];
  const results = new Map<string, Extraction>();
  let topicHits = 0;
  let languageHits = 0;
  const topicMisses: string[] = [];

  before(() => {
    for (const c of fixtures.cases) {
      const x = extractContact({
        channel: c.channel,
        fromName: c.fromName,
        fromAddress: c.fromAddress,
        subject: c.subject,
        text: c.text,
        ourAddresses: fixtures.ourAddresses,
        ...(c.quotedText ? { quoted: c.quotedText } : {}),
      });
      results.set(c.id, x);
      scoreCase(c, x, counts, misses);
      for (const key of [c.channel, ...(c.id.startsWith('m-') ? [`issue-13 ${c.channel}`] : [])]) {
        if (!subsets.has(key)) subsets.set(key, emptyCounts());
        scoreCase(c, x, subsets.get(key)!, []);
      }
      const k = classify({ subject: c.subject, text: c.text });
      if (k.topic === c.expected.topic) topicHits++;
      else topicMisses.push(`${c.id}: expected ${c.expected.topic}, got ${k.topic}`);
      if (k.language === c.expected.language) languageHits++;
    }
    const n = fixtures.cases.length;
    console.log(`\n${formatTable(counts)}`);
    for (const [key, k] of subsets) console.log(`\n${key}: mean field F1 ${meanFieldF1(k).toFixed(3)}\n${formatTable(k)}`);
    console.log(`topic accuracy    ${topicHits}/${n} = ${(topicHits / n).toFixed(3)}`);
    console.log(`language accuracy ${languageHits}/${n} = ${(languageHits / n).toFixed(3)}`);
    for (const m of misses) console.log(`  miss ${m.id} ${m.field}`);
    for (const t of topicMisses) console.log(`  topic ${t}`);
  });

  it('has at least 70 cases covering every topic at least 3 times, in both languages and channels', () => {
    expect(fixtures.cases.length).to.be.at.least(70);
    for (const t of TOPICS) {
      expect(fixtures.cases.filter((c) => c.expected.topic === t).length, t).to.be.at.least(3);
    }
    for (const lang of ['nl', 'en']) expect(fixtures.cases.some((c) => c.expected.language === lang)).to.equal(true);
    for (const ch of ['email', 'letter']) expect(fixtures.cases.some((c) => c.channel === ch)).to.equal(true);
  });

  it('reaches micro-F1 >= 0.95 over the contact fields', () => {
    const f1 = microF1(counts);
    expect(f1, formatTable(counts)).to.be.at.least(0.95);
    expect(FIELDS.every((f) => counts[f].tp + counts[f].fn > 0), 'every field has expected values').to.equal(true);
  });

  it('never reports a BSN that is not one', () => {
    expect(counts.bsn.fp, JSON.stringify(misses.filter((m) => m.field === 'bsn'))).to.equal(0);
  });

  it('routes at least 85% of messages to the labelled topic', () => {
    expect(topicHits / fixtures.cases.length, topicMisses.join('\n')).to.be.at.least(0.85);
  });

  it('detects the language of at least 95% of messages', () => {
    expect(languageHits / fixtures.cases.length).to.be.at.least(0.95);
  });

  it('never puts IBAN digits or a KCC address into the citizen record', () => {
    for (const [id, x] of results) {
      const values = [x.citizen.bsn, x.citizen.email, x.citizen.street, x.citizen.house_number, ...x.citizen.phones].filter((v) => v !== null);
      for (const v of values) expect(v, id).to.not.match(/[A-Z]{2}\d{2}[A-Z]{4}\d{6,}/);
      expect(x.citizen.email ?? '', id).to.not.match(/@(?:[a-z0-9-]+\.)*(?:logius|digid|mijnoverheid)\.nl$/);
      expect(x.citizen.phones, id).to.not.include('+31881236555');
      expect(x.citizen.postcode, id).to.not.be.oneOf(['2500EA', '2511DP']);
    }
  });

  it('reports where each field came from, without values', () => {
    for (const [id, x] of results) {
      const c = fixtures.cases.find((k) => k.id === id);
      expect(c).to.not.equal(undefined);
      for (const entry of x.found) {
        expect(entry, id).to.match(/^[a-z_]+:[a-z+\-]+$/);
        for (const v of [x.citizen.name, x.citizen.email, x.citizen.bsn, ...x.citizen.phones]) {
          if (v) expect(entry.includes(v.toLowerCase()), `${id}: ${entry}`).to.equal(false);
        }
      }
    }
  });

  it('removes every labelled BSN and IBAN from the fixture texts when redacting', () => {
    for (const c of fixtures.cases) {
      const redacted = redactBsn(redactIban(c.text));
      if (c.expected.bsn) {
        expect(redacted.replace(/\D/g, ''), c.id).to.not.include(c.expected.bsn);
        expect(redacted, c.id).to.include('[BSN]');
      }
      expect(redacted, c.id).to.not.match(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,}/);
    }
  });
});
