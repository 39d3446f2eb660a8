/**
 * The IMAP ingestor survives its server going away: Dovecot is killed outright (its whole
 * process group, as a crash would), started again by the project's own script, and mail
 * that arrives afterwards still becomes a case, once, without restarting the pipeline.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../config/index.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually } from '../../support/env.ts';
import { citizenMail } from '../../support/mail.ts';
import type { App } from '../../../app/index.ts';

function dovecotPid(p: TestPipeline): number {
  return Number(readFileSync(path.join(p.config.localDir, 'run', 'dovecot.pid'), 'utf8').trim());
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe('IMAP ingestor across a Dovecot crash', function () {
  this.timeout(180_000);
  let p: TestPipeline;
  let app: App | null = null;

  before(async () => { p = await createTestPipeline(); });
  after(async () => {
    await app?.stop(20_000);
    // Whatever happened above, the next tests need Dovecot.
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'services.sh'), 'up'], { stdio: 'ignore' });
    await p.cleanup();
  });

  it('reconnects and turns mail that arrives after the restart into cases, each once', async () => {
    const id = testId();
    app = await p.start(['ingest', 'process']);
    const db = await p.db();
    const cases = () => db.collection('cases').countDocuments();
    await p.append([citizenMail(0, `before-${id}@citizens.test`)]);
    await eventually(async () => ((await cases()) === 1 ? true : undefined), 60_000, 'the case of the mail before the crash');

    // services.sh starts Dovecot in a session of its own: its process group is Dovecot.
    const pid = dovecotPid(p);
    process.kill(-pid, 'SIGKILL');
    await eventually(async () => (alive(pid) ? undefined : true), 10_000, 'Dovecot gone');
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'services.sh'), 'up'], { stdio: 'ignore' });
    expect(dovecotPid(p)).to.not.equal(pid);

    await p.append([citizenMail(1, `after-${id}@citizens.test`), citizenMail(2, `after2-${id}@citizens.test`)]);
    await eventually(async () => ((await cases()) === 3 ? true : undefined), 90_000, 'the cases of the mail after the restart');
    expect(app.components.ingestor!.stats.reconnects).to.be.greaterThan(0);
    // Nothing published twice into a second case: still three, a moment later.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await cases()).to.equal(3);
  });
});
