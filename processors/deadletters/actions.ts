/**
 * What a person can do with a dead letter, written once for `kcc deadletters` and the
 * workbench's "Geweigerde berichten" page: list them (newest first, keyset pages), say where
 * the raw bytes are, and hand an e-mail to the pipeline again after a fix.
 *
 * Retry takes the bytes from wherever they still are: the claim check in GridFS (re-published
 * to the raw-mail topic), else the intake mailbox's processed folder (moved back to the
 * mailbox it came from, which the ingestor watches). It never reads or returns content: the
 * outcome is a code and a fixed sentence.
 *
 * `retryOnce` is the workbench's way in: under a per-dead-letter lock (key `deadletter-action:<id>`,
 * not the case's own `deadletter:<id>`, which the note inside takes), the form's request id
 * is looked for on the dead letter's `actions` first, so a double click (or a browser retry
 * after a lost answer) re-publishes once. The CLI's retry is a deliberate command and repeats.
 */
import { ImapFlow } from 'imapflow';
import { ObjectId } from 'mongodb';
import type { mongo } from 'mongoose';
import type { Config } from '../../config/index.ts';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import { createClaimCheckStore } from '../../lib/claimcheck.ts';
import { encodeRawMail, messageIdFromRaw, sha256Of, threadKeyFromRaw, topicName, type ImapSourceRef, type RawMailV2 } from '../../lib/contracts.ts';
import { InputError } from '../../lib/errors.ts';
import { createBus } from '../../lib/kafka/index.ts';
import { silentLogger } from '../../lib/logger.ts';
import { deadLetterCaseKey, openDeadLetterAsCase, type CaseStore } from '../cases/index.ts';
import { DEAD_LETTER_COLLECTION, type DeadLetterAction, type DeadLetterDoc } from './index.ts';

type Db = mongo.Db;
export type RetryConfig = Pick<Config, 'imap' | 'kafka' | 'limits'>;

/** What a list row shows: no content, no address (a dead letter holds none). */
export interface DeadLetterSummary {
  id: string; code: string; reason: string | null; at: Date;
  source: { kind: string; mailbox?: string; file?: string; via?: string };
  size: number | null; retriedAt: Date | null; caseNumber: string | null;
}

export interface DeadLetterPage { items: DeadLetterSummary[]; next: string | null }

export const DEAD_LETTER_PAGE_SIZE = 50;

export function summaryOf(d: DeadLetterDoc): DeadLetterSummary {
  const r = d.sourceRef ?? {};
  const source: DeadLetterSummary['source'] = { kind: r.kind ?? 'unknown' };
  if (r.mailbox) source.mailbox = r.mailbox;
  if (r.file) source.file = r.file;
  if (r.via) source.via = r.via;
  const opened = (d.actions ?? []).find((a) => a.kind === 'opened_as_case');
  return {
    id: d._id, code: d.code, reason: d.reason ?? null, at: d.at, source, size: d.size ?? null,
    retriedAt: d.retriedAt ?? null, caseNumber: opened?.caseNumber ?? null,
  };
}

function encodeCursor(d: Pick<DeadLetterDoc, 'at' | '_id'>): string {
  return Buffer.from(`${d.at.toISOString()}|${d._id}`, 'utf8').toString('base64url');
}

