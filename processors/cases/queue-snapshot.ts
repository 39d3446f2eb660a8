/**
 * The queue from a snapshot of the open work, for servers that cannot answer the queue's
 * query from an index (FerretDB 1.x).
 *
 * Why: the queue asks for one line's open cases, oldest waiting first, 50 at a time, with
 * counts per topic. MongoDB answers that from the compound index
 * `{line, status, waitingSince, _id}` by reading about 50 keys (work.ts queue()). FerretDB
 * 1.24 pushes down only top-level equality: no `$in`, no range, no sort (measured, README
 * "Workbench"), so every page made it parse every open item of the line twice (the sorted
 * find and the counts): about 0.1–0.8 ms per item on 2 cores, seconds for a KCC's few
 * thousand open cases. Its updates are not atomic either (lib/doclock.ts), so counters
 * kept beside the items would drift.
 *
 * So on such a server one read of all work items (open cases only: `work_items` never holds
 * the history) serves every page, filter and count of this process for a bounded time:
 *  - a page is served from a snapshot whose read started at most `maxStaleMs` ago; an
 *    older one is read again first (one read at a time, shared by every waiting page);
 *  - past half that age a page still gets the snapshot at once and starts the next read, so
 *    that agents who keep the queue open do not wait for reads. (A read of a few thousand
 *    items can itself take seconds on a loaded FerretDB: a bound of about one read, as
 *    first built, made nearly every page wait for one.)
 *  - this process's own writes (an agent's action, through `noteWrite`) are applied at
 *    once and kept over reads that started before them, so an agent's redirect after an
 *    action shows it. Writes by other processes (the intake) show within `maxStaleMs`;
 *  - between full reads, at most every `recentMs` (300 ms), the rows written in the last few
 *    write slots (model.ts `writtenSlot`, an equality each) are read and merged: a new
 *    case shows in about that time, not after the next full read (which a loaded FerretDB
 *    takes seconds for while mail flows). Removals by other processes (another workbench
 *    closing a case) show at the next full read;
 *  - `maxStaleMs` 0: every page reads (exact; what the tests use).
 * Its cost grows with the open work, never with the 18 months of history; nothing is read
 * while nobody looks at a queue. The answers are those of the indexed query (same filter,
 * order, cursor and counts): test/unit/queue-snapshot.test.ts compares the two.
 */
import { writeSlotOf, WRITE_SLOT_MS, type CaseStatus, type WorkItemDoc } from './model.ts';

export interface QueueMatch {
  line?: string;
  statuses: readonly CaseStatus[];
  topic?: string;
  language?: string;
  channel?: string;
  /** undefined: anyone's; null: nobody's; a string: that agent's. */
  assigneeId?: string | null;
}

export interface QueueSnapshotOptions {
  /** How old the read behind a page may be, in ms (0: read for every page). */
  maxStaleMs: number;
  /** Monotonic milliseconds (injected in tests). */
  clock?: () => number;
  /** The rows whose `writtenSlot` is one of these; without it, full reads only. */
  readWrittenIn?: (slots: number[]) => Promise<WorkItemDoc[]>;
  /** Least time between two reads of the recent slots (ms). */
  recentMs?: number;
  /** Epoch milliseconds, for the write slots (injected in tests). */
  wallClock?: () => number;
}

export interface QueueSnapshot {
  /** One page under `m`, after the keyset cursor, and the counts per topic under `m` without its topic. */
  page(m: QueueMatch, after: { waitingSince: Date; id: string } | null, limit: number): Promise<{ rows: WorkItemDoc[]; topicCounts: Record<string, number> }>;
  /** This process wrote `item` (null: removed the case's item): shown at once, before the next read. */
  noteWrite(id: string, item: WorkItemDoc | null, version: number): void;
  /** Reads made so far (for tests and the benchmark). */
  readonly reads: number;
}

interface Snapshot { startedAt: number; byId: Map<string, WorkItemDoc>; sorted: WorkItemDoc[] | null }
interface OwnWrite { at: number; item: WorkItemDoc | null; version: number }

