import type { Worker as ThreadWorker } from 'node:worker_threads';
import { expect } from 'chai';
import sharp from 'sharp';
import { ConfigError, InputError, PipelineError } from '../../../lib/errors.ts';
import { DEBIAN_TESSDATA, createOcrPool, wordsFromTsv, type OcrPool } from '../../../processors/ocr/index.ts';
import { skewFromTsv } from '../../../processors/ocr/preprocess.ts';
import { analyseLetter } from '../../../processors/letters/index.ts';
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

  it('gives every word with its confidence and its line in the text', async () => {
    const page = await renderLetter({ language: 'nl', letterSeed: 21, rotateDeg: 0.5, grain: 15, seed: 21 });
    const r = await pool.recognize(page.image);
    const lines = r.text.split('\n').filter((l) => l.trim() !== '');
    expect(r.wordList.length).to.equal(r.text.split(/\s+/).filter(Boolean).length);
    for (const w of r.wordList) {
      expect(lines[w.line]!.split(' '), `line ${w.line}`).to.include(w.text);
      expect(w.confidence).to.be.within(0, 100);
    }
    expect(r.wordList.at(-1)!.line).to.equal(lines.length - 1);
    // The letter's words carry the same confidences, placed on the letter text's lines.
    const a = await analyseLetter([{ name: 'page-1', image: page.image, mime: page.mime }], { ocr: pool });
    expect(a.words.length).to.equal(r.wordList.length);
    const textLines = a.text.split('\n');
    for (const w of a.words) expect(textLines[w.line]!.split(' ')).to.include(w.text);
    expect(a.words[0]).to.include({ page: 0, line: 0 });
  });

  it('reads a page scanned 4° askew: the skew found from the word boxes sends it to a deskewed second reading', async () => {
    const page = await renderLetter({ language: 'en', letterSeed: 303, seed: 303, rotateDeg: 4, grain: 10 });
    const plain = await createOcrPool({ langPath, workers: 1, preprocess: [] });
    try {
      // Without it tesseract reads the lines broken up and out of order, with high confidence.
      const before = await plain.recognize(page.image);
      expect(cer(before.text, page.text), 'CER without the second reading').to.be.above(0.2);
    } finally {
      await plain.close();
    }
    const r = await pool.recognize(page.image);
    expect(cer(r.text, page.text), 'CER with it').to.be.at.most(0.02);
    expect(r.deskew).to.be.within(-4.5, -3.5);
  });

  it('parses tesseract TSV into words and a skew', () => {
    const row = (block: number, line: number, word: number, left: number, top: number, conf: string, text: string) =>
      ['5', '1', String(block), '1', String(line), String(word), String(left), String(top), '100', '40', conf, text].join('\t');
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '4\t1\t1\t1\t1\t0\t0\t0\t900\t40\t-1\t',
      row(1, 1, 1, 0, 0, '96.5', 'Jan'), row(1, 1, 2, 300, 5, '91.25', 'de'), row(1, 1, 3, 600, 10, '40', 'Boer'), row(1, 1, 4, 900, 16, '88', 'x'),
      row(2, 1, 1, 0, 100, '-1', ' '), row(2, 1, 2, 0, 100, '77', 'Zwolle'),
    ].join('\n');
    expect(wordsFromTsv(tsv)).to.deep.equal([
      { text: 'Jan', confidence: 96.5, line: 0 }, { text: 'de', confidence: 91.3, line: 0 }, { text: 'Boer', confidence: 40, line: 0 }, { text: 'x', confidence: 88, line: 0 },
      { text: 'Zwolle', confidence: 77, line: 1 },
    ]);
    expect(skewFromTsv(tsv)).to.be.closeTo((Math.atan2(16, 900) * 180) / Math.PI, 0.01);
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
