/**
 * Our own small producer / consumer / topic interface over kafkajs.
 *
 * kafkajs is in maintenance mode upstream; the stages only see these types, so the client
 * can be swapped (e.g. for @confluentinc/kafka-javascript) without touching them.
 *
 * Delivery is at-least-once: the consumer commits an offset only after the handler for
 * that message resolved. Handlers must therefore be idempotent (the stages derive their
 * write keys from Message-ID and content hashes).
 */
import { Kafka, logLevel, Partitioners, type Admin, type Consumer as KConsumer, type Producer as KProducer, type IHeaders, type KafkaMessage, CompressionTypes } from 'kafkajs';
import type { Logger } from '../logger.ts';
import { ConfigError, TransientError } from '../errors.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** retention.ms: the register requires Kafka to be a short-lived buffer. */
  retentionMs: number;
  /** max.message.bytes; the broker default is ~1 MiB. */
  maxMessageBytes?: number;
}

export interface OutgoingRecord {
  key: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

export interface BusOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** Upper bound of one produce batch; below the broker's 1 MiB default max.message.bytes. */
  maxBatchBytes?: number;
}

// 900 KiB leaves room under Kafka's default 1 MiB (1048588 bytes) batch limit for headers
// and record overhead.
const DEFAULT_MAX_BATCH_BYTES = 900 * 1024;

/** Groups records into consecutive chunks whose value+key+header bytes stay under `limit`. */
export function chunkBySize(records: readonly OutgoingRecord[], limit: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let size = 0;
  for (const r of records) {
    const bytes = Buffer.byteLength(r.key) + (typeof r.value === 'string' ? Buffer.byteLength(r.value) : r.value.length)
      + Object.entries(r.headers ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0) + 64;
    if (current.length > 0 && size + bytes > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface Producer {
  /** Resolves only when every in-sync replica has the records (acks = all). */
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. */
  fromBeginning?: boolean;
  /** How many partitions one process works on at once. */
  partitionsConsumedConcurrently?: number;
  /**
   * How long the group waits, in a rebalance, for a member to rejoin. A member busy with a
   * record rejoins only when that record is done, so this must be at least the longest work
   * one record may take (else the busy member is dropped and its record done again).
   * Default 60 s. It does not slow a restart after a crash: a dead member is dropped when its
   * session ends (SESSION_TIMEOUT_MS), not at this bound.
   */
  rebalanceTimeoutMs?: number;
}

export interface ConsumerHandle {
  /** Stops fetching, lets the in-flight handler finish, commits, leaves the group. */
  stop(): Promise<void>;
  /** Rejects when the consumer crashed for good (not on retriable hiccups). */
  readonly crashed: Promise<Error>;
}

export type Handler = (record: IncomingRecord) => Promise<void>;

/**
 * Records of one partition, in offset order, as they arrived together. The handler returns
 * when all of them are handled (their offsets are then committed), or throws, and they come
 * back from the first one. `heartbeat` keeps a long batch from costing the group membership.
 */
export type BatchHandler = (records: IncomingRecord[], heartbeat: () => Promise<void>) => Promise<void>;

export interface Bus {
  producer(): Promise<Producer>;
  consume(options: ConsumerOptions, handler: Handler): Promise<ConsumerHandle>;
  /** Like consume, with the records of a partition handed over in groups of at most `maxBatch`. */
  consumeBatches(options: ConsumerOptions & { maxBatch: number }, handler: BatchHandler): Promise<ConsumerHandle>;
  /** Creates missing topics; checks (and fixes) retention of existing ones. */
  ensureTopics(specs: TopicSpec[], maxRetentionMs: number): Promise<void>;
  describeRetention(topic: string): Promise<number | null>;
  deleteTopics(names: string[]): Promise<void>;
  close(): Promise<void>;
}

const TOPIC_RESOURCE = 2; // kafkajs ConfigResourceTypes.TOPIC

/*
 * Consumer liveness, chosen for a fast restart after kill -9.
 *
 * Why a restarted consumer waits: the broker keeps a dead member's partitions until that
 * member's session times out; the new member's join waits for it. kafkajs cannot rejoin
 * under the dead member's identity (static membership, `group.instance.id`, is not
 * supported), so the session timeout is the bound on that wait. It was 30 s (300 s for the
 * letter processor, which waited the 60 s rebalance timeout instead): 87–90 s from a kill
 * of the all-roles process to the mailbox being watched again.
 *
 * What the session must survive: kafkajs has no heartbeat thread; it heartbeats between
 * records, after an empty fetch, and when a handler calls heartbeat(). One record in the OCR
 * stages takes far longer than a short session (bench/heartbeat.ts, 2 cores, loaded: an
 * e-mail attachment of 4 scanned pages 14.7 s, a letter of 4 pages 9.9 s, of 50 ~65 s estimated),
 * so every handler runs with a timer that heartbeats beside it (keptAlive). What is left is
 * the main thread being blocked, when no timer fires: at most 0.68 s measured (parsing a
 * 41 MB e-mail; OCR runs in worker threads, 0.44 s at most).
 *
 * So: a heartbeat every second, and a session of 6 s, the broker's smallest allowed
 * (`group.min.session.timeout.ms` default): five missed heartbeats, seven times the longest
 * stall measured, and a restarted process has its partitions back 6 s after the kill at the
 * latest. An idle consumer heartbeats after each empty fetch, so a fetch waits at most as
 * long as the heartbeat interval.
 */
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
const MAX_FETCH_WAIT_MS = HEARTBEAT_INTERVAL_MS;
const DEFAULT_REBALANCE_TIMEOUT_MS = 60_000;

/**
 * Runs a handler with kafkajs' heartbeat called beside it every interval (kafkajs sends one
 * only when the interval has passed since the last). A failed heartbeat is left to the
 * runner: a rebalance or a lost membership shows again at its own heartbeat after the
 * handler, and it rejoins then.
 */
async function keptAlive<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => { heartbeat().catch(() => undefined); }, HEARTBEAT_INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function incoming(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? ({} as IHeaders))) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    topic, partition, offset: message.offset,
    key: message.key ? message.key.toString() : null,
    value: message.value ?? Buffer.alloc(0),
    headers, timestamp: message.timestamp,
  };
}

