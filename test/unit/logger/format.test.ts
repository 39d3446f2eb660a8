/**
 * `npm start` at a terminal prints lines a person can read (pino-pretty); piped, to a file or
 * under a service manager, JSON lines as before. Personal data is redacted in both.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger, wantsPretty } from '../../../lib/logger.ts';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return { stream, text: () => chunks.join('') };
}

describe('logger: readable at a terminal, JSON otherwise', function () {
  it('chooses by whether the output is a terminal', function () {
    expect(wantsPretty({ isTTY: true })).to.equal(true);
    expect(wantsPretty({ isTTY: false })).to.equal(false);
    expect(wantsPretty({})).to.equal(false);
  });

  it('JSON lines when not pretty (as before)', function () {
    const out = capture();
    const log = createLogger({ pretty: false, destination: out.stream });
    log.child({ component: 'kafka' }).info({ count: 3, email: 'jan@example.org' }, 'published');
    const lines = out.text().trim().split('\n');
    expect(lines).to.have.length(1);
    const o = JSON.parse(lines[0]!);
    expect(o).to.include({ level: 30, msg: 'published', component: 'kafka', count: 3, email: '[redacted]' });
  });

  it('pino-pretty lines when pretty: time, level, message and fields, not JSON', async function () {
    const out = capture();
    const log = createLogger({ pretty: true, destination: out.stream });
    log.child({ component: 'kafka' }).warn({ count: 3, email: 'jan@example.org' }, 'published');
    await new Promise((r) => setImmediate(r));
    const text = out.text();
    expect(() => JSON.parse(text.trim().split('\n')[0]!)).to.throw();
    expect(text).to.match(/^\S*\[\d\d:\d\d:\d\d\.\d{3}\]\S* \S*WARN\S*:? \S*published/);
    expect(text).to.match(/component: "kafka"/);
    expect(text).to.match(/count: 3/);
    expect(text).to.include('[redacted]');
    expect(text).not.to.include('jan@example.org');
  });
});
