/**
 * The application factory (the fastify habit): builds every component from a validated
 * configuration and returns something tests can start and stop. `app/main.ts` only wires
 * signals and calls it.
 *
 * Roles let one process run everything (`npm start`) or one stage per process (production,
 * and the kill -9 tests): `ingest` (IMAP → Kafka), `process` (Kafka → cases),
 * `acknowledge` (cases → SMTP), `retention` (sweeper or checker), `letters` (drop folder and
 * upload → Kafka; letters topic → OCR → cases), `inspect` (e-mail attachments queued by
 * `process` → OCR → ID copies to the identity store). A role its configuration leaves off
 * (rolesOff) does not start, with one log line saying why.
 *
 * start() starts every stage at once: a consumer may have to wait for its group (after a
 * kill -9, until the dead member's session ends: lib/kafka), and nothing waits for it; the
 * mailbox is watched as soon as the ingestor's producer is connected.
 *
 * One OCR pool per process, created on first need and shared by the letter processor and
 * the attachment inspector (a process that never sees a scan never starts one).
 */
import { createRspamdFilter } from '../processors/screening/index.ts';
import mongoose from 'mongoose';
import type { Config } from '../config/index.ts';
import { createBus, type Bus } from '../lib/kafka/index.ts';
import { topicName } from '../lib/contracts.ts';
import { createClaimCheckStore, ORPHAN_MIN_AGE_MS } from '../lib/claimcheck.ts';
import { createFieldCipher, createKeyedHasher } from '../lib/crypto.ts';
import { detectServer, ensureTtlIndexes, createRetentionSweeper, sweeperModeFor, type ServerInfo, type RetentionSweeper } from '../lib/retention.ts';
import { durationToMilliseconds, technicalRetentionFor } from '../config/register.ts';
import type { Logger } from '../lib/logger.ts';
import { caseLocker, createCaseStore, type CaseStore } from '../processors/cases/index.ts';
import { createDocLock } from '../lib/doclock.ts';
import { createAuditLog, createRetentionRecorder, type AuditLog } from '../processors/audit/index.ts';
import { createEmailProcessor, type EmailProcessor } from '../processors/intake/index.ts';
import { createAcknowledger, type Acknowledger } from '../processors/acknowledge/index.ts';
import { createImapIngestor, type ImapIngestor } from '../ingest/imap/index.ts';
import { createProcessedPurger } from '../ingest/imap/purge.ts';
import { createIdentityStore, type IdentityStore } from '../processors/identity/index.ts';
import { createTtlReconciler, type TtlReconciler } from '../processors/retention/index.ts';
import { createAttachmentInspector, type AttachmentInspector } from '../processors/attachments/index.ts';
import { createLetterProcessor, type LetterProcessor } from '../processors/letters/index.ts';
import { createOcrPool, type OcrPool } from '../processors/ocr/index.ts';
import { createLetterIngestor, type LetterIngestor } from '../ingest/letters/index.ts';
import { createRefusalStore } from '../processors/refusals/index.ts';
import { createDeadLetterRecorder, type DeadLetterRecorder } from '../processors/deadletters/index.ts';
import { withTimeout } from '../lib/retry.ts';
import { TransientError } from '../lib/errors.ts';
import { createWorkbench, type Workbench } from '../workbench/index.ts';
import { createCaseEventPublisher, type CaseEventPublisher } from '../processors/events/index.ts';
import { createSurvey, createSurveySender, SURVEY_COLLECTIONS, type Survey, type SurveySender } from '../processors/survey/index.ts';

export const ROLES = ['ingest', 'process', 'acknowledge', 'retention', 'letters', 'inspect', 'workbench', 'events', 'survey'] as const;
export type Role = (typeof ROLES)[number];

/** Collections whose documents carry `expiresAt` (TTL index on MongoDB, sweeper elsewhere). */
export const RETENTION_COLLECTIONS = [
  'cases', 'message_keys', 'thread_keys', 'work_items', 'case_events_pending', 'noncases', 'audit_log', 'identity_documents', 'verification_records',
  'refusals', 'refusal_senders', 'dead_letters', 'workbench_sessions', 'workbench_logins', 'message_contents', 'read_log',
  ...SURVEY_COLLECTIONS,
] as const;

