/**
 * Per-document locks, for servers whose single-document updates are not atomic.
 *
 * Measured on FerretDB 1.24.2 (SQLite backend), 2026-11-28: 40 concurrent
 * `updateOne({_id}, {$inc: {seq: 1}})` left `seq` at 3; 8 concurrent compare-and-set
 * updates (`updateOne({_id, status: 'pending'}, {$set: {status: 'sending'}})`) had more than
 * one winner in 29 of 30 rounds; `findOneAndUpdate` with `$inc` handed out the same value
 * to several callers. On the PostgreSQL backend (adopted the same day) 40 concurrent `$inc`
 * left 6 and 40 concurrent `$push` kept 16. What it does enforce is a unique `_id` on insert (E11000), so a lock
 * is an insert of `{_id: key}` that only one caller can win.
 *
 * MongoDB makes every single-document update atomic, so there the lock is a no-op: the
 * choice is made once from `detectServer`, not by trying and failing.
 */
import { randomBytes } from 'node:crypto';
import type { mongo } from 'mongoose';
import { TransientError } from './errors.ts';
import { sleep } from './retry.ts';

export interface DocLock {
  /** Runs `fn` while holding the lock for `key` (one holder at a time across processes). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  readonly enabled: boolean;
}

export interface DocLockOptions {
  /** False on servers with atomic single-document updates (MongoDB). */
  enabled: boolean;
  /** A holder that died (kill -9) blocks others at most this long. */
  leaseMs?: number;
  /** How long a caller waits for the lock before a retriable error. */
  waitMs?: number;
  collection?: string;
}

interface LockDoc { _id: string; owner: string; until: Date }

export function createDocLock(db: mongo.Db, options: DocLockOptions): DocLock {
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 20_000;
  const col = db.collection<LockDoc>(options.collection ?? 'doc_locks');

  async function acquire(key: string): Promise<string> {
    const owner = randomBytes(8).toString('hex');
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await col.insertOne({ _id: key, owner, until: new Date(Date.now() + leaseMs) });
        return owner;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      // Taken. A lease past its end belongs to a holder that died: remove exactly that one.
      const held = await col.findOne({ _id: key });
      if (held && held.until.getTime() < Date.now()) await col.deleteOne({ _id: key, owner: held.owner });
      if (Date.now() > deadline) throw new TransientError('LOCK_TIMEOUT', `document lock not acquired within ${waitMs} ms`);
      await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }

  return {
    enabled: options.enabled,
    async withLock(key, fn) {
      if (!options.enabled) return fn();
      const owner = await acquire(key);
      try {
        return await fn();
      } finally {
        await col.deleteOne({ _id: key, owner }).catch(() => undefined);
      }
    },
  };
}
