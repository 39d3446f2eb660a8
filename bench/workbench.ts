/**
 * `npm run bench -- workbench`: the agents' workbench against 18 months of a busy KCC.
 *
 *  1. seed: BENCH_CASES (default 200,000) cases over the last 18 months in the bench's own
 *     database (`kcc_bench_workbench`, never the app's `kcc`), in the stored form the
 *     pipeline writes (cases through newCaseDocument() and the stored-form check, their
 *     work items, message and thread keys, case numbers; contact details fictitious, BSNs
 *     sealed, look-ups keyed hashes), BENCH_OPEN (default 3,000) of them open: first line
 *     open, waiting for the citizen, escalated to second line, second line open again. The
 *     database is reused when its seed marker matches; BENCH_RESEED=1 drops and seeds again;
 *  2. the app as it runs in production, one process per role: `workbench` (signing in at
 *     the local identity provider, scripts/idp.ts) and `ingest,process`;
 *  3. server latency, p50/p95, of the queue page and the case page (case numbers varied:
 *     80 % open cases, 20 % from the history), measured from a second process (autocannon,
 *     bench/load/http-load.ts) with a first-line agent's session cookie, at a fixed rate;
 *  4. arrival-to-queue while mail flows at 20 messages/s through the real path (IMAP APPEND
 *     into the intake mailbox, the ingestor, Kafka, the intake processor): arrival = the
 *     moment the message is handed to Dovecot; the workbench's queue API is polled (as the
 *     first-line agent, from just before the arrival) for each case's appearance, so a
 *     FerretDB snapshot's staleness (processors/cases/queue-snapshot.ts) is in the figure;
 *     the queue page is loaded meanwhile too.
 * Rates: the queue page at BENCH_QUEUE_RPS (2/s: about 30 agents with the queue open, whose
 * page asks for its counts every 15 s, which costs what the page costs), the case page at
 * BENCH_CASE_RPS (10/s), each over BENCH_CONNECTIONS (2); fixed rates below the server's
 * capacity, so that the figures are service times, not queueing (the JSON has the rates).
 * Ends with one JSON line. Sizes: BENCH_CASES, BENCH_OPEN, BENCH_SECONDS (15 per page),
 * BENCH_MAIL_SECONDS (30), BENCH_MAIL_RATE (20); BENCH_PROFILE_DIR writes the role processes' CPU profiles.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig, REPO_ROOT, type Config } from '../config/index.ts';
import { createFieldCipher, createKeyedHasher, type FieldCipher, type KeyedHasher } from '../lib/crypto.ts';
import { detectServer } from '../lib/retention.ts';
import { createCaseStore, newCaseDocument, storedCase, caseExpiry, type IntakeMessage } from '../processors/cases/index.ts';
import { workItemOf } from '../processors/cases/work.ts';
import type { CaseDoc } from '../processors/cases/model.ts';
import { imapAs, mongoUrlFor } from '../test/support/env.ts';
import { citizenMail } from '../test/support/mail.ts';
import { signIn } from '../test/support/workbench.ts';
import { prng } from '../test/support/letters/render.ts';
import { testId } from '../test/support/pipeline.ts';
import { percentile } from './support.ts';
import type { LoadJob, LoadResult } from './load/http-load.ts';

const DB_NAME = 'kcc_bench_workbench';
const CASES = Number(process.env.BENCH_CASES ?? 200_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 3000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const QUEUE_RPS = Number(process.env.BENCH_QUEUE_RPS ?? 2);
const CASE_RPS = Number(process.env.BENCH_CASE_RPS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2);
const MAIL_SECONDS = Number(process.env.BENCH_MAIL_SECONDS ?? 30);
const MAIL_RATE = Number(process.env.BENCH_MAIL_RATE ?? 20);
const BATCH = 1000;
/** Bumped when the seeded form changes, so an old seed is not reused. */
const SEED_VERSION = 2; // 2: cases carry citizenKeys/bsnKey (related cases by top-level equality)
const DAY = 86_400_000;
const HISTORY_DAYS = 548; // 18 months, the register's general term

