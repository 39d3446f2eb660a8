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
 *
 * The database commands are imported when called, so `kcc extract` does not load them.
 */
import { extractFiles } from './extract.ts';
import { main as registerMain } from './register.ts';

const USAGE = `usage:
  kcc extract FILE... [--json]       parse (or OCR), extract and classify messages and scanned
                                     letters (.eml .pdf .png .jpg .jpeg .tif .tiff); prints JSON
  kcc extract --letter PAGE... [--json]
                                     the page files, in order, as one letter; prints one object
  kcc register [--lang nl|en] [--json] [--details]
                                     print the processing-register entry M1533
  kcc dsar export|erase (--email X | --phone X | --bsn X)... [--actor NAME]
                                     everything held about a person (JSON), or erase it
  kcc audit verify [--json]          check the deletion log's hash chain
  kcc audit export [--from ISO] [--to ISO] [--log audit|deletion|all]
                                     audit and deletion log as JSON lines
  kcc retention report [--json]      per collection: documents, oldest, next expiry, overdue
  kcc retention recompute [--batch-size N]
                                     rewrite cases' expiresAt from the register's term
  kcc deadletters list|show ID|retry ID
                                     dead letters, where their raw bytes are, hand one in again
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async extract(args) {
    const files = args.filter((a) => !a.startsWith('--'));
    const unknown = args.filter((a) => a.startsWith('--') && a !== '--json' && a !== '--letter');
    if (unknown.length > 0 || files.length === 0) {
      process.stderr.write(unknown.length > 0 ? `kcc extract: unknown option ${unknown[0]}\n` : USAGE);
      return 2;
    }
    const { output, failed } = await extractFiles(files, { letter: args.includes('--letter') });
    process.stdout.write(output);
    return failed > 0 ? 1 : 0;
  },
  async register(args) {
    process.stdout.write(registerMain(args));
    return 0;
  },
  async dsar(args) {
    return (await import('./dsar.ts')).dsarCommand(args);
  },
  async audit(args) {
    return (await import('./audit.ts')).auditCommand(args);
  },
  async retention(args) {
    return (await import('./retention.ts')).retentionCommand(args);
  },
  async deadletters(args) {
    return (await import('./deadletters.ts')).deadlettersCommand(args);
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
