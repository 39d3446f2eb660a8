/**
 * A DSN for a survey invitation arriving on the intake mailbox (IMAP → Kafka → the e-mail
 * processor): it makes no case, and the address the invitation went to is marked bounced
 * (found by the invitation's Message-ID in the DSN's returned headers). A DSN for anything
 * else marks nothing.
 */
import { expect } from 'chai';
import { createKeyedHasher } from '../../../lib/crypto.ts';
import { addDuration } from '../../../config/register.ts';
import { invitationMessageId, surveyModels } from '../../../processors/survey/index.ts';
import { config, eventually } from '../../support/env.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';

/** A Postfix-style non-delivery report (RFC 3464) returning the headers of `messageId`. */
function dsn(to: string, intake: string, messageId: string): Buffer {
  const lines = [
    'From: MAILER-DAEMON@mail.citizens.test (Mail Delivery System)',
    `To: ${intake}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${testId()}@mail.citizens.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
    '',
    '--B1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `<${to}>: host mail.citizens.test said: 550 5.1.1 User unknown`,
    '',
    '--B1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.citizens.test',
    '',
    `Final-Recipient: rfc822; ${to}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    '--B1',
    'Content-Type: text/rfc822-headers',
    '',
    `From: KCC Logius <${intake}>`,
    `To: ${to}`,
    'Subject: Hoe heeft het KCC u geholpen? [KCC-2026-000001]',
    `Message-ID: <${messageId}>`,
    'Auto-Submitted: auto-generated',
    '',
    '--B1--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

describe('survey: a bounce for an invitation marks the address and makes no case', function () {
  this.timeout(180_000);
  let p: TestPipeline;
  before(async () => { p = await createTestPipeline(); });
  after(async () => { await p.cleanup(); });

  it('marks the invited address bounced, makes no case; another DSN marks nothing', async () => {
    const conn = await p.db();
    const { Invitation, Bounce } = surveyModels(conn);
    const hasher = createKeyedHasher(config.keys.hmac);
    const to = `survey-bounce-${testId()}@citizens.test`;
    const h = hasher.hmac('email', to);
    const at = new Date();
    const messageId = invitationMessageId('case-bounce-1', 'kcc.test');
    await Invitation.create({ _id: 'case-bounce-1', caseId: 'case-bounce-1', status: 'sent', emailHash: h, lookup: { email: [h] }, messageId, handedAt: at, sentAt: at, createdAt: at, expiresAt: addDuration(at, 'P18M') });
    await p.start(['ingest', 'process']);
    await p.append([
      dsn(to, p.intakeUser, messageId),
      dsn(`other-${testId()}@citizens.test`, p.intakeUser, `ack.${'0'.repeat(32)}@kcc.test`),
    ]);
    await eventually(async () => ((await conn.collection('noncases').countDocuments()) === 2 ? true : undefined), 90_000, 'both DSNs recorded as non-cases');
    expect(await conn.collection('cases').countDocuments()).to.equal(0);
    const kinds = (await conn.collection('noncases').find().toArray()).map((d) => d.kind);
    expect(kinds).to.deep.equal(['bounce', 'bounce']);
    const bounces = await Bounce.find().lean();
    expect(bounces.map((b) => b._id)).to.deep.equal([h]);
    expect(JSON.stringify(bounces)).to.not.include(to);
  });
});