// Weights: roughly the KCC's mix (DigiD questions dominate).
const TOPIC_WEIGHTS: Record<string, number> = {
  digid_aanvragen: 14, digid_activeren: 16, digid_app: 12, digid_wachtwoord: 15, digid_machtigen: 7,
  mijnoverheid_berichtenbox: 10, mijnoverheid_overig: 6, eherkenning: 6, pkioverheid: 2, digipoort: 2,
  privacy_verzoek: 2, klacht: 3, overig: 5,
};
const SUBJECTS: Record<string, string> = {
  digid_aanvragen: 'DigiD aanvragen lukt niet', digid_activeren: 'Activeringscode niet ontvangen', digid_app: 'DigiD app werkt niet',
  digid_wachtwoord: 'Wachtwoord vergeten', digid_machtigen: 'Machtiging intrekken', mijnoverheid_berichtenbox: 'Geen meldingen Berichtenbox',
  mijnoverheid_overig: 'Gegevens in MijnOverheid kloppen niet', eherkenning: 'Welk niveau eHerkenning?', pkioverheid: 'PKIoverheid certificaat verlengen',
  digipoort: 'Digipoort foutmelding', privacy_verzoek: 'Inzageverzoek AVG', klacht: 'Klacht over wachttijd', overig: 'Vraag',
};
const FIRST = ['Anna', 'Jan', 'Fatima', 'Pieter', 'Sanne', 'Mohamed', 'Els', 'Kees', 'Noor', 'Willem', 'Lotte', 'Yusuf', 'Marieke', 'Daan', 'Ingrid', 'Bram'];
const LAST = ['de Vries', 'Jansen', 'El Amrani', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'de Jong', 'Yilmaz', 'Mulder', 'van Dijk', 'Bos', 'Vermeulen', 'Peters'];
const STREETS = ['Kerkstraat', 'Dorpsstraat', 'Lindelaan', 'Stationsweg', 'Molenweg', 'Schoolstraat'];
const CITIES = ['Utrecht', 'Amersfoort', 'Zwolle', 'Leiden', 'Tilburg', 'Groningen', 'Arnhem'];

type Seeded = 'closed' | 'open1' | 'waiting1' | 'escalated2' | 'open2';

interface SeedMarker { _id: 'seed'; version: number; cases: number; open: number; numbers: Record<string, number>; seconds: number; at: Date }

function weighted(rnd: () => number): string {
  const total = Object.values(TOPIC_WEIGHTS).reduce((a, b) => a + b, 0);
  let x = rnd() * total;
  for (const [t, w] of Object.entries(TOPIC_WEIGHTS)) { x -= w; if (x < 0) return t; }
  return 'overig';
}

/** A valid (elfproef) fictitious BSN from a number. */
function bsnFrom(n: number): string {
  for (let k = 0; ; k++) {
    const d = String(100_000_000 + ((n * 7919 + k) % 800_000_000)).slice(0, 9).split('').map(Number);
    const sum = d.slice(0, 8).reduce((s, x, i) => s + x * (9 - i), 0) - d[8]!;
    if (sum % 11 === 0) return d.join('');
  }
}

/** Which seeded cases are open, and how: drawn from recent windows (open work is recent). */
function openStates(n: number, open: number, rnd: () => number): Map<number, Seeded> {
  const perDay = n / HISTORY_DAYS;
  const states = new Map<number, Seeded>();
  const plan: Array<[Seeded, number, number]> = [
    ['open1', Math.round(open * 0.55), 14], ['waiting1', Math.round(open * 0.25), 30],
    ['escalated2', Math.round(open * 0.17), 90], ['open2', 0, 60],
  ];
  plan[3]![1] = open - plan[0]![1] - plan[1]![1] - plan[2]![1];
  for (const [state, count, days] of plan) {
    // A small trial run (BENCH_CASES of a few thousand) widens the window.
    const from = Math.max(0, n - Math.max(Math.ceil(perDay * days), 4 * (states.size + count)));
    if (n - from - states.size < count) throw new Error(`BENCH_OPEN ${open} is too many for ${n} cases`);
    for (let placed = 0; placed < count;) {
      const i = from + Math.floor(rnd() * (n - from));
      if (states.has(i)) continue;
      states.set(i, state);
      placed += 1;
    }
  }
  return states;
}

interface SeedDeps { cipher: FieldCipher; hasher: KeyedHasher; now: Date }

