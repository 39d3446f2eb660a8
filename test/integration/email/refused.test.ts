/**
 * Issue 12: one limit, and the citizen is told. A message over KCC_MAX_MESSAGE_BYTES is
 * refused by the ingestor from its SIZE (only its header block is read) and a message the
 * parser refuses (MIME nested too deep) is dead-lettered by the processor; each sender gets
 * one RFC 3834 reply in their language, at most one a day, never a list or an auto-reply;
 * the refusal keeps no address once answered, and the dead letters land in `dead_letters`.
 * Real servers: Dovecot, Kafka, FerretDB, Postfix.
 */
import { expect } from 'chai';
import { createLogger, createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually, imapAs } from '../../support/env.ts';
import { buildMail, newMessageId } from '../../support/mail.ts';
import { simpleParser } from 'mailparser';
import { deadlettersCommand } from '../../../cli/deadletters.ts';
import { ObjectId } from 'mongodb';

// Small, so the test moves kilobytes: the rule is the same at 36 MiB.
const LIMIT = 200_000;

function large(from: string, subject: string, messageId: string, headers: Record<string, string> = {}): Buffer {
  const text = 'Hierbij mijn scan van de brief.\n' + 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='.repeat(8_000).replace(/(.{76})/g, '$1\n');
  return buildMail({ from, subject, text, messageId, headers });
}

function nestedTooDeep(from: string, messageId: string, padding = 0): Buffer {
  let body = `Content-Type: text/plain\r\n\r\nIk heb een vraag over mijn DigiD.\r\n${'bijlage '.repeat(padding / 8).replace(/(.{72})/g, '$1\r\n')}\r\n`;
  for (let i = 120; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  return Buffer.from(`From: <${from}>\r\nTo: intake@kcc.test\r\nSubject: Vraag over mijn DigiD\r\nMessage-ID: <${messageId}>\r\nMIME-Version: 1.0\r\n${body}`);
}

/** Every message in a citizen's INBOX: its header block as sent, then its decoded text. */
async function inbox(address: string): Promise<string[]> {
  const client = await imapAs(address);
  const raws: Buffer[] = [];
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const s = await client.status('INBOX', { messages: true });
      if (s && s.messages) for await (const m of client.fetch('1:*', { source: true })) raws.push(m.source!);
    } finally { lock.release(); }
  } finally { await client.logout(); }
  const out: string[] = [];
  for (const raw of raws) {
    const text = raw.toString('utf8');
    const head = text.slice(0, text.search(/\r?\n\r?\n/));
    out.push(`${head}\n\n${(await simpleParser(raw)).text ?? ''}`);
  }
  return out;
}

