/**
 * What agents do with a case, as domain functions (the workbench only calls these): the
 * queue of open work, the case's history, and every action — claim, release, reassign,
 * note, escalate, close, reopen, re-classify, correct contact details, reveal the BSN.
 *
 * Every action
 *  - runs under the case's write lock (lib/doclock.ts; a no-op on MongoDB);
 *  - names the version of the case its page showed: when the case changed since, it is
 *    refused with CASE_CHANGED and the history entries since that version (a 409 that says
 *    what changed);
 *  - carries a request id, stored on its history entry: the same request again (a double
 *    click, a retry after a lost answer) has one effect and gets the same answer;
 *  - writes one history entry (who, when, what; field names, never values);
 *  - brings the case's work item (the queue's row, model.ts `work_items`) in line.
 *
 * Classification only routes (register M1533: no automated decisions about people): the
 * agent's topic is kept beside the pipeline's, never over it.
 */
import { maskContactDetails } from '../extract/index.ts';
import { createHash } from 'node:crypto';
import type { FieldCipher, KeyedHasher } from '../../lib/crypto.ts';
import { InputError } from '../../lib/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import {
  CASE_STATUSES, CLOSE_OUTCOMES,
  writeSlotOf,
  type CaseDoc, type CaseLine, type CaseModels, type CaseStatus, type CloseOutcome, type JournalAction, type JournalEntry, type WorkItemDoc,
} from './model.ts';
import { addDuration, GENERAL_RETENTION } from '../../config/register.ts';
import { createQueueSnapshot, type QueueMatch } from './queue-snapshot.ts';

export interface Agent { id: string; role: string }

/** Case not there (never, erased, expired, or not a case any more). */
export class CaseNotFoundError extends InputError {
  constructor() { super('CASE_NOT_FOUND', 'no such case'); this.name = 'CaseNotFoundError'; }
}

/** The case changed since the page that asked was loaded: `since` says how. */
export class CaseChangedError extends InputError {
  readonly since: Array<Pick<JournalEntry, 'at' | 'action' | 'actor' | 'version'>>;
  readonly version: number;
  constructor(version: number, since: CaseChangedError['since']) {
    super('CASE_CHANGED', `the case changed since it was loaded (now version ${version})`);
    this.name = 'CaseChangedError';
    this.version = version;
    this.since = since;
  }
}

/** The action does not apply to the case as it is (closing a closed case, a claim on someone else's). */
export class ActionRefusedError extends InputError {
  constructor(code: string, message: string) { super(code, message); this.name = 'ActionRefusedError'; }
}

/**
 * What a role may do with a case on a given line (the workbench checks it on every case URL,
 * not only in the queue):
 *  - first line works first-line cases; a case escalated to second line is not theirs any
 *    more (it may hold a BSN that line needs, and the escalation reason): 'none';
 *  - second line works second-line cases and may read a first-line case (a helpdesk's second
 *    line looks at what first line has, e.g. before taking over, or a citizen's other cases),
 *    but acts on it only after an escalation: 'read';
 *  - a team lead works every line: 'full'. Other roles have no case routes at all.
 * Looking at an ID copy counts as acting (it is the step before an identity decision).
 */
export type CaseAccess = 'full' | 'read' | 'none';
export function caseAccessFor(role: string, line: CaseLine | undefined): CaseAccess {
  const l = line ?? 'first';
  if (role === 'team_lead') return 'full';
  // First line also works the screening queue ("waarschijnlijk geen zaak", processors/screening).
  if (role === 'first_line') return l === 'first' || l === 'screening' ? 'full' : 'none';
  if (role === 'second_line') return l === 'second' ? 'full' : 'read';
  return 'none';
}

export interface ActionRequest {
  /** The case version the agent's page showed. */
  expectedVersion: number;
  /** Unique per submitted form (the page makes one): the same id again has no second effect. */
  requestId: string;
}

export interface ActionResult { caseId: string; version: number; repeated: boolean }

