/**
 * The queue snapshot's freshness rules (processors/cases/queue-snapshot.ts), with an injected
 * clock and an in-memory "server": which pages read, which are served from the snapshot, and
 * that this process's own writes show at once and survive a read that started before them.
 */
import { expect } from 'chai';
import { createQueueSnapshot, type QueueMatch } from '../../../processors/cases/queue-snapshot.ts';
import type { WorkItemDoc } from '../../../processors/cases/model.ts';

const OPEN: QueueMatch = { statuses: ['open', 'waiting', 'escalated'] };

function item(id: string, minute: number, extra: Partial<WorkItemDoc> = {}): WorkItemDoc {
  return { _id: id, caseNumber: `KCC-2026-${id.padStart(6, '0')}`, line: 'first', status: 'open', topic: 'overig', waitingSince: new Date(Date.UTC(2026, 10, 1, 9, minute)), expiresAt: new Date(Date.UTC(2028, 0, 1)), version: 1, ...extra };
}

/** A server whose reads can be held open, to interleave a write with a read in flight. */
function server(initial: WorkItemDoc[]) {
  const rows = new Map(initial.map((w) => [w._id, w]));
  let hold: Promise<void> | null = null;
  return {
    rows,
    holdReads() { let release!: () => void; hold = new Promise<void>((r) => { release = r; }); return () => { hold = null; release(); }; },
    async readAll(): Promise<WorkItemDoc[]> {
      const snapshot = [...rows.values()];
      if (hold) await hold;
      return snapshot;
    },
  };
}

