/**
 * The e-mail processor: a member of a consumer group on the raw-mail topic. For each record:
 * validate the contract → skip if this dedupe key was handled → fetch the bytes (inline or
 * claim check) → analyse → store the case (or the non-case) → queue the attachments that may
 * be ID copies for inspection → drop the claim-check blob.
 *
 * No OCR here (paperless-ngx: cheap work first, expensive work in its own stage): OCR costs
 * 1–2 s a page, and doing it inline cut throughput from ~800 to 5 messages/s. Attachments
 * that could be an ID copy (isInspectionCandidate: PDFs and images larger than an icon) go
 * on the case as kind 'other' with `inspection: 'pending'`, and an attachment check (its
 * bytes in the record, or by claim check above the threshold) to processors/attachments,
 * all before the handler returns.
 *
 * Offsets are committed only after the handler returned (lib/kafka), and every write is
 * idempotent (processors/cases), so a crash at any point loses nothing and duplicates
 * nothing. Bad input goes to the dead-letter topic with a code and a reason and processing
 * continues; a failing dependency makes the record come back later.
 */
import type { Bus, IncomingRecord, Producer } from '../../lib/kafka/index.ts';
import { createConsumerStage } from '../../lib/kafka/stage.ts';
import { decodeRawMail, dedupeKeyOf, encodeAttachmentCheck, sha256Of, type AttachmentCheckV2, type RawMail, type ImapSourceRef } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import type { Logger } from '../../lib/logger.ts';
import { isRetriable } from '../../lib/errors.ts';
import { intakeCitizen, type CaseStore, type IntakeMessage, type IntakeResult } from '../cases/index.ts';
import { analyseEmail, type AnalyseOptions, type AttachmentInspector } from '../analyse/index.ts';

type EmailAnalysis = Awaited<ReturnType<typeof analyseEmail>>;
import { isInspectionCandidate } from '../identity/index.ts';
import type { CaseAttachment } from '../cases/model.ts';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import { headerBlockOf, resolveLimits, MAX_HEAD_BYTES, type ParseLimits } from '../parse/index.ts';
import type { RefusalInput } from '../refusals/index.ts';
import type { ContentInput } from '../content/store.ts';

export interface EmailProcessorOptions {
  bus: Bus;
  store: CaseStore;
  claimChecks: ClaimCheckStore;
  logger: Logger;
  topics: { mailRaw: string; deadLetter: string; attachmentCheck: string };
  /** Attachments larger than this go to the inspector by claim check, smaller ones in the record. */
  claimCheckThresholdBytes: number;
  groupId: string;
  analyse?: AnalyseOptions;
  /**
   * Queue attachments that may be ID copies for processors/attachments (default true).
   * Off, every attachment is stored as 'other' and nothing is inspected.
   */
  inspectAttachments?: boolean;
  clock?: () => Date;
  /** Called after a new case was stored (the acknowledger listens). */
  onCaseCreated?: (caseId: string) => void;
  partitionsConsumedConcurrently?: number;
  /** Records of a partition handled together (1: one at a time). */
  batchSize?: number;
  /**
   * Records a message the parser refused (PARSE_*) so its sender gets one reply
   * (processors/refusals), before the offset is committed.
   */
  refusals?: { refuse(input: RefusalInput): Promise<unknown> };
  /**
   * A bounce (it makes no case): the survey looks in its returned headers for one of its
   * invitations and marks that address (processors/survey markBouncedFrom). Idempotent, and
   * done before the non-case record, so a crash in between only does it again.
   */
  onBounce?: (raw: Buffer) => Promise<unknown>;
  /** Keep the sanitised HTML and the attachments for the case's term (default true; the benchmark's "before"). */
  keepContent?: boolean;
}

export interface EmailProcessor {
  /** The parser's limits as configured (maxBytes: KCC_MAX_MESSAGE_BYTES in the app). */
  readonly limits: Readonly<ParseLimits>;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: { cases: number; threaded: number; nonCases: number; duplicates: number; deadLettered: number; attachmentsQueued: number; analyseMs: number; storeMs: number; contentMs: number };
}

