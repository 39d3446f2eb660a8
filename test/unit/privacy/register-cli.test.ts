import { expect } from 'chai';
import { main, renderRegister, renderRegisterJson } from '../../../cli/register.ts';
import { REGISTER } from '../../../config/register.ts';
import { normalisedLines, readSeedEntry } from './seed.ts';

describe('privacy/cli register: printing M1533', () => {
  const seedLines = normalisedLines(readSeedEntry());

  it('the Dutch output contains every line of the published entry, in the same order', () => {
    const out = normalisedLines(renderRegister('nl'));
    let at = 0;
    for (const line of seedLines) {
      const found = out.indexOf(line, at);
      expect(found, `line missing or out of order: ${JSON.stringify(line.slice(0, 80))}`).to.be.greaterThan(-1);
      at = found + 1;
    }
    // Without details it is the entry and nothing else.
    expect(out).to.deep.equal(seedLines);
  });

  it('every labelled (tab-separated) line of the entry is printed with the same label and value', () => {
    const labelled = seedLines.filter((l) => l.includes('\t'));
    expect(labelled.length).to.be.greaterThan(20); // 3 header lines + 3 blocks of 6 + 3 controller lines
    const out = new Set(normalisedLines(renderRegister('nl')));
    for (const line of labelled) expect(out.has(line), line.split('\t')[0]).to.equal(true);
  });

  it('the English output has the same layout, translated', () => {
    const nl = normalisedLines(renderRegister('nl'));
    const en = normalisedLines(renderRegister('en'));
    expect(en.length).to.equal(nl.length);
    for (let i = 0; i < nl.length; i++) {
      expect(en[i]!.includes('\t'), `line ${i}`).to.equal(nl[i]!.includes('\t'));
    }
    for (const heading of ['Purpose of the processing', 'Data subjects and data', 'Automated decision-making', 'Recipients', 'Transfer outside the EU', 'Controllers', 'Related processing']) {
      expect(en).to.include(heading);
    }
    for (const dutch of ['Doel van de verwerking', 'Betrokkenen en gegevens', 'Verantwoordelijken']) expect(en).to.not.include(dutch);
    expect(en).to.include('Reference number\tM1533');
  });

  it('with details, lists every category with its technical retention and mechanism', () => {
    const out = renderRegister('en', { details: true });
    for (const c of REGISTER.categories) {
      expect(out).to.include(`Category\t${c.id}: `);
      expect(out).to.include(c.entryWording);
    }
    expect(out).to.include('Retention (technical)\tuntil:identity_established/P30D');
    expect(out).to.include('Retention (technical)\tP3D');
  });

  it('renders JSON that round-trips to the register', () => {
    expect(JSON.parse(renderRegisterJson())).to.deep.equal(JSON.parse(JSON.stringify(REGISTER)));
    expect(main(['--json'])).to.equal(renderRegisterJson());
    expect(main(['--lang', 'en'])).to.equal(renderRegister('en'));
    expect(() => main(['--lang', 'fr'])).to.throw(RangeError);
  });
});
