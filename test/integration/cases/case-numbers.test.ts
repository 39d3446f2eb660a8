/**
 * The next case number after a restart, found by look-ups of `_id` where the server has no
 * range or sort pushdown (FerretDB 1.x: processors/cases/index.ts probeHighest), against
 * the real server: the highest issued number plus one, past an isolated unused number.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { intakeMessage, testCaseStore } from '../../support/casestore.ts';
import { createCaseStore } from '../../../processors/cases/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { config } from '../../support/env.ts';

describe('case numbers after a restart (highest issued by _id look-ups)', function () {
  this.timeout(60_000);
  let conn: mongoose.Connection;
  const year = new Date().getUTCFullYear();
  const num = (n: number) => `KCC-${year}-${String(n).padStart(6, '0')}`;

  before(async () => { ({ conn } = await testCaseStore('casenumbers')); });
  after(async () => { await conn.dropDatabase().catch(() => undefined); await conn.close(); });

  /** A store as a freshly started process has it: nothing issued yet in its memory. */
  const restarted = () => createCaseStore(conn, {
    cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }),
    hasher: createKeyedHasher(config.keys.hmac), probeCaseNumbers: true,
  });
  async function issued(numbers: number[]) {
    const { CaseNumber } = restarted().models;
    await CaseNumber.deleteMany({});
    await CaseNumber.insertMany(numbers.map((n) => ({ _id: num(n), at: new Date() })));
    // Last year's and next year's numbers never count for this year.
    await CaseNumber.insertMany([{ _id: `KCC-${year - 1}-999000`, at: new Date() }, { _id: `KCC-${year + 1}-000500`, at: new Date() }]);
  }
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

  it('continues after the highest number of the year', async () => {
    await issued(range(1, 1234));
    expect((await restarted().ingest(intakeMessage())).caseNumber).to.equal(num(1235));
  });

  it('steps over an isolated unused number (a redelivery drew it and lost the race)', async () => {
    // 511 is where the gallop from 0 looks (1, 3, 7, … 511): the gap is met, not skipped by luck.
    await issued([...range(1, 510), ...range(512, 640), ...range(642, 700)]);
    expect((await restarted().ingest(intakeMessage())).caseNumber).to.equal(num(701));
  });

  it('starts at 1 in a year with no numbers yet', async () => {
    await issued([]);
    expect((await restarted().ingest(intakeMessage())).caseNumber).to.equal(num(1));
  });

  it('stays unique behind a gap wider than it looks past: the clash moves it on', async () => {
    await issued([...range(1, 50), ...range(80, 90)]);
    const s = restarted();
    const got: string[] = [];
    for (let i = 0; i < 45; i++) got.push((await s.ingest(intakeMessage())).caseNumber);
    expect(new Set(got).size).to.equal(45);
    const taken = new Set([...range(1, 50), ...range(80, 90)].map(num));
    expect(got.filter((n) => taken.has(n))).to.deep.equal([]);
    expect(got).to.include(num(91)); // past the clash with 80..90
  });
});
