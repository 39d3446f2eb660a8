/**
 * The e-mail processor: a member of a consumer group on the raw-mail topic. For each record:
 * validate the contract → skip if this dedupe key was handled → fetch the bytes (inline or
 * claim check) → analyse → store the case (or the non-case) → drop the claim-check blob.
 *
 * Offsets are committed only after the handler returned (lib/kafka), and every write is
 * idempotent (processors/cases), so a crash at any point loses nothing and duplicates
 * nothing. Bad input goes to the dead-letter topic with a code and a reason and processing
 * continues; a failing dependency makes the record come back later.
 */
import type { Bus, ConsumerHandle, IncomingRecord, Producer } from '../../lib/kafka/index.ts';
import { decode, encode, dedupeKeyOf, DeadLetterV1, RawMailV1, type ImapSourceRef } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { errorCode, isRetriable, PipelineError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CaseStore } from '../cases/index.ts';
import { analyseEmail, type AnalyseOptions } from '../analyse/index.ts';
import { emailCopyCollector, type AttachmentInspectorFactory, type IdentityStore } from '../identity/index.ts';

export interface EmailProcessorOptions {
  bus: Bus;
  store: CaseStore;
  claimChecks: ClaimCheckStore;
  logger: Logger;
  topics: { mailRaw: string; deadLetter: string };
  groupId: string;
  analyse?: AnalyseOptions;
  /** ID copies and signatures among attachments go to the identity store (both needed). */
  identity?: IdentityStore;
  inspector?: AttachmentInspectorFactory;
  /** Called after a new case was stored (the acknowledger listens). */
  onCaseCreated?: (caseId: string) => void;
  partitionsConsumedConcurrently?: number;
}

export interface EmailProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: { cases: number; threaded: number; nonCases: number; duplicates: number; deadLettered: number; analyseMs: number; storeMs: number };
}

export function createEmailProcessor(o: EmailProcessorOptions): EmailProcessor {
  const log = o.logger.child({ stage: 'intake' });
  // Cumulative milliseconds per step, for the benchmark's time-per-stage figures.
  const stats = { cases: 0, threaded: 0, nonCases: 0, duplicates: 0, deadLettered: 0, analyseMs: 0, storeMs: 0 };
  let consumer: ConsumerHandle | null = null;
  let dlq: Producer | null = null;

  async function deadLetter(record: IncomingRecord, env: RawMailV1 | null, err: unknown): Promise<void> {
    const reason = err instanceof PipelineError ? err.message : 'unexpected error while processing (see logs by offset)';
    const entry: DeadLetterV1 = {
      schemaVersion: 1,
      sourceTopic: record.topic,
      partition: record.partition,
      offset: record.offset,
      code: errorCode(err),
      reason,
      sourceRef: env?.source ?? { kind: 'unknown' },
      sha256: env?.sha256 ?? null,
      at: new Date().toISOString(),
    };
    await dlq!.send(o.topics.deadLetter, [{ key: env?.sha256 ?? `${record.partition}:${record.offset}`, value: encode(DeadLetterV1, entry) }]);
    stats.deadLettered += 1;
    log.warn({ code: entry.code, partition: record.partition, offset: record.offset }, 'message dead-lettered');
  }

  async function handle(record: IncomingRecord): Promise<void> {
    let env: RawMailV1 | null = null;
    try {
      env = decode(RawMailV1, record.value, 'raw mail');
      const key = dedupeKeyOf(env.messageId, env.sha256);
      if (await o.store.isProcessed(key)) {
        // A crash between storing the case and linking its ID copies: link them now.
        if (o.identity && (await o.identity.hasPending(key))) {
          const c = await o.store.models.Case.findOne({ 'messages.dedupeKey': key }, { _id: 1 }).lean();
          if (c) await o.identity.linkToCase(key, String(c._id));
        }
        stats.duplicates += 1;
        await dropBlob(env);
        return;
      }
      const raw = env.body.type === 'inline' ? Buffer.from(env.body.base64, 'base64') : await o.claimChecks.get(env.body.fileId);
      const t0 = performance.now();
      const copies = o.identity && o.inspector ? emailCopyCollector(o.inspector) : null;
      const a = await analyseEmail(raw, copies ? copies.options(o.analyse) : o.analyse);
      const t1 = performance.now();
      stats.analyseMs += t1 - t0;
      const source = sourceOf(env.source);
      const receivedAt = new Date(env.receivedAt);
      if (!a.isCase) {
        await o.store.recordNonCase(key, a.nonCase!.kind, a.nonCase!.reason, receivedAt, source);
        stats.nonCases += 1;
        log.info({ kind: a.nonCase!.kind }, 'not a case');
      } else {
        if (copies) await o.identity!.putPending(copies.pending(key, receivedAt));
        const r = await o.store.ingest({
          dedupeKey: key,
          channel: 'email',
          messageId: a.messageId,
          inReplyTo: a.inReplyTo,
          references: a.references,
          receivedAt,
          subject: a.subject,
          text: a.text,
          source,
          attachments: copies ? copies.caseAttachments(a.attachments) : a.attachments,
          replyAddress: a.replyAddress,
          citizen: {
            name: a.citizen.name, street: a.citizen.street, houseNumber: a.citizen.house_number, postcode: a.citizen.postcode,
            city: a.citizen.city, email: a.citizen.email, phones: a.citizen.phones,
          },
          bsn: a.citizen.bsn,
          representative: a.representative,
          classification: a.classification,
          wantsAcknowledgment: true,
        });
        if (copies) await o.identity!.linkToCase(key, r.caseId);
        if (r.duplicate) stats.duplicates += 1;
        else if (r.threaded) stats.threaded += 1;
        else stats.cases += 1;
        log.info({ case: r.caseNumber, created: r.created, threaded: r.threaded, topic: a.classification.topic }, 'case stored');
        if (r.created) o.onCaseCreated?.(r.caseId);
      }
      stats.storeMs += performance.now() - t1;
      await dropBlob(env);
    } catch (err) {
      if (isRetriable(err)) {
        log.warn({ code: errorCode(err), partition: record.partition, offset: record.offset }, 'transient failure; the record will come back');
        throw err;
      }
      if (!(err instanceof PipelineError)) log.error({ err: { name: (err as Error).name, stack: (err as Error).stack } , offset: record.offset }, 'unexpected error');
      await deadLetter(record, env, err);
    }
  }

  async function dropBlob(env: RawMailV1): Promise<void> {
    // Minimisation: once the case holds what it needs, the raw bytes go at once, not in days.
    if (env.body.type === 'claim_check') await o.claimChecks.delete(env.body.fileId);
  }

  return {
    stats,
    async start() {
      dlq = await o.bus.producer();
      consumer = await o.bus.consume(
        { groupId: o.groupId, topics: [o.topics.mailRaw], partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 2 },
        handle,
      );
      log.info({ topic: o.topics.mailRaw, group: o.groupId }, 'e-mail processor ready');
    },
    async stop() {
      await consumer?.stop();
      await dlq?.close();
      consumer = null;
      dlq = null;
    },
  };
}

function sourceOf(s: ImapSourceRef) {
  return { kind: s.kind, mailbox: s.mailbox, uidValidity: s.uidValidity, uid: s.uid };
}
