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
import { ImapFlow } from 'imapflow';
import { ObjectId } from 'mongodb';
import type { mongo } from 'mongoose';
import type { Config } from '../config/index.ts';
import { addDuration, technicalRetentionFor } from '../config/register.ts';
import { createClaimCheckStore } from '../lib/claimcheck.ts';
import { encodeRawMail, messageIdFromRaw, sha256Of, threadKeyFromRaw, topicName, type ImapSourceRef, type RawMailV2 } from '../lib/contracts.ts';
import { createBus } from '../lib/kafka/index.ts';
import { silentLogger } from '../lib/logger.ts';
import { deadLetterModel, type DeadLetterDoc } from '../processors/deadletters/index.ts';
import { UsageError, ioOf, withConnection, type CliDeps } from './audit.ts';

export const DEADLETTERS_USAGE = `usage:
  kcc deadletters list [--code CODE] [--limit N] [--json]
                                     dead letters, newest first (default 50)
  kcc deadletters show ID [--json]   one dead letter, and where its raw bytes are and when they go
  kcc deadletters retry ID           hand an e-mail to the pipeline again (from its claim check,
                                     else from the intake mailbox's processed folder)
ID is the id \`list\` prints; a unique prefix will do.
`;

type Db = mongo.Db;

/** Where a dead letter's raw bytes are, line by line, with the time each copy goes. */
export async function rawLocation(d: DeadLetterDoc, config: Config, db: Db): Promise<{ lines: string[]; claimCheck: 'present' | 'gone' | null }> {
  const lines: string[] = [];
  let claimCheck: 'present' | 'gone' | null = null;
  if (d.claimCheck) {
    const file = await db.collection(`${d.claimCheck.bucket}.files`).findOne({ _id: new ObjectId(d.claimCheck.fileId) }, { projection: { metadata: 1 } });
    if (file) {
      claimCheck = 'present';
      const until = (file.metadata as { expiresAt?: Date } | undefined)?.expiresAt;
      lines.push(`GridFS bucket "${d.claimCheck.bucket}", file ${d.claimCheck.fileId}: deleted at ${until ? until.toISOString() : 'its term'} (register term claim_check_blob, ${technicalRetentionFor('claim_check_blob')})`);
    } else {
      claimCheck = 'gone';
      lines.push(`GridFS claim check ${d.claimCheck.fileId}: gone (deleted after its term, ${technicalRetentionFor('claim_check_blob')}, or once the message was stored)`);
    }
  }
  const ref = d.sourceRef ?? {};
  if (ref.kind === 'imap') {
    const until = addDuration(d.at, technicalRetentionFor('imap_processed'));
    lines.push(`intake mailbox ${ref.account ?? config.imap.user}, folder "${config.imap.processedFolder}": until about ${until.toISOString()} (expunged by the retention role 3 days after receipt, register term imap_processed)`);
    if (d.code === 'INGEST_TOO_LARGE') lines.push('never published: refused by its size before its bytes were read, so it is only in that folder');
    else if (!d.claimCheck && d.sourceTopic && d.partition !== undefined && d.partition >= 0) {
      lines.push(`Kafka topic ${d.sourceTopic}, partition ${d.partition}, offset ${d.offset}: until about ${addDuration(d.at, technicalRetentionFor('kafka_topic')).toISOString()} (topic retention)`);
    }
  } else if (ref.kind === 'letter') {
    lines.push(`scanned file "${ref.file}" (${ref.via}): in the drop folder's rejected/ when the ingestor refused it (removed after KCC_ID_DOCUMENT_MAX_DAYS days), else done/ (removed after the claim-check term); page images by claim check`);
  } else {
    lines.push('source unknown: the record could not be decoded, nothing refers to raw bytes');
  }
  return { lines, claimCheck };
}

async function findOne(db: Db, id: string): Promise<DeadLetterDoc> {
  const col = db.collection<DeadLetterDoc>('dead_letters');
  const exact = await col.findOne({ _id: id });
  if (exact) return exact;
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches = await col.find({ _id: { $regex: `^${escaped}` } } as never).limit(2).toArray();
  if (matches.length === 0) throw new UsageError(`no dead letter with id ${id}`);
  if (matches.length > 1) throw new UsageError(`id ${id} is ambiguous: give more of it`);
  return matches[0]!;
}

