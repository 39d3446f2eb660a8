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
 *     (APPEND) to stored case, p50/p95;
 *  4. what keeping the HTML and the attachments costs (issue 16): the first
 *     BENCH_CONTENT_MESSAGES of the same messages through a fresh pipeline per round, the
 *     process role once as in production (keeping) and once without (bench/process-role.ts),
 *     interleaved, BENCH_CONTENT_ROUNDS rounds of each; medians and min–max of ms and CPU
 *     per message and of the bytes stored.
 * Ends with one JSON line. Sizes: BENCH_MESSAGES (default 5000), BENCH_LATENCY_SECONDS (20),
 * BENCH_CONTENT_MESSAGES (1000, at most BENCH_MESSAGES), BENCH_CONTENT_ROUNDS (3);
 * BENCH_MIX=light for the lighter messages of the runs before 2026-11-29 (see compose()).
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
import { BSON } from 'mongodb';
import { DEFAULTS, REPO_ROOT } from '../config/index.ts';
import { CONTENT_BUCKET, CONTENT_COLLECTION } from '../processors/content/index.ts';
import { analyseEmail } from '../processors/analyse/index.ts';
import { createTestPipeline } from '../test/support/pipeline.ts';
import { imapAs } from '../test/support/env.ts';
import { prng } from '../test/support/letters/render.ts';
import { appendAtRate, caseCreatedTimes, cpuSecondsByGroup, latencies, peakRssMb, percentile, stageStats, startAppProcess, stopAppProcess } from './support.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 5000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const LATENCY_RATE = 50;
const CONTENT_N = Math.min(N, Number(process.env.BENCH_CONTENT_MESSAGES ?? 1000));
const CONTENT_ROUNDS = Math.max(1, Number(process.env.BENCH_CONTENT_ROUNDS ?? 3));

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

const FIRST_NAMES = ['Anna', 'Jan', 'Fatima', 'Pieter', 'Sanne', 'Mohamed', 'Els', 'Kees', 'Noor', 'Willem', 'Lotte', 'Yusuf', 'Marieke', 'Daan', 'Ingrid'] as const;
const LAST_NAMES = ['de Vries', 'Jansen', 'El Amrani', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'de Jong', 'Yilmaz', 'Mulder', 'van Dijk', 'Bos', 'Vermeulen', 'Peters'] as const;

export async function makePdf(): Promise<Buffer> {
  // A scanned-looking attachment of about 200 kB: one noisy image page.
  const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  const doc = await PDFDocument.create();
  const img = await doc.embedPng(png);
  const page = doc.addPage([595, 842]);
  page.drawImage(img, { x: 50, y: 300, width: 360, height: 360 });
  return Buffer.from(await doc.save());
}

/**
 * BENCH_MIX=light: the messages as this bench made them before 2026-11-29 (no transport
 * headers, a paragraph of HTML in a third of them; median 632 bytes). The default,
 * 'realistic', adds what real clients and providers put on a message (compare the Outlook
 * and Office 365 messages of the shared corpus, 6–10 kB of headers): a Received chain,
 * DKIM/ARC signatures and authentication results, provider headers (Office 365, Gmail or
 * Apple Mail by thirds), and an HTML alternative in the client's own style on every
 * message (Outlook's Word HTML with its style sheet, Gmail's divs, Apple Mail's).
 */
const MIX = process.env.BENCH_MIX === 'light' ? 'light' : 'realistic';

/** Base64-looking text of `n` characters, the same for the same seed. */
function b64(seed: number, n: number): string {
  const rnd = prng(seed);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let k = 0; k < n; k++) out += alphabet[Math.floor(rnd() * 64)];
  return out;
}

function fold(value: string, width = 76): string {
  const parts: string[] = [];
  for (let k = 0; k < value.length; k += width) parts.push(value.slice(k, k + width));
  return parts.join('\r\n\t');
}

type Client = 'outlook' | 'gmail' | 'apple';

