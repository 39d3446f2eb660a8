/**
 * The workbench in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Sign-in goes through the local identity provider's own login form; every page the flow
 * visits is checked with axe-core (WCAG 2.1 A/AA, 0 violations); nothing may leave
 * 127.0.0.1 (every other request is aborted and counted, and the count must stay 0).
 *
 * The steps share one workbench, one browser and the cases seeded in before(); they run in
 * order and each builds on the one before (as an agent's day does).
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { config } from '../../support/env.ts';
import { intakeMessage } from '../../support/casestore.ts';
import { demoPassword, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { axeViolations, blockRemote, expectAccessible, launchBrowser, signInInBrowser, type Browsing } from '../../support/browser.ts';
import { isValidBsn } from '../../../processors/extract/bsn.ts';

const ARTIFACTS = path.join(config.localDir, 'artifacts', 'workbench');
const XSS = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script>';

function fictitiousBsn(): string {
  for (;;) {
    const digits = `${randomInt(1, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    if (isValidBsn(digits)) return digits;
  }
}

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
const startedAt = Date.now();

describe('workbench in a real browser (Chromium, playwright-core)', function () {
  this.timeout(60_000);
  // Each step builds on the one before: after a failure the rest would only time out.
  this.bail(true);

  let t: TestWorkbench;
  let b: Browsing;
  let password: string;
  const bsn = fictitiousBsn();
  const grouped = `${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)}`;
  const n = { keyboard: '', bsn: '', two: '', xss: '' };
  /** Eva Eerstelijn (first line), Tom Tweedelijn (second line), Erik Eerstelijn (first line). */
  let eva: BrowserContext; let evaPage: Page;
  let tom: BrowserContext; let tomPage: Page;
  /** Everything the first-line agent's browser was shown, to prove the BSN never was. */
  const firstLineHtml: string[] = [];
  const checked: string[] = [];

  /** axe on the page as it is, and the page remembered as visited. */
  async function accessible(page: Page, label: string): Promise<void> {
    await expectAccessible(page, label);
    checked.push(label);
    if (page === evaPage) firstLineHtml.push(await page.content());
  }

  /** Clicks a form's button; the status of the form POST's response, once the page it leads to has loaded. */
  async function submit(page: Page, button: string): Promise<number> {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    const location = res.headers().location;
    if (res.status() === 303 && location) await page.waitForURL(new URL(location, res.url()).href);
    await page.waitForLoadState('load');
    return res.status();
  }

  const factOf = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).innerText();

  before(async function () {
    this.timeout(120_000);
    // Not emptied first: .local is shared by every worktree on this machine; the files' times prove this run wrote them.
    mkdirSync(ARTIFACTS, { recursive: true });
    password = demoPassword();
    t = await startTestWorkbench('kcc_test_wb_browser');
    // Oldest first in the queue: the keyboard case is the first row.
    const seed = [
      { key: 'keyboard' as const, at: daysAgo(6), extra: { subject: 'Vraag over DigiD aanvragen', text: 'Hoe vraag ik DigiD aan?', classification: { topic: 'digid_aanvragen', language: 'nl', confidence: 0.9, reasons: ['kw:digid_aanvragen'] } } },
      { key: 'bsn' as const, at: daysAgo(3), extra: { subject: 'Mijn DigiD is geblokkeerd', text: 'Mijn DigiD werkt niet meer. Mijn BSN is [BSN verwijderd].', bsn, citizen: { name: 'Joost Testveld', street: 'Teststraat', houseNumber: '1', postcode: '1234 AB', city: 'Teststad', email: 'joost.testveld@example.org', phones: [] }, classification: { topic: 'digid_wachtwoord', language: 'nl', confidence: 0.8, reasons: ['kw:wachtwoord'] } } },
      { key: 'two' as const, at: daysAgo(2), extra: { subject: 'Berichtenbox leeg', text: 'Ik zie geen berichten in mijn Berichtenbox.', classification: { topic: 'mijnoverheid_berichtenbox', language: 'nl', confidence: 0.7, reasons: ['kw:berichtenbox'] } } },
      { key: 'xss' as const, at: daysAgo(1), extra: { subject: `Vraag ${XSS}`, text: `Tekst ${XSS}`, citizen: { name: `Naam ${XSS}`, street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [] } } },
    ];
    for (const s of seed) n[s.key] = (await t.store.ingest(intakeMessage({ receivedAt: s.at, ...s.extra }))).caseNumber;
    b = await launchBrowser({ providerOrigin: new URL(config.workbench.oidc.issuer).origin });

    // The block-and-count rule itself, in a throwaway context: a remote fetch never leaves.
    const probeBlocked: string[] = [];
    const probe = await b.browser.newContext();
    await blockRemote(probe, probeBlocked);
    const pp = await probe.newPage();
    const outcome = await pp.goto('http://192.0.2.1/probe').then(() => 'sent', () => 'blocked');
    // And the axe check itself: a page with known violations is refused.
    const ap = await probe.newPage();
    await ap.setContent('<html><head><title>x</title></head><body><img src="data:,"><input id="x"></body></html>');
    expect((await axeViolations(ap)).map((v) => v.id)).to.include.members(['html-has-lang', 'image-alt', 'label']);
    await probe.close();
    expect(outcome).to.equal('blocked');
    expect(probeBlocked).to.deep.equal(['192.0.2.1']);

    eva = await b.newContext();
    evaPage = await eva.newPage();
  });

  after(async function () {
    this.timeout(60_000);
    await b?.close();
    await t?.close();
  });

  it('1. signs in through the identity provider and lands on the queue with the seeded cases', async function () {
    const status = await signInInBrowser(evaPage, t.url, 'eerstelijn', password, {
      onSignInPage: (p) => accessible(p, 'workbench sign-in page'),
      // The provider's login page is development tooling (scripts/idp.ts), checked all the same.
      onProviderPage: (p) => accessible(p, "identity provider's login page"),
    });
    expect(status).to.equal(200);
    expect(await evaPage.locator('h1').innerText()).to.equal('Werkvoorraad');
    const main = await evaPage.locator('main').innerText();
    for (const nr of Object.values(n)) expect(main).to.contain(nr);
    await accessible(evaPage, 'queue (first line, with cases)');
    await evaPage.screenshot({ path: path.join(ARTIFACTS, 'queue.png'), fullPage: true });

    // The session cookie: HttpOnly, SameSite=Strict, and invisible to the page's scripts.
    const session = (await eva.cookies()).find((c) => c.name === 'kcc_session');
    expect(session, 'session cookie').to.exist;
    expect(session!.httpOnly).to.equal(true);
    expect(session!.sameSite).to.equal('Strict');
    expect(await evaPage.evaluate('document.cookie')).to.not.contain('kcc_session');

    await evaPage.goto(`${t.url}/?channel=letter`);
    expect(await evaPage.locator('main').innerText()).to.contain('Geen zaken met deze filters.');
    await accessible(evaPage, 'queue (empty)');
  });

  it('2. first line opens a case from the queue, claims it, adds a note and escalates it', async function () {
    await evaPage.goto(`${t.url}/`);
    await Promise.all([evaPage.waitForURL(`**/zaken/${n.bsn}`), evaPage.locator(`a[href="/zaken/${n.bsn}"]`).click()]);
    expect(await evaPage.locator('h1').innerText()).to.equal(`Zaak ${n.bsn}`);
    expect(await evaPage.locator('main').innerText()).to.contain('BSN aanwezig, verzegeld');
    await accessible(evaPage, 'case (first line)');

    expect(await submit(evaPage, 'Oppakken')).to.equal(303);
    expect(await factOf(evaPage, 'assignee')).to.equal('eerstelijn');

    await evaPage.fill(`#note-${n.bsn}`, 'Burger gebeld, geen gehoor.');
    expect(await submit(evaPage, 'Notitie toevoegen')).to.equal(303);
    expect(await evaPage.locator('.kcc-conversation').innerText()).to.contain('Burger gebeld, geen gehoor.');
    await accessible(evaPage, 'case (first line, claimed, with a note)');
    await evaPage.screenshot({ path: path.join(ARTIFACTS, 'case.png'), fullPage: true });

    await evaPage.fill(`#esc-${n.bsn}`, 'BSN nodig voor de blokkade.');
    expect(await submit(evaPage, 'Doorzetten naar tweede lijn')).to.equal(303);
    // Second line's case now: first line is back on its queue, told so, and cannot open it.
    expect(new URL(evaPage.url()).pathname).to.equal('/');
    expect(await evaPage.locator('.utrecht-alert[role="status"]').innerText()).to.contain('Doorgezet naar de tweede lijn');
    expect(await evaPage.locator('main').innerText()).to.not.contain(n.bsn);
    await accessible(evaPage, 'queue (first line, after escalating)');
  });

  it('3. second line reveals the BSN with a reason; the first-line agent never sees it', async function () {
    tom = await b.newContext();
    tomPage = await tom.newPage();
    await signInInBrowser(tomPage, t.url, 'tweedelijn', password);
    expect(await tomPage.locator('main').innerText()).to.contain(n.bsn);
    await accessible(tomPage, 'queue (second line)');
    await Promise.all([tomPage.waitForURL(`**/zaken/${n.bsn}`), tomPage.locator(`a[href="/zaken/${n.bsn}"]`).click()]);
    await accessible(tomPage, 'case (second line, BSN sealed)');
    await tomPage.fill(`#bsn-reason-${n.bsn}`, 'Blokkade opheffen in de basisregistratie.');
    expect(await submit(tomPage, 'BSN inzien')).to.equal(200);
    expect(await tomPage.locator('[data-testid="bsn"]').innerText()).to.contain(bsn);
    await accessible(tomPage, 'case (second line, BSN revealed)');
    await tomPage.screenshot({ path: path.join(ARTIFACTS, 'case-second-line.png'), fullPage: true });

    await evaPage.reload();
    firstLineHtml.push(await evaPage.content());
    for (const html of firstLineHtml) {
      expect(html).to.not.contain(bsn);
      expect(html).to.not.contain(grouped);
    }
    expect(firstLineHtml.length).to.be.greaterThan(5);
  });

  it('4. second line closes the case as answered and sees it closed', async function () {
    await tomPage.selectOption(`#outcome-${n.bsn}`, 'answered');
    expect(await submit(tomPage, 'Sluiten')).to.equal(303);
    expect(await factOf(tomPage, 'status')).to.equal('Gesloten');
    // The reveal was for that one answer: the next page shows no digits.
    expect(await tomPage.content()).to.not.contain(bsn);
    await accessible(tomPage, 'case (closed)');
  });

  it('5. two agents on one case: presence is shown, and a note from a stale page gets 409', async function () {
    await evaPage.goto(`${t.url}/zaken/${n.two}`);
    const erik = await b.newContext();
    const erikPage = await erik.newPage();
    await signInInBrowser(erikPage, t.url, 'eerstelijn2', password);
    await erikPage.goto(`${t.url}/zaken/${n.two}`);
    const presence = await erikPage.locator('.kcc-presence').innerText();
    expect(presence).to.contain('Ook geopend door').and.to.contain('Eva Eerstelijn (demo)');
    await accessible(erikPage, 'case (another agent has it open)');

    // Eva's page is loaded; Erik adds a note; Eva's note from the page she has is refused.
    await evaPage.goto(`${t.url}/zaken/${n.two}`);
    await erikPage.fill(`#note-${n.two}`, 'Erik: burger teruggebeld.');
    expect(await submit(erikPage, 'Notitie toevoegen')).to.equal(303);
    await evaPage.fill(`#note-${n.two}`, 'Eva: ook gebeld.');
    expect(await submit(evaPage, 'Notitie toevoegen')).to.equal(409);
    const alert = await evaPage.locator('[role="alert"]').innerText();
    expect(alert).to.contain('De zaak is gewijzigd').and.to.contain('notitie').and.to.contain('eerstelijn2');
    expect(await evaPage.locator('.kcc-conversation').innerText()).to.not.contain('Eva: ook gebeld.');
    await accessible(evaPage, 'case (409: changed since loaded)');
    await erik.close();
  });

  it('6. keyboard only: from the queue to a claimed case with Tab and Enter', async function () {
    await evaPage.goto(`${t.url}/`);
    const focused = () => evaPage.evaluate('(() => { const e = document.activeElement; return { tag: e ? e.tagName : "", href: e ? e.getAttribute("href") : null, text: e ? (e.textContent || "").trim() : "" }; })()') as Promise<{ tag: string; href: string | null; text: string }>;
    let f = await focused();
    for (let i = 0; i < 60 && !(f.tag === 'A' && f.href?.startsWith('/zaken/')); i++) {
      await evaPage.keyboard.press('Tab');
      f = await focused();
    }
    expect(f.href, 'the first case link is reachable by Tab').to.equal(`/zaken/${n.keyboard}`);
    await Promise.all([evaPage.waitForURL(`**/zaken/${n.keyboard}`), evaPage.keyboard.press('Enter')]);
    f = await focused();
    for (let i = 0; i < 60 && !(f.tag === 'BUTTON' && f.text === 'Oppakken'); i++) {
      await evaPage.keyboard.press('Tab');
      f = await focused();
    }
    expect(f.text, 'the claim button is reachable by Tab').to.equal('Oppakken');
    await Promise.all([evaPage.waitForURL(/done=claim/), evaPage.keyboard.press('Enter')]);
    expect(await factOf(evaPage, 'assignee')).to.equal('eerstelijn');
    await accessible(evaPage, 'case (claimed by keyboard)');
  });

  it('7. every other page passes axe: English queue and case, 403 and 404 pages', async function () {
    await evaPage.goto(`${t.url}/?lang=en`);
    expect(await evaPage.locator('h1').innerText()).to.equal('Queue');
    await accessible(evaPage, 'queue (English)');
    await evaPage.goto(`${t.url}/zaken/${n.two}`);
    expect(await evaPage.locator('h1').innerText()).to.equal(`Case ${n.two}`);
    await accessible(evaPage, 'case (English)');
    await evaPage.goto(`${t.url}/?lang=nl`);

    // A first-line agent posting the second-line reveal form: 403 page.
    await evaPage.goto(`${t.url}/zaken/${n.two}`);
    const [res] = await Promise.all([
      evaPage.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/bsn')),
      evaPage.evaluate(`(() => {
        const f = document.createElement('form');
        f.method = 'post';
        f.action = '/zaken/${n.two}/bsn';
        for (const [k, v] of [['_csrf', document.querySelector('input[name=_csrf]').value], ['version', '0'], ['requestId', 'forged-by-first-line'], ['reason', 'nieuwsgierig']]) {
          const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f);
        f.submit();
      })()`),
    ]);
    expect(res.status()).to.equal(403);
    await evaPage.waitForLoadState('load');
    expect(await evaPage.locator('h1').innerText()).to.equal('Geen toegang');
    await accessible(evaPage, '403 page (first line asks for a BSN)');

    const r404 = await evaPage.goto(`${t.url}/zaken/KCC-2099-999999`);
    expect(r404!.status()).to.equal(404);
    await accessible(evaPage, '404 page (no such case)');
    const r404b = await evaPage.goto(`${t.url}/bestaat-niet`);
    expect(r404b!.status()).to.equal(404);
    await accessible(evaPage, '404 page (no such page)');

    // An account without a workbench role: the no-role page (403).
    const gerda = await b.newContext();
    const gerdaPage = await gerda.newPage();
    expect(await signInInBrowser(gerdaPage, t.url, 'geenrol', password, { expect: 'refused' })).to.equal(403);
    expect(await gerdaPage.locator('h1').innerText()).to.equal('Geen toegang');
    await accessible(gerdaPage, '403 page (account without a role)');
    await gerda.close();
  });

  it("8. citizen content never runs as script, and the session cookie stays out of the page's reach", async function () {
    await evaPage.goto(`${t.url}/`);
    expect(await evaPage.locator('main').innerText()).to.contain('<img src=x onerror=');
    await evaPage.goto(`${t.url}/zaken/${n.xss}`);
    const main = await evaPage.locator('main').innerText();
    expect(main).to.contain(`Naam ${XSS}`);
    // The message itself is in its sandboxed frame (issue #16), as text there.
    expect(await evaPage.frameLocator('iframe[data-testid="message-frame"]').first().locator('body').innerText()).to.contain(`Tekst ${XSS}`);
    await accessible(evaPage, 'case (hostile citizen content)');
    for (const url of [`${t.url}/`, `${t.url}/zaken/${n.xss}`]) {
      await evaPage.goto(url);
      await evaPage.waitForTimeout(200);
      expect(await evaPage.evaluate('typeof window.__pwned'), url).to.equal('undefined');
      expect(await evaPage.locator('main img, main script').count(), url).to.equal(0);
      expect(await evaPage.evaluate('document.cookie'), url).to.not.contain('kcc_session');
    }
    expect(b.dialogs).to.deep.equal([]);
  });

  it('8b. an expired session keeps the draft reply: back to sign-in, and after signing in the composer has it', async function () {
    await evaPage.goto(`${t.url}/zaken/${n.two}`);
    const draft = `Concept-antwoord ${Date.now()}: u vindt uw berichten in MijnOverheid.`;
    await evaPage.locator(`#reply-text-${n.two}`).fill(draft);
    // The session ends while the agent types (idle timeout, or revoked).
    await t.wb.sessions.models.Session.deleteMany({});
    await Promise.all([evaPage.waitForURL('**/auth/sign-in**'), evaPage.getByRole('button', { name: 'Versturen', exact: true }).click()]);
    expect(await evaPage.locator('main').innerText()).to.contain('Uw sessie is verlopen');
    await accessible(evaPage, 'sign-in page after an expired session');
    // The provider still knows her (its own session lives on): signing in is one click, and
    // the callback brings her back to the case she was on.
    await Promise.all([evaPage.waitForURL(`**/zaken/${n.two}`), evaPage.locator('main a[href^="/auth/login"]').click()]);
    await evaPage.waitForLoadState('load');
    expect(await evaPage.locator(`#reply-text-${n.two}`).inputValue()).to.equal(draft);
    const stored = await t.store.models.Case.findOne({ caseNumber: n.two }).lean();
    expect(stored!.replies ?? []).to.have.length(0);
  });

  it('9. wrote screenshots of the queue and case views, and nothing left 127.0.0.1', function () {
    for (const f of ['queue.png', 'case.png', 'case-second-line.png']) {
      const st = statSync(path.join(ARTIFACTS, f));
      expect(st.size, f).to.be.greaterThan(10_000);
      expect(st.mtimeMs, `${f} written by this run`).to.be.greaterThanOrEqual(startedAt - 1000);
    }
    // Every page the first-line agent was shown, to the end of the flow: never the BSN.
    for (const html of firstLineHtml) expect(html).to.not.contain(bsn).and.to.not.contain(grouped);
    expect(b.blocked, 'requests to hosts other than 127.0.0.1').to.deep.equal([]);
    expect(b.cspViolations, 'Content-Security-Policy violations').to.deep.equal([]);
    expect(b.dialogs).to.deep.equal([]);
    expect(checked.length).to.be.greaterThanOrEqual(18);
    if (b.providerCspWidened.length) {
      console.warn(`      note: the identity provider's form-action 'self' blocks the redirect to the workbench in a real browser; widened by the test on ${b.providerCspWidened.length} page(s) until scripts/idp.ts allows http://127.0.0.1:*`);
    }
  });
});