export const QUEUE_PAGE_SIZE = 50;
/** Statuses the queue shows by default: everything not closed. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['open', 'waiting', 'escalated'];

export interface QueueFilter {
  line?: CaseLine;
  statuses?: readonly CaseStatus[];
  topic?: string;
  language?: string;
  channel?: 'email' | 'letter';
  /** `mine` needs `agentId`. */
  assignee?: 'mine' | 'unassigned';
  agentId?: string;
}

export interface QueuePage {
  items: WorkItemDoc[];
  /** Keyset cursor of the next page, or null on the last. */
  next: string | null;
  /** Open cases per topic under the same filter, topic aside. */
  topicCounts: Record<string, number>;
}

export interface CaseDesk {
  queue(filter: QueueFilter, page?: { after?: string | null; limit?: number }): Promise<QueuePage>;
  /** The case as stored, without the sealed BSN and look-up hashes (nobody's page needs them). */
  get(caseId: string): Promise<CaseView | null>;
  claim(caseId: string, r: ActionRequest, agent: Agent): Promise<ActionResult>;
  release(caseId: string, r: ActionRequest, agent: Agent): Promise<ActionResult>;
  reassign(caseId: string, r: ActionRequest, agent: Agent, toAgentId: string): Promise<ActionResult>;
  note(caseId: string, r: ActionRequest, agent: Agent, text: string): Promise<ActionResult>;
  escalate(caseId: string, r: ActionRequest | null, agent: Agent, reason: string | null, at?: Date): Promise<ActionResult>;
  close(caseId: string, r: ActionRequest | null, agent: Agent, outcome: CloseOutcome, at?: Date): Promise<ActionResult>;
  reopen(caseId: string, r: ActionRequest, agent: Agent, reason: string): Promise<ActionResult>;
  /**
   * "Wel een zaak": a message the pipeline screened as probably not a case (spam filter, bulk
   * mail, a ticket system's receipt) is a citizen's question after all: to the first-line
   * queue, and its held acknowledgment is sent. "Geen zaak" is close(…, 'not_a_case').
   */
  confirmCase(caseId: string, r: ActionRequest, agent: Agent): Promise<ActionResult>;
  reclassify(caseId: string, r: ActionRequest, agent: Agent, topic: string, reason: string): Promise<ActionResult>;
  correctContact(caseId: string, r: ActionRequest, agent: Agent, fields: ContactCorrection): Promise<ActionResult>;
  /**
   * Answer the citizen by e-mail: queued on the case (the outbox) for the outgoing-mail stage,
   * which sends it once, threaded, with the case number in the subject. The case then waits
   * for the citizen. A message that arrived after the agent's page loaded makes it a 409.
   */
  reply(caseId: string, r: ActionRequest, agent: Agent, mail: { subject: string; text: string }): Promise<ActionResult>;
  /**
   * Answer by letter (a case that came by post, or has no e-mail address): recorded on the case
   * as posted; the PDF to print is rendered from it (processors/replyletter). Needs an address.
   */
  replyByLetter(caseId: string, r: ActionRequest, agent: Agent, text: string): Promise<ActionResult>;
  /**
   * Records in the case's history that an agent decided on the citizen's identity (the
   * decision itself, and the deletion of the copies, are the identity store's:
   * processors/identity recordVerification). No version check: it follows that decision.
   */
  noteIdentityDecision(caseId: string, agent: Agent, outcome: string, deleted: number): Promise<ActionResult>;
  /** The BSN of an escalated case, for the second line, with a reason; audited and in the history. */
  revealBsn(caseId: string, r: ActionRequest, agent: Agent, reason: string): Promise<{ bsn: string | null; version: number }>;
  /** Rewrites the case's work item from the case (after intake writes, and as a repair). Call it holding the case's lock (withCase): a rewrite from an older read must not land after a newer one. */
  syncWorkItem(caseId: string): Promise<void>;
  /** (pipeline topic, agent topic) pairs of re-classified cases: no personal data. */
  confusionPairs(): AsyncGenerator<{ pipeline: string; agent: string }>;
}

export type CaseView = Omit<CaseDoc, 'bsnSealed' | 'lookup'> & { hasBsn: boolean };

