/**
 * Subject access and erasure against the real database. A fictitious citizen has two cases
 * (one found by e-mail address, one — a letter — by phone number), a survey invitation and
 * a verification record; another citizen's data sits beside them and must stay untouched.
 * After erasure a scan of every document of every collection finds none of the person's
 * e-mail address, phone number, BSN or name, and exactly one erasure audit entry and one
 * deletion-log link remain, with no personal data in them.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { dsarCommand } from '../../../cli/dsar.ts';
import { createFieldCipher, createKeyedHasher, type KeyedHasher } from '../../../lib/crypto.ts';
import { createAuditLog, type AuditLog } from '../../../processors/audit/index.ts';
import { createCaseStore, type CaseStore, type IntakeMessage } from '../../../processors/cases/index.ts';
import { eraseSubject, exportSubject, type SubjectExport } from '../../../processors/dsar/index.ts';
import { isValidBsn } from '../../../processors/extract/index.ts';
import { config, mongoUrlFor, uniqueName } from '../../support/env.ts';
import { scanDatabase } from '../../support/scan.ts';

function fictitiousBsn(): string {
  for (;;) {
    const digits = `${randomInt(1, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    if (isValidBsn(digits)) return digits;
  }
}


let seq = 0;
function message(o: Partial<Omit<IntakeMessage, 'citizen'>> & { citizen: Partial<IntakeMessage['citizen']> }): IntakeMessage {
  seq += 1;
  const key = `dsar-${seq}-${randomBytes(6).toString('hex')}`;
  return {
    dedupeKey: key,
    channel: 'email',
    messageId: `${key}@example.org`,
    inReplyTo: null,
    references: [],
    receivedAt: new Date('2031-06-01T09:00:00Z'),
    subject: 'Vraag over DigiD',
    text: 'Geachte heer/mevrouw, ik heb een vraag.',
    source: { kind: 'imap', mailbox: 'INBOX', uidValidity: '1', uid: seq },
    attachments: [],
    replyAddress: null,
    bsn: null,
    representative: null,
    classification: { topic: 'digid', language: 'nl', confidence: 0.9, reasons: ['test'] },
    wantsAcknowledgment: false,
    ...o,
    citizen: { name: null, street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [], ...o.citizen },
  };
}

describe('privacy/dsar: subject access and erasure', function () {
  this.timeout(60_000);

  const now = new Date('2031-06-02T10:00:00Z');
  const clock = () => now;
  const dpo = { id: 'cli:fg-test', role: 'privacy_officer' };

  // The person (fictitious) and their identifiers, as they wrote them.
  const P = {
    name: 'Femke van Testhoven',
    surname: 'Testhoven',
    email: `femke.testhoven.${randomBytes(3).toString('hex')}@example.org`,
    phoneWritten: '06-98765432',
    phoneE164: '+31698765432',
    bsn: fictitiousBsn(),
  };
  // Someone else, who must be untouched.
  const Q = { name: 'Ruud Proefhuis', email: `ruud.proefhuis.${randomBytes(3).toString('hex')}@example.org` };

  let dbName: string;
  let conn: mongoose.Connection;
  let db: mongoose.mongo.Db;
  let hasher: KeyedHasher;
  let store: CaseStore;
  let audit: AuditLog;
  const ids = { byEmail: '', byPhone: '', other: '' };

  before(async () => {
    dbName = uniqueName('kcc_test_dsar').replace(/-/g, '_');
    conn = await mongoose.createConnection(mongoUrlFor(dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
    db = conn.db!;
    // The configured HMAC key: the CLI (which loads the configuration) must find the same hashes.
    hasher = createKeyedHasher(config.keys.hmac);
    store = createCaseStore(conn, { cipher: createFieldCipher({ keys: { k1: randomBytes(32) }, activeKeyId: 'k1' }), hasher, clock });
    audit = createAuditLog(conn, { clock });
    await store.ensureIndexes();
    await audit.ensureIndexes();

    ids.byEmail = (await store.ingest(message({
      subject: 'Inloggen lukt niet',
      text: `Geachte heer/mevrouw,\n\nIk kan niet inloggen. Mijn BSN is [BSN].\n\nMet vriendelijke groet,\n${P.name}`,
      replyAddress: P.email,
      citizen: { name: P.name, email: P.email },
      bsn: P.bsn,
      wantsAcknowledgment: true,
    }))).caseId;
    ids.byPhone = (await store.ingest(message({
      channel: 'letter',
      messageId: null,
      subject: 'Brief: machtiging',
      text: `${P.name}\nProefstraat 12\n9999 ZZ Teststad\n\nIk wil iemand machtigen. Bel mij op ${P.phoneWritten}.\n\nMet vriendelijke groet,\n${P.name}`,
      citizen: { name: P.name, street: 'Proefstraat', houseNumber: '12', postcode: '9999ZZ', city: 'Teststad', phones: [P.phoneE164] },
    }))).caseId;
    ids.other = (await store.ingest(message({
      text: `Vraag over de Berichtenbox.\n\nGroet,\n${Q.name}`,
      replyAddress: Q.email,
      citizen: { name: Q.name, email: Q.email },
    }))).caseId;

    // Satellite collections, shaped as their owners will store them: by caseId and keyed hashes.
    const expiresAt = new Date('2032-12-01T00:00:00Z');
    await db.collection('survey_invitations').insertMany([
      { caseId: ids.byEmail, lookup: { email: [hasher.hmac('email', P.email)] }, to: P.email, consentAt: now, expiresAt },
      { caseId: ids.other, lookup: { email: [hasher.hmac('email', Q.email)] }, to: Q.email, consentAt: now, expiresAt },
    ]);
    await db.collection('verification_records').insertOne({ caseId: ids.byPhone, kind: 'passport', outcome: 'identity_established', surname: P.surname, expiresAt });

    await audit.record({ actor: { id: 'agent-017', role: 'first_line' }, action: 'read', caseId: ids.byEmail });
    await audit.record({ actor: { id: 'agent-017', role: 'first_line' }, action: 'read', caseId: ids.other });
  });

  after(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  const personNeedles = () => [P.email, P.phoneE164, P.phoneWritten, '98765432', P.bsn, P.name, P.surname];

  it('the seeded data holds the person in several collections (positive control for the scan)', async () => {
    const hits = await scanDatabase(db, personNeedles());
    const where = new Set(hits.map((h) => h.collection));
    expect([...where].sort()).to.deep.equal(['cases', 'survey_invitations', 'verification_records']);
    expect(hits.map((h) => h.needle)).to.include.members([P.email, '98765432', P.name]);
  });

  describe('export', () => {
    let out: SubjectExport;

    before(async () => {
      out = await exportSubject(conn, hasher, { email: P.email, phone: P.phoneWritten }, { actor: dpo, audit, clock });
    });

    it('finds both cases, one by e-mail address and one by phone number, and not the other citizen’s', () => {
      expect(out.cases.map((c) => [c.caseId, c.matchedOn, c.subjectRole])).to.deep.equal([
        [ids.byEmail, ['email'], 'citizen'],
        [ids.byPhone, ['phone'], 'citizen'],
      ]);
      const json = JSON.stringify(out);
      expect(json).to.not.include(Q.email);
      expect(json).to.not.include(Q.name);
    });

    it('includes messages and contact details', () => {
      const [a, b] = out.cases;
      expect(a!.citizen!.email).to.equal(P.email);
      expect(a!.replyAddress).to.equal(P.email);
      expect(a!.messages[0]!.text).to.include(P.name);
      expect(b!.citizen).to.include({ name: P.name, street: 'Proefstraat', houseNumber: '12', postcode: '9999ZZ', city: 'Teststad' });
      expect(b!.citizen!.phones).to.deep.equal([P.phoneE164]);
      expect(b!.channel).to.equal('letter');
      expect(a!.expiresAt.toISOString()).to.equal('2032-12-02T10:00:00.000Z'); // created at `now` + P18M
    });

    it('says a BSN is held, without its digits, when the request did not carry it', () => {
      expect(out.cases[0]!.bsn).to.deep.equal({ held: true });
      expect(out.cases[1]!.bsn).to.deep.equal({ held: false });
      expect(JSON.stringify(out)).to.not.include(P.bsn);
    });

    it('shows the BSN when the request carried that BSN', async () => {
      const byBsn = await exportSubject(conn, hasher, { bsn: P.bsn }, { actor: dpo, audit, clock });
      expect(byBsn.cases.map((c) => c.caseId)).to.deep.equal([ids.byEmail]);
      expect(byBsn.cases[0]!.matchedOn).to.deep.equal(['bsn']);
      expect(byBsn.cases[0]!.bsn).to.deep.equal({ held: true, value: P.bsn });
    });

    it('includes the satellite collections that exist, found by caseId and keyed hash, and says which do not', () => {
      expect(out.collections.survey_invitations!.present).to.equal(true);
      expect(out.collections.survey_invitations!.documents).to.have.length(1);
      expect(JSON.stringify(out.collections.survey_invitations!.documents)).to.include(P.email);
      expect(out.collections.verification_records!.documents).to.have.length(1);
      expect(out.collections.verification_records!.documents[0]).to.include({ caseId: ids.byPhone, outcome: 'identity_established' });
      expect(out.collections.survey_answers).to.deep.equal({ present: false, documents: [] });
    });

    it('includes audit entries about the person’s cases, and records the export itself without personal data', async () => {
      expect(out.auditEntries.map((e) => [e.action, e.caseId])).to.deep.equal([['read', ids.byEmail]]);
      const exports = await db.collection('audit_log').find({ action: 'export' }).toArray();
      expect(exports).to.have.length(2);
      expect(exports[0]!.subjectHashes).to.deep.equal([`email:${hasher.hmac('email', P.email)}`, `phone:${hasher.hmac('phone', P.phoneWritten)}`]);
      expect(exports[0]!.counts).to.deep.include({ collectionName: 'cases', count: 2 });
      expect(exports[0]!.actor).to.deep.equal(dpo);
    });

    it('kcc dsar export prints the same as JSON', async () => {
      let printed = '';
      const code = await dsarCommand(['export', '--email', P.email.toUpperCase(), '--actor', 'cli:fg-test'], {
        config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (printed += s), err: () => undefined, clock,
      });
      expect(code).to.equal(0);
      const parsed = JSON.parse(printed) as { cases: Array<{ caseId: string }>; searchedBy: string[] };
      expect(parsed.searchedBy).to.deep.equal(['email']);
      expect(parsed.cases.map((c) => c.caseId)).to.deep.equal([ids.byEmail]);
    });

    it('kcc dsar refuses a request without an identifier, without connecting', async () => {
      let err = '';
      const code = await dsarCommand(['export', '--actor', 'x'], { config, mongoUrl: 'mongodb://127.0.0.1:1/none', out: () => undefined, err: (s) => void (err += s) });
      expect(code).to.equal(2);
      expect(err).to.match(/at least one of --email, --phone, --bsn/);
    });
  });

  describe('erase', () => {
    it('deletes everything about the person and reports counts per collection', async () => {
      const r = await eraseSubject(conn, hasher, { email: P.email, phone: P.phoneE164, bsn: P.bsn }, { actor: dpo, audit, clock });
      expect(r.counts).to.deep.equal({ cases: 2, message_content_blobs: 0, message_contents: 0, message_keys: 2, survey_invitations: 1, thread_keys: 1, verification_records: 1, work_items: 2 });
      expect(r.caseIds.sort()).to.deep.equal([ids.byEmail, ids.byPhone].sort());
      expect(r.representativeRedacted).to.equal(0);
    });

    it('leaves no trace of e-mail address, phone number, BSN or name in any collection', async () => {
      expect(await scanDatabase(db, personNeedles())).to.deep.equal([]);
      // Nor their keyed hashes outside the audit entries that prove the requests.
      const hashes = [hasher.hmac('email', P.email), hasher.hmac('phone', P.phoneE164), hasher.hmac('bsn', P.bsn), hasher.hmac('name', P.name)];
      const hashHits = (await scanDatabase(db, hashes)).filter((h) => h.collection !== 'audit_log');
      expect(hashHits).to.deep.equal([]);
    });

    it('leaves the other citizen’s case and survey invitation untouched', async () => {
      expect(await db.collection('cases').countDocuments({ _id: ids.other as never })).to.equal(1);
      expect(await db.collection('survey_invitations').countDocuments({ caseId: ids.other })).to.equal(1);
      expect(await scanDatabase(db, [Q.email])).to.have.length(2);
    });

    it('leaves exactly one erasure audit entry: keyed hashes, counts, who and when', async () => {
      const entries = await db.collection('audit_log').find({ action: 'erasure' }).toArray();
      expect(entries).to.have.length(1);
      const e = entries[0]!;
      expect(e.actor).to.deep.equal(dpo);
      expect(e.at.toISOString()).to.equal(now.toISOString());
      expect(e.subjectHashes).to.deep.equal([
        `email:${hasher.hmac('email', P.email)}`,
        `phone:${hasher.hmac('phone', P.phoneE164)}`,
        `bsn:${hasher.hmac('bsn', P.bsn)}`,
      ]);
      expect(e.counts).to.deep.equal([
        { collectionName: 'cases', count: 2 },
        { collectionName: 'message_content_blobs', count: 0 },
        { collectionName: 'message_contents', count: 0 },
        { collectionName: 'message_keys', count: 2 },
        { collectionName: 'survey_invitations', count: 1 },
        { collectionName: 'thread_keys', count: 1 },
        { collectionName: 'verification_records', count: 1 },
        { collectionName: 'work_items', count: 2 },
      ]);
      expect(Object.keys(e).sort()).to.deep.equal(['_id', 'action', 'actor', 'at', 'counts', 'expiresAt', 'subjectHashes']);
    });

    it('appends one erasure link to the deletion log, and the log verifies', async () => {
      const links = [];
      for await (const l of audit.deletionEntries()) links.push(l);
      expect(links).to.have.length(1);
      expect(links[0]).to.include({ kind: 'erasure', seq: 1 });
      expect(links[0]!.caseIds).to.deep.equal([ids.byEmail, ids.byPhone].sort());
      expect(await audit.verifyDeletionLog()).to.include({ ok: true, entries: 1 });
    });

    it('a second erasure finds nothing more, and says so', async () => {
      let printed = '';
      const code = await dsarCommand(['erase', '--email', P.email, '--phone', P.phoneWritten], {
        config, mongoUrl: mongoUrlFor(dbName), out: (s) => void (printed += s), err: () => undefined, clock,
      });
      expect(code).to.equal(0);
      expect(JSON.parse(printed).counts).to.deep.equal({ cases: 0, message_content_blobs: 0, message_contents: 0, message_keys: 0, survey_invitations: 0, thread_keys: 0, verification_records: 0, work_items: 0 });
      expect((await audit.verifyDeletionLog()).entries).to.equal(2);
    });
  });

  describe('a person who only wrote on someone else’s behalf', () => {
    const rep = { name: 'Sem Voorbeeldman', email: `sem.voorbeeldman.${randomBytes(3).toString('hex')}@example.org` };
    const mother = { name: 'Greet Voorbeeldman-Proef', email: `greet.vbm.${randomBytes(3).toString('hex')}@example.org` };
    let caseId = '';

    before(async () => {
      caseId = (await store.ingest(message({
        text: 'Namens mijn moeder: zij kan haar DigiD niet activeren.',
        replyAddress: rep.email,
        citizen: { name: mother.name, email: mother.email },
        representative: { name: rep.name, email: rep.email, relation: 'child' },
      }))).caseId;
    });

    it('export shows the representative their own part only, not the citizen’s data', async () => {
      const out = await exportSubject(conn, hasher, { email: rep.email }, { actor: dpo, audit, clock });
      expect(out.cases).to.have.length(1);
      const c = out.cases[0]!;
      expect(c.subjectRole).to.equal('representative');
      expect(c.representative).to.deep.include({ name: rep.name, email: rep.email });
      expect(c.messages).to.have.length(1);
      expect(c).to.not.have.property('citizen');
      expect(c).to.not.have.property('bsn');
      expect(JSON.stringify(out)).to.not.include(mother.email);
    });

    it('erase removes the representative’s details and keeps the citizen’s case', async () => {
      const r = await eraseSubject(conn, hasher, { email: rep.email }, { actor: dpo, audit, clock });
      expect(r.counts.cases).to.equal(0);
      expect(r.representativeRedacted).to.equal(1);
      expect(r.representativeMessagesKept).to.equal(1);
      const c = await db.collection('cases').findOne({ _id: caseId as never });
      expect(c!.citizen.email).to.equal(mother.email);
      expect(c).to.not.have.property('representative');
      expect(c).to.not.have.property('replyAddress');
      expect(c!.lookup.email).to.deep.equal([hasher.hmac('email', mother.email)]);
      expect(c!.lookup.name).to.deep.equal([hasher.hmac('name', mother.name)]);
      expect(await scanDatabase(db, [rep.email, rep.name])).to.deep.equal([]);
      let last;
      for await (const l of audit.deletionEntries()) last = l;
      expect(last!.caseIds).to.deep.equal([caseId]);
      expect(last!.counts).to.deep.equal([
        { collectionName: 'cases', count: 0 },
        { collectionName: 'cases.representative', count: 1 },
        { collectionName: 'message_content_blobs', count: 0 },
        { collectionName: 'message_contents', count: 0 },
        { collectionName: 'message_keys', count: 0 },
        { collectionName: 'survey_invitations', count: 0 },
        { collectionName: 'thread_keys', count: 0 },
        { collectionName: 'verification_records', count: 0 },
        { collectionName: 'work_items', count: 0 },
      ]);
      expect(await audit.verifyDeletionLog()).to.include({ ok: true });
    });
  });
});
