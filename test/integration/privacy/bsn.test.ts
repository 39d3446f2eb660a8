/**
 * BSN minimisation against the real database (register M1533: "BSN alleen indien
 * noodzakelijk voor doorzetting naar tweedelijns burgerondersteuning"):
 *  - an e-mail with a BSN goes through the real analysis (parse, extract, redact) into the
 *    case store: stored text says [BSN], the number is kept only sealed (AES-256-GCM);
 *  - the second-line role reads it, and only once the case is escalated;
 *  - a case closed without escalation loses the sealed value and its look-up hash, and a
 *    scan of every document of every collection finds neither the digits nor the ciphertext.
 * The BSNs are random elfproef-valid numbers made up per run; the citizen is fictitious.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { analyseEmail } from '../../../processors/analyse/index.ts';
import { createCaseStore, type CaseStore, type IntakeMessage } from '../../../processors/cases/index.ts';
import { emailIntakeMessage } from '../../../processors/intake/index.ts';
import { isValidBsn } from '../../../processors/extract/index.ts';
import { mongoUrlFor, uniqueName } from '../../support/env.ts';
import { scanDatabase } from '../../support/scan.ts';

/** A fictitious, elfproef-valid BSN that differs from `others`. */
function fictitiousBsn(...others: string[]): string {
  for (;;) {
    const digits = `${randomInt(1, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    if (isValidBsn(digits) && !others.includes(digits)) return digits;
  }
}


function rawMail(o: { messageId: string; bsn: string; from: string; name: string }): Buffer {
  const [a, b, c] = [o.bsn.slice(0, 3), o.bsn.slice(3, 6), o.bsn.slice(6)];
  return Buffer.from(
    [
      `From: ${o.name} <${o.from}>`,
      'To: KCC Logius <intake@kcc.test>',
      `Subject: Vraag over DigiD, mijn BSN is ${o.bsn}`,
      `Message-ID: <${o.messageId}>`,
      'Date: Mon, 03 Mar 2031 09:15:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Geachte heer/mevrouw,',
      '',
      'Ik kan niet meer inloggen met DigiD. De sms-code komt niet aan.',
      `Mijn burgerservicenummer is ${o.bsn}, ook wel geschreven als ${a} ${b} ${c}.`,
      '',
      'Met vriendelijke groet,',
      o.name,
      '',
    ].join('\r\n'),
  );
}

async function intakeOf(raw: Buffer, key: string): Promise<IntakeMessage> {
  const a = await analyseEmail(raw, { ourAddresses: ['intake@kcc.test'] });
  expect(a.isCase).to.equal(true);
  return emailIntakeMessage(a, {
    dedupeKey: key, receivedAt: new Date('2031-03-03T08:15:00Z'),
    source: { kind: 'imap', mailbox: 'INBOX', uidValidity: '1', uid: 1 }, attachments: a.attachments,
  });
}

describe('privacy/bsn: redacted, sealed, second line only, gone at closure', function () {
  this.timeout(60_000);

  let conn: mongoose.Connection;
  let db: mongoose.mongo.Db;
  let store: CaseStore;
  const now = new Date('2031-03-03T09:00:00Z');
  const bsnEscalated = fictitiousBsn();
  const bsnClosed = fictitiousBsn(bsnEscalated);
  const grouped = (b: string) => `${b.slice(0, 3)} ${b.slice(3, 6)} ${b.slice(6)}`;
  const escalatedKey = `bsn-esc-${randomBytes(6).toString('hex')}`;
  const closedKey = `bsn-close-${randomBytes(6).toString('hex')}`;

  before(async () => {
    const name = uniqueName('kcc_test_bsn').replace(/-/g, '_');
    conn = await mongoose.createConnection(mongoUrlFor(name), { serverSelectionTimeoutMS: 10_000 }).asPromise();
    db = conn.db!;
    const cipher = createFieldCipher({ keys: { k1: randomBytes(32) }, activeKeyId: 'k1' });
    store = createCaseStore(conn, { cipher, hasher: createKeyedHasher(randomBytes(32)), clock: () => now });
    await store.ensureIndexes();
    await store.ingest(await intakeOf(rawMail({ messageId: `${escalatedKey}@example.org`, bsn: bsnEscalated, from: 'joost.testveld@example.org', name: 'Joost Testveld' }), escalatedKey));
    await store.ingest(await intakeOf(rawMail({ messageId: `${closedKey}@example.org`, bsn: bsnClosed, from: 'mila.proefstra@example.org', name: 'Mila Proefstra' }), closedKey));
  });

  after(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  it('the scan finds a BSN where one is stored in plain (positive control)', async () => {
    await db.collection('scan_control').insertOne({ note: `contains ${bsnClosed}` });
    try {
      expect(await scanDatabase(db, [bsnClosed])).to.deep.equal([{ collection: 'scan_control', needle: bsnClosed }]);
    } finally {
      await db.collection('scan_control').drop();
    }
  });

  it('stores the text with [BSN] in place of the number, and the number only sealed', async () => {
    const c = await store.models.Case.findById(escalatedKey).lean();
    expect(c, 'case stored').to.not.equal(null);
    const m = c!.messages[0]!;
    expect(m.subject).to.include('[BSN]');
    expect(m.text).to.include('[BSN]');
    expect(m.text.match(/\[BSN\]/g)).to.have.length(2); // straight and grouped writing both redacted
    expect(c!.bsnSealed?.ct, 'sealed value present').to.be.a('string').and.not.equal('');
    expect(c!.lookup.bsn, 'keyed look-up hash present').to.match(/^[0-9a-f]{64}$/);
    // Nowhere in the database in plain, in either writing.
    expect(await scanDatabase(db, [bsnEscalated, grouped(bsnEscalated), bsnClosed, grouped(bsnClosed)])).to.deep.equal([]);
  });

  it('gives the BSN to second line only, and only after escalation', async () => {
    expect(await store.readBsnForSecondLine(escalatedKey, 'second_line'), 'not yet escalated').to.equal(null);
    await store.escalate(escalatedKey, new Date('2031-03-04T10:00:00Z'));
    expect(await store.readBsnForSecondLine(escalatedKey, 'first_line')).to.equal(null);
    expect(await store.readBsnForSecondLine(escalatedKey, 'agent')).to.equal(null);
    expect(await store.readBsnForSecondLine(escalatedKey, 'second_line')).to.equal(bsnEscalated);
  });

  it('keeps the sealed BSN when an escalated case is closed (second line may still need it within the term)', async () => {
    await store.close(escalatedKey, new Date('2031-03-10T10:00:00Z'));
    expect(await store.readBsnForSecondLine(escalatedKey, 'second_line')).to.equal(bsnEscalated);
  });

  it('removes the sealed BSN and its hash when a case is closed without escalation: no trace in any collection', async () => {
    const before = await store.models.Case.findById(closedKey).lean();
    const ciphertext = before!.bsnSealed!.ct;
    const hash = before!.lookup.bsn!;
    expect(await scanDatabase(db, [ciphertext, hash]), 'present before closure').to.have.length(2);

    await store.close(closedKey, new Date('2031-03-05T10:00:00Z'));

    const after = await db.collection('cases').findOne({ _id: closedKey as never });
    expect(after!.status).to.equal('closed');
    expect(after).to.not.have.property('bsnSealed');
    expect(after!.lookup).to.not.have.property('bsn');
    expect(await store.readBsnForSecondLine(closedKey, 'second_line')).to.equal(null);
    expect(await scanDatabase(db, [bsnClosed, grouped(bsnClosed), ciphertext, hash])).to.deep.equal([]);
  });
});