export interface App {
  readonly server: ServerInfo;
  readonly store: CaseStore;
  readonly audit: AuditLog;
  readonly identity: IdentityStore;
  readonly survey: Survey;
  readonly conn: mongoose.Connection;
  readonly bus: Bus;
  readonly topics: { mailRaw: string; deadLetter: string; letterRaw: string; attachmentCheck: string; caseEvents: string };
  readonly components: {
    ingestor?: ImapIngestor; processor?: EmailProcessor; acknowledger?: Acknowledger; sweeper?: RetentionSweeper;
    letterIngestor?: LetterIngestor; letterProcessor?: LetterProcessor; attachmentInspector?: AttachmentInspector;
    deadLetterRecorder?: DeadLetterRecorder;
    ttlReconciler?: TtlReconciler;
    workbench?: Workbench;
    events?: CaseEventPublisher;
    surveySender?: SurveySender;
  };
  start(): Promise<void>;
  /** Drains in-flight work and closes connections, within `boundMs`. */
  stop(boundMs?: number): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  roles?: readonly Role[];
  /** Consumer group of the e-mail processor (tests give each run its own). */
  groupId?: string;
  clock?: () => Date;
  /**
   * Benchmark only (bench/process-role.ts): false runs the process role without keeping the
   * HTML and attachments, the baseline `npm run bench -- email` measures the cost against.
   * Deliberately no config variable or flag: issue 16 requires keeping them, so production
   * has no way to turn it off.
   */
  keepContent?: boolean;
}

/**
 * Roles asked for that this configuration leaves off, each with the reason. `letters`
 * without a drop folder: nothing in this process could publish a letter (the upload stores
 * into the drop folder too, so a token alone starts nothing), and every process that does
 * publish them runs the letters role, with its own letter processor in the same group; so
 * no letter waits for this process's processor, and it would only hold a consumer-group
 * member (a restart after a crash waited for it).
 */
export function rolesOff(roles: ReadonlySet<Role>, config: Config): Map<Role, string> {
  const off = new Map<Role, string>();
  if (roles.has('letters') && !config.letters.dropDir) {
    const token = config.letters.upload.token ? ' (uploads are stored into it, so the upload token alone starts nothing)' : ' and no upload token';
    off.set('letters', `no KCC_LETTERS_DROP_DIR${token}: this process publishes no letter and runs no letter processor; a process with a drop folder runs its own`);
  }
  return off;
}

