/**
 * The case store: turns one analysed message into a new case, or adds it to the case it
 * answers. Every write is idempotent, keyed by the message's dedupe key, so that Kafka's
 * at-least-once redelivery (after a crash, a rebalance, a UIDVALIDITY change) is harmless:
 *  - a new case's `_id` is the dedupe key of its first message, so a second insert fails
 *    with a duplicate key and we return the existing case;
 *  - a reply is pushed with a filter `messages.dedupeKey != key`, so it is added once.
 */
import type { Connection } from 'mongoose';
import { addDuration, GENERAL_RETENTION } from '../../config/register.ts';
import type { FieldCipher, KeyedHasher } from '../../lib/crypto.ts';
import { isRetriable, TransientError } from '../../lib/errors.ts';
import type { DocLock } from '../../lib/doclock.ts';
import { caseModels, caseSchema, type CaseDoc, type CaseModels, type CaseStatus } from './model.ts';
import { storedFormOf } from './stored-form.ts';
import { ActionRefusedError, CaseNotFoundError, createCaseDesk, workItemOf, type CaseDesk } from './work.ts';
import { caseEventDrafts } from './events.ts';
import { repairWorkItems, type WorkItemRepair } from './repair.ts';
import type { AuditLog } from '../audit/index.ts';
import { createContentStore, type ContentStore } from '../content/store.ts';

export { caseModels, caseSchema, nonCaseSchema, caseNumberSchema, workItemSchema, CASE_STATUSES, CASE_LINES, CLOSE_OUTCOMES, type CaseModels, type CaseDoc, type CaseStatus, type CaseLine, type CloseOutcome, type JournalEntry, type WorkItemDoc } from './model.ts';
export { caseEventDrafts, type CaseEventDraft } from './events.ts';
export { type WorkItemRepair } from './repair.ts';
export { confusionCsv, confusionMatrix, workCounts, type WorkCounts } from './reports.ts';
export { relatedCases, RELATED_LIMIT, type RelatedCase } from './related.ts';
export { searchCases, searchKindOf, SEARCH_LIMIT, type SearchHit, type SearchKind, type SearchResult } from './search.ts';
export { deadLetterCaseKey, openDeadLetterAsCase, refusalNote, REFUSED_TOPIC, type RefusedMessage } from './deadletter.ts';
export {
  ActionRefusedError, CaseChangedError, CaseNotFoundError, caseAccessFor, CONTACT_FIELDS, MAX_AGENT_TEXT, OPEN_STATUSES, QUEUE_PAGE_SIZE, workItemOf,
  type ActionRequest, type ActionResult, type CaseAccess, type CaseDesk, type CaseView, type ContactCorrection, type QueueFilter, type QueuePage,
} from './work.ts';

export interface SourceRef { kind: string; mailbox?: string; uidValidity?: string; uid?: number }

export interface IntakeCitizen {
  name: string | null; street: string | null; houseNumber: string | null; postcode: string | null;
  city: string | null;
  /** As written, for an address abroad; null for one in the Netherlands (a letter needs it on its last line). */
  country?: string | null;
  email: string | null; phones: string[];
}

/** The analysis's citizen (field names as `kcc extract` prints them) as the case store takes it. */
export function intakeCitizen(c: {
  name: string | null; street: string | null; house_number: string | null; postcode: string | null;
  city: string | null; country?: string | null; email: string | null; phones: string[];
}): IntakeCitizen {
  return { name: c.name, street: c.street, houseNumber: c.house_number, postcode: c.postcode, city: c.city, country: c.country ?? null, email: c.email, phones: c.phones };
}

export interface IntakeMessage {
  dedupeKey: string;
  channel: 'email' | 'letter';
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  receivedAt: Date;
  subject: string;
  /** Already redacted (BSN, IBAN). */
  text: string;
  source: SourceRef;
  attachments: Array<{ filename: string; contentType: string; size: number; sha256: string; kind: 'id_document' | 'signature' | 'other' }>;
  replyAddress: string | null;
  citizen: IntakeCitizen;
  bsn: string | null;
  representative: { name: string | null; email: string | null; relation: string | null } | null;
  /** Contact fields the extractor left empty for the agent to check (names of fields only). */
  uncertain?: string[];
  classification: { topic: string; language: string; confidence: number; reasons: string[] };
  /** False for letters without an e-mail address, etc. */
  wantsAcknowledgment: boolean;
  /** The body was cut or not rendered as written (processors/parse); the text's marker says so too. */
  truncated?: { reason: string; originalChars: number | null; keptChars: number } | null;
  /** Probably not a case (processors/screening): the case opens in the screening queue, its acknowledgment held. */
  screening?: { reasons: string[]; score?: number; symbols?: string[] } | null;
}

