/**
 * A whole pipeline for one test: its own intake mailbox, topic prefix, consumer group and
 * database, on the real local servers, so tests never see each other's data.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../config/index.ts';
import { createApp, type App, type Role } from '../../app/index.ts';
import { createLogger, silentLogger, type Logger } from '../../lib/logger.ts';
import { imapAs, mongoUrlFor, eventually } from './env.ts';

export interface TestPipeline {
  config: Config;
  env: Record<string, string>;
  intakeUser: string;
  dbName: string;
  app: App | null;
  start(roles?: Role[], logger?: Logger): Promise<App>;
  stopApp(): Promise<void>;
  append(raws: Buffer[]): Promise<void>;
  /** Connection to this pipeline's database, for assertions (independent of the app). */
  db(): Promise<mongoose.Connection>;
  cleanup(): Promise<void>;
}

export function testId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function createTestPipeline(overrides: Record<string, string> = {}): Promise<TestPipeline> {
  const id = testId();
  const dbName = `kcc_test_e2e_${id}`;
  const intakeUser = `intake-${id}@kcc.test`;
  const base = loadConfig();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KCC_MONGO_URL: mongoUrlFor(dbName),
    KCC_TOPIC_PREFIX: `test.${id}`,
    KCC_TOPIC_PARTITIONS: '2',
    KCC_IMAP_USER: intakeUser,
    KCC_MAIL_FROM: `KCC Logius <${intakeUser}>`,
    ...overrides,
  };
  const config = loadConfig(env);
  let conn: mongoose.Connection | null = null;
  const pipeline: TestPipeline = {
    config, env, intakeUser, dbName, app: null,
    async start(roles, logger) {
      pipeline.app = await createApp({ config, logger: logger ?? silentLogger(), ...(roles ? { roles } : {}), groupId: `test.${id}.intake` });
      await pipeline.app.start();
      return pipeline.app;
    },
    async stopApp() {
      await pipeline.app?.stop();
      pipeline.app = null;
    },
    async append(raws) {
      const client = await imapAs(intakeUser);
      try {
        for (const raw of raws) await client.append('INBOX', raw);
      } finally {
        await client.logout();
      }
    },
    async db() {
      conn ??= await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 }).asPromise();
      return conn;
    },
    async cleanup() {
      await pipeline.stopApp().catch(() => undefined);
      const c = await pipeline.db();
      await c.dropDatabase().catch(() => undefined);
      await c.close();
      void base;
    },
  };
  return pipeline;
}

/** Messages in a citizen's INBOX (acknowledgments land there). */
export async function inboxCount(address: string): Promise<number> {
  const client = await imapAs(address);
  try {
    const s = await client.status('INBOX', { messages: true });
    return s ? (s.messages ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

/** The envelope of every message in a citizen's INBOX, in order. */
async function inboxEnvelopes(address: string): Promise<Array<{ subject?: string; messageId?: string }>> {
  const client = await imapAs(address);
  const out: Array<{ subject?: string; messageId?: string }> = [];
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const s = await client.status('INBOX', { messages: true });
      if (s && s.messages) for await (const m of client.fetch('1:*', { envelope: true })) out.push(m.envelope ?? {});
    } finally { lock.release(); }
  } finally {
    await client.logout();
  }
  return out;
}

export async function inboxSubjects(address: string): Promise<string[]> {
  return (await inboxEnvelopes(address)).map((e) => e.subject ?? '');
}

/** The Message-ID of every message in a citizen's INBOX, in order (duplicates kept). */
export async function inboxMessageIds(address: string): Promise<string[]> {
  return (await inboxEnvelopes(address)).map((e) => e.messageId ?? '');
}

/** SIGKILL a stage's child process (a crash: no clean-up runs); resolves once it has exited. */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export { eventually, createLogger };