/**
 * kafkajs warnings that describe a choice made here, not a fault: logged at debug, so that
 * every start does not print a warning an operator can do nothing about.
 *
 * 'Limiting retries…': kafkajs says so for every idempotent producer whose retries are
 * bounded, because only a producer that never gives up on a batch keeps Kafka's exactly-once
 * (EoS) promise. Ours are bounded on purpose (the client's `retry`: 10 retries, about a
 * minute of back-off), so that a send fails instead of hanging while Kafka is away: the
 * ingestors then keep the message at its source and publish it again, and every consumer
 * drops a second copy by its dedupe key. The pipeline relies on at-least-once plus idempotent
 * writes, not on EoS. Unbounded retries would remove the warning but leave a send that can
 * only be given up from outside, with kafkajs retrying it in the background (it cannot be
 * cancelled). See README "How it works".
 */
const EXPECTED_NOTICES = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

export function createBus(options: BusOptions): Bus {
  const log = options.logger.child({ component: 'kafka' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      // kafkajs log entries carry broker names, codes and retry counts; never payloads.
      const { message, error, ...rest } = entry;
      const fields = { ns: namespace, error, broker: rest.broker, retryCount: rest.retryCount };
      if (EXPECTED_NOTICES.has(message)) log.debug(fields, message);
      else if (level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
  });
  let admin: Admin | null = null;
  const producers = new Set<KProducer>();
  const consumers = new Set<KConsumer>();

  async function getAdmin(): Promise<Admin> {
    if (!admin) {
      const a = kafka.admin();
      await a.connect();
      admin = a;
    }
    return admin;
  }

  /** Connect, subscribe and run one consumer; the crash promise and stop are the same for both modes. */
  async function consumeWith(opts: ConsumerOptions, run: (c: KConsumer) => Promise<void>): Promise<ConsumerHandle> {
    const c = kafka.consumer({
      groupId: opts.groupId, allowAutoTopicCreation: false, retry: { retries: 10 },
      sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: HEARTBEAT_INTERVAL_MS, maxWaitTimeInMs: MAX_FETCH_WAIT_MS,
      rebalanceTimeout: Math.max(opts.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS, SESSION_TIMEOUT_MS),
    });
    consumers.add(c);
    let rejectCrash!: (err: Error) => void;
    const crashed = new Promise<Error>((_, reject) => { rejectCrash = reject; });
    crashed.catch(() => undefined);
    c.on(c.events.CRASH, (event) => {
      const e = event.payload.error;
      log.error({ code: (e as { type?: string }).type, restart: event.payload.restart }, 'consumer crashed');
      if (!event.payload.restart) rejectCrash(e);
    });
    await c.connect();
    for (const topic of opts.topics) await c.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
    await run(c);
    return {
      crashed,
      async stop() {
        consumers.delete(c);
        await c.disconnect();
      },
    };
  }

  async function describeRetention(topic: string): Promise<number | null> {
    const a = await getAdmin();
    const res = await a.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false });
    const value = res.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    return value === undefined ? null : Number(value);
  }

  return {
    async producer() {
      // Idempotent producer: the broker drops duplicates of a retried batch, so a retry
      // after a lost acknowledgement does not write the record twice.
      // The default (murmur2, Java-compatible) partitioner, named so kafkajs does not warn.
      const connectOne = async (): Promise<KProducer> => {
        const made = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
        await made.connect();
        producers.add(made);
        return made;
      };
      let p = await connectOne();
      return {
        async send(topic, records) {
          // The broker's max.message.bytes bounds a whole record batch, not one record: split
          // the records into sends that each stay below the bound (a lone larger record goes
          // alone, and the topic's own limit decides).
          for (const chunk of chunkBySize(records, options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES)) {
            const current = p;
            try {
              await current.send({
                topic,
                acks: -1,
                compression: CompressionTypes.None,
                messages: chunk.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
              });
            } catch (err) {
              const tooLarge = (err as { type?: string }).type === 'MESSAGE_TOO_LARGE';
              if (tooLarge) {
                // kafkajs' idempotent producer has already counted the refused batch in its
                // sequence numbers, so the broker refuses every later batch to that partition
                // as out of order (found by test/integration/email/ingest-faults.test.ts: one
                // record too large stopped the partition for good). A new producer (a new
                // producer id) starts clean; sends still in flight on the old one fail as
                // retriable and are tried again by their stage.
                if (p === current) {
                  p = await connectOne();
                  producers.delete(current);
                  void current.disconnect().catch(() => undefined);
                }
                throw new ConfigError('KAFKA_RECORD_TOO_LARGE', `a record for ${topic} exceeds the topic's max.message.bytes; lower the claim-check threshold`);
              }
              throw new TransientError('KAFKA_SEND_FAILED', `publishing to ${topic} failed`, err);
            }
          }
        },
        async close() {
          producers.delete(p);
          await p.disconnect();
        },
      };
    },

    async consume(opts, handler) {
      return consumeWith(opts, async (c) => c.run({
        autoCommit: true,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
        // eachMessage: kafkajs resolves the offset only after the handler resolved, and a
        // throwing handler makes the same message come back (after the retrier's backoff).
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          await keptAlive(heartbeat, () => handler(incoming(topic, partition, message)));
        },
      }));
    },

    async consumeBatches(opts, handler) {
      if (!Number.isInteger(opts.maxBatch) || opts.maxBatch < 1) throw new ConfigError('KAFKA_BAD_OPTION', 'maxBatch must be a positive integer');
      return consumeWith(opts, async (c) => c.run({
        autoCommit: true,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
        // Offsets are resolved by hand, group by group, and only after the handler returned:
        // a throw leaves the group unresolved, and kafkajs fetches again from its first record.
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
          const all = batch.messages.map((m) => incoming(batch.topic, batch.partition, m));
          for (let i = 0; i < all.length; i += opts.maxBatch) {
            if (!isRunning() || isStale()) return;
            const group = all.slice(i, i + opts.maxBatch);
            await keptAlive(heartbeat, () => handler(group, heartbeat));
            resolveOffset(group[group.length - 1]!.offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
        },
      }));
    },

    async ensureTopics(specs, maxRetentionMs) {
      const a = await getAdmin();
      const existing = new Set(await a.listTopics());
      const missing = specs.filter((s) => !existing.has(s.name));
      for (const s of specs) {
        if (s.retentionMs > maxRetentionMs) {
          throw new ConfigError('KAFKA_RETENTION_TOO_LONG', `topic ${s.name}: configured retention ${s.retentionMs} ms exceeds the maximum ${maxRetentionMs} ms`);
        }
      }
      if (missing.length > 0) {
        await a.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            configEntries: [
              { name: 'retention.ms', value: String(s.retentionMs) },
              // Size-based retention off: time is the bound the register cares about.
              { name: 'retention.bytes', value: '-1' },
              ...(s.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(s.maxMessageBytes) }] : []),
            ],
          })),
        }).catch((err: unknown) => {
          // Another process may have created it in between: that is fine.
          if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
        });
        log.info({ topics: missing.map((s) => s.name) }, 'created topics');
      }
      // Existing topics: a retention longer than allowed (or infinite, -1) is corrected.
      for (const s of specs) {
        const current = await describeRetention(s.name);
        if (current === null || current < 0 || current > maxRetentionMs) {
          await a.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC_RESOURCE, name: s.name, configEntries: [{ name: 'retention.ms', value: String(s.retentionMs) }] }] });
          const after = await describeRetention(s.name);
          if (after === null || after < 0 || after > maxRetentionMs) {
            throw new ConfigError('KAFKA_RETENTION_UNFIXABLE', `topic ${s.name} keeps records for ${after} ms and could not be corrected; the register allows at most ${maxRetentionMs} ms`);
          }
          log.warn({ topic: s.name, was: current, now: after }, 'corrected topic retention');
        }
      }
    },

    describeRetention,

    async deleteTopics(names) {
      const a = await getAdmin();
      await a.deleteTopics({ topics: names, timeout: 10_000 });
    },

    async close() {
      for (const c of consumers) await c.disconnect().catch(() => undefined);
      for (const p of producers) await p.disconnect().catch(() => undefined);
      consumers.clear();
      producers.clear();
      if (admin) await admin.disconnect().catch(() => undefined);
      admin = null;
    },
  };
}
