/**
 * `npm run bench -- email`: messages of a realistic mix from the intake mailbox to stored
 * cases, through the real local servers, with the pipeline's ingest and process roles each
 * running as its own process (`app/main.ts --roles …`), as in production.
 *
 *  1. floor: mailparser's simpleParser alone over the same messages (one core), and our
 *     whole analysis (parse + normalise + extract + classify) alone, in the same run;
 *  2. throughput: N messages put in the mailbox, then the pipeline started; messages/s from
 *     its ready signal to the last stored case's createdAt; time per step (the pipeline's
 *     own counters, over IPC) and CPU per message for each process, servers included;
 *  3. latency: with the pipeline running, messages appended at a steady 50/s; arrival
 *     (APPEND) to stored case, p50/p95.
 * Ends with one JSON line. Sizes: BENCH_MESSAGES (default 5000), BENCH_LATENCY_SECONDS (20).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { DEFAULTS, REPO_ROOT } from '../config/index.ts';
import { analyseEmail } from '../processors/analyse/index.ts';
import { createTestPipeline } from '../test/support/pipeline.ts';
import { imapAs } from '../test/support/env.ts';
import { appendAtRate, caseCreatedTimes, cpuSecondsByGroup, latencies, peakRssMb, percentile, stageStats, startAppProcess, stopAppProcess } from './support.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 5000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const LATENCY_RATE = 50;

const TOPICS = [
  ['Activeringscode niet ontvangen', 'Ik heb drie weken geleden een DigiD aangevraagd, maar de brief met de activeringscode is nooit aangekomen. Kunt u een nieuwe sturen?'],
  ['DigiD wachtwoord vergeten', 'Ik ben mijn wachtwoord vergeten en mijn account lijkt geblokkeerd na te veel pogingen. Hoe herstel ik dit?'],
  ['Berichtenbox meldingen', 'Ik ontvang geen e-mail meer als er een nieuw bericht in mijn Berichtenbox staat. Mijn e-mailadres klopt wel.'],
  ['DigiD app werkt niet', 'The DigiD app keeps crashing when I try the ID check with my passport. I reinstalled it twice already.'],
  ['Machtiging intrekken', 'Ik wil de machtiging die ik mijn zoon via DigiD Machtigen heb gegeven intrekken. Hoe doe ik dat?'],
  ['eHerkenning niveau', 'Our company is registered abroad. Which eHerkenning level do we need for the tax portal, and how do we apply?'],
  ['Klacht over wachttijd', 'Ik heb gisteren 45 minuten in de wacht gestaan bij uw helpdesk. Dat vind ik onacceptabel en ik wil een klacht indienen.'],
  ['Inzageverzoek AVG', 'Op grond van de AVG verzoek ik om inzage in alle persoonsgegevens die Logius over mij verwerkt.'],
] as const;

function pick<T>(arr: readonly T[], i: number): T { return arr[i % arr.length]!; }

export async function makePdf(): Promise<Buffer> {
  // A scanned-looking attachment of about 200 kB: one noisy image page.
  const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  const doc = await PDFDocument.create();
  const img = await doc.embedPng(png);
  const page = doc.addPage([595, 842]);
  page.drawImage(img, { x: 50, y: 300, width: 360, height: 360 });
  return Buffer.from(await doc.save());
}

export async function compose(i: number, pdf: Buffer, messageId: string): Promise<Buffer> {
  const [subject, question] = pick(TOPICS, i);
  const english = /^(The|Our) /.test(question);
  const name = `Bench Burger ${i}`;
  const sig = english
    ? `Kind regards,\n${name}\nKerkstraat ${1 + (i % 120)}\n${1000 + (i % 8999)} AB Utrecht\n+31 6 ${String(20000000 + i).slice(-8)}`
    : `Met vriendelijke groet,\n${name}\nKerkstraat ${1 + (i % 120)}\n${1000 + (i % 8999)} AB Utrecht\nTel: 06-${String(20000000 + i).slice(-8)}`;
  const quoted = i % 4 === 0 ? `\n\nOp 3 nov. 2026 om 10:12 schreef KCC Logius <intake@kcc.test>:\n> Geachte heer/mevrouw,\n> Wij hebben uw vraag ontvangen.\n> Met vriendelijke groet, KCC` : '';
  const text = `Geachte heer/mevrouw,\n\n${question}\n\n${sig}${quoted}`;
  const html = i % 3 === 0 ? `<html><body><p>${question}</p><p>${sig.replace(/\n/g, '<br>')}</p></body></html>` : undefined;
  const mail = new MailComposer({
    from: { name, address: `bench${i}@citizens.test` },
    to: 'intake@kcc.test',
    subject,
    text,
    ...(html ? { html } : {}),
    messageId: `<${messageId}>`,
    ...(i % 10 === 0 ? { attachments: [{ filename: `scan-${i}.pdf`, content: pdf, contentType: 'application/pdf' }] } : {}),
  });
  return mail.compile().build();
}


function servicePeakRss(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['kafka', 'ferretdb', 'dovecot']) {
    try {
      const pid = Number(readFileSync(path.join(REPO_ROOT, '.local', 'run', `${name}.pid`), 'utf8').trim());
      out[name] = Math.round(peakRssMb(pid));
    } catch { /* not ours */ }
  }
  return out;
}