/** Transport and provider headers as a message from `client` arrives at a Dutch provider. */
function transportHeaders(i: number, client: Client): Array<{ key: string; value: string }> {
  const day = `${1 + (i % 28)} Nov 2026 ${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:17 +0000`;
  const h: Array<{ key: string; value: string }> = [];
  const sig = (tag: string, d: string, s: string, hs: string) => `${tag}; a=rsa-sha256; c=relaxed/relaxed; d=${d}; s=${s};\r\n\th=${hs};\r\n\tbh=${b64(i * 7 + 1, 43)}=;\r\n\tb=${fold(b64(i * 7 + 2, 342), 70)}==`;
  h.push({ key: 'Received', value: `from mx${i % 4}.intake.kcc.test (mx${i % 4}.intake.kcc.test [10.12.${i % 250}.4])\r\n\tby imap.kcc.test (Postfix) with ESMTPS id ${b64(i, 12).replace(/[+/]/g, 'Q')}\r\n\tfor <intake@kcc.test>; ${day}` });
  h.push({ key: 'Authentication-Results', value: `mx${i % 4}.intake.kcc.test; dkim=pass (2048-bit key; unprotected) header.d=${client === 'outlook' ? 'outlook.com' : client === 'gmail' ? 'gmail.com' : 'icloud.com'} header.i=@citizens.test header.a=rsa-sha256 header.s=selector1 header.b=${b64(i + 3, 8)};\r\n\tdmarc=pass (p=none dis=none) header.from=citizens.test; spf=pass smtp.mailfrom=citizens.test` });
  h.push({ key: 'Received-SPF', value: `Pass (mailfrom) identity=mailfrom; client-ip=40.92.${i % 250}.${(i * 7) % 250}; helo=EUR05-VI1-obe.outbound.protection.outlook.com; envelope-from=bench${i}@citizens.test; receiver=<UNKNOWN>` });
  if (client === 'outlook') {
    h.push({ key: 'ARC-Seal', value: `i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=none;\r\n\tb=${fold(b64(i * 11, 342), 70)}==` });
    h.push({ key: 'ARC-Message-Signature', value: `i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com;\r\n\ts=arcselector9901;\r\n\th=From:Date:Subject:Message-ID:Content-Type:MIME-Version:X-MS-Exchange-AntiSpam-MessageData-ChunkCount:X-MS-Exchange-AntiSpam-MessageData-0:X-MS-Exchange-AntiSpam-MessageData-1;\r\n\tbh=${b64(i * 11 + 1, 43)}=;\r\n\tb=${fold(b64(i * 11 + 2, 342), 70)}==` });
    h.push({ key: 'ARC-Authentication-Results', value: 'i=1; mx.microsoft.com 1; spf=none; dmarc=none;\r\n\tdkim=none; arc=none' });
    h.push({ key: 'DKIM-Signature', value: sig('v=1', 'outlook.com', 'selector1', 'From:Date:Subject:Message-ID:Content-Type:MIME-Version:X-MS-Exchange-SenderADCheck') });
    for (let k = 0; k < 3; k++) {
      h.push({ key: 'Received', value: `from AM${k}PR0${k}MB${1000 + (i % 9000)}.eurprd0${k}.prod.outlook.com (2603:10a6:208:${k}::${i % 99}) by\r\n AS8PR0${k}MB${2000 + (i % 7000)}.eurprd0${k}.prod.outlook.com (2603:10a6:20b:${k}::1) with Microsoft\r\n SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n 15.20.${7000 + k}.${i % 40}; ${day}` });
    }
    h.push({ key: 'Thread-Topic', value: 'Vraag' });
    h.push({ key: 'Thread-Index', value: b64(i + 5, 40) + '==' });
    h.push({ key: 'Accept-Language', value: 'nl-NL, en-US' });
    h.push({ key: 'Content-Language', value: 'nl-NL' });
    h.push({ key: 'X-MS-Has-Attach', value: i % 10 === 0 ? 'yes' : '' });
    h.push({ key: 'X-MS-TNEF-Correlator', value: '' });
    h.push({ key: 'x-ms-publictraffictype', value: 'Email' });
    h.push({ key: 'x-ms-traffictypediagnostic', value: `AM0PR02MB${1000 + (i % 9000)}:EE_|AS8PR02MB${2000 + (i % 7000)}:EE_` });
    h.push({ key: 'x-ms-office365-filtering-correlation-id', value: `${b64(i + 8, 8)}-d5b4-494e-46ff-08d52c336e1f` });
    h.push({ key: 'x-microsoft-antispam', value: 'BCL:0;ARA:14566002|8060799006|19110799003|15080799006|461199028|3412199025|440099028|102099032;' });
    h.push({ key: 'x-microsoft-antispam-message-info', value: fold(b64(i * 13, 900), 76) });
    h.push({ key: 'x-ms-exchange-antispam-messagedata-chunkcount', value: '1' });
    h.push({ key: 'x-ms-exchange-antispam-messagedata-0', value: fold(b64(i * 17, 1400), 76) });
    h.push({ key: 'X-OriginatorOrg', value: 'outlook.com' });
    h.push({ key: 'X-MS-Exchange-CrossTenant-Network-Message-Id', value: `${b64(i + 9, 8)}-7830-c66f-eaa8-e3dd${b64(i + 10, 8)}` });
    h.push({ key: 'X-MS-Exchange-CrossTenant-originalarrivaltime', value: day });
    h.push({ key: 'X-MS-Exchange-CrossTenant-fromentityheader', value: 'Hosted' });
    h.push({ key: 'X-MS-Exchange-CrossTenant-id', value: '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa' });
    h.push({ key: 'X-MS-Exchange-Transport-CrossTenantHeadersStamped', value: `AS8PR02MB${2000 + (i % 7000)}` });
  } else if (client === 'gmail') {
    h.push({ key: 'Received', value: `by mail-ej1-f${41 + (i % 50)}.google.com with SMTP id a640c23a62f3a-${b64(i, 12)}\r\n\tfor <intake@kcc.test>; ${day}` });
    h.push({ key: 'DKIM-Signature', value: sig('v=1', 'gmail.com', '20230601', 'to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to') });
    h.push({ key: 'X-Google-DKIM-Signature', value: sig('v=1', '1e100.net', '20230601', 'to:subject:message-id:date:from:mime-version:x-gm-message-state:from:to:cc:subject:date:message-id:reply-to') });
    h.push({ key: 'X-Gm-Message-State', value: fold(b64(i * 19, 120), 76) });
    h.push({ key: 'X-Google-Smtp-Source', value: fold(b64(i * 23, 130), 76) });
    h.push({ key: 'X-Received', value: `by 2002:a17:907:${i % 999}:b0:a9e:${i % 99}::${i % 9} with SMTP id ${b64(i + 4, 20)}.${i % 9};\r\n\t${day}` });
    h.push({ key: 'X-Gm-Features', value: fold(b64(i * 29, 110), 76) });
  } else {
    h.push({ key: 'Received', value: `from smtpclient.apple (unknown [145.53.${i % 250}.12])\r\n\tby p00-icloudmta-asmtp-us-west-1a-60-percent-3 (Postfix) with ESMTPSA id ${b64(i, 10)};\r\n\t${day}` });
    h.push({ key: 'DKIM-Signature', value: sig('v=1', 'icloud.com', '1a1hai', 'Content-Type:Mime-Version:Subject:From:Date:Message-Id:To') });
    h.push({ key: 'X-Mailer', value: 'Apple Mail (2.3826.200.121)' });
    h.push({ key: 'X-Proofpoint-ORIG-GUID', value: b64(i + 31, 32) });
    h.push({ key: 'X-Proofpoint-Virus-Version', value: 'vendor=baseguard engine=ICAP:2.0.272,Aquarius:18.0.1039,Hydra:6.0.680,FMLib:17.12.28.16 definitions=2026-11-29_07,2026-11-28_01,2026-11-29_01 signatures=0' });
  }
  return h;
}

