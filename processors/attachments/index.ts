/**
 * The attachment inspector: the expensive half of e-mail intake, in its own consumer group.
 * The e-mail processor stores the case at once and queues each attachment that may be an ID
 * copy (AttachmentCheckV2: bytes in the record, or by claim check when large); here, per record:
 *
 *   validate → find the case's attachment (gone, or already 'done' → drop the blob, skip) →
 *   take the bytes (claim-check blob missing → handled before or expired: skip) → inspect (OCR, MRZ;
 *   processors/identity's inspector, the same one letters use) → an ID copy or signature goes
 *   sealed to the identity store and is listed on the case → the attachment gets its kind
 *   and `inspection: 'done'` → drop the blob.
 *
 * Every write is idempotent: identity documents are keyed by message and attachment position
 * (insert-once), the link skips what is linked, the case update sets values. So a redelivered
 * or duplicated check is harmless; one that finds the attachment 'done' costs no OCR.
 * Bad input goes to the dead-letter topic; a failing dependency makes the record come back.
 */
import type { Bus } from '../../lib/kafka/index.ts';
import { createConsumerStage } from '../../lib/kafka/stage.ts';
import { decodeAttachmentCheck, sha256Of, type AttachmentCheck } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { InputError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CaseStore } from '../cases/index.ts';
import { createAttachmentInspector as createPageInspector, pendingDocumentOf, type AttachmentInspectorFactory, type IdentityStore } from '../identity/index.ts';
import type { OcrPool } from '../ocr/index.ts';

export interface AttachmentInspectorOptions {
  bus: Bus;
  store: CaseStore;
  identity: IdentityStore;
  claimChecks: ClaimCheckStore;
  /** The process's OCR pool, created on first need (shared with the letter processor). */
  ocr: () => Promise<OcrPool>;
  /** Instead of processors/identity's inspector over `ocr` (tests). */
  inspector?: AttachmentInspectorFactory;
  logger: Logger;
  topics: { attachmentCheck: string; deadLetter: string };
  groupId: string;
  /** OCR is CPU-bound: no more partitions at once than OCR workers (default 1). */
  partitionsConsumedConcurrently?: number;
}

export interface AttachmentInspector {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: { inspected: number; flagged: number; skipped: number; deadLettered: number; inspectMs: number };
}