/** One seeded case in the pipeline's stored form, with its keys and work item. */
function seededCase(i: number, number: string, createdAt: Date, state: Seeded, rnd: () => number, d: SeedDeps) {
  const topic = weighted(rnd);
  const english = rnd() < 0.12;
  const letter = rnd() < 0.07;
  const name = `${FIRST[Math.floor(rnd() * FIRST.length)]} ${LAST[Math.floor(rnd() * LAST.length)]}`;
  const email = letter ? null : `burger${i}@citizens.test`;
  const phone = `06${String(10_000_000 + ((i * 7717) % 89_999_999)).padStart(8, '0')}`;
  const messageId = letter ? null : `seed-${i}@citizens.test`;
  const dedupeKey = createHash('sha256').update(`${messageId ?? `letter-${i}`}\0${i}`).digest('hex');
  const subject = SUBJECTS[topic]!;
  const text = `${english ? 'Dear Sir or Madam' : 'Geachte heer/mevrouw'},\n\n${subject}. ${english ? 'I tried several times this week and it still does not work. Could you please help me with this?' : 'Ik heb het deze week een paar keer geprobeerd en het lukt nog steeds niet. Kunt u mij hiermee helpen?'} ${english ? 'My BSN is [BSN].' : 'Mijn BSN is [BSN].'}\n\n${english ? 'Kind regards' : 'Met vriendelijke groet'},\n${name}\n${STREETS[i % STREETS.length]} ${1 + (i % 140)}\n${1000 + (i % 8999)} AB ${CITIES[i % CITIES.length]}\n${phone}`;
  const hasBsn = rnd() < 0.05;
  const m: IntakeMessage = {
    dedupeKey, channel: letter ? 'letter' : 'email', messageId, inReplyTo: null, references: [], receivedAt: createdAt, subject, text,
    source: letter ? { kind: 'letter' } : { kind: 'imap', mailbox: 'INBOX', uidValidity: '1', uid: i + 1 },
    attachments: [], replyAddress: email,
    citizen: { name, street: STREETS[i % STREETS.length]!, houseNumber: String(1 + (i % 140)), postcode: `${1000 + (i % 8999)}AB`, city: CITIES[i % CITIES.length]!, country: null, email, phones: [phone] },
    bsn: hasBsn ? bsnFrom(i) : null, representative: null,
    classification: { topic, language: english ? 'en' : 'nl', confidence: Number((0.55 + rnd() * 0.45).toFixed(2)), reasons: [`kw:${topic.replace(/_/g, '-')}`] },
    wantsAcknowledgment: !letter, truncated: null,
  };
  const c = newCaseDocument(m, number, createdAt, d) as unknown as CaseDoc & Record<string, unknown>;
  const agent = { id: `agent${1 + (i % 40)}@kcc.test`, role: 'first_line' };
  const at = (ms: number) => new Date(Math.min(d.now.getTime() - 60_000, createdAt.getTime() + ms));
  const journal = [...(c.journal ?? [])];
  const entry = (when: Date, action: string, extra: Record<string, unknown> = {}) => {
    journal.push({ at: when, version: journal.length, actor: agent, action, ...extra } as never);
  };
  if (c.ack.status === 'pending') { c.ack = { status: 'sent', attempts: 1, messageId: `ack-${dedupeKey.slice(0, 16)}@kcc.test`, sentAt: at(30_000) }; c.ackDue = false; }
  const reply = (when: Date) => ({
    id: createHash('sha256').update(`${dedupeKey}\0reply`).digest('hex').slice(0, 32), at: when, actor: agent,
    ...(letter ? { channel: 'letter', text: 'Geachte heer/mevrouw, ...', status: 'posted', sentAt: when }
      : { channel: 'email', to: email!, subject: `Re: ${subject} [${number}]`, text: 'Geachte heer/mevrouw, dank voor uw vraag. ...', status: 'sent', attempts: 1, sentAt: when, messageId: `reply-${dedupeKey.slice(0, 16)}@kcc.test` }),
  });
  const claimAt = at(DAY * (0.2 + rnd()));
  if (state === 'closed') {
    const outcomeRoll = rnd();
    const outcome = outcomeRoll < 0.8 ? 'answered' : outcomeRoll < 0.9 ? 'referred' : 'no_answer_needed';
    const escalated = rnd() < 0.05;
    entry(claimAt, 'claimed');
    if (escalated) { const e = at(DAY * 2); entry(e, 'escalated', { reason: 'Doorzetten naar tweede lijn' }); c.escalatedAt = e; c.line = 'second'; }
    const closedAt = at(DAY * (2 + rnd() * 8));
    if (outcome === 'answered') { entry(closedAt, 'replied', { detail: ['reply'] }); c.replies = [reply(closedAt) as never]; }
    entry(closedAt, 'closed', { detail: [outcome] });
    Object.assign(c, { status: 'closed', outcome, closedAt, lastActivityAt: closedAt, expiresAt: caseExpiry(closedAt) });
    if (!escalated) { delete c.bsnSealed; delete (c.lookup as { bsn?: string }).bsn; delete (c as { bsnKey?: string }).bsnKey; }
  } else {
    if (rnd() < 0.35 || state !== 'open1') { entry(claimAt, 'claimed'); c.assignee = { id: agent.id, at: claimAt }; }
    if (state === 'waiting1') {
      const r = at(DAY * (1 + rnd() * 2));
      entry(r, 'replied', { detail: ['reply'] }); c.replies = [reply(r) as never]; c.status = 'waiting'; c.lastActivityAt = r; c.expiresAt = caseExpiry(r);
    }
    if (state === 'escalated2' || state === 'open2') {
      const e = at(DAY * (1 + rnd() * 3));
      entry(e, 'escalated', { reason: 'Identiteit en BSN nodig' }); c.escalatedAt = e; c.line = 'second'; c.status = 'escalated'; c.lastActivityAt = e; c.expiresAt = caseExpiry(e);
      c.assignee = { id: `second${1 + (i % 8)}@kcc.test`, at: e };
    }
    if (state === 'open2' || (state === 'open1' && rnd() < 0.1)) {
      // The citizen wrote again: a second message, the case open on its line.
      const again = at(DAY * (2 + rnd() * 3));
      const key2 = createHash('sha256').update(`${dedupeKey}\0again`).digest('hex');
      c.messages = [...c.messages, { ...c.messages[0]!, dedupeKey: key2, messageId: messageId ? `seed-${i}-2@citizens.test` : undefined, receivedAt: again, subject: `Re: ${subject} [${number}]` } as never];
      if (messageId) c.threadIds = [...c.threadIds, `seed-${i}-2@citizens.test`];
      journal.push({ at: again, version: journal.length, actor: { id: 'system', role: 'system' }, action: 'message_received' } as never);
      c.citizenWroteAgainAt = again; c.status = 'open'; c.lastActivityAt = again; c.expiresAt = caseExpiry(again);
    }
  }
  c.journal = journal;
  c.version = journal.length - 1;
  c.eventsPublished = c.version;
  c.eventsDue = false;
  const formed = storedCase(c as unknown as Record<string, unknown>);
  if ('problem' in formed) throw new Error(`seeded case ${i} is not in the stored form: ${formed.problem}`);
  const doc = formed.doc as unknown as CaseDoc;
  const keys = doc.messages.map((x) => ({ _id: x.dedupeKey, caseId: dedupeKey, expiresAt: doc.expiresAt }));
  const threads = doc.threadIds.map((t) => ({ _id: t, caseId: dedupeKey, expiresAt: doc.expiresAt }));
  return { doc, keys, threads, work: workItemOf(doc) };
}

