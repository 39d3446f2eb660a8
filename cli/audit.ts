/**
 * `kcc audit verify` and `kcc audit export`: the data-protection officer's view of the audit
 * log and the deletion log.
 *
 *   kcc audit verify [--json]
 *       recompute the deletion log's hash chain; exit 1 and name the first broken link if
 *       it does not verify. Prints the head hash: keep it, so a rewritten tail shows later.
 *   kcc audit export [--from ISO] [--to ISO] [--log audit|deletion|all]
 *       JSON lines, oldest first (`from` inclusive, `to` exclusive). Deletion links keep the
 *       exact stored form, so an exported range can be checked offline (verifyChain).
 *
 * This file also holds the plumbing the other database subcommands (dsar, retention) share:
 * configuration, one connection closed in `finally`, output streams and the acting account,
 * all injectable so tests run the commands against their own database.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../config/index.ts';
import { TransientError } from '../lib/errors.ts';
import { auditEntryJson, createAuditLog, deletionEntryJson, type Actor, type Range } from '../processors/audit/index.ts';
import { usageOf } from './usage.ts';

export interface CliDeps {
  /** Defaults to loadConfig() (the environment). */
  config?: Config;
  /** Overrides config.mongoUrl (tests). */
  mongoUrl?: string;
  out?: (text: string) => void;
  err?: (text: string) => void;
  clock?: () => Date;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  clock: () => Date;
}

export function ioOf(deps: CliDeps): CliIo {
  return {
    out: deps.out ?? ((t) => void process.stdout.write(t)),
    err: deps.err ?? ((t) => void process.stderr.write(t)),
    clock: deps.clock ?? (() => new Date()),
  };
}

/** Connect, run, close — the connection never outlives the command. */
export async function withConnection<T>(deps: CliDeps, fn: (conn: mongoose.Connection, config: Config) => Promise<T>): Promise<T> {
  const config = deps.config ?? loadConfig();
  const url = deps.mongoUrl ?? config.mongoUrl;
  const conn = await mongoose
    .createConnection(url, { serverSelectionTimeoutMS: 15_000 })
    .asPromise()
    .catch((err: unknown) => {
      throw new TransientError('MONGO_UNREACHABLE', 'MongoDB at the configured URL did not answer within 15 s', err);
    });
  try {
    return await fn(conn, config);
  } finally {
    await conn.close();
  }
}

/**
 * The account recorded in audit entries: `--actor NAME` or `cli:<login name>`. An account id,
 * not an e-mail address (the audit log holds no contact details).
 */
export function cliActor(name: string | undefined, role: string): Actor {
  const id = name && name.length > 0 ? name : `cli:${safeUser()}`;
  return { id, role };
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A usage error: exit code 2 with a one-line reason and the usage text. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const AUDIT_USAGE = usageOf('audit');

function isoArg(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date or date-time`);
  return d;
}

export async function auditCommand(args: string[], deps: CliDeps = {}): Promise<number> {
  const io = ioOf(deps);
  const [sub, ...rest] = args;
  try {
    if (sub === 'verify') {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
      return await withConnection(deps, async (conn) => {
        const report = await createAuditLog(conn, { clock: io.clock }).verifyDeletionLog();
        if (values.json) {
          io.out(`${JSON.stringify(report)}\n`);
        } else if (report.ok) {
          io.out(`deletion log intact: ${report.entries} link(s)${report.head ? `; head #${report.head.seq} ${report.head.hash}` : ''}\n`);
        } else {
          io.out(`deletion log BROKEN at link #${report.broken!.seq} (${report.broken!.reason}): ${report.broken!.message}\n` +
            `last good link: ${report.head ? `#${report.head.seq} ${report.head.hash}` : 'none'}\n`);
        }
        return report.ok ? 0 : 1;
      });
    }
    if (sub === 'export') {
      const { values } = parseArgs({
        args: rest,
        options: { from: { type: 'string' }, to: { type: 'string' }, log: { type: 'string', default: 'all' } },
        strict: true,
      });
      if (!['audit', 'deletion', 'all'].includes(values.log!)) throw new UsageError('--log must be audit, deletion or all');
      const range: Range = {};
      const from = isoArg('from', values.from);
      const to = isoArg('to', values.to);
      if (from) range.from = from;
      if (to) range.to = to;
      return await withConnection(deps, async (conn) => {
        const audit = createAuditLog(conn, { clock: io.clock });
        if (values.log !== 'audit') for await (const e of audit.deletionEntries(range)) io.out(`${JSON.stringify(deletionEntryJson(e))}\n`);
        if (values.log !== 'deletion') for await (const e of audit.entries(range)) io.out(`${JSON.stringify(auditEntryJson(e))}\n`);
        return 0;
      });
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`kcc audit: ${(err as Error).message}\n${AUDIT_USAGE}`);
      return 2;
    }
    throw err;
  }
}
