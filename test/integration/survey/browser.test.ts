/**
 * The survey's pages in Debian Chromium (playwright-core), with axe-core WCAG 2.1 AA on every
 * page (0 violations), every request off 127.0.0.1 aborted and counted (0): the consent page
 * from the acknowledgment's link, an agent recording consent on the case view, the
 * invitation over real SMTP/IMAP, the form answered once, a second use refused, an expired
 * link refused. Screenshots and the invitation as text go to .local/artifacts/survey/.
 */
import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import path from 'node:path';
import { createKeyedHasher } from '../../../lib/crypto.ts';
import { createDocLock } from '../../../lib/doclock.ts';
import { detectServer } from '../../../lib/retention.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { createSurveySender, type SurveySender } from '../../../processors/survey/index.ts';
import { expectAccessible, launchBrowser, signInInBrowser, type Browsing } from '../../support/browser.ts';
import { demoPassword, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { config, eventually } from '../../support/env.ts';
import { testId } from '../../support/pipeline.ts';
import { formLinkOf, inboxTexts } from '../../support/survey.ts';

const ARTIFACTS = path.join(config.localDir, 'artifacts', 'survey');
const DAY = 86_400_000;

describe('survey pages in Chromium: consent, the form once, refusals, axe', function () {
  this.timeout(180_000);
  let t: TestWorkbench;
  let b: Browsing;
  let sender: SurveySender;
  let now = new Date();
  const clock = () => now;
  const id = testId();
  const agent = { id: 'agent-b', role: 'first_line' };

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    t = await startTestWorkbench('test_survey_browser', {}, clock, { delayMs: DAY });
    const server = await detectServer(t.conn.db!);
    sender = createSurveySender({
      conn: t.conn, survey: t.survey!, hasher: createKeyedHasher(config.keys.hmac), lock: createDocLock(t.conn.db!, { enabled: server.flavour !== 'mongodb' }),
      smtp: config.smtp, from: `KCC Logius <intake-sb-${id}@kcc.test>`, messageIdDomain: 'kcc.test', logger: silentLogger(), clock,
    });
    b = await launchBrowser({ providerOrigin: new URL(config.workbench.oidc.issuer).origin });
  });
  after(async () => { await b?.close(); await sender?.stop(); await t?.close(); });

  it('consent page: a GET shows the question and records nothing; the button records; axe 0', async () => {
    const to = `survey-b1-${id}@citizens.test`;
    const r = await t.store.ingest(intakeMessage({ replyAddress: to, classification: { topic: 'digid_activation', language: 'nl', confidence: 1, reasons: [] } }));
    const ctx = await b.newContext();
    const p = await ctx.newPage();
    const res = await p.goto(t.survey!.consentLink(r.caseId));
    expect(res!.status()).to.equal(200);
    await expectAccessible(p, 'consent page');
    await p.screenshot({ path: path.join(ARTIFACTS, 'consent.png'), fullPage: true });
    expect(await t.survey!.models.Consent.countDocuments({ caseId: r.caseId })).to.equal(0);
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Ja, stuur mij de vragenlijst' }).click()]);
    await p.getByRole('status').waitFor();
    expect(await p.getByTestId('consent-state').textContent()).to.include('U heeft toestemming gegeven');
    await expectAccessible(p, 'consent given');
    expect(await t.survey!.models.Consent.countDocuments({ caseId: r.caseId, withdrawnAt: { $exists: false } })).to.equal(1);

    // The invitation after close + 1 day, with its form: answered once.
    await t.store.desk.close(r.caseId, null, agent, 'answered', now);
    now = new Date(now.getTime() + DAY + 60_000);
    expect(await sender.runOnce()).to.equal(1);
    const texts = await eventually(async () => { const x = await inboxTexts(to); return x.length ? x : undefined; }, 30_000, 'invitation');
    await writeFile(path.join(ARTIFACTS, 'invitation.eml'), texts[0]!);
    // The same mail as a person reads it (quoted-printable decoded).
    const parsed = await simpleParser(texts[0]!);
    await writeFile(path.join(ARTIFACTS, 'invitation.txt'), [`From: ${parsed.from?.text}`, `To: ${(Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.text}`, `Subject: ${parsed.subject}`, `Message-ID: ${parsed.messageId}`, `Auto-Submitted: ${parsed.headers.get('auto-submitted')}`, '', parsed.text ?? ''].join('\n'));
    const link = formLinkOf(texts[0]!);
    const form = await p.goto(link);
    expect(form!.status()).to.equal(200);
    await expectAccessible(p, 'survey form');
    await p.screenshot({ path: path.join(ARTIFACTS, 'form.png'), fullPage: true });
    expect(await t.survey!.models.Answer.countDocuments()).to.equal(0);
    // Keyboard and labels: every control is reached by its label.
    await p.getByLabel('4 — tevreden').check();
    await p.getByLabel('Gedeeltelijk').check();
    await p.getByLabel('5 — zeer makkelijk').check();
    await p.getByLabel('Wilt u nog iets kwijt? (niet verplicht)').fill('Snel antwoord, bedankt. Bel gerust: 0612345678');
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Versturen' }).click()]);
    await p.getByRole('heading', { name: 'Dank u wel' }).waitFor();
    await expectAccessible(p, 'thanks page');
    await p.screenshot({ path: path.join(ARTIFACTS, 'thanks.png'), fullPage: true });
    const answers = await t.survey!.models.Answer.find().lean();
    expect(answers).to.have.length(1);
    expect(answers[0]).to.include({ overall: 4, answered: 'partly', ease: 5 });
    expect(answers[0]!.comment).to.equal('Snel antwoord, bedankt. Bel gerust: [TELEFOON]');

    // A second use: refused with a page that says so.
    const again = await p.goto(link);
    expect(again!.status()).to.equal(409);
    expect(await p.getByRole('heading', { level: 1 }).textContent()).to.equal('Deze vragenlijst is al ingevuld');
    await expectAccessible(p, 'second use');
    expect(await t.survey!.models.Answer.countDocuments()).to.equal(1);
    await ctx.close();
  });

  it('an expired link is refused with a clear page (English case, English page); axe 0', async () => {
    const to = `survey-b2-${id}@citizens.test`;
    const r = await t.store.ingest(intakeMessage({ replyAddress: to, classification: { topic: 'digid_app', language: 'en', confidence: 1, reasons: [] } }));
    await t.survey!.consentByAgent(r.caseId, { source: 'agent_message', address: 'reply', agentId: 'agent-b' });
    await t.store.desk.close(r.caseId, null, agent, 'answered', now);
    now = new Date(now.getTime() + DAY + 60_000);
    expect(await sender.runOnce()).to.equal(1);
    const texts = await eventually(async () => { const x = await inboxTexts(to); return x.length ? x : undefined; }, 30_000, 'invitation');
    expect(texts[0]).to.include('Subject: How did the KCC help you?');
    const link = formLinkOf(texts[0]!);
    now = new Date(now.getTime() + 14 * DAY + 60_000);
    const ctx = await b.newContext();
    const p = await ctx.newPage();
    const res = await p.goto(`${link}?lang=en`);
    expect(res!.status()).to.equal(410);
    expect(await p.getByRole('heading', { level: 1 }).textContent()).to.equal('This link has expired');
    await expectAccessible(p, 'expired link');
    await ctx.close();
  });

  it('an agent records consent given on the phone from the case view; axe 0 on the case view; nothing left 127.0.0.1', async () => {
    const r = await t.store.ingest(intakeMessage({ replyAddress: `survey-b3-${id}@citizens.test`, subject: 'Vraag over DigiD' }));
    const ctx = await b.newContext();
    const p = await ctx.newPage();
    await signInInBrowser(p, t.url, 'eerstelijn', demoPassword());
    await p.goto(`${t.url}/zaken/${r.caseNumber}`);
    await p.getByText('Toestemming vastleggen', { exact: true }).first().click();
    await expectAccessible(p, 'case view with the survey block');
    await p.getByLabel('Hoe gegeven').selectOption('agent_phone');
    await Promise.all([p.waitForURL(/done=survey/), p.getByRole('button', { name: 'Toestemming vastleggen' }).click()]);
    expect(await p.getByTestId('survey-consent').textContent()).to.include('aan de telefoon');
    const c = await t.survey!.models.Consent.findOne({ caseId: r.caseId }).lean();
    expect(c).to.include({ source: 'agent_phone', recordedBy: (await t.survey!.models.Consent.findOne({ caseId: r.caseId }).lean())!.recordedBy });
    expect(c!.recordedBy).to.be.a('string').and.not.equal('');
    await Promise.all([p.waitForURL(/done=survey/), p.getByRole('button', { name: 'Toestemming intrekken' }).click()]);
    expect(await t.survey!.models.Consent.countDocuments({ caseId: r.caseId, withdrawnAt: { $exists: true } })).to.equal(1);
    await ctx.close();
    expect(b.blocked, 'requests that left 127.0.0.1').to.deep.equal([]);
    expect(b.cspViolations).to.deep.equal([]);
  });
});