describe('queue snapshot (FerretDB queue pages)', () => {
  it('maxStaleMs 0 reads for every page, so a write just made is always seen', async () => {
    const db = server([item('1', 1)]);
    const q = createQueueSnapshot(() => db.readAll(), { maxStaleMs: 0, clock: () => 0 });
    expect((await q.page(OPEN, null, 51)).rows.map((w) => w._id)).to.deep.equal(['1']);
    db.rows.set('2', item('2', 2));
    expect((await q.page(OPEN, null, 51)).rows.map((w) => w._id)).to.deep.equal(['1', '2']);
    expect(q.reads).to.equal(2);
  });

  it('serves a snapshot younger than maxStaleMs without reading, and reads again once it is older', async () => {
    let t = 0;
    const db = server([item('1', 1)]);
    const q = createQueueSnapshot(() => db.readAll(), { maxStaleMs: 1000, clock: () => t });
    await q.page(OPEN, null, 51);
    db.rows.set('2', item('2', 2)); // another process's write
    t = 400;
    expect((await q.page(OPEN, null, 51)).rows).to.have.length(1);
    expect(q.reads).to.equal(1);
    t = 1001; // older than allowed: this page waits for a new read
    expect((await q.page(OPEN, null, 51)).rows).to.have.length(2);
    expect(q.reads).to.equal(2);
  });

  it('past half its age a page is served at once and starts the next read', async () => {
    let t = 0;
    const db = server([item('1', 1)]);
    const q = createQueueSnapshot(() => db.readAll(), { maxStaleMs: 1000, clock: () => t });
    await q.page(OPEN, null, 51);
    db.rows.set('2', item('2', 2));
    t = 450;
    expect((await q.page(OPEN, null, 51)).rows).to.have.length(1); // young: no read
    expect(q.reads).to.equal(1);
    t = 600;
    expect((await q.page(OPEN, null, 51)).rows).to.have.length(1); // the snapshot, not waiting
    await new Promise((r) => setImmediate(r));
    expect(q.reads).to.equal(2); // the read it started in the background
    t = 700;
    expect((await q.page(OPEN, null, 51)).rows).to.have.length(2);
  });

  it("shows this process's own write at once, and keeps it over a read that started before it", async () => {
    let t = 0;
    const db = server([item('1', 1), item('2', 2)]);
    const q = createQueueSnapshot(() => db.readAll(), { maxStaleMs: 1000, clock: () => t });
    await q.page(OPEN, null, 51);
    // A read starts (t=1500 makes the snapshot too old) and is held; meanwhile case 1 is closed here.
    t = 1500;
    const release = db.holdReads();
    const pending = q.page(OPEN, null, 51);
    await new Promise((r) => setImmediate(r));
    t = 1510;
    db.rows.delete('1');
    q.noteWrite('1', null, 2);
    release();
    expect((await pending).rows.map((w) => w._id)).to.deep.equal(['2']);
    // A later version read from the server (another process reopened it) wins over the own write.
    db.rows.set('1', item('1', 1, { version: 3 }));
    t = 3000;
    expect((await q.page(OPEN, null, 51)).rows.map((w) => w._id)).to.deep.equal(['1', '2']);
  });

  it('between full reads, rows written in the recent slots show within recentMs; later versions win; own writes stay', async () => {
    let t = 0;
    let wall = 1_000_000_000_000;
    const db = server([item('1', 1, { writtenSlot: 1 }), item('2', 2, { writtenSlot: 1 })]);
    const asked: number[][] = [];
    const q = createQueueSnapshot(() => db.readAll(), {
      maxStaleMs: 5000, clock: () => t, wallClock: () => wall, recentMs: 300,
      readWrittenIn: async (slots) => { asked.push(slots); return [...db.rows.values()].filter((w) => slots.includes(w.writtenSlot ?? -1)); },
    });
    await q.page(OPEN, null, 51);
    // Another process writes a new case (slot of now) and a newer version of case 1.
    const slot = Math.floor(wall / 5000);
    db.rows.set('3', item('3', 3, { writtenSlot: slot }));
    db.rows.set('1', item('1', 1, { writtenSlot: slot, version: 5, topic: 'digid' }));
    // This process closed case 2 meanwhile (its row gone), and noted it.
    db.rows.delete('2');
    q.noteWrite('2', null, 9);
    t = 100; wall += 100;
    await q.page(OPEN, null, 51); // within recentMs of the full read? no recent read yet: starts one
    await new Promise((r) => setImmediate(r));
    t = 200; wall += 100;
    const p = await q.page(OPEN, null, 51);
    expect(p.rows.map((w) => w._id)).to.deep.equal(['1', '3']);
    expect(p.rows[0]!.topic).to.equal('digid');
    expect(q.reads).to.equal(1); // no full read for it
    expect(asked[0]).to.include(slot);
    // An older version read back never replaces a newer row.
    db.rows.set('1', item('1', 1, { writtenSlot: slot, version: 4, topic: 'overig' }));
    t = 600; wall += 400;
    await q.page(OPEN, null, 51);
    await new Promise((r) => setImmediate(r));
    expect((await q.page(OPEN, null, 51)).rows[0]!.topic).to.equal('digid');
  });

  it('filters, orders oldest first with the id as tie-break, pages by cursor and counts per topic aside from the topic filter', async () => {
    const same = 5;
    const db = server([
      item('b', same, { topic: 'digid' }), item('a', same, { topic: 'digid' }), item('c', 1, { topic: 'overig', assigneeId: 'x' }),
      item('d', 9, { status: 'escalated', line: 'second', topic: 'digid' }), item('e', 3, { status: 'waiting', topic: 'berichtenbox', language: 'en' }),
      item('f', 4, { topic: undefined }),
    ]);
    const q = createQueueSnapshot(() => db.readAll(), { maxStaleMs: 0 });
    const first = await q.page({ ...OPEN, line: 'first' }, null, 3);
    expect(first.rows.map((w) => w._id)).to.deep.equal(['c', 'e', 'f']);
    expect(first.topicCounts).to.deep.equal({ overig: 1, berichtenbox: 1, unknown: 1, digid: 2 });
    const next = await q.page({ ...OPEN, line: 'first' }, { waitingSince: first.rows[2]!.waitingSince, id: 'f' }, 3);
    expect(next.rows.map((w) => w._id)).to.deep.equal(['a', 'b']);
    const digid = await q.page({ ...OPEN, line: 'first', topic: 'digid' }, null, 10);
    expect(digid.rows.map((w) => w._id)).to.deep.equal(['a', 'b']);
    expect(digid.topicCounts.overig).to.equal(1); // counts ignore the topic filter
    expect((await q.page({ ...OPEN, assigneeId: null }, null, 10)).rows.map((w) => w._id)).to.not.include('c');
    expect((await q.page({ ...OPEN, assigneeId: 'x' }, null, 10)).rows.map((w) => w._id)).to.deep.equal(['c']);
    expect((await q.page({ statuses: ['waiting'], language: 'en' }, null, 10)).rows.map((w) => w._id)).to.deep.equal(['e']);
    expect((await q.page({ statuses: [] }, null, 10)).rows).to.have.length(0);
  });
});