export function createAttachmentInspector(o: AttachmentInspectorOptions): AttachmentInspector {
  const log = o.logger.child({ stage: 'attachments' });
  const stats = { inspected: 0, flagged: 0, skipped: 0, deadLettered: 0, inspectMs: 0 };
  const { Case } = o.store.models;
  // One attachment per "message" of the page budget: each check is inspected on its own.
  const inspector = o.inspector ?? createPageInspector({ ocr: o.ocr, logger: log });

  async function skip(env: AttachmentCheck, why: string): Promise<void> {
    stats.skipped += 1;
    log.info({ why, index: env.attachmentIndex }, 'attachment check skipped');
    await dropBlob(env);
  }

  /** Minimisation: a claim-check blob goes as soon as it is not needed (inline bytes have none). */
  async function dropBlob(env: AttachmentCheck): Promise<void> {
    if (env.body.type === 'claim_check') await o.claimChecks.delete(env.body.fileId);
  }

  /** The attachment's bytes, or null when its claim-check blob is gone. */
  async function bytesOf(env: AttachmentCheck): Promise<Buffer | null> {
    if (env.body.type === 'inline') return env.inline!;
    try {
      return await o.claimChecks.get(env.body.fileId);
    } catch (err) {
      if (err instanceof InputError && err.code === 'CLAIMCHECK_MISSING') return null;
      throw err;
    }
  }

  async function handle(env: AttachmentCheck): Promise<void> {
    const c = await Case.findById(env.caseId, { 'messages.dedupeKey': 1, 'messages.attachments': 1 }).lean();
    // Deleted (subject-access erasure, retention) since it was queued: nothing to inspect for.
    if (!c) return skip(env, 'case_gone');
    const mi = c.messages.findIndex((m) => m.dedupeKey === env.dedupeKey);
    const att = mi >= 0 ? c.messages[mi]!.attachments[env.attachmentIndex] : undefined;
    if (!att) throw new InputError('ATTACHMENT_CHECK_NO_TARGET', 'the case has no such message or attachment');
    if (att.inspection === 'done') return skip(env, 'already_done');

    const content = await bytesOf(env);
    if (!content) {
      // A claim-check blob consumed by an earlier delivery of this check, or past its term.
      stats.skipped += 1;
      log.warn({ code: 'CLAIMCHECK_MISSING', index: env.attachmentIndex }, 'attachment bytes gone; check skipped');
      return;
    }
    if (sha256Of(content) !== env.sha256) throw new InputError('ATTACHMENT_CHECK_HASH_MISMATCH', 'the claim-check blob does not match the attachment hash');

    const t0 = performance.now();
    const verdict = await inspector.forMessage()({ filename: env.filename, contentType: env.contentType, content });
    stats.inspectMs += performance.now() - t0;
    stats.inspected += 1;

    const path = `messages.${mi}.attachments.${env.attachmentIndex}`;
    const set: Record<string, unknown> = { [`${path}.kind`]: verdict.kind, [`${path}.inspection`]: 'done' };
    if (verdict.kind !== 'other') {
      // The copy first, sealed, then (below) its listing on the case; a crash in between is
      // repaired by the redelivery (insert-once, link what is unlinked).
      await o.identity.putPending([
        pendingDocumentOf(verdict, {
          messageKey: env.dedupeKey, part: env.attachmentIndex + 1, filename: env.filename, contentType: env.contentType,
          content, receivedAt: new Date(env.receivedAt),
        }),
      ]);
      // No hash of a copy on the case: a fingerprint would outlive the copy.
      set[`${path}.sha256`] = '';
      // An ID copy lives only in identity_documents: the copy kept with the message's content goes now.
      await o.store.content.dropPart(env.dedupeKey, env.attachmentIndex, verdict.kind);
      stats.flagged += 1;
    }
    // Under the case's write lock (FerretDB 1.x updates are not atomic; a no-op on MongoDB):
    // the e-mail processor may be threading a reply onto this case at the same moment.
    // The listing first (identity takes the case's lock itself; the lock is not re-entrant):
    // a crash before the verdict below is repaired by the redelivery (links nothing twice).
    if (verdict.kind !== 'other') await o.identity.linkToCase(env.dedupeKey, env.caseId);
    await o.store.withCase(env.caseId, async () => {
      // Through the driver, guarded by the message's key: the index path points at this message.
      await Case.collection.updateOne({ _id: env.caseId as never, [`messages.${mi}.dedupeKey`]: env.dedupeKey }, { $set: set });
    });
    log.info({ kind: verdict.kind, skipped: verdict.skipped, index: env.attachmentIndex }, 'attachment inspected');
    // Minimisation: the bytes go as soon as the verdict is stored.
    await dropBlob(env);
  }

  const stage = createConsumerStage<AttachmentCheck>({
    bus: o.bus, log, groupId: o.groupId, topic: o.topics.attachmentCheck, deadLetterTopic: o.topics.deadLetter,
    decodeRecord: decodeAttachmentCheck, what: 'attachment check',
    partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
    handle,
    // Not the attachment's hash: a fingerprint of a possible ID copy must not outlive it.
    deadLetterOf: (env, record) => ({ sourceRef: { kind: 'unknown' }, sha256: null, key: env ? `${env.dedupeKey}:${env.attachmentIndex}` : `${record.partition}:${record.offset}` }),
    onDeadLettered: () => { stats.deadLettered += 1; },
  });

  return {
    stats,
    start: () => stage.start(),
    stop: () => stage.stop(),
  };
}
