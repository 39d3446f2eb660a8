/**
 * Probable non-cases end to end, with the real spam filter (Debian's rspamd, started by
 * scripts/services.sh): Dovecot → ingestor → Kafka → processor (asks rspamd) → the case in
 * the screening queue with its acknowledgment held → an agent confirms → first line, and the
 * acknowledgment goes out through Postfix; or the agent closes it as not a case.
 */
import { expect } from 'chai';
import { createTestPipeline, inboxCount, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { citizenMail } from '../../support/mail.ts';
import { createRspamdFilter } from '../../../processors/screening/index.ts';

/** A phishing mail as they reach a public mailbox: sloppy headers, a link text that lies, an IP host. */
function phishing(from: string, replyTo: string): Buffer {
  return Buffer.from([
    `From: "DigiD Beveiliging" <${from}>`,
    `Reply-To: ${replyTo}`,
    'To: undisclosed-recipients:;',
    'Subject: =?utf-8?B?VVcgRElHSUQgV09SRFQgVkFOREFBRyBHRUJMT0tLRUVSRCEhIQ==?=',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '<html><body><p>Geachte klant,</p><p>Uw DigiD wordt VANDAAG geblokkeerd!!! Klik direct op <a href="http://198.51.100.7/digid/login.php?id=8842">https://www.digid.nl/inloggen</a> om uw account te verifieren en uw gegevens te bevestigen.</p><a href="http://198.51.100.7/x"><img src="http://198.51.100.7/logo.png"></a><p>Met vriendelijke groet, DigiD</p></body></html>',
    '',
  ].join('\r\n'));
}

describe('screening: probable spam waits for an agent, with the real rspamd', function () {
  this.timeout(180_000);
  let p: TestPipeline;
  beforeEach(async () => { p = await createTestPipeline(); });
  afterEach(async () => { await p.cleanup(); });

  it('rspamd scores a phishing mail above the threshold and an ordinary question below it', async () => {
    const filter = createRspamdFilter({ url: p.config.spamFilter.url! });
    const spam = await filter.check(phishing('x@phish.example', 'y@phish.example'));
    const ham = await filter.check(citizenMail(1, 'burger@citizens.test'));
    expect(spam.score).to.be.at.least(p.config.spamFilter.score);
    expect(spam.symbols).to.include('PHISHING');
    expect(ham.score).to.be.below(p.config.spamFilter.score);
  });

  it('a phishing mail becomes a screened case with no acknowledgment; "wel een zaak" sends it, an ordinary question goes to the first line at once', async () => {
    const id = testId();
    const sender = `phish-${id}@citizens.test`;
    const citizen = `burger-${id}@citizens.test`;
    await p.append([phishing(sender, sender), citizenMail(2, citizen)]);
    await p.start(['ingest', 'process', 'acknowledge']);
    const cases = (await p.db()).collection('cases');
    const screened = await eventually(async () => (await cases.findOne({ replyAddress: sender })) ?? undefined, 90_000, 'the screened case');
    expect(screened.line).to.equal('screening');
    expect(screened.ack.status).to.equal('held');
    expect(screened.ackDue).to.equal(false);
    expect(screened.screening.reasons).to.include('spam-filter-score');
    expect(screened.screening.symbols).to.include('PHISHING');
    const ordinary = await eventually(async () => (await cases.findOne({ replyAddress: citizen, 'ack.status': 'sent' })) ?? undefined, 60_000, 'the ordinary case acknowledged');
    expect(ordinary.line).to.equal('first');
    expect(ordinary.screening?.reasons ?? []).to.deep.equal([]);
    const item = await (await p.db()).collection('work_items').findOne({ _id: screened._id } as never);
    expect(item?.line).to.equal('screening');
    // Nothing went to the phishing sender while the case waited.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inboxCount(sender)).to.equal(0);

    // The agent decides it is a citizen's question after all.
    const desk = p.app!.store.desk;
    const agent = { id: 'agent-1', role: 'first_line' };
    await desk.confirmCase(String(screened._id), { requestId: `r-${id}`, expectedVersion: screened.version }, agent);
    const after = await cases.findOne({ _id: screened._id });
    expect(after?.line).to.equal('first');
    expect(after?.screening.confirmedAt).to.be.instanceOf(Date);
    p.app!.components.acknowledger?.kick();
    await eventually(async () => ((await inboxCount(sender)) === 1 ? true : undefined), 60_000, 'the held acknowledgment sent after confirmation');
    // The mail can be delivered before the sender records its 250: wait for the record.
    await eventually(async () => ((await cases.findOne({ _id: screened._id }))?.ack.status === 'sent' ? true : undefined), 30_000, 'the acknowledgment recorded as sent');
    expect((await (await p.db()).collection('work_items').findOne({ _id: screened._id } as never))?.line).to.equal('first');
  });

  it('"geen zaak" closes a screened case and removes its personal data; replying or escalating first is refused', async () => {
    const id = testId();
    const sender = `phish2-${id}@citizens.test`;
    await p.append([phishing(sender, sender)]);
    await p.start(['ingest', 'process']);
    const cases = (await p.db()).collection('cases');
    const screened = await eventually(async () => (await cases.findOne({ replyAddress: sender })) ?? undefined, 90_000, 'the screened case');
    const desk = p.app!.store.desk;
    const agent = { id: 'agent-1', role: 'first_line' };
    for (const attempt of [
      () => desk.reply(String(screened._id), { requestId: `a-${id}`, expectedVersion: screened.version }, agent, { subject: 'x', text: 'y' }),
      () => desk.escalate(String(screened._id), { requestId: `b-${id}`, expectedVersion: screened.version }, agent, 'z'),
    ]) {
      const err = await attempt().then(() => null, (e: unknown) => e as { code?: string });
      expect(err?.code).to.equal('CASE_NOT_CONFIRMED');
    }
    await desk.close(String(screened._id), { requestId: `c-${id}`, expectedVersion: screened.version }, agent, 'not_a_case');
    expect(await cases.findOne({ _id: screened._id })).to.equal(null);
    expect(await (await p.db()).collection('noncases').countDocuments({ _id: screened._id } as never)).to.equal(1);
    expect(await inboxCount(sender)).to.equal(0);
  });
});
