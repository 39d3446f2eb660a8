/**
 * The application factory (the fastify habit): builds every component from a validated
 * configuration and returns something tests can start and stop. `app/main.ts` only wires
 * signals and calls it.
 *
 * Roles let one process run everything (`npm start`) or one stage per process (production,
 * and the kill -9 tests): `ingest` (IMAP → Kafka), `process` (Kafka → cases),
 * `acknowledge` (cases → SMTP), `retention` (sweeper or checker), `letters` (drop folder and
 * upload → Kafka when KCC_LETTERS_DROP_DIR is set; letters topic → OCR → cases), `inspect`
 * (e-mail attachments queued by `process` → OCR → ID copies to the identity store).
 *
 * One OCR pool per process, created on first need and shared by the letter processor and
 * the attachment inspector (a process that never sees a scan never starts one).
 */
import mongoose from 'mongoose';
import type { Config } from '../config/index.ts';
import { createBus, type Bus } from '../lib/kafka/index.ts';
import { topicName } from '../lib/contracts.ts';
import { createClaimCheckStore } from '../lib/claimcheck.ts';
import { createFieldCipher, createKeyedHasher } from '../lib/crypto.ts';
import { detectServer, ensureTtlIndexes, createRetentionSweeper, sweeperModeFor, type ServerInfo, type RetentionSweeper } from '../lib/retention.ts';
import { durationToMilliseconds, technicalRetentionFor } from '../config/register.ts';
import type { Logger } from '../lib/logger.ts';
import { createCaseStore, type CaseStore } from '../processors/cases/index.ts';
import { createDocLock } from '../lib/doclock.ts';
import { createAuditLog, createRetentionRecorder, type AuditLog } from '../processors/audit/index.ts';
import { createEmailProcessor, type EmailProcessor } from '../processors/intake/index.ts';
import { createAcknowledger, type Acknowledger } from '../processors/acknowledge/index.ts';
import { createImapIngestor, type ImapIngestor } from '../ingest/imap/index.ts';
import { createProcessedPurger } from '../ingest/imap/purge.ts';
import { createIdentityStore, type IdentityStore } from '../processors/identity/index.ts';
import { createAttachmentInspector, type AttachmentInspector } from '../processors/attachments/index.ts';
import { createLetterProcessor, type LetterProcessor } from '../processors/letters/index.ts';
import { createOcrPool, type OcrPool } from '../processors/ocr/index.ts';
import { createLetterIngestor, type LetterIngestor } from '../ingest/letters/index.ts';
import { withTimeout } from '../lib/retry.ts';
import { TransientError } from '../lib/errors.ts';
import { createWorkbench, type Workbench } from '../workbench/index.ts';
import { createCaseEventPublisher, type CaseEventPublisher } from '../processors/events/index.ts';

export const ROLES = ['ingest', 'process', 'acknowledge', 'retention', 'letters', 'inspect', 'workbench', 'events'] as const;
export type Role = (typeof ROLES)[number];

/** Collections whose documents carry `expiresAt` (TTL index on MongoDB, sweeper elsewhere). */
export const RETENTION_COLLECTIONS = ['cases', 'message_keys', 'thread_keys', 'work_items', 'case_events_pending', 'noncases', 'audit_log', 'identity_documents', 'verification_records', 'workbench_sessions', 'workbench_logins'] as const;