export interface ContactCorrection {
  name?: string | null; street?: string | null; houseNumber?: string | null; postcode?: string | null;
  city?: string | null; email?: string | null; phones?: string[];
}
export const CONTACT_FIELDS = ['name', 'street', 'houseNumber', 'postcode', 'city', 'email', 'phones'] as const;

const SUBJECT_IN_QUEUE = 120;
/** Longest note, reason or correction an agent may submit (about 4 A4 pages): bounds stored text. */
export const MAX_AGENT_TEXT = 16_000;

interface DeskDeps {
  models: CaseModels;
  withCase<T>(caseId: string, fn: () => Promise<T>): Promise<T>;
  cipher: FieldCipher;
  hasher: KeyedHasher;
  audit?: AuditLog;
  clock?: () => Date;
  /** Touches the look-up keys' expiry with the case's (index.ts). */
  touchKeys(caseId: string, expiresAt: Date): Promise<void>;
  /**
   * Set on servers that cannot answer the queue from an index (FerretDB 1.x: queue-snapshot.ts):
   * pages come from a snapshot of the open work at most `maxStaleMs` old. Unset: the indexed query.
   */
  queueSnapshot?: { maxStaleMs: number };
  /** Removes a case's data for "not a case" (index.ts: ID copies and verification records, keys, work item, the case; a non-case record stays). */
  eraseAsNonCase(c: Pick<CaseDoc, '_id' | 'messages'>, at: Date, actor: Agent): Promise<void>;
}

export const caseExpiryFrom = (from: Date): Date => addDuration(from, GENERAL_RETENTION);

/**
 * The form a work item is written in; rows of an older form are rewritten once
 * (repair.ts). 2: the subject's contact details masked (issue #16).
 */
export const WORK_ITEM_FORMAT = 2;

/** The work item a case should have, or null when it has none (closed). */
export function workItemOf(c: CaseDoc): WorkItemDoc | null {
  if (c.status === 'closed') return null;
  const first = c.messages[0];
  return {
    _id: c._id,
    caseNumber: c.caseNumber,
    line: c.line ?? 'first',
    status: c.status,
    topic: c.routing?.topic ?? c.classification?.topic,
    confidence: c.routing?.topic ? 1 : c.classification?.confidence,
    language: c.classification?.language,
    channel: c.channel,
    // A list shows contact details partly masked (issue #16): in full only in the case view.
    subject: maskContactDetails(first?.subject ?? '').slice(0, SUBJECT_IN_QUEUE),
    waitingSince: c.waitingSince ?? c.createdAt,
    receivedAt: c.createdAt,
    ...(c.assignee?.id ? { assigneeId: c.assignee.id } : {}),
    wroteAgain: !!c.citizenWroteAgainAt,
    version: c.version ?? 0,
    expiresAt: c.expiresAt,
    rowFormat: WORK_ITEM_FORMAT,
    writtenSlot: writeSlotOf(Date.now()),
  };
}

function encodeCursor(w: Pick<WorkItemDoc, 'waitingSince' | '_id'>): string {
  return Buffer.from(`${w.waitingSince.toISOString()}|${w._id}`, 'utf8').toString('base64url');
}

