/**
 * kill -9 of the invitation sender between the SMTP server's 250 and our record of it: no
 * second invitation after the restart. The sender runs as a real child process
 * (`app/main.ts --roles survey`); a TCP relay between it and Postfix passes everything on
 * except the server's 250 to the end of DATA: on that line it kills the child (SIGKILL), so
 * the mail is queued and delivered while the process never learnt so — exactly the window.
 * The restarted process must leave that invitation alone (`unknown`), and the mailbox, read
 * over IMAP, holds one invitation.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../../../config/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { detectServer } from '../../../lib/retention.ts';
import { createCaseStore } from '../../../processors/cases/index.ts';
import { createSurvey, DEFAULT_SURVEY_SETTINGS, surveyModels } from '../../../processors/survey/index.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { config, eventually } from '../../support/env.ts';
import { createTestPipeline, inboxMessageIds, testId, type TestPipeline } from '../../support/pipeline.ts';

function spawnSender(p: TestPipeline, smtpPort: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/main.ts'), '--roles', 'survey'], {
    cwd: REPO_ROOT,
    env: { ...p.env, KCC_SMTP_PORT: String(smtpPort), KCC_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** A relay to Postfix that, once armed, swallows the 250 after DATA and calls `on250` instead. */
function smtpRelay(on250: () => void): Promise<{ port: number; close(): void; swallowed: () => number }> {
  let swallowed = 0;
  const server = net.createServer((client) => {
    const up = net.connect(config.smtp.port, config.smtp.host);
    let dataEnded = false;
    let tail = ''; // the end of DATA ("\r\n.\r\n") may be split across writes
    client.on('data', (b) => {
      const seen = tail + b.toString('latin1');
      if (seen.includes('\r\n.\r\n')) dataEnded = true;
      tail = seen.slice(-4);
      up.write(b);
    });
    up.on('data', (b) => {
      if (dataEnded && /^250[ -]/m.test(b.toString('latin1'))) {
        swallowed += 1;
        on250();
        return; // never passed on: the sender dies not knowing
      }
      client.write(b);
    });
    const end = () => { client.destroy(); up.destroy(); };
    client.on('error', end); up.on('error', end); client.on('close', end); up.on('close', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, close: () => server.close(), swallowed: () => swallowed })));
}

describe('survey sender survives kill -9 between the SMTP 250 and its record', function () {
  this.timeout(180_000);
  let p: TestPipeline;
  const children = new Set<ChildProcess>();
  after(async () => {
    for (const c of children) { c.kill('SIGKILL'); await exited(c); }
    await p?.cleanup();
  });

  it('sends no second invitation after the restart', async () => {
    p = await createTestPipeline({ KCC_SURVEY_DELAY_MS: '0', KCC_SURVEY_POLL_MS: '200' });
    const conn = await p.db();
    const server = await detectServer(conn.db!);
    const hasher = createKeyedHasher(config.keys.hmac);
    const store = createCaseStore(conn, { cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }), hasher, lock: createDocLock(conn.db!, { enabled: server.flavour !== 'mongodb' }) });
    await store.ensureIndexes();
    const survey = createSurvey({ conn, hasher, hmacKey: config.keys.hmac, settings: { ...DEFAULT_SURVEY_SETTINGS, publicUrl: 'http://127.0.0.1:1' } });
    await survey.ensureIndexes();
    const to = `survey-kill-${testId()}@citizens.test`;
    const r = await store.ingest(intakeMessage({ replyAddress: to }));
    await survey.consentByAgent(r.caseId, { source: 'agent_phone', address: 'reply', agentId: 'agent-k' });
    await store.desk.close(r.caseId, null, { id: 'agent-k', role: 'first_line' }, 'answered');

    let first: ChildProcess | null = null;
    let killed: Promise<void> | null = null;
    const relay = await smtpRelay(() => { if (first && !killed) { first.kill('SIGKILL'); killed = exited(first); } });
    try {
      first = spawnSender(p, relay.port);
      children.add(first);
      await eventually(async () => (killed ? true : undefined), 90_000, 'the 250 after DATA (and the kill)');
      await killed;
      children.delete(first);
      const { Invitation } = surveyModels(conn);
      // The killed process had handed the mail over: state `sending`, nothing after.
      const left = await Invitation.findById(r.caseId).lean();
      expect(left?.status).to.equal('sending');
      // The mail is queued: it arrives though the sender never heard the 250.
      await eventually(async () => ((await inboxMessageIds(to)).length === 1 ? true : undefined), 30_000, 'the invitation delivered');

      // Restart (straight to Postfix). Its lease ends as time passes; here the test moves it.
      const second = spawnSender(p, config.smtp.port);
      children.add(second);
      await Invitation.updateOne({ _id: r.caseId }, { $set: { leaseUntil: new Date(Date.now() - 1000) } });
      const settled = await eventually(async () => { const s = (await Invitation.findById(r.caseId).lean())?.status; return s === 'unknown' || s === 'sent' ? s : undefined; }, 60_000, 'the restarted sender settling the invitation');
      await new Promise((res) => setTimeout(res, 3000)); // a second mail, had one been sent, would be in by now
      expect(await inboxMessageIds(to), 'invitations delivered').to.have.length(1);
      expect(settled).to.equal('unknown');
      expect(relay.swallowed()).to.equal(1);
      second.kill('SIGKILL');
      await exited(second);
      children.delete(second);
    } finally {
      relay.close();
    }
  });
});
