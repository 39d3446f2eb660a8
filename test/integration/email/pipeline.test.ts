/**
 * The e-mail path end to end through the real servers: Dovecot (intake mailbox) → IMAP
 * ingestor → Kafka → e-mail processor → MongoDB-wire server (cases) → acknowledger →
 * Postfix → Dovecot (the citizens' mailboxes).
 */
import { expect } from 'chai';
import { createTestPipeline, inboxCount, inboxSubjects, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually, imapAs } from '../../support/env.ts';
import { buildMail, citizenMail, newMessageId } from '../../support/mail.ts';

describe('e-mail intake end to end', function () {
  this.timeout(180_000);
  let p: TestPipeline;

  beforeEach(async () => { p = await createTestPipeline(); });
  afterEach(async () => { await p.cleanup(); });

  it('turns N messages into N cases and N acknowledgments, and moves them to the processed folder', async () => {
    const N = 12;
    const id = testId();
    const citizens = Array.from({ length: N }, (_, i) => `burger${i}-${id}@citizens.test`);
    await p.append(citizens.map((c, i) => citizenMail(i, c)));
    await p.start();
    const db = await p.db();
    const cases = db.collection('cases');
    await eventually(async () => ((await cases.countDocuments()) === N ? true : undefined), 90_000, `${N} cases`);
    await eventually(async () => ((await cases.countDocuments({ 'ack.status': 'sent' })) === N ? true : undefined), 60_000, 'all acknowledgments sent');
    for (const c of citizens) {
      await eventually(async () => ((await inboxCount(c)) >= 1 ? true : undefined), 30_000, 'acknowledgment delivered');
    }
    // Nothing more arrives: exactly one acknowledgment per citizen.
    await new Promise((r) => setTimeout(r, 1500));
    const counts = await Promise.all(citizens.map(inboxCount));
    expect(counts).to.deep.equal(citizens.map(() => 1));
    const subjects = await inboxSubjects(citizens[0]!);
    const doc = await cases.findOne({ replyAddress: citizens[0] });
    expect(subjects[0]).to.contain(doc!.caseNumber as string);
    expect(doc!.caseNumber).to.match(/^KCC-\d{4}-\d{6}$/);
    expect(doc!.classification.topic).to.equal('digid_activeren');
    expect(doc!.citizen.phones).to.deep.equal(['+31610000000']);
    expect(doc!.citizen.postcode).to.equal('1234AB');

    // The intake mailbox is empty; everything sits in the processed folder.
    const client = await imapAs(p.intakeUser);
    try {
      const inbox = await client.status('INBOX', { messages: true });
      const processed = await client.status(p.config.imap.processedFolder, { messages: true });
      expect(inbox && inbox.messages).to.equal(0);
      expect(processed && processed.messages).to.equal(N);
    } finally { await client.logout(); }
  });

  it('threads a reply onto its case, and makes no case or acknowledgment for an auto-reply or a bounce', async () => {
    const citizen = `thread-${testId()}@citizens.test`;
    const firstId = newMessageId();
    await p.start();
    await p.append([citizenMail(1, citizen, { messageId: firstId })]);
    const db = await p.db();
    const cases = db.collection('cases');
    const first = await eventually(async () => (await cases.findOne({ 'ack.status': 'sent' })) ?? undefined, 60_000, 'first case acknowledged');

    // A reply by In-Reply-To, and one that only names the case number in the subject.
    await p.append([
      buildMail({ from: citizen, subject: 'Re: Wachtwoord vergeten', text: 'Aanvulling: het gaat om mijn DigiD.', inReplyTo: firstId }),
      buildMail({ from: citizen, subject: `Nog een vraag ${first.caseNumber}`, text: 'Ik heb nog steeds geen antwoord.' }),
      buildMail({ from: `auto-${testId()}@citizens.test`, subject: 'Afwezig: uw vraag', text: 'Ik ben afwezig tot maandag.', headers: { 'Auto-Submitted': 'auto-replied' } }),
      buildMail({ from: 'MAILER-DAEMON@citizens.test', subject: 'Undelivered Mail Returned to Sender', text: 'This is the mail system. I\'m sorry to have to inform you that your message could not be delivered.', headers: { 'Auto-Submitted': 'auto-replied', 'Content-Description': 'Notification' } }),
    ]);
    await eventually(async () => {
      const c = await cases.findOne({ _id: first._id });
      return c && c.messages.length === 3 ? c : undefined;
    }, 60_000, 'replies threaded');
    await eventually(async () => ((await db.collection('noncases').countDocuments()) === 2 ? true : undefined), 60_000, 'auto-reply and bounce recorded as non-cases');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await cases.countDocuments()).to.equal(1);
    expect(await inboxCount(citizen)).to.equal(1);
    const kinds = (await db.collection('noncases').find().toArray()).map((d) => d.kind).sort();
    expect(kinds).to.deep.equal(['auto_reply', 'bounce']);
  });

  it('carries a message larger than the topic allows by claim check, and removes the blob once the case is stored; smaller ones inline in batches the topic accepts', async () => {
    await p.cleanup();
    p = await createTestPipeline({ KCC_CLAIM_CHECK_THRESHOLD_BYTES: String(64 * 1024) });
    const citizen = `large-${testId()}@citizens.test`;
    const filler = 'Dit is een lange toelichting over mijn DigiD activeringscode. '.repeat(3000); // ~190 kB
    // And six under the threshold (~45 kB each): inline, but together above the topic's
    // max.message.bytes (threshold + 64 KiB), which bounds a whole produce batch.
    const medium = Array.from({ length: 6 }, (_, i) => buildMail({ from: `medium-${i}-${testId()}@citizens.test`, subject: `Wachtwoord vergeten ${i}`, text: `${'Ik kan niet inloggen met mijn DigiD. '.repeat(1200)}\n\nGroet,\nMiddel ${i}` }));
    await p.append([buildMail({ from: citizen, subject: 'Activeringscode verlopen', text: `${filler}\n\nMet vriendelijke groet,\nGrote Bericht` }), ...medium]);
    await p.start();
    const db = await p.db();
    await eventually(async () => ((await db.collection('cases').countDocuments()) === 7 ? true : undefined), 60_000, 'seven cases, one from a claim check');
    expect(p.app!.components.ingestor!.stats.claimChecked).to.equal(1);
    expect(p.app!.components.ingestor!.stats.published).to.equal(7);
    // GridFS deletes the files document, then the chunks: wait for both.
    await eventually(async () => ((await db.collection('claimchecks.files').countDocuments()) + (await db.collection('claimchecks.chunks').countDocuments()) === 0 ? true : undefined), 10_000, 'blob and chunks removed');
  });
});