function decodeCursor(s: string): { waitingSince: Date; id: string } {
  const text = Buffer.from(s, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const at = new Date(text.slice(0, bar));
  if (bar < 0 || Number.isNaN(at.getTime()) || text.length - bar > 200) throw new InputError('QUEUE_BAD_CURSOR', 'the page cursor is not one this server made');
  return { waitingSince: at, id: text.slice(bar + 1) };
}

/**
 * `mine` without an agent matches nobody: a value no account id can take (reassign accepts
 * `[\w.@:-]` only). Not a NUL: PostgreSQL's JSONB refuses \u0000, so FerretDB failed the query.
 */
const NO_AGENT = '(no agent)';

/** The same filter for the snapshot (queue-snapshot.ts matches): one meaning, two evaluators. */
function snapshotMatch(f: QueueFilter): QueueMatch {
  return {
    ...(f.line ? { line: f.line } : {}),
    statuses: (f.statuses?.length ? f.statuses : OPEN_STATUSES).filter((s) => s !== 'closed'),
    ...(f.topic ? { topic: f.topic } : {}),
    ...(f.language ? { language: f.language } : {}),
    ...(f.channel ? { channel: f.channel } : {}),
    ...(f.assignee === 'mine' ? { assigneeId: f.agentId ?? NO_AGENT } : f.assignee === 'unassigned' ? { assigneeId: null } : {}),
  };
}

function queueMatch(f: QueueFilter, withTopic: boolean): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (f.line) m.line = f.line;
  const statuses = (f.statuses?.length ? f.statuses : OPEN_STATUSES).filter((s) => s !== 'closed');
  m.status = statuses.length === 1 ? statuses[0] : { $in: statuses };
  if (withTopic && f.topic) m.topic = f.topic;
  if (f.language) m.language = f.language;
  if (f.channel) m.channel = f.channel;
  if (f.assignee === 'mine') m.assigneeId = f.agentId ?? NO_AGENT;
  if (f.assignee === 'unassigned') m.assigneeId = { $exists: false };
  return m;
}

