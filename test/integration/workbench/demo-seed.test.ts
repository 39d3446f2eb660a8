/**
 * First run in demo mode (issue #15, item 10): against an empty intake mailbox and an empty
 * database, the seeding puts fictitious [DEMO] mails in the mailbox and a letter in the drop
 * folder; the real pipeline turns them into pre-classified cases. Seeding again adds nothing,
 * and with demo mode off (production) it does nothing at all.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../config/index.ts';
import { DEMO_BSN, seedDemo } from '../../../app/demo.ts';
import { createTestPipeline, inboxCount, type TestPipeline } from '../../support/pipeline.ts';
import { eventually, logger } from '../../support/env.ts';

describe('demo: first-run seeding gives a newcomer pre-classified cases', function () {
  this.timeout(240_000);
  let p: TestPipeline;
  let dropDir: string;
  before(async () => {
    dropDir = await mkdtemp(path.join(tmpdir(), 'kcc-it-demo-'));
    p = await createTestPipeline({ KCC_WORKBENCH_DEMO: 'true', KCC_LETTERS_DROP_DIR: dropDir, KCC_LETTERS_UPLOAD_PORT: '0' });
  });
  after(async () => {
    await p?.cleanup();
    await rm(dropDir, { recursive: true, force: true });
  });

  it('seeds 6 mails and a letter once; the pipeline makes them cases, classified, marked [DEMO]', async () => {
    const db = await p.db();
    const cases = db.collection('cases');
    const caseCount = () => cases.countDocuments();

    // Demo mode off (the production default): nothing.
    const off = await seedDemo({ config: loadConfig({ ...p.env, KCC_WORKBENCH_DEMO: 'false' }), logger, caseCount });
    expect(off).to.deep.equal({ mails: 0, letter: false, skipped: ['demo_off'] });
    expect(await inboxCount(p.intakeUser)).to.equal(0);

    const first = await seedDemo({ config: p.config, logger, caseCount });
    expect(first).to.deep.equal({ mails: 6, letter: true, skipped: [] });
    // Twice before the pipeline ran: the mailbox is not empty any more, so nothing is added.
    const again = await seedDemo({ config: p.config, logger, caseCount });
    expect(again).to.deep.include({ mails: 0, letter: false });
    expect(again.skipped).to.include('mailbox_not_empty');
    expect(await inboxCount(p.intakeUser)).to.equal(6);
    expect((await readdir(dropDir)).filter((f) => f.endsWith('.pdf'))).to.have.length(1);

    await p.start(['ingest', 'process', 'inspect', 'letters']);
    await eventually(async () => ((await caseCount()) >= 7 ? true : undefined), 180_000, '7 demo cases');
    const all = await cases.find({}, { projection: { channel: 1, classification: 1, messages: 1, bsnSealed: 1, idDocuments: 1 } }).toArray();
    expect(all).to.have.length(7);
    const bySubject = new Map(all.map((c) => [String(c.messages[0].subject), c]));
    for (const s of bySubject.keys()) expect(s, 'every demo case says so').to.match(/DEMO/);
    const topicOf = (needle: string) => [...bySubject.entries()].find(([s]) => s.includes(needle))?.[1]?.classification;
    expect(topicOf('wachtwoord')?.topic).to.equal('digid_wachtwoord');
    expect(topicOf('Activeringscode')?.topic).to.equal('digid_activeren');
    expect(topicOf('DigiD app')).to.include({ topic: 'digid_app', language: 'en' });
    expect(topicOf('Machtiging')?.topic).to.equal('digid_machtigen');
    expect(topicOf('Berichtenbox')?.topic).to.equal('mijnoverheid_berichtenbox');
    const letter = all.find((c) => c.channel === 'letter');
    expect(letter, 'the demo letter became a case').to.not.equal(undefined);
    // The test BSN is sealed, never in the text; the ID copy is found and stored apart.
    const machtiging = [...bySubject.entries()].find(([s]) => s.includes('Machtiging'))![1];
    expect(machtiging.bsnSealed).to.not.equal(undefined);
    expect(JSON.stringify(machtiging.messages)).to.not.include(DEMO_BSN);
    await eventually(async () => ((await db.collection('identity_documents').countDocuments()) >= 1 ? true : undefined), 60_000, 'the specimen ID copy found');

    // A restart of the demo after that: cases exist, nothing is seeded.
    const later = await seedDemo({ config: p.config, logger, caseCount });
    expect(later).to.deep.equal({ mails: 0, letter: false, skipped: ['cases_exist'] });
    expect(await caseCount()).to.equal(7);
  });
});
