/**
 * The agents' actions through the API, against the real database and the real sign-in:
 * each is recorded on the case (who, when), is idempotent (the same request id twice has one
 * effect), refuses a stale version with 409 and says what changed, and keeps the register's
 * rules (the BSN only for second line on an escalated case; "not a case" removes the data).
 */
import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { intakeMessage } from '../../support/casestore.ts';
import { signIn, startTestWorkbench, type Agent, type TestWorkbench } from '../../support/workbench.ts';
import { isValidBsn } from '../../../processors/extract/index.ts';
import { scanDatabase } from '../../support/scan.ts';

function fictitiousBsn(): string {
  for (;;) {
    const d = `${randomInt(1, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    if (isValidBsn(d)) return d;
  }
}

describe('workbench/actions: what agents do with a case', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let first: Agent, first2: Agent, second: Agent, lead: Agent;
  let rid = 0;
  const req = () => `req-${Date.now()}-${rid++}`;

  before(async () => {
    t = await startTestWorkbench('wbactions');
    [first, first2, second, lead] = (await Promise.all(['eerstelijn', 'eerstelijn2', 'tweedelijn', 'teamleider'].map((a) => signIn(t.url, a)))) as [Agent, Agent, Agent, Agent];
  });
  after(async () => { await t?.close(); });

  async function newCase(extra = {}) {
    const r = await t.store.ingest(intakeMessage({ subject: 'Mijn DigiD-app geeft een foutmelding', citizen: { name: 'Test Burger', street: 'Teststraat', houseNumber: '1', postcode: '1234 AB', city: 'Utrecht', email: 'burger@example.test', phones: ['0612345678'] }, ...extra }));
    return r.caseNumber;
  }
  const get = async (n: string, a: Agent = first) => (await a.json('GET', `/api/v1/cases/${n}`)).body;

  it('shows the case in the first-line queue with its routing, oldest first, and counts per topic', async () => {
    const older = await newCase({ receivedAt: new Date(Date.now() - 3 * 86_400_000), classification: { topic: 'digid_app', language: 'nl', confidence: 0.9, reasons: ['digid'] } });
    const newer = await newCase({ classification: { topic: 'mijnoverheid_berichtenbox', language: 'nl', confidence: 0.7, reasons: ['berichtenbox'] } });
    const q = (await first.json('GET', '/api/v1/queue')).body;
    const numbers = q.items.map((i: { caseNumber: string }) => i.caseNumber);
    expect(numbers.indexOf(older)).to.be.lessThan(numbers.indexOf(newer));
    expect(q.topicCounts.digid_app).to.be.at.least(1);
    const byTopic = (await first.json('GET', '/api/v1/queue?topic=mijnoverheid_berichtenbox')).body;
    expect(byTopic.items.map((i: { caseNumber: string }) => i.caseNumber)).to.include(newer).and.not.include(older);
  });

  it('pages the queue by keyset: every case once, in order', async () => {
    for (let i = 0; i < 5; i++) await newCase();
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res: { body: { items: Array<{ caseNumber: string; waitingSince: string }>; next: string | null } } = await first.json('GET', `/api/v1/queue?limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      seen.push(...res.body.items.map((i) => i.caseNumber));
      after = res.body.next;
      if (!after) break;
    }
    const total = await t.store.models.WorkItem.countDocuments({ line: 'first' });
    expect(seen).to.have.length(total);
    expect(new Set(seen).size).to.equal(total);
  });

  it('claims once (a double click is one claim), refuses a claim on a case someone else has, releases', async () => {
    const n = await newCase();
    const v0 = (await get(n)).version;
    const r = req();
    const a = await first.json('POST', `/api/v1/cases/${n}/claim`, { version: v0, requestId: r });
    const again = await first.json('POST', `/api/v1/cases/${n}/claim`, { version: v0, requestId: r });
    expect(a.status).to.equal(200);
    expect(again.status).to.equal(200);
    expect(again.body.version).to.equal(a.body.version);
    const c = await get(n);
    expect(c.assignee).to.equal('eerstelijn');
    expect(c.history.filter((h: { action: string }) => h.action === 'claimed')).to.have.length(1);
    const theirs = await first2.json('POST', `/api/v1/cases/${n}/claim`, { version: c.version, requestId: req() });
    expect(theirs.status).to.equal(409);
    expect(theirs.body.code).to.equal('CASE_ASSIGNED');
    const rel = await first.json('POST', `/api/v1/cases/${n}/release`, { version: c.version, requestId: req() });
    expect(rel.status).to.equal(200);
    expect((await get(n)).assignee).to.equal(null);
    const mine = await first.json('GET', '/api/v1/queue?assignee=unassigned');
    expect(mine.body.items.map((i: { caseNumber: string }) => i.caseNumber)).to.include(n);
  });

  it('answers 409 with what changed when the page is stale (a new message from the citizen)', async () => {
    const n = await newCase();
    const c = await get(n);
    const stored = await t.store.models.Case.findOne({ caseNumber: n }).lean();
    await t.store.ingest(intakeMessage({ subject: `Re: ${n}`, inReplyTo: stored!.messages[0]!.messageId ?? null, text: 'Nog een vraag.' }));
    const stale = await first.json('POST', `/api/v1/cases/${n}/note`, { version: c.version, requestId: req(), text: 'Gebeld, geen gehoor.' });
    expect(stale.status).to.equal(409);
    expect(stale.body.code).to.equal('CASE_CHANGED');
    expect(stale.body.since.map((s: { action: string }) => s.action)).to.deep.equal(['message_received']);
    expect(stale.body.type).to.equal('urn:kcc:problem:case-changed');
    const q = (await first.json('GET', '/api/v1/queue')).body.items.find((i: { caseNumber: string }) => i.caseNumber === n);
    expect(q.wroteAgain).to.equal(true);
  });

  it('adds an internal note, recorded with who and when', async () => {
    const n = await newCase();
    const c = await get(n);
    const res = await first.json('POST', `/api/v1/cases/${n}/note`, { version: c.version, requestId: req(), text: 'Burger teruggebeld.' });
    expect(res.status).to.equal(200);
    const after = await get(n);
    expect(after.notes).to.have.length(1);
    expect(after.notes[0]).to.include({ text: 'Burger teruggebeld.' });
    expect(after.notes[0].actor).to.deep.equal({ id: 'eerstelijn', role: 'first_line' });
  });

  it('validates input: a missing field or an unknown one is 400 problem+json', async () => {
    const n = await newCase();
    const bad = await first.json('POST', `/api/v1/cases/${n}/close`, { version: 0, requestId: req(), outcome: 'weggegooid' });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('REQUEST_INVALID');
    const extra = await first.json('POST', `/api/v1/cases/${n}/note`, { version: 0, requestId: req(), text: 'x', bsn: '123' });
    expect(extra.status).to.equal(400);
    const noCase = await first.json('GET', '/api/v1/cases/KCC-2026-999999');
    expect(noCase.status).to.equal(404);
    expect(noCase.body.code).to.equal('CASE_NOT_FOUND');
  });

  it('escalates to second line; only second line sees the BSN, with a reason, audited; first line never gets the digits', async () => {
    const bsn = fictitiousBsn();
    const n = await newCase({ bsn });
    const c = await get(n);
    expect(c.hasBsn).to.equal(true);
    expect(JSON.stringify(c)).to.not.include(bsn);
    const early = await second.json('POST', `/api/v1/cases/${n}/bsn`, { version: c.version, requestId: req(), reason: 'controle' });
    // Not escalated: a first-line case, which second line may read but not act on.
    expect(early.status).to.equal(403);
    expect(early.body.code).to.equal('CASE_LINE_FORBIDDEN');
    const esc = await first.json('POST', `/api/v1/cases/${n}/escalate`, { version: c.version, requestId: req(), reason: 'Inlogprobleem, BRP-controle nodig' });
    expect(esc.status).to.equal(200);
    const forbidden = await first.json('POST', `/api/v1/cases/${n}/bsn`, { version: esc.body.version, requestId: req(), reason: 'nieuwsgierig' });
    expect(forbidden.status).to.equal(403);
    const q2 = (await second.json('GET', '/api/v1/queue')).body.items.map((i: { caseNumber: string }) => i.caseNumber);
    expect(q2).to.include(n);
    const shown = await second.json('POST', `/api/v1/cases/${n}/bsn`, { version: esc.body.version, requestId: req(), reason: 'BRP-controle' });
    expect(shown.status).to.equal(200);
    expect(shown.body.bsn).to.equal(bsn);
    const reads = await t.audit.models.AuditEntry.find({ action: 'read_bsn', 'actor.id': 'tweedelijn' }).lean();
    expect(reads.length).to.be.at.least(1);
    // The case is second line's now: first line cannot open it by its URL (403, audited).
    const refused = await first.json('GET', `/api/v1/cases/${n}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('CASE_LINE_FORBIDDEN');
    expect(JSON.stringify(refused.body)).to.not.include(bsn);
    const after = await get(n, lead);
    expect(JSON.stringify(after)).to.not.include(bsn);
    expect(after.history.map((h: { action: string }) => h.action)).to.include.members(['escalated', 'bsn_revealed']);
  });

  it('closes as answered: a never-escalated case loses its sealed BSN, the queue row goes, the term restarts', async () => {
    const bsn = fictitiousBsn();
    const n = await newCase({ bsn });
    const c = await get(n);
    const res = await first.json('POST', `/api/v1/cases/${n}/close`, { version: c.version, requestId: req(), outcome: 'answered' });
    expect(res.status).to.equal(200);
    const stored = await t.store.models.Case.findOne({ caseNumber: n }).lean();
    expect(stored!.status).to.equal('closed');
    expect(stored!.outcome).to.equal('answered');
    expect(stored!.bsnSealed).to.equal(undefined);
    expect(await t.store.models.WorkItem.exists({ _id: stored!._id })).to.equal(null);
    const reopened = await first.json('POST', `/api/v1/cases/${n}/reopen`, { version: res.body.version, requestId: req(), reason: 'Burger belde terug' });
    expect(reopened.status).to.equal(200);
    expect(await t.store.models.WorkItem.exists({ _id: stored!._id })).to.not.equal(null);
  });

  it('closes as "not a case": the personal data goes at once, a non-case record stays, redelivery makes no case', async () => {
    const n = await newCase({ subject: 'Uw pakket wacht: klik hier', text: 'Phishing naar het KCC zelf', citizen: { name: 'Oplichter Bende', street: null, houseNumber: null, postcode: null, city: null, email: 'scam@phish.test', phones: [] } });
    const stored = await t.store.models.Case.findOne({ caseNumber: n }).lean();
    const c = await get(n);
    const res = await lead.json('POST', `/api/v1/cases/${n}/close`, { version: c.version, requestId: req(), outcome: 'not_a_case' });
    expect(res.status).to.equal(200);
    expect(await t.store.models.Case.exists({ _id: stored!._id })).to.equal(null);
    expect(await t.store.isProcessed(stored!.messages[0]!.dedupeKey)).to.equal(true);
    const hits = await scanDatabase(t.conn.db!, ['Oplichter Bende', 'scam@phish.test', 'Uw pakket wacht']);
    expect(hits).to.deep.equal([]);
    const links = await t.audit.models.DeletionEntry.find({ kind: 'erasure' }).lean();
    expect(links.some((l) => (l.caseIds ?? []).includes(stored!._id))).to.equal(true);
  });

  it('"not a case" deletes the case\'s ID copies and verification records at once, not at their term, and logs it', async () => {
    const n = await newCase({ subject: 'Stuur uw paspoort', text: 'Phishing met een kopie paspoort' });
    const stored = await t.store.models.Case.findOne({ caseNumber: n }).lean();
    const key = stored!.messages[0]!.dedupeKey;
    const copy = (i: number) => ({
      messageKey: key, channel: 'email' as const, part: i, label: `paspoort${i}.png`, category: 'id_document' as const, documentKind: 'passport', detectedBy: 'keywords' as const,
      mrzValid: null, content: Buffer.from(`fictitious copy ${i} ${n}`), contentType: 'image/png', hints: null, receivedAt: new Date(),
    });
    // One copy linked and looked at (a verification record "not established"), one still pending (a crash before the link).
    await t.identity.putPending([copy(1)]);
    await t.identity.linkToCase(key, stored!._id);
    await t.identity.putPending([copy(2)]);
    const agent = { id: 'teamleider', role: 'team_lead' };
    await t.audit.record({ actor: agent, action: 'read', caseId: stored!._id });
    const [doc] = await t.identity.listForCase(stored!._id);
    await t.identity.recordVerification({ docId: doc!.id, agent, outcome: 'not_established', method: 'copy of ID seen' });
    expect(await t.identity.models.VerificationRecord.countDocuments({ caseId: stored!._id })).to.equal(1);

    const c = await get(n);
    const res = await lead.json('POST', `/api/v1/cases/${n}/close`, { version: c.version, requestId: req(), outcome: 'not_a_case' });
    expect(res.status).to.equal(200);
    expect(await t.identity.models.IdentityDocument.countDocuments({ $or: [{ caseId: stored!._id }, { messageKey: key }] })).to.equal(0);
    expect(await t.identity.models.VerificationRecord.countDocuments({ caseId: stored!._id })).to.equal(0);
    expect(await scanDatabase(t.conn.db!, [`fictitious copy 1 ${n}`, `fictitious copy 2 ${n}`])).to.deep.equal([]);
    // The same mechanism as the case's own erasure: an agent's "not a case" is an erasure.
    const links = (await t.audit.models.DeletionEntry.find({ mechanism: 'erasure', caseIds: stored!._id }).lean()).filter((l) => l.counts.some((x) => x.collectionName === 'identity_documents'));
    expect(links).to.have.length(1);
    expect(links[0]!.counts).to.deep.include({ collectionName: 'identity_documents', count: 2 });
    expect(links[0]!.counts).to.deep.include({ collectionName: 'verification_records', count: 1 });
  });

  it('re-classifies with a reason, keeping the pipeline\'s topic beside the agent\'s', async () => {
    const n = await newCase({ classification: { topic: 'digid_app', language: 'nl', confidence: 0.4, reasons: ['digid'] } });
    const c = await get(n);
    const res = await first.json('POST', `/api/v1/cases/${n}/reclassify`, { version: c.version, requestId: req(), topic: 'mijnoverheid_berichtenbox', reason: 'Gaat over de Berichtenbox-app van MijnOverheid' });
    expect(res.status).to.equal(200);
    const after = await get(n);
    expect(after.classification.topic).to.equal('digid_app');
    expect(after.routing.topic).to.equal('mijnoverheid_berichtenbox');
    const pairs: Array<{ pipeline: string; agent: string }> = [];
    for await (const p of t.store.desk.confusionPairs()) pairs.push(p);
    expect(pairs).to.deep.include({ pipeline: 'digid_app', agent: 'mijnoverheid_berichtenbox' });
  });

  it('corrects contact details as the agent decides; the history names the fields, never the values', async () => {
    const n = await newCase();
    const c = await get(n);
    const res = await first.json('POST', `/api/v1/cases/${n}/contact`, { version: c.version, requestId: req(), name: 'Test Burger', city: 'Amersfoort', phones: '06 11122233' });
    expect(res.status).to.equal(200);
    const after = await get(n);
    expect(after.citizen.city).to.equal('Amersfoort');
    expect(after.citizen.phones).to.deep.equal(['06 11122233']);
    const entry = after.history.find((h: { action: string }) => h.action === 'contact_corrected');
    expect(entry.detail).to.deep.equal(['citizen.city', 'citizen.phones']);
    expect(JSON.stringify(after.history)).to.not.include('Amersfoort');
  });

  it('serves an OpenAPI document of /api/v1 built from the routes\' own schemas', async () => {
    const doc = (await first.json('GET', '/api/v1/openapi.json')).body;
    expect(doc.openapi).to.equal('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(paths).to.include.members(['/api/v1/queue', '/api/v1/cases/{number}', '/api/v1/cases/{number}/reply', '/api/v1/cases/{number}/escalate']);
    expect(paths.every((p) => p.startsWith('/api/v1/'))).to.equal(true);
    expect(doc.paths['/api/v1/cases/{number}/close'].post.requestBody.content['application/json'].schema.properties.outcome.enum).to.include('not_a_case');
  });

  it('lets a team lead reassign, and nobody else', async () => {
    const n = await newCase();
    const c = await get(n);
    const no = await first.json('POST', `/api/v1/cases/${n}/reassign`, { version: c.version, requestId: req(), to: 'eerstelijn2' });
    expect(no.status).to.equal(403);
    const yes = await lead.json('POST', `/api/v1/cases/${n}/reassign`, { version: c.version, requestId: req(), to: 'eerstelijn2' });
    expect(yes.status).to.equal(200);
    expect((await get(n)).assignee).to.equal('eerstelijn2');
  });
});
