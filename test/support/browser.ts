/**
 * Real headless Chromium for the workbench's browser tests: Debian's package (never a
 * downloaded browser), every request that does not go to 127.0.0.1 aborted and counted (this
 * workplace flags traffic to outside addresses, and the pages must fetch nothing remote),
 * axe-core for WCAG 2.1 AA, and sign-in through the local identity provider's own form.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Debian's Chromium, found on PATH (looked up here, not by running another program). */
export function chromiumPath(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, 'chromium');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this folder
    }
  }
  throw new Error('Chromium is not installed: install the Debian package `chromium` (apt-get install chromium; scripts/services.sh up does it)');
}

export interface Browsing {
  browser: Browser;
  /** Hosts of every request that was aborted because it did not go to 127.0.0.1 (all contexts). */
  blocked: string[];
  /** Every dialog (alert, confirm, prompt) any page opened. */
  dialogs: string[];
  /** Console errors about the Content-Security-Policy (a page relying on inline code). */
  cspViolations: string[];
  /** Provider pages whose form-action had to be widened (see LaunchOptions.providerOrigin). */
  providerCspWidened: string[];
  /** A fresh context (its own cookies) with the block-and-count rule installed. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export const LOCAL_HOST = '127.0.0.1';

export interface LaunchOptions {
  /**
   * The local identity provider's origin. Its login page sends `form-action 'self'`, and
   * Chromium applies form-action to the whole redirect chain after the form's POST, which
   * ends on the workbench's callback (another port, so not 'self'): a real browser cannot
   * finish signing in. Until scripts/idp.ts allows the loopback redirect URIs
   * (`form-action 'self' http://127.0.0.1:*`), the test widens that one directive on that
   * one origin's pages, and counts it in `providerCspWidened`.
   */
  providerOrigin?: string;
}

export async function launchBrowser(o: LaunchOptions = {}): Promise<Browsing> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Chromium's sandbox cannot start as root (CI containers); as any other user it stays on.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const blocked: string[] = [];
  const dialogs: string[] = [];
  const cspViolations: string[] = [];
  const contexts: BrowserContext[] = [];
  const providerCspWidened: string[] = [];
  return {
    browser, blocked, dialogs, cspViolations, providerCspWidened,
    async newContext() {
      // The pages' own Content-Security-Policy stays on (no bypassCSP): the flow must work under it.
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
      contexts.push(ctx);
      await blockRemote(ctx, blocked, o.providerOrigin ? { origin: o.providerOrigin, widened: providerCspWidened } : undefined);
      ctx.on('page', (p) => watchPage(p, dialogs, cspViolations));
      return ctx;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Aborts (before anything is sent) and counts every request whose host is not 127.0.0.1. */
export async function blockRemote(ctx: BrowserContext, blocked: string[], provider?: { origin: string; widened: string[] }): Promise<void> {
  await ctx.route('**/*', async (route) => {
    let url: URL | null = null;
    try { url = new URL(route.request().url()); } catch { url = null; }
    const host = url?.hostname ?? '(unparsable)';
    if (host === LOCAL_HOST && provider && url!.origin === provider.origin && route.request().resourceType() === 'document') {
      const res = await route.fetch({ maxRedirects: 0 });
      const headers = res.headers();
      const csp = headers['content-security-policy'];
      if (csp && /form-action 'self'(;|$)/.test(csp)) {
        headers['content-security-policy'] = csp.replace(/form-action 'self'(;|$)/, "form-action 'self' http://127.0.0.1:*$1");
        provider.widened.push(url!.pathname.replace(/[\w-]{20,}/g, ':uid'));
      }
      return route.fulfill({ response: res, headers });
    }
    if (host === LOCAL_HOST) return route.continue();
    blocked.push(host);
    return route.abort('blockedbyclient');
  });
}

function watchPage(p: Page, dialogs: string[], csp: string[]): void {
  p.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss().catch(() => undefined); });
  p.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(`${p.url()}: ${m.text().slice(0, 200)}`); });
}

// ------------------------------------------------------------------ axe-core

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
let axeSource: string | null = null;

/**
 * axe's violations of WCAG 2.1 A/AA on the page as it is now. axe is evaluated through the
 * DevTools protocol rather than `page.addScriptTag`: addScriptTag inserts an inline script,
 * which the pages' strict CSP (no inline script) rightly refuses, and turning the CSP off
 * for the test would hide a page that only works without it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const has = await page.evaluate('typeof window.axe === "object"');
  if (!has) await page.evaluate(axeSource);
  const tags = JSON.stringify(AXE_TAGS);
  return page.evaluate(`window.axe.run(document, { runOnly: { type: 'tag', values: ${tags} } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`) as Promise<AxeViolation[]>;
}

export function formatViolations(label: string, url: string, vs: AxeViolation[]): string {
  return [`axe: ${vs.length} violation(s) on ${label} (${url}):`, ...vs.map((v) => `  - ${v.id} [${v.impact}] ${v.help}\n${v.nodes.map((n) => `      at ${JSON.stringify(n.target)}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`).join('\n')}`)].join('\n');
}

/** Throws, listing each violation's id, impact and target selectors, unless axe finds none. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const vs = await axeViolations(page);
  if (vs.length) throw new Error(formatViolations(label, page.url(), vs));
}

// ------------------------------------------------------------------ sign-in

export interface BrowserSignIn {
  /** Called on the workbench's own sign-in page and on the provider's login form. */
  onSignInPage?: (page: Page) => Promise<void>;
  onProviderPage?: (page: Page) => Promise<void>;
  /** 'queue' (default): ends on the workbench's queue; 'refused': ends on the callback's refusal page. */
  expect?: 'queue' | 'refused';
  /** The page a signed-in role lands on ('/', the queue; '/privacy' for the privacy officer). */
  landing?: string;
}

/**
 * Signs in as a person does: the workbench's sign-in page, its button, the provider's form
 * (#login, #password), back through the callback. Returns the status of the last page.
 */
export async function signInInBrowser(page: Page, base: string, account: string, password: string, o: BrowserSignIn = {}): Promise<number> {
  const origin = new URL(base).origin;
  await page.goto(`${base}/`);
  const landing = o.landing ?? '/';
  if (new URL(page.url()).pathname !== '/auth/sign-in') throw new Error(`expected the sign-in page, got ${page.url()}`);
  await o.onSignInPage?.(page);
  await Promise.all([page.waitForURL((u) => u.origin !== origin), page.locator('main a[href^="/auth/login"]').click()]);
  await page.locator('#login').waitFor();
  // The provider's page came at the end of a redirect chain, which routes never see: loaded
  // once more as a navigation of its own, it passes the route that widens its form-action
  // (LaunchOptions.providerOrigin). Harmless once scripts/idp.ts sends the right directive.
  await page.reload();
  await page.locator('#login').waitFor();
  await o.onProviderPage?.(page);
  await page.fill('#login', account);
  await page.fill('#password', password);
  if (o.expect === 'refused') {
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).origin === origin && new URL(r.url()).pathname === '/auth/callback'),
      page.locator('form button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    return res.status();
  }
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).origin === origin && new URL(r.url()).pathname === landing && r.request().resourceType() === 'document'),
    page.locator('form button[type="submit"]').click(),
  ]);
  await page.waitForURL((u) => u.origin === origin && u.pathname === landing);
  await page.waitForLoadState('load');
  return res.status();
}