export interface Actor { id: string; role: string }

const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

export interface IntakeResult { caseId: string; caseNumber: string; created: boolean; threaded: boolean; duplicate: boolean }
/** ingestNew's answer per message: its result, or the error it met (the others are stored). */
export type IntakeOutcome = IntakeResult | { error: unknown };

export interface CaseStore {
  readonly models: CaseModels;
  /** What agents do with cases: the queue and every action (work.ts). */
  readonly desk: CaseDesk;
  /** What the citizen sent, beside the case (HTML, attachments; processors/content): same term, same erasure. */
  readonly content: ContentStore;
  /** True when this dedupe key was handled before (as a case message or a non-case). */
  isProcessed(dedupeKey: string): Promise<boolean>;
  /** Idempotent; true when this call recorded it, false when it was recorded before. */
  recordNonCase(dedupeKey: string, kind: string, reason: string, receivedAt: Date, source: SourceRef): Promise<boolean>;
  ingest(message: IntakeMessage): Promise<IntakeResult>;
  /**
   * Several messages that each open a case (isFreshCase: no thread to look for), written
   * together: one insert for their numbers, one for the cases, one per key collection. Same
   * result per message as ingest(); a message already stored comes back as a duplicate.
   */
  ingestNew(messages: readonly IntakeMessage[]): Promise<IntakeOutcome[]>;
  /** Escalate to second-line support (an agent's decision): the sealed BSN stays, readable by that role. Audited. */
  escalate(caseId: string, now: Date, actor?: Actor): Promise<void>;
  /** Close: recomputes the retention term; without escalation the sealed BSN is removed (and the removal logged). */
  close(caseId: string, now: Date, actor?: Actor, outcome?: import('./model.ts').CloseOutcome): Promise<void>;
  /** The BSN, for the second-line role, only on an escalated case. Every read is audited. */
  readBsnForSecondLine(caseId: string, role: string, actorId?: string): Promise<string | null>;
  ensureIndexes(): Promise<void>;
  /** Runs `fn` holding this case's write lock (no-op on servers with atomic updates). */
  withCase<T>(caseId: string, fn: () => Promise<T>): Promise<T>;
  /** Rewrites the work items of an older form from their cases, once (repair.ts); idempotent. */
  repairWorkItems(): Promise<WorkItemRepair>;
}

/** Case numbers as agents and citizens see them: KCC-2026-000123. */
export const CASE_NUMBER_PATTERN = /\bKCC-(\d{4})-(\d{6})\b/;

export function caseExpiry(from: Date): Date {
  // Register M1533: "Algemeen op (18 maanden)", counted from the last activity or closure.
  return addDuration(from, GENERAL_RETENTION);
}

/** A new case's stored form without a mongoose document (see stored-form.ts). */
export const storedCase = storedFormOf(caseSchema);

const NON_CASE_TERM_DAYS = 30; // a record without content, kept only to recognise redelivery
/** probeHighest looks this far past its answer for numbers beyond an isolated gap. */
const GAP_WINDOW = 8;

/** Runs `fn` holding a case's write lock (lib/doclock.ts): one key per case, for every writer of a case (the identity store too). */
export function caseLocker(lock: DocLock | undefined): <T>(caseId: string, fn: () => Promise<T>) => Promise<T> {
  return <T>(caseId: string, fn: () => Promise<T>): Promise<T> => (lock ? lock.withLock(`case:${caseId}`, fn) : fn());
}

/** What "not a case" needs of the identity store (processors/identity eraseForCase): its copies and records go with the case. */
export interface NonCaseIdentityEraser {
  eraseForCase(caseId: string, messageKeys: readonly string[], actor: Actor, at?: Date): Promise<unknown>;
}

