/**
 * The case-events publisher: sends what happened to cases to Kafka (lib/contracts
 * CaseEventV1, CloudEvents 1.0 NL GOV profile, topic kcc.case.events.v1) for other systems.
 *
 * The case's own history is the outbox: every action and every intake write sets the case's
 * `eventsDue` flag in the same update as its history entry, so an event can never be lost
 * between the change and the outbox. This stage takes the cases with the flag, sends the
 * entries after `eventsPublished`, and only then moves that version up (under the case's
 * lock, keeping the flag when entries arrived meanwhile). Kafka down: nothing moves, the
 * flag stays, the next round tries again. A crash after the send and before the record sends
 * those events again with the same ids (at-least-once; consumers deduplicate on `id`).
 * Events of cases erased as "not a case" wait in `case_events_pending`.
 */
import type { Bus, Producer } from '../../lib/kafka/index.ts';
import type { Logger } from '../../lib/logger.ts';
import { createPollLoop } from '../../lib/poll-loop.ts';
import { CaseEventV1 } from '../../lib/contracts.ts';
import { caseEventDrafts, type CaseEventDraft, type CaseDoc, type CaseModels } from '../cases/index.ts';

export interface CaseEventPublisherOptions {
  models: CaseModels;
  withCase: <T>(caseId: string, fn: () => Promise<T>) => Promise<T>;
  bus: Bus;
  topic: string;
  /** CloudEvents `source`: a URN naming this system (configurable per installation). */
  source: string;
  logger: Logger;
  pollIntervalMs?: number;
}

export interface CaseEventPublisher {
  /** Publishes until nothing is due; returns how many events were sent. */
  runOnce(): Promise<number>;
  start(): void;
  kick(): void;
  stop(): Promise<void>;
  readonly stats: { published: number; failedRounds: number };
}

/** Cases taken per round: bounded, so one round is a bounded amount of work. */
const BATCH = 50;

export function createCaseEventPublisher(o: CaseEventPublisherOptions): CaseEventPublisher {
  const log = o.logger.child({ stage: 'events' });
  const { Case, PendingCaseEvent } = o.models;
  const stats = { published: 0, failedRounds: 0 };
  let producer: Promise<Producer> | null = null;
  const getProducer = () => {
    producer ??= o.bus.producer().catch((err: unknown) => { producer = null; throw err; });
    return producer;
  };

  const record = (d: CaseEventDraft) => {
    const event = CaseEventV1.parse({ ...d, source: o.source });
    return { key: event.data.caseNumber, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' } };
  };

  async function publishCases(): Promise<number> {
    const due = (await Case.find({ eventsDue: true }, { _id: 1 }).limit(BATCH).lean()) as Array<{ _id: string }>;
    let n = 0;
    for (const { _id } of due) {
      const c = (await Case.findById(_id, { caseNumber: 1, journal: 1, line: 1, status: 1, routing: 1, classification: 1, channel: 1, eventsPublished: 1, version: 1 }).lean()) as CaseDoc | null;
      if (!c) continue;
      const published = c.eventsPublished ?? -1;
      const drafts = caseEventDrafts(c, published);
      if (drafts.length > 0) await (await getProducer()).send(o.topic, drafts.map(record));
      const upTo = Math.max(published, ...(c.journal ?? []).map((e) => e.version));
      await o.withCase(_id, async () => {
        // Clear the flag only if no entry was written since our read (a conditional write: on
        // MongoDB the lock is a no-op); otherwise record the progress and keep the flag up.
        const cleared = await Case.updateOne({ _id, version: { $lte: upTo } }, { $set: { eventsPublished: upTo, eventsDue: false } });
        if (cleared.matchedCount === 0) await Case.updateOne({ _id }, { $set: { eventsPublished: upTo } });
      });
      n += drafts.length;
    }
    return n;
  }

  async function publishPending(): Promise<number> {
    const pending = (await PendingCaseEvent.find({}).limit(BATCH).lean()) as unknown as Array<{ _id: string; event: CaseEventDraft }>;
    if (pending.length === 0) return 0;
    await (await getProducer()).send(o.topic, pending.map((p) => record(p.event)));
    for (const p of pending) await PendingCaseEvent.deleteOne({ _id: p._id });
    return pending.length;
  }

  async function runOnce(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 1000 && !poll.stopped; round++) {
      const n = (await publishPending()) + (await publishCases());
      total += n;
      stats.published += n;
      if (n === 0 && !(await Case.exists({ eventsDue: true }))) break;
    }
    return total;
  }

  const poll = createPollLoop({
    round: runOnce, intervalMs: o.pollIntervalMs ?? 1000,
    // Kafka or the database away: the flags stay, the next round tries again.
    onError: (err) => {
      stats.failedRounds += 1;
      log.warn({ code: (err as { code?: string }).code ?? (err as Error).name }, 'case events not published; retrying');
    },
  });

  return {
    stats,
    runOnce,
    start() { poll.start(); },
    kick() { poll.kick(); },
    async stop() {
      await poll.stop();
      if (producer) await (await producer.catch(() => null))?.close();
    },
  };
}
