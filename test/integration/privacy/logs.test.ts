/**
 * No personal data in logs: the whole e-mail path (ingest, process, acknowledge, retention)
 * runs at debug level with every log line captured, and none of the test citizens' e-mail
 * addresses, phone numbers, BSN, names or message text appears in them.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../lib/logger.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { buildMail } from '../../support/mail.ts';

describe('logs hold no personal data', function () {
  this.timeout(120_000);
  let p: TestPipeline;
  before(async () => { p = await createTestPipeline(); });
  after(async () => { await p.cleanup(); });

  it('e-mail path at debug level: no address, phone, BSN, name or message text in any log line', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const id = testId();
    const citizens = [
      { email: `marieke.jansen-${id}@citizens.test`, name: 'Marieke Jansen', phone: '06-41234567', e164: '+31641234567', bsn: '111222333',
        text: 'Mijn DigiD is geblokkeerd na drie pogingen en ik kan niet meer inloggen bij de Belastingdienst.' },
      { email: `pieter.de.boer-${id}@citizens.test`, name: 'Pieter de Boer', phone: '+31 20 555 1234', e164: '+31205551234', bsn: null,
        text: 'I never received the activation letter for my DigiD although I applied three weeks ago.' },
    ];
    const secrets: string[] = [];
    const raws = citizens.map((c) => {
      const bsnLine = c.bsn ? `\nMijn BSN is ${c.bsn}.` : '';
      secrets.push(c.email, c.name, c.phone, c.e164, c.text.slice(0, 40), 'Kastanjelaan 17', ...(c.bsn ? [c.bsn] : []));
      return buildMail({ from: c.email, fromName: c.name, subject: 'DigiD vraag', text: `${c.text}${bsnLine}\n\nMet vriendelijke groet,\n${c.name}\nKastanjelaan 17\n3512 JK Utrecht\nTel. ${c.phone}` });
    });
    await p.append(raws);
    await p.start(undefined, createLogger({ level: 'debug', destination: sink }));
    const db = await p.db();
    await eventually(async () => ((await db.collection('cases').countDocuments({ 'ack.status': 'sent' })) === 2 ? true : undefined), 60_000, 'cases acknowledged');
    await p.stopApp();

    expect(lines.length, 'the pipeline logged something at debug level').to.be.greaterThan(5);
    expect(lines.some((l) => l.includes('case stored')) && lines.some((l) => l.includes('acknowledgment sent')), 'every stage logged').to.equal(true);
    const all = lines.join('');
    // The BSN stored encrypted, the check below only about logs.
    const leaks = secrets.filter((s) => all.toLowerCase().includes(s.toLowerCase()));
    expect(leaks, 'personal data found in logs').to.deep.equal([]);
    expect(all).to.not.match(/[a-z0-9.-]+@citizens\.test/i);
  });
});