export function createCaseDesk(deps: DeskDeps): CaseDesk {
  const { Case, WorkItem } = deps.models;
  const now = deps.clock ?? (() => new Date());
  const snapshot = deps.queueSnapshot
    ? createQueueSnapshot(() => WorkItem.find({}).lean<WorkItemDoc[]>(), {
      maxStaleMs: deps.queueSnapshot.maxStaleMs,
      // One equality per slot (pushed down on FerretDB): only the rows written lately.
      readWrittenIn: async (slots) => (await Promise.all(slots.map((slot) => WorkItem.find({ writtenSlot: slot }).lean<WorkItemDoc[]>()))).flat(),
    })
    : null;

  async function syncWorkItem(caseId: string): Promise<void> {
    const c = await Case.findById(caseId, { bsnSealed: 0, lookup: 0, notes: 0, journal: 0 }).lean<CaseDoc>();
    const item = c ? workItemOf(c) : null;
    if (!item) {
      await WorkItem.deleteOne({ _id: caseId });
      // A case that is gone stays gone whatever an older read saw.
      snapshot?.noteWrite(caseId, null, c ? (c.version ?? 0) : Number.MAX_SAFE_INTEGER);
      return;
    }
    await WorkItem.replaceOne({ _id: caseId }, item, { upsert: true });
    snapshot?.noteWrite(caseId, item, item.version ?? 0);
  }

  /**
   * The one way an action changes a case: lock, read, check version and request id, let
   * `plan` decide the update (or refuse), write it with the history entry, sync the queue.
   */
  async function act(
    caseId: string, r: ActionRequest | null, agent: Agent, action: JournalAction,
    plan: (c: CaseDoc, at: Date) => { set?: Record<string, unknown>; unset?: Record<string, 1>; push?: Record<string, unknown>; addToSet?: Record<string, unknown>; reason?: string; detail?: string[] } | 'nothing',
    at: Date = now(),
  ): Promise<ActionResult & { before: CaseDoc }> {
    return deps.withCase(caseId, async () => {
      // The sealed BSN is read (never decrypted) so that close knows whether it removes one.
      const c = await Case.findById(caseId, { lookup: 0 }).lean<CaseDoc>();
      if (!c) throw new CaseNotFoundError();
      const version = c.version ?? 0;
      const journal = c.journal ?? [];
      if (r && journal.some((e) => e.requestId === r.requestId)) {
        return { caseId, version, repeated: true, before: c };
      }
      if (r && r.expectedVersion !== version) {
        throw new CaseChangedError(version, journal.filter((e) => e.version > r.expectedVersion).map(({ at: when, action: a, actor, version: v }) => ({ at: when, action: a, actor, version: v })));
      }
      const p = plan(c, at);
      if (p === 'nothing') return { caseId, version, repeated: true, before: c };
      const entry = {
        at, version: version + 1, actor: { id: agent.id, role: agent.role }, action,
        ...(p.reason ? { reason: p.reason.slice(0, MAX_AGENT_TEXT) } : {}),
        ...(p.detail?.length ? { detail: p.detail } : {}),
        ...(r ? { requestId: r.requestId } : {}),
      };
      const update: Record<string, unknown> = {
        $set: { ...(p.set ?? {}), version: version + 1, eventsDue: true },
        $push: { journal: entry, ...(p.push ?? {}) },
      };
      if (p.unset && Object.keys(p.unset).length) update.$unset = p.unset;
      if (p.addToSet) update.$addToSet = p.addToSet;
      // The version in the filter makes a writer that slipped past the lock (a misconfigured
      // server without one) lose instead of overwrite.
      const res = await Case.updateOne({ _id: caseId, version: c.version ?? { $exists: false } }, update);
      if (res.matchedCount === 0) throw new CaseChangedError(version + 1, []);
      // A new term for the case is a new term for its keys and kept content (issue #16: an
      // attachment must not go before the case it belongs to, nor outlive it).
      if (p.set?.expiresAt instanceof Date) await deps.touchKeys(caseId, p.set.expiresAt);
      await syncWorkItem(caseId);
      return { caseId, version: version + 1, repeated: false, before: c };
    });
  }

  const strip = ({ before: _b, ...rest }: ActionResult & { before: CaseDoc }): ActionResult => rest;
  const text = (s: string, what: string): string => {
    const t = s.trim();
    if (!t) throw new ActionRefusedError('ACTION_TEXT_MISSING', `${what} is empty`);
    if (t.length > MAX_AGENT_TEXT) throw new ActionRefusedError('ACTION_TEXT_TOO_LONG', `${what} is longer than ${MAX_AGENT_TEXT} characters`);
    return t;
  };
  const notClosed = (c: CaseDoc) => {
    if (c.status === 'closed') throw new ActionRefusedError('CASE_CLOSED', 'the case is closed; reopen it first');
  };
  // Nothing goes to the sender, and nobody is escalated to, before an agent confirms a screened message is a case.
  const confirmed = (c: CaseDoc) => {
    if (c.line === 'screening') throw new ActionRefusedError('CASE_NOT_CONFIRMED', 'this message is probably not a case; confirm that it is one first');
  };

  return {
    syncWorkItem,

    async queue(filter, page = {}) {
      const limit = Math.min(Math.max(page.limit ?? QUEUE_PAGE_SIZE, 1), 200);
      if (snapshot) {
        const { rows, topicCounts } = await snapshot.page(snapshotMatch(filter), page.after ? decodeCursor(page.after) : null, limit + 1);
        const items = rows.slice(0, limit);
        return { items, next: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null, topicCounts };
      }
      const match = queueMatch(filter, true);
      const find: Record<string, unknown> = { ...match };
      if (page.after) {
        const cur = decodeCursor(page.after);
        find.$or = [{ waitingSince: { $gt: cur.waitingSince } }, { waitingSince: cur.waitingSince, _id: { $gt: cur.id } }];
      }
      const [rows, counts] = await Promise.all([
        WorkItem.find(find).sort({ waitingSince: 1, _id: 1 }).limit(limit + 1).lean<WorkItemDoc[]>(),
        WorkItem.aggregate<{ _id: string | null; n: number }>([{ $match: queueMatch(filter, false) }, { $group: { _id: '$topic', n: { $sum: 1 } } }]),
      ]);
      const items = rows.slice(0, limit);
      const topicCounts: Record<string, number> = {};
      for (const c of counts) topicCounts[c._id ?? 'unknown'] = c.n;
      return { items, next: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null, topicCounts };
    },

    async get(caseId) {
      const c = await Case.findById(caseId, { lookup: 0 }).lean<CaseDoc>();
      if (!c) return null;
      const { bsnSealed, ...rest } = c;
      return { ...rest, hasBsn: !!bsnSealed };
    },

    async claim(caseId, r, agent) {
      return strip(await act(caseId, r, agent, 'claimed', (c, at) => {
        notClosed(c);
        if (c.assignee?.id === agent.id) return 'nothing';
        if (c.assignee?.id) throw new ActionRefusedError('CASE_ASSIGNED', 'the case is assigned to another agent; a team lead can reassign it');
        return { set: { assignee: { id: agent.id, at } } };
      }));
    },

    async release(caseId, r, agent) {
      return strip(await act(caseId, r, agent, 'released', (c) => {
        if (!c.assignee?.id) return 'nothing';
        if (c.assignee.id !== agent.id && agent.role !== 'team_lead') throw new ActionRefusedError('CASE_ASSIGNED', 'only the assigned agent or a team lead can release the case');
        return { unset: { assignee: 1 }, detail: [c.assignee.id] };
      }));
    },

    async reassign(caseId, r, agent, toAgentId) {
      const to = toAgentId.trim();
      if (!/^[\w.@:-]{1,120}$/.test(to)) throw new ActionRefusedError('ACTION_BAD_AGENT', 'not an account id');
      return strip(await act(caseId, r, agent, 'reassigned', (c, at) => {
        notClosed(c);
        if (c.assignee?.id === to) return 'nothing';
        return { set: { assignee: { id: to, at } }, detail: [to] };
      }));
    },

    async note(caseId, r, agent, body) {
      const t = text(body, 'the note');
      return strip(await act(caseId, r, agent, 'note', (_c, at) => ({ push: { notes: { at, actor: { id: agent.id, role: agent.role }, text: t } }, set: { lastActivityAt: at } })));
    },

    async escalate(caseId, r, agent, reason, at = now()) {
      const why = reason === null ? null : text(reason, 'the reason');
      const res = await act(caseId, r, agent, 'escalated', (c, when) => {
        notClosed(c);
        confirmed(c);
        if (c.line === 'second' && c.status === 'escalated') return 'nothing';
        return {
          set: { status: 'escalated', line: 'second', escalatedAt: c.escalatedAt ?? when, lastActivityAt: when, expiresAt: caseExpiryFrom(when) },
          ...(why ? { reason: why } : {}),
        };
      }, at);
      if (!res.repeated) await deps.audit?.record({ actor: agent, action: 'escalation', caseId, at });
      return strip(res);
    },

    async close(caseId, r, agent, outcome, at = now()) {
      if (!CLOSE_OUTCOMES.includes(outcome)) throw new ActionRefusedError('ACTION_BAD_OUTCOME', 'not a close outcome');
      const res = await act(caseId, r, agent, 'closed', (c, when) => {
        if (c.status === 'closed') return 'nothing';
        // Register: "BSN alleen indien noodzakelijk voor doorzetting naar tweedelijns" — never escalated, never needed.
        const dropBsn = !c.escalatedAt;
        return {
          set: { status: 'closed', outcome, closedAt: when, lastActivityAt: when, expiresAt: caseExpiryFrom(when) },
          unset: { assignee: 1, ...(dropBsn ? { bsnSealed: 1, 'lookup.bsn': 1, bsnKey: 1 } : {}) },
          detail: [outcome],
        };
      }, at);
      // A retry after a crash between the close and the erasure finishes the erasure (idempotent).
      if (res.repeated) {
        if (res.before.outcome === 'not_a_case' && res.before.status === 'closed') {
          await deps.eraseAsNonCase(res.before, at, agent);
          await deps.audit?.appendDeletion({ kind: 'erasure', mechanism: 'erasure', counts: { cases: 1 }, caseIds: [caseId], actor: agent, at });
        }
        return strip(res);
      }
      const c = res.before;
      await deps.touchKeys(caseId, caseExpiryFrom(at));
      if (!c.escalatedAt && c.bsnSealed) await deps.audit?.appendDeletion({ kind: 'retention', mechanism: 'case_closed', counts: { 'cases.bsnSealed': 1 }, caseIds: [caseId], actor: agent, at });
      if (outcome === 'not_a_case') {
        // Spam or phishing: the personal data goes now; a non-case record keeps redelivery recognised.
        await deps.eraseAsNonCase(c, at, agent);
        await deps.audit?.appendDeletion({ kind: 'erasure', mechanism: 'erasure', counts: { cases: 1 }, caseIds: [caseId], actor: agent, at });
      }
      return strip(res);
    },

    async confirmCase(caseId, r, agent) {
      return strip(await act(caseId, r, agent, 'confirmed_case', (c, at) => {
        notClosed(c);
        if (c.line !== 'screening') return 'nothing';
        // The acknowledgment held at intake goes now, through the same outbox.
        const release = c.ack?.status === 'held';
        return { set: { line: 'first', 'screening.confirmedAt': at, lastActivityAt: at, ...(release ? { 'ack.status': 'pending', ackDue: true } : {}) } };
      }));
    },

    async reopen(caseId, r, agent, reason) {
      const why = text(reason, 'the reason');
      return strip(await act(caseId, r, agent, 'reopened', (c, at) => {
        if (c.status !== 'closed') return 'nothing';
        return { set: { status: c.line === 'second' ? 'escalated' : 'open', waitingSince: at, lastActivityAt: at, expiresAt: caseExpiryFrom(at) }, unset: { closedAt: 1, outcome: 1 }, reason: why };
      }));
    },

    async reclassify(caseId, r, agent, topic, reason) {
      const why = text(reason, 'the reason');
      if (!/^[a-z][a-z0-9_]{0,40}$/.test(topic)) throw new ActionRefusedError('ACTION_BAD_TOPIC', 'not a topic');
      return strip(await act(caseId, r, agent, 'reclassified', (c, at) => {
        if ((c.routing?.topic ?? c.classification.topic) === topic) return 'nothing';
        return { set: { routing: { topic, at } }, reason: why, detail: [topic] };
      }));
    },

    async correctContact(caseId, r, agent, fields) {
      const names = CONTACT_FIELDS.filter((k) => fields[k] !== undefined);
      if (names.length === 0) throw new ActionRefusedError('ACTION_NOTHING_TO_CORRECT', 'no field given');
      const set: Record<string, unknown> = {};
      for (const k of names) {
        const v = fields[k];
        if (k === 'phones') {
          const phones = (v as string[]).map((p) => p.trim()).filter(Boolean);
          if (phones.some((p) => p.length > 40)) throw new ActionRefusedError('ACTION_TEXT_TOO_LONG', 'a phone number is too long');
          set['citizen.phones'] = phones;
        } else {
          const s = typeof v === 'string' ? v.trim() : null;
          if (s && s.length > 200) throw new ActionRefusedError('ACTION_TEXT_TOO_LONG', `${k} is too long`);
          set[`citizen.${k}`] = s || null;
        }
      }
      // Subject-access look-ups gain the corrected details' keyed hashes and keep the old ones:
      // the case still holds the original sender's address and text.
      const addEmail = typeof set['citizen.email'] === 'string' ? [deps.hasher.hmac('email', set['citizen.email'] as string)] : [];
      const addPhone = Array.isArray(set['citizen.phones']) ? (set['citizen.phones'] as string[]).flatMap((p) => { try { return [deps.hasher.hmac('phone', p)]; } catch { return []; } }) : [];
      return strip(await act(caseId, r, agent, 'contact_corrected', (c) => {
        notClosed(c);
        // Only what the agent changed: a form sends every field.
        const current = c.citizen as unknown as Record<string, unknown>;
        const changed = names.filter((n) => JSON.stringify(set[`citizen.${n}`] ?? null) !== JSON.stringify(current?.[n] ?? (n === 'phones' ? [] : null)));
        if (changed.length === 0) return 'nothing';
        const only: Record<string, unknown> = {};
        for (const n of changed) only[`citizen.${n}`] = set[`citizen.${n}`];
        const addToSet: Record<string, unknown> = {};
        if (changed.includes('email') && addEmail.length) addToSet['lookup.email'] = { $each: addEmail };
        if (changed.includes('phones') && addPhone.length) addToSet['lookup.phone'] = { $each: addPhone };
        const keys = [...(changed.includes('email') ? addEmail : []), ...(changed.includes('phones') ? addPhone : [])];
        if (keys.length) addToSet.citizenKeys = { $each: keys };
        return { set: only, ...(Object.keys(addToSet).length ? { addToSet } : {}), detail: changed.map((n) => `citizen.${n}`) };
      }));
    },

    async reply(caseId, r, agent, mail) {
      const body = text(mail.text, 'the answer');
      const subject = mail.subject.trim().slice(0, 300);
      return strip(await act(caseId, r, agent, 'replied', (c, at) => {
        notClosed(c);
        confirmed(c);
        if (!c.replyAddress) throw new ActionRefusedError('CASE_NO_REPLY_ADDRESS', 'the case has no e-mail address to answer; answer by letter');
        const id = createHash('sha256').update(`${caseId}\0${r.requestId}`).digest('hex').slice(0, 32);
        const withNumber = subject.includes(c.caseNumber) ? subject : `${subject} [${c.caseNumber}]`.trim();
        return {
          push: { replies: { id, at, actor: { id: agent.id, role: agent.role }, channel: 'email', to: c.replyAddress, subject: withNumber, text: body, status: 'pending', attempts: 0 } },
          set: { replyDue: true, status: 'waiting', lastActivityAt: at, expiresAt: caseExpiryFrom(at) },
          unset: { citizenWroteAgainAt: 1 },
          detail: [id],
        };
      }));
    },

    async replyByLetter(caseId, r, agent, body) {
      const t = text(body, 'the answer');
      return strip(await act(caseId, r, agent, 'replied', (c, at) => {
        notClosed(c);
        confirmed(c);
        const a = c.citizen ?? { phones: [] };
        if (!a.street || !a.houseNumber || !a.city || (!a.postcode && !a.country)) throw new ActionRefusedError('CASE_NO_POSTAL_ADDRESS', 'the case has no complete postal address; correct the contact details first');
        const id = createHash('sha256').update(`${caseId}\0${r.requestId}`).digest('hex').slice(0, 32);
        return {
          push: { replies: { id, at, actor: { id: agent.id, role: agent.role }, channel: 'letter', text: t, status: 'posted', sentAt: at } },
          set: { status: 'waiting', lastActivityAt: at, expiresAt: caseExpiryFrom(at) },
          unset: { citizenWroteAgainAt: 1 },
          detail: [id, 'letter'],
        };
      }));
    },

    async noteIdentityDecision(caseId, agent, outcome, deleted) {
      return strip(await act(caseId, null, agent, 'identity_verified', () => ({ detail: [outcome, `deleted:${deleted}`] })));
    },

    async revealBsn(caseId, r, agent, reason) {
      const why = text(reason, 'the reason');
      if (agent.role !== 'second_line') throw new ActionRefusedError('BSN_SECOND_LINE_ONLY', 'only second line may reveal a BSN');
      const res = await act(caseId, r, agent, 'bsn_revealed', (c) => {
        if (!c.escalatedAt) throw new ActionRefusedError('BSN_NOT_ESCALATED', 'the case was never escalated');
        return { reason: why };
      });
      const c = await Case.findById(caseId, { bsnSealed: 1 }).lean<CaseDoc>();
      if (!c?.bsnSealed) return { bsn: null, version: res.version };
      await deps.audit?.record({ actor: agent, action: 'read_bsn', caseId });
      return { bsn: deps.cipher.decryptString(c.bsnSealed as never, `cases/${caseId}/bsn`), version: res.version };
    },

    async *confusionPairs() {
      const cursor = Case.find({ 'routing.topic': { $exists: true } }, { 'classification.topic': 1, 'routing.topic': 1 }).lean<CaseDoc[]>().cursor();
      for await (const c of cursor as AsyncIterable<CaseDoc>) {
        if (c.routing?.topic) yield { pipeline: c.classification.topic, agent: c.routing.topic };
      }
    },
  };
}

export { CASE_STATUSES };