function decodeCursor(s: string): { at: Date; id: string } {
  const text = Buffer.from(s, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const at = new Date(text.slice(0, bar));
  if (bar < 0 || Number.isNaN(at.getTime()) || text.length - bar > 400) throw new InputError('DEADLETTER_BAD_CURSOR', 'the page cursor is not one this server made');
  return { at, id: text.slice(bar + 1) };
}

/** Newest first, keyset pages on (at, _id): the cost of a page does not grow with the pages before it. */
export async function listDeadLetters(db: Db, o: { after?: string | null; limit?: number; code?: string } = {}): Promise<DeadLetterPage> {
  const limit = Math.min(Math.max(o.limit ?? DEAD_LETTER_PAGE_SIZE, 1), 200);
  const find: Record<string, unknown> = o.code ? { code: o.code } : {};
  if (o.after) {
    const cur = decodeCursor(o.after);
    find.$or = [{ at: { $lt: cur.at } }, { at: cur.at, _id: { $lt: cur.id } }];
  }
  const rows = await db.collection<DeadLetterDoc>(DEAD_LETTER_COLLECTION).find(find as never).sort({ at: -1, _id: -1 }).limit(limit + 1).toArray();
  const items = rows.slice(0, limit);
  return { items: items.map(summaryOf), next: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}

/** One dead letter by its id, or a unique prefix of it (the CLI prints 24 characters). */
export async function findDeadLetter(db: Db, id: string, o: { prefix?: boolean } = {}): Promise<DeadLetterDoc> {
  const col = db.collection<DeadLetterDoc>(DEAD_LETTER_COLLECTION);
  const exact = await col.findOne({ _id: id });
  if (exact) return exact;
  if (o.prefix) {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const matches = await col.find({ _id: { $regex: `^${escaped}` } } as never).limit(2).toArray();
    if (matches.length > 1) throw new InputError('DEADLETTER_AMBIGUOUS', `id ${id} is ambiguous: give more of it`);
    if (matches.length === 1) return matches[0]!;
  }
  throw new InputError('DEADLETTER_NOT_FOUND', `no dead letter with id ${id}`);
}

export function sourceText(d: DeadLetterDoc): string {
  const r = d.sourceRef ?? {};
  if (r.kind === 'imap') return `imap ${r.mailbox}/${r.uidValidity}/${r.uid}`;
  if (r.kind === 'letter') return `letter ${r.via}:${r.file}`;
  return 'unknown';
}

/** Where a dead letter's raw bytes are, line by line, with the time each copy goes. */
export async function rawLocation(d: DeadLetterDoc, config: Pick<Config, 'imap'>, db: Db): Promise<{ lines: string[]; claimCheck: 'present' | 'gone' | null }> {
  const lines: string[] = [];
  let claimCheck: 'present' | 'gone' | null = null;
  if (d.claimCheck) {
    const file = ObjectId.isValid(d.claimCheck.fileId)
      ? await db.collection(`${d.claimCheck.bucket}.files`).findOne({ _id: new ObjectId(d.claimCheck.fileId) }, { projection: { metadata: 1 } })
      : null;
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

/** A retry's answer: how it went back into the pipeline, or why it could not (a stable code, a fixed sentence). */
export type RetryOutcome =
  | { ok: true; how: 'claim_check' | 'imap'; message: string }
  | { ok: false; code: 'DEADLETTER_NOT_EMAIL' | 'DEADLETTER_STILL_TOO_LARGE' | 'DEADLETTER_AMBIGUOUS_COPY' | 'DEADLETTER_RAW_GONE'; message: string };

/** Hands an e-mail to the pipeline again from wherever its bytes still are, and marks the dead letter retried. */
export async function retryDeadLetter(d: DeadLetterDoc, config: RetryConfig, db: Db): Promise<RetryOutcome> {
  const ref = d.sourceRef ?? {};
  if (ref.kind !== 'imap' || !ref.mailbox || !ref.uidValidity || !ref.uid) {
    return { ok: false, code: 'DEADLETTER_NOT_EMAIL', message: 'only e-mail can be retried here; a letter is handed in again by putting its file back in the drop folder' };
  }
  const mark = (how: string) => db.collection(DEAD_LETTER_COLLECTION).updateOne({ _id: d._id } as never, { $set: { retriedAt: new Date(), retriedHow: how } });
  if (d.code === 'INGEST_TOO_LARGE' && (d.size ?? 0) > config.limits.maxMessageBytes) {
    return { ok: false, code: 'DEADLETTER_STILL_TOO_LARGE', message: `the message (${d.size} bytes) is still larger than KCC_MAX_MESSAGE_BYTES (${config.limits.maxMessageBytes}); not retried` };
  }
  const { claimCheck } = await rawLocation(d, config, db);
  if (d.claimCheck && claimCheck === 'present') {
    const bytes = await createClaimCheckStore(db, d.claimCheck.bucket).get(d.claimCheck.fileId);
    const sha256 = sha256Of(bytes);
    if (!d.sha256 || sha256 === d.sha256) {
      const env: RawMailV2 = {
        schemaVersion: 2, source: ref as ImapSourceRef, receivedAt: new Date().toISOString(), messageId: messageIdFromRaw(bytes),
        sha256, size: bytes.length, body: { type: 'claim_check', bucket: d.claimCheck.bucket, fileId: d.claimCheck.fileId },
      };
      const bus = createBus({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-retry`, logger: silentLogger() });
      try {
        const producer = await bus.producer();
        await producer.send(topicName(config.kafka.topicPrefix, 'mailRaw'), [{ key: threadKeyFromRaw(bytes) ?? sha256, ...encodeRawMail(env, null) }]);
        await producer.close();
      } finally {
        await bus.close();
      }
      await mark('claim_check');
      return { ok: true, how: 'claim_check', message: `re-published from claim check ${d.claimCheck.fileId} to ${topicName(config.kafka.topicPrefix, 'mailRaw')}` };
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
        return { ok: false, code: 'DEADLETTER_AMBIGUOUS_COPY', message: `${candidates.length} messages of ${size} bytes in "${config.imap.processedFolder}" and no SHA-256 to tell them apart; move the right one back to ${ref.mailbox} by hand` };
      }
      if (found !== null) await client.messageMove(String(found), ref.mailbox, { uid: true });
    } finally {
      lock.release();
    }
    if (found === null) {
      return { ok: false, code: 'DEADLETTER_RAW_GONE', message: `the raw bytes are gone: ${d.claimCheck ? 'the claim check was deleted, and ' : ''}the message is no longer in "${config.imap.processedFolder}" (expunged 3 days after receipt, register term imap_processed)` };
    }
    await mark('imap');
    return { ok: true, how: 'imap', message: `moved back from "${config.imap.processedFolder}" to "${ref.mailbox}": the ingestor publishes it again` };
  } finally {
    await client.logout().catch(() => undefined);
  }
}

export interface Actor { id: string; role: string }

/** Records a person's action on the dead letter (who, when, the request id); field names, no content. */
export async function recordDeadLetterAction(db: Db, id: string, action: DeadLetterAction): Promise<void> {
  await db.collection(DEAD_LETTER_COLLECTION).updateOne({ _id: id } as never, { $push: { actions: action } } as never);
}

/**
 * Retry for the workbench: one effect per request id. `withLock` serialises actions on one
 * dead letter across processes (FerretDB 1.x updates are not atomic: lib/doclock.ts).
 */
export async function retryOnce(
  db: Db, id: string, requestId: string, actor: Actor, config: RetryConfig,
  withLock: <T>(key: string, fn: () => Promise<T>) => Promise<T>,
): Promise<RetryOutcome & { repeated: boolean }> {
  return withLock(`deadletter-action:${id}`, async () => {
    const d = await findDeadLetter(db, id);
    const before = (d.actions ?? []).find((a) => a.requestId === requestId && a.kind === 'retried');
    if (before) return { ok: true, how: (before.how as 'claim_check' | 'imap') ?? 'claim_check', message: 'already retried by this request', repeated: true };
    const outcome = await retryDeadLetter(d, config, db);
    if (outcome.ok) await recordDeadLetterAction(db, d._id, { kind: 'retried', at: new Date(), actorId: actor.id, actorRole: actor.role, requestId, how: outcome.how });
    return { ...outcome, repeated: false };
  });
}


/**
 * "Openen als zaak" for the workbench: the case (processors/cases openDeadLetterAsCase,
 * idempotent by the dead letter's id) and the action on the dead letter, once. A repeat, or a
 * second team lead, gets the same case back with `repeated`. A crash between the case and
 * the action is finished by the next call (the case is found, the action recorded then).
 */
export async function openAsCaseOnce(
  db: Db, store: CaseStore, id: string, requestId: string, actor: Actor, config: Pick<Config, 'imap'>,
  withLock: <T>(key: string, fn: () => Promise<T>) => Promise<T>,
): Promise<{ caseId: string; caseNumber: string; repeated: boolean }> {
  return withLock(`deadletter-action:${id}`, async () => {
    const d = await findDeadLetter(db, id);
    const before = (d.actions ?? []).find((a) => a.kind === 'opened_as_case' && a.caseNumber);
    // Opened before: never again, even when that case has since been closed or erased.
    if (before) return { caseId: deadLetterCaseKey(d._id), caseNumber: before.caseNumber!, repeated: true };
    const raw = await rawLocation(d, config, db);
    const res = await openDeadLetterAsCase(store, d, actor, raw.lines);
    await recordDeadLetterAction(db, d._id, { kind: 'opened_as_case', at: new Date(), actorId: actor.id, actorRole: actor.role, requestId, caseNumber: res.caseNumber });
    return { caseId: res.caseId, caseNumber: res.caseNumber, repeated: false };
  });
}
