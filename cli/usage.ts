/**
 * The usage text of every `kcc` command and subcommand, in one module that imports nothing:
 * `kcc … --help` prints from here without loading the database code (or needing a server).
 */

/** Subcommand -> its usage; a command without subcommands has one entry under ''. */
export const COMMANDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  extract: {
    '': `usage: kcc extract FILE... [--json]
       kcc extract --letter PAGE... [--json]
Parse (or OCR), extract and classify messages and scanned letters (.eml .pdf .png .jpg .jpeg
.tif .tiff) the way the pipeline does, without Kafka or MongoDB; prints a JSON array, one
object per file (exit 1 when a file could not be analysed).
  --letter   the files, in order, are the pages of one letter; prints one object
  --json     JSON output (the only format; accepted for scripts)
`,
  },
  register: {
    '': `usage: kcc register [--lang nl|en] [--json] [--details]
Print the processing-register entry M1533 as published (Dutch; English is a translation).
  --lang nl|en   language of the text (default nl)
  --json         the whole entry as JSON, both languages
  --details      add the pipeline's personal-data categories and technical retention terms
`,
  },
  dsar: {
    export: `usage: kcc dsar export (--email X | --phone X | --bsn X)... [--actor NAME] [--role ROLE]
Print everything held about a person as JSON (cases matching any identifier given); audited.
`,
    erase: `usage: kcc dsar erase (--email X | --phone X | --bsn X)... [--actor NAME] [--role ROLE]
Erase everything held about a person; prints the counts per collection as JSON; audited and
recorded in the deletion log.
`,
  },
  audit: {
    verify: `usage: kcc audit verify [--json]
Recompute the deletion log's hash chain; exit 1 and name the first broken link if it does
not verify. Prints the head hash: keep it, so a rewritten tail shows later.
`,
    export: `usage: kcc audit export [--from ISO-8601] [--to ISO-8601] [--log audit|deletion|all]
The audit log and the deletion log as JSON lines, oldest first (--from inclusive, --to exclusive).
`,
  },
  retention: {
    report: `usage: kcc retention report [--json]
Per collection: documents, oldest, next expiry, overdue, without expiresAt, and what deletes them.
`,
    recompute: `usage: kcc retention recompute [--batch-size N] [--actor NAME] [--json]
Rewrite every case's expiresAt from the register's current term (idempotent); prints counts.
`,
  },
  survey: {
    report: `usage: kcc survey report [--json | --csv] [--actor NAME]
The satisfaction survey: response rate, mean and distribution per question, per topic, team
(line) and month of closure. Groups under KCC_SURVEY_MIN_GROUP answers (default 5, never
below 3) show no figures, nor do the groups that would give them away by difference. Per
agent only with KCC_SURVEY_AGENT_FIGURES=true (WOR art. 27 lid 1 sub l), then audited. No free
text (team leads read it on the workbench's report page).
  --json   the report as JSON
  --csv    the figures as CSV (RFC 4180)
`,
  },
  deadletters: {
    list: `usage: kcc deadletters list [--code CODE] [--limit N] [--json]
Dead letters (messages the pipeline refused: code, reason, time; no content), newest first (default 50).
`,
    show: `usage: kcc deadletters show ID [--json]
One dead letter, and where its raw bytes are and when they go. ID is the id \`list\` prints; a unique prefix will do.
`,
    retry: `usage: kcc deadletters retry ID
Hand an e-mail to the pipeline again (from its claim check, else from the intake mailbox's processed folder).
`,
  },
};

/** The usage lines only (no description), for a command or one subcommand. */
function synopsis(text: string): string {
  return text.split('\n').filter((l) => /^(usage: | {7}kcc )/.test(l)).map((l) => l.replace(/^usage: /, '  ').replace(/^ {7}/, '  ')).join('\n');
}

/** `kcc COMMAND --help`: every subcommand's usage; with SUB, that subcommand's usage and description. */
export function usageOf(command: string, sub?: string): string {
  const subs = COMMANDS[command]!;
  if (sub !== undefined && subs[sub]) return subs[sub]!;
  const names = Object.keys(subs);
  if (names.length === 1 && names[0] === '') return subs['']!;
  return `usage:\n${names.map((n) => synopsis(subs[n]!)).join('\n')}\nkcc ${command} SUBCOMMAND --help: what a subcommand does.\n`;
}

/** `kcc --help`: all commands. */
export const USAGE = `usage:
${Object.values(COMMANDS).flatMap((subs) => Object.values(subs).map(synopsis)).join('\n')}
kcc COMMAND --help (or -h) prints a command's usage; kcc COMMAND SUBCOMMAND --help a subcommand's.
`;

/** True when the arguments ask for help: `--help` or `-h` anywhere before a `--`. */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
