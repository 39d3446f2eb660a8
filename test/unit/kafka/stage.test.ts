/**
 * The consuming stage in batch mode: what a group's outcomes mean for dead letters and for
 * the group coming back. Driven through a bus that hands the stage's batch handler to the
 * test, so each case is one call with chosen records and outcomes.
 */
import { expect } from 'chai';
import { z } from 'zod';
import type { BatchHandler, Bus, IncomingRecord, OutgoingRecord } from '../../../lib/kafka/index.ts';
import { createConsumerStage } from '../../../lib/kafka/stage.ts';
import { InputError, TransientError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/logger.ts';

const Item = z.object({ n: z.number() });
type Item = z.infer<typeof Item>;

function record(offset: number, value: string): IncomingRecord {
  return { topic: 't', partition: 0, offset: String(offset), key: null, value: Buffer.from(value), headers: {}, timestamp: '0' };
}

async function stageWith(outcomeOf: (n: number) => unknown, opts: { throwBatch?: unknown } = {}) {
  const deadLetters: OutgoingRecord[] = [];
  const handled: number[] = [];
  let batch!: BatchHandler;
  const bus = {
    async producer() { return { async send(_t: string, rs: OutgoingRecord[]) { deadLetters.push(...rs); }, async close() {} }; },
    async consumeBatches(_o: unknown, h: BatchHandler) { batch = h; return { crashed: new Promise<Error>(() => undefined), async stop() {} }; },
  } as unknown as Bus;
  const stage = createConsumerStage<Item>({
    bus, log: silentLogger(), groupId: 'g', topic: 't', deadLetterTopic: 'dlq', schema: Item, what: 'item',
    async handle(env) { handled.push(env.n); const o = outcomeOf(env.n); if (o) throw o; },
    async handleBatch(items) {
      if (opts.throwBatch) throw opts.throwBatch;
      return items.map((x) => { handled.push(x.env.n); return outcomeOf(x.env.n) ?? null; });
    },
    maxBatch: 10,
    deadLetterOf: (_env, r) => ({ sourceRef: { kind: 'unknown' }, sha256: null, key: r.offset }),
  });
  await stage.start();
  return { run: (rs: IncomingRecord[]) => batch(rs, async () => undefined), deadLetters, handled };
}

describe('consumer stage in batch mode', () => {
  it('dead-letters the undecodable and the refused records, and finishes the group', async () => {
    const s = await stageWith((n) => (n === 2 ? new InputError('BAD', 'refused') : null));
    await s.run([record(0, '{"n":1}'), record(1, 'not json'), record(2, '{"n":2}'), record(3, '{"n":3}')]);
    expect(s.deadLetters.map((d) => d.key)).to.deep.equal(['1', '2']);
    expect(s.handled).to.deep.equal([1, 2, 3]);
  });

  it('on a retriable outcome throws before any dead letter, so a retry does not send them again', async () => {
    const s = await stageWith((n) => (n === 2 ? new InputError('BAD', 'refused') : n === 3 ? new TransientError('AWAY', 'server away') : null));
    let thrown: unknown;
    try { await s.run([record(0, 'not json'), record(1, '{"n":2}'), record(2, '{"n":3}')]); } catch (err) { thrown = err; }
    expect((thrown as TransientError).code).to.equal('AWAY');
    expect(s.deadLetters).to.deep.equal([]);
  });

  it('redoes a group one record at a time when the batch itself fails for good', async () => {
    const s = await stageWith((n) => (n === 2 ? new InputError('BAD', 'refused') : null), { throwBatch: new Error('bug in the batch path') });
    await s.run([record(0, '{"n":1}'), record(1, '{"n":2}'), record(2, '{"n":3}')]);
    expect(s.handled).to.deep.equal([1, 2, 3]);
    expect(s.deadLetters.map((d) => d.key)).to.deep.equal(['1']);
  });

  it('lets a retriable failure of the whole batch bring the group back', async () => {
    const s = await stageWith(() => null, { throwBatch: new TransientError('AWAY', 'server away') });
    let thrown: unknown;
    try { await s.run([record(0, '{"n":1}')]); } catch (err) { thrown = err; }
    expect((thrown as TransientError).code).to.equal('AWAY');
    expect(s.deadLetters).to.deep.equal([]);
  });
});
