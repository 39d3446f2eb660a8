/**
 * The satisfaction survey end to end, on the real servers with an injected clock: consent
 * through the acknowledgment's link (GET records nothing, only the POST), closure as
 * answered, the invitation after the delay (real SMTP into Dovecot, read back over IMAP),
 * the form (GET records nothing; one answer per token; expired), the rules that stop an
 * invitation, bounces, DSAR by e-mail, and the answers gone after 18 months.
 */
import { expect } from 'chai';
import { createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { detectServer, createRetentionSweeper } from '../../../lib/retention.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { createSurveySender, type SurveySender } from '../../../processors/survey/index.ts';
import { exportSubject, eraseSubject } from '../../../processors/dsar/index.ts';
import { Agent, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { config, eventually } from '../../support/env.ts';
import { consentThroughPage, formLinkOf, inboxTexts } from '../../support/survey.ts';
import { inboxMessageIds, testId } from '../../support/pipeline.ts';

const DAY = 86_400_000;

describe('survey: consent, one invitation after close, the form, the rules', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let sender: SurveySender;
  let now = new Date('2026-12-01T09:00:00Z');
  const clock = () => now;
  const id = testId();
  const agent = { id: 'agent-a', role: 'first_line' };
  const from = `KCC <intake-survey-${id}@kcc.test>`;
  const addr = (n: string) => `survey-${n}-${id}@citizens.test`;

  before(async () => {
    t = await startTestWorkbench('test_survey', {}, clock, { delayMs: DAY });
    const server = await detectServer(t.conn.db!);
    sender = createSurveySender({
      conn: t.conn, survey: t.survey!, hasher: createKeyedHasher(config.keys.hmac), lock: createDocLock(t.conn.db!, { enabled: server.flavour !== 'mongodb' }),
      smtp: config.smtp, from, messageIdDomain: 'kcc.test', logger: silentLogger(), clock,
    });
  });
  after(async () => { await sender.stop(); await t.close(); });

  async function closedCase(address: string, o: { consent?: 'link' | 'none'; outcome?: 'answered' | 'not_a_case' | 'referred'; extra?: Parameters<typeof intakeMessage>[0] } = {}) {
    const r = await t.store.ingest(intakeMessage({ replyAddress: address, classification: { topic: 'digid_activation', language: 'nl', confidence: 1, reasons: [] }, ...o.extra }));
    if ((o.consent ?? 'link') === 'link') expect(await consentThroughPage(t.url, t.survey!.consentLink(r.caseId))).to.equal(200);
    await t.store.desk.close(r.caseId, null, agent, o.outcome ?? 'answered', now);
    return r;
  }

  it('GET of the consent link records nothing; a POST without the form cookie is refused; the POST records', async () => {
    const r = await t.store.ingest(intakeMessage({ replyAddress: addr('scan') }));
    const link = t.survey!.consentLink(r.caseId);
    expect(link).to.match(/\/enquete\/toestemming\//);
    // A scanner: GET (and a HEAD) with no cookies, twice.
    for (let i = 0; i < 2; i++) expect((await fetch(link)).status).to.equal(200);
    expect((await fetch(link, { method: 'HEAD' })).status).to.equal(200);
    expect(await t.survey!.models.Consent.countDocuments({ caseId: r.caseId })).to.equal(0);
    // A forged cross-site POST: no cookie, no signature.
    const forged = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=give' });
    expect(forged.status).to.equal(403);
    expect(await t.survey!.models.Consent.countDocuments({ caseId: r.caseId })).to.equal(0);
    expect(await consentThroughPage(t.url, link)).to.equal(200);
    const c = await t.survey!.models.Consent.findOne({ caseId: r.caseId }).lean();
    expect(c).to.include({ source: 'link', textVersion: 'survey-consent-2026-12-01' });
    expect(c!.emailHash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(c)).to.not.include(addr('scan'));
  });

  it('sends exactly one invitation after the delay, none before; the form link works once and GET records nothing', async () => {
    const to = addr('happy');
    const r = await closedCase(to);
    now = new Date(now.getTime() + DAY - 60_000);
    expect(await sender.runOnce()).to.equal(0);
    now = new Date(now.getTime() + 120_000);
    expect(await sender.runOnce()).to.equal(1);
    expect(await sender.runOnce()).to.equal(0);
    const texts = await eventually(async () => { const x = await inboxTexts(to); return x.length ? x : undefined; }, 30_000, 'invitation delivered');
    await new Promise((res) => setTimeout(res, 1000));
    expect(await inboxMessageIds(to)).to.have.length(1);
    expect(texts[0]).to.match(/Auto-Submitted: auto-generated/);
    const link = formLinkOf(texts[0]!);
    const inv = await t.survey!.models.Invitation.findById(r.caseId).lean();
    expect(inv).to.include({ status: 'sent', topic: 'digid_activation', team: 'first', agentId: 'agent-a' });
    expect(JSON.stringify(inv)).to.not.include(to);
    // What a scanner does with the form link: nothing is recorded.
    for (let i = 0; i < 3; i++) expect((await fetch(link)).status).to.equal(200);
    expect(await t.survey!.models.Answer.countDocuments()).to.equal(0);
    const a = new Agent(t.url);
    const form = /name="_form" value="([^"]+)"/.exec(await (await a.get(link)).text())![1]!;
    const path = new URL(link).pathname;
    const comment = 'Prima geholpen. Mijn BSN 111222333, IBAN NL91ABNA0417164300, mail me op jan@voorbeeld.nl of bel 06-12345678.';
    const ok = await a.form(path, { _form: form, overall: '4', answered: 'yes', ease: '5', comment });
    expect(ok.status).to.equal(200);
    const again = await a.form(path, { _form: form, overall: '1', answered: 'no', ease: '1' });
    expect(again.status).to.equal(409);
    const answers = await t.survey!.models.Answer.find().lean();
    expect(answers).to.have.length(1);
    expect(answers[0]).to.include({ overall: 4, answered: 'yes', ease: 5, topic: 'digid_activation', team: 'first', agentId: 'agent-a', channel: 'email', language: 'nl' });
    const stored = JSON.stringify(answers[0]);
    for (const pd of ['111222333', 'NL91ABNA0417164300', 'jan@voorbeeld.nl', '06-12345678', '12345678', to]) expect(stored, pd).to.not.include(pd);
    expect(answers[0]!.comment).to.include('[BSN]').and.include('[IBAN]').and.include('[E-MAIL]').and.include('[TELEFOON]');
    expect(stored).to.not.include(r.caseId);
  });

  it('sends none without consent, none after withdrawal, none for "not a case" or "referred", none to a representative on the citizen\'s consent', async () => {
    const none = await closedCase(addr('noconsent'), { consent: 'none' });
    const withdrawn = await closedCase(addr('withdrawn'));
    const link = t.survey!.consentLink(withdrawn.caseId);
    expect(await consentThroughPage(t.url, link, 'withdraw')).to.equal(200);
    const spam = await closedCase(addr('spam'), { outcome: 'not_a_case' });
    const referred = await closedCase(addr('referred'), { outcome: 'referred' });
    // A mother writes for her son; the son consented on the phone for his own address.
    const rep = await t.store.ingest(intakeMessage({
      replyAddress: addr('mother'), citizen: { name: null, street: null, houseNumber: null, postcode: null, city: null, email: addr('son'), phones: [] },
      representative: { name: 'Moeder', email: addr('mother'), relation: 'moeder' },
    }));
    await t.survey!.consentByAgent(rep.caseId, { source: 'agent_phone', address: 'citizen', agentId: 'agent-a' });
    await t.store.desk.close(rep.caseId, null, agent, 'answered', now);
    now = new Date(now.getTime() + 2 * DAY);
    await sender.runOnce();
    const status = async (caseId: string) => (await t.survey!.models.Invitation.findById(caseId).lean())?.status ?? 'none';
    expect(await status(none.caseId)).to.equal('none');
    expect(await status(withdrawn.caseId)).to.equal('cancelled');
    expect(await status(spam.caseId)).to.equal('skipped');
    expect(await status(referred.caseId)).to.equal('skipped');
    // The son's own address gets it (he consented himself); the mother's never.
    expect(await status(rep.caseId)).to.equal('sent');
    await new Promise((res) => setTimeout(res, 1500));
    for (const a of ['noconsent', 'withdrawn', 'spam', 'referred', 'mother']) expect(await inboxMessageIds(addr(a)), a).to.deep.equal([]);
    await eventually(async () => ((await inboxMessageIds(addr('son'))).length === 1 ? true : undefined), 30_000, 'son invited');
  });

  it('invites an address once for two cases within 90 days', async () => {
    const to = addr('twice');
    await closedCase(to);
    await closedCase(to);
    now = new Date(now.getTime() + 2 * DAY);
    expect(await sender.runOnce()).to.equal(2);
    expect(sender.stats.skipped).to.be.greaterThan(0);
    await new Promise((res) => setTimeout(res, 1500));
    await eventually(async () => ((await inboxMessageIds(to)).length === 1 ? true : undefined), 30_000, 'one invitation');
    const invs = await t.survey!.models.Invitation.find({ status: { $in: ['sent', 'skipped'] } }).lean();
    expect(invs.filter((i) => i.skipReason === 'recently_invited')).to.have.length.at.least(1);
  });

  it('refuses an expired link with a clear page, and a bounce marks the address so it is never invited again', async () => {
    const to = addr('late');
    const r = await closedCase(to);
    now = new Date(now.getTime() + 2 * DAY);
    await sender.runOnce();
    const texts = await eventually(async () => { const x = await inboxTexts(to); return x.length ? x : undefined; }, 30_000, 'invitation');
    const link = formLinkOf(texts[0]!);
    now = new Date(now.getTime() + 15 * DAY);
    const res = await fetch(link);
    expect(res.status).to.equal(410);
    expect(await res.text()).to.include('verlopen');

    const inv = await t.survey!.models.Invitation.findById(r.caseId).lean();
    const dsn = Buffer.from(`From: MAILER-DAEMON@kcc.test\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nUser unknown\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <${inv!.messageId}>\r\nSubject: x\r\n--b--\r\n`);
    expect(await t.survey!.markBouncedFrom(dsn)).to.equal(true);
    await closedCase(to);
    now = new Date(now.getTime() + 100 * DAY); // past the 90 days: only the bounce stops it
    await sender.runOnce();
    const later = await t.survey!.models.Invitation.find({ status: 'skipped', skipReason: 'bounced' }).lean();
    expect(later).to.have.length(1);
  });

  it('DSAR finds and erases consent and answers by the citizen\'s e-mail; answers are gone after 18 months', async () => {
    const to = addr('happy');
    const actor = { id: 'privacy', role: 'privacy_officer' };
    const hasher = createKeyedHasher(config.keys.hmac);
    const ex = await exportSubject(t.conn, hasher, { email: to }, { actor, clock });
    expect(ex.collections.survey_consents!.documents).to.have.length(1);
    expect(ex.collections.survey_answers!.documents).to.have.length(1);
    expect(ex.collections.survey_invitations!.documents).to.have.length(1);

    // 18 months later the sweeper (FerretDB) deletes every answer.
    const other = await t.survey!.models.Answer.countDocuments();
    expect(other).to.be.greaterThan(0);
    const sweeper = createRetentionSweeper({ db: t.conn.db!, collections: ['survey_answers'], mode: 'delete', intervalMs: 60_000, logger: silentLogger(), clock: () => new Date(now.getTime() + 19 * 31 * DAY) });
    await sweeper.runOnce();
    expect(await t.survey!.models.Answer.countDocuments()).to.equal(0);

    const er = await eraseSubject(t.conn, hasher, { email: to }, { actor, clock });
    expect(er.counts.survey_consents).to.equal(1);
    expect(await t.survey!.models.Consent.countDocuments({ lookup: { email: hasher.hmac('email', to) } } as never)).to.equal(0);
  });
});
