/**
 * The team lead's and privacy officer's pages in a real browser (Debian's Chromium,
 * playwright-core): each new page checked with axe-core (0 violations), one "opnieuw
 * proberen" and one "openen als zaak" done with the keyboard alone, screenshots saved as
 * artefacts (.local/artifacts/workbench/).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { config, logger } from '../../support/env.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { demoPassword, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { expectAccessible, launchBrowser, signInInBrowser, type Browsing } from '../../support/browser.ts';
import { createClaimCheckStore } from '../../../lib/claimcheck.ts';
import { sha256Of, topicName } from '../../../lib/contracts.ts';
import { createBus, type Bus } from '../../../lib/kafka/index.ts';

const ARTIFACTS = path.join(config.localDir, 'artifacts', 'workbench');

describe('workbench pages in a real browser: refused messages, reports, privacy officer', function () {
  this.timeout(90_000);
  this.bail(true);
  let t: TestWorkbench;
  let b: Browsing;
  let bus: Bus;
  let topic = '';
  let password = '';
  const citizen = { name: null, street: null, houseNumber: null, postcode: null, city: null, email: 'zelfde@citizens.test', phones: [] };
  let caseA = ''; let caseB = '';

  before(async function () {
    this.timeout(120_000);
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestWorkbench('wbpagesbr');
    password = demoPassword();
    bus = createBus({ brokers: config.kafka.brokers, clientId: 'wbpagesbr-test', logger });
    topic = topicName(t.topicPrefix, 'mailRaw');
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 3_600_000 }], 3 * 86_400_000);
    const db = t.conn.db!;
    const raw = Buffer.from('Message-ID: <br-retry@citizens.test>\r\nSubject: vraag\r\n\r\nhallo\r\n');
    const fileId = await createClaimCheckStore(db, 'claimchecks').put(raw, new Date(Date.now() + 86_400_000));
    const expiresAt = new Date(Date.now() + 86_400_000);
    await db.collection('dead_letters').insertMany([
      // Newest first on the page: the mail is the first row, the scan the second.
      { _id: 'br-mail', code: 'PARSE_FAILED', reason: 'the message could not be parsed', at: new Date(), size: raw.length, sha256: sha256Of(raw), claimCheck: { bucket: 'claimchecks', fileId }, sourceRef: { kind: 'imap', account: 'intake', mailbox: 'INBOX', uidValidity: '5', uid: 11 }, expiresAt },
      { _id: 'br-scan', code: 'INGEST_TOO_LARGE', reason: 'message larger than the limit', at: new Date(Date.now() - 60_000), size: 41_000_000, sourceRef: { kind: 'letter', via: 'scan', file: 'scan-41mb.pdf' }, expiresAt },
    ] as never[]);
    caseA = (await t.store.ingest(intakeMessage({ subject: 'Eerste vraag', citizen }))).caseNumber;
    caseB = (await t.store.ingest(intakeMessage({ subject: 'Tweede vraag', citizen }))).caseNumber;
    b = await launchBrowser({ providerOrigin: new URL(config.workbench.oidc.issuer).origin });
  });

  after(async function () {
    this.timeout(60_000);
    await b?.close();
    await bus?.deleteTopics([topic]).catch(() => undefined);
    await bus?.close();
    await t?.close();
  });

  async function tabTo(page: Page, text: string, nth = 0): Promise<void> {
    const focused = () => page.evaluate('(() => { const e = document.activeElement; return { tag: e ? e.tagName : "", text: e ? (e.textContent || "").trim() : "" }; })()') as Promise<{ tag: string; text: string }>;
    let seen = 0;
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (f.tag === 'BUTTON' && f.text === text && seen++ === nth) return;
    }
    throw new Error(`button "${text}" not reached by Tab`);
  }

  it('team lead: the refused-messages page, one retry and one open-as-case by keyboard, the reports page', async () => {
    const ctx = await b.newContext();
    const page = await ctx.newPage();
    expect(await signInInBrowser(page, t.url, 'teamleider', password)).to.equal(200);
    await page.goto(`${t.url}/geweigerd`);
    expect(await page.locator('h1').innerText()).to.equal('Geweigerde berichten');
    await expectAccessible(page, 'refused messages');
    await page.screenshot({ path: path.join(ARTIFACTS, 'refused.png'), fullPage: true });

    // Retry: the first row's button (the e-mail), with Tab and Enter.
    await tabTo(page, 'Opnieuw proberen');
    await Promise.all([page.waitForURL(/done=retry/), page.keyboard.press('Enter')]);
    expect(await page.locator('[role=status]').first().innerText()).to.contain('opnieuw aangeboden');
    await expectAccessible(page, 'refused messages after a retry');
    const mail = await t.conn.db!.collection('dead_letters').findOne({ _id: 'br-mail' } as never);
    expect(mail!.retriedHow).to.equal('claim_check');

    // Open as case: the scan (the second "Openen als zaak" on the page), with Tab and Enter.
    await tabTo(page, 'Openen als zaak', 1);
    await Promise.all([page.waitForURL(/\/zaken\/KCC-\d{4}-\d{6}\?done=deadletter/), page.keyboard.press('Enter')]);
    const main = await page.locator('main').innerText();
    expect(main).to.contain('INGEST_TOO_LARGE').and.contain('scan-41mb.pdf');
    await expectAccessible(page, 'case opened from a refused scan');
    await page.screenshot({ path: path.join(ARTIFACTS, 'refused-case.png'), fullPage: true });
    expect(await t.store.models.Case.countDocuments({ _id: 'deadletter:br-scan', line: 'first' })).to.equal(1);

    await page.goto(`${t.url}/rapportages`);
    expect(await page.locator('h1').innerText()).to.equal('Rapportages');
    await expectAccessible(page, 'reports');
    await page.screenshot({ path: path.join(ARTIFACTS, 'reports.png'), fullPage: true });

    // Other cases of the same citizen, in the case view.
    await page.goto(`${t.url}/zaken/${caseA}`);
    expect(await page.locator('[data-testid=related]').innerText()).to.contain(caseB).and.not.contain('zelfde@citizens.test');
    await expectAccessible(page, 'case view with other cases of the citizen');

    // Search by e-mail address, with the keyboard: both cases, the address masked.
    await page.goto(`${t.url}/zoeken`);
    await expectAccessible(page, 'search form');
    await page.locator('#q').focus();
    await page.keyboard.type('zelfde@citizens.test');
    await Promise.all([page.waitForURL(/\/zoeken\?q=/), page.keyboard.press('Enter')]);
    const results = await page.locator('[data-testid=search-results]').innerText();
    expect(results).to.contain(caseA).and.contain(caseB).and.contain('***@citizens.test').and.not.contain('zelfde@');
    await expectAccessible(page, 'search results');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png'), fullPage: true });
    await ctx.close();
  });

  it('privacy officer: the privacy page, audit log, deletion log and retention report', async () => {
    const ctx = await b.newContext();
    const page = await ctx.newPage();
    expect(await signInInBrowser(page, t.url, 'privacy', password, { landing: '/privacy' })).to.equal(200);
    expect(await page.locator('h1').innerText()).to.equal('Privacy');
    await expectAccessible(page, 'privacy');
    await page.screenshot({ path: path.join(ARTIFACTS, 'privacy.png'), fullPage: true });
    for (const [p, label] of [['/privacy/audit', 'audit log'], ['/privacy/verwijderingen', 'deletion log'], ['/privacy/bewaartermijnen', 'retention report']] as const) {
      await page.goto(`${t.url}${p}`);
      await expectAccessible(page, label);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'retention.png'), fullPage: true });
    expect(b.blocked).to.deep.equal([]);
    expect(b.cspViolations).to.deep.equal([]);
    await ctx.close();
  });
});
