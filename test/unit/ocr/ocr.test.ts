import type { Worker as ThreadWorker } from 'node:worker_threads';
import { expect } from 'chai';
import sharp from 'sharp';
import { ConfigError, InputError, PipelineError } from '../../../lib/errors.ts';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool } from '../../../processors/ocr/index.ts';
import { cer } from '../../support/letters/cer.ts';
import { hugePngHeader } from '../../support/letters/files.ts';
import { renderTextStrip } from '../../support/letters/ids.ts';
import { renderLetter } from '../../support/letters/letters.ts';

// Tests may read the environment; library code takes the folder as a parameter.
const langPath = process.env.KCC_TESSDATA ?? DEBIAN_TESSDATA;

async function rejection(p: Promise<unknown>): Promise<PipelineError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(PipelineError);
    return err as PipelineError;
  }
  expect.fail('expected a rejection');
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) expect.fail('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ocr: tesseract.js pool (offline)', function () {
  // OCR on a shared 2-core CI machine: generous bounds; speed is measured in bench/ocr.ts.
  this.timeout(180_000);
  let pool: OcrPool;

  before(async () => {
    pool = await createOcrPool({ langPath, workers: 2 });
  });
  after(async () => {
    await pool?.close();
  });

  it('reads a Dutch and an English scanned letter page with CER <= 0.02', async () => {
    const [nl, en] = await Promise.all([
      renderLetter({ language: 'nl', letterSeed: 11, rotateDeg: 1.2, grain: 20, speckle: 0.001, jpegQuality: 70, seed: 11 }),
      renderLetter({ language: 'en', letterSeed: 12, rotateDeg: -0.8, grain: 15, seed: 12 }),
    ]);
    const [rn, re] = await Promise.all([pool.recognize(nl.image), pool.recognize(en.image)]);
    expect(cer(rn.text, nl.text), 'NL CER').to.be.at.most(0.02);
    expect(cer(re.text, en.text), 'EN CER').to.be.at.most(0.02);
    expect(rn.text).to.contain('Betreft:');
    expect(re.text).to.contain('Subject:');
    expect(rn.confidence).to.be.within(70, 100);
    expect(rn.rotated).to.equal(0);
  });

  it('turns an upside-down page the right way up (orientation detection)', async () => {
    const page = await renderLetter({ language: 'en', letterSeed: 13, seed: 13 });
    // The top third (addresses, date, subject) keeps the test cheap.
    const top = await sharp(page.image).extract({ left: 0, top: 0, width: 2480, height: 1300 }).rotate(180).png().toBuffer();
    const r = await pool.recognize(top);
    expect(r.rotated).to.equal(180);
    expect(r.confidence).to.be.above(70);
    const subject = page.text.split('\n').find((l) => l.startsWith('Subject:'))!;
    expect(r.text).to.contain(subject);
  });

  it('fails a page that overruns its time with OCR_TIMEOUT, replaces the worker and goes on', async () => {
    const strip = await renderTextStrip('Met vriendelijke groet');
    const before = pool.stats().replaced;
    const err = await rejection(pool.recognize(strip.image, { timeoutMs: 1 }));
    expect(err).to.be.instanceOf(InputError);
    expect(err.code).to.equal('OCR_TIMEOUT');
    expect(pool.stats().replaced).to.equal(before + 1);
    const r = await pool.recognize(strip.image);
    expect(r.text).to.contain('vriendelijke');
    await until(() => pool.stats().workers === 2, 30_000);
  });

  it('refuses images it cannot or must not decode, before using a worker', async () => {
    expect((await rejection(pool.recognize(Buffer.alloc(0)))).code).to.equal('OCR_IMAGE_EMPTY');
    expect((await rejection(pool.recognize(Buffer.from('not an image at all')))).code).to.equal('OCR_IMAGE_UNREADABLE');
    expect((await rejection(pool.recognize(hugePngHeader(20_000, 20_000)))).code).to.equal('OCR_IMAGE_TOO_LARGE');
  });

  it('survives the crash of a worker thread and replaces it', async () => {
    // Watch which threads the pool starts, as its own crash handling does.
    const threads: ThreadWorker[] = [];
    const onWorker = (w: ThreadWorker) => threads.push(w);
    process.on('worker', onWorker);
    let small: OcrPool | undefined;
    try {
      small = await createOcrPool({ langPath, workers: 1 });
      await new Promise((r) => setImmediate(r));
      expect(threads.length).to.be.greaterThan(0);
      // An unknown action makes tesseract.js' worker script throw outside any job: the
      // thread dies with an 'error' event, which tesseract.js itself does not listen for.
      threads.at(-1)!.postMessage({ action: 'no-such-action', jobId: 'x', workerId: 'x', payload: {} });
      await until(() => small!.stats().replaced === 1, 10_000);
      await until(() => small!.stats().workers === 1, 30_000);
      const strip = await renderTextStrip('Postbus 96810');
      expect((await small.recognize(strip.image)).text).to.contain('96810');
    } finally {
      process.off('worker', onWorker);
      await small?.close();
    }
  });

  it('refuses a bad configuration, listing every problem', async () => {
    const err = await rejection(createOcrPool({ langPath: 'https://cdn.example/tessdata', workers: 0 }));
    expect(err).to.be.instanceOf(ConfigError);
    expect(err.message).to.contain('not a URL').and.to.contain('workers');
    const missing = await rejection(createOcrPool({ langPath: '/nonexistent-tessdata', languages: ['nld'] }));
    expect(missing.code).to.equal('OCR_CONFIG_INVALID');
    expect(missing.message).to.contain('nld.traineddata is missing');
  });

  it('refuses pages once closed', async () => {
    const p = await createOcrPool({ langPath, workers: 1 });
    await p.close();
    const err = await rejection(p.recognize(Buffer.from([1])));
    expect(err.code).to.equal('OCR_CLOSED');
    expect(err.retriable).to.equal(true);
  });
});
