/**
 * The processed folder's retention against the real Dovecot: mail received longer ago than
 * the term is expunged from the processed folder, newer mail and every other folder are
 * left alone, a run after it finds nothing, a server that is away is a retriable error, and
 * the `retention` role records what it expunged in the deletion log.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { createProcessedPurger } from '../../../ingest/imap/purge.ts';
import { TransientError } from '../../../lib/errors.ts';
import { loadConfig } from '../../../config/index.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { eventually, imapAs } from '../../support/env.ts';
import { createTestPipeline, testId } from '../../support/pipeline.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TERM = 3 * DAY;

async function mail(n: number): Promise<Buffer> {
  return new MailComposer({ from: `sender${n}@citizens.test`, to: 'intake@kcc.test', subject: `bericht ${n}`, text: `tekst ${n}` }).compile().build();
}

/** Subjects in `folder`, sorted. */
async function subjects(user: string, folder: string): Promise<string[]> {
  const client = await imapAs(user);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: string[] = [];
      for await (const m of client.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out.sort();
    } catch {
      return []; // an empty folder: FETCH 1:* has nothing to fetch
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** Appends message n to `folder` with the given age (INTERNALDATE), creating the folder. */
async function put(user: string, folder: string, entries: Array<[n: number, ageMs: number]>): Promise<void> {
  const client = await imapAs(user);
  try {
    await client.mailboxCreate(folder).catch(() => undefined); // exists already
    for (const [n, age] of entries) await client.append(folder, await mail(n), [], new Date(Date.now() - age));
  } finally {
    await client.logout();
  }
}

describe('processed folder retention (real Dovecot)', function () {
  this.timeout(60_000);
  const config = loadConfig();
  const imapFor = (user: string) => ({ ...config.imap, user });

  it('expunges processed mail past the term and nothing else', async () => {
    const user = `purge-${testId()}@kcc.test`;
    const deleted: number[] = [];
    const purger = createProcessedPurger({ imap: imapFor(user), processedFolder: 'Processed', termMs: TERM, logger: silentLogger(), batchSize: 2, onDeleted: (n) => deleted.push(n) });

    // No processed folder yet (nothing ever moved): nothing to do, no error.
    expect(await purger.runOnce()).to.equal(0);

    await put(user, 'Processed', [[1, 10 * DAY], [2, 4 * DAY], [3, TERM + HOUR], [4, TERM - HOUR], [5, DAY], [6, HOUR]]);
    await put(user, 'INBOX', [[7, 10 * DAY]]);
    await put(user, 'Archief', [[8, 10 * DAY]]);

    // Three past the term, in two batches of at most two.
    expect(await purger.runOnce()).to.equal(3);
    expect(await subjects(user, 'Processed')).to.deep.equal(['bericht 4', 'bericht 5', 'bericht 6']);
    // The inbox is the ingestor's queue, other folders are not ours: untouched.
    expect(await subjects(user, 'INBOX')).to.deep.equal(['bericht 7']);
    expect(await subjects(user, 'Archief')).to.deep.equal(['bericht 8']);

    // Idempotent: a second run finds nothing.
    expect(await purger.runOnce()).to.equal(0);
    expect(deleted).to.deep.equal([0, 3, 0]);
    // Stopped (the app stopping): no further runs, nothing touched.
    purger.stop();
    const stopped = createProcessedPurger({ imap: imapFor(user), processedFolder: 'Processed', termMs: 0, logger: silentLogger() });
    stopped.stop();
    expect(await stopped.runOnce()).to.equal(0);
    expect(await subjects(user, 'Processed')).to.have.length(3);

    // A day later, message 4 is past the term too.
    const later = createProcessedPurger({ imap: imapFor(user), processedFolder: 'Processed', termMs: TERM, logger: silentLogger(), clock: () => new Date(Date.now() + DAY) });
    expect(await later.runOnce()).to.equal(1);
    expect(await subjects(user, 'Processed')).to.deep.equal(['bericht 5', 'bericht 6']);
  });

  it('purges the refused folder (alsoFolders) with the same term, in the same run', async () => {
    const user = `purge-refused-${testId()}@kcc.test`;
    const deleted: number[] = [];
    const purger = createProcessedPurger({ imap: imapFor(user), processedFolder: 'Processed', alsoFolders: ['Refused'], termMs: TERM, logger: silentLogger(), onDeleted: (n) => deleted.push(n) });
    // A refused folder without a processed one (every message so far was refused): still purged.
    await put(user, 'Refused', [[1, 4 * DAY], [2, HOUR]]);
    expect(await purger.runOnce()).to.equal(1);
    await put(user, 'Processed', [[3, 4 * DAY], [4, HOUR]]);
    await put(user, 'Refused', [[5, 5 * DAY]]);
    expect(await purger.runOnce()).to.equal(2);
    expect(deleted).to.deep.equal([1, 2]);
    expect(await subjects(user, 'Refused')).to.deep.equal(['bericht 2']);
    expect(await subjects(user, 'Processed')).to.deep.equal(['bericht 4']);
  });

  it('stopped mid-run, ends after the batch in progress and reports exactly what it expunged', async () => {
    const user = `purge-stop-${testId()}@kcc.test`;
    await put(user, 'Processed', Array.from({ length: 120 }, (_, i): [number, number] => [i, DAY]));
    const deleted: number[] = [];
    const purger = createProcessedPurger({ imap: imapFor(user), processedFolder: 'Processed', termMs: HOUR, logger: silentLogger(), batchSize: 1, onDeleted: (n) => deleted.push(n) });
    const run = purger.runOnce().then((n) => ({ n }), (err: unknown) => ({ err }));
    await new Promise((r) => setTimeout(r, 50)); // well before 120 single-message batches end (each takes three round trips)
    purger.stop();
    const outcome = await run;
    expect(deleted).to.have.length(1);
    // The pass ends after the batch in progress: it resolves, and the count reported is the count gone.
    expect(outcome).to.deep.equal({ n: deleted[0] });
    expect(120 - (await subjects(user, 'Processed')).length).to.equal(deleted[0]);
    expect(deleted[0]).to.be.below(120);
  });

  it('reports a server that is away as a retriable error, and nothing as deleted', async () => {
    const deleted: number[] = [];
    // Port 1 (tcpmux): nothing listens there on this machine or in CI.
    const purger = createProcessedPurger({
      imap: { ...imapFor('nobody@kcc.test'), port: 1 }, processedFolder: 'Processed', termMs: TERM, logger: silentLogger(), onDeleted: (n) => deleted.push(n),
    });
    const err = await purger.runOnce().then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(TransientError);
    expect((err as TransientError).code).to.equal('IMAP_PURGE_FAILED');
    expect(deleted).to.deep.equal([0]);
  });

  it('runs in the retention role, which records the count in the deletion log', async () => {
    const p = await createTestPipeline();
    try {
      await put(p.intakeUser, 'Processed', [[1, 5 * DAY], [2, 4 * DAY], [3, HOUR]]);
      await p.start(['retention']);
      const db = await p.db();
      const link = await eventually(async () => (await db.collection('deletion_log').findOne({ 'counts.collectionName': 'imap_processed' })) ?? undefined, 30_000, 'the deletion log entry');
      expect(link.kind).to.equal('retention');
      expect(link.counts).to.deep.include({ collectionName: 'imap_processed', count: 2 });
      expect(await subjects(p.intakeUser, 'Processed')).to.deep.equal(['bericht 3']);
    } finally {
      await p.cleanup();
    }
  });
});
