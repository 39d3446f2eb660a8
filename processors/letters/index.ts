/**
 * The letter processor: a member of a consumer group on the letters topic. For each record:
 * validate the contract → skip if this letter was handled (dedupe key from the file's
 * SHA-256) → fetch the pages from the claim check → read and inspect every page (OCR pool,
 * created once per process) → store ID copies and signatures in the identity store → store
 * the case (channel 'letter') → link the copies to it → keep the image pages that are not ID
 * copies as the case's content (keep-pages.ts) → drop the page blobs.
 *
 * Acknowledgment: none by e-mail. A letter's e-mail address is OCR output nobody has
 * confirmed; one misread character would send a case number and the fact of a question to a
 * stranger. Postal cases are answered by letter (processors/replyletter); the address the
 * letter gives stays on the case for the agent.
 *
 * Offsets are committed only after the handler returned (lib/kafka) and every write is
 * idempotent, so a crash anywhere loses and duplicates nothing. Bad input (a page OCR cannot
 * read in time, a missing blob, a record that breaks the contract) goes to the dead-letter
 * topic with a code and a reason; a failing dependency makes the record come back.
 */
import type { Bus } from '../../lib/kafka/index.ts';
import { createConsumerStage } from '../../lib/kafka/stage.ts';
import { dedupeKeyOf, LetterRawV1 } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { errorCode, TransientError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { intakeCitizen, type CaseStore } from '../cases/index.ts';
import type { IdentityStore, PendingDocument } from '../identity/index.ts';
import type { OcrPool } from '../ocr/index.ts';
import { analyseLetter, type LetterPageInput } from './analyse.ts';
import { keepLetterPages } from './keep-pages.ts';

export { analyseLetter, toLetterExtractJson, subjectOf, type LetterAnalysis, type LetterPageInput, type LetterPageResult } from './analyse.ts';

export interface LetterProcessorOptions {
  bus: Bus;
  store: CaseStore;
  identity: IdentityStore;
  claimChecks: ClaimCheckStore;
  /** The process's OCR pool (created once, shared with the e-mail attachment inspector). */
  ocr: () => Promise<OcrPool>;
  logger: Logger;
  topics: { letterRaw: string; deadLetter: string };
  groupId: string;
  ourAddresses?: string[];
  /**
   * Time for one letter's pages. 50 pages (the page limit) at ~2.5 s a page on two workers
   * is ~65 s (bench/ocr.ts); 4 minutes leaves room for a loaded machine and still stops a
   * letter that would hold a partition for long.
   */
  letterBudgetMs?: number;
  partitionsConsumedConcurrently?: number;
  onCaseCreated?: (caseId: string) => void;
}

export interface LetterProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: { cases: number; threaded: number; duplicates: number; deadLettered: number; idDocuments: number; pages: number };
}

const DEFAULT_LETTER_BUDGET_MS = 4 * 60_000;
// A member busy with a letter rejoins a rebalance only when the letter is done (lib/kafka
// keeps its session alive meanwhile): the group must wait one letter's budget for it, or it
// would drop the busy member and hand its letter to another (which would OCR it again).
const REBALANCE_MARGIN_MS = 60_000;

