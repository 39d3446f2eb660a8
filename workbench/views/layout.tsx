/**
 * The page frame. Server-rendered with preact, which escapes every value by default: the
 * only way to put raw HTML in a page is `dangerouslySetInnerHTML`, which no view uses (a test
 * greps for it). No inline script or style of ours, so the Content-Security-Policy needs
 * neither 'unsafe-inline' nor a nonce.
 */
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { SignedInAgent } from '../access.ts';
import type { Lang, Strings } from '../i18n.ts';

export interface PageContext {
  lang: Lang;
  t: Strings;
  agent: SignedInAgent | null;
  /** The session's CSRF token, for every form that changes something. */
  csrf: string | null;
  /** The current path and query, for the language switch. */
  path: string;
}

export function page(ctx: PageContext, title: string, body: ComponentChildren): string {
  return `<!doctype html>${render(<Layout ctx={ctx} title={title}>{body}</Layout>)}`;
}

function switchLanguage(path: string, to: string): string {
  const u = new URL(path, 'http://x');
  u.searchParams.set('lang', to);
  return `${u.pathname}${u.search}`;
}

function Layout({ ctx, title, children }: { ctx: PageContext; title: string; children: ComponentChildren }) {
  const { t, agent } = ctx;
  return (
    <html lang={ctx.lang} class="utrecht-theme">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${t.appName}`}</title>
        <link rel="stylesheet" href="/static/utrecht-tokens.css" />
        <link rel="stylesheet" href="/static/utrecht.css" />
        <link rel="stylesheet" href="/static/workbench.css" />
        <script src="/static/workbench.js" defer></script>
      </head>
      <body class="utrecht-document utrecht-document--surface">
        <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">{t.skipToContent}</a>
        <header class="utrecht-page-header kcc-header">
          <nav aria-label={t.appName} class="kcc-nav">
            <a class="utrecht-link kcc-brand" href="/">{t.appName}</a>
            {agent && agent.role !== 'privacy_officer' && <a class="utrecht-link" href="/">{t.queue}</a>}
            {agent && agent.role !== 'privacy_officer' && <a class="utrecht-link" href="/zoeken">{t.navSearch}</a>}
            {agent?.role === 'team_lead' && <a class="utrecht-link" href="/geweigerd">{t.navRefused}</a>}
            {agent?.role === 'team_lead' && <a class="utrecht-link" href="/rapportages">{t.navReports}</a>}
            {agent?.role === 'privacy_officer' && <a class="utrecht-link" href="/privacy">{t.navPrivacy}</a>}
            <a class="utrecht-link" href={switchLanguage(ctx.path, t.otherLanguageCode)} lang={t.otherLanguageCode} hreflang={t.otherLanguageCode}>{t.otherLanguage}</a>
          </nav>
          {agent && (
            <div class="kcc-agent">
              <span>{t.signedInAs} <strong>{agent.displayName}</strong> ({t.role[agent.role] ?? agent.role})</span>
              <form method="post" action="/auth/logout" class="kcc-inline-form">
                <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
                <button type="submit" class="utrecht-button utrecht-button--subtle">{t.signOut}</button>
              </form>
            </div>
          )}
        </header>
        <main id="inhoud" class="utrecht-page-content kcc-main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

export function Message({ title, text, code, children }: { title: string; text: string; code?: string; children?: ComponentChildren }) {
  return (
    <section>
      <h1 class="utrecht-heading-1">{title}</h1>
      <p class="utrecht-paragraph">{text}</p>
      {code && <p class="utrecht-paragraph"><span>{code}</span></p>}
      {children}
    </section>
  );
}
