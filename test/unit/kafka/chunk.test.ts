import { expect } from 'chai';
import { chunkBySize, type OutgoingRecord } from '../../../lib/kafka/index.ts';

describe('chunkBySize (produce batches under max.message.bytes)', () => {
  const rec = (n: number, key = 'k'): OutgoingRecord => ({ key, value: Buffer.alloc(n) });

  it('keeps every chunk under the limit and the records in order', () => {
    const records = Array.from({ length: 50 }, (_, i) => rec(30_000 + i * 1000, String(i)));
    const chunks = chunkBySize(records, 200_000);
    expect(chunks.flat().map((r) => r.key)).to.deep.equal(records.map((r) => r.key));
    for (const c of chunks) {
      const bytes = c.reduce((n, r) => n + (r.value as Buffer).length + 65, 0);
      expect(bytes).to.be.at.most(200_000);
    }
    expect(chunks.length).to.be.greaterThan(1);
  });

  it('sends a record larger than the limit alone rather than dropping it', () => {
    const chunks = chunkBySize([rec(10), rec(500_000), rec(10)], 100_000);
    expect(chunks.map((c) => c.length)).to.deep.equal([1, 1, 1]);
  });

  it('returns nothing for nothing', () => {
    expect(chunkBySize([], 100)).to.deep.equal([]);
  });
});
