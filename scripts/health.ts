/**
 * Health check run by scripts/services.sh after start: speaks each protocol once, with a
 * bound on every wait, and prints one line per service. Exit 1 names what is not healthy.
 */
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { loadConfig } from '../config/index.ts';
import { withTimeout, sleep } from '../lib/retry.ts';
import { createRspamdFilter } from '../processors/screening/index.ts';

const config = loadConfig();
const BOUND_MS = 60_000;

async function kafka(): Promise<string> {
  const admin = new Kafka({ clientId: 'kcc-health', brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  await admin.connect();
  try {
    // A fresh KRaft node accepts connections a moment before it serves metadata.
    const deadline = Date.now() + BOUND_MS;
    for (;;) {
      try {
        const cluster = await admin.describeCluster();
        return `Kafka: ${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function mongo(): Promise<string> {
  const conn = await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    const flavour = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
    return `MongoDB wire protocol: ${flavour} (reports ${info.version})`;
  } finally {
    await conn.close();
  }
}

async function imap(): Promise<string> {
  const client = new ImapFlow({ host: config.imap.host, port: config.imap.port, secure: config.imap.secure, auth: { user: config.imap.user, pass: config.imap.password }, logger: false });
  await client.connect();
  const caps = [...client.capabilities.keys()].includes('IDLE') ? 'IDLE' : 'no IDLE';
  await client.logout();
  return `IMAP: login ok (${caps})`;
}

async function smtp(): Promise<string> {
  const transport = nodemailer.createTransport({ host: config.smtp.host, port: config.smtp.port, secure: config.smtp.secure, ignoreTLS: true });
  await transport.verify();
  transport.close();
  return 'SMTP: greeting ok';
}

/** rspamd answers /ping only once its rules are loaded; a scan of a tiny message proves the worker. */
async function spamFilter(): Promise<string> {
  if (!config.spamFilter.url) return 'spam filter: not configured';
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    try {
      const verdict = await createRspamdFilter({ url: config.spamFilter.url, timeoutMs: 5_000 }).check(Buffer.from('From: a@b.example\r\nSubject: health\r\n\r\nhealth\r\n'));
      return `spam filter (rspamd): scans (score ${verdict.score})`;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

let failed = false;
for (const [name, check] of Object.entries({ kafka, mongo, imap, smtp, spamFilter })) {
  try {
    console.log('health: ' + (await withTimeout(check(), BOUND_MS, () => new Error(`no answer within ${BOUND_MS / 1000}s`))));
  } catch (err) {
    failed = true;
    console.error(`health: ${name} is not healthy: ${(err as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