function sourceText(d: DeadLetterDoc): string {
  const r = d.sourceRef ?? {};
  if (r.kind === 'imap') return `imap ${r.mailbox}/${r.uidValidity}/${r.uid}`;
  if (r.kind === 'letter') return `letter ${r.via}:${r.file}`;
  return 'unknown';
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
        return retry(d, where.claimCheck, config, conn.db!, io.out, io.err);
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

async function retry(d: DeadLetterDoc, claimCheck: 'present' | 'gone' | null, config: Config, db: Db, out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const ref = d.sourceRef ?? {};
  if (ref.kind !== 'imap' || !ref.mailbox || !ref.uidValidity || !ref.uid) {
    err('kcc deadletters retry: only e-mail can be retried here; a letter is handed in again by putting its file back in the drop folder\n');
    return 1;
  }
  const mark = (how: string) => db.collection('dead_letters').updateOne({ _id: d._id } as never, { $set: { retriedAt: new Date(), retriedHow: how } });
  if (d.code === 'INGEST_TOO_LARGE' && (d.size ?? 0) > config.limits.maxMessageBytes) {
    err(`kcc deadletters retry: the message (${d.size} bytes) is still larger than KCC_MAX_MESSAGE_BYTES (${config.limits.maxMessageBytes}); not retried\n`);
    return 1;
  }
  if (d.claimCheck && claimCheck === 'present') {
    const bytes = await createClaimCheckStore(db, d.claimCheck.bucket).get(d.claimCheck.fileId);
    const sha256 = sha256Of(bytes);
    if (!d.sha256 || sha256 === d.sha256) {
      const env: RawMailV2 = {
        schemaVersion: 2, source: ref as ImapSourceRef, receivedAt: new Date().toISOString(), messageId: messageIdFromRaw(bytes),
        sha256, size: bytes.length, body: { type: 'claim_check', bucket: d.claimCheck.bucket, fileId: d.claimCheck.fileId },
      };
      const bus = createBus({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-cli`, logger: silentLogger() });
      try {
        const producer = await bus.producer();
        await producer.send(topicName(config.kafka.topicPrefix, 'mailRaw'), [{ key: threadKeyFromRaw(bytes) ?? sha256, ...encodeRawMail(env, null) }]);
        await producer.close();
      } finally {
        await bus.close();
      }
      await mark('claim_check');
      out(`re-published from claim check ${d.claimCheck.fileId} to ${topicName(config.kafka.topicPrefix, 'mailRaw')}\n`);
      return 0;
    }
  }
  // The processed folder: found by its exact size, and by its SHA-256 when the dead letter has one.
  const client = new ImapFlow({ host: config.imap.host, port: config.imap.port, secure: config.imap.secure, auth: { user: config.imap.user, pass: config.imap.password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(config.imap.processedFolder);
    let found: number | null = null;
    try {
      const size = d.size;
      const candidates = size === undefined ? [] : ((await client.search({ larger: size - 1, smaller: size + 1 }, { uid: true })) || []).slice(0, 20);
      if (d.sha256) {
        for (const uid of candidates) {
          const m = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (m && m.source && sha256Of(m.source) === d.sha256) { found = uid; break; }
        }
      } else if (candidates.length === 1) found = candidates[0]!;
      else if (candidates.length > 1) {
        err(`kcc deadletters retry: ${candidates.length} messages of ${size} bytes in "${config.imap.processedFolder}" and no SHA-256 to tell them apart; move the right one back to ${ref.mailbox} by hand\n`);
        return 1;
      }
      if (found !== null) await client.messageMove(String(found), ref.mailbox, { uid: true });
    } finally {
      lock.release();
    }
    if (found === null) {
      err(`kcc deadletters retry: the raw bytes are gone: ${d.claimCheck ? 'the claim check was deleted, and ' : ''}the message is no longer in "${config.imap.processedFolder}" (expunged 3 days after receipt, register term imap_processed)\n`);
      return 1;
    }
    await mark('imap');
    out(`moved back from "${config.imap.processedFolder}" to "${ref.mailbox}": the ingestor publishes it again\n`);
    return 0;
  } finally {
    await client.logout().catch(() => undefined);
  }
}