export interface App {
  readonly server: ServerInfo;
  readonly store: CaseStore;
  readonly audit: AuditLog;
  readonly identity: IdentityStore;
  readonly conn: mongoose.Connection;
  readonly bus: Bus;
  readonly topics: { mailRaw: string; deadLetter: string; letterRaw: string; attachmentCheck: string; caseEvents: string };
  readonly components: {
    ingestor?: ImapIngestor; processor?: EmailProcessor; acknowledger?: Acknowledger; sweeper?: RetentionSweeper;
    letterIngestor?: LetterIngestor; letterProcessor?: LetterProcessor; attachmentInspector?: AttachmentInspector;
    workbench?: Workbench;
    events?: CaseEventPublisher;
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
}

export async function createApp(o: AppOptions): Promise<App> {
  const { config, logger } = o;
  const roles = new Set(o.roles ?? ROLES);
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
  const store = createCaseStore(conn, { cipher, hasher, audit, lock, ...(o.clock ? { clock: o.clock } : {}) });
  await store.ensureIndexes();
  const identity = createIdentityStore(conn, { cipher, audit, maxDays: config.idDocumentMaxDays, logger, ...(o.clock ? { clock: o.clock } : {}) });
  await identity.ensureIndexes();
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
  const ours = [config.imap.user.toLowerCase(), addressOf(config.smtp.from)].filter((x): x is string => !!x);

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
      ...(o.clock ? { clock: o.clock } : {}),
    });
  }
  if (roles.has('process')) {
    components.processor = createEmailProcessor({
      bus, store, claimChecks, logger, topics, claimCheckThresholdBytes: config.limits.claimCheckThresholdBytes,
      groupId: o.groupId ?? `${config.kafka.topicPrefix}.intake`,
      analyse: { ourAddresses: ours },
      ...(o.clock ? { clock: o.clock } : {}),
      onCaseCreated: () => components.acknowledger?.kick(),
      partitionsConsumedConcurrently: config.intakeConcurrency,
      batchSize: config.intakeBatch,
    });
  }
  if (roles.has('inspect')) {
    components.attachmentInspector = createAttachmentInspector({
      bus, store, identity, claimChecks, ocr, logger, topics,
      groupId: `${o.groupId ?? `${config.kafka.topicPrefix}.intake`}.attachments`,
      partitionsConsumedConcurrently: config.ocr.workers,
    });
  }
  if (roles.has('letters')) {
    components.letterProcessor = createLetterProcessor({
      bus, store, identity, claimChecks, ocr, logger, topics,
      groupId: `${o.groupId ?? `${config.kafka.topicPrefix}.intake`}.letters`,
      ourAddresses: ours,
      partitionsConsumedConcurrently: config.ocr.workers,
    });
    const letters = config.letters;
    if (letters.dropDir) {
      components.letterIngestor = createLetterIngestor({
        dropDir: letters.dropDir, bus, claimChecks, topics, logger, pollIntervalMs: letters.pollIntervalMs,
        upload: letters.upload.token ? { host: letters.upload.host, port: letters.upload.port, token: letters.upload.token } : null,
        rejectedRetentionMs: config.idDocumentMaxDays * 86_400_000,
        ...(o.clock ? { clock: o.clock } : {}),
      });
      if (!letters.upload.token) logger.warn({ code: 'LETTERS_UPLOAD_DISABLED' }, 'letter upload disabled: no KCC_LETTERS_UPLOAD_TOKEN');
    }
  }
  if (roles.has('ingest')) {
    components.ingestor = createImapIngestor({
      imap: config.imap, mailboxes: config.imap.mailboxes, processedFolder: config.imap.processedFolder,
      bus, claimChecks, topics, logger,
      claimCheckThresholdBytes: config.limits.claimCheckThresholdBytes, maxMessageBytes: config.limits.maxMessageBytes,
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
        settings: { host: w.host, port: w.port, publicUrl: w.publicUrl, demo: w.demo, oidc: { issuer: w.oidc.issuer, clientId: w.oidc.clientId, clientSecret: w.oidc.clientSecret, rolesClaim: w.oidc.rolesClaim } },
        conn, store, identity, audit, logger, ...(o.clock ? { clock: o.clock } : {}),
      });
    } else {
      logger.warn({ code: 'WORKBENCH_DISABLED' }, 'workbench role off: no KCC_OIDC_CLIENT_SECRET');
    }
  }
  // Retention deletions (counts only) go to the audit log and the hash-chained deletion log.
  const retentionRecorder = createRetentionRecorder(audit, { logger });
  if (roles.has('retention')) {
    components.sweeper = createRetentionSweeper({
      db, collections: RETENTION_COLLECTIONS, mode: sweeperModeFor(server), intervalMs: config.sweepIntervalMs, logger,
      onDeleted: retentionRecorder.onDeleted,
      ...(o.clock ? { clock: o.clock } : {}),
    });
  }
  const claimSweepMs = durationToMilliseconds(technicalRetentionFor('claim_check_blob'));
  let claimTimer: NodeJS.Timeout | null = null;
  // The processed folder keeps every raw e-mail the ingestor moved there: expunged after its term.
  const purger = roles.has('retention')
    ? createProcessedPurger({
      imap: config.imap, processedFolder: config.imap.processedFolder, logger,
      termMs: durationToMilliseconds(technicalRetentionFor('imap_processed')),
      onDeleted: (n) => retentionRecorder.onDeleted('imap_processed', n),
      ...(o.clock ? { clock: o.clock } : {}),
    })
    : null;
  let purgeTimer: NodeJS.Timeout | null = null;
  let purging: Promise<unknown> | null = null;
  const purgeOnce = () => {
    // Runs never overlap; a failure is logged by code (the server may be away) and retried next time.
    purging ??= purger!.runOnce()
      .catch((err: unknown) => logger.warn({ code: (err as { code?: string }).code ?? 'INTERNAL_UNEXPECTED' }, 'processed-folder purge failed; next run retries'))
      .finally(() => { purging = null; });
  };

  return {
    server, store, audit, identity, conn, bus, topics, components,
    async start() {
      await components.processor?.start();
      await components.letterProcessor?.start();
      await components.attachmentInspector?.start();
      components.acknowledger?.start();
      await components.ingestor?.start();
      await components.letterIngestor?.start();
      await components.workbench?.start();
      components.events?.start();
      if (components.sweeper) {
        components.sweeper.start();
        // GridFS blobs cannot be expired by a TTL index on any server: swept here.
        claimTimer = setInterval(() => { void claimChecks.sweepExpired(o.clock?.() ?? new Date()).catch(() => undefined); }, Math.min(claimSweepMs, config.sweepIntervalMs));
        claimTimer.unref();
        purgeOnce();
        purgeTimer = setInterval(purgeOnce, config.imap.purgeIntervalMs);
        purgeTimer.unref();
      }
      logger.info({ roles: [...roles] }, 'pipeline ready');
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
        if (ocrPool) await (await ocrPool.catch(() => null))?.close();
        await components.acknowledger?.stop();
        await components.events?.stop();
        await components.sweeper?.stop();
        await purging;
        await retentionRecorder.flush();
        await bus.close();
        await conn.close();
      })();
      await withTimeout(work, boundMs, () => new Error(`shutdown did not finish within ${boundMs} ms`));
    },
  };
}

function addressOf(from: string): string | null {
  const m = /<([^<>]+)>/.exec(from) ?? /(\S+@\S+)/.exec(from);
  return m ? m[1]!.toLowerCase() : null;
}
