/**
 * kill -9 of the outgoing-mail stage while agents' replies are being sent, then restart:
 * still exactly one mail per reply, read back from the citizens' mailboxes over IMAP.
 * As in test/integration/email/crash.test.ts for acknowledgments: the stage runs as a real
 * child process (`app/main.ts --roles acknowledge`), killed with SIGKILL (no shutdown hook).
 *
 * The kills are aimed at the sending: each waits until a random number more replies have
 * been recorded as delivered (their thread key, written right after the 250), then a random
 * few milliseconds more, so they land between replies, mid-SMTP and inside the window.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../../config/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { detectServer } from '../../../lib/retention.ts';
import { createCaseStore, type CaseStore } from '../../../processors/cases/index.ts';
import { createTestPipeline, inboxMessageIds, testId, type TestPipeline, kill9 } from '../../support/pipeline.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { config, eventually } from '../../support/env.ts';
import { prng } from '../../support/letters/render.ts';

function spawnSender(p: TestPipeline, children: Set<ChildProcess>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/main.ts'), '--roles', 'acknowledge', '--group', `${p.config.kafka.topicPrefix}.intake`], {
    cwd: REPO_ROOT,
    env: { ...p.env, KCC_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

describe('workbench/reply: the reply sender survives kill -9', function () {
  this.timeout(300_000);
  let p: TestPipeline;
  let store: CaseStore;
  const children = new Set<ChildProcess>();

  before(async () => {
    p = await createTestPipeline();
    const conn = await p.db();
    const server = await detectServer(conn.db!);
    store = createCaseStore(conn, {
      cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }),
      hasher: createKeyedHasher(config.keys.hmac),
      lock: createDocLock(conn.db!, { enabled: server.flavour !== 'mongodb' }),
    });
    await store.ensureIndexes();
  });
  after(async () => {
    for (const c of children) await kill9(c);
    await p.cleanup();
  });

  it('one mail per reply; a kill between the 250 and its record resends the same Message-ID only', async () => {
    const seed = Number(process.env.KCC_TEST_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    console.log(`      (kill schedule seed ${seed}; replay with KCC_TEST_SEED=${seed})`);
    const id = testId();
    const CASES = 30;
    const agent = { id: 'agent-crash', role: 'first_line' };
    const citizens = Array.from({ length: CASES }, (_, i) => `rkill${i}-${id}@citizens.test`);
    // Every fifth case gets two replies: two outbox entries on one case, sent one by one.
    let queued = 0;
    for (const [i, citizen] of citizens.entries()) {
      const r = await store.ingest(intakeMessage({ replyAddress: citizen, wantsAcknowledgment: false, subject: `Vraag ${i}` }));
      for (let k = 0; k < (i % 5 === 0 ? 2 : 1); k++) {
        const c = await store.desk.get(r.caseId);
        await store.desk.reply(r.caseId, { expectedVersion: c!.version ?? 0, requestId: `r${i}-${k}` }, agent, { subject: `Antwoord ${k + 1}`, text: `Ons antwoord nummer ${k + 1}.` });
        queued += 1;
      }
    }
    const cases = (await p.db()).collection('cases');
    const keys = (await p.db()).collection('thread_keys');
    const delivered = async () => keys.countDocuments({ _id: { $regex: '^reply\\.' } } as never);

    let sender = spawnSender(p, children);
    let kills = 0;
    for (let k = 0; k < 6; k++) {
      const target = Math.min(queued, (await delivered()) + 1 + Math.floor(random() * 4));
      if (target >= queued) break;
      await eventually(async () => ((await delivered()) >= target ? true : undefined), 120_000, `${target} replies delivered`);
      await new Promise((r) => setTimeout(r, random() * 40));
      await kill9(sender);
      kills += 1;
      sender = spawnSender(p, children);
    }
    expect(kills, 'kills that landed while replies were still queued').to.be.at.least(3);

    const sentCount = async () => (await cases.find({}, { projection: { replies: 1 } }).toArray()).flatMap((c) => c.replies ?? []).filter((r: { status: string }) => r.status === 'sent').length;
    // A reply left "sending" by a kill waits for its lease (60 s) before the next process takes it.
    await eventually(async () => ((await sentCount()) === queued ? true : undefined), 200_000, `${queued} replies recorded as sent`);
    await new Promise((r) => setTimeout(r, 2000));

    const expected = new Map<string, string[]>();
    for (const c of await cases.find({}, { projection: { replyAddress: 1, replies: 1 } }).toArray()) {
      expected.set(String(c.replyAddress), (c.replies as Array<{ messageId: string }>).map((r) => `<${r.messageId}>`).sort());
    }
    const inboxes = await Promise.all(citizens.map(inboxMessageIds));
    // Every reply arrived, and nothing else did: the distinct Message-IDs are exactly the replies'.
    const wrong = citizens.filter((c, i) => JSON.stringify([...new Set(inboxes[i])].sort()) !== JSON.stringify(expected.get(c)));
    expect(wrong, `citizens whose mailbox does not hold exactly their replies (seed ${seed})`).to.deep.equal([]);
    // SMTP has no idempotent submission: only a kill between the 250 and the thread key's
    // write sends the same mail again, with the same Message-ID; at most once per kill.
    const resent = inboxes.reduce((n, ids) => n + ids.length - new Set(ids).size, 0);
    console.log(`      (${queued} replies, ${kills} kills, ${resent} delivered twice inside the 250-to-record window)`);
    expect(resent, 'redeliveries: at most one per kill').to.be.at.most(kills);
    // Every outbox entry settled, and no case is left with a reply due.
    expect(await cases.countDocuments({ replyDue: true })).to.equal(0);
  });
});
