/**
 * `kcc COMMAND --help` / `-h` prints that command's usage on stdout and exits 0, for every
 * command and subcommand, without a database; a wrong option or subcommand exits 2 with the
 * usage on stderr. Run in-process through run() (cli/main.ts), and once through bin/kcc.js
 * with MongoDB pointed at a closed port, so "needs no server" is shown, not assumed.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { run } from '../../../cli/main.ts';
import { COMMANDS } from '../../../cli/usage.ts';

const KCC = fileURLToPath(new URL('../../../bin/kcc.js', import.meta.url));

async function kcc(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** Every command and subcommand, as argv prefixes: ['extract'], ['retention', 'report'], … */
const ALL: string[][] = Object.entries(COMMANDS).flatMap(([name, subs]) =>
  Object.keys(subs).flatMap((sub) => (sub === '' ? [[name]] : [[name], [name, sub]])),
).filter((a, i, all) => all.findIndex((b) => b.join(' ') === a.join(' ')) === i);

describe('cli: --help and usage errors', function () {
  it('covers every command and subcommand', function () {
    expect(ALL.map((a) => a.join(' '))).to.have.members([
      'extract', 'register', 'dsar', 'dsar export', 'dsar erase', 'audit', 'audit verify', 'audit export',
      'retention', 'retention report', 'retention recompute',
      'deadletters', 'deadletters list', 'deadletters show', 'deadletters retry',
      'survey', 'survey report',
    ]);
  });

  for (const prefix of ALL) {
    for (const flag of ['--help', '-h']) {
      it(`kcc ${prefix.join(' ')} ${flag} prints its usage and exits 0`, async function () {
        const r = await kcc(...prefix, flag);
        expect(r.code, r.err).to.equal(0);
        expect(r.err).to.equal('');
        expect(r.out).to.match(/^usage:/);
        // The usage names the command (and the subcommand, when one was given).
        expect(r.out).to.include(`kcc ${prefix.join(' ')}`);
        if (prefix.length === 2) {
          const other = Object.keys(COMMANDS[prefix[0]!]!).find((s) => s !== prefix[1])!;
          expect(r.out, 'only the subcommand asked about').not.to.include(`kcc ${prefix[0]} ${other}`);
        }
      });
    }
  }

  it('--help after options and values still means help (kcc dsar export --email x --help)', async function () {
    const r = await kcc('dsar', 'export', '--email', 'x@example.org', '--help');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^usage: kcc dsar export/);
  });

  it('kcc --help, -h and help print every command on stdout; no command is a usage error', async function () {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await kcc(flag);
      expect(r.code).to.equal(0);
      for (const name of Object.keys(COMMANDS)) expect(r.out).to.include(`kcc ${name}`);
    }
    const none = await kcc();
    expect(none.code).to.equal(2);
    expect(none.err).to.match(/^usage:/);
  });

  const wrong: Array<{ argv: string[]; says: RegExp }> = [
    { argv: ['retention', 'report', '--bogus'], says: /Unknown option '--bogus'/ },
    { argv: ['retention', 'recompute', '--batch-size', '0'], says: /--batch-size must be/ },
    { argv: ['retention', 'bogus'], says: /unknown subcommand "bogus"/ },
    { argv: ['retention', 'bogus', '--help'], says: /unknown subcommand "bogus"/ },
    { argv: ['retention'], says: /missing subcommand/ },
    { argv: ['dsar', 'export', '--bogus'], says: /Unknown option '--bogus'/ },
    { argv: ['dsar', 'export'], says: /give at least one of/ },
    { argv: ['audit', 'verify', '--bogus'], says: /Unknown option '--bogus'/ },
    { argv: ['audit', 'export', '--log', 'x'], says: /--log must be/ },
    { argv: ['extract', '--bogus', 'a.eml'], says: /unknown option --bogus/ },
    { argv: ['extract'], says: /no files given/ },
    { argv: ['register', '--bogus'], says: /Unknown option '--bogus'/ },
    { argv: ['register', '--lang', 'fr'], says: /--lang must be nl or en/ },
    { argv: ['bogus'], says: /unknown command "bogus"/ },
  ];
  for (const { argv, says } of wrong) {
    it(`kcc ${argv.join(' ')} exits 2 with the reason and the usage on stderr`, async function () {
      const r = await kcc(...argv);
      expect(r.code).to.equal(2);
      expect(r.out).to.equal('');
      expect(r.err).to.match(says);
      expect(r.err).to.match(/\nusage:/);
    });
  }

  it('bin/kcc.js: --help exits 0 with MongoDB unreachable; a wrong option exits 2', async function () {
    const env = { ...process.env, KCC_MONGO_URL: 'mongodb://127.0.0.1:1/none' };
    const help = await promisify(execFile)(process.execPath, [KCC, 'retention', 'report', '--help'], { env, timeout: 20_000 });
    expect(help.stdout).to.match(/^usage: kcc retention report/);
    const bad = await promisify(execFile)(process.execPath, [KCC, 'audit', 'verify', '--bogus'], { env, timeout: 20_000 })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/usage:/);
  });
});