async function appendAll(user: string, raws: Buffer[]): Promise<void> {
  const client = await imapAs(user);
  try { for (const r of raws) await client.append('INBOX', r); } finally { await client.logout(); }
}

export async function run(): Promise<object> {
  console.log(`email benchmark: ${N} messages (10 % with a ~200 kB PDF), latency phase ${LATENCY_SECONDS} s at ${LATENCY_RATE}/s`);
  const pdf = await makePdf();
  const raws: Buffer[] = [];
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    ids.push(`bench-${i}-${randomBytes(4).toString('hex')}@citizens.test`);
    raws.push(await compose(i, pdf, ids[i]!));
  }
  const mb = raws.reduce((s, r) => s + r.length, 0) / 1024 / 1024;
  console.log(`generated ${N} messages, ${mb.toFixed(1)} MiB (pdf ${(pdf.length / 1024).toFixed(0)} kB)`);

  // 1. Floors, same messages, same run.
  let t = performance.now();
  for (const r of raws) await simpleParser(r);
  const floorS = (performance.now() - t) / 1000;
  t = performance.now();
  for (const r of raws) await analyseEmail(r);
  const analyseS = (performance.now() - t) / 1000;
  const floorPerS = N / floorS;
  console.log(`floor: simpleParser alone ${floorPerS.toFixed(0)} msg/s; parse+extract+classify ${(N / analyseS).toFixed(0)} msg/s`);

  // 2. Throughput, mailbox to stored case, the pipeline in its own process.
  const p = await createTestPipeline({ KCC_LOG_LEVEL: 'warn', KCC_TOPIC_PARTITIONS: DEFAULTS.KCC_TOPIC_PARTITIONS });
  const children: ChildProcess[] = [];
  try {
    t = performance.now();
    await appendAll(p.intakeUser, raws);
    console.log(`appended to the intake mailbox in ${((performance.now() - t) / 1000).toFixed(1)} s (not counted)`);
    // Mailbox to stored case: the ingest and the process role, each its own process as in
    // production (docker/compose.yaml: one service per role). Acknowledgments and attachment
    // OCR are later stages with their own consumers, not on this path.
    // BENCH_ONE_PROCESS=1 runs both roles in one process instead.
    const layout = process.env.BENCH_ONE_PROCESS === '1' ? ['ingest,process'] : ['process', 'ingest'];
    for (const roles of layout) children.push(await startAppProcess(p, roles));
    const byRole = (role: string) => children[layout.findIndex((r) => r.split(',').includes(role))]!;
    const named = Object.fromEntries(layout.map((roles, i) => [roles, children[i]!.pid!]));
    const cpu0 = cpuSecondsByGroup(named);
    const t0 = Date.now();
    const db = await p.db();
    // Progress from the processor's own counters over IPC: polling the database would load
    // the very server being measured.
    for (;;) {
      const s = (await stageStats(byRole('process'))).processor;
      if (s && s.cases + s.threaded + s.nonCases + s.duplicates + s.deadLettered >= N) break;
      if (Date.now() - t0 > 30 * 60_000) throw new Error(`not all of ${N} handled after 30 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const cpu1 = cpuSecondsByGroup(named);
    const ing = (await stageStats(byRole('ingest'))).ingestor!;
    const proc = (await stageStats(byRole('process'))).processor!;
    // From ready to the last case's createdAt (stamped by the processor): polling lag is not counted.
    const created = await caseCreatedTimes(db, ids, 30 * 60_000);
    const e2eS = (Math.max(...created) - t0) / 1000;
    const e2ePerS = N / e2eS;
    console.log(`end to end: ${N} stored in ${e2eS.toFixed(1)} s = ${e2ePerS.toFixed(0)} msg/s (ratio to floor ${(e2ePerS / floorPerS).toFixed(2)})`);
    const perMsg = (ms: number) => Number((ms / N).toFixed(3));
    // Wall time inside each step, summed over concurrent work (not CPU): where a message waits.
    const stageMs = { imap_fetch: perMsg(ing.fetchMs), kafka_publish: perMsg(ing.publishMs), imap_move: perMsg(ing.moveMs), analyse: perMsg(proc.analyseMs), store: perMsg(proc.storeMs) };
    // CPU per message by process, over the same interval: what the machine spends, and where.
    const cpuMs = Object.fromEntries(Object.keys(cpu1).filter((k) => k !== 'bench').map((k) => [k, perMsg(1000 * (cpu1[k]! - (cpu0[k] ?? 0)))]));
    const cpuTotal = Number(Object.values(cpuMs).reduce((a, b) => a + b, 0).toFixed(3));
    console.log(`step time per message (ms): ${JSON.stringify(stageMs)}`);
    console.log(`CPU per message (ms): ${JSON.stringify(cpuMs)}, total ${cpuTotal} (this machine has ${availableParallelism()} cores)`);

    // 3. Latency at a steady 50 messages/s, arrival (APPEND) to stored case.
    const sent = await appendAtRate(p.intakeUser, LATENCY_RATE, (i, id) => compose(N + i, pdf, id), { max: LATENCY_SECONDS * LATENCY_RATE });
    const lat = await latencies(db, sent);
    const p50 = percentile(lat, 50);
    const p95 = percentile(lat, 95);
    console.log(`latency at ${LATENCY_RATE}/s over ${lat.length} messages: p50 ${p50} ms, p95 ${p95} ms`);

    const rssByRole = Object.fromEntries(layout.map((roles, i) => [roles, Math.round(peakRssMb(children[i]!.pid!))]));
    const appRss = Math.max(...Object.values(rssByRole));
    const services = servicePeakRss();
    console.log(`peak RSS: pipeline ${JSON.stringify(rssByRole)} MiB; services ${JSON.stringify(services)}`);
    const result = {
      bench: 'email', messages: N, mix: '10% with ~200 kB PDF, 33% HTML, 25% quoted replies, NL/EN',
      e2e_per_s: Number(e2ePerS.toFixed(1)), floor_per_s: Number(floorPerS.toFixed(1)),
      analyse_per_s: Number((N / analyseS).toFixed(1)), ratio: Number((e2ePerS / floorPerS).toFixed(3)),
      latency_rate_per_s: LATENCY_RATE, latency_messages: lat.length,
      p50_latency_ms: p50, p95_latency_ms: p95,
      stage_ms_per_msg: stageMs, cpu_ms_per_msg: cpuMs, cpu_ms_per_msg_total: cpuTotal,
      peak_rss_mb: appRss, peak_rss_mb_by_process: rssByRole, services_peak_rss_mb: services,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    for (const child of children) await stopAppProcess(child);
    await p.cleanup();
  }
}
