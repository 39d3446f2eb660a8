/** A case store on its own test database, as the app builds it (lock on servers that need one). */
import type mongoose from 'mongoose';
import { connectTestDb, config } from './env.ts';
import { createCaseStore, type CaseStore, type IntakeMessage } from '../../processors/cases/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../lib/crypto.ts';
import { createDocLock } from '../../lib/doclock.ts';
import { detectServer } from '../../lib/retention.ts';

export async function testCaseStore(prefix: string): Promise<{ conn: mongoose.Connection; store: CaseStore }> {
  const conn = await connectTestDb(prefix);
  const server = await detectServer(conn.db!);
  const store = createCaseStore(conn, {
    cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }),
    hasher: createKeyedHasher(config.keys.hmac),
    lock: createDocLock(conn.db!, { enabled: server.flavour !== 'mongodb' }),
    probeCaseNumbers: server.flavour !== 'mongodb',
  });
  await store.ensureIndexes();
  return { conn, store };
}

let seq = 0;

/** A minimal message that opens a case of its own, with unique keys; `extra` overrides. */
export function intakeMessage(extra: Partial<IntakeMessage> = {}): IntakeMessage {
  const i = seq++;
  const r = Math.random().toString(36).slice(2);
  return {
    dedupeKey: `k${i}-${r}`, channel: 'email', messageId: `m${i}-${r}@test`,
    inReplyTo: null, references: [], receivedAt: new Date(), subject: `Vraag ${i}`, text: 'Ik heb een vraag over DigiD.',
    source: { kind: 'imap' }, attachments: [], replyAddress: `c${i}@citizens.test`,
    citizen: { name: null, street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [] },
    bsn: null, representative: null, classification: { topic: 'overig', language: 'nl', confidence: 0, reasons: [] }, wantsAcknowledgment: true,
    ...extra,
  };
}
