/**
 * The `kcc` command. One file per subcommand; this file only dispatches.
 *
 *   kcc extract FILE... [--json]        what the pipeline makes of messages and scans (no servers)
 *   kcc extract --letter PAGE... [--json]   the page files of one letter
 *   kcc register [--lang en] [--json]   the processing-register entry M1533
 *   kcc dsar export|erase ...           subject access and erasure
 *   kcc audit verify|export ...         the audit log and the deletion log
 *   kcc retention report|recompute ...  retention state; rewrite expiresAt from the register
 *   kcc deadletters list|show|retry ... dead letters for people; where the raw bytes are
 *   kcc survey report [--json|--csv]   the satisfaction survey's figures (small groups suppressed)
 *
 * The database commands are imported when called, so `kcc extract` does not load them;
 * `--help` and `-h` print from cli/usage.ts before anything is loaded or connected.
 */
import { parseArgs } from 'node:util';
import { extractFiles } from './extract.ts';
import { main as registerMain } from './register.ts';
import { COMMANDS, USAGE, usageOf, wantsHelp } from './usage.ts';

export { USAGE } from './usage.ts';

/** Where a command writes: the process's streams, or a test's buffers. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: CliOutput = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

type Command = (args: string[], io: CliOutput) => Promise<number>;

const commands: Record<string, Command> = {
  async extract(args, io) {
    const files = args.filter((a) => !a.startsWith('--'));
    const unknown = args.filter((a) => a.startsWith('--') && a !== '--json' && a !== '--letter');
    if (unknown.length > 0 || files.length === 0) {
      io.err(`kcc extract: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'no files given'}\n${usageOf('extract')}`);
      return 2;
    }
    const { output, failed } = await extractFiles(files, { letter: args.includes('--letter') });
    io.out(output);
    return failed > 0 ? 1 : 0;
  },
  async register(args, io) {
    try {
      // Checked here so that a mistyped option is a usage error, not a silently Dutch entry.
      parseArgs({ args, options: { lang: { type: 'string' }, json: { type: 'boolean' }, details: { type: 'boolean' } }, strict: true });
      io.out(registerMain(args));
      return 0;
    } catch (err) {
      if (!(err instanceof RangeError) && !(err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw err;
      io.err(`kcc register: ${(err as Error).message}\n${usageOf('register')}`);
      return 2;
    }
  },
  async dsar(args, io) {
    return (await import('./dsar.ts')).dsarCommand(args, io);
  },
  async audit(args, io) {
    return (await import('./audit.ts')).auditCommand(args, io);
  },
  async retention(args, io) {
    return (await import('./retention.ts')).retentionCommand(args, io);
  },
  async deadletters(args, io) {
    return (await import('./deadletters.ts')).deadlettersCommand(args, io);
  },
  async survey(args, io) {
    return (await import('./survey.ts')).surveyCommand(args, io);
  },
};

/**
 * `--help` / `-h` after a command prints its usage on stdout and exits 0, before anything
 * is loaded or connected; after an unknown subcommand it is still a usage error.
 */
function help(name: string, rest: readonly string[], io: CliOutput): number {
  const subs = Object.keys(COMMANDS[name]!);
  const first = rest[0];
  const hasSubs = !(subs.length === 1 && subs[0] === '');
  if (hasSubs && first !== undefined && !first.startsWith('-')) {
    if (!subs.includes(first)) {
      io.err(`kcc ${name}: unknown subcommand "${first}"\n${usageOf(name)}`);
      return 2;
    }
    io.out(usageOf(name, first));
    return 0;
  }
  io.out(usageOf(name));
  return 0;
}

export async function run(argv: string[], io: CliOutput = STDIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return 0;
  }
  const command = name ? commands[name] : undefined;
  if (!command) {
    io.err(name ? `kcc: unknown command "${name}"\n${USAGE}` : USAGE);
    return 2;
  }
  if (wantsHelp(rest)) return help(name!, rest, io);
  try {
    return await command(rest, io);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.err(`kcc ${name}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`);
    return 1;
  }
}
