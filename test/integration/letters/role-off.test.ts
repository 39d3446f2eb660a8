/**
 * The letters role without a drop folder is off: no letter can be published from such a
 * process (the upload stores into the drop folder too), so it starts neither the letter
 * ingestor nor a letter processor (whose consumer-group member a restart after kill -9 used
 * to wait for), and says so in one log line. With a drop folder both start.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../lib/logger.ts';
import { createTestPipeline, type TestPipeline } from '../../support/pipeline.ts';

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { lines, logger: createLogger({ level: 'info', destination: sink }) };
}

describe('letters role: off without a drop folder', function () {
  this.timeout(60_000);
  let p: TestPipeline | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await p?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
    p = null;
    dir = null;
  });

  it('starts no letter ingestor and no letter processor, and logs one line why', async () => {
    p = await createTestPipeline({ KCC_LETTERS_DROP_DIR: '' });
    const { lines, logger } = capture();
    const app = await p.start(['letters'], logger);
    expect(app.components.letterIngestor).to.equal(undefined);
    expect(app.components.letterProcessor).to.equal(undefined);
    const off = lines.filter((l) => l.includes('role letters off'));
    expect(off, 'one line saying the role is off').to.have.length(1);
    expect(off[0]).to.include('KCC_LETTERS_DROP_DIR');
    expect(lines.some((l) => l.includes('raw letter consumer ready')), 'no letter consumer joined a group').to.equal(false);
  });

  it('starts both with a drop folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kcc-it-role-'));
    p = await createTestPipeline({ KCC_LETTERS_DROP_DIR: dir, KCC_LETTERS_UPLOAD_PORT: '0' });
    const { lines, logger } = capture();
    const app = await p.start(['letters'], logger);
    expect(app.components.letterIngestor).to.not.equal(undefined);
    expect(app.components.letterProcessor).to.not.equal(undefined);
    expect(lines.some((l) => l.includes('role letters off'))).to.equal(false);
  });
});
