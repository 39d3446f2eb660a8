/**
 * The team lead's and privacy officer's pages through the API, against the real servers:
 * refused messages (keyset pages, retry with one effect per request, open as case once),
 * reports (counts, confusion CSV without personal data), DSAR export/erase (ground and
 * confirmation required, audited), audit/deletion logs, retention report, and other cases
 * of the same citizen (by keyed hash; BSN links for second line only).
 */
import { expect } from 'chai';
import { intakeMessage } from '../../support/casestore.ts';
import { signIn, startTestWorkbench, type Agent, type TestWorkbench } from '../../support/workbench.ts';
import { createClaimCheckStore } from '../../../lib/claimcheck.ts';
import { sha256Of, topicName } from '../../../lib/contracts.ts';
import { createBus } from '../../../lib/kafka/index.ts';
import { config, logger } from '../../support/env.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('workbench pages: refused messages, reports, privacy officer, other cases', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let lead: Agent; let privacy: Agent; let first: Agent; let second: Agent;

  before(async () => {
    t = await startTestWorkbench('wbpages');
    [lead, privacy, first, second] = await Promise.all(['teamleider', 'privacy', 'eerstelijn', 'tweedelijn'].map((a) => signIn(t.url, a))) as [Agent, Agent, Agent, Agent];
  });
  after(async () => { await t?.close(); });

  const dl = (id: string, over: Record<string, unknown> = {}) => t.conn.db!.collection('dead_letters').insertOne({
    _id: id, code: 'INGEST_TOO_LARGE', reason: 'message larger than the limit', at: new Date(), size: 41_000_000,
    sourceRef: { kind: 'letter', via: 'scan', file: 'scan-0001.pdf' }, expiresAt: new Date(Date.now() + 86_400_000), ...over,
  } as never);

  it('lists dead letters newest first in keyset pages, without content', async () => {
    for (let i = 0; i < 3; i++) await dl(`list-${i}`, { at: new Date(Date.UTC(2026, 0, 1 + i)) });
    const p1 = await lead.json('GET', '/api/v1/deadletters?limit=2');
    expect(p1.status).to.equal(200);
    const mine = (p: { items: Array<{ id: string }> }) => p.items.map((x) => x.id).filter((x) => x.startsWith('list-'));
    expect(mine(p1.body)).to.deep.equal(['list-2', 'list-1']);
    const p2 = await lead.json('GET', `/api/v1/deadletters?limit=2&after=${encodeURIComponent(p1.body.next)}`);
    expect(mine(p2.body)).to.deep.equal(['list-0']);
    expect(Object.keys(p1.body.items[0]).sort()).to.deep.equal(['at', 'caseNumber', 'code', 'id', 'reason', 'retriedAt', 'size', 'source']);
    const page = await lead.get('/geweigerd');
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('INGEST_TOO_LARGE');
  });

  it('opens a refused scan as a case once: a double click and a second call give the same case, audited once', async () => {
    await dl('scan-41mb');
    const body = { requestId: 'open-case-0001' };
    const [a, b] = await Promise.all([lead.json('POST', `/api/v1/deadletters/${b64('scan-41mb')}/case`, body), lead.json('POST', `/api/v1/deadletters/${b64('scan-41mb')}/case`, body)]);
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    expect(b.status).to.equal(200);
    expect(a.body.caseNumber).to.equal(b.body.caseNumber);
    const again = await lead.json('POST', `/api/v1/deadletters/${b64('scan-41mb')}/case`, { requestId: 'open-case-0002' });
    expect(again.body).to.deep.equal({ caseNumber: a.body.caseNumber, repeated: true });
    const cases = await t.store.models.Case.find({ _id: 'deadletter:scan-41mb' }).lean();
    expect(cases).to.have.length(1);
    const c = cases[0]!;
    expect(c.line).to.equal('first');
    expect(c.channel).to.equal('letter');
    expect(c.notes).to.have.length(1);
    expect(c.notes![0]!.text).to.include('INGEST_TOO_LARGE').and.include('scan-0001.pdf');
    expect(await t.store.models.WorkItem.countDocuments({ _id: 'deadletter:scan-41mb', line: 'first' })).to.equal(1);
    expect(await t.audit.models.AuditEntry.countDocuments({ action: 'deadletter_case', ref: 'scan-41mb' })).to.equal(1);
    const d = await t.conn.db!.collection('dead_letters').findOne({ _id: 'scan-41mb' } as never);
    expect(d!.actions).to.have.length(1);
  });

  it('retries an e-mail from its claim check once per request, audited; a letter is refused with a code', async () => {
    const raw = Buffer.from('Message-ID: <retry-1@citizens.test>\r\nSubject: x\r\n\r\nhallo\r\n');
    const fileId = await createClaimCheckStore(t.conn.db!, 'claimchecks').put(raw, new Date(Date.now() + 86_400_000));
    await dl('mail-1', { code: 'PARSE_FAILED', size: raw.length, sha256: sha256Of(raw), claimCheck: { bucket: 'claimchecks', fileId }, sourceRef: { kind: 'imap', account: 'intake', mailbox: 'INBOX', uidValidity: '9', uid: 3 } });
    const bus = createBus({ brokers: config.kafka.brokers, clientId: 'wbpages-test', logger });
    const topic = topicName(t.topicPrefix, 'mailRaw');
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 3_600_000 }], 3 * 86_400_000);
    const body = { requestId: 'retry-req-0001' };
    const [a, b] = await Promise.all([lead.json('POST', `/api/v1/deadletters/${b64('mail-1')}/retry`, body), lead.json('POST', `/api/v1/deadletters/${b64('mail-1')}/retry`, body)]);
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    expect(b.status).to.equal(200);
    expect([a.body.repeated, b.body.repeated].sort()).to.deep.equal([false, true]);
    const d = await t.conn.db!.collection('dead_letters').findOne({ _id: 'mail-1' } as never);
    expect(d!.retriedHow).to.equal('claim_check');
    expect(d!.actions.filter((x: { kind: string }) => x.kind === 'retried')).to.have.length(1);
    expect(await t.audit.models.AuditEntry.countDocuments({ action: 'deadletter_retry', ref: 'mail-1' })).to.equal(1);
    const letter = await lead.json('POST', `/api/v1/deadletters/${b64('scan-41mb')}/retry`, { requestId: 'retry-req-0002' });
    expect(letter.status).to.equal(409);
    expect(letter.body.code).to.equal('DEADLETTER_NOT_EMAIL');
    const missing = await lead.json('POST', `/api/v1/deadletters/${b64('nope')}/retry`, { requestId: 'retry-req-0003' });
    expect(missing.status).to.equal(404);
    await bus.deleteTopics([topic]).catch(() => undefined);
    await bus.close();
  });

  it('refuses the refused-messages and report routes to other roles (403, audited)', async () => {
    for (const a of [first, second, privacy]) {
      const r = await a.json('POST', `/api/v1/deadletters/${b64('scan-41mb')}/case`, { requestId: 'forbidden-0001' });
      expect(r.status).to.equal(403);
      expect((await a.json('GET', '/api/v1/reports/work')).status).to.equal(403);
    }
    expect(await t.audit.models.AuditEntry.countDocuments({ action: 'access_denied', route: 'POST /api/v1/deadletters/:id/case' })).to.equal(3);
  });

  it('counts the open work per queue, status and topic, and exports the confusion matrix without personal data', async () => {
    const c = await t.store.ingest(intakeMessage({ subject: 'Paspoort kwijt', citizen: { name: 'Jan Jansen', street: null, houseNumber: null, postcode: null, city: null, email: 'jan@citizens.test', phones: [] } }));
    const doc = await t.store.models.Case.findById(c.caseId).lean();
    await t.store.desk.reclassify(c.caseId, { expectedVersion: doc!.version ?? 0, requestId: 'reclass-0001' }, { id: 'x', role: 'first_line' }, 'paspoort', 'was paspoort');
    const w = await lead.json('GET', '/api/v1/reports/work');
    expect(w.status).to.equal(200);
    expect(w.body.total).to.equal(await t.store.models.WorkItem.countDocuments({}));
    expect(w.body.byLine.first).to.be.greaterThan(0);
    const csv = await lead.get('/api/v1/reports/confusion.csv');
    expect(csv.headers.get('content-type')).to.match(/text\/csv/);
    const text = await csv.text();
    expect(text).to.include('pipeline_topic,agent_topic,count');
    expect(text).to.include('"overig","paspoort",1');
    expect(text).to.not.include('Jan').and.not.include('citizens.test');
    expect((await lead.get('/rapportages')).status).to.equal(200);
  });

  it('shows other cases of the same citizen by keyed hash, never the value; BSN links for second line only', async () => {
    const citizen = { name: null, street: null, houseNumber: null, postcode: null, city: null, email: 'piet@citizens.test', phones: [] };
    const a = await t.store.ingest(intakeMessage({ subject: 'eerste', citizen, bsn: '111222333' }));
    const b = await t.store.ingest(intakeMessage({ subject: 'tweede', citizen }));
    const onlyBsn = await t.store.ingest(intakeMessage({ subject: 'derde', replyAddress: 'other@citizens.test', bsn: '111222333' }));
    const html1 = await (await first.get(`/zaken/${a.caseNumber}`)).text();
    const related = html1.slice(html1.indexOf('id="related-h"'), html1.indexOf('id="hist-h"'));
    expect(related).to.include(b.caseNumber);
    expect(related).to.not.include(onlyBsn.caseNumber);
    expect(related).to.not.include('piet@citizens.test');
    const html2 = await (await second.get(`/zaken/${a.caseNumber}`)).text();
    const related2 = html2.slice(html2.indexOf('id="related-h"'), html2.indexOf('id="hist-h"'));
    expect(related2).to.include(b.caseNumber).and.include(onlyBsn.caseNumber);
    expect(related2).to.not.include('111222333');
  });

  it('links a case whose address an agent corrected to the citizen\'s; a BSN link ends when closing removes the BSN', async () => {
    const citizen = { name: null, street: null, houseNumber: null, postcode: null, city: null, email: 'klaas@citizens.test', phones: [] };
    const a = await t.store.ingest(intakeMessage({ subject: 'eerste', citizen, bsn: '123456782' }));
    const typo = await t.store.ingest(intakeMessage({ subject: 'tweede', replyAddress: 'klaas@citizen.test' }));
    const bsnOnly = await t.store.ingest(intakeMessage({ subject: 'derde', replyAddress: 'anders@citizens.test', bsn: '123456782' }));
    const agent = { id: 'agent-rel-1', role: 'first_line' };
    const v = async (id: string) => (await t.store.models.Case.findById(id, { version: 1 }).lean())!.version ?? 0;
    await t.store.desk.correctContact(typo.caseId, { expectedVersion: await v(typo.caseId), requestId: 'corr-rel-1' }, agent, { email: 'klaas@citizens.test' });
    const relatedOf = async (who: typeof first, n: string) => { const h = await (await who.get(`/zaken/${n}`)).text(); return h.slice(h.indexOf('id="related-h"'), h.indexOf('id="hist-h"')); };
    expect(await relatedOf(first, a.caseNumber)).to.include(typo.caseNumber);
    expect(await relatedOf(second, a.caseNumber)).to.include(bsnOnly.caseNumber);
    await t.store.desk.close(bsnOnly.caseId, { expectedVersion: await v(bsnOnly.caseId), requestId: 'close-rel-1' }, agent, 'answered');
    expect(await relatedOf(second, a.caseNumber)).to.not.include(bsnOnly.caseNumber);
    const stored = await t.store.models.Case.findById(bsnOnly.caseId).lean();
    expect(stored).to.not.have.property('bsnKey');
    expect(stored!.lookup).to.not.have.property('bsn');
  });

  it('finds cases by number, e-mail or phone through keyed hashes, masked, only those the role may open; never by name; audited without the query', async () => {
    const citizen = { name: 'Truus Zoekmans', street: null, houseNumber: null, postcode: null, city: null, email: null, phones: ['+31612300099'] };
    const a = await t.store.ingest(intakeMessage({ subject: 'Vraag van truus.zoek@citizens.test', citizen, replyAddress: 'truus.zoek@citizens.test' }));
    const b = await t.store.ingest(intakeMessage({ subject: 'tweede vraag', citizen, replyAddress: 'truus.zoek@citizens.test' }));
    const agent = { id: 'agent-search-1', role: 'first_line' };
    const v = async (id: string) => (await t.store.models.Case.findById(id, { version: 1 }).lean())!.version ?? 0;
    await t.store.desk.escalate(b.caseId, { expectedVersion: await v(b.caseId), requestId: 'esc-search-1' }, agent, 'tweede lijn nodig');
    const byMail = await first.json('GET', '/api/v1/search?q=Truus.Zoek%40citizens.test');
    expect(byMail.status).to.equal(200);
    expect(byMail.body.kind).to.equal('email');
    // First line does not see the escalated one; second line sees both.
    expect(byMail.body.hits.map((h: { caseNumber: string }) => h.caseNumber)).to.deep.equal([a.caseNumber]);
    expect(byMail.body.hits[0].contact).to.equal('t***@citizens.test');
    expect(byMail.body.hits[0].subject).to.equal('Vraag van t***@citizens.test');
    const bySecond = await second.json('GET', '/api/v1/search?q=truus.zoek%40citizens.test');
    expect(bySecond.body.hits.map((h: { caseNumber: string }) => h.caseNumber).sort()).to.deep.equal([a.caseNumber, b.caseNumber].sort());
    const byPhone = await second.json('GET', `/api/v1/search?q=${encodeURIComponent('06-12300099')}`);
    expect(byPhone.body.kind).to.equal('phone');
    expect(byPhone.body.hits).to.have.length(2);
    const byNumber = await first.json('GET', `/api/v1/search?q=${a.caseNumber.toLowerCase()}`);
    expect(byNumber.body.hits.map((h: { caseNumber: string }) => h.caseNumber)).to.deep.equal([a.caseNumber]);
    const byName = await first.json('GET', '/api/v1/search?q=Truus%20Zoekmans');
    expect(byName.body).to.deep.include({ kind: 'unsupported', hits: [] });
    const html = await (await first.get('/zoeken?q=truus.zoek%40citizens.test')).text();
    // The form keeps what the agent typed; the results show the address masked.
    const results = html.slice(html.indexOf('data-testid="search-results"'));
    expect(results).to.include(a.caseNumber).and.include('t***@citizens.test').and.not.include('truus.zoek@').and.not.include(b.caseNumber);
    const audits = await t.audit.models.AuditEntry.find({ action: 'search' }).lean();
    expect(audits.length).to.be.greaterThanOrEqual(4);
    expect(JSON.stringify(audits)).to.not.include('truus').and.not.include('12300099');
    expect((await privacy.get('/zoeken')).status).to.equal(403);
  });

  it('gives the privacy officer the DSAR export and an erasure that needs a ground and a confirmation; both audited', async () => {
    const c = await t.store.ingest(intakeMessage({ subject: 'wis mij', replyAddress: 'wis@citizens.test' }));
    const exp = await privacy.json('POST', '/api/v1/privacy/export', { email: 'wis@citizens.test' });
    expect(exp.status).to.equal(200);
    expect(exp.body.cases.map((x: { caseNumber: string }) => x.caseNumber)).to.include(c.caseNumber);
    expect(await t.audit.models.AuditEntry.countDocuments({ action: 'export', 'actor.role': 'privacy_officer' })).to.equal(1);
    const download = await privacy.form('/privacy/export', { _csrf: privacy.csrf!, email: 'wis@citizens.test' });
    expect(download.headers.get('content-disposition')).to.match(/attachment/);
    const noConfirm = await privacy.json('POST', '/api/v1/privacy/erase', { email: 'wis@citizens.test', ground: 'objection' });
    expect(noConfirm.status).to.equal(422);
    const noGround = await privacy.json('POST', '/api/v1/privacy/erase', { email: 'wis@citizens.test', confirm: true });
    expect(noGround.status).to.equal(422);
    expect(await t.store.models.Case.countDocuments({ _id: c.caseId })).to.equal(1);
    const noCsrf = await privacy.json('POST', '/api/v1/privacy/erase', { email: 'wis@citizens.test', ground: 'objection', confirm: true }, null);
    expect(noCsrf.status).to.equal(403);
    const page = await privacy.form('/privacy/erase', { _csrf: privacy.csrf!, email: 'wis@citizens.test', ground: 'objection', confirm: 'yes' });
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('data-testid="erased-cases">1<');
    expect(await t.store.models.Case.countDocuments({ _id: c.caseId })).to.equal(0);
    const entry = await t.audit.models.AuditEntry.findOne({ action: 'erasure' }).lean();
    expect(entry!.ground).to.equal('objection');
    expect(JSON.stringify(entry)).to.not.include('wis@citizens.test');
    for (const a of [first, second, lead]) expect((await a.json('POST', '/api/v1/privacy/export', { email: 'wis@citizens.test' })).status).to.equal(403);
  });

  it('shows the privacy officer the audit log, the deletion log with its chain, and the retention report', async () => {
    const audit = await privacy.json('GET', '/api/v1/privacy/audit');
    expect(audit.status).to.equal(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).to.include('erasure');
    const del = await privacy.json('GET', '/api/v1/privacy/deletions');
    expect(del.body.chain.ok).to.equal(true);
    expect(del.body.items[0].kind).to.equal('erasure');
    const ret = await privacy.json('GET', '/api/v1/privacy/retention');
    expect(ret.status).to.equal(200);
    expect(ret.body.cases.documents).to.be.a('number');
    for (const p of ['/privacy', '/privacy/audit', '/privacy/verwijderingen', '/privacy/bewaartermijnen']) expect((await privacy.get(p)).status, p).to.equal(200);
  });
});
