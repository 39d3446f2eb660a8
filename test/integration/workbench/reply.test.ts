/**
 * Answering the citizen: the agent's reply is queued on the case (the outbox), the
 * outgoing-mail stage sends it over real SMTP (Postfix → Dovecot), and it arrives in the
 * citizen's mailbox with the case number in the subject and threaded on their message.
 * SMTP down: the reply waits ("wacht op verzending") and goes once the server is back;
 * a stage killed after the 250 does not send it again.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { intakeMessage } from '../../support/casestore.ts';
import { config, eventually, imapAs, logger } from '../../support/env.ts';
import { testId } from '../../support/pipeline.ts';
import { signIn, startTestWorkbench, type Agent, type TestWorkbench } from '../../support/workbench.ts';
import { createAcknowledger } from '../../../processors/acknowledge/index.ts';

async function inbox(address: string): Promise<Buffer[]> {
  const c = await imapAs(address);
  try {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const out: Buffer[] = [];
      if ((c.mailbox as { exists: number }).exists === 0) return out;
      for await (const m of c.fetch('1:*', { source: true })) out.push(m.source!);
      return out;
    } finally { lock.release(); }
  } finally { await c.logout(); }
}

describe('workbench/reply: one mail per reply, threaded, with the case number', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let agent: Agent;
  const outgoing = (smtp = config.smtp) => createAcknowledger({ models: t.store.models, withCase: t.store.withCase, smtp, from: 'KCC Logius <intake@kcc.test>', messageIdDomain: 'kcc.test', logger, leaseMs: 1000 });

  before(async () => {
    t = await startTestWorkbench('wbreply');
    agent = await signIn(t.url, 'eerstelijn');
  });
  after(async () => { await t?.close(); });

  async function caseFor(citizen: string) {
    const r = await t.store.ingest(intakeMessage({ replyAddress: citizen, subject: 'Wachtwoord DigiD vergeten', wantsAcknowledgment: false, classification: { topic: 'digid_wachtwoord', language: 'nl', confidence: 0.8, reasons: [] } }));
    const c = (await agent.json('GET', `/api/v1/cases/${r.caseNumber}`)).body;
    return { r, c, original: (await t.store.models.Case.findById(r.caseId).lean())!.messages[0]!.messageId! };
  }

  it('prefills the composer with the topic\'s answer template, and the reply arrives once, threaded', async () => {
    const citizen = `reply-${testId()}@citizens.test`;
    const { r, c, original } = await caseFor(citizen);
    const page = await (await agent.get(`/zaken/${r.caseNumber}`)).text();
    expect(page).to.include('Uw DigiD-wachtwoord');
    expect(page).to.include(r.caseNumber);
    const body = { version: c.version, requestId: `reply-${testId()}`, subject: 'Uw DigiD-wachtwoord', text: 'Geachte heer/mevrouw,\n\nU kunt een nieuw wachtwoord instellen via www.digid.nl.' };
    const sent = await agent.json('POST', `/api/v1/cases/${r.caseNumber}/reply`, body);
    expect(sent.status).to.equal(200);
    const twice = await agent.json('POST', `/api/v1/cases/${r.caseNumber}/reply`, body);
    expect(twice.status).to.equal(200);
    const waiting = (await agent.json('GET', `/api/v1/cases/${r.caseNumber}`)).body;
    expect(waiting.status).to.equal('waiting');
    expect(await outgoing().runOnce()).to.equal(1);
    const mails = await eventually(async () => { const m = await inbox(citizen); return m.length > 0 ? m : undefined; }, 30_000, 'reply delivery');
    await new Promise((res) => setTimeout(res, 1000));
    expect(await inbox(citizen)).to.have.length(1);
    const m = await simpleParser(mails[0]!);
    expect(m.subject).to.include(r.caseNumber);
    expect(m.inReplyTo).to.equal(`<${original}>`);
    expect(String(m.references)).to.include(original);
    expect(m.text).to.include('www.digid.nl');
    const stored = await t.store.models.Case.findById(r.caseId).lean();
    expect(stored!.replies!.map((x) => x.status)).to.deep.equal(['sent']);
    expect(stored!.replyDue).to.equal(false);
    // The citizen's answer to our reply threads onto the case and reopens it.
    const back = await t.store.ingest(intakeMessage({ subject: `Re: ${m.subject}`, inReplyTo: m.messageId!.replace(/[<>]/g, ''), replyAddress: citizen }));
    expect(back.caseId).to.equal(r.caseId);
    expect((await t.store.models.Case.findById(r.caseId).lean())!.status).to.equal('open');
  });

  it('keeps the reply queued while SMTP is down ("wacht op verzending"), and sends it when it is back', async () => {
    const citizen = `reply-down-${testId()}@citizens.test`;
    const { r, c } = await caseFor(citizen);
    const res = await agent.json('POST', `/api/v1/cases/${r.caseNumber}/reply`, { version: c.version, requestId: `reply-${testId()}`, subject: 'Antwoord', text: 'Ons antwoord.' });
    expect(res.status).to.equal(200);
    const down = outgoing({ ...config.smtp, port: 9 });
    await down.runOnce();
    await down.stop();
    const stored = await t.store.models.Case.findById(r.caseId).lean();
    expect(stored!.replies![0]!.status).to.equal('pending');
    expect(stored!.replies![0]!.lastCode).to.equal('SMTP_UNAVAILABLE');
    const page = await (await agent.get(`/zaken/${r.caseNumber}`)).text();
    expect(page).to.include('wacht op verzending');
    // The lease is the earliest next attempt: wait for it, then the server is "back".
    await new Promise((res2) => setTimeout(res2, 2100));
    const up = outgoing();
    expect(await up.runOnce()).to.equal(1);
    await up.stop();
    await eventually(async () => ((await inbox(citizen)).length === 1 ? true : undefined), 30_000, 'delivery after SMTP came back');
  });

  it('answers a postal case by letter: recorded as posted, the PDF to print carries the address, the case number and the answer', async () => {
    const r = await t.store.ingest(intakeMessage({
      channel: 'letter', replyAddress: null, wantsAcknowledgment: false, subject: 'Brief over DigiD',
      citizen: { name: 'Gerrit Brievenbus', street: 'Postweg', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht', email: null, phones: [] },
    }));
    const c = (await agent.json('GET', `/api/v1/cases/${r.caseNumber}`)).body;
    const res = await agent.json('POST', `/api/v1/cases/${r.caseNumber}/letter`, { version: c.version, requestId: `letter-${testId()}`, text: 'U kunt DigiD aanvragen via www.digid.nl.' });
    expect(res.status).to.equal(200);
    const stored = await t.store.models.Case.findById(r.caseId).lean();
    const letter = stored!.replies!.find((x) => x.channel === 'letter')!;
    expect(letter.status).to.equal('posted');
    expect(stored!.status).to.equal('waiting');
    const page = await (await agent.get(`/zaken/${r.caseNumber}`)).text();
    expect(page).to.include(`/zaken/${r.caseNumber}/brieven/${letter.id}.pdf`);
    const pdf = await agent.get(`/zaken/${r.caseNumber}/brieven/${letter.id}.pdf`);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    expect(pdf.headers.get('content-disposition')).to.match(/^attachment;/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcc-letter-'));
    try {
      await writeFile(path.join(dir, 'l.pdf'), Buffer.from(await pdf.arrayBuffer()));
      const { stdout } = await promisify(execFile)('pdftotext', ['-layout', path.join(dir, 'l.pdf'), '-']);
      expect(stdout).to.include('Gerrit Brievenbus');
      expect(stdout).to.include('3511 AB');
      expect(stdout).to.include(r.caseNumber);
      expect(stdout).to.include('www.digid.nl');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // No address, no letter: a clear refusal, nothing recorded.
    const bare = await t.store.ingest(intakeMessage({ channel: 'letter', replyAddress: null, wantsAcknowledgment: false }));
    const cb = (await agent.json('GET', `/api/v1/cases/${bare.caseNumber}`)).body;
    const refused = await agent.json('POST', `/api/v1/cases/${bare.caseNumber}/letter`, { version: cb.version, requestId: `letter-${testId()}`, text: 'Antwoord' });
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('CASE_NO_POSTAL_ADDRESS');
  });

  it('does not send again a reply left "sending" by a stage killed after the 250', async () => {
    const citizen = `reply-kill-${testId()}@citizens.test`;
    const { r, c } = await caseFor(citizen);
    await agent.json('POST', `/api/v1/cases/${r.caseNumber}/reply`, { version: c.version, requestId: `reply-${testId()}`, subject: 'Antwoord', text: 'Ons antwoord.' });
    const stored = await t.store.models.Case.findById(r.caseId).lean();
    const reply = stored!.replies![0]!;
    // What a kill between the 250 and the record on the case leaves: lease ran out, thread key written.
    await t.store.models.Case.updateOne({ _id: r.caseId }, { $set: { replies: [{ ...reply, status: 'sending', leaseUntil: new Date(Date.now() - 1000), attempts: 1 }] } });
    await t.store.models.ThreadKey.updateOne({ _id: `reply.${reply.id}@kcc.test` }, { $set: { caseId: r.caseId, expiresAt: stored!.expiresAt } }, { upsert: true });
    const o = outgoing();
    expect(await o.runOnce()).to.equal(1);
    expect(o.stats).to.include({ sent: 0, recovered: 1 });
    await o.stop();
    expect((await t.store.models.Case.findById(r.caseId).lean())!.replies![0]!.status).to.equal('sent');
    await new Promise((res) => setTimeout(res, 1500));
    expect(await inbox(citizen)).to.have.length(0);
  });
});
