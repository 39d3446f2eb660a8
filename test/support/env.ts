/**
 * Shared set-up for integration tests: the real local servers (scripts/services.sh), a
 * configuration loaded the same way the app loads it, and unique names per test so that
 * tests never see each other's topics, groups, databases or mailboxes.
 */
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../config/index.ts';
import { silentLogger } from '../../lib/logger.ts';

export const config: Config = loadConfig();
export const logger = silentLogger();

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A mongodb URL for a database of its own (dropped by the test afterwards). */
export function mongoUrlFor(dbName: string): string {
  const u = new URL(config.mongoUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export async function connectTestDb(prefix: string): Promise<mongoose.Connection> {
  const name = uniqueName(prefix).replace(/-/g, '_');
  return mongoose.createConnection(mongoUrlFor(name), { serverSelectionTimeoutMS: 10_000 }).asPromise();
}

/** An IMAP client logged in as `user` (the test Dovecot accepts every address). */
export async function imapAs(user: string): Promise<ImapFlow> {
  const client = new ImapFlow({ host: config.imap.host, port: config.imap.port, secure: config.imap.secure, auth: { user, pass: config.imap.password }, logger: false });
  await client.connect();
  return client;
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