export function createEmailProcessor(o: EmailProcessorOptions): EmailProcessor {
  const log = o.logger.child({ stage: 'intake' });
  // Cumulative milliseconds per step, for the benchmark's time-per-stage figures.
  const stats = { cases: 0, threaded: 0, nonCases: 0, duplicates: 0, deadLettered: 0, attachmentsQueued: 0, analyseMs: 0, storeMs: 0, contentMs: 0 };
  const inspect = o.inspectAttachments ?? true;
  const clock = o.clock ?? (() => new Date());
  const limits = resolveLimits(o.analyse?.limits);
  // The stage's producer (lib/kafka/stage.ts): dead letters and attachment checks share it.
  let producer: Producer | null = null;

  /** A message read and analysed, not yet stored. */
  interface Prepared {
    env: RawMail;
    key: string;
    analysis: EmailAnalysis;
    /** Attachments that may be ID copies, with their bytes. */
    candidates: Candidate[];
    /** Set when it is a case. */
    message: IntakeMessage | null;
    /** The bytes of a bounce, for onBounce. */
    raw?: Buffer;
  }

  /** Bytes → analysis; null when the message was fully handled before (its blob is gone). */
  async function prepare(env: RawMail): Promise<Prepared | null> {
    const key = dedupeKeyOf(env.messageId, env.sha256);
    // No "seen before?" look-up first: every write is idempotent by this key, and a
    // redelivery is rare, so it pays for a second analysis (about a millisecond) while every
    // first delivery saves two database round trips.
    let raw: Buffer;
    try {
      raw = await rawOf(env);
    } catch (err) {
      // Claim-check blob gone: it is deleted last, so this message was fully handled before.
      if ((err as { code?: string }).code === 'CLAIMCHECK_MISSING' && (await o.store.isProcessed(key))) {
        stats.duplicates += 1;
        return null;
      }
      throw err;
    }
    const t0 = performance.now();
    const collector = inspect ? candidateCollector() : null;
    const a = await analyseEmail(raw, collector ? { ...o.analyse, inspectAttachment: collector.hook } : o.analyse);
    stats.analyseMs += performance.now() - t0;
    if (a.warnings.includes('spam-filter-unavailable')) log.warn({ code: 'SPAM_FILTER_UNAVAILABLE' }, 'the spam filter did not answer; the message is read without its verdict');
    if (a.isCase && a.screening) log.info({ reasons: a.screening.reasons }, 'probably not a case: to the screening queue');
    const candidates = collector?.found ?? [];
    if (!a.isCase) return { env, key, analysis: a, candidates, message: null, ...(a.nonCase?.kind === 'bounce' && o.onBounce ? { raw } : {}) };
    const attachments: CaseAttachment[] = a.attachments.map((x, i) => (candidates.some((c) => c.index === i) ? { ...x, inspection: 'pending' } : x));
    const message = emailIntakeMessage(a, { dedupeKey: key, receivedAt: new Date(env.receivedAt), source: sourceOf(env.source), attachments });
    return { env, key, analysis: a, candidates, message };
  }

  async function storeNonCase(p: Prepared): Promise<void> {
    const t0 = performance.now();
    const nonCase = p.analysis.nonCase!;
    if (p.raw && o.onBounce) await o.onBounce(p.raw);
    const created = await o.store.recordNonCase(p.key, nonCase.kind, nonCase.reason, new Date(p.env.receivedAt), sourceOf(p.env.source));
    if (created) {
      stats.nonCases += 1;
      log.info({ kind: nonCase.kind }, 'not a case');
    } else stats.duplicates += 1;
    stats.storeMs += performance.now() - t0;
    await dropBlob(p.env);
  }

  /** After the case write: queue the attachment checks, count, tell the acknowledger, drop the blob. */
  async function finish(p: Prepared, r: IntakeResult): Promise<void> {
    // A redelivery (a crash between storing the case and queueing its attachments, say)
    // queues again only what is still pending on the stored message; a second check of
    // an attachment already inspected is skipped by the inspector anyway.
    // What the citizen sent, kept before the attachment checks go out: the inspector drops a
    // part it finds to be an ID copy, so that part must be there to drop (processors/content).
    if (o.keepContent !== false) await keepContent(p, r);
    const toQueue = r.duplicate && p.candidates.length > 0 ? await stillPending(r.caseId, p.key, p.candidates) : p.candidates;
    await queueChecks(p.env, r.caseId, p.key, toQueue);
    if (r.duplicate) {
      stats.duplicates += 1;
      if (toQueue.length > 0) log.info({ queued: toQueue.length }, 'pending attachments queued again after redelivery');
    } else if (r.threaded) stats.threaded += 1;
    else stats.cases += 1;
    log.info({ case: r.caseNumber, created: r.created, threaded: r.threaded, duplicate: r.duplicate, topic: p.analysis.classification.topic, queued: toQueue.length }, 'case stored');
    if (r.created) o.onCaseCreated?.(r.caseId);
    await dropBlob(p.env);
  }

  async function handle(env: RawMail, _record: IncomingRecord, stageProducer: Producer): Promise<void> {
    producer = stageProducer;
    const p = await prepare(env);
    if (!p) return;
    if (!p.message) return storeNonCase(p);
    const t0 = performance.now();
    const r = await o.store.ingest(p.message);
    stats.storeMs += performance.now() - t0;
    await finish(p, r);
  }

  /**
   * Up to maxBatch records of one partition: analysed one after the other, then the new
   * cases among them stored together (store.ingestNew: one insert each for their numbers,
   * cases and keys), which is where the time went one message at a time. Replies and
   * anything ingestNew cannot take go through ingest() as before, in the same call.
   */
  async function handleBatch(items: Array<{ env: RawMail }>, stageProducer: Producer): Promise<unknown[]> {
    producer = stageProducer;
    const outcomes: unknown[] = items.map(() => null);
    const prepared: Array<Prepared | null> = [];
    for (let i = 0; i < items.length; i++) {
      try {
        prepared.push(await prepare(items[i]!.env));
      } catch (err) {
        prepared.push(null);
        outcomes[i] = err;
      }
    }
    // After a retriable failure nothing later in the group is stored (it all comes back, and
    // a later reply must not be stored before the message it answers).
    const firstRetriable = outcomes.findIndex((e) => e != null && isRetriable(e));
    const upTo = firstRetriable >= 0 ? firstRetriable : items.length;
    const cases: number[] = [];
    for (let i = 0; i < upTo; i++) {
      const p = prepared[i];
      if (!p) continue;
      if (p.message) { cases.push(i); continue; }
      try { await storeNonCase(p); } catch (err) { outcomes[i] = err; }
    }
    if (cases.length === 0) return outcomes;
    const t0 = performance.now();
    const results = await o.store.ingestNew(cases.map((i) => prepared[i]!.message!));
    stats.storeMs += performance.now() - t0;
    for (let k = 0; k < cases.length; k++) {
      const i = cases[k]!;
      const r = results[k]!;
      if ('error' in r) { outcomes[i] = r.error; continue; }
      try { await finish(prepared[i]!, r); } catch (err) { outcomes[i] = err; }
    }
    return outcomes;
  }

  /** The sanitised HTML and the attachments that are not ID copies, for the case's term (idempotent by key). */
  async function keepContent(p: Prepared, r: IntakeResult): Promise<void> {
    const a = p.analysis;
    if (!a.content.html && a.attachments.length === 0) return;
    const t0 = performance.now();
    // The case's own expiresAt, read back: the content's term is the case's, to the millisecond.
    const c = await o.store.models.Case.findById(r.caseId, { expiresAt: 1 }).lean<{ expiresAt: Date }>();
    if (!c) return;
    await o.store.content.keep(contentInputOf(a, { caseId: r.caseId, dedupeKey: p.key, receivedAt: new Date(p.env.receivedAt), expiresAt: c.expiresAt }));
    stats.contentMs += performance.now() - t0;
  }

  async function rawOf(env: RawMail): Promise<Buffer> {
    return env.body.type === 'inline' ? env.inline! : o.claimChecks.get(env.body.fileId);
  }

  /**
   * One attachment check per candidate. Its bytes go in the record only when the raw mail
   * they came from was in its record too: then they are on Kafka for the topics' term
   * anyway. An attachment of a mail that came by claim check (too large for Kafka, deleted
   * from GridFS once its case is stored) goes by claim check as well, so an ID copy that
   * never was on Kafka does not get there now; so does one above the threshold.
   */
  async function queueChecks(env: RawMail, caseId: string, dedupeKey: string, found: readonly Candidate[]): Promise<void> {
    if (found.length === 0) return;
    const receivedAt = env.receivedAt;
    const records = [];
    for (const c of found) {
      const inline = env.body.type === 'inline' && c.content.length <= o.claimCheckThresholdBytes;
      const body: AttachmentCheckV2['body'] = inline
        ? { type: 'inline' }
        : { type: 'claim_check', bucket: o.claimChecks.bucketName, fileId: await o.claimChecks.put(c.content, addDuration(clock(), technicalRetentionFor('claim_check_blob'))) };
      const check: AttachmentCheckV2 = {
        schemaVersion: 2, caseId, dedupeKey, attachmentIndex: c.index, filename: c.filename, contentType: c.contentType,
        size: c.content.length, sha256: c.sha256, body, receivedAt,
      };
      // Keyed by attachment: a duplicate check lands on the same partition, after the first.
      records.push({ key: `${dedupeKey}:${c.index}`, ...encodeAttachmentCheck(check, inline ? c.content : null) });
    }
    await producer!.send(o.topics.attachmentCheck, records);
    stats.attachmentsQueued += records.length;
  }

  /** The candidates whose attachment is still marked pending on the stored message. */
  async function stillPending(caseId: string, key: string, found: readonly Candidate[]): Promise<Candidate[]> {
    // By `_id` (FerretDB 1.x reads every case for a query on a nested field).
    const c = await o.store.models.Case.findById(caseId, { _id: 1, 'messages.dedupeKey': 1, 'messages.attachments.inspection': 1 })
      .lean<{ _id: string; messages: Array<{ dedupeKey: string; attachments?: Array<Pick<CaseAttachment, 'inspection'>> }> }>();
    const m = c?.messages.find((x) => x.dedupeKey === key);
    const pending = new Set((m?.attachments ?? []).flatMap((x, i) => (x.inspection === 'pending' ? [i] : [])));
    return found.filter((x) => pending.has(x.index));
  }

  /** The limit a parse refusal crossed, in its unit, for the reply to name. */
  function limitOf(code: string): number | null {
    switch (code) {
      case 'PARSE_TOO_LARGE': return limits.maxBytes;
      case 'PARSE_TOO_DEEP': return limits.maxMimeDepth;
      case 'PARSE_TOO_MANY_ATTACHMENTS': return limits.maxAttachments;
      case 'PARSE_HEADER_TOO_LARGE': return MAX_HEAD_BYTES;
      default: return null;
    }
  }

  /** A message the parser refused: its sender gets one reply, read from the header block. */
  async function refuseParsed(env: RawMail, code: string): Promise<void> {
    let raw: Buffer;
    try {
      raw = await rawOf(env);
    } catch (err) {
      if ((err as { code?: string }).code === 'CLAIMCHECK_MISSING') return; // nothing left to read a sender from
      throw err;
    }
    const header = headerBlockOf(raw);
    await o.refusals!.refuse({
      key: dedupeKeyOf(env.messageId, env.sha256), code, limit: limitOf(code), size: env.size, header,
      bodyStart: raw.subarray(header.length, header.length + 8_000), receivedAt: new Date(env.receivedAt),
    });
  }

  async function dropBlob(env: RawMail): Promise<void> {
    // Minimisation: once the case holds what it needs, the raw bytes go at once, not in days.
    if (env.body.type === 'claim_check') await o.claimChecks.delete(env.body.fileId);
  }

  const stage = createConsumerStage<RawMail>({
    bus: o.bus, log, groupId: o.groupId, topic: o.topics.mailRaw, deadLetterTopic: o.topics.deadLetter,
    decodeRecord: decodeRawMail, what: 'raw mail',
    partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 2,
    handle,
    ...(o.batchSize && o.batchSize > 1 ? { handleBatch, maxBatch: o.batchSize } : {}),
    deadLetterOf: (env, record) => ({
      sourceRef: env?.source ?? { kind: 'unknown' }, sha256: env?.sha256 ?? null, key: env?.sha256 ?? `${record.partition}:${record.offset}`,
      ...(env ? { size: env.size } : {}),
      ...(env?.body.type === 'claim_check' ? { claimCheck: { bucket: env.body.bucket, fileId: env.body.fileId } } : {}),
    }),
    onDeadLettered: async (entry, env) => {
      stats.deadLettered += 1;
      if (env && o.refusals && entry.code.startsWith('PARSE_')) await refuseParsed(env, entry.code);
    },
  });

  return {
    stats,
    limits,
    start: () => stage.start(),
    async stop() {
      await stage.stop();
      producer = null;
    },
  };
}

