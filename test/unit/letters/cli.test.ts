/**
 * `kcc extract` on scans and on the pages of one letter (`--letter`): the e-mail JSON shape,
 * with ID-copy and signature pages named. Real OCR on two small images (an ID card and a
 * signature strip); the letter page is a text-layer PDF so it needs none.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { extractFiles } from '../../../cli/extract.ts';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool } from '../../../processors/ocr/index.ts';
import { textPdf, truncated } from '../../support/letters/files.ts';
import { PEOPLE, renderIdCard, renderSignature } from '../../support/letters/ids.ts';
import { letterText } from '../../support/letters/letters.ts';
import { buildMail } from '../../support/mail.ts';

const langPath = process.env.KCC_TESSDATA ?? DEBIAN_TESSDATA;
const run = promisify(execFile);
const KCC = fileURLToPath(new URL('../../../bin/kcc.js', import.meta.url));

describe('letters: kcc extract on scans and letters', function () {
  this.timeout(120_000);
  let dir: string;
  let pool: OcrPool;
  const ocr = async () => pool;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-extract-'));
    pool = await createOcrPool({ langPath, workers: 2 });
    const lines = letterText('nl', 1).flatMap((b) => [...b, '']);
    await writeFile(join(dir, 'brief.pdf'), await textPdf([lines]));
    await writeFile(join(dir, 'id.png'), (await renderIdCard(PEOPLE[0]!)).image);
    await writeFile(join(dir, 'handtekening.png'), (await renderSignature(7)).image);
    await writeFile(join(dir, 'kapot.pdf'), truncated(await textPdf([lines])));
    await writeFile(join(dir, 'vraag.eml'), buildMail({ from: 'burger@citizens.test', subject: 'Wachtwoord vergeten', text: 'Ik ben mijn DigiD wachtwoord vergeten.\n\nMet vriendelijke groet,\nJan Jansen' }));
    await writeFile(join(dir, 'vraag.docx'), 'PK\x03\x04');
  });
  after(async () => {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--letter: one object for the pages, naming the ID-copy and signature pages', async () => {
    const { output, failed } = await extractFiles([join(dir, 'brief.pdf'), join(dir, 'id.png'), join(dir, 'handtekening.png')], { letter: true, ocr });
    expect(failed).to.equal(0);
    const o = JSON.parse(output);
    expect(o).to.include({ file: 'brief.pdf', is_case: true, language: 'nl', topic: 'digid_activeren' });
    expect(o.citizen).to.include({ name: 'J. de Vries', street: 'Lindelaan', house_number: '12', postcode: '3581AB', city: 'Utrecht' });
    expect(o.id_document_attachments).to.deep.equal(['id.png']);
    expect(o.signature_attachments).to.deep.equal(['handtekening.png']);
    // The ID page's contents never reach the output.
    expect(output).to.not.contain(PEOPLE[0]!.documentNumber);
    expect(output).to.not.contain(PEOPLE[0]!.surname);
  });

  it('files: scans and mail side by side, one object each, errors per file with a code', async () => {
    const files = ['brief.pdf', 'kapot.pdf', 'vraag.eml', 'vraag.docx'].map((f) => join(dir, f));
    const { output, failed } = await extractFiles(files, { ocr });
    const arr = JSON.parse(output) as Array<Record<string, unknown>>;
    expect(arr.map((x) => x.file)).to.deep.equal(['brief.pdf', 'kapot.pdf', 'vraag.eml', 'vraag.docx']);
    expect(arr[0]).to.include({ is_case: true, topic: 'digid_activeren' });
    expect(arr[0]!.id_document_attachments).to.deep.equal([]);
    expect((arr[1]!.error as { code: string }).code).to.equal('PAGES_BROKEN');
    expect(arr[2]).to.include({ is_case: true, topic: 'digid_wachtwoord' });
    expect((arr[3]!.error as { code: string }).code).to.equal('CLI_UNSUPPORTED_TYPE');
    expect(failed).to.equal(2);
  });

  it('the kcc command accepts --letter and reads a text-layer scan without starting OCR', async () => {
    const { stdout } = await run(process.execPath, [KCC, 'extract', '--letter', join(dir, 'brief.pdf'), '--json']);
    expect(JSON.parse(stdout)).to.include({ file: 'brief.pdf', topic: 'digid_activeren' });
    const bad = await run(process.execPath, [KCC, 'extract', '--pages', join(dir, 'brief.pdf')]).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).to.equal(2);
  });
});