export function createLetterProcessor(o: LetterProcessorOptions): LetterProcessor {
  const log = o.logger.child({ stage: 'letters' });
  const stats = { cases: 0, threaded: 0, duplicates: 0, deadLettered: 0, idDocuments: 0, pages: 0 };
  const budgetMs = o.letterBudgetMs ?? DEFAULT_LETTER_BUDGET_MS;

  /**
   * The pool is started on the first letter that needs it (an e-mail-only process never pays
   * for it). A pool that cannot start is an installation problem, not a bad letter: the
   * letter comes back later instead of going to the dead-letter topic.
   */
  async function pool(): Promise<OcrPool> {
    try {
      return await o.ocr();
    } catch (err) {
      log.error({ code: errorCode(err) }, 'OCR pool unavailable');
      throw new TransientError('OCR_UNAVAILABLE', 'the OCR pool could not be started', err);
    }
  }

  async function dropBlobs(env: LetterRawV1): Promise<void> {
    // Minimisation: once the case and the copies are stored, the page images go at once.
    for (const p of env.pages) await o.claimChecks.delete(p.ref.fileId);
  }

  async function handle(env: LetterRawV1): Promise<void> {
    const key = dedupeKeyOf(null, env.sha256);
    if (await o.store.isProcessed(key)) {
      // A crash between storing the case and linking its copies: link them now.
      if (await o.identity.hasPending(key)) {
        // isProcessed found its message key: it names the case (by `_id`, not a nested query).
        const k = await o.store.models.MessageKey.findById(key, { caseId: 1 }).lean();
        if (k) await o.identity.linkToCase(key, k.caseId);
      }
      // A crash between the case and keeping its pages: keep them now, the blobs are still here (issue #16).
      const kc = await o.store.models.MessageKey.findById(key, { caseId: 1 }).lean();
      if (kc) await keepLetterPages(o, env, { caseId: kc.caseId, dedupeKey: key });
      stats.duplicates += 1;
      await dropBlobs(env);
      return;
    }
    const pages: LetterPageInput[] = [];
    for (const p of [...env.pages].sort((a, b) => a.index - b.index)) {
      const bytes = await o.claimChecks.get(p.ref.fileId);
      const name = `page-${p.index + 1}`;
      pages.push(p.content === 'text/plain' ? { name, text: bytes.toString('utf8') } : { name, image: bytes, mime: p.content });
    }
    const needsOcr = pages.some((p) => p.image);
    const a = await analyseLetter(pages, { ocr: needsOcr ? await pool() : null, ourAddresses: o.ourAddresses ?? [], budgetMs });
    stats.pages += pages.length;
    const receivedAt = new Date(env.receivedAt);

    const copies: PendingDocument[] = [];
    for (const r of a.pages) {
      if (r.kind === 'other') continue;
      const page = pages[r.index]!;
      copies.push({
        messageKey: key, channel: 'letter', part: r.index + 1, label: `page ${r.index + 1}`,
        category: r.kind, documentKind: r.documentKind, detectedBy: r.detectedBy ?? 'signature', mrzValid: r.mrzValid,
        content: page.image ?? Buffer.from(page.text ?? '', 'utf8'), contentType: page.image ? (page.mime ?? 'image/png') : 'text/plain',
        hints: r.hints, receivedAt,
      });
    }
    await o.identity.putPending(copies);

    const r = await o.store.ingest({
      dedupeKey: key,
      channel: 'letter',
      messageId: null,
      inReplyTo: null,
      references: [],
      receivedAt,
      subject: a.subject,
      text: a.text,
      source: { kind: 'letter', mailbox: env.source.via },
      // Pages by number and kind; no hash of an ID page (a fingerprint of the copy would outlive it).
      attachments: a.pages.map((p) => ({
        filename: p.name,
        contentType: env!.pages[p.index]?.content ?? 'application/octet-stream',
        size: env!.pages[p.index]?.size ?? 0,
        sha256: '',
        kind: p.kind,
      })),
      replyAddress: null,
      citizen: intakeCitizen(a.citizen),
      bsn: a.citizen.bsn,
      representative: a.representative,
      uncertain: a.uncertain,
      classification: a.classification,
      wantsAcknowledgment: false,
    });
    await o.identity.linkToCase(key, r.caseId);
    stats.idDocuments += copies.length;
    if (r.duplicate) stats.duplicates += 1;
    else if (r.threaded) stats.threaded += 1;
    else stats.cases += 1;
    log.info(
      { case: r.caseNumber, created: r.created, threaded: r.threaded, topic: a.classification.topic, pages: pages.length, idDocuments: copies.length, minConfidence: a.minConfidence },
      'letter case stored',
    );
    if (r.created) o.onCaseCreated?.(r.caseId);
    // The pages that are not ID copies stay with the case as its content (issue #16; keep-pages.ts), before the blobs go.
    await keepLetterPages(o, env, { caseId: r.caseId, dedupeKey: key });
    await dropBlobs(env);
  }

  const stage = createConsumerStage<LetterRawV1>({
    bus: o.bus, log, groupId: o.groupId, topic: o.topics.letterRaw, deadLetterTopic: o.topics.deadLetter,
    schema: LetterRawV1, what: 'raw letter',
    partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
    rebalanceTimeoutMs: budgetMs + REBALANCE_MARGIN_MS,
    handle,
    deadLetterOf: (env, record) => ({ sourceRef: env?.source ?? { kind: 'unknown' }, sha256: env?.sha256 ?? null, key: env?.sha256 ?? `${record.partition}:${record.offset}` }),
    onDeadLettered: () => { stats.deadLettered += 1; },
  });

  return {
    stats,
    start: () => stage.start(),
    stop: () => stage.stop(),
  };
}
