/** Pieces shared by the pipeline benchmarks: running the app as its own process, feeding
 *  the intake mailbox at a steady rate, and reading arrival-to-case latencies back. */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type mongoose from 'mongoose';
import { REPO_ROOT } from '../config/index.ts';
import type { TestPipeline } from '../test/support/pipeline.ts';
import { imapAs } from '../test/support/env.ts';

/**
 * Starts `app/main.ts` for the pipeline's configuration; resolves when it reported ready.
 * `entry` runs another file with the same IPC instead (bench/process-role.ts: the process
 * role without keeping content, roles fixed).
 */
export async function startAppProcess(p: TestPipeline, roles?: string, entry = 'app/main.ts'): Promise<ChildProcess> {
  const args = entry === 'app/main.ts' && roles ? ['--roles', roles] : [];
  const child = fork(path.join(REPO_ROOT, entry), ['--group', `${p.config.kafka.topicPrefix}.intake`, ...args], {
    env: { ...p.env, KCC_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' }, execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve()); // 'ready'
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
 * Waits until a document with each of `ids` exists in `collection`, walking the ids in
 * order with one `_id` look-up at a time. Deliberately not `{_id: {$in: ids}}` nor a count:
 * FerretDB 1.x pushes neither down, so each poll would read the whole collection and slow
 * the pipeline being measured; an `_id` equality is served by an index.
 */
export async function waitForIds(db: mongoose.Connection, collection: string | string[], ids: readonly string[], timeoutMs: number): Promise<void> {
  const cols = (Array.isArray(collection) ? collection : [collection]).map((c) => db.collection<{ _id: string }>(c));
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < ids.length;) {
    let found = false;
    for (const c of cols) if (await c.findOne({ _id: ids[i]! }, { projection: { _id: 1 } })) { found = true; break; }
    if (found) { i += 1; continue; }
    if (Date.now() > deadline) throw new Error(`only ${i} of ${ids.length} stored within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until every message (by Message-ID, without brackets) is a case; returns each one's
 * case `createdAt` (ms), in the order given. Cases are found through `thread_keys`
 * (Message-ID → case), by `_id`.
 */
export async function caseCreatedTimes(db: mongoose.Connection, messageIds: readonly string[], timeoutMs: number): Promise<number[]> {
  await waitForIds(db, 'thread_keys', messageIds, timeoutMs);
  const keys = db.collection<{ _id: string; caseId: string }>('thread_keys');
  const cases = db.collection<{ _id: string; createdAt: Date }>('cases');
  const out: number[] = [];
  for (const id of messageIds) {
    const k = await keys.findOne({ _id: id });
    const c = k ? await cases.findOne({ _id: k.caseId }, { projection: { createdAt: 1 } }) : null;
    if (!c) throw new Error(`message ${id} has a thread key but no case`);
    out.push(c.createdAt.getTime());
  }
  return out;
}

/**
 * Sorted latencies (case createdAt − append time): the processor stamps createdAt, so how
 * often we poll does not change the figure.
 */
export async function latencies(db: mongoose.Connection, sent: Map<string, number>, timeoutMs = 600_000): Promise<number[]> {
  const ids = [...sent.keys()];
  const created = await caseCreatedTimes(db, ids, timeoutMs);
  return ids.map((id, i) => created[i]! - sent.get(id)!).sort((a, b) => a - b);
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

export interface StageStats {
  ingestor: { published: number; fetchMs: number; publishMs: number; moveMs: number } | null;
  processor: { cases: number; threaded: number; nonCases: number; duplicates: number; deadLettered: number; analyseMs: number; storeMs: number; contentMs: number } | null;
}

/** Asks a pipeline process (app/main.ts) for its counters over IPC. */
export function stageStats(child: ChildProcess, timeoutMs = 5000): Promise<StageStats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', on); reject(new Error('no stats answer')); }, timeoutMs);
    const on = (m: unknown) => {
      if ((m as { type?: string }).type !== 'stats') return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as StageStats);
    };
    child.on('message', on);
    child.send({ type: 'stats' });
  });
}

/**
 * CPU seconds used so far (user + system, from /proc) by process group: the given pipeline
 * processes by name, and the local servers recognised by their command (Linux only).
 */
export function cpuSecondsByGroup(named: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const ticksPerSecond = 100; // USER_HZ on Linux
  let pids: string[] = [];
  try { pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)); } catch { return out; }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
      let group = Object.entries(named).find(([, p]) => p === Number(pid))?.[0];
      if (!group) {
        if (comm === 'java' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka')) group = 'kafka';
        else if (comm.startsWith('ferretdb')) group = 'ferretdb';
        else if (comm === 'postgres') group = 'postgres';
        else if (comm === 'imap' || comm === 'imap-login' || comm.startsWith('dovecot') || comm === 'lmtp') group = 'dovecot';
        else if (Number(pid) === process.pid) group = 'bench';
        else continue;
      }
      out[group] = (out[group] ?? 0) + seconds;
    } catch { /* gone meanwhile */ }
  }
  return out;
}
