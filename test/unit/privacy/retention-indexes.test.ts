/**
 * ensureTtlIndexes / detectServer against a recording fake `db`: the one place a fake is
 * used, because what matters here is the exact index specification sent to the server
 * (issue "Privacy by design"). The same functions run against real FerretDB in
 * test/integration/privacy/retention.test.ts.
 */
import { expect } from 'chai';
import { ConfigError, TransientError } from '../../../lib/errors.ts';
import {
  detectServer,
  ensureTtlIndexes,
  sweeperModeFor,
  ttlIndexSpec,
  type CommandDb,
  type ServerInfo,
} from '../../../lib/retention.ts';

type Doc = Record<string, any>;

interface FakeOptions {
  /** Reject expireAfterSeconds like FerretDB 1.x does. */
  refuseTtl?: boolean;
  /** Accept but silently drop expireAfterSeconds (a server that lies). */
  dropTtlOption?: boolean;
  /** Split listIndexes replies into batches of this size (getMore paging). */
  batch?: number;
  buildInfo?: Doc;
  hello?: Doc;
  failWith?: Error;
}

class RecordingDb implements CommandDb {
  readonly sent: Doc[] = [];
  readonly indexes = new Map<string, Doc[]>();
  private cursors = new Map<number, Doc[]>();
  private nextCursor = 1;

  constructor(private readonly opts: FakeOptions = {}) {}

  async command(cmd: Doc): Promise<Doc> {
    this.sent.push(structuredClone(cmd));
    if (this.opts.failWith) throw this.opts.failWith;
    const name = Object.keys(cmd)[0]!;
    switch (name) {
      case 'buildInfo':
        return this.opts.buildInfo ?? { version: '7.0.14', ok: 1 };
      case 'hello':
        return this.opts.hello ?? { isWritablePrimary: true, ok: 1 };
      case 'listIndexes': {
        const list = this.indexes.get(cmd.listIndexes);
        if (!list) throw Object.assign(new Error('ns does not exist'), { code: 26, codeName: 'NamespaceNotFound' });
        const all = structuredClone(list);
        const size = this.opts.batch ?? all.length;
        const first = all.slice(0, size);
        const rest = all.slice(size);
        let id = 0;
        if (rest.length > 0) {
          id = this.nextCursor++;
          this.cursors.set(id, rest);
        }
        return { cursor: { id, ns: `db.${cmd.listIndexes}`, firstBatch: first }, ok: 1 };
      }
      case 'getMore': {
        const rest = this.cursors.get(cmd.getMore) ?? [];
        const size = this.opts.batch ?? rest.length;
        const next = rest.slice(0, size);
        const remaining = rest.slice(size);
        this.cursors.delete(cmd.getMore);
        let id = 0;
        if (remaining.length > 0) {
          id = this.nextCursor++;
          this.cursors.set(id, remaining);
        }
        return { cursor: { id, nextBatch: next }, ok: 1 };
      }
      case 'createIndexes': {
        const list = this.indexes.get(cmd.createIndexes) ?? [{ v: 2, key: { _id: 1 }, name: '_id_' }];
        for (const spec of cmd.indexes as Doc[]) {
          if (spec.expireAfterSeconds !== undefined && this.opts.refuseTtl) {
            throw Object.assign(new Error('Index option "expireAfterSeconds" is not implemented yet'), { code: 238, codeName: 'NotImplemented' });
          }
          const stored: Doc = { v: 2, ...structuredClone(spec) };
          if (this.opts.dropTtlOption) delete stored.expireAfterSeconds;
          list.push(stored);
        }
        this.indexes.set(cmd.createIndexes, list);
        return { ok: 1 };
      }
      case 'dropIndexes': {
        const list = this.indexes.get(cmd.dropIndexes) ?? [];
        this.indexes.set(cmd.dropIndexes, list.filter((ix) => ix.name !== cmd.index));
        return { ok: 1 };
      }
      default:
        throw new Error(`unexpected command ${name}`);
    }
  }

  /** Commands other than reads. */
  writes(): Doc[] {
    return this.sent.filter((c) => 'createIndexes' in c || 'dropIndexes' in c);
  }
}

const MONGO: ServerInfo = { flavour: 'mongodb', version: '7.0.14', mongoVersion: '7.0.14', ttlIndexes: true, partialIndexes: true, transactions: false };
const FERRET1: ServerInfo = { flavour: 'ferretdb', version: 'v1.24.2', mongoVersion: '7.0.42', ttlIndexes: false, partialIndexes: false, transactions: false };
const ID = { v: 2, key: { _id: 1 }, name: '_id_' };