/** The HTML alternative as the client writes it. */
function clientHtml(client: Client, question: string, sig: string): string {
  const paragraphs = [question, ...sig.split('\n')];
  if (client === 'outlook') {
    const fonts = ['Cambria Math', 'Calibri', 'Aptos', 'Segoe UI'].map((f, k) => `@font-face\n\t{font-family:"${f}";\n\tpanose-1:2 4 5 3 5 4 ${k} 2 2 4;}`).join('\n');
    const style = `<style><!--\n/* Font Definitions */\n${fonts}\n/* Style Definitions */\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:12.0pt;\n\tfont-family:"Aptos",sans-serif;\n\tmso-ligatures:standardcontextual;\n\tmso-fareast-language:EN-US;}\na:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#467886;\n\ttext-decoration:underline;}\nspan.EmailStyle17\n\t{mso-style-type:personal-compose;\n\tfont-family:"Aptos",sans-serif;\n\tcolor:windowtext;}\n.MsoChpDefault\n\t{mso-style-type:export-only;\n\tfont-size:10.0pt;\n\tmso-ligatures:none;\n\tmso-fareast-language:EN-US;}\n@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}\ndiv.WordSection1\n\t{page:WordSection1;}\n--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]><xml>\n<o:shapelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></xml><![endif]-->`;
    const body = paragraphs.map((p) => `<p class="MsoNormal"><span style="font-size:11.0pt;font-family:&quot;Aptos&quot;,sans-serif;mso-fareast-language:NL">${p}<o:p></o:p></span></p>\n<p class="MsoNormal"><span style="font-size:11.0pt"><o:p>&nbsp;</o:p></span></p>`).join('\n');
    return `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">\n<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n${style}\n</head>\n<body lang="NL" link="#467886" vlink="#96607D" style="word-wrap:break-word">\n<div class="WordSection1">\n${body}\n</div>\n</body>\n</html>`;
  }
  if (client === 'gmail') {
    return `<div dir="ltr"><div>${paragraphs[0]}</div><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">${paragraphs.slice(1).join('<br>')}</div></div></div>`;
  }
  return `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;"><div>${paragraphs[0]}</div><div><br></div><div>${paragraphs.slice(1).join('<br>')}</div><div><br></div></body></html>`;
}

