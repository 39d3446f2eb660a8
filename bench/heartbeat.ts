import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool } from '../processors/ocr/index.ts';
import { createAttachmentInspector } from '../processors/identity/index.ts';
import { analyseLetter } from '../processors/letters/index.ts';
import { parseEmail } from '../processors/parse/index.ts';
import { imagePdf } from '../test/support/letters/files.ts';
import { renderLetter } from '../test/support/letters/letters.ts';

/**
 * What the Kafka consumers' session and heartbeat must survive (lib/kafka/index.ts):
 *  - the longest work one record gets in the OCR stages (an e-mail attachment of 4 scanned
 *    pages in the attachment inspector, a letter in the letter processor, the OCR pool's
 *    start on the first one), which heartbeats between records cannot cover;
 *  - the longest the main thread is blocked (a 100 ms timer's worst lateness) during that
 *    work and while a 41 MB e-mail and a 5 MB deeply nested HTML body are parsed, which no
 *    heartbeat from this process can cover at all.
 *
 * Prints a table, then one JSON line.
 */

/** Runs `work` with a 100 ms timer beside it; returns its wall time and the timer's worst lateness. */
async function measured(work: () => Promise<unknown>): Promise<{ wallMs: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 100);
    last = now;
  }, 100);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  worst = Math.max(worst, performance.now() - last - 100);
  return { wallMs: Math.round(performance.now() - t0), stallMs: Math.max(0, Math.round(worst)) };
}

function multipartMail(parts: Array<{ type: string; name?: string; body: Buffer; encoding: 'base64' | '8bit' }>): Buffer {
  const b = `b-${randomBytes(6).toString('hex')}`;
  const head = [
    'From: "Test Burger" <burger@citizens.test>', 'To: intake@kcc.test', 'Subject: Bijlage', `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@citizens.test>`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`, '',
  ].join('\r\n');
  const chunks: Buffer[] = [Buffer.from(`${head}\r\n`)];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${b}\r\nContent-Type: ${p.type}${p.name ? `; name="${p.name}"` : ''}\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n`));
    chunks.push(p.encoding === 'base64' ? Buffer.from(p.body.toString('base64').replace(/.{76}/g, '$&\r\n')) : p.body);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return Buffer.concat(chunks);
}

export async function run(): Promise<object> {
  const workers = Math.min(2, availableParallelism());
  const rows: Array<{ what: string; wallMs: number; stallMs: number }> = [];
  let pool!: OcrPool;
  rows.push({ what: `OCR pool start (${workers} workers)`, ...(await measured(async () => { pool = await createOcrPool({ langPath: DEBIAN_TESSDATA, workers }); })) });
  try {
    const pages = await Promise.all([1, 2, 3, 4].map((i) => renderLetter({ language: i % 2 ? 'nl' : 'en', letterSeed: i, rotateDeg: 0.4, grain: 8, seed: 20 + i })));
    const pdf = Buffer.from(await imagePdf(pages.map((p) => p.image)));
    const inspector = createAttachmentInspector({ ocr: async () => pool });
    rows.push({ what: 'attachment check: 4-page scanned PDF', ...(await measured(() => inspector.forMessage()({ filename: 'scan.pdf', contentType: 'application/pdf', content: pdf }))) });
    rows.push({ what: 'letter: 4 scanned pages', ...(await measured(() => analyseLetter(pages.map((p, i) => ({ name: `page-${i + 1}`, image: p.image, mime: p.mime })), { ocr: pool }))) });
  } finally {
    await pool.close();
  }
  // The issue-12 mail: a 30 MB scan, base64, 41 MB in all.
  const big = multipartMail([
    { type: 'text/plain; charset=utf-8', body: Buffer.from('Geachte heer/mevrouw,\n\nZie de bijlage.\n'), encoding: '8bit' },
    { type: 'application/pdf', name: 'scan.pdf', body: randomBytes(30 * 1024 * 1024), encoding: 'base64' },
  ]);
  // Under KCC_MAX_MESSAGE_BYTES (50 MiB), the size the ingestor lets through.
  rows.push({ what: `parse: ${(big.length / 1048576).toFixed(0)} MB e-mail`, ...(await measured(() => parseEmail(big, { maxBytes: 50 * 1024 * 1024 }))) });
  const nested = multipartMail([{ type: 'text/html; charset=utf-8', body: Buffer.from(`${'<div>'.repeat(450_000)}Mijn vraag over DigiD.${'</div>'.repeat(450_000)}`), encoding: '8bit' }]);
  rows.push({ what: `parse: ${(nested.length / 1048576).toFixed(1)} MB of nested <div>`, ...(await measured(() => parseEmail(nested).catch(() => null))) });

  console.log('| work | wall | main thread blocked (longest) |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.stallMs} ms |`);
  const result = {
    bench: 'heartbeat',
    longestRecordMs: Math.max(...rows.slice(0, 3).map((r) => r.wallMs)),
    longestStallMs: Math.max(...rows.map((r) => r.stallMs)),
    rows,
  };
  console.log(JSON.stringify(result));
  return result;
}
