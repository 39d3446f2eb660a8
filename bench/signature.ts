import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectSignature } from '../processors/idcheck/index.ts';
import { DEBIAN_TESSDATA, createOcrPool } from '../processors/ocr/index.ts';
import { signatureSet, type SignatureSample } from '../test/support/letters/signatures.ts';

/**
 * `npm run bench -- signature`: recall and precision of detectSignature on generated
 * signature photos and scans against screenshots, document photos, logos, QR codes, charts
 * and photos (test/support/letters/signatures.ts). Two sets from disjoint seeds: 'dev', the
 * one the thresholds were looked at on, and 'held-out', which was only scored. OCR runs as
 * in the pipeline (the detector takes its word count and confidence); its results are
 * cached in the temp folder by image hash, so a rerun measures the detector alone.
 * SIGNATURE_BENCH_ROUNDS (default 4) sets the size; SIGNATURE_BENCH_DUMP=dir writes the images;
 * SIGNATURE_BENCH_FRESH=<seed> adds a third set from that seed, for a score nobody has looked at.
 */
export async function run(): Promise<object> {
  const rounds = Number(process.env.SIGNATURE_BENCH_ROUNDS ?? 4);
  const dump = process.env.SIGNATURE_BENCH_DUMP;
  const cacheDir = join(tmpdir(), 'kcc-signature-bench');
  await mkdir(cacheDir, { recursive: true });
  const pool = await createOcrPool({ langPath: process.env.KCC_TESSDATA ?? DEBIAN_TESSDATA, workers: 2 });
  const out: Record<string, object> = {};
  try {
    const sets: Array<[string, number]> = [['dev', 1000], ['held-out', 5000]];
    if (process.env.SIGNATURE_BENCH_FRESH) sets.push(['fresh', Number(process.env.SIGNATURE_BENCH_FRESH)]);
    for (const [set, seed0] of sets) {
      const samples = await signatureSet(seed0, rounds);
      if (dump) {
        await mkdir(join(dump, set), { recursive: true });
        await Promise.all(samples.map((s) => writeFile(join(dump, set, `${s.name}.${s.mime === 'image/png' ? 'png' : 'jpg'}`), s.image)));
      }
      const rows = await Promise.all(samples.map(async (s: SignatureSample) => {
        const key = join(cacheDir, createHash('sha256').update(s.image).digest('hex').slice(0, 32) + '.json');
        let ocr: { words: number; confidence: number };
        try {
          ocr = JSON.parse(await readFile(key, 'utf8')) as { words: number; confidence: number };
        } catch {
          const r = await pool.recognize(s.image);
          ocr = { words: r.words, confidence: r.confidence };
          await writeFile(key, JSON.stringify(ocr));
        }
        const t0 = performance.now();
        const d = await detectSignature({ image: s.image, ocrWords: ocr.words, ocrConfidence: ocr.confidence });
        return { s, d, ocr, ms: performance.now() - t0 };
      }));
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const { s, d, ocr, ms } of rows) {
        if (d.isSignature && s.isSignature) tp++;
        else if (d.isSignature) fp++;
        else if (s.isSignature) fn++;
        const mark = d.isSignature === s.isSignature ? '  ' : 'XX';
        console.log(`${set.padEnd(8)} ${mark} ${s.name.padEnd(40)} ${String(d.isSignature).padEnd(5)} ${d.reason.padEnd(13)} words=${ocr.words} conf=${Math.round(ocr.confidence)} ink=${d.inkRatio} aspect=${d.inkAspect} box=${d.inkBoxShare} ${Math.round(ms)}ms`);
      }
      const positives = rows.filter((r) => r.s.isSignature).length;
      out[set] = { positives, negatives: rows.length - positives, tp, fp, fn, recall: tp / positives, precision: tp + fp === 0 ? 1 : tp / (tp + fp) };
    }
  } finally {
    await pool.close();
  }
  for (const [set, m] of Object.entries(out)) console.log(set, JSON.stringify(m));
  console.log(JSON.stringify(out));
  return out;
}