/** What the case store takes from an e-mail's analysis (a case: `a.isCase`). */
export function emailIntakeMessage(
  a: EmailAnalysis,
  at: { dedupeKey: string; receivedAt: Date; source: IntakeMessage['source']; attachments: IntakeMessage['attachments'] },
): IntakeMessage {
  return {
    dedupeKey: at.dedupeKey,
    channel: 'email',
    messageId: a.messageId,
    inReplyTo: a.inReplyTo,
    references: a.references,
    receivedAt: at.receivedAt,
    subject: a.subject,
    text: a.text,
    source: at.source,
    attachments: at.attachments,
    replyAddress: a.replyAddress,
    citizen: intakeCitizen(a.citizen),
    bsn: a.citizen.bsn,
    representative: a.representative,
    uncertain: a.uncertain,
    classification: a.classification,
    wantsAcknowledgment: true,
    truncated: a.truncated,
    screening: a.screening,
  };
}

/** What processors/content keeps of an analysed e-mail (the processor's path, and tests that store directly). */
export function contentInputOf(a: EmailAnalysis, at: { caseId: string; dedupeKey: string; receivedAt: Date; expiresAt: Date }): ContentInput {
  return {
    ...at, html: a.content.html,
    attachments: a.attachments.map((x, i) => ({ index: i, filename: x.filename, contentType: x.contentType, size: x.size, sha256: x.sha256, kind: x.kind, ...a.content.parts[i]! })),
  };
}

function sourceOf(s: ImapSourceRef) {
  return { kind: s.kind, mailbox: s.mailbox, uidValidity: s.uidValidity, uid: s.uid };
}

interface Candidate { index: number; filename: string; contentType: string; sha256: string; content: Buffer }

/**
 * analyseEmail's attachment hook used as a sieve: it sees every attachment in order (with
 * its bytes, which the analysis does not return) and keeps the ones worth inspecting.
 * Everything is 'other' until processors/attachments says otherwise.
 */
function candidateCollector(): { hook: AttachmentInspector; found: Candidate[] } {
  const found: Candidate[] = [];
  let index = 0;
  const hook: AttachmentInspector = async (a) => {
    const i = index++;
    if (await isInspectionCandidate(a)) {
      found.push({ index: i, filename: a.filename, contentType: a.contentType, sha256: sha256Of(a.content), content: a.content });
    }
    return { kind: 'other' };
  };
  return { hook, found };
}