async function seed(db: mongoose.mongo.Db, d: SeedDeps): Promise<SeedMarker> {
  const rnd = prng(20261202);
  const states = openStates(CASES, OPEN, rnd);
  const start = d.now.getTime() - HISTORY_DAYS * DAY;
  const numbers: Record<string, number> = {};
  const col = (n: string) => db.collection(n);
  const t0 = performance.now();
  for (let i = 0; i < CASES; i += BATCH) {
    const cases: object[] = []; const keys: object[] = []; const threads: object[] = []; const work: object[] = []; const nums: object[] = [];
    for (let k = i; k < Math.min(CASES, i + BATCH); k++) {
      // Spread evenly over the 18 months, working hours, a little jitter.
      const createdAt = new Date(start + (k / CASES) * HISTORY_DAYS * DAY + Math.floor(rnd() * 3_600_000));
      const year = createdAt.getUTCFullYear();
      numbers[year] = (numbers[year] ?? 0) + 1;
      const number = `KCC-${year}-${String(numbers[year]).padStart(6, '0')}`;
      const s = seededCase(k, number, createdAt, states.get(k) ?? 'closed', rnd, d);
      cases.push(s.doc); keys.push(...s.keys); threads.push(...s.threads); nums.push({ _id: number, at: createdAt });
      if (s.work) work.push(s.work);
    }
    await Promise.all([
      col('cases').insertMany(cases as never[], { ordered: false }),
      col('message_keys').insertMany(keys as never[], { ordered: false }),
      threads.length ? col('thread_keys').insertMany(threads as never[], { ordered: false }) : null,
      col('case_numbers').insertMany(nums as never[], { ordered: false }),
      work.length ? col('work_items').insertMany(work as never[], { ordered: false }) : null,
    ]);
    if ((i / BATCH) % 20 === 0) process.stdout.write(`  seeded ${i + cases.length} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  const marker: SeedMarker = { _id: 'seed', version: SEED_VERSION, cases: CASES, open: OPEN, numbers, seconds, at: new Date() };
  await col('bench_seed').insertOne(marker as never);
  return marker;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

function startRoles(env: Record<string, string>, roles: string, group: string): Promise<ChildProcess> {
  const child = fork(path.join(REPO_ROOT, 'app/main.ts'), ['--group', group, '--roles', roles], {
    env: { ...env, KCC_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    // BENCH_PROFILE_DIR: each role process writes a V8 CPU profile there when it stops (where a page's time goes).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`] : [])], stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  // The workbench prints its address and the demo sign-ins on stderr: only warnings pass.
  child.stderr!.on('data', (b: Buffer) => { const s = b.toString(); if (!/KCC-werkplek|demo sign-ins|^\s*$/.test(s)) process.stderr.write(s); });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${roles} exited with ${code} before ready`)));
  });
}

async function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Runs one load job in its own process (bench/load/http-load.ts). */
function load(job: LoadJob): Promise<LoadResult> {
  const child = fork(path.join(REPO_ROOT, 'bench/load/http-load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`load generator exited with ${code}`)); });
    child.send(job);
  });
}

function summary(name: string, r: LoadResult) {
  const t = [...r.times].sort((a, b) => a - b);
  const ok = r.statuses['200'] ?? 0;
  const out = { p50: percentile(t, 50), p95: percentile(t, 95), p99: percentile(t, 99), max: t.at(-1) ?? NaN, requests: t.length, ok, per_s: Number((t.length / r.seconds).toFixed(1)), errors: r.errors + r.timeouts };
  console.log(`${name}: p50 ${out.p50} ms, p95 ${out.p95} ms, p99 ${out.p99} ms, max ${out.max} ms over ${out.requests} requests (${ok} × 200; ${JSON.stringify(r.statuses)}; errors ${out.errors}) at ${out.per_s}/s`);
  if (ok !== t.length || out.errors > 0) throw new Error(`${name}: not every request answered 200 (${JSON.stringify(r.statuses)}, errors ${out.errors})`);
  return out;
}

/** FerretDB's (or MongoDB's) plan for a query, shortened to what it pushes down. */
async function explainOf(db: mongoose.mongo.Db, command: Record<string, unknown>): Promise<Record<string, unknown>> {
  const e = await db.command({ explain: command, verbosity: 'queryPlanner' }) as Record<string, unknown>;
  const qp = e.queryPlanner as Record<string, unknown> | undefined;
  const out: Record<string, unknown> = {};
  for (const k of ['filterPushdown', 'pushdown', 'sortingPushdown', 'sortPushdown', 'limitPushdown', 'unsafeFilterPushdown', 'unsafeSortPushdown']) if (k in e) out[k] = e[k];
  if (qp) {
    const plan = (Array.isArray(qp) ? qp[0] : qp) as Record<string, unknown>;
    const pg = (plan.Plan ?? plan.winningPlan) as Record<string, unknown> | undefined;
    const walk = (p: Record<string, unknown> | undefined, depth = 0): string[] => {
      if (!p || depth > 6) return [];
      const label = [p['Node Type'] ?? p.stage, p['Index Name'] ?? p.indexName, p['Filter'] ?? p['Index Cond'] ?? '', p['Sort Key'] ? `sort ${JSON.stringify(p['Sort Key'])}` : ''].filter(Boolean).join(' ');
      const kids = (p.Plans ?? (p.inputStage ? [p.inputStage] : [])) as Array<Record<string, unknown>>;
      return [label, ...kids.flatMap((k) => walk(k, depth + 1))];
    };
    out.plan = walk(pg);
  }
  return out;
}

export async function run(): Promise<object> {
  const base: Config = loadConfig();
  // The machine is shared: other work's load is part of every figure, so it is reported.
  const loadStart = Number(loadavg()[0]!.toFixed(1));
  const id = testId();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KCC_MONGO_URL: mongoUrlFor(DB_NAME),
    KCC_TOPIC_PREFIX: `bench.wb.${id}`,
    KCC_IMAP_USER: `intake-wbbench-${id}@kcc.test`,
    KCC_MAIL_FROM: `KCC Logius <intake-wbbench-${id}@kcc.test>`,
    KCC_WORKBENCH_PORT: String(await freePort()),
    KCC_WORKBENCH_DEMO: 'false',
  };
  const config = loadConfig(env);
  if (!config.mongoUrl.includes(`/${DB_NAME}`)) throw new Error('the benchmark must use its own database');
  console.log(`workbench benchmark: ${CASES} cases (${OPEN} open) in ${DB_NAME}; queue page ${QUEUE_RPS}/s, case page ${CASE_RPS}/s, ${SECONDS} s each over ${CONNECTIONS} connections; mail ${MAIL_SECONDS} s at ${MAIL_RATE}/s`);
  const conn = await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 24 }).asPromise();
  const db = conn.db!;
  const server = await detectServer(db);
  const serverName = server.flavour === 'ferretdb' ? `ferretdb-${server.version.replace(/^v/, '').split('.').slice(0, 2).join('.')}` : `mongodb-${server.version}`;
  const cipher = createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' });
  const hasher = createKeyedHasher(config.keys.hmac);
  const children: ChildProcess[] = [];
  const flowCaseIds: string[] = [];
  try {
    // 1. Seed, or reuse a matching seed (deliberately: seeding costs minutes).
    let marker = await db.collection<SeedMarker>('bench_seed').findOne({ _id: 'seed' });
    let seedS: number | null = null;
    if (process.env.BENCH_RESEED === '1' || !marker || marker.version !== SEED_VERSION || marker.cases !== CASES || marker.open !== OPEN) {
      console.log(marker ? 'seed marker does not match: dropping the bench database and seeding again' : 'no seed yet: seeding');
      await db.dropDatabase();
      const store = createCaseStore(conn, { cipher, hasher });
      await store.ensureIndexes(); // the indexes first, as a running system has them while it fills
      marker = await seed(db, { cipher, hasher, now: new Date() });
      seedS = marker.seconds;
      console.log(`seeded ${CASES} cases in ${seedS} s (${(CASES / seedS).toFixed(0)} cases/s, with their keys, numbers and work items)`);
    } else {
      console.log(`reusing the seed of ${marker.at.toISOString()} (seeded in ${marker.seconds} s)`);
    }
    const openCount = await db.collection('work_items').countDocuments({});
    // 2. The app, one process per role.
    children.push(await startRoles(env, 'workbench', `${config.kafka.topicPrefix}.intake`));
    children.push(await startRoles(env, 'ingest,process', `${config.kafka.topicPrefix}.intake`));
    const url = `http://127.0.0.1:${env.KCC_WORKBENCH_PORT}`;
    const agent = await signIn(url, 'eerstelijn');
    const cookie = agent.cookieHeader();

    // Case numbers for the case page: 80 % open work, 20 % from the whole history; only
    // cases the first-line agent may open (its line: a second-line case is a 403 for it).
    const open = (await db.collection<{ caseNumber: string }>('work_items').find({ line: 'first' }, { projection: { caseNumber: 1 } }).toArray()).map((w) => w.caseNumber);
    const rnd = prng(7);
    const years = Object.entries(marker.numbers);
    const history: string[] = [];
    for (let tries = 0; history.length < 500 && tries < 5000; tries++) {
      const [year, n] = years[Math.floor(rnd() * years.length)]!;
      const number = `KCC-${year}-${String(1 + Math.floor(rnd() * n)).padStart(6, '0')}`;
      const c = await db.collection<{ line?: string }>('cases').findOne({ caseNumber: number }, { projection: { line: 1 } });
      if (c && (c.line ?? 'first') === 'first') history.push(number);
    }
    const casePaths: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const from = rnd() < 0.8 ? open : history;
      casePaths.push(`/zaken/${from[Math.floor(rnd() * from.length)]}`);
    }

    // The plans of the queries behind the pages.
    const queueFilter = { line: 'first', status: { $in: ['open', 'waiting', 'escalated'] } };
    const explain = {
      queue_find: await explainOf(db, { find: 'work_items', filter: queueFilter, sort: { waitingSince: 1, _id: 1 }, limit: 51 }),
      queue_counts: await explainOf(db, { aggregate: 'work_items', pipeline: [{ $match: queueFilter }, { $group: { _id: '$topic', n: { $sum: 1 } } }], cursor: {} }),
      case_by_number: await explainOf(db, { find: 'cases', filter: { caseNumber: open[0] }, projection: { _id: 1 }, limit: 1 }),
      case_by_id: await explainOf(db, { find: 'cases', filter: { _id: 'x' }, limit: 1 }),
      queue_on_cases_for_comparison: await explainOf(db, { find: 'cases', filter: { line: 'first', status: { $in: ['open', 'waiting', 'escalated'] } }, sort: { waitingSince: 1, _id: 1 }, limit: 51 }),
    };
    console.log(`explain: ${JSON.stringify(explain, null, 1)}`);
    // The queue query straight on the server, no HTTP: what the database part costs.
    const t = performance.now();
    const direct: number[] = [];
    for (let k = 0; k < 7; k++) {
      const s = performance.now();
      await db.collection('work_items').find(queueFilter).sort({ waitingSince: 1, _id: 1 }).limit(51).toArray();
      direct.push(performance.now() - s);
    }
    direct.sort((a, b) => a - b);
    console.log(`queue find on work_items directly: p50 ${direct[3]!.toFixed(1)} ms (7 in ${(performance.now() - t).toFixed(0)} ms)`);

    // 3. Page latency from a second process; a short warm-up first (JIT, pools, plans).
    const job = (paths: string[], rate: number, seconds = SECONDS): LoadJob => ({ url, cookie, paths, seconds, rate, connections: CONNECTIONS });
    await load(job(['/', casePaths[0]!], 2, 3));
    const queue = summary('queue page', await load(job(['/'], QUEUE_RPS)));
    const casePage = summary('case page', await load(job(casePaths, CASE_RPS)));

    // 4. Arrival-to-queue while mail flows at MAIL_RATE/s, with the queue page loaded meanwhile.
    const threadKeys = db.collection<{ _id: string; caseId: string }>('thread_keys');
    const imap = await imapAs(config.imap.user);
    const sent: Array<{ id: string; at: number; caseId?: string; caseNumber?: string; seen?: number }> = [];
    const caseNumberOf = async (caseId: string) => (await db.collection<{ _id: string; caseNumber: string }>('cases').findOne({ _id: caseId }, { projection: { caseNumber: 1 } }))?.caseNumber;
    // "In the queue" is what an agent's queue shows: the workbench's own queue API, the case
    // numbers waiting since just before `since` (its keyset cursor, as the pages make it: the
    // snapshot's staleness on FerretDB is in the figure), following the pages to the end.
    const inQueue = async (since: number): Promise<Set<string>> => {
      const seen = new Set<string>();
      let after: string | null = Buffer.from(`${new Date(since - 10_000).toISOString()}|`, 'utf8').toString('base64url');
      for (let pages = 0; after && pages < 20; pages++) {
        const res = await fetch(`${url}/api/v1/queue?limit=200&after=${after}`, { headers: { cookie, accept: 'application/json' } });
        if (!res.ok) throw new Error(`the queue API answered ${res.status}`);
        const body = await res.json() as { items: Array<{ caseNumber: string }>; next: string | null };
        for (const i of body.items) seen.add(i.caseNumber);
        after = body.next;
      }
      return seen;
    };
    let n = 0;
    const compose = (mid: string) => citizenMail(n++, `flow${n}@citizens.test`, { messageId: mid });
    // The first new case after start reads the highest case number issued (a scan of case_numbers on FerretDB): once per process.
    const firstId = `wb-first-${id}@citizens.test`;
    const first = { id: firstId, at: Date.now() } as (typeof sent)[number];
    await imap.append('INBOX', compose(firstId));
    for (;;) {
      const k = first.caseId ? null : await threadKeys.findOne({ _id: firstId });
      if (k) { first.caseId = k.caseId; first.caseNumber = await caseNumberOf(k.caseId); }
      if (first.caseNumber && (await inQueue(first.at)).has(first.caseNumber)) { first.seen = Date.now(); break; }
      if (Date.now() - first.at > 120_000) throw new Error('the first message did not reach the queue in 2 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
    flowCaseIds.push(first.caseId!);
    console.log(`first case after start: in the queue ${first.seen! - first.at} ms after its arrival`);
    let sending = true;
    const queueDuring = load(job(['/'], 1, MAIL_SECONDS));
    const sender = (async () => {
      const t0 = Date.now();
      for (let i = 0; i < MAIL_SECONDS * MAIL_RATE; i++) {
        const wait = t0 + (i * 1000) / MAIL_RATE - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const mid = `wb-${i}-${id}@citizens.test`;
        const raw = compose(mid);
        sent.push({ id: mid, at: Date.now() });
        await imap.append('INBOX', raw);
      }
      sending = false;
    })();
    // The poller: every 100 ms, the oldest outstanding messages (at most 20): their case
    // numbers by `_id` (thread key, then case), then one walk of the queue API from the oldest.
    const deadline = Date.now() + (MAIL_SECONDS + 300) * 1000;
    for (;;) {
      const outstanding = sent.filter((s) => s.seen === undefined).slice(0, 20);
      if (!sending && outstanding.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${sent.filter((s) => s.seen === undefined).length} messages never reached the queue`);
      await Promise.all(outstanding.map(async (s) => {
        if (!s.caseId) s.caseId = (await threadKeys.findOne({ _id: s.id }))?.caseId;
        if (s.caseId && !s.caseNumber) s.caseNumber = await caseNumberOf(s.caseId);
      }));
      const known = outstanding.filter((s) => s.caseNumber);
      if (known.length) {
        const shown = await inQueue(known[0]!.at);
        const t = Date.now();
        for (const s of known) if (shown.has(s.caseNumber!)) s.seen = t;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await sender;
    await imap.logout();
    const queueMail = summary('queue page while mail flows', await queueDuring);
    flowCaseIds.push(...sent.map((s) => s.caseId!));
    const arrival = sent.map((s) => s.seen! - s.at).sort((a, b) => a - b);
    // The processor stamps createdAt on the case: arrival-to-case without the poll's resolution.
    // One `_id` look-up each: FerretDB 1.x would answer `$in` by reading every case.
    const created = new Map<string, number>();
    for (const s of sent) {
      const c = await db.collection<{ _id: string; createdAt: Date }>('cases').findOne({ _id: s.caseId! }, { projection: { createdAt: 1 } });
      if (c) created.set(c._id, c.createdAt.getTime());
    }
    const stamped = sent.map((s) => created.get(s.caseId!)! - s.at).sort((a, b) => a - b);
    console.log(`arrival to queue at ${MAIL_RATE}/s over ${arrival.length} messages: p50 ${percentile(arrival, 50)} ms, p95 ${percentile(arrival, 95)} ms (polled every 100 ms); arrival to case createdAt p95 ${percentile(stamped, 95)} ms`);

    const result = {
      bench: 'workbench', cases: CASES, server: serverName, open_cases: openCount,
      seed_s: seedS, seed_reused: seedS === null, seed_s_when_seeded: marker.seconds,
      queue_p50_ms: queue.p50, queue_p95_ms: queue.p95, case_p50_ms: casePage.p50, case_p95_ms: casePage.p95,
      arrival_to_queue_p50_ms: percentile(arrival, 50), arrival_to_queue_p95_ms: percentile(arrival, 95),
      arrival_to_case_p95_ms: percentile(stamped, 95), first_case_after_start_ms: first.seen! - first.at,
      queue_source: server.flavour === 'mongodb' ? 'index' : 'snapshot', queue_max_stale_ms: server.flavour === 'mongodb' ? null : config.workbench.queueMaxStaleMs,
      arrival_measured_by: 'the workbench queue API (GET /api/v1/queue), polled every 100 ms',
      queue_p95_ms_while_mail: queueMail.p95, queue_p99_ms: queue.p99, case_p99_ms: casePage.p99,
      queue_rate_per_s: QUEUE_RPS, case_rate_per_s: CASE_RPS, connections: CONNECTIONS, queue_per_s_achieved: queue.per_s, page_seconds: SECONDS, mail_rate_per_s: MAIL_RATE, mail_messages: arrival.length,
      mail_path: 'IMAP APPEND into the intake mailbox (Dovecot), ingestor, Kafka, intake processor',
      case_mix: '80% open cases, 20% from the history', direct_queue_find_p50_ms: Number(direct[3]!.toFixed(1)),
      load_average_1m: { start: loadStart, end: Number(loadavg()[0]!.toFixed(1)) }, cores: availableParallelism(),
      targets_met: { queue: queue.p95 < 150, case: casePage.p95 < 100, arrival_to_queue: percentile(arrival, 95) < 2000 },
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    for (const c of children.reverse()) await stop(c);
    // The flow's cases go, so that a reused seed stays the seed (sessions and audit entries stay: small).
    if (flowCaseIds.length) {
      for (const name of ['cases', 'work_items', 'message_keys']) {
        for (const idv of flowCaseIds) await db.collection<{ _id: string }>(name).deleteOne({ _id: idv });
      }
      for (const idv of flowCaseIds) await db.collection<{ caseId: string }>('thread_keys').deleteMany({ caseId: idv });
    }
    await conn.close();
    void base;
  }
}