export function createCaseStore(conn: Connection, deps: {
  cipher: FieldCipher; hasher: KeyedHasher; audit?: AuditLog; clock?: () => Date; lock?: DocLock; identity?: NonCaseIdentityEraser;
  /** Servers without an index for the queue (FerretDB 1.x): pages from a snapshot this old at most (queue-snapshot.ts). */
  queueSnapshot?: { maxStaleMs: number };
  /** Servers without range or sort pushdown (FerretDB 1.x): the highest case number by look-ups of `_id` (probeHighest). */
  probeCaseNumbers?: boolean;
}): CaseStore {
  const models = caseModels(conn);
  const { Case, NonCase, CaseNumber, MessageKey, ThreadKey, WorkItem, PendingCaseEvent } = models;
  const now = deps.clock ?? (() => new Date());
  // Writes to one case document from several processes go through this lock where the
  // server's updates are not atomic (FerretDB 1.x); on MongoDB it is a no-op.
  const withCase = caseLocker(deps.lock);
  const content = createContentStore(conn, { cipher: deps.cipher, ...(deps.clock ? { clock: deps.clock } : {}) });

  /**
   * The next free number of the year: read the highest issued, insert the next; a
   * concurrent writer that took it makes the insert fail, and we read again. Correct on
   * any server with a unique _id, which is why it is not a `$inc` counter (FerretDB 1.x
   * hands out the same `$inc` value to concurrent callers).
   */
  // The last number this process issued per year: the next insert is tried without reading
  // (on FerretDB a range-and-sort read scans the collection); a clash means another process
  // issued numbers meanwhile, and only then is the highest read back. Within the process the
  // next number is taken synchronously, so concurrent handlers never draw the same one (they
  // did, and every clash cost a scan: 6 partitions at once ran at 37 messages/s).
  const lastIssued = new Map<number, number>();
  const highestRead = new Map<number, Promise<number>>();
  /** The last number that clashed per year: issued by someone, so the probe starts there. */
  const clashedAt = new Map<number, number>();

  async function readHighest(year: number, prefix: string, floor: number): Promise<number> {
    // One read at a time per year, shared by every handler that needs it.
    let p = highestRead.get(year);
    if (!p) {
      p = (deps.probeCaseNumbers ? probeHighest(prefix, floor) : sortedHighest(year, prefix))
        .finally(() => highestRead.delete(year));
      highestRead.set(year, p);
    }
    return p;
  }

  /** MongoDB: the highest `_id` of the year's range, one read from the `_id` index. */
  async function sortedHighest(year: number, prefix: string): Promise<number> {
    const last = await CaseNumber.findOne({ _id: { $gte: prefix, $lt: `KCC-${year}.` } }, { _id: 1 }).sort({ _id: -1 }).lean();
    return last ? Number(String(last._id).slice(prefix.length)) : 0;
  }

  /**
   * FerretDB 1.x: the same range-and-sort read parses every number of the year (no range or
   * sort pushdown; 5.8–70 s at 200,000 cases, every intake stalled behind it after a
   * restart). Existence by `_id` is an equality it does push down, so: gallop up from
   * `floor` (a number known issued, or 0) while numbers exist, bisect, then look a few
   * numbers past the answer for an isolated gap (a drawn number a redelivery left unused).
   * About 40 look-ups. Uniqueness never rests on this answer (the insert of `_id` does);
   * a number too low only costs a clash, after which the clash is the next floor.
   */
  async function probeHighest(prefix: string, floor: number): Promise<number> {
    const MAX = 999_999;
    const exists = async (n: number) => n <= 0 || !!(await CaseNumber.exists({ _id: `${prefix}${String(n).padStart(6, '0')}` }));
    let lo = floor;
    if (!(await exists(lo))) lo = 0;
    let step = 1;
    let hi = MAX + 1;
    while (lo + step <= MAX) {
      if (!(await exists(lo + step))) { hi = lo + step; break; }
      lo += step;
      step *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await exists(mid)) lo = mid; else hi = mid;
    }
    for (let k = 2; k <= GAP_WINDOW && lo + k <= MAX; k++) {
      if (await exists(lo + k)) return probeHighest(prefix, lo + k);
    }
    return lo;
  }

  /**
   * Reads the highest number issued in `year` back into lastIssued (at start, after a clash).
   * Callers loop `while (!lastIssued.has(year))` and then draw without an await in between.
   */
  async function learnLastIssued(year: number, prefix: string, floor = 0): Promise<void> {
    const highest = await readHighest(year, prefix, floor);
    // Another handler may have set it while we waited; never go back.
    lastIssued.set(year, Math.max(lastIssued.get(year) ?? 0, highest));
  }

  async function nextCaseNumber(year: number, at: Date): Promise<string> {
    const prefix = `KCC-${year}-`;
    for (let attempt = 0; attempt < 50; attempt++) {
      while (!lastIssued.has(year)) await learnLastIssued(year, prefix, clashedAt.get(year) ?? 0);
      const next = lastIssued.get(year)! + 1;
      lastIssued.set(year, next); // taken before the await: the next caller draws next + 1
      const number = `${prefix}${String(next).padStart(6, '0')}`;
      try {
        await CaseNumber.create({ _id: number, at });
        return number;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        // Another process issued it: read the highest again (once, for every waiting handler), from this one up.
        if (lastIssued.get(year) === next) { lastIssued.delete(year); clashedAt.set(year, next); }
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
    }
    throw new TransientError('CASE_NUMBER_CONTENDED', 'no case number could be allocated after 50 attempts');
  }

  /**
   * `count` numbers of one year with one insert: the next ones after the last this process
   * issued; a number another process took meanwhile is replaced one at a time (nextCaseNumber).
   */
  async function nextCaseNumbers(year: number, at: Date, count: number): Promise<string[]> {
    const prefix = `KCC-${year}-`;
    while (!lastIssued.has(year)) await learnLastIssued(year, prefix);
    const first = lastIssued.get(year)! + 1;
    lastIssued.set(year, first + count - 1); // taken before the await, as in nextCaseNumber
    const numbers = Array.from({ length: count }, (_, i) => `${prefix}${String(first + i).padStart(6, '0')}`);
    const clashed = await insertIgnoringDuplicates(CaseNumber, numbers.map((n) => ({ _id: n, at })));
    if (clashed.size > 0) {
      if (lastIssued.get(year) === first + count - 1) lastIssued.delete(year);
      for (const i of clashed) numbers[i] = await nextCaseNumber(year, at);
    }
    return numbers;
  }

  // How many of a reply's References are tried (the nearest ones: clients append).
  const MAX_THREAD_REFS = 20;

  async function findThread(m: IntakeMessage): Promise<{ _id: string } | null> {
    const byNumber = CASE_NUMBER_PATTERN.exec(m.subject);
    if (byNumber) {
      const found = await Case.findOne({ caseNumber: byNumber[0] }, { _id: 1 }).lean();
      if (found) return { _id: String(found._id) };
    }
    const ids = [m.inReplyTo, ...m.references.slice(-MAX_THREAD_REFS).reverse()].filter((x): x is string => !!x);
    for (const id of new Set(ids)) {
      const key = await ThreadKey.findById(id, { caseId: 1 }).lean();
      if (key) return { _id: key.caseId };
    }
    return null;
  }

  /** Keys for the `_id`-only hot paths, written after the case write (idempotent upserts). */
  async function writeKeys(caseId: string, m: IntakeMessage, expiresAt: Date): Promise<void> {
    await Promise.all([
      MessageKey.updateOne({ _id: m.dedupeKey }, { $set: { caseId, expiresAt } }, { upsert: true }),
      m.messageId ? ThreadKey.updateOne({ _id: m.messageId }, { $set: { caseId, expiresAt } }, { upsert: true }) : null,
    ]);
  }

  /** The keys, and what the citizen sent, live as long as their case. */
  async function touchKeys(caseId: string, expiresAt: Date): Promise<void> {
    await MessageKey.updateMany({ caseId }, { $set: { expiresAt } });
    await ThreadKey.updateMany({ caseId }, { $set: { expiresAt } });
    await content.follow(caseId, expiresAt);
  }

  const newCaseDoc = (m: IntakeMessage, caseNumber: string, at: Date) => newCaseDocument(m, caseNumber, at, deps);

  const desk = createCaseDesk({
    models, withCase, cipher: deps.cipher, hasher: deps.hasher, touchKeys,
    ...(deps.queueSnapshot ? { queueSnapshot: deps.queueSnapshot } : {}),
    ...(deps.audit ? { audit: deps.audit } : {}), ...(deps.clock ? { clock: deps.clock } : {}),
    async eraseAsNonCase(c, at, actor) {
      // The ID copies and verification records first: they have no purpose left, and a crash
      // after this leaves the case, so the retry (a repeated close) comes back here.
      await deps.identity?.eraseForCase(c._id, c.messages.map((m) => m.dedupeKey), actor, at);
      // Events not yet published (the closure among them) outlive the case: event data only.
      const full = await Case.findById(c._id, { lookup: 0, bsnSealed: 0, messages: 0, notes: 0, replies: 0 }).lean<CaseDoc>();
      if (full) {
        const drafts = caseEventDrafts(full, full.eventsPublished ?? -1);
        for (const d of drafts) await PendingCaseEvent.updateOne({ _id: d.id }, { $setOnInsert: { event: d, at, expiresAt: new Date(at.getTime() + NON_CASE_TERM_DAYS * 86_400_000) } }, { upsert: true });
      }
      // Every message of the case stays recognised as handled (redelivery makes no new case).
      for (const m of c.messages) {
        await NonCase.updateOne({ _id: m.dedupeKey }, { $setOnInsert: { kind: 'not_a_case', reason: 'closed by an agent as not a case', receivedAt: m.receivedAt, expiresAt: new Date(at.getTime() + NON_CASE_TERM_DAYS * 86_400_000) } }, { upsert: true });
      }
      await Promise.all([MessageKey.deleteMany({ caseId: c._id }), ThreadKey.deleteMany({ caseId: c._id }), WorkItem.deleteOne({ _id: c._id })]);
      await content.eraseCases([c._id]);
      await Case.deleteOne({ _id: c._id });
    },
  });

  /**
   * The case this message is already stored on, if any: by its message key, or, after a
   * crash between a new case and its keys, by the case's own `_id`. Checked before any
   * thread look-up, whose answer can change between deliveries (a thread key taken over by
   * a newer message, a root case stored meanwhile): a redelivery must land where the first
   * delivery did, not be added to a second case.
   */
  async function storedBefore(m: IntakeMessage): Promise<IntakeResult | null> {
    const [key, own] = await Promise.all([
      MessageKey.findById(m.dedupeKey, { caseId: 1 }).lean(),
      Case.findById(m.dedupeKey, { caseNumber: 1, expiresAt: 1 }).lean(),
    ]);
    const caseId = key?.caseId ?? (own ? m.dedupeKey : null);
    if (!caseId) return null;
    const c = caseId === m.dedupeKey && own ? own : await Case.findById(caseId, { caseNumber: 1, expiresAt: 1 }).lean();
    // The case may be gone (erased, expired) while its key lives on for a moment: nothing to add.
    if (c) {
      await writeKeys(caseId, m, c.expiresAt);
      // A crash may have come between the case write and its queue row: rewritten from the
      // case as it is now, under its lock (idempotent; never a stale read over a newer row).
      await withCase(caseId, () => desk.syncWorkItem(caseId));
    }
    return { caseId, caseNumber: c?.caseNumber ?? '', created: false, threaded: caseId !== m.dedupeKey, duplicate: true };
  }

  async function ingestOne(m: IntakeMessage): Promise<IntakeResult> {
    const at = now();
    const before = await storedBefore(m);
    if (before) return before;
    const thread = await findThread(m);
    if (thread) {
      const lookup = lookupFor(m, deps.hasher);
      const res = await withCase(thread._id, async () => {
        // Compare-and-set on the case's version (the lock is a no-op on MongoDB): an agent's
        // action between our read and our write makes the write miss, and we read again, so
        // the history never holds two entries of one version.
        for (let attempt = 0; attempt < 10; attempt++) {
          const c = await Case.findById(thread._id, { status: 1, line: 1, version: 1, waitingSince: 1 }).lean<Pick<CaseDoc, 'status' | 'line' | 'version' | 'waitingSince'>>();
          if (!c) return { modifiedCount: 0 };
          const version = (c.version ?? 0) + 1;
          // A citizen's message makes the case work again: reopened if closed, 'open' if it
          // waited for them, on the line it is on. Their wait starts now unless it had not ended.
          const status: CaseStatus = c.line === 'second' ? 'escalated' : 'open';
          const waitingSince = c.status === 'open' || c.status === 'escalated' ? (c.waitingSince ?? m.receivedAt) : m.receivedAt;
          const r = await Case.updateOne(
            { _id: thread._id, 'messages.dedupeKey': { $ne: m.dedupeKey }, version: c.version ?? { $exists: false } },
            {
              $push: { messages: messageEntry(m), journal: { at, version, actor: SYSTEM_ACTOR, action: 'message_received' } },
              $addToSet: { threadIds: { $each: threadIdsOf(m) }, 'lookup.email': { $each: lookup.email }, 'lookup.phone': { $each: lookup.phone }, citizenKeys: { $each: [...lookup.email, ...lookup.phone] } },
              $set: { lastActivityAt: at, expiresAt: caseExpiry(at), status, version, waitingSince, citizenWroteAgainAt: at, eventsDue: true },
              $unset: { closedAt: 1, outcome: 1 },
            },
          );
          if (r.matchedCount > 0) {
            // The queue row from the case as just written, still under the lock: a row
            // rewritten after the lock is released could land after an agent's newer one.
            await desk.syncWorkItem(thread._id);
            return r;
          }
          // Missed: either this message is there already (a redelivery) or the version moved.
          if (await Case.exists({ _id: thread._id, 'messages.dedupeKey': m.dedupeKey })) {
            // A redelivery: the first delivery may have stopped before the row (a crash); repaired here.
            await desk.syncWorkItem(thread._id);
            return { modifiedCount: 0 };
          }
        }
        throw new TransientError('CASE_CONTENDED', 'the case changed under every attempt to add the message; retrying later');
      });
      const c = await Case.findById(thread._id, { caseNumber: 1, expiresAt: 1 }).lean();
      await writeKeys(thread._id, m, c!.expiresAt);
      if (res.modifiedCount > 0) await touchKeys(thread._id, c!.expiresAt);
      return { caseId: thread._id, caseNumber: c!.caseNumber, created: false, threaded: true, duplicate: res.modifiedCount === 0 };
    }

    const caseNumber = await nextCaseNumber(at.getUTCFullYear(), at);
    const doc = newCaseDoc(m, caseNumber, at);
    try {
      await Case.create(doc);
      await writeKeys(m.dedupeKey, m, doc.expiresAt);
      await insertIgnoringDuplicates(WorkItem.collection, [workItemOf(doc as unknown as CaseDoc)!]);
      return { caseId: m.dedupeKey, caseNumber, created: true, threaded: false, duplicate: false };
    } catch (err) {
      if ((err as { code?: number }).code === 11000) {
        // Redelivered while another worker created it: theirs stands (the number we drew is a gap).
        const c = await Case.findById(m.dedupeKey, { caseNumber: 1 }).lean();
        if (c) return { caseId: m.dedupeKey, caseNumber: c.caseNumber, created: false, threaded: false, duplicate: true };
        throw new TransientError('CASE_NUMBER_CLASH', 'case number already taken; retrying draws a new one', err);
      }
      throw err;
    }
  }

  async function ingestNew(ms: readonly IntakeMessage[]): Promise<IntakeOutcome[]> {
    // In partition order: runs of messages that open a case are written together; anything
    // else alone, in its place (a reply must see the cases stored before it, and only those).
    // After a retriable failure nothing later is written: the group comes back whole.
    const out: IntakeOutcome[] = [];
    for (let i = 0; i < ms.length;) {
      let j = i;
      while (j < ms.length && isFreshCase(ms[j]!)) j += 1;
      if (j > i) {
        out.push(...(await insertNewCases(ms.slice(i, j))));
        i = j;
      } else {
        try {
          out.push(await ingestOne(ms[i]!));
        } catch (error) {
          out.push({ error });
        }
        i += 1;
      }
      const failed = out.find((o): o is { error: unknown } => 'error' in o && isRetriable(o.error));
      if (failed) {
        while (out.length < ms.length) out.push({ error: failed.error });
        break;
      }
    }
    return out;
  }

  /** Messages that each open a case, written with one insert per collection. */
  async function insertNewCases(ms: readonly IntakeMessage[]): Promise<IntakeOutcome[]> {
    const out: Array<IntakeOutcome | null> = ms.map(() => null);
    const at = now();
    // Each document's stored form is built without hydrating it (stored-form.ts; mongoose's
    // document for the same input); what that refuses, mongoose casts and validates, and the
    // driver writes them all (Model.insertMany would hydrate and validate every one again).
    const docs: Array<Record<string, unknown> | null> = [];
    for (const m of ms) {
      const plain = newCaseDoc(m, `KCC-${at.getUTCFullYear()}-000000`, at);
      const formed = storedCase(plain);
      if ('doc' in formed) { docs.push(formed.doc); continue; }
      const d = new Case(plain);
      try {
        await d.validate();
        docs.push(d.toObject({ depopulate: true }) as Record<string, unknown>);
      } catch {
        docs.push(null); // the one-by-one path below reports what is wrong with it
      }
    }
    const fresh = docs.flatMap((d, i) => (d ? [i] : []));
    if (fresh.length > 0) {
      const numbers = await nextCaseNumbers(at.getUTCFullYear(), at, fresh.length);
      fresh.forEach((i, k) => { docs[i]!.caseNumber = numbers[k]!; });
      // A refusal is a message stored before (a redelivery): the one-by-one path below
      // reports it as a duplicate, and the number drawn for it stays unused (a gap).
      const refused = await insertIgnoringDuplicates(Case.collection, fresh.map((i) => docs[i]!));
      const created = fresh.filter((_, k) => !refused.has(k));
      const expiresAt = caseExpiry(at);
      await Promise.all([
        insertIgnoringDuplicates(WorkItem.collection, created.map((i) => workItemOf(docs[i] as unknown as CaseDoc)!)),
        insertIgnoringDuplicates(MessageKey.collection, created.map((i) => ({ _id: ms[i]!.dedupeKey, caseId: ms[i]!.dedupeKey, expiresAt }))),
        (async () => {
          const withId = created.filter((i) => !!ms[i]!.messageId);
          const taken = await insertIgnoringDuplicates(ThreadKey.collection, withId.map((i) => ({ _id: ms[i]!.messageId!, caseId: ms[i]!.dedupeKey, expiresAt })));
          // A Message-ID seen before on another message: the newest case takes it, as in writeKeys.
          for (const k of taken) {
            const i = withId[k]!;
            await ThreadKey.updateOne({ _id: ms[i]!.messageId! }, { $set: { caseId: ms[i]!.dedupeKey, expiresAt } }, { upsert: true });
          }
        })(),
      ]);
      for (const i of created) out[i] = { caseId: ms[i]!.dedupeKey, caseNumber: String(docs[i]!.caseNumber), created: true, threaded: false, duplicate: false };
    }
    for (let i = 0; i < ms.length; i++) {
      if (out[i]) continue;
      try {
        out[i] = await ingestOne(ms[i]!);
      } catch (error) {
        out[i] = { error };
      }
    }
    return out as IntakeOutcome[];
  }

  return {
    models,
    content,

    async isProcessed(key) {
      // `_id` look-ups on the small key collections only (see message_keys). A crash between
      // writing a new case and its key is caught by ingest(), which finds the case by `_id`.
      const [k, n] = await Promise.all([MessageKey.exists({ _id: key }), NonCase.exists({ _id: key })]);
      return !!k || !!n;
    },

    async recordNonCase(key, kind, reason, receivedAt, source) {
      const at = now();
      const res = await NonCase.updateOne(
        { _id: key },
        { $setOnInsert: { kind, reason, receivedAt, source, expiresAt: new Date(at.getTime() + NON_CASE_TERM_DAYS * 86_400_000) } },
        { upsert: true },
      );
      return res.upsertedCount > 0;
    },

    ingest: ingestOne,
    ingestNew,

    desk,

    repairWorkItems: () => repairWorkItems({ WorkItem, withCase, syncWorkItem: desk.syncWorkItem }),

    // The intake's and the CLI's way in; the rules are the desk's (work.ts), written once.
    async escalate(caseId, at, actor = SYSTEM_ACTOR) {
      try {
        await desk.escalate(caseId, null, actor, null, at);
      } catch (err) {
        if (!(err instanceof CaseNotFoundError || (err instanceof ActionRefusedError && err.code === 'CASE_CLOSED'))) throw err;
      }
    },

    async close(caseId, at, actor = SYSTEM_ACTOR, outcome = 'answered') {
      try {
        await desk.close(caseId, null, actor, outcome, at);
      } catch (err) {
        if (!(err instanceof CaseNotFoundError)) throw err;
      }
    },

    async readBsnForSecondLine(caseId, role, actorId = 'unknown') {
      if (role !== 'second_line') return null;
      const c = await Case.findById(caseId, { bsnSealed: 1, status: 1, escalatedAt: 1 }).lean();
      if (!c?.bsnSealed || !c.escalatedAt) return null;
      await deps.audit?.record({ actor: { id: actorId, role }, action: 'read_bsn', caseId });
      return deps.cipher.decryptString(c.bsnSealed as never, `cases/${caseId}/bsn`);
    },

    withCase,

    async ensureIndexes() {
      await Promise.all([Case.init(), NonCase.init(), CaseNumber.init(), MessageKey.init(), ThreadKey.init(), WorkItem.init(), PendingCaseEvent.init(), content.ensureIndexes()]);
    },
  };
}

