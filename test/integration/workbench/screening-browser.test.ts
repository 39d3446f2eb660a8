/**
 * The screening queue ("Waarschijnlijk geen zaak") in a real browser: a first-line agent
 * finds the screened message in that queue, reads why it was screened, and confirms by
 * keyboard that it is a case after all; axe finds nothing on either page.
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { config } from '../../support/env.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { demoPassword, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { expectAccessible, launchBrowser, signInInBrowser, type Browsing } from '../../support/browser.ts';

describe('workbench: the screening queue in a real browser', function () {
  this.timeout(90_000);
  this.bail(true);
  let t: TestWorkbench;
  let b: Browsing;
  let ctx: BrowserContext;
  let page: Page;
  let screened = '';
  let ordinary = '';

  before(async function () {
    this.timeout(120_000);
    t = await startTestWorkbench('kcc_test_wb_screening');
    screened = (await t.store.ingest(intakeMessage({
      subject: 'UW DIGID WORDT VANDAAG GEBLOKKEERD', text: 'Klik op de link om uw account te verifieren.',
      screening: { reasons: ['spam-filter-score'], score: 15.5, symbols: ['PHISHING', 'HTTP_TO_IP'] },
    }))).caseNumber;
    ordinary = (await t.store.ingest(intakeMessage({ subject: 'Vraag over DigiD', text: 'Hoe vraag ik DigiD aan?' }))).caseNumber;
    b = await launchBrowser({ providerOrigin: new URL(config.workbench.oidc.issuer).origin });
    ctx = await b.newContext();
    page = await ctx.newPage();
    expect(await signInInBrowser(page, t.url, 'eerstelijn', demoPassword())).to.equal(200);
  });
  after(async function () {
    this.timeout(60_000);
    await b?.close();
    await t?.close();
  });

  it('the first-line queue holds the ordinary case only; the screening queue the screened one', async () => {
    await page.goto(`${t.url}/`);
    const first = await page.locator('main').innerText();
    expect(first).to.include(ordinary);
    expect(first).not.to.include(screened);
    await page.goto(`${t.url}/?line=screening`);
    await expectAccessible(page, 'screening queue');
    const queue = await page.locator('main').innerText();
    expect(queue).to.include(screened);
    expect(queue).not.to.include(ordinary);
  });

  it('the case says why, offers no reply or escalation, and "Wel een zaak" by keyboard moves it to the first line', async () => {
    await page.goto(`${t.url}/zaken/${screened}`);
    await expectAccessible(page, 'screened case');
    const banner = page.locator('[data-testid="screening"]');
    expect(await banner.innerText()).to.include('Waarschijnlijk geen zaak');
    expect(await banner.innerText()).to.include('PHISHING');
    expect(await page.getByRole('button', { name: 'Doorzetten naar tweede lijn' }).count()).to.equal(0);
    const confirm = page.getByRole('button', { name: 'Wel een zaak: naar de eerste lijn', exact: true });
    await confirm.focus();
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');
    await page.goto(`${t.url}/zaken/${screened}`);
    expect(await page.locator('[data-testid="screening"]').count()).to.equal(0);
    const c = await t.store.models.Case.findOne({ caseNumber: screened }).lean();
    expect(c?.line).to.equal('first');
    expect(c?.ack.status).to.equal('pending');
    await page.goto(`${t.url}/`);
    expect(await page.locator('main').innerText()).to.include(screened);
  });
});
