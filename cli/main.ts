/**
 * The `kcc` command. One file per subcommand; this file only dispatches.
 *
 *   kcc extract FILE... [--json]        what the pipeline makes of messages (no servers)
 *   kcc register [--lang en] [--json]   the processing-register entry M1533
 */
import { extractFiles } from './extract.ts';
import { main as registerMain } from './register.ts';

const USAGE = `usage:
  kcc extract FILE... [--json]       parse, extract and classify messages; prints JSON
  kcc register [--lang nl|en] [--json] [--details]
                                     print the processing-register entry M1533
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async extract(args) {
    const files = args.filter((a) => !a.startsWith('--'));
    const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
    if (unknown.length > 0 || files.length === 0) {
      process.stderr.write(unknown.length > 0 ? `kcc extract: unknown option ${unknown[0]}\n` : USAGE);
      return 2;
    }
    const { output, failed } = await extractFiles(files);
    process.stdout.write(output);
    return failed > 0 ? 1 : 0;
  },
  async register(args) {
    process.stdout.write(registerMain(args));
    return 0;
  },
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== '--help' ? `kcc: unknown command "${name}"\n${USAGE}` : USAGE);
    return name && name !== '--help' ? 2 : 0;
  }
  try {
    return await command(rest);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`kcc ${name}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`);
    return 1;
  }
}
