/** Pieces shared by the pipeline benchmarks: running the app as its own process, feeding
 *  the intake mailbox at a steady rate, and reading arrival-to-case latencies back. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type mongoose from 'mongoose';
import { REPO_ROOT } from '../config/index.ts';
import type { TestPipeline } from '../test/support/pipeline.ts';
import { imapAs } from '../test/support/env.ts';

/** Starts `app/main.ts` for the pipeline's configuration; resolves when it reported ready. */
export async function startAppProcess(p: TestPipeline, roles?: string): Promise<ChildProcess> {
  const child = fork(path.join(REPO_ROOT, 'app/main.ts'), ['--group', `${p.config.kafka.topicPrefix}.intake`, ...(roles ? ['--roles', roles] : [])], {
    env: { ...p.env, KCC_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`pipeline exited with ${code} before ready`)));
  });
  return child;
}

export async function stopAppProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/**
 * Appends messages at `rate` per second until `until()` says stop (checked before each) or
 * `max` were sent. The Message-ID carries an index; returns id → append time (ms).
 */
export async function appendAtRate(user: string, rate: number, compose: (i: number, messageId: string) => Promise<Buffer> | Buffer,
  opts: { max: number; until?: () => boolean }): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  const client = await imapAs(user);
  const start = Date.now();
  try {
    for (let i = 0; i < opts.max && !(opts.until?.() ?? false); i++) {
      const wait = start + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = `lat-${i}-${randomBytes(4).toString('hex')}@citizens.test`;
      const raw = await compose(i, id);
      sent.set(id, Date.now());
      await client.append('INBOX', raw);
    }
  } finally { await client.logout(); }
  return sent;
}

/**
 * Waits until every sent message is a case, then returns sorted latencies (createdAt −
 * append). Looks cases up through `thread_keys` (by `_id`): a query on `messages.messageId`
 * would make FerretDB scan every case on each poll and slow down what is being measured.
 */
export async function latencies(db: mongoose.Connection, sent: Map<string, number>, timeoutMs = 600_000): Promise<number[]> {
  const ids = [...sent.keys()];
  const deadline = Date.now() + timeoutMs;
  const keys = db.collection<{ _id: string; caseId: string }>('thread_keys');
  let found: Array<{ _id: string; caseId: string }> = [];
  while ((found = await keys.find({ _id: { $in: ids } }).toArray()).length < ids.length) {
    if (Date.now() > deadline) throw new Error(`only ${found.length} of ${ids.length} messages became cases in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const created = new Map<string, Date>();
  for await (const c of db.collection<{ _id: string; createdAt: Date }>('cases').find({ _id: { $in: found.map((k) => k.caseId) } }, { projection: { createdAt: 1 } })) {
    created.set(c._id, c.createdAt);
  }
  const out: number[] = [];
  for (const k of found) {
    const at = created.get(k.caseId);
    if (at) out.push(at.getTime() - sent.get(k._id)!);
  }
  return out.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch { return NaN; }
}
