/**
 * processors/deadletters: dead letters visible to people.
 *
 * The dead-letter topic keeps records 3 days and no person reads Kafka. This stage copies
 * every dead letter into the `dead_letters` collection — written by one consumer of the
 * topic, so every stage that dead-letters (ingestors and processors alike) is covered
 * without each writing to the database itself — where `kcc deadletters list|show|retry`
 * finds them. Idempotent by the dead letter's key: the same failure dead-lettered again
 * (a redelivery after a crash) stays one record. No content, no addresses: code, reason,
 * time, source reference, SHA-256, size, claim-check location; `expiresAt` from the register
 * term `dead_letter_record` (P30D).
 *
 * A record on the topic that does not fit the contract is logged and skipped, never
 * dead-lettered: a dead letter of a dead letter would come back here for ever.
 */
import type { Connection, Model } from 'mongoose';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import { DeadLetterV1, decode } from '../../lib/contracts.ts';
import { errorCode } from '../../lib/errors.ts';
import type { Bus, ConsumerHandle, IncomingRecord } from '../../lib/kafka/index.ts';
import type { Logger } from '../../lib/logger.ts';
import { pdSchema } from '../../lib/pd-schema.ts';

export const DEAD_LETTER_COLLECTION = 'dead_letters';

const ActionSchema = pdSchema(
  {
    kind: { type: String, pd: false },
    at: { type: Date, pd: false },
    actorId: { type: String, pd: false },
    actorRole: { type: String, pd: false },
    requestId: { type: String, pd: false },
    how: { type: String, pd: false },
    caseNumber: { type: String, pd: false },
  },
  { _id: false },
);

export const deadLetterSchema = pdSchema(
  {
    /** The dead letter's record key (e.g. the raw message's SHA-256, or mailbox/uidvalidity/uid). */
    _id: { type: String, pd: false },
    code: { type: String, required: true, pd: false },
    /** Fixed wording from the stage's error; no personal data (lib/kafka/stage.ts). */
    reason: { type: String, pd: false },
    at: { type: Date, required: true, pd: false },
    sourceTopic: { type: String, pd: false },
    partition: { type: Number, pd: false },
    offset: { type: String, pd: false },
    /** Where the message came from: our mailbox and UID, or the scanning street's file name. */
    sourceRef: {
      kind: { type: String, pd: false },
      account: { type: String, pd: false },
      mailbox: { type: String, pd: false },
      uidValidity: { type: String, pd: false },
      uid: { type: Number, pd: false },
      via: { type: String, pd: false },
      file: { type: String, pd: false },
    },
    sha256: { type: String, pd: false },
    size: { type: Number, pd: false },
    /** Where the raw bytes wait in GridFS (deleted by the claim-check term, P3D). */
    claimCheck: { bucket: { type: String, pd: false }, fileId: { type: String, pd: false } },
    /** Where on the dead-letter topic it is. */
    deadLetterOffset: { partition: { type: Number, pd: false }, offset: { type: String, pd: false } },
    retriedAt: { type: Date, pd: false },
    retriedHow: { type: String, pd: false },
    /**
     * What people did with it from the workbench (actions.ts): who (account id and role, no
     * name), when, and the form's request id that makes a double click one effect.
     */
    actions: { type: [ActionSchema], default: undefined, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: DEAD_LETTER_COLLECTION, versionKey: false, strict: 'throw' },
);
deadLetterSchema.index({ at: -1 });

export interface DeadLetterDoc {
  _id: string; code: string; reason?: string; at: Date; sourceTopic?: string; partition?: number; offset?: string;
  sourceRef?: { kind?: string; account?: string; mailbox?: string; uidValidity?: string; uid?: number; via?: string; file?: string };
  sha256?: string; size?: number; claimCheck?: { bucket: string; fileId: string };
  deadLetterOffset?: { partition: number; offset: string };
  retriedAt?: Date; retriedHow?: string; expiresAt: Date;
  actions?: DeadLetterAction[];
}

export interface DeadLetterAction {
  kind: 'retried' | 'opened_as_case';
  at: Date; actorId: string; actorRole: string; requestId: string;
  how?: string; caseNumber?: string;
}

export function deadLetterModel(conn: Connection): Model<DeadLetterDoc> {
  return conn.models.DeadLetter ? (conn.models.DeadLetter as unknown as Model<DeadLetterDoc>) : conn.model<DeadLetterDoc>('DeadLetter', deadLetterSchema);
}

/** The stored form of one dead-letter record. */
export function deadLetterDoc(entry: DeadLetterV1, record: Pick<IncomingRecord, 'key' | 'partition' | 'offset' | 'topic'>): DeadLetterDoc {
  const at = new Date(entry.at);
  return {
    _id: record.key ?? `${record.topic}:${record.partition}:${record.offset}`,
    code: entry.code, reason: entry.reason, at,
    sourceTopic: entry.sourceTopic, partition: entry.partition, offset: entry.offset,
    sourceRef: { ...entry.sourceRef },
    ...(entry.sha256 ? { sha256: entry.sha256 } : {}),
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    ...(entry.claimCheck ? { claimCheck: { ...entry.claimCheck } } : {}),
    deadLetterOffset: { partition: record.partition, offset: record.offset },
    expiresAt: addDuration(at, technicalRetentionFor('dead_letter_record')),
  };
}

export interface DeadLetterRecorder {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: { recorded: number; skipped: number };
}

export function createDeadLetterRecorder(o: { bus: Bus; conn: Connection; topic: string; groupId: string; logger: Logger }): DeadLetterRecorder {
  const log = o.logger.child({ stage: 'deadletters' });
  const DeadLetter = deadLetterModel(o.conn);
  const stats = { recorded: 0, skipped: 0 };
  let consumer: ConsumerHandle | null = null;

  async function handle(record: IncomingRecord): Promise<void> {
    let entry: DeadLetterV1;
    try {
      entry = decode(DeadLetterV1, record.value, 'dead letter');
    } catch (err) {
      stats.skipped += 1;
      log.warn({ code: errorCode(err), partition: record.partition, offset: record.offset }, 'dead-letter record does not fit the contract; skipped');
      return;
    }
    const doc = deadLetterDoc(entry, record);
    try {
      // First one wins: a repeat of the same failure changes nothing (and never clears retriedAt).
      await DeadLetter.collection.updateOne({ _id: doc._id } as never, { $setOnInsert: doc } as never, { upsert: true });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return; // a concurrent upsert of the same key
      throw err; // the database is away: the record comes back (offset not committed)
    }
    stats.recorded += 1;
  }

  return {
    stats,
    async start() {
      await DeadLetter.createIndexes();
      consumer = await o.bus.consume({ groupId: o.groupId, topics: [o.topic], partitionsConsumedConcurrently: 1 }, handle);
      log.info({ topic: o.topic, group: o.groupId }, 'dead-letter recorder ready');
    },
    async stop() {
      await consumer?.stop();
      consumer = null;
    },
  };
}

export {
  DEAD_LETTER_PAGE_SIZE, findDeadLetter, listDeadLetters, openAsCaseOnce, rawLocation, recordDeadLetterAction, retryDeadLetter, retryOnce, sourceText, summaryOf,
  type DeadLetterPage, type DeadLetterSummary, type RetryConfig, type RetryOutcome,
} from './actions.ts';
