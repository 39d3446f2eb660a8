/**
 * `kcc deadletters list|show|retry`: dead letters visible to people (issue 12).
 *
 * Reads the `dead_letters` collection (processors/deadletters copies the dead-letter topic
 * there; the topic itself keeps records 3 days). `show` says where the message's raw bytes
 * are and when they go; `retry` hands an e-mail to the pipeline again from wherever its bytes
 * still are: the claim check in GridFS (re-published to the raw-mail topic), else the intake
 * mailbox's processed folder (moved back to the mailbox it came from, which the ingestor
 * watches). When neither has them any more, it says so.
 */
import { parseArgs } from 'node:util';
import type { mongo } from 'mongoose';
import type { Config } from '../config/index.ts';
import { technicalRetentionFor } from '../config/register.ts';
import { InputError } from '../lib/errors.ts';
import { deadLetterModel, findDeadLetter, rawLocation, retryDeadLetter, sourceText, type DeadLetterDoc } from '../processors/deadletters/index.ts';
import { UsageError, ioOf, withConnection, type CliDeps } from './audit.ts';

export const DEADLETTERS_USAGE = `usage:
  kcc deadletters list [--code CODE] [--limit N] [--json]
                                     dead letters, newest first (default 50)
  kcc deadletters show ID [--json]   one dead letter, and where its raw bytes are and when they go
  kcc deadletters retry ID           hand an e-mail to the pipeline again (from its claim check,
                                     else from the intake mailbox's processed folder)
ID is the id \`list\` prints; a unique prefix will do.
`;

async function findOne(db: mongo.Db, id: string): Promise<DeadLetterDoc> {
  try {
    return await findDeadLetter(db, id, { prefix: true });
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.message);
    throw err;
  }
}

export async function deadlettersCommand(args: string[], deps: CliDeps = {}): Promise<number> {
  const io = ioOf(deps);
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    (sub ? io.out : io.err)(DEADLETTERS_USAGE);
    return sub ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, code: { type: 'string' }, limit: { type: 'string' } } });
  } catch (err) {
    io.err(`kcc deadletters: ${(err as Error).message}\n${DEADLETTERS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  try {
    if (sub === 'list') {
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      return await withConnection(deps, async (conn) => {
        const rows = await deadLetterModel(conn).find(values.code ? { code: values.code } : {}).sort({ at: -1 }).limit(limit).lean<DeadLetterDoc[]>();
        if (values.json) io.out(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
        else {
          io.out(rows.length === 0 ? 'no dead letters\n' : '');
          for (const r of rows) io.out(`${r.at.toISOString()}  ${r.code.padEnd(28)} ${r._id.slice(0, 24).padEnd(24)}  ${sourceText(r)}${r.retriedAt ? `  (retried ${r.retriedAt.toISOString()})` : ''}\n`);
        }
        return 0;
      });
    }
    if (sub === 'show' || sub === 'retry') {
      const id = positionals[0];
      if (!id || positionals.length > 1) throw new UsageError(`kcc deadletters ${sub} takes one ID`);
      return await withConnection(deps, async (conn, config) => {
        const db = conn.db!;
        const d = await findOne(db, id);
        const where = await rawLocation(d, config, db);
        if (sub === 'show') {
          if (values.json) io.out(JSON.stringify({ ...d, rawBytes: where.lines }) + '\n');
          else {
            io.out([
              `id:        ${d._id}`, `code:      ${d.code}`, `reason:    ${d.reason ?? ''}`, `at:        ${d.at.toISOString()}`,
              `source:    ${sourceText(d)}`, `stage:     ${d.sourceTopic ?? ''}${d.offset && d.offset !== '-1' ? ` partition ${d.partition} offset ${d.offset}` : ''}`,
              `sha256:    ${d.sha256 ?? '(not read)'}`, `size:      ${d.size ?? '?'} bytes`,
              ...(d.retriedAt ? [`retried:   ${d.retriedAt.toISOString()} (${d.retriedHow})`] : []),
              `record kept until ${d.expiresAt.toISOString()} (register term dead_letter_record, ${technicalRetentionFor('dead_letter_record')})`,
              'raw bytes:', ...where.lines.map((l) => `  - ${l}`), '',
            ].join('\n'));
          }
          return 0;
        }
        return retry(d, config, conn.db!, io.out, io.err);
      });
    }
    throw new UsageError(`unknown subcommand "${sub}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`kcc deadletters: ${err.message}\n${DEADLETTERS_USAGE}`);
      return 2;
    }
    throw err;
  }
}

/** The retry itself is processors/deadletters' (the workbench's "opnieuw proberen" calls the same). */
async function retry(d: DeadLetterDoc, config: Config, db: mongo.Db, out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const outcome = await retryDeadLetter(d, config, db);
  if (outcome.ok) out(`${outcome.message}\n`);
  else err(`kcc deadletters retry: ${outcome.message}\n`);
  return outcome.ok ? 0 : 1;
}
