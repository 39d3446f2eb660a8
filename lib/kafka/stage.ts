/**
 * The skeleton every consuming stage shares: decode the record against its contract, run
 * the stage's work, and decide what a failure means —
 *  - retriable (a server away): rethrow, so the offset stays and the record comes back;
 *  - not retriable (bad input, or a bug): a dead-letter record with the code, a reason
 *    without personal data and a source reference, then carry on with the next record.
 * One place for this policy, so the stages only say what is theirs: the contract, the work,
 * and what the dead letter may name.
 */
import type { z } from 'zod';
import type { Bus, ConsumerHandle, IncomingRecord, Producer } from './index.ts';
import { decode, encode, DeadLetterV1 } from '../contracts.ts';
import { errorCode, isRetriable, PipelineError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface ConsumerStageOptions<T> {
  bus: Bus;
  /** Already namespaced for the stage. */
  log: Logger;
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  /** The record's contract (a JSON value), and its name for error messages. */
  schema?: z.ZodType<T>;
  /** Or a decoder of the whole record, for contracts that are not a JSON value; throws InputError. */
  decodeRecord?(record: IncomingRecord): T;
  what: string;
  partitionsConsumedConcurrently?: number;
  /** The longest one record's work may take (lib/kafka ConsumerOptions.rebalanceTimeoutMs). */
  rebalanceTimeoutMs?: number;
  /** The work for one decoded record; may use the stage's producer. */
  handle(env: T, record: IncomingRecord, producer: Producer): Promise<void>;
  /**
   * Optional: the work for up to `maxBatch` decoded records of one partition at once, for
   * stages whose cost is round trips that batch well. Returns one outcome per item: null,
   * or the error that item met (dead-lettered, or, if retriable, the group comes back).
   * Throwing makes the whole group come back. Every item's work must be idempotent.
   */
  handleBatch?(items: Array<{ env: T; record: IncomingRecord }>, producer: Producer): Promise<Array<unknown>>;
  maxBatch?: number;
  /** What the dead letter may say of the source (no content): reference, hash, record key. */
  deadLetterOf(env: T | null, record: IncomingRecord): { sourceRef: DeadLetterV1['sourceRef']; sha256: string | null; key: string; size?: number; claimCheck?: DeadLetterV1['claimCheck'] };
  /**
   * After the dead letter is on Kafka, before the offset is committed: a failure here makes
   * the record come back (and the dead letter go out again under the same key), so what it
   * does must be idempotent (the e-mail processor records a refusal to answer, by key).
   */
  onDeadLettered?(entry: DeadLetterV1, env: T | null, err: unknown): void | Promise<void>;
}

export interface ConsumerStage {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createConsumerStage<T>(o: ConsumerStageOptions<T>): ConsumerStage {
  let consumer: ConsumerHandle | null = null;
  let producer: Producer | null = null;
  if (!o.schema === !o.decodeRecord) throw new Error('a consumer stage takes a schema or a decodeRecord, one of them');
  const decodeOne = (record: IncomingRecord): T => (o.decodeRecord ? o.decodeRecord(record) : decode(o.schema!, record.value, o.what));

  async function deadLetter(record: IncomingRecord, env: T | null, err: unknown): Promise<void> {
    const about = o.deadLetterOf(env, record);
    const entry: DeadLetterV1 = {
      schemaVersion: 1,
      sourceTopic: record.topic,
      partition: record.partition,
      offset: record.offset,
      code: errorCode(err),
      reason: err instanceof PipelineError ? err.message : 'unexpected error while processing (see logs by offset)',
      sourceRef: about.sourceRef,
      sha256: about.sha256,
      at: new Date().toISOString(),
      ...(about.size !== undefined ? { size: about.size } : {}),
      ...(about.claimCheck ? { claimCheck: about.claimCheck } : {}),
    };
    await producer!.send(o.deadLetterTopic, [{ key: about.key, value: encode(DeadLetterV1, entry) }]);
    await o.onDeadLettered?.(entry, env, err);
    o.log.warn({ code: entry.code, partition: record.partition, offset: record.offset }, `${o.what} dead-lettered`);
  }

  /** A failed record: retriable → throw (it comes back); otherwise a dead letter, and on. */
  async function fail(record: IncomingRecord, env: T | null, err: unknown): Promise<void> {
    if (isRetriable(err)) {
      o.log.warn({ code: errorCode(err), partition: record.partition, offset: record.offset }, 'transient failure; the record will come back');
      throw err;
    }
    if (!(err instanceof PipelineError)) {
      o.log.error({ err: { name: (err as Error).name, stack: (err as Error).stack }, offset: record.offset }, 'unexpected error');
    }
    await deadLetter(record, env, err);
  }

  async function run(record: IncomingRecord): Promise<void> {
    let env: T | null = null;
    try {
      env = decodeOne(record);
      await o.handle(env, record, producer!);
    } catch (err) {
      await fail(record, env, err);
    }
  }

  async function runBatch(records: IncomingRecord[]): Promise<void> {
    const items: Array<{ env: T; record: IncomingRecord }> = [];
    const undecodable: Array<{ record: IncomingRecord; err: unknown }> = [];
    for (const record of records) {
      try {
        items.push({ env: decodeOne(record), record });
      } catch (err) {
        undecodable.push({ record, err });
      }
    }
    let outcomes: unknown[] = [];
    if (items.length > 0) {
      try {
        outcomes = await o.handleBatch!(items, producer!);
      } catch (err) {
        // Retriable (a server away): the group comes back whole. Anything else: the group
        // is done again one record at a time, so that one bad record is dead-lettered alone
        // instead of holding the partition in a loop. (Should a server go away during that
        // rare fallback, dead letters already sent for the group are sent again with it.)
        if (isRetriable(err)) await fail(items[0]!.record, items[0]!.env, err);
        o.log.warn({ code: errorCode(err), partition: items[0]!.record.partition, records: items.length }, 'batch failed; handling its records one by one');
        for (const u of undecodable) await fail(u.record, null, u.err);
        for (const item of items) await run(item.record);
        return;
      }
    }
    // A retriable failure anywhere brings the whole group back: throw it before any dead
    // letter goes out, or every retry would send the group's dead letters again.
    const retriable = outcomes.findIndex((e) => e != null && isRetriable(e));
    if (retriable >= 0) await fail(items[retriable]!.record, items[retriable]!.env, outcomes[retriable]);
    for (const u of undecodable) await fail(u.record, null, u.err);
    for (let i = 0; i < items.length; i++) {
      if (outcomes[i] != null) await fail(items[i]!.record, items[i]!.env, outcomes[i]);
    }
  }

  return {
    async start() {
      producer = await o.bus.producer();
      const options = {
        groupId: o.groupId, topics: [o.topic],
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
        ...(o.rebalanceTimeoutMs ? { rebalanceTimeoutMs: o.rebalanceTimeoutMs } : {}),
      };
      consumer = o.handleBatch
        ? await o.bus.consumeBatches({ ...options, maxBatch: o.maxBatch ?? 50 }, runBatch)
        : await o.bus.consume(options, run);
      o.log.info({ topic: o.topic, group: o.groupId }, `${o.what} consumer ready`);
    },
    async stop() {
      await consumer?.stop();
      await producer?.close();
      consumer = null;
      producer = null;
    },
  };
}
