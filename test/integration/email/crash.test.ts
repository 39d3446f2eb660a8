/**
 * kill -9 of the ingestor and of the processor at random moments, then restart: still
 * exactly N cases and N acknowledgments. The stages run as real child processes
 * (`app/main.ts --roles …`), killed with SIGKILL: no shutdown hook runs.
 *
 * And how long a restart takes: the all-roles process killed 10 times, restarted at once,
 * one new mail after each restart; the time from the restart to that mail's case is printed
 * (p50/p95/max) and bounded.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { REPO_ROOT } from '../../../config/index.ts';
import { ROLES } from '../../../app/index.ts';
import { createTestPipeline, inboxCount, inboxMessageIds, testId, type TestPipeline, kill9 } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { citizenMail } from '../../support/mail.ts';
import { prng } from '../../support/letters/render.ts';

/** One stage (or all of them) as a real child process, as `npm start` runs it. */
function spawnStage(p: TestPipeline, roles: string, children: Set<ChildProcess>, logLevel: 'warn' | 'error' | null = null): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/main.ts'), '--roles', roles, '--group', `${p.config.kafka.topicPrefix}.intake`], {
    cwd: REPO_ROOT,
    env: { ...p.env, KCC_LOG_LEVEL: logLevel ?? 'warn' },
    // The log (stdout) shown only when asked for; the IPC channel carries main.ts's 'ready'.
    stdio: ['ignore', logLevel ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

describe('e-mail intake survives kill -9', function () {
  this.timeout(300_000);
  let p: TestPipeline;
  const children = new Set<ChildProcess>();
  const startStage = (roles: string): ChildProcess => spawnStage(p, roles, children);

  before(async () => { p = await createTestPipeline(); });
  after(async () => {
    for (const c of children) await kill9(c);
    await p.cleanup();
  });

  it('loses nothing and duplicates nothing', async () => {
    const seed = Number(process.env.KCC_TEST_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    console.log(`      (kill schedule seed ${seed}; replay with KCC_TEST_SEED=${seed})`);
    const N = 40;
    const id = testId();
    const citizens = Array.from({ length: N }, (_, i) => `kill${i}-${id}@citizens.test`);

    let ingestor = startStage('ingest');
    let processor = startStage('process,acknowledge');
    const db = await p.db();
    const cases = db.collection('cases');

    // Feed the mailbox in four waves while killing the stages at random moments.
    let kills = 0;
    for (let wave = 0; wave < 4; wave++) {
      await p.append(citizens.slice(wave * 10, wave * 10 + 10).map((c, i) => citizenMail(wave * 10 + i, c)));
      for (const which of ['ingest', 'process'] as const) {
        await new Promise((r) => setTimeout(r, 300 + random() * 2500));
        if (which === 'ingest') { await kill9(ingestor); ingestor = startStage('ingest'); }
        else { await kill9(processor); processor = startStage('process,acknowledge'); }
        kills += 1;
      }
    }
    expect(kills).to.equal(8);

    await eventually(async () => ((await cases.countDocuments({ 'ack.status': 'sent' })) === N ? true : undefined), 180_000, `${N} acknowledged cases`);
    for (const c of citizens) await eventually(async () => ((await inboxCount(c)) >= 1 ? true : undefined), 60_000, 'delivery');
    await new Promise((r) => setTimeout(r, 2000));

    expect(await cases.countDocuments()).to.equal(N);
    // Exactly one acknowledgment per citizen: one message, the one the case says it sent.
    // SMTP has no idempotent submission, so a kill between the server's "250 OK" and our
    // record of it (one `_id` write: processors/acknowledge) makes the recovery send that
    // same message again (same Message-ID, derived from the case). That, and only that, may
    // show up as a second delivery; a second, different acknowledgment may not.
    const sentIds = new Map((await cases.find({}, { projection: { replyAddress: 1, 'ack.messageId': 1 } }).toArray())
      .map((c) => [String(c.replyAddress), `<${String(c.ack?.messageId)}>`]));
    const delivered = await Promise.all(citizens.map(inboxMessageIds));
    const wrong = citizens.filter((c, i) => new Set(delivered[i]).size !== 1 || delivered[i]![0] !== sentIds.get(c));
    expect(wrong, `citizens without exactly one acknowledgment (seed ${seed})`).to.deep.equal([]);
    const resent = delivered.reduce((n, d) => n + d.length - 1, 0);
    if (resent > 0) console.log(`      (${resent} acknowledgment(s) delivered twice after a kill between SMTP 250 and its record; same Message-ID)`);
    expect(resent, 'redeliveries: at most one per kill of the acknowledging process').to.be.at.most(4);
    // Every case holds exactly one message: redelivered duplicates were recognised.
    const multi = await cases.countDocuments({ 'messages.1': { $exists: true } });
    expect(multi).to.equal(0);
  });
});

describe('a restart after kill -9 of the all-roles process is back in seconds', function () {
  const KILLS = 10;
  // Before parallel start-up one restart took 87–90 s; the bound below leaves that room.
  const PER_RESTART_MS = 150_000;
  this.timeout(KILLS * (PER_RESTART_MS + 5_000) + 120_000);
  let p: TestPipeline;
  let dropDir: string;
  const children = new Set<ChildProcess>();

  before(async () => {
    // Every role configured on, letters included (a drop folder; the upload on a free port):
    // the hardest restart, with all consumer groups holding a dead member.
    dropDir = await mkdtemp(path.join(tmpdir(), 'kcc-it-restart-'));
    p = await createTestPipeline({ KCC_LETTERS_DROP_DIR: dropDir, KCC_LETTERS_UPLOAD_PORT: '0' });
  });
  after(async () => {
    for (const c of children) await kill9(c);
    await p.cleanup();
    await rm(dropDir, { recursive: true, force: true });
  });

  it(`the first new mail after each of ${KILLS} kills becomes a case within seconds`, async () => {
    const seed = Number(process.env.KCC_TEST_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    console.log(`      (kill schedule seed ${seed}; replay with KCC_TEST_SEED=${seed})`);
    const id = testId();
    const db = await p.db();
    const cases = db.collection('cases');
    // A probe that meets the shared database restarting (other tests do that) asks again.
    // A process that stopped by itself (it logs why at 'fatal' on stdout) fails the test at once.
    const caseOf = (citizen: string, child: () => ChildProcess) => async () => {
      if (child().exitCode !== null) throw new Error(`the all-roles process exited by itself with code ${child().exitCode}`);
      return (await cases.countDocuments({ replyAddress: citizen }).catch(() => 0)) >= 1 ? true : undefined;
    };
    const start = () => {
      const t0 = performance.now();
      // Errors and fatal lines shown: why a restart did not come back, if it does not.
      const child = spawnStage(p, ROLES.join(','), children, 'error');
      const ready = new Promise<number>((resolve) => child.on('message', (m) => { if (m === 'ready') resolve(performance.now() - t0); }));
      return { child, t0, ready };
    };

    // Steady state first: the process has joined its groups and turned a mail into a case.
    let run = start();
    const warm = `restart-warm-${id}@citizens.test`;
    await p.append([citizenMail(0, warm)]);
    await eventually(caseOf(warm, () => run.child), PER_RESTART_MS, 'the first case');

    const toCase: number[] = [];
    const toReady: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // A random moment, as a crash picks one: just after a case, or seconds into idling.
      await new Promise((r) => setTimeout(r, 200 + random() * 4000));
      await kill9(run.child);
      run = start();
      const citizen = `restart${k}-${id}@citizens.test`;
      await p.append([citizenMail(k + 1, citizen)]);
      await eventually(caseOf(citizen, () => run.child), PER_RESTART_MS, `the case of the mail after restart ${k + 1}`);
      toCase.push(performance.now() - run.t0);
      // 'ready' (every stage started) may come after the case: wait for it, within the bound.
      toReady.push(await Promise.race([run.ready, new Promise<number>((r) => setTimeout(() => r(NaN), PER_RESTART_MS))]));
      console.log(`      restart ${k + 1}: first case after ${(toCase[k]! / 1000).toFixed(1)} s, ready after ${(toReady[k]! / 1000).toFixed(1)} s`);
    }
    const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.ceil(f * xs.length) - 1]!;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`      restart → first case over ${KILLS} kills: p50 ${s(q(toCase, 0.5))}, p95 ${s(q(toCase, 0.95))}, max ${s(Math.max(...toCase))}`);
    console.log(`      restart → 'ready': p50 ${s(q(toReady, 0.5))}, max ${s(Math.max(...toReady))}`);
    // The target is 10 s (p95); this shared 2-core machine is noisy, so the assertion leaves
    // room, still far under the 87–90 s a restart took when the stages started one by one.
    expect(q(toCase, 0.95), 'p95 restart → first case (ms)').to.be.below(20_000);
  });
});
