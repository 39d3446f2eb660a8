/**
 * Every message of the shared real-world corpus (../shared/corpus/mail) goes through the
 * running pipeline: each one becomes a case (or a message on one), is recorded as not a
 * case (auto-reply, bounce, …), or lands on the dead-letter topic with a code and a reason.
 * Nothing is lost and no process crashes.
 */
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../../config/index.ts';
import { createTestPipeline, type TestPipeline } from '../../support/pipeline.ts';
import { eventually, logger } from '../../support/env.ts';
import { createBus } from '../../../lib/kafka/index.ts';
import { decode, DeadLetterV1 } from '../../../lib/contracts.ts';

const CORPUS = path.join(process.env.KCC_SHARED_DIR ?? path.join(REPO_ROOT, '..', 'shared'), 'corpus', 'mail');

describe('shared mail corpus through the pipeline', function () {
  this.timeout(300_000);
  let p: TestPipeline;
  before(async () => { p = await createTestPipeline(); });
  after(async () => { await p.cleanup(); });

  it('makes a case, a non-case record or a dead letter of every message', async () => {
    const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.eml')).sort();
    expect(files.length, 'corpus files found').to.be.greaterThan(100);
    await p.append(await Promise.all(files.map((f) => readFile(path.join(CORPUS, f)))));
    const app = await p.start();
    const db = await p.db();

    const dead: DeadLetterV1[] = [];
    const bus = createBus({ brokers: p.config.kafka.brokers, clientId: 'test-dlq', logger });
    const dlq = await bus.consume({ groupId: `${p.config.kafka.topicPrefix}.dlq-reader`, topics: [app.topics.deadLetter] }, async (r) => {
      dead.push(decode(DeadLetterV1, r.value, 'dead letter'));
    });
    try {
      const total = async () => {
        // Counted in the client: FerretDB 1.x has no $size in $project.
        let messages = 0;
        for await (const c of db.collection('cases').find({}, { projection: { 'messages.dedupeKey': 1 } })) messages += (c.messages as unknown[]).length;
        return messages + (await db.collection('noncases').countDocuments()) + dead.length;
      };
      await eventually(async () => ((await total()) >= files.length ? true : undefined), 240_000, `all ${files.length} corpus messages accounted for`);
      expect(await total()).to.equal(files.length);
      for (const d of dead) {
        expect(d.code).to.match(/^[A-Z]+_[A-Z_]+$/);
        // An unexpected error is a bug of ours, not a property of the message (a NUL in the
        // text once failed the case write on PostgreSQL this way).
        expect(d.code, `${d.sourceRef.kind === 'imap' ? d.sourceRef.uid : ''}: ${d.reason}`).to.not.equal('INTERNAL_UNEXPECTED');
        expect(d.reason.length).to.be.greaterThan(0);
        expect(d.sourceRef.kind).to.equal('imap');
      }
      const stats = app.components.processor!.stats;
      console.log(`      corpus: ${files.length} messages → ${stats.cases} cases, ${stats.threaded} threaded, ${stats.nonCases} non-cases, ${dead.length} dead letters (${[...new Set(dead.map((d) => d.code))].join(', ')})`);
    } finally {
      await dlq.stop();
      await bus.close();
    }
  });
});