describe('refused messages: one limit, one reply, visible dead letters', function () {
  this.timeout(180_000);
  let p: TestPipeline;

  before(async () => { p = await createTestPipeline({ KCC_MAX_MESSAGE_BYTES: String(LIMIT) }); });
  after(async () => { await p.cleanup(); });

  it('refuses by size at ingest and by form in the processor, tells each sender once, and keeps no address', async () => {
    const id = testId();
    const nl = `groot-${id}@citizens.test`;
    const en = `large-${id}@citizens.test`;
    const list = `lijst-${id}@citizens.test`;
    const auto = `afwezig-${id}@citizens.test`;
    const deep = `diep-${id}@citizens.test`;
    const ids = { nl: newMessageId(), nl2: newMessageId(), en: newMessageId(), deep: newMessageId() };
    const raws = [
      large(nl, 'Mijn scan voor de DigiD aanvraag', ids.nl),
      large(nl, 'Nog een keer mijn scan', ids.nl2),
      large(en, 'My scan for the DigiD application, please find it attached', ids.en),
      large(list, 'Nieuwsbrief', newMessageId(), { 'List-Id': '<nieuws.example.nl>' }),
      large(auto, 'Afwezig', newMessageId(), { 'Auto-Submitted': 'auto-replied' }),
      nestedTooDeep(deep, ids.deep),
    ];
    expect(raws.slice(0, 5).every((r) => r.length > LIMIT)).to.equal(true);
    expect(raws[5]!.length).to.be.below(LIMIT);
    await p.append(raws);
    const app = await p.start(['ingest', 'process', 'acknowledge', 'retention'], process.env.REFUSED_DEBUG ? createLogger({ level: 'info' }) : undefined);
    // One limit: the parser takes the configured number, not a constant of its own.
    expect(app.components.processor!.limits.maxBytes).to.equal(LIMIT);

    const db = await p.db();
    const refusals = db.collection('refusals');
    await eventually(async () => ((await refusals.countDocuments()) === 6 ? true : undefined), 60_000, '6 refusals');
    await eventually(async () => ((await refusals.countDocuments({ replyDue: true })) === 0 ? true : undefined), 60_000, 'refusal outbox drained');

    const replies = {
      nl: await eventually(async () => { const m = await inbox(nl); return m.length >= 1 ? m : undefined; }, 30_000, 'reply to nl'),
      en: await eventually(async () => { const m = await inbox(en); return m.length >= 1 ? m : undefined; }, 30_000, 'reply to en'),
      deep: await eventually(async () => { const m = await inbox(deep); return m.length >= 1 ? m : undefined; }, 30_000, 'reply to deep'),
    };
    await new Promise((r) => setTimeout(r, 2000)); // anything more would have arrived by now
    expect((await inbox(nl)).length, 'once per sender per day').to.equal(1);
    expect(await inbox(list), 'never to a list').to.deep.equal([]);
    expect(await inbox(auto), 'never to an auto-reply').to.deep.equal([]);

    const nlMail = replies.nl[0]!;
    expect(nlMail).to.match(/^Auto-Submitted: auto-replied\r?$/m);
    expect(nlMail).to.match(new RegExp(`^In-Reply-To: <${ids.nl.replace(/\./g, '\\.')}>\\r?$`, 'm'));
    expect(nlMail).to.match(/^Subject: Uw bericht kon niet worden verwerkt/m);
    expect(nlMail).to.include('0.2 MB'); // the limit, named
    expect(nlMail).to.include('Postbus 20011');
    expect(replies.en[0]!).to.match(/^Subject: Your message could not be processed/m);
    expect(replies.en[0]!).to.include('several e-mails');
    expect(replies.deep[0]!).to.match(/meer dan 100 in elkaar/);
    expect(replies.deep[0]!).to.match(new RegExp(`^In-Reply-To: <${ids.deep.replace(/\./g, '\\.')}>\\r?$`, 'm'));

    // Contact details only as long as needed: no refusal keeps an address or Message-ID.
    expect(await refusals.countDocuments({ $or: [{ replyTo: { $exists: true } }, { inReplyTo: { $exists: true } }, { senderHash: { $exists: true } }] })).to.equal(0);
    const byStatus = (await refusals.find({}, { projection: { code: 1, reply: 1 } }).toArray()).map((r) => `${r.code} ${r.reply.status} ${r.reply.skipReason ?? ''}`.trim()).sort();
    expect(byStatus).to.deep.equal([
      'INGEST_TOO_LARGE not_needed auto_reply',
      'INGEST_TOO_LARGE not_needed automated',
      'INGEST_TOO_LARGE not_needed once_per_day',
      'INGEST_TOO_LARGE sent',
      'INGEST_TOO_LARGE sent',
      'PARSE_TOO_DEEP sent',
    ]);
    // The day marker holds a keyed hash, never the address.
    const markers = await db.collection('refusal_senders').find().toArray();
    expect(markers).to.have.length(3);
    expect(JSON.stringify(markers)).to.not.include('citizens.test');

    // Dead letters are visible to people: one record each, no content.
    const dead = db.collection('dead_letters');
    await eventually(async () => ((await dead.countDocuments()) === 6 ? true : undefined), 30_000, '6 dead-letter records');
    const deepDl = await dead.findOne({ code: 'PARSE_TOO_DEEP' });
    expect(deepDl!.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(deepDl!.expiresAt.getTime()).to.be.greaterThan(Date.now() + 29 * 86_400_000);
    expect(JSON.stringify(await dead.find().toArray())).to.not.include('citizens.test');
    expect((await dead.find({ code: 'INGEST_TOO_LARGE' }).toArray()).every((d) => d.size > LIMIT)).to.equal(true);

    // …and through `kcc deadletters`: list, show (where the raw bytes are), retry.
    const cli = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await deadlettersCommand(args, { config: p.config, out: (t) => { out += t; }, err: (t) => { err += t; } });
      return { code, out, err };
    };
    const listed = await cli('list');
    expect(listed.code).to.equal(0);
    expect(listed.out.trim().split('\n')).to.have.length(6);
    const shown = await cli('show', String(deepDl!._id).slice(0, 16));
    expect(shown.code).to.equal(0);
    expect(shown.out).to.include('PARSE_TOO_DEEP');
    expect(shown.out).to.match(/folder "Processed": until about .* imap_processed/);
    expect(shown.out).to.match(/Kafka topic .*mail\.raw\.v2, partition \d+, offset \d+/);
    const tooLarge = await dead.findOne({ code: 'INGEST_TOO_LARGE' });
    const refusedRetry = await cli('retry', String(tooLarge!._id));
    expect(refusedRetry.code).to.equal(1);
    expect(refusedRetry.err).to.include('still larger than KCC_MAX_MESSAGE_BYTES');
    expect((await cli('show', '--help')).out).to.include('usage:');
    // The deep one is found in the processed folder by size and SHA-256 and moved back; the
    // ingestor takes it again, the processor refuses it again, and no second reply goes out.
    const retried = await cli('retry', String(deepDl!._id));
    expect(retried.err).to.equal('');
    expect(retried.out).to.include('moved back');
    expect((await dead.findOne({ _id: deepDl!._id }))!.retriedAt).to.be.instanceOf(Date);
    const client = await imapAs(p.intakeUser);
    try {
      await eventually(async () => (((await client.status('INBOX', { messages: true })) || { messages: -1 }).messages === 0 ? true : undefined), 30_000, 'retried mail taken again');
    } finally { await client.logout(); }
    await new Promise((r) => setTimeout(r, 2000));
    expect(await refusals.countDocuments()).to.equal(6);
    expect((await inbox(deep)).length).to.equal(1);
  });
});

