/**
 * The hostile corpus (issue #16) in a real browser: public XSS vectors (OWASP XSS Filter
 * Evasion Cheat Sheet, cure53 H5SC, DOMPurify's fixtures, the helpdesk CVEs of the issue;
 * test/fixtures/hostile/vectors.json) rebuilt as e-mails, each vector in the HTML body and
 * the subject of four mails, and in each of: the From name, an attachment's name, an SVG attachment, the
 * contact details extraction reads (the signature's name line). They go through the
 * pipeline's own analysis, case store and content store, and Debian's Chromium renders
 * every page that shows them: the queue (every page of it), every case view (with its
 * message frame and history), the plain-text mode, the privacy officer's read-log page, and
 * the privacy officer's DSAR pages: the export of a citizen found by e-mail (a JSON download
 * that must never be rendered: it holds the vectors as they came), the erasure's result
 * page, the audit log and the deletion log. Checked by the browser: no script ran (a marker
 * global never set, no dialog), no request left 127.0.0.1 (aborted and counted at the
 * network layer), the session cookie is not readable from the page. The workbench has no
 * search page and no history page of its own (a case's history is part of its case view).
 */
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Page } from 'playwright-core';
import { config } from '../../support/env.ts';
import { dedupeKeyOf, messageIdFromRaw, sha256Of } from '../../../lib/contracts.ts';
import { analyseEmail } from '../../../processors/analyse/index.ts';
import { contentInputOf, emailIntakeMessage } from '../../../processors/intake/index.ts';
import { demoPassword, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { launchBrowser, signInInBrowser, type Browsing } from '../../support/browser.ts';

const ARTIFACTS = path.join(config.localDir, 'artifacts', 'workbench');
const MARKER = '__kcc_xss';
const JS = `window.${MARKER}=1,alert(1)`;
const VECTORS = (JSON.parse(readFileSync(new URL('../../fixtures/hostile/vectors.json', import.meta.url), 'utf8')) as { vectors: Array<{ source: string; vector: string }> }).vectors;
const POSITIONS = ['from_name', 'attachment_name', 'svg_attachment', 'contact_details'] as const;

interface Built { raw: Buffer; source: string; positions: string[] }

async function buildCorpus(): Promise<Built[]> {
  const out: Built[] = [];
  for (let i = 0; i < VECTORS.length; i++) {
    const { source, vector } = VECTORS[i]!;
    const v = vector.replaceAll('%JS%', JS);
    // Each vector is four mails: in the HTML body and the subject of each, and in one of the other positions each.
    for (const extra of POSITIONS) {
      const attachments: Array<{ filename: string; content: Buffer; contentType: string }> = [];
      if (extra === 'attachment_name') attachments.push({ filename: `${v}.png`, content: Buffer.from('not really a png'), contentType: 'image/png' });
      if (extra === 'svg_attachment') attachments.push({ filename: 'tekening.svg', content: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg">${v}<script>${JS}</script></svg>`), contentType: 'image/svg+xml' });
      const name = extra === 'contact_details' ? v : 'Test Burger';
      const raw = await new MailComposer({
        from: { name: extra === 'from_name' ? v : 'Test Burger', address: `hostile${i}-${extra}@citizens.test` },
        to: 'intake@kcc.test',
        subject: `Vraag ${i} ${v}`,
        text: `Goedemiddag,\n\nIk heb een vraag over DigiD.\n\nMet vriendelijke groet,\n${name}\nTel. 06-12345678`,
        html: `<p>Goedemiddag,</p><p>Ik heb een vraag over DigiD.</p>${v}<p>Met vriendelijke groet,<br>${name}</p>`,
        attachments,
      }).compile().build();
      out.push({ raw, source, positions: ['html_body', 'subject', extra] });
    }
  }
  return out;
}

describe('hostile corpus in a real browser (Chromium): no script runs, nothing leaves the origin', function () {
  this.timeout(900_000);
  let t: TestWorkbench;
  let b: Browsing;
  let corpus: Built[] = [];
  const numbers: string[] = [];
  const executed: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    corpus = await buildCorpus();
    t = await startTestWorkbench('kcc_test_content_hostile');
    // The e-mail processor's own path, without Kafka: analyse, store the case, keep its content.
    for (const m of corpus) {
      const key = dedupeKeyOf(messageIdFromRaw(m.raw), sha256Of(m.raw));
      const a = await analyseEmail(m.raw, { ourAddresses: ['intake@kcc.test'] });
      if (!a.isCase) throw new Error('a hostile mail was taken for a non-case');
      const r = await t.store.ingest(emailIntakeMessage(a, { dedupeKey: key, receivedAt: new Date(), source: { kind: 'imap' }, attachments: a.attachments }));
      const c = await t.store.models.Case.findById(r.caseId, { expiresAt: 1 }).lean<{ expiresAt: Date }>();
      await t.store.content.keep(contentInputOf(a, { caseId: r.caseId, dedupeKey: key, receivedAt: new Date(), expiresAt: c!.expiresAt }));
      numbers.push(r.caseNumber);
    }
    b = await launchBrowser({ providerOrigin: new URL(config.workbench.oidc.issuer).origin });
  });
  after(async () => {
    await b?.close();
    await t?.close();
  });

  it(`has at least 200 hostile messages, by source and position`, () => {
    const bySource: Record<string, number> = {};
    const byPosition: Record<string, number> = {};
    for (const m of corpus) {
      bySource[m.source] = (bySource[m.source] ?? 0) + 1;
      for (const p of m.positions) byPosition[p] = (byPosition[p] ?? 0) + 1;
    }
    console.log(`      corpus: ${corpus.length} messages from ${VECTORS.length} vectors; by source ${JSON.stringify(bySource)}; by position ${JSON.stringify(byPosition)}`);
    expect(corpus.length).to.be.at.least(200);
    expect(numbers.length).to.equal(corpus.length);
  });

  async function checkPage(page: Page, label: string): Promise<void> {
    if (await page.evaluate(`typeof window.${MARKER} !== 'undefined'`)) executed.push(label);
    for (const f of page.frames()) {
      // A sandboxed frame without allow-scripts cannot run script at all; where the protocol can still look, look.
      const set = await f.evaluate(`typeof window.${MARKER} !== 'undefined'`).catch(() => false);
      if (set) executed.push(`${label} (frame)`);
    }
    const cookie = (await page.evaluate('(() => { try { return document.cookie; } catch { return ""; } })()')) as string;
    expect(cookie, `${label}: session cookie readable`).to.not.include('kcc_session');
  }

  it('detector control: the same checks see a script that runs, a dialog and a remote request', async () => {
    const ctx = await b.newContext();
    const page = await ctx.newPage();
    // about:blank has no CSP of ours: the control page runs what it holds.
    await page.setContent(`<img src="http://remote.example/x.png"><img src=x onerror="${JS}">`);
    await page.waitForTimeout(300);
    const before = executed.length;
    await checkPage(page, 'control');
    expect(executed.length).to.be.greaterThan(before);
    expect(b.dialogs.length).to.be.at.least(1);
    expect(b.blocked).to.include('remote.example');
    // Reset: the control's findings are not the corpus's.
    executed.length = 0; b.dialogs.length = 0; b.blocked.length = 0;
    await ctx.close();
  });

  it('renders the queue (every page), every case view with its frame and history, and plain text, in Chromium', async () => {
    const ctx = await b.newContext();
    const page = await ctx.newPage();
    await signInInBrowser(page, t.url, 'eerstelijn', demoPassword());
    // The queue, page after page.
    let url: string | null = `${t.url}/`;
    let queuePages = 0;
    while (url) {
      await page.goto(url, { waitUntil: 'load' });
      await checkPage(page, `queue ${queuePages}`);
      queuePages += 1;
      const next = await page.locator('main a[href*="after="]:not([href*="lang="])').first().getAttribute('href').catch(() => null);
      url = next ? new URL(next, t.url).href : null;
      if (queuePages > 20) throw new Error('the queue does not end');
    }
    expect(queuePages).to.be.at.least(1);
    let frames = 0;
    for (const [i, n] of numbers.entries()) {
      await page.goto(`${t.url}/zaken/${n}`, { waitUntil: 'load' });
      frames += await page.locator('iframe[data-testid="message-frame"]').count();
      await checkPage(page, `case ${n}`);
      if (i === 0) await page.screenshot({ path: path.join(ARTIFACTS, 'hostile-case.png'), fullPage: true });
      if (i % 20 === 0) {
        await page.goto(`${t.url}/zaken/${n}?weergave=tekst`, { waitUntil: 'load' });
        await checkPage(page, `case ${n} plain`);
      }
    }
    expect(frames).to.equal(numbers.length);
    // The privacy officer's read-log page of a few cases.
    const po = await b.newContext();
    const poPage = await po.newPage();
    await signInInBrowser(poPage, t.url, 'privacy', demoPassword(), { landing: '/privacy' });
    for (const n of numbers.filter((_, i) => i % 40 === 0)) {
      await poPage.goto(`${t.url}/privacy/zaken/${n}/inzage`, { waitUntil: 'load' });
      await checkPage(poPage, `read log ${n}`);
    }
    console.log(`      rendered: ${queuePages} queue page(s), ${numbers.length} case views with ${frames} message frames, ${Math.ceil(numbers.length / 20)} plain-text views, ${Math.ceil(numbers.length / 40)} read-log pages`);
    expect(executed, 'pages where script ran').to.deep.equal([]);
    expect(b.dialogs, 'dialogs opened').to.deep.equal([]);
    expect(b.blocked, 'requests that left 127.0.0.1').to.deep.equal([]);
  });

  it('renders the case search (by e-mail address and by case number) over the hostile citizens, in Chromium', async () => {
    const ctx = await b.newContext();
    const page = await ctx.newPage();
    await signInInBrowser(page, t.url, 'eerstelijn', demoPassword());
    let searches = 0; let hits = 0;
    for (let i = 0; i < VECTORS.length; i += 6) {
      for (const extra of ['contact_details', 'from_name'] as const) {
        await page.goto(`${t.url}/zoeken?q=${encodeURIComponent(`hostile${i}-${extra}@citizens.test`)}`, { waitUntil: 'load' });
        hits += await page.locator('[data-testid="search-results"] tbody tr').count();
        await checkPage(page, `search ${i} ${extra}`);
        searches += 1;
      }
    }
    for (const n of numbers.filter((_, i) => i % 40 === 0)) {
      await page.goto(`${t.url}/zoeken?q=${n}`, { waitUntil: 'load' });
      hits += await page.locator('[data-testid="search-results"] tbody tr').count();
      await checkPage(page, `search ${n}`);
      searches += 1;
    }
    console.log(`      rendered: ${searches} searches with ${hits} result rows`);
    expect(hits, 'the searches found the hostile cases').to.be.greaterThan(searches / 2);
    expect(executed, 'pages where script ran').to.deep.equal([]);
    expect(b.dialogs, 'dialogs opened').to.deep.equal([]);
    expect(b.blocked, 'requests that left 127.0.0.1').to.deep.equal([]);
    await ctx.close();
  });

  it("renders the privacy officer's DSAR pages: exports of citizens found by e-mail (downloads, never rendered), an erasure, the audit and deletion logs", async () => {
    const ctx = await b.newContext();
    const page = await ctx.newPage();
    await signInInBrowser(page, t.url, 'privacy', demoPassword(), { landing: '/privacy' });
    const asked: string[] = [];
    const downloads: string[] = [];
    let holdingVector = 0;
    // The citizens whose name (the contact details) and whose From name are a vector, every sixth vector.
    for (let i = 0; i < VECTORS.length; i += 6) {
      for (const extra of ['contact_details', 'from_name'] as const) {
        const label = `DSAR export ${i} ${extra}`;
        asked.push(label);
        await page.goto(`${t.url}/privacy`, { waitUntil: 'load' });
        await page.fill('#exp-email', `hostile${i}-${extra}@citizens.test`);
        // A download, or (if the export were ever served inline) a page that the checks below look at.
        const download = page.waitForEvent('download', { timeout: 15_000 }).catch(() => null);
        await page.locator('form[action="/privacy/export"] button[type="submit"]').click();
        const d = await download;
        await page.waitForLoadState('load');
        await checkPage(page, label);
        if (!d) continue;
        downloads.push(label);
        const body = readFileSync((await d.path())!, 'utf8');
        if (body.includes(MARKER)) holdingVector += 1;
      }
    }
    // The erasure of one hostile citizen: its result page.
    await page.goto(`${t.url}/privacy`, { waitUntil: 'load' });
    await page.fill('#era-email', 'hostile0-contact_details@citizens.test');
    await page.selectOption('#era-ground', { index: 1 });
    await page.check('#era-confirm');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('form[action="/privacy/erase"] button[type="submit"]').click()]);
    expect(await page.locator('[data-testid="erased-cases"]').textContent()).to.equal('1');
    await checkPage(page, 'DSAR erasure result');
    for (const logPage of ['/privacy/audit', '/privacy/verwijderingen']) {
      await page.goto(`${t.url}${logPage}`, { waitUntil: 'load' });
      await checkPage(page, logPage);
    }
    await ctx.close();
    console.log(`      DSAR: ${downloads.length} of ${asked.length} exports downloaded (${holdingVector} holding a vector's script), an erasure result, the audit and deletion logs`);
    expect(executed, 'pages where script ran').to.deep.equal([]);
    expect(b.dialogs, 'dialogs opened').to.deep.equal([]);
    expect(b.blocked, 'requests that left 127.0.0.1').to.deep.equal([]);
    expect(downloads, 'exports that were downloads, not pages').to.deep.equal(asked);
    // The exports do carry the hostile data (else this would prove nothing).
    expect(holdingVector).to.be.greaterThan(0);
  });
});