describe('privacy/retention: TTL index specification', () => {
  it('is exactly { key: { expiresAt: 1 }, name: expiresAt_ttl, expireAfterSeconds: 0 }', () => {
    expect(ttlIndexSpec('cases')).to.deep.equal({ key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 });
  });

  describe('ensureTtlIndexes on a server with TTL', () => {
    it('creates the TTL index where there is none (collection not yet created)', async () => {
      const db = new RecordingDb();
      const result = await ensureTtlIndexes(db, ['cases'], MONGO);
      expect(db.writes()).to.deep.equal([
        { createIndexes: 'cases', indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 }] },
      ]);
      expect(result).to.deep.equal([{ collection: 'cases', mechanism: 'ttl', action: 'created', index: 'expiresAt_ttl' }]);
    });

    it('sends nothing but listIndexes when a matching TTL index exists, whatever its name', async () => {
      const db = new RecordingDb();
      db.indexes.set('cases', [ID, { v: 2, key: { expiresAt: 1 }, name: 'legacy_ttl', expireAfterSeconds: 0 }]);
      const result = await ensureTtlIndexes(db, ['cases'], MONGO);
      expect(db.sent).to.deep.equal([{ listIndexes: 'cases' }]);
      expect(result[0]).to.include({ action: 'unchanged', index: 'legacy_ttl', mechanism: 'ttl' });
    });

    it('drops and re-creates a plain index on expiresAt (the server refuses two indexes on one key)', async () => {
      const db = new RecordingDb();
      db.indexes.set('cases', [ID, { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_1' }]);
      const result = await ensureTtlIndexes(db, ['cases'], MONGO);
      expect(db.writes()).to.deep.equal([
        { dropIndexes: 'cases', index: 'expiresAt_1' },
        { createIndexes: 'cases', indexes: [ttlIndexSpec('cases')] },
      ]);
      expect(result[0]!.action).to.equal('recreated');
      expect(db.indexes.get('cases')!.map((ix) => ix.name)).to.deep.equal(['_id_', 'expiresAt_ttl']);
    });

    it('corrects a TTL index with the wrong expireAfterSeconds, or a partial one', async () => {
      for (const wrong of [
        { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 3600 },
        { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0, partialFilterExpression: { kind: 'x' } },
      ]) {
        const db = new RecordingDb();
        db.indexes.set('cases', [ID, wrong]);
        await ensureTtlIndexes(db, ['cases'], MONGO);
        expect(db.writes()).to.deep.equal([
          { dropIndexes: 'cases', index: 'expiresAt_ttl' },
          { createIndexes: 'cases', indexes: [ttlIndexSpec('cases')] },
        ]);
      }
    });

    it('frees our index name when another key uses it', async () => {
      const db = new RecordingDb();
      db.indexes.set('cases', [ID, { v: 2, key: { receivedAt: 1 }, name: 'expiresAt_ttl' }]);
      await ensureTtlIndexes(db, ['cases'], MONGO);
      expect(db.writes().map((c) => Object.keys(c)[0])).to.deep.equal(['dropIndexes', 'createIndexes']);
    });

    it('leaves unrelated indexes alone', async () => {
      const db = new RecordingDb();
      db.indexes.set('cases', [ID, { v: 2, key: { expiresAt: 1, status: 1 }, name: 'exp_status' }, { v: 2, key: { caseId: 1 }, name: 'caseId_1', unique: true }]);
      await ensureTtlIndexes(db, ['cases'], MONGO);
      expect(db.writes()).to.deep.equal([{ createIndexes: 'cases', indexes: [ttlIndexSpec('cases')] }]);
    });

    it('with repair disabled, reports every mismatch in one ConfigError and changes nothing', async () => {
      const db = new RecordingDb();
      db.indexes.set('cases', [ID, { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_1' }]);
      db.indexes.set('id_copies', [ID, { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 86400 }]);
      let caught: unknown;
      try {
        await ensureTtlIndexes(db, ['cases', 'id_copies'], MONGO, { repair: false });
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ConfigError);
      expect((caught as ConfigError).code).to.equal('RETENTION_INDEX_MISMATCH');
      expect((caught as ConfigError).message).to.include('cases:').and.to.include('id_copies:').and.to.include('expiresAt_1');
      expect(db.writes()).to.deep.equal([]);
    });

    it('fails clearly when the server refuses the TTL index it was said to support', async () => {
      const db = new RecordingDb({ refuseTtl: true });
      let caught: unknown;
      try {
        await ensureTtlIndexes(db, ['cases', 'surveys'], MONGO);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ConfigError);
      expect((caught as ConfigError).message).to.include('cases: server refused').and.to.include('NotImplemented').and.to.include('surveys:');
    });

    it('verifies what the server lists afterwards, and fails when the TTL option did not stick', async () => {
      const db = new RecordingDb({ dropTtlOption: true });
      let caught: unknown;
      try {
        await ensureTtlIndexes(db, ['cases'], MONGO);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ConfigError);
      expect((caught as ConfigError).message).to.include('does not list a matching index');
    });

    it('reads index listings across getMore batches', async () => {
      const db = new RecordingDb({ batch: 1 });
      db.indexes.set('cases', [ID, { v: 2, key: { a: 1 }, name: 'a_1' }, { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 }]);
      const result = await ensureTtlIndexes(db, ['cases'], MONGO);
      expect(result[0]!.action).to.equal('unchanged');
      expect(db.sent.filter((c) => 'getMore' in c)).to.have.length(2);
      expect(db.writes()).to.deep.equal([]);
    });

    it('turns a network failure into a retriable TransientError', async () => {
      const err = Object.assign(new Error('connection reset'), { name: 'MongoNetworkError' });
      const db = new RecordingDb({ failWith: err });
      let caught: unknown;
      try {
        await ensureTtlIndexes(db, ['cases'], MONGO);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(TransientError);
      expect((caught as TransientError).retriable).to.equal(true);
    });
  });

  describe('ensureTtlIndexes on a server without TTL (FerretDB 1.x)', () => {
    it('creates a plain expiresAt index for the sweeper and never sends expireAfterSeconds', async () => {
      const db = new RecordingDb({ refuseTtl: true });
      const result = await ensureTtlIndexes(db, ['cases', 'id_copies'], FERRET1);
      expect(db.writes()).to.deep.equal([
        { createIndexes: 'cases', indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt_sweep' }] },
        { createIndexes: 'id_copies', indexes: [{ key: { expiresAt: 1 }, name: 'expiresAt_sweep' }] },
      ]);
      expect(result.map((r) => r.mechanism)).to.deep.equal(['sweeper', 'sweeper']);
    });

    it('accepts any existing full index on expiresAt', async () => {
      const db = new RecordingDb({ refuseTtl: true });
      db.indexes.set('cases', [ID, { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_1' }]);
      const result = await ensureTtlIndexes(db, ['cases'], FERRET1);
      expect(db.writes()).to.deep.equal([]);
      expect(result[0]).to.include({ mechanism: 'sweeper', action: 'unchanged', index: 'expiresAt_1' });
    });
  });
});

describe('privacy/retention: detectServer', () => {
  it('recognises FerretDB 1.x from buildInfo (the shape v1.24.2 returns) without asking anything else', async () => {
    const db = new RecordingDb({
      buildInfo: { version: '7.0.42', gitVersion: 'unknown', versionArray: [7, 0, 42, 0], ferretdbVersion: 'v1.24.2', ferretdbFeatures: { aggregationStages: ['$match'] }, ok: 1 },
    });
    const info = await detectServer(db);
    expect(info).to.deep.equal({ flavour: 'ferretdb', version: 'v1.24.2', mongoVersion: '7.0.42', ttlIndexes: false, partialIndexes: false, transactions: false });
    expect(db.sent).to.deep.equal([{ buildInfo: 1 }]);
    expect(sweeperModeFor(info)).to.equal('delete');
  });

  it('recognises FerretDB 2.x from its ferretdb sub-document: TTL yes', async () => {
    const db = new RecordingDb({ buildInfo: { version: '7.0.77', ferretdb: { version: 'v2.5.0', package: 'deb' }, ok: 1 } });
    const info = await detectServer(db);
    expect(info).to.include({ flavour: 'ferretdb', version: 'v2.5.0', ttlIndexes: true, transactions: false });
    expect(sweeperModeFor(info)).to.equal('check');
  });

  it('recognises MongoDB, with transactions only on a replica set or sharded cluster', async () => {
    const standalone = await detectServer(new RecordingDb({ buildInfo: { version: '7.0.14', ok: 1 }, hello: { isWritablePrimary: true, ok: 1 } }));
    expect(standalone).to.deep.equal({ flavour: 'mongodb', version: '7.0.14', mongoVersion: '7.0.14', ttlIndexes: true, partialIndexes: true, transactions: false });
    const rs = await detectServer(new RecordingDb({ buildInfo: { version: '6.0.3', ok: 1 }, hello: { setName: 'rs0', ok: 1 } }));
    expect(rs.transactions).to.equal(true);
    const mongos = await detectServer(new RecordingDb({ buildInfo: { version: '4.0.1', ok: 1 }, hello: { msg: 'isdbgrid', ok: 1 } }));
    expect(mongos.transactions).to.equal(false); // sharded transactions need 4.2
    const old = await detectServer(new RecordingDb({ buildInfo: { version: '3.0.0', ok: 1 }, hello: { setName: 'rs0', ok: 1 } }));
    expect(old).to.include({ partialIndexes: false, transactions: false, ttlIndexes: true });
  });
});