export async function compose(i: number, pdf: Buffer, messageId: string): Promise<Buffer> {
  const [subject, question] = pick(TOPICS, i);
  const english = /^(The|Our) /.test(question);
  // Real names in the realistic mix (a digit in "Bench Burger 12" made the extractor drop it).
  const name = MIX === 'realistic' ? `${pick(FIRST_NAMES, i)} ${pick(LAST_NAMES, Math.floor(i / FIRST_NAMES.length) + i)}` : `Bench Burger ${i}`;
  const sig = english
    ? `Kind regards,\n${name}\nKerkstraat ${1 + (i % 120)}\n${1000 + (i % 8999)} AB Utrecht\n+31 6 ${String(20000000 + i).slice(-8)}`
    : `Met vriendelijke groet,\n${name}\nKerkstraat ${1 + (i % 120)}\n${1000 + (i % 8999)} AB Utrecht\nTel: 06-${String(20000000 + i).slice(-8)}`;
  const quoted = i % 4 === 0 ? `\n\nOp 3 nov. 2026 om 10:12 schreef KCC Logius <intake@kcc.test>:\n> Geachte heer/mevrouw,\n> Wij hebben uw vraag ontvangen.\n> Met vriendelijke groet, KCC` : '';
  const text = `Geachte heer/mevrouw,\n\n${question}\n\n${sig}${quoted}`;
  const client: Client = (['gmail', 'outlook', 'apple'] as const)[i % 3]!;
  const html = MIX === 'realistic' ? clientHtml(client, question, sig)
    : i % 3 === 0 ? `<html><body><p>${question}</p><p>${sig.replace(/\n/g, '<br>')}</p></body></html>` : undefined;
  const mail = new MailComposer({
    from: { name, address: `bench${i}@citizens.test` },
    to: 'intake@kcc.test',
    subject,
    text,
    ...(html ? { html } : {}),
    messageId: `<${messageId}>`,
    // Prepared: folded here as the providers fold them (MailComposer cannot fold base64).
    ...(MIX === 'realistic' ? { headers: transportHeaders(i, client).map((h) => ({ key: h.key, value: { prepared: true, value: h.value } })) } : {}),
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

interface ContentRound {
  keep: boolean;
  /** Wall time per message, first stored case to last (the consumer group's join not counted). */
  msPerMsg: number;
  /** CPU per message over the round, all processes (pipeline and local servers), and the process role alone. */
  cpuMsPerMsg: number;
  processCpuMsPerMsg: number;
  /** The process role's own time in keepContent(), per message. */
  contentMsPerMsg: number;
  /** BSON bytes per message: the content collection with its GridFS bucket, and the whole database. */
  contentBytesPerMsg: number;
  dbBytesPerMsg: number;
}

/** BSON bytes of every document in the database, and of those in the content collection and its GridFS bucket (read after the round, not timed). */
async function storedBytes(db: import('mongoose').Connection): Promise<{ content: number; all: number }> {
  let content = 0;
  let all = 0;
  for (const c of await db.db!.listCollections({}, { nameOnly: true }).toArray()) {
    let bytes = 0;
    for await (const doc of db.db!.collection(c.name).find({})) bytes += BSON.calculateObjectSize(doc);
    all += bytes;
    if (c.name === CONTENT_COLLECTION || c.name.startsWith(`${CONTENT_BUCKET}.`)) content += bytes;
  }
  return { content, all };
}

/**
 * One round of phase 4: `raws` into a fresh pipeline's mailbox, then the ingest role and the
 * process role, the latter keeping content (app/main.ts, as in production) or not
 * (bench/process-role.ts). A fresh database each round, so the bytes are this round's.
 */
async function contentRound(raws: Buffer[], ids: string[], keep: boolean): Promise<ContentRound> {
  const n = raws.length;
  const p = await createTestPipeline({ KCC_LOG_LEVEL: 'warn', KCC_TOPIC_PARTITIONS: DEFAULTS.KCC_TOPIC_PARTITIONS });
  const children: ChildProcess[] = [];
  try {
    await appendAll(p.intakeUser, raws);
    const proc = await startAppProcess(p, 'process', keep ? 'app/main.ts' : 'bench/process-role.ts');
    children.push(proc);
    const ing = await startAppProcess(p, 'ingest');
    children.push(ing);
    const cpu0 = cpuSecondsByGroup({ process: proc.pid!, ingest: ing.pid! });
    const t0 = Date.now();
    let s = (await stageStats(proc)).processor!;
    while (s.cases + s.threaded + s.nonCases + s.duplicates + s.deadLettered < n) {
      if (Date.now() - t0 > 15 * 60_000) throw new Error(`not all of ${n} handled after 15 minutes`);
      await new Promise((r) => setTimeout(r, 200));
      s = (await stageStats(proc)).processor!;
    }
    const cpu1 = cpuSecondsByGroup({ process: proc.pid!, ingest: ing.pid! });
    const db = await p.db();
    const created = (await caseCreatedTimes(db, ids, 15 * 60_000)).sort((a, b) => a - b);
    for (const child of children.splice(0)) await stopAppProcess(child);
    const bytes = await storedBytes(db);
    const cpu = (k: string) => 1000 * (cpu1[k]! - (cpu0[k] ?? 0));
    const cpuAll = Object.keys(cpu1).filter((k) => k !== 'bench').reduce((a, k) => a + cpu(k), 0);
    return {
      keep,
      msPerMsg: (created[n - 1]! - created[0]!) / (n - 1),
      cpuMsPerMsg: cpuAll / n,
      processCpuMsPerMsg: cpu('process') / n,
      contentMsPerMsg: s.contentMs / n,
      contentBytesPerMsg: bytes.content / n,
      dbBytesPerMsg: bytes.all / n,
    };
  } finally {
    for (const child of children) await stopAppProcess(child);
    await p.cleanup();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median and min–max of one figure over rounds, rounded. */
function spread(rounds: ContentRound[], f: (r: ContentRound) => number, digits = 3): { median: number; min: number; max: number } {
  const xs = rounds.map(f);
  const r = (x: number) => Number(x.toFixed(digits));
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)) };
}

/**
 * Phase 4: rounds alternate their order (keep, off; then off, keep; …) so a machine that
 * gets busier or quieter during the run weighs on both alike.
 */
async function contentCost(raws: Buffer[], ids: string[]): Promise<Record<string, unknown>> {
  const rounds: ContentRound[] = [];
  for (let r = 0; r < CONTENT_ROUNDS; r++) {
    for (const keep of r % 2 === 0 ? [true, false] : [false, true]) {
      const x = await contentRound(raws, ids, keep);
      rounds.push(x);
      console.log(`content round ${r + 1} ${keep ? 'kept' : 'off '}: ${x.msPerMsg.toFixed(2)} ms/msg, CPU ${x.cpuMsPerMsg.toFixed(2)} ms/msg (process role ${x.processCpuMsPerMsg.toFixed(2)}), keepContent ${x.contentMsPerMsg.toFixed(2)} ms/msg, content ${Math.round(x.contentBytesPerMsg)} B/msg, database ${Math.round(x.dbBytesPerMsg)} B/msg`);
    }
  }
  const kept = rounds.filter((x) => x.keep);
  const off = rounds.filter((x) => !x.keep);
  const ms = { kept: spread(kept, (x) => x.msPerMsg), off: spread(off, (x) => x.msPerMsg) };
  const cpu = { kept: spread(kept, (x) => x.cpuMsPerMsg), off: spread(off, (x) => x.cpuMsPerMsg) };
  const procCpu = { kept: spread(kept, (x) => x.processCpuMsPerMsg), off: spread(off, (x) => x.processCpuMsPerMsg) };
  const dbBytes = { kept: spread(kept, (x) => x.dbBytesPerMsg, 0), off: spread(off, (x) => x.dbBytesPerMsg, 0) };
  const ratio = Number((ms.kept.median / ms.off.median).toFixed(3));
  const cpuRatio = Number((cpu.kept.median / cpu.off.median).toFixed(3));
  console.log(`keeping content, ${CONTENT_N} messages × ${CONTENT_ROUNDS} rounds each: ${ms.kept.median} against ${ms.off.median} ms/msg (ratio ${ratio}); CPU ${cpu.kept.median} against ${cpu.off.median} ms/msg (ratio ${cpuRatio}); ${spread(kept, (x) => x.contentBytesPerMsg, 0).median} content bytes/msg, database ${dbBytes.kept.median} against ${dbBytes.off.median} B/msg`);
  return {
    content_messages_per_round: CONTENT_N, content_rounds_each: CONTENT_ROUNDS,
    content_kept_ms_per_msg: ms.kept.median, content_off_ms_per_msg: ms.off.median, content_cost_ratio: ratio,
    content_ms_per_msg_spread: ms,
    content_kept_cpu_ms_per_msg: cpu.kept.median, content_off_cpu_ms_per_msg: cpu.off.median, content_cpu_ratio: cpuRatio,
    content_cpu_ms_per_msg_spread: cpu, content_process_role_cpu_ms_per_msg_spread: procCpu,
    content_keep_step_ms_per_msg: spread(kept, (x) => x.contentMsPerMsg),
    content_bytes_per_msg: spread(kept, (x) => x.contentBytesPerMsg, 0).median,
    content_bytes_per_msg_off: spread(off, (x) => x.contentBytesPerMsg, 0).median,
    content_db_bytes_per_msg_spread: dbBytes,
  };
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
  const medianKb = Number((raws.map((r) => r.length).sort((a, b) => a - b)[Math.floor(N / 2)]! / 1024).toFixed(1));
  console.log(`generated ${N} messages (${MIX} mix), ${mb.toFixed(1)} MiB, median ${medianKb} kB (pdf ${(pdf.length / 1024).toFixed(0)} kB)`);

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
    for (const child of children.splice(0)) await stopAppProcess(child);

    // 4. Keeping content against not keeping it, the same messages, interleaved rounds.
    const content = await contentCost(raws.slice(0, CONTENT_N), ids.slice(0, CONTENT_N));
    const result = {
      bench: 'email', messages: N,
      mix: MIX === 'realistic'
        ? `realistic: 10% with ~200 kB PDF, transport and provider headers, client HTML (Outlook/Gmail/Apple Mail by thirds), 25% quoted replies, NL/EN; median ${medianKb} kB`
        : `light: 10% with ~200 kB PDF, 33% HTML, 25% quoted replies, NL/EN; median ${medianKb} kB`,
      e2e_per_s: Number(e2ePerS.toFixed(1)), floor_per_s: Number(floorPerS.toFixed(1)),
      analyse_per_s: Number((N / analyseS).toFixed(1)), ratio: Number((e2ePerS / floorPerS).toFixed(3)),
      latency_rate_per_s: LATENCY_RATE, latency_messages: lat.length,
      p50_latency_ms: p50, p95_latency_ms: p95,
      stage_ms_per_msg: stageMs, cpu_ms_per_msg: cpuMs, cpu_ms_per_msg_total: cpuTotal,
      peak_rss_mb: appRss, peak_rss_mb_by_process: rssByRole, services_peak_rss_mb: services,
      ...content,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    for (const child of children) await stopAppProcess(child);
    await p.cleanup();
  }
}