function lookupFor(m: IntakeMessage, hasher: KeyedHasher) {
  const safe = (kind: 'email' | 'phone' | 'bsn' | 'name', v: string | null | undefined): string | null => {
    if (!v) return null;
    try { return hasher.hmac(kind, v); } catch { return null; }
  };
  const emails = [m.citizen.email, m.representative?.email, m.replyAddress].map((v) => safe('email', v)).filter((x): x is string => !!x);
  const names = [m.citizen.name, m.representative?.name].map((v) => safe('name', v)).filter((x): x is string => !!x);
  return {
    email: [...new Set(emails)],
    phone: [...new Set(m.citizen.phones.map((p) => safe('phone', p)).filter((x): x is string => !!x))],
    bsn: safe('bsn', m.bsn) ?? undefined,
    name: [...new Set(names)],
  };
}

/** `lookup` and its top-level twins (model.ts citizenKeys, bsnKey), always written together. */
function lookupFields(lookup: ReturnType<typeof lookupFor>) {
  return { lookup, citizenKeys: [...lookup.email, ...lookup.phone], ...(lookup.bsn ? { bsnKey: lookup.bsn } : {}) };
}

function messageEntry(m: IntakeMessage) {
  return {
    dedupeKey: m.dedupeKey, messageId: m.messageId ?? undefined, channel: m.channel, receivedAt: m.receivedAt,
    subject: m.subject, text: m.text, writtenByRepresentative: !!m.representative, source: m.source, attachments: m.attachments,
    ...(m.truncated ? { truncated: { reason: m.truncated.reason, ...(m.truncated.originalChars !== null ? { originalChars: m.truncated.originalChars } : {}), keptChars: m.truncated.keptChars } } : {}),
  };
}