export async function createApp(o: AppOptions): Promise<App> {
  const { config, logger } = o;
  const roles = new Set(o.roles ?? ROLES);
  for (const [role, why] of rolesOff(roles, config)) {
    roles.delete(role);
    logger.info({ role, code: 'ROLE_OFF' }, `role ${role} off: ${why}`);
  }
  const conn = await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 15_000 }).asPromise()
    .catch((err: unknown) => { throw new TransientError('MONGO_UNREACHABLE', `MongoDB at the configured URL did not answer within 15 s`, err); });
  const db = conn.db!;
  const server = await detectServer(db);
  logger.info({ flavour: server.flavour, version: server.version, ttl: server.ttlIndexes, transactions: server.transactions }, 'database server detected');

  const cipher = createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' });
  const hasher = createKeyedHasher(config.keys.hmac);
  const audit = createAuditLog(conn, o.clock ? { clock: o.clock } : {});
  await audit.ensureIndexes();
  // FerretDB 1.x does not make single-document updates atomic (measured, lib/doclock.ts):
  // there, writes to one case go through a lock; MongoDB needs none.
  const lock = createDocLock(db, { enabled: server.flavour !== 'mongodb' });
  // The identity store writes cases' ID-copy lists under the same lock; the case store erases
  // a non-case's copies through it.
  const identity = createIdentityStore(conn, { cipher, audit, maxDays: config.idDocumentMaxDays, logger, withCase: caseLocker(lock), ...(o.clock ? { clock: o.clock } : {}) });
  await identity.ensureIndexes();
  // MongoDB serves the queue from its compound index; FerretDB 1.x cannot (no $in, range or
  // sort pushdown), so there the queue pages come from a snapshot of the open work.
  const queueSnapshot = server.flavour === 'mongodb' ? {} : { queueSnapshot: { maxStaleMs: config.workbench.queueMaxStaleMs } };
  const store = createCaseStore(conn, { cipher, hasher, audit, lock, identity, ...queueSnapshot, probeCaseNumbers: server.flavour !== 'mongodb', ...(o.clock ? { clock: o.clock } : {}) });
  await store.ensureIndexes();
  const ours = [config.imap.user.toLowerCase(), addressOf(config.smtp.from)].filter((x): x is string => !!x);
  // Messages refused for their size or form: recorded by the ingestor and the processor,
  // answered once by the acknowledger (processors/refusals).
  const refusals = createRefusalStore(conn, { hasher, ourAddresses: ours });
  await refusals.ensureIndexes();
  // The satisfaction survey: the consent link in the acknowledgment, the public pages of the
  // workbench, bounces seen by intake and the invitation sender all share it.
  const survey = createSurvey({
    conn, hasher, hmacKey: config.keys.hmac,
    settings: { ...config.survey, publicUrl: config.workbench.publicUrl ?? `http://${config.workbench.host}:${config.workbench.port}` },
    ...(o.clock ? { clock: o.clock } : {}),
  });
  await survey.ensureIndexes();
  await ensureTtlIndexes(db, RETENTION_COLLECTIONS, server, { logger });

  // A produce batch must stay under the smallest max.message.bytes of our topics (the broker
  // checks whole batches): the claim-check topics' is the threshold + 64 KiB (below).
  const maxBatchBytes = Math.min(900 * 1024, config.limits.claimCheckThresholdBytes + 32 * 1024);
  const bus = createBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger, maxBatchBytes });
  const topics = {
    mailRaw: topicName(config.kafka.topicPrefix, 'mailRaw'),
    deadLetter: topicName(config.kafka.topicPrefix, 'deadLetter'),
    letterRaw: topicName(config.kafka.topicPrefix, 'letterRaw'),
    attachmentCheck: topicName(config.kafka.topicPrefix, 'attachmentCheck'),
    caseEvents: topicName(config.kafka.topicPrefix, 'caseEvents'),
  };
  // An inline message is the record's value as it is; the envelope header is under 2 kB.
  const maxMessageBytes = config.limits.claimCheckThresholdBytes + 64 * 1024;
  await bus.ensureTopics(
    [
      { name: topics.mailRaw, partitions: config.kafka.partitions, retentionMs: config.kafka.retentionMs, maxMessageBytes },
      // Letters carry claim-check references only: the default record size is plenty.
      { name: topics.letterRaw, partitions: config.kafka.partitions, retentionMs: config.kafka.retentionMs },
      // Attachment checks: file names and, up to the claim-check threshold, the bytes (as on
      // the raw-mail topic): the same short retention.
      { name: topics.attachmentCheck, partitions: config.kafka.partitions, retentionMs: config.kafka.retentionMs, maxMessageBytes },
      // Case events: no personal data, for other systems to follow; the same bounded retention.
      { name: topics.caseEvents, partitions: config.kafka.partitions, retentionMs: config.kafka.retentionMs },
      // Dead letters hold no content, only references: same short retention all the same.
      { name: topics.deadLetter, partitions: 1, retentionMs: config.kafka.retentionMs },
    ],
    config.kafka.maxRetentionMs,
  );
  const claimChecks = createClaimCheckStore(db);

  let ocrPool: Promise<OcrPool> | null = null;
  const ocr = (): Promise<OcrPool> => {
    ocrPool ??= createOcrPool({ langPath: config.ocr.tessdataDir, workers: config.ocr.workers, logger }).catch((err: unknown) => {
      ocrPool = null; // the next letter tries again
      throw err;
    });
    return ocrPool;
  };

  const components: App['components'] = {};
  if (roles.has('acknowledge')) {
    components.acknowledger = createAcknowledger({
      models: store.models, withCase: store.withCase, smtp: config.smtp, from: config.smtp.from,
      messageIdDomain: (addressOf(config.smtp.from) ?? 'kcc.invalid').split('@')[1]!, logger,
      refusals: { models: refusals.models, lock },
      consentLink: (caseId) => survey.consentLink(caseId),
      ...(o.clock ? { clock: o.clock } : {}),
    });
  }
  if (roles.has('survey')) {
    components.surveySender = createSurveySender({
      conn, survey, hasher, lock, smtp: config.smtp, from: config.smtp.from,
      messageIdDomain: (addressOf(config.smtp.from) ?? 'kcc.invalid').split('@')[1]!, logger,
      pollIntervalMs: config.survey.pollMs,
      ...(o.clock ? { clock: o.clock } : {}),
    });
  }
  if (roles.has('process')) {
    components.processor = createEmailProcessor({
      bus, store, claimChecks, logger, topics, claimCheckThresholdBytes: config.limits.claimCheckThresholdBytes,
      groupId: o.groupId ?? `${config.kafka.topicPrefix}.intake`,
      // The parser's size limit is the configured one the ingestor enforces (issue 12).
      analyse: {
        ourAddresses: ours, limits: { maxBytes: config.limits.maxMessageBytes },
        // Probable spam goes to the screening queue for an agent, never away (processors/screening).
        ...(config.spamFilter.url ? { spamFilter: createRspamdFilter({ url: config.spamFilter.url }), spamScoreThreshold: config.spamFilter.score } : {}),
      },
      ...(o.clock ? { clock: o.clock } : {}),
      onCaseCreated: () => components.acknowledger?.kick(),
      partitionsConsumedConcurrently: config.intakeConcurrency,
      batchSize: config.intakeBatch,
      refusals,
      onBounce: (raw) => survey.markBouncedFrom(raw),
      ...(o.keepContent === false ? { keepContent: false } : {}),
    });
  }
  if (roles.has('inspect')) {
    components.attachmentInspector = createAttachmentInspector({
      bus, store, identity, claimChecks, ocr, logger, topics,
      groupId: `${o.groupId ?? `${config.kafka.topicPrefix}.intake`}.attachments`,
      partitionsConsumedConcurrently: config.ocr.workers,
    });
  }
  const dropDir = config.letters.dropDir;
  if (roles.has('letters') && dropDir) {
    components.letterProcessor = createLetterProcessor({
      bus, store, identity, claimChecks, ocr, logger, topics,
      groupId: `${o.groupId ?? `${config.kafka.topicPrefix}.intake`}.letters`,
      ourAddresses: ours,
      partitionsConsumedConcurrently: config.ocr.workers,
    });
    const letters = config.letters;
    components.letterIngestor = createLetterIngestor({
      dropDir, bus, claimChecks, topics, logger, pollIntervalMs: letters.pollIntervalMs,
      upload: letters.upload.token ? { host: letters.upload.host, port: letters.upload.port, token: letters.upload.token } : null,
      rejectedRetentionMs: config.idDocumentMaxDays * 86_400_000,
      ...(o.clock ? { clock: o.clock } : {}),
    });
    if (!letters.upload.token) logger.warn({ code: 'LETTERS_UPLOAD_DISABLED' }, 'letter upload disabled: no KCC_LETTERS_UPLOAD_TOKEN');
  }
  if (roles.has('ingest')) {
    components.ingestor = createImapIngestor({
      imap: config.imap, mailboxes: config.imap.mailboxes, processedFolder: config.imap.processedFolder, refusedFolder: config.imap.refusedFolder,
      bus, claimChecks, topics, logger,
      claimCheckThresholdBytes: config.limits.claimCheckThresholdBytes, maxMessageBytes: config.limits.maxMessageBytes,
      refusals,
      ...(o.clock ? { clock: o.clock } : {}),
    });
  }
  if (roles.has('events')) {
    components.events = createCaseEventPublisher({ models: store.models, withCase: store.withCase, bus, topic: topics.caseEvents, source: config.events.source, logger });
  }
  if (roles.has('workbench')) {
    const w = config.workbench;
    if (w.oidc.clientSecret) {
      components.workbench = await createWorkbench({
        settings: { host: w.host, port: w.port, publicUrl: w.publicUrl, demo: w.demo, trustProxy: w.trustProxy, oidc: { issuer: w.oidc.issuer, clientId: w.oidc.clientId, clientSecret: w.oidc.clientSecret, rolesClaim: w.oidc.rolesClaim } },
        conn, store, identity, audit, logger, survey, hasher, retry: config, retentionCollections: RETENTION_COLLECTIONS, ...(o.clock ? { clock: o.clock } : {}),
      });
    } else {
      logger.warn({ code: 'WORKBENCH_DISABLED' }, 'workbench role off: no KCC_OIDC_CLIENT_SECRET');
    }
  }
  // Retention deletions (counts only) go to the audit log and the hash-chained deletion log.
  const retentionRecorder = createRetentionRecorder(audit, { logger });
  if (roles.has('retention')) {
    // Dead letters into `dead_letters`, where `kcc deadletters` shows them to people.
    components.deadLetterRecorder = createDeadLetterRecorder({ bus, conn, topic: topics.deadLetter, groupId: `${config.kafka.topicPrefix}.deadletters`, logger });
    components.sweeper = createRetentionSweeper({
      db, collections: RETENTION_COLLECTIONS, mode: sweeperModeFor(server), intervalMs: config.sweepIntervalMs, logger,
      onDeleted: retentionRecorder.onDeleted,
      ...(o.clock ? { clock: o.clock } : {}),
    });
  }
  // Where a TTL monitor deletes (the sweeper only checks there), count what it deleted into the
  // deletion log; never beside a deleting sweeper, so no deletion is counted by both.
  if (roles.has('retention') && sweeperModeFor(server) === 'check') {
    components.ttlReconciler = createTtlReconciler({
      db, audit, collections: RETENTION_COLLECTIONS, hmacKey: config.keys.hmac, intervalMs: config.sweepIntervalMs, logger,
      ...(o.clock ? { clock: o.clock } : {}),
    });
    await components.ttlReconciler.ensureIndexes();
  }
  const claimSweepMs = durationToMilliseconds(technicalRetentionFor('claim_check_blob'));
  let claimTimer: NodeJS.Timeout | null = null;
  // Expired blobs every run; orphan chunks (an upload that died halfway: no files document)
  // hourly, as they only count once their upload is an hour old. Both in the deletion log.
  let claimSweeping: Promise<unknown> | null = null;
  let orphansSweptAt = -Infinity;
  const sweepClaimChecks = () => {
    claimSweeping ??= (async () => {
      const now = o.clock?.() ?? new Date();
      retentionRecorder.onDeleted('claim_check_blob', await claimChecks.sweepExpired(now));
      // The kept attachments' blobs (processors/content): their term is their case's.
      retentionRecorder.onDeleted('message_content_blob', (await store.content.sweep(now)).expired);
      if (now.getTime() - orphansSweptAt < ORPHAN_MIN_AGE_MS) return;
      orphansSweptAt = now.getTime();
      retentionRecorder.onDeleted('claim_check_orphan_chunks', await claimChecks.sweepOrphans(now));
    })()
      .catch((err: unknown) => logger.warn({ code: (err as { code?: string }).code ?? 'INTERNAL_UNEXPECTED' }, 'claim-check sweep failed; next run retries'))
      .finally(() => { claimSweeping = null; });
  };
  // The processed folder keeps every raw e-mail the ingestor moved there: expunged after its term.
  const purger = roles.has('retention')
    ? createProcessedPurger({
      imap: config.imap, processedFolder: config.imap.processedFolder, alsoFolders: [config.imap.refusedFolder], logger,
      termMs: durationToMilliseconds(technicalRetentionFor('imap_processed')),
      onDeleted: (n) => retentionRecorder.onDeleted('imap_processed', n),
      ...(o.clock ? { clock: o.clock } : {}),
    })
    : null;
  let purgeTimer: NodeJS.Timeout | null = null;
  let recorderStarted: Promise<void> | null = null;
  let purging: Promise<unknown> | null = null;
  const purgeOnce = () => {
    // Runs never overlap; a failure is logged by code (the server may be away) and retried next time.
    purging ??= purger!.runOnce()
      .catch((err: unknown) => logger.warn({ code: (err as { code?: string }).code ?? 'INTERNAL_UNEXPECTED' }, 'processed-folder purge failed; next run retries'))
      .finally(() => { purging = null; });
  };

  return {
    server, store, audit, identity, survey, conn, bus, topics, components,
    async start() {
      const t0 = performance.now();
      // All at once, none waiting for another (a consumer may wait seconds for its group).
      await startAll([
        components.ingestor, components.letterIngestor,
        components.processor, components.letterProcessor, components.attachmentInspector,
        components.acknowledger, components.workbench,
      ]);
      components.events?.start();
      components.surveySender?.start();
      // Not awaited: joining its consumer group must not hold up the rest of start-up (the
      // dead-letter topic keeps records for days, so nothing is missed while it joins).
      recorderStarted = components.deadLetterRecorder?.start().catch((err: unknown) => {
        logger.warn({ code: (err as { code?: string }).code ?? (err as Error).name }, 'dead-letter recorder did not start; dead letters stay on the topic');
      }) ?? null;
      if (components.sweeper) {
        components.sweeper.start();
        // GridFS blobs cannot be expired by a TTL index on any server: swept here.
        claimTimer = setInterval(sweepClaimChecks, Math.min(claimSweepMs, config.sweepIntervalMs));
        claimTimer.unref();
        purgeOnce();
        purgeTimer = setInterval(purgeOnce, config.imap.purgeIntervalMs);
        purgeTimer.unref();
      }
      components.ttlReconciler?.start();
      logger.info({ roles: [...roles], ms: Math.round(performance.now() - t0) }, 'pipeline ready');
    },
    async stop(boundMs = 20_000) {
      if (claimTimer) clearInterval(claimTimer);
      if (purgeTimer) clearInterval(purgeTimer);
      purger?.stop(); // a pass in progress ends now, not at its socket timeout
      const work = (async () => {
        await components.workbench?.stop();
        await components.ingestor?.stop();
        await components.letterIngestor?.stop();
        await components.processor?.stop();
        await components.letterProcessor?.stop();
        await components.attachmentInspector?.stop();
        await recorderStarted;
        await components.deadLetterRecorder?.stop();
        if (ocrPool) await (await ocrPool.catch(() => null))?.close();
        await components.acknowledger?.stop();
        await components.events?.stop();
        await components.surveySender?.stop();
        await components.sweeper?.stop();
        await components.ttlReconciler?.stop();
        await purging;
        await claimSweeping;
        await retentionRecorder.flush();
        await bus.close();
        await conn.close();
      })();
      await withTimeout(work, boundMs, () => new Error(`shutdown did not finish within ${boundMs} ms`));
    },
  };
}

/**
 * Starts every stage at once and waits for all of them; the first failure is thrown once
 * all have settled, so stop() never races a stage still starting.
 */
async function startAll(stages: ReadonlyArray<{ start(): Promise<void> | void } | undefined>): Promise<void> {
  const results = await Promise.allSettled(stages.map(async (s) => s?.start()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function addressOf(from: string): string | null {
  const m = /<([^<>]+)>/.exec(from) ?? /(\S+@\S+)/.exec(from);
  return m ? m[1]!.toLowerCase() : null;
}