describe('refused messages by claim check: where the raw bytes are, and retry from them', function () {
  this.timeout(180_000);
  let p: TestPipeline;
  before(async () => { p = await createTestPipeline({ KCC_MAX_MESSAGE_BYTES: String(4 * 1024 * 1024) }); });
  after(async () => { await p.cleanup(); });

  it('show names the GridFS blob and when it goes; retry re-publishes it, and no second reply goes out', async () => {
    const sender = `diep-groot-${testId()}@citizens.test`;
    const raw = nestedTooDeep(sender, newMessageId(), 1_200_000);
    expect(raw.length).to.be.above(p.config.limits.claimCheckThresholdBytes).and.below(p.config.limits.maxMessageBytes);
    await p.append([raw]);
    await p.start(['ingest', 'process', 'acknowledge', 'retention']);
    const db = await p.db();
    const dead = db.collection('dead_letters');
    const dl = await eventually(async () => (await dead.findOne({ code: 'PARSE_TOO_DEEP' })) ?? undefined, 60_000, 'dead-letter record');
    expect(dl.claimCheck.fileId).to.match(/^[0-9a-f]{24}$/);
    await eventually(async () => ((await inbox(sender)).length === 1 ? true : undefined), 60_000, 'the one reply');
    let out = '';
    let err = '';
    const cli = async (...args: string[]) => {
      out = ''; err = '';
      return deadlettersCommand(args, { config: p.config, out: (t) => { out += t; }, err: (t) => { err += t; } });
    };
    expect(await cli('show', String(dl._id))).to.equal(0);
    expect(out).to.match(new RegExp(`GridFS bucket "claimchecks", file ${dl.claimCheck.fileId}: deleted at \\d{4}-.* claim_check_blob, P3D`));
    expect(await cli('retry', String(dl._id))).to.equal(0);
    expect(err).to.equal('');
    expect(out).to.include('re-published from claim check');
    // The processor takes it again and refuses it again: same keys, so one record and one reply.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await dead.countDocuments()).to.equal(1);
    expect(await db.collection('refusals').countDocuments()).to.equal(1);
    expect((await inbox(sender)).length).to.equal(1);
    // Once the blob is gone, show says so and retry finds the processed-folder copy instead.
    await db.collection('claimchecks.files').deleteOne({ _id: new ObjectId(dl.claimCheck.fileId) });
    expect(await cli('show', String(dl._id))).to.equal(0);
    expect(out).to.include(`GridFS claim check ${dl.claimCheck.fileId}: gone`);
  });
});
