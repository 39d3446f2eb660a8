/**
 * Retention against the real MongoDB-wire server of scripts/services.sh (FerretDB locally):
 * server detection, the expiresAt indexes, the sweeper and the report. Each run uses its
 * own database (kcc_test_privacy_<random>) and drops it afterwards. Time is an injected
 * clock: nothing here sleeps.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ConfigError } from '../../../lib/errors.ts';
import {
  createRetentionSweeper,
  detectServer,
  ensureTtlIndexes,
  retentionReport,
  sweeperModeFor,
  type Scheduler,
  type ServerInfo,
} from '../../../lib/retention.ts';
import { mongoUrlFor, uniqueName } from '../../support/env.ts';

type Db = mongoose.mongo.Db;

const NOW = new Date('2031-03-15T12:00:00.000Z');
const minutes = (n: number) => n * 60_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('privacy/retention against the real database server', function () {
  this.timeout(60_000);

  let conn: mongoose.Connection;
  let db: Db;
  let server: ServerInfo;
  let buildInfo: mongoose.mongo.Document;
  const started: Array<{ commandName: string; command: mongoose.mongo.Document }> = [];

  before(async () => {
    const name = uniqueName('kcc_test_privacy').replace(/-/g, '_');
    conn = await mongoose.createConnection(mongoUrlFor(name), { serverSelectionTimeoutMS: 10_000, monitorCommands: true }).asPromise();
    db = conn.db!;
    conn.getClient().on('commandStarted', (e) => started.push({ commandName: e.commandName, command: e.command }));
    buildInfo = await db.command({ buildInfo: 1 });
    server = await detectServer(db);
  });

  after(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  async function fill(collection: string, docs: mongoose.mongo.Document[]): Promise<void> {
    await db.collection(collection).insertMany(docs);
  }

  it('detectServer reads what buildInfo says', () => {
    const ferret = buildInfo.ferretdbVersion ?? buildInfo.ferretdb?.version;
    if (ferret !== undefined) {
      expect(server.flavour).to.equal('ferretdb');
      expect(server.version).to.equal(ferret);
      expect(server.ttlIndexes).to.equal(Number(String(ferret).replace(/^v/, '').split('.')[0]) >= 2);
    } else {
      expect(server.flavour).to.equal('mongodb');
      expect(server.version).to.equal(buildInfo.version);
      expect(server.ttlIndexes).to.equal(true);
    }
    expect(server.mongoVersion).to.equal(buildInfo.version);
  });

  describe('ensureTtlIndexes', () => {
    it('creates the index the server can use, and a second call changes nothing', async () => {
      const first = await ensureTtlIndexes(db, ['ix_cases', 'ix_id_copies'], server);
      expect(first.map((r) => r.action)).to.deep.equal(['created', 'created']);
      const mechanism = server.ttlIndexes ? 'ttl' : 'sweeper';
      expect(first.map((r) => r.mechanism)).to.deep.equal([mechanism, mechanism]);

      const listed = await db.collection('ix_cases').listIndexes().toArray();
      const ix = listed.find((i) => i.key && Object.keys(i.key).join() === 'expiresAt');
      expect(ix, 'expiresAt index listed').to.not.equal(undefined);
      if (server.ttlIndexes) expect(Number(ix!.expireAfterSeconds)).to.equal(0);
      else expect(ix!.expireAfterSeconds).to.equal(undefined);

      const second = await ensureTtlIndexes(db, ['ix_cases', 'ix_id_copies'], server);
      expect(second.map((r) => r.action)).to.deep.equal(['unchanged', 'unchanged']);
    });

    it('takes its index name back from an index on another key', async () => {
      const name = server.ttlIndexes ? 'expiresAt_ttl' : 'expiresAt_sweep';
      await db.collection('ix_squatted').createIndex({ receivedAt: 1 }, { name });
      const [result] = await ensureTtlIndexes(db, ['ix_squatted'], server);
      expect(result!.action).to.equal('recreated');
      const listed = await db.collection('ix_squatted').listIndexes().toArray();
      expect(listed.find((i) => i.name === name)!.key).to.deep.equal({ expiresAt: 1 });
      expect(listed.some((i) => i.key && 'receivedAt' in i.key)).to.equal(false);
    });

    it('when told the server has TTL: works where it has, stops with a clear ConfigError where it has not', async () => {
      const claimsTtl: ServerInfo = { ...server, ttlIndexes: true };
      if (server.ttlIndexes) {
        const [r] = await ensureTtlIndexes(db, ['ix_claims'], claimsTtl);
        expect(r!.mechanism).to.equal('ttl');
      } else {
        let caught: unknown;
        try {
          await ensureTtlIndexes(db, ['ix_claims'], claimsTtl);
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(ConfigError);
        expect((caught as ConfigError).code).to.equal('RETENTION_INDEX_MISMATCH');
        expect((caught as ConfigError).message).to.include('ix_claims: server refused');
      }
    });
  });

  describe('createRetentionSweeper (delete mode)', () => {
    it('deletes exactly the documents with expiresAt <= now, in bounded batches, counts only', async () => {
      const expired = 437; // not a multiple of the batch size: the last batch is partial
      await fill('sw_cases', [
        ...Array.from({ length: expired }, (_, i) => ({ n: i, expiresAt: at(-minutes(1 + i)) })),
        { n: -1, expiresAt: NOW }, // exactly now: due
        ...Array.from({ length: 120 }, (_, i) => ({ n: 10_000 + i, expiresAt: at(minutes(1 + i)) })),
        ...Array.from({ length: 7 }, (_, i) => ({ n: 20_000 + i })), // no expiresAt: never touched here
      ]);
      await fill('sw_other', [{ expiresAt: at(-1) }, { expiresAt: at(1) }]);
      await ensureTtlIndexes(db, ['sw_cases', 'sw_other'], { ...server, ttlIndexes: false });

      const deletedCalls: Array<[string, number]> = [];
      const logged: unknown[] = [];
      const logger = { info: (o: unknown) => logged.push(o), warn: (o: unknown) => logged.push(o), error: (o: unknown) => logged.push(o) };
      const sweeper = createRetentionSweeper({
        db,
        collections: ['sw_cases', 'sw_other'],
        clock: () => NOW,
        batchSize: 100,
        mode: 'delete',
        onDeleted: (c, n) => deletedCalls.push([c, n]),
        logger: logger as never,
      });

      started.length = 0;
      const counts = await sweeper.runOnce();
      expect(counts).to.deep.equal({ sw_cases: expired + 1, sw_other: 1 });
      expect(deletedCalls).to.deep.equal([['sw_cases', expired + 1], ['sw_other', 1]]);

      // Batches really were bounded: every find asked for at most 100; every delete command
      // held at most 100 statements, each for one _id and repeating the expiry condition.
      const finds = started.filter((s) => s.commandName === 'find' && s.command.find === 'sw_cases');
      const deletes = started.filter((s) => s.commandName === 'delete' && s.command.delete === 'sw_cases');
      expect(finds.length).to.equal(Math.ceil((expired + 1) / 100));
      for (const f of finds) expect(Number(f.command.limit)).to.equal(100);
      expect(deletes.length).to.be.greaterThan(0);
      for (const d of deletes) {
        expect(d.command.deletes.length).to.be.within(1, 100);
        for (const st of d.command.deletes) {
          expect(st.q._id).to.not.equal(undefined);
          expect(st.q._id).to.not.have.property('$in'); // one document per statement
          expect(st.q.expiresAt).to.have.property('$lte');
        }
      }

      const left = await db.collection('sw_cases').find({}, { projection: { n: 1, expiresAt: 1 } }).toArray();
      expect(left).to.have.length(120 + 7);
      expect(left.every((d) => !(d.expiresAt instanceof Date) || d.expiresAt > NOW)).to.equal(true);

      // Logs carry collection names and counts, nothing from the documents.
      expect(JSON.stringify(logged)).to.not.match(/"n"|expiresAt/);
      expect(logged).to.deep.include({ collection: 'sw_cases', deleted: expired + 1 });

      // Nothing more is due now; an hour later the next 60 are.
      expect(await sweeper.runOnce()).to.deep.equal({ sw_cases: 0, sw_other: 0 });
      const later = createRetentionSweeper({ db, collections: ['sw_cases'], clock: () => at(minutes(60)), mode: 'delete', batchSize: 100 });
      expect(await later.runOnce()).to.deep.equal({ sw_cases: 60 });
    });

    it('start() runs at once and on every tick without overlapping; stop() waits for the run in progress', async () => {
      await fill('sw_sched', Array.from({ length: 5 }, () => ({ expiresAt: at(-1) })));
      let tickFn: (() => void) | undefined;
      let cleared = false;
      const scheduler: Scheduler = {
        setInterval: (fn, ms) => {
          expect(ms).to.equal(60_000);
          tickFn = fn;
          return 'handle';
        },
        clearInterval: (h) => {
          expect(h).to.equal('handle');
          cleared = true;
        },
      };
      let runs = 0;
      let now = NOW;
      const sweeper = createRetentionSweeper({ db, collections: ['sw_sched'], clock: () => now, mode: 'delete', scheduler, onDeleted: () => (runs += 1) });
      sweeper.start();
      tickFn!(); // a tick while the first run is still going: skipped
      await sweeper.stop();
      expect(cleared).to.equal(true);
      expect(runs).to.equal(1);
      expect(await db.collection('sw_sched').countDocuments({})).to.equal(0);

      await fill('sw_sched', [{ expiresAt: at(minutes(5)) }]);
      now = at(minutes(10));
      sweeper.start();
      await sweeper.stop();
      expect(runs).to.equal(2);
      expect(await db.collection('sw_sched').countDocuments({})).to.equal(0);
    });
  });

  describe('createRetentionSweeper (check mode)', () => {
    it('counts documents overdue beyond the lag allowance and deletes nothing', async () => {
      await fill('ck_cases', [
        ...Array.from({ length: 3 }, () => ({ expiresAt: at(-minutes(60)) })), // overdue beyond 15 min
        ...Array.from({ length: 4 }, () => ({ expiresAt: at(-minutes(5)) })), // late, within the allowance
        { expiresAt: at(minutes(5)) },
      ]);
      const overdue: Array<[string, number]> = [];
      const sweeper = createRetentionSweeper({ db, collections: ['ck_cases'], clock: () => NOW, mode: 'check', onOverdue: (c, n) => overdue.push([c, n]) });
      expect(await sweeper.runOnce()).to.deep.equal({ ck_cases: 3 });
      expect(overdue).to.deep.equal([['ck_cases', 3]]);
      expect(await db.collection('ck_cases').countDocuments({})).to.equal(8);

      const strict = createRetentionSweeper({ db, collections: ['ck_cases'], clock: () => NOW, mode: 'check', lagAllowanceMs: 0 });
      expect(await strict.runOnce()).to.deep.equal({ ck_cases: 7 });
    });
  });

  describe('retentionReport', () => {
    it('reports documents, oldest, next expiry, overdue, missing expiresAt and mechanism per collection', async () => {
      await fill('rp_cases', [
        { createdAt: at(-minutes(600)), expiresAt: at(-minutes(10)) },
        { createdAt: at(-minutes(300)), expiresAt: at(minutes(30)) },
        { createdAt: at(-minutes(100)), expiresAt: at(minutes(90)) },
        { createdAt: at(-minutes(50)) }, // no expiresAt
        { createdAt: at(-minutes(40)), expiresAt: 'never' }, // not a date: no TTL or sweeper will ever match it
      ]);
      const oid = new mongoose.Types.ObjectId();
      await fill('rp_plain', [{ _id: oid, expiresAt: at(minutes(1)) }]);
      await ensureTtlIndexes(db, ['rp_cases'], server);

      const report = await retentionReport(db, ['rp_cases', 'rp_plain', 'rp_empty'], () => NOW, { server });
      expect(report.rp_cases).to.deep.equal({
        documents: 5,
        oldest: at(-minutes(600)),
        nextExpiry: at(minutes(30)),
        overdue: 1,
        missingExpiresAt: 2,
        mechanism: server.ttlIndexes ? 'ttl' : 'sweeper',
      });
      expect(report.rp_plain).to.deep.include({ documents: 1, overdue: 0, missingExpiresAt: 0, mechanism: 'none', nextExpiry: at(minutes(1)) });
      expect(report.rp_plain!.oldest!.getTime()).to.equal(oid.getTimestamp().getTime());
      expect(report.rp_empty).to.deep.equal({ documents: 0, oldest: null, nextExpiry: null, overdue: 0, missingExpiresAt: 0, mechanism: 'none' });
    });
  });

  it('sweeperModeFor matches what the server can do', () => {
    expect(sweeperModeFor(server)).to.equal(server.ttlIndexes ? 'check' : 'delete');
  });
});
