/**
 * `npm run bench -- retention`: the retention sweeper (the deletion mechanism on servers
 * without TTL indexes, FerretDB here) against 200,000 expired cases, and what it does to
 * the e-mail path's arrival-to-case latency, measured in the same run:
 *  1. idle: messages appended at a steady rate, p95 arrival-to-case latency;
 *  2. sweeping: the same while the sweeper deletes the 200,000 cases;
 *  deletion rate = deleted ÷ sweep time. Ends with one JSON line.
 * Sizes: BENCH_EXPIRED (default 200000), BENCH_RATE (20/s), BENCH_IDLE_SECONDS (20).
 */
import type { ChildProcess } from 'node:child_process';
import mongoose from 'mongoose';
import { DEFAULTS } from '../config/index.ts';
import { createTestPipeline } from '../test/support/pipeline.ts';
import { citizenMail } from '../test/support/mail.ts';
import { createRetentionSweeper } from '../lib/retention.ts';
import { silentLogger } from '../lib/logger.ts';
import { appendAtRate, latencies, percentile, startAppProcess, stopAppProcess } from './support.ts';

const EXPIRED = Number(process.env.BENCH_EXPIRED ?? 200_000);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
// FerretDB 1.x answers `expiresAt <= now` and `_id $in [...]` by scanning the collection, so
// each batch costs a scan: larger batches mean fewer scans. 5000 is still a bounded batch.
const SWEEP_BATCH = Number(process.env.BENCH_SWEEP_BATCH ?? 5000);

function expiredCase(i: number, past: Date) {
  // Shaped like a real case (about 1.5 kB), with fictitious contents.
  return {
    _id: `bench-expired-${i}`,
    caseNumber: `KCC-2024-${String(i).padStart(6, '0')}`,
    channel: 'email', status: 'closed',
    classification: { topic: 'digid_wachtwoord', language: 'nl', confidence: 0.8, reasons: ['kw:wachtwoord'] },
    citizen: { name: `Oude Burger ${i}`, street: 'Lindelaan', houseNumber: String(1 + (i % 200)), postcode: '1234AB', city: 'Ergens', email: `oud${i}@citizens.test`, phones: ['+31612345678'] },
    replyAddress: `oud${i}@citizens.test`,
    lookup: { email: [`h${i}`], phone: ['p'], name: [`n${i}`] },
    threadIds: [`old-${i}@citizens.test`],
    messages: [{ dedupeKey: `bench-expired-${i}`, messageId: `old-${i}@citizens.test`, channel: 'email', receivedAt: past, subject: 'Wachtwoord vergeten',
      text: 'Ik ben mijn wachtwoord vergeten en kan niet inloggen. '.repeat(12), writtenByRepresentative: false, attachments: [] }],
    ack: { status: 'sent', attempts: 1 },
    createdAt: past, lastActivityAt: past, closedAt: past, expiresAt: past,
  };
}

export async function run(): Promise<object> {
  console.log(`retention benchmark: ${EXPIRED} expired cases; intake at ${RATE} msg/s, idle ${IDLE_SECONDS} s, then while sweeping`);
  const p = await createTestPipeline({ KCC_LOG_LEVEL: 'warn', KCC_TOPIC_PARTITIONS: DEFAULTS.KCC_TOPIC_PARTITIONS, KCC_SWEEP_INTERVAL_MS: String(24 * 3600_000) });
  let child: ChildProcess | null = null;
  const db = await p.db();
  try {
    // The app alone (ingest + process): the benchmark runs the sweeper itself, to time it.
    child = await startAppProcess(p, 'ingest,process');
    const cases = db.collection('cases');
    const past = new Date(Date.now() - 86_400_000);
    let t = performance.now();
    for (let i = 0; i < EXPIRED; i += 2000) {
      await cases.insertMany(Array.from({ length: Math.min(2000, EXPIRED - i) }, (_, k) => expiredCase(i + k, past)) as never[], { ordered: false });
    }
    console.log(`seeded ${EXPIRED} expired cases in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    let n = 0;
    const compose = (_i: number, id: string) => citizenMail(n++, `lat${n}@citizens.test`, { messageId: id });

    // 1. idle
    const idleSent = await appendAtRate(p.intakeUser, RATE, compose, { max: IDLE_SECONDS * RATE });
    const idle = await latencies(db, idleSent);
    const p95Idle = percentile(idle, 95);
    console.log(`idle: p50 ${percentile(idle, 50)} ms, p95 ${p95Idle} ms over ${idle.length} messages`);

    // 2. while sweeping
    const sweeper = createRetentionSweeper({ db: db.db! as unknown as mongoose.mongo.Db, collections: ['cases'], mode: 'delete', batchSize: SWEEP_BATCH, logger: silentLogger() });
    let sweeping = true;
    t = performance.now();
    const sweep = sweeper.runOnce().finally(() => { sweeping = false; });
    const sweepSent = await appendAtRate(p.intakeUser, RATE, compose, { max: 100_000, until: () => !sweeping });
    const counts = await sweep;
    const sweepS = (performance.now() - t) / 1000;
    const deleted = counts.cases ?? 0;
    const during = await latencies(db, sweepSent);
    const p95Sweeping = percentile(during, 95);
    console.log(`sweeper: ${deleted} deleted in ${sweepS.toFixed(1)} s = ${(deleted / sweepS).toFixed(0)}/s`);
    console.log(`while sweeping: p50 ${percentile(during, 50)} ms, p95 ${p95Sweeping} ms over ${during.length} messages`);
    const result = {
      bench: 'retention', expired: EXPIRED, deleted, batch_size: SWEEP_BATCH, sweep_seconds: Number(sweepS.toFixed(1)),
      deleted_per_s: Number((deleted / sweepS).toFixed(0)), intake_rate_per_s: RATE,
      p95_ms_idle: p95Idle, p95_ms_sweeping: p95Sweeping, ratio: Number((p95Sweeping / p95Idle).toFixed(3)),
      idle_messages: idle.length, sweeping_messages: during.length,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await stopAppProcess(child);
    await p.cleanup();
  }
}