const threadIdsOf = (m: IntakeMessage) => [m.messageId].filter((x): x is string => !!x);

/**
 * A new case's document as mongoose takes it (and storedCase() builds its stored form): the
 * message's fields, the BSN sealed, keyed hashes for subject-access look-ups.
 */
export function newCaseDocument(m: IntakeMessage, caseNumber: string, at: Date, deps: { cipher: FieldCipher; hasher: KeyedHasher }) {
  return {
    _id: m.dedupeKey,
    caseNumber,
    channel: m.channel,
    status: 'open' as const,
    classification: m.classification,
    citizen: m.citizen,
    representative: m.representative ?? undefined,
    ...(m.uncertain?.length ? { uncertainFields: m.uncertain } : {}),
    replyAddress: m.replyAddress ?? undefined,
    ...lookupFields(lookupFor(m, deps.hasher)),
    bsnSealed: m.bsn ? deps.cipher.encrypt(m.bsn, `cases/${m.dedupeKey}/bsn`) : undefined,
    threadIds: threadIdsOf(m),
    messages: [messageEntry(m)],
    // A screened case's acknowledgment waits for an agent: no mail to a spammer or a ticket robot.
    ackDue: !!(m.wantsAcknowledgment && m.replyAddress) && !m.screening,
    ack: { status: !(m.wantsAcknowledgment && m.replyAddress) ? ('not_needed' as const) : m.screening ? ('held' as const) : ('pending' as const), attempts: 0 },
    line: m.screening ? ('screening' as const) : ('first' as const),
    ...(m.screening ? { screening: { reasons: m.screening.reasons, ...(m.screening.score !== undefined ? { score: m.screening.score } : {}), ...(m.screening.symbols ? { symbols: m.screening.symbols } : {}) } } : {}),
    version: 0,
    // The five-working-day promise counts from when the message reached us.
    waitingSince: m.receivedAt,
    journal: [{ at, version: 0, actor: SYSTEM_ACTOR, action: 'created' as const }],
    // The 'created' entry is the first event owed (processors/events).
    eventsPublished: -1,
    eventsDue: true,
    createdAt: at,
    lastActivityAt: at,
    expiresAt: caseExpiry(at),
  };
}

/** A message that opens a case without looking for one: no case number, no In-Reply-To, no References. */
export function isFreshCase(m: Pick<IntakeMessage, 'subject' | 'inReplyTo' | 'references'>): boolean {
  return !CASE_NUMBER_PATTERN.test(m.subject) && !m.inReplyTo && m.references.length === 0;
}

/**
 * insertMany, unordered: returns the indexes refused as duplicates (code 11000); any other
 * failure is thrown. (FerretDB 1.24 reports per-document write errors as MongoDB does: checked.)
 */
async function insertIgnoringDuplicates(target: { insertMany(docs: never[], options: { ordered: false }): Promise<unknown> }, docs: object[]): Promise<Set<number>> {
  const dup = new Set<number>();
  if (docs.length === 0) return dup;
  try {
    await target.insertMany(docs as never[], { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: Array<{ index: number; code: number }> }).writeErrors;
    if (!writeErrors || writeErrors.length === 0 || writeErrors.some((e) => e.code !== 11000)) throw err;
    for (const e of writeErrors) dup.add(e.index);
  }
  return dup;
}