/** The queue's order: oldest waiting first, then by id (MongoDB's order for these hex ids). */
export function byWaiting(a: WorkItemDoc, b: WorkItemDoc): number {
  const d = a.waitingSince.getTime() - b.waitingSince.getTime();
  return d !== 0 ? d : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

export function matches(w: WorkItemDoc, m: QueueMatch, withTopic: boolean): boolean {
  if (m.line !== undefined && w.line !== m.line) return false;
  if (!m.statuses.includes(w.status)) return false;
  if (withTopic && m.topic !== undefined && w.topic !== m.topic) return false;
  if (m.language !== undefined && w.language !== m.language) return false;
  if (m.channel !== undefined && w.channel !== m.channel) return false;
  if (m.assigneeId === null && w.assigneeId !== undefined && w.assigneeId !== null) return false;
  if (typeof m.assigneeId === 'string' && w.assigneeId !== m.assigneeId) return false;
  return true;
}

export function createQueueSnapshot(readAll: () => Promise<WorkItemDoc[]>, o: QueueSnapshotOptions): QueueSnapshot {
  const now = o.clock ?? (() => performance.now());
  const own = new Map<string, OwnWrite>();
  let snap: Snapshot | null = null;
  let reading: { startedAt: number; done: Promise<Snapshot> } | null = null;
  let reads = 0;
  const wall = o.wallClock ?? Date.now;
  const recentMs = o.recentMs ?? 300;
  let recent: { at: number; wallFrom: number } | null = null;
  let recentReading: Promise<void> | null = null;
  let snapWallStart = 0;

  function apply(s: Snapshot, id: string, w: OwnWrite): void {
    const there = s.byId.get(id);
    // A read that saw a later version of the case (another process wrote since) wins.
    if (there && (there.version ?? 0) > w.version) return;
    if (w.item) s.byId.set(id, w.item); else s.byId.delete(id);
    s.sorted = null;
  }

  function read(): Promise<Snapshot> {
    if (reading) return reading.done;
    const startedAt = now();
    const wallStart = wall();
    const done = (async () => {
      try {
        const items = await readAll();
        reads++;
        const s: Snapshot = { startedAt, byId: new Map(items.map((w) => [w._id, w])), sorted: null };
        // Own writes the read may have missed (made after it started) stay; older ones are in it.
        for (const [id, w] of own) {
          if (w.at >= startedAt) apply(s, id, w); else own.delete(id);
        }
        if (!snap || snap.startedAt <= startedAt) { snap = s; snapWallStart = wallStart; }
        return snap;
      } finally {
        reading = null;
      }
    })();
    reading = { startedAt, done };
    return done;
  }

  /** A snapshot whose read started after `t` (strictly, when `strict`): an in-flight one if it qualifies. */
  async function readSince(t: number, strict: boolean): Promise<Snapshot> {
    for (;;) {
      if (!reading) return read();
      if (strict ? reading.startedAt > t : reading.startedAt >= t) return reading.done;
      await reading.done.catch(() => undefined);
    }
  }

  /**
   * Merges the rows written since the snapshot's full read began (or the last recent read
   * began, less a slot for writes that were in flight then): a row's later version wins.
   */
  function readRecent(): void {
    if (!o.readWrittenIn || recentReading || !snap) return;
    const t = now();
    if (recent && t - recent.at < recentMs) return;
    const wallNow = wall();
    const from = Math.max(snapWallStart, recent?.wallFrom ?? 0) - WRITE_SLOT_MS;
    const slots: number[] = [];
    for (let k = writeSlotOf(from); k <= writeSlotOf(wallNow) && slots.length < 8; k++) slots.push(k);
    const target = snap;
    recent = { at: t, wallFrom: wallNow };
    recentReading = (async () => {
      try {
        const rows = await o.readWrittenIn!(slots);
        if (snap !== target) return; // a full read replaced it meanwhile: it has these rows
        for (const w of rows) {
          const there = target.byId.get(w._id);
          if (there && (there.version ?? 0) > (w.version ?? 0)) continue;
          target.byId.set(w._id, w);
          target.sorted = null;
        }
        // Own writes stay over what this read brought (a later own write wins, as after a full read).
        for (const [id, ow] of own) apply(target, id, ow);
      } catch {
        recent = null; // tried again on the next page
      } finally {
        recentReading = null;
      }
    })();
  }

  async function current(): Promise<Snapshot> {
    const t = now();
    // Exact: a read that started after this page was asked for (one in flight may predate a write the caller made).
    if (o.maxStaleMs <= 0) return readSince(t, true);
    if (snap && t - snap.startedAt <= o.maxStaleMs) {
      // Past half its age, the next full read starts now so that the next page need not wait;
      // meanwhile the recent rows keep new cases current (also while a full read runs).
      if (t - snap.startedAt > o.maxStaleMs / 2 && !reading) void read().catch(() => undefined);
      readRecent();
      return snap;
    }
    return readSince(t - o.maxStaleMs, false);
  }

  return {
    get reads() { return reads; },

    async page(m, after, limit) {
      const s = await current();
      if (!s.sorted) s.sorted = [...s.byId.values()].sort(byWaiting);
      const rows: WorkItemDoc[] = [];
      const topicCounts: Record<string, number> = {};
      const cursor = after ? { _id: after.id, waitingSince: after.waitingSince } as WorkItemDoc : null;
      for (const w of s.sorted) {
        if (!matches(w, m, false)) continue;
        if (m.topic === undefined || w.topic === m.topic) {
          if (rows.length < limit && (!cursor || byWaiting(w, cursor) > 0)) rows.push(w);
        }
        const k = w.topic ?? 'unknown';
        topicCounts[k] = (topicCounts[k] ?? 0) + 1;
      }
      return { rows, topicCounts };
    },

    noteWrite(id, item, version) {
      // Nothing to keep current before the first page: the first read sees every write made before it.
      if (!snap && !reading) return;
      const w: OwnWrite = { at: now(), item, version };
      own.set(id, w);
      if (snap) apply(snap, id, w);
    },
  };
}
