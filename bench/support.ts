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

/** Waits until every sent message is a case, then returns sorted latencies (createdAt − append). */
export async function latencies(db: mongoose.Connection, sent: Map<string, number>, timeoutMs = 300_000): Promise<number[]> {
  const ids = [...sent.keys()];
  const deadline = Date.now() + timeoutMs;
  while ((await db.collection('cases').countDocuments({ 'messages.messageId': { $in: ids } })) < ids.length) {
    if (Date.now() > deadline) throw new Error('messages did not all become cases in time');
    await new Promise((r) => setTimeout(r, 200));
  }
  const out: number[] = [];
  for await (const c of db.collection('cases').find({ 'messages.messageId': { $in: ids } }, { projection: { createdAt: 1, 'messages.messageId': 1 } })) {
    const at = sent.get(c.messages[0].messageId as string);
    if (at !== undefined) out.push((c.createdAt as Date).getTime() - at);
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
