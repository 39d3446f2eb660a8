/**
 * The agents' workbench: a thin web layer over the domain (processors/cases, identity,
 * audit). Routes check who may call them, validate input, call one domain function and
 * render its answer; no rule about cases is written here.
 *
 *   createWorkbench(deps) -> { app, start(), stop(), url }
 *
 * Security, in one place:
 *  - every route declares its access (access.ts); one hook enforces it;
 *  - sessions are server-side (auth/sessions.ts), the cookie HttpOnly, SameSite=Strict,
 *    Secure when the public URL is https;
 *  - every request that changes something carries the session's CSRF token (form field
 *    `_csrf` or header `x-csrf-token`), else 403;
 *  - strict Content-Security-Policy: scripts and styles from 'self' only, no inline code;
 *    nothing framed, no form posts elsewhere (except the identity provider's logout);
 *  - sign-in is rate-limited; errors never show a stack or a value, only a code.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { transformSync } from 'esbuild';
import type { Connection } from 'mongoose';
import type { Logger } from '../lib/logger.ts';
import { InputError, isRetriable } from '../lib/errors.ts';
import {
  ActionRefusedError, caseAccessFor, CaseChangedError, CaseNotFoundError, CASE_LINES, CLOSE_OUTCOMES, OPEN_STATUSES,
  type CaseDoc, type CaseLine, type CaseStore, type CaseStatus, type CloseOutcome, type QueueFilter,
} from '../processors/cases/index.ts';
import type { IdentityStore } from '../processors/identity/index.ts';
import type { AuditLog } from '../processors/audit/index.ts';
import { TOPICS } from '../processors/classify/index.ts';
import { answerTemplate } from '../templates/index.ts';
import { renderReplyLetter, replyLetterForCase } from '../processors/replyletter/index.ts';
import { AGENT_ROLES, collectRoutes, installAccess, routeTable, type AgentRole, type SignedInAgent } from './access.ts';
import { createOidcClient, type OidcClient, type OidcSettings } from './auth/oidc.ts';
import { createSessionStore, LOGIN_STATE_MS, newToken, type Session, type SessionStore } from './auth/sessions.ts';
import { langOf, strings, type Lang } from './i18n.ts';
import { page, Message, type PageContext } from './views/layout.tsx';
import { queuePage } from './views/queue.tsx';
import { casePage, type CaseViewModel } from './views/case.tsx';
import { identityPage } from './views/identity.tsx';
import type { Survey } from '../processors/survey/index.ts';
import { registerSurveyRoutes } from './routes/survey.tsx';
import { registerContentRoutes } from './routes/content.tsx';
import type { KeyedHasher } from '../lib/crypto.ts';
import { AUDIT_COLLECTION } from '../processors/audit/index.ts';
import { relatedCases } from '../processors/cases/index.ts';
import type { RetryConfig } from '../processors/deadletters/index.ts';
import type { RouteContext } from './routes/context.ts';
import { registerDeadLetterRoutes } from './routes/deadletters.tsx';
import { registerReportRoutes } from './routes/reports.tsx';
import { registerSearchRoutes } from './routes/search.tsx';
import { registerPrivacyRoutes } from './routes/privacy.tsx';

export { AGENT_ROLES, routeTable, type AgentRole, type SignedInAgent } from './access.ts';

export interface WorkbenchSettings {
  host: string;
  port: number;
  /** As the browser reaches it (behind TLS termination in production): redirect URIs derive from it. */
  publicUrl: string | null;
  oidc: Omit<OidcSettings, 'redirectUri' | 'postLogoutRedirectUri'>;
  /** Demo mode: the sign-in page lists the local provider's demo accounts. Off in production. */
  demo: boolean;
  /**
   * The proxies (addresses or CIDRs, config KCC_WORKBENCH_TRUST_PROXY) whose X-Forwarded-For
   * and -Proto are believed; none when empty or left out. Any other peer's headers are ignored:
   * a client cannot choose the address the sign-in rate limit counts.
   */
  trustProxy?: readonly string[];
}

export interface WorkbenchDeps {
  settings: WorkbenchSettings;
  conn: Connection;
  store: CaseStore;
  identity: IdentityStore;
  audit: AuditLog;
  logger: Logger;
  clock?: () => Date;
  /** Tests may hand in their own (a provider that is down). */
  oidc?: OidcClient;
  sessions?: SessionStore;
  /** The satisfaction survey (processors/survey): its public pages, the case's consent block, the report. */
  survey?: Survey;
  /** Subject-access look-ups on the privacy officer's pages (config.keys.hmac). */
  hasher?: KeyedHasher;
  /** What a dead-letter retry needs (the app's config: Kafka, the intake mailbox, the size limit). */
  retry?: RetryConfig;
  /** The collections the retention report covers (app/index.ts RETENTION_COLLECTIONS). */
  retentionCollections?: readonly string[];
}

export interface Workbench {
  readonly app: FastifyInstance;
  readonly sessions: SessionStore;
  /** The URL it listens on (after start). */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const SESSION_COOKIE = 'kcc_session';
const LANG_COOKIE = 'kcc_lang';
/** Binds a sign-in's state to the browser that began it (login CSRF); lives as long as the state. */
const LOGIN_COOKIE = 'kcc_login';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = (p: string) => path.join(HERE, '..', 'node_modules', p);

/** Pages and answers are about people: never cached anywhere. */
const NO_STORE = 'no-store';

interface Static { body: Buffer; type: string }

function staticFiles(): Map<string, Static> {
  const m = new Map<string, Static>();
  const css = (p: string) => ({ body: readFileSync(p), type: 'text/css; charset=utf-8' });
  m.set('utrecht.css', css(require('@utrecht/component-library-css/dist/index.css')));
  m.set('utrecht-tokens.css', css(require('@utrecht/design-tokens/dist/index.css')));
  m.set('workbench.css', css(path.join(HERE, 'static', 'workbench.css')));
  // The one script, from TypeScript, compiled once at start (no build step).
  const js = transformSync(readFileSync(path.join(HERE, 'static', 'browser.ts'), 'utf8'), { loader: 'ts', target: 'es2020', format: 'iife' }).code;
  m.set('workbench.js', { body: Buffer.from(js, 'utf8'), type: 'text/javascript; charset=utf-8' });
  return m;
}

export interface Problem { type: string; title: string; status: number; code: string; detail?: string; [k: string]: unknown }

export function problem(status: number, code: string, title: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `urn:kcc:problem:${code.toLowerCase().replace(/_/g, '-')}`, title, status, code, ...extra };
}

/** A case on a line the agent's role may not open or work (processors/cases caseAccessFor). */
export class CaseLineForbiddenError extends Error {
  readonly code = 'CASE_LINE_FORBIDDEN';
  constructor() { super('this case is on a line your role may not open or work'); this.name = 'CaseLineForbiddenError'; }
}

/** Domain errors to HTTP: stable codes, never a value or a stack. */
export function problemOf(err: unknown): Problem {
  if (err instanceof CaseLineForbiddenError) return problem(403, err.code, 'Your role may not open or work a case on this line');
  if (err instanceof CaseNotFoundError) return problem(404, err.code, 'No such case');
  if (err instanceof CaseChangedError) {
    return problem(409, err.code, 'The case changed since it was loaded', {
      version: err.version, since: err.since.map((e) => ({ action: e.action, actorRole: e.actor.role, actor: e.actor.id, at: e.at, version: e.version })),
    });
  }
  if (err instanceof ActionRefusedError) {
    const conflict = err.code.startsWith('CASE_') || err.code.startsWith('BSN_');
    return problem(conflict ? 409 : 422, err.code, err.message);
  }
  if (err instanceof InputError) {
    return problem(err.code.endsWith('_NOT_FOUND') ? 404 : 422, err.code, err.message);
  }
  const e = err as { validation?: unknown; statusCode?: number; code?: string };
  if (e.validation) return problem(400, 'REQUEST_INVALID', 'The request does not match the schema', { detail: (err as Error).message.slice(0, 300) });
  if (e.statusCode === 429) return problem(429, 'RATE_LIMITED', 'Too many requests; wait a minute');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return problem(e.statusCode, e.code ?? 'REQUEST_INVALID', 'The request was not valid');
  if (isRetriable(err)) return problem(503, (err as { code?: string }).code ?? 'DEPENDENCY_UNAVAILABLE', 'A service the workbench needs is not available; try again shortly');
  return problem(500, 'INTERNAL_UNEXPECTED', 'Unexpected error');
}

const isApi = (req: FastifyRequest) => req.url.startsWith('/api/');
const caseNumberParam = { type: 'object', properties: { number: { type: 'string', pattern: '^KCC-\\d{4}-\\d{6}$' } }, required: ['number'] } as const;

/** Agents seen on a case in the last two minutes, per process (shown as "ook geopend door"). */
const PRESENCE_MS = 2 * 60_000;

export async function createWorkbench(deps: WorkbenchDeps): Promise<Workbench> {
  const { settings, store, identity, audit, logger } = deps;
  const now = deps.clock ?? (() => new Date());
  const desk = store.desk;
  const sessions = deps.sessions ?? createSessionStore(deps.conn, deps.clock ? { clock: deps.clock } : {});
  await sessions.ensureIndexes();
  const files = staticFiles();
  const log = logger.child({ stage: 'workbench' });
  // Queue rows written in an older form (subjects unmasked before issue #16) are rewritten from
  // their cases before the queue is served; once done this is one query (processors/cases/repair.ts).
  const repaired = await store.repairWorkItems();
  if (repaired.rewritten > 0) log.info({ rewritten: repaired.rewritten }, 'work items of an older form rewritten');
  const presence = new Map<string, Map<string, { name: string; at: number }>>();

  const app = Fastify({
    logger: false,
    trustProxy: settings.trustProxy?.length ? [...settings.trustProxy] : false,
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  let publicUrl = settings.publicUrl;
  let oidc: OidcClient | null = deps.oidc ?? null;
  const oidcClient = (): OidcClient => {
    oidc ??= createOidcClient({ ...settings.oidc, redirectUri: `${publicUrl}/auth/callback`, postLogoutRedirectUri: `${publicUrl}/auth/signed-out` });
    return oidc;
  };
  const secureCookies = () => publicUrl?.startsWith('https://') ?? false;
  const idpOrigin = new URL(settings.oidc.issuer).origin;

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(rateLimit, { global: false });
  // The OpenAPI document comes from the routes' own JSON schemas (one source for validation
  // and documentation); only /api/v1 is in it, the pages are not an API.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'KCC-werkplek API', version: '1.0.0', description: 'The agents\' workbench: queue, cases and actions. Errors are RFC 9457 problem+json with a stable `code`. Signed-in session cookie plus the session\'s CSRF token in `x-csrf-token` for every change.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: ({ schema, url }) => ({ schema: url.startsWith('/api/') ? schema : { ...(schema ?? {}), hide: true }, url }),
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // The NL Design System checkboxes draw their tick as a data: SVG.
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The citizen's message, in its sandboxed frame from our own route (issue #16).
        frameSrc: ["'self'"],
        formAction: ["'self'", idpOrigin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    strictTransportSecurity: secureCookies(),
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });

  const sessionOf = new WeakMap<FastifyRequest, Session>();
  collectRoutes(app);
  installAccess(app, {
    async authenticate(req) {
      const s = await sessions.get(req.cookies[SESSION_COOKIE]);
      if (!s) return null;
      sessionOf.set(req, s);
      return s.agent;
    },
    async onDenied(req, agent) {
      await audit.record({ actor: { id: agent.id, role: agent.role }, action: 'access_denied', route: `${req.method} ${req.routeOptions.url}` });
    },
    unauthenticated(req, reply) {
      reply.header('cache-control', NO_STORE);
      if (isApi(req)) return reply.code(401).type('application/problem+json').send(problem(401, 'AUTH_REQUIRED', 'Sign in first'));
      // A form posted after the session ended: back to the page it was on (its action's parent,
      // /zaken/KCC-…/reply -> /zaken/KCC-…), where the browser script restores the draft. No
      // Referer to go by: the Referrer-Policy is no-referrer.
      const returnTo = req.method === 'GET' ? req.url : req.url.startsWith('/zaken/') ? req.url.split('?')[0]!.replace(/\/[^/]+$/, '') : '/';
      return reply.redirect(`/auth/sign-in?expired=${req.cookies[SESSION_COOKIE] ? 1 : 0}&returnTo=${encodeURIComponent(safeReturn(returnTo))}`, 303);
    },
    forbidden(req, reply) {
      reply.header('cache-control', NO_STORE);
      if (isApi(req)) return reply.code(403).type('application/problem+json').send(problem(403, 'ACCESS_DENIED', 'Your role may not do this'));
      const ctx = pageContext(req);
      return reply.code(403).type('text/html; charset=utf-8').send(page(ctx, ctx.t.forbiddenTitle, <Message title={ctx.t.forbiddenTitle} text={ctx.t.forbiddenText} />));
    },
  });

  // CSRF: after the body is parsed, before any handler; every method that changes something.
  app.addHook('preValidation', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.routeOptions.config.access === 'public') return;
    const s = sessionOf.get(req);
    const given = (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
    if (!s || typeof given !== 'string' || !sameSecret(given, s.csrf)) {
      reply.header('cache-control', NO_STORE);
      if (isApi(req)) return reply.code(403).type('application/problem+json').send(problem(403, 'CSRF_INVALID', 'Missing or wrong CSRF token'));
      const ctx = pageContext(req);
      return reply.code(403).type('text/html; charset=utf-8').send(page(ctx, ctx.t.forbiddenTitle, <Message title={ctx.t.forbiddenTitle} text={ctx.t.forbiddenText} code="CSRF_INVALID" />));
    }
  });

  app.addHook('onSend', async (req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', req.url.startsWith('/static/') ? 'public, max-age=3600' : NO_STORE);
  });

  app.setErrorHandler((err, req, reply) => {
    const p = problemOf(err);
    if (p.status >= 500) log.warn({ code: p.code, route: req.routeOptions.url }, 'workbench request failed');
    reply.header('cache-control', NO_STORE);
    if (isApi(req)) return reply.code(p.status).type('application/problem+json').send(p);
    const ctx = pageContext(req);
    const title = p.status === 404 ? ctx.t.notFoundTitle : p.status === 403 ? ctx.t.forbiddenTitle : ctx.t.errorTitle;
    const text = p.status === 404 ? ctx.t.notFoundText : p.code === 'CASE_LINE_FORBIDDEN' ? ctx.t.caseLineForbiddenText : p.status === 403 ? ctx.t.forbiddenText : ctx.t.errorText;
    return reply.code(p.status).type('text/html; charset=utf-8').send(page(ctx, title, <Message title={title} text={text} code={`${ctx.t.errorCode}: ${p.code}`} />));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.header('cache-control', NO_STORE);
    if (isApi(req)) return reply.code(404).type('application/problem+json').send(problem(404, 'NOT_FOUND', 'No such resource'));
    const ctx = pageContext(req);
    return reply.code(404).type('text/html; charset=utf-8').send(page(ctx, ctx.t.notFoundTitle, <Message title={ctx.t.notFoundTitle} text={ctx.t.notFoundText} />));
  });

  function langFor(req: FastifyRequest, reply?: FastifyReply): Lang {
    const q = (req.query as { lang?: unknown } | undefined)?.lang;
    const lang = langOf(q, req.cookies[LANG_COOKIE]);
    if (reply && (q === 'nl' || q === 'en')) reply.setCookie(LANG_COOKIE, q, { path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookies(), maxAge: 365 * 86400 });
    return lang;
  }

  function pageContext(req: FastifyRequest, reply?: FastifyReply): PageContext {
    const lang = langFor(req, reply);
    const s = sessionOf.get(req);
    return { lang, t: strings(lang), agent: req.agent ?? null, csrf: s?.csrf ?? null, path: req.url };
  }

  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

  // ------------------------------------------------------------------ public

  app.get('/static/:file', { config: { access: 'public' } }, async (req, reply) => {
    const f = files.get((req.params as { file: string }).file);
    if (!f) return reply.callNotFound();
    return reply.type(f.type).header('x-content-type-options', 'nosniff').send(f.body);
  });

  app.get('/healthz', { config: { access: 'public' } }, async () => ({ ok: true }));

  app.get('/auth/sign-in', { config: { access: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    const q = req.query as { returnTo?: string; expired?: string };
    const { t } = ctx;
    return html(reply, page(ctx, t.signInTitle, (
      <section>
        <h1 class="utrecht-heading-1">{t.signInTitle}</h1>
        {q.expired === '1' && <p class="utrecht-paragraph" role="alert">{t.sessionExpired}</p>}
        <p class="utrecht-paragraph">{t.signInText}</p>
        <p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href={`/auth/login?returnTo=${encodeURIComponent(safeReturn(q.returnTo ?? '/'))}`}>{t.signInButton}</a></p>
        {settings.demo && (
          <>
            <h2 class="utrecht-heading-2">{t.demoAccounts}</h2>
            <ul>{['eerstelijn (first_line)', 'eerstelijn2 (first_line)', 'tweedelijn (second_line)', 'teamleider (team_lead)', 'privacy (privacy_officer)'].map((a) => <li>{a}</li>)}</ul>
            <p class="utrecht-paragraph">{t.demoPasswordHint}</p>
          </>
        )}
      </section>
    )));
  });

  const signInLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  app.get('/auth/login', { config: { access: 'public', ...signInLimit } }, async (req, reply) => {
    const returnTo = safeReturn((req.query as { returnTo?: string }).returnTo ?? '/');
    try {
      const b = await oidcClient().begin();
      // Login CSRF: the state is bound to this browser by a random value in a cookie only the
      // callback receives. Lax, not Strict: it must come along on the provider's redirect back
      // (a cross-site top-level navigation). A browser with one already keeps it, so two tabs
      // signing in at once both complete.
      const current = req.cookies[LOGIN_COOKIE];
      const browser = current && /^[\w-]{43}$/.test(current) ? current : newToken();
      await sessions.saveLogin(b.state, b.verifier, b.nonce, returnTo, browser);
      reply.setCookie(LOGIN_COOKIE, browser, { path: '/auth/callback', httpOnly: true, sameSite: 'lax', secure: secureCookies(), maxAge: LOGIN_STATE_MS / 1000 });
      return reply.redirect(b.url, 303);
    } catch (err) {
      if (!isRetriable(err)) throw err;
      return idpDown(req, reply);
    }
  });

  app.get('/auth/callback', { config: { access: 'public', ...signInLimit } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    const q = req.query as { state?: string };
    const login = await sessions.takeLogin(typeof q.state === 'string' ? q.state : '', req.cookies[LOGIN_COOKIE]);
    if (login === 'other_browser') {
      // Someone else's sign-in (a link or a page that sent this browser here): never a session.
      log.warn({ code: 'OIDC_STATE_OTHER_BROWSER' }, 'sign-in callback from a browser that did not begin it');
      return html(reply, page(ctx, ctx.t.signInOtherBrowserTitle, <Message title={ctx.t.signInOtherBrowserTitle} text={ctx.t.signInOtherBrowserText} code="OIDC_STATE_OTHER_BROWSER"><p class="utrecht-paragraph"><a class="utrecht-link" href="/auth/sign-in">{ctx.t.signIn}</a></p></Message>), 403);
    }
    if (login === 'unknown') return html(reply, page(ctx, ctx.t.signInFailedTitle, <Message title={ctx.t.signInFailedTitle} text={ctx.t.signInFailedText} code="OIDC_STATE_UNKNOWN"><p class="utrecht-paragraph"><a class="utrecht-link" href="/auth/sign-in">{ctx.t.signIn}</a></p></Message>), 400);
    reply.clearCookie(LOGIN_COOKIE, { path: '/auth/callback' });
    let result;
    try {
      result = await oidcClient().complete(new URL(req.url, publicUrl!), { state: q.state!, verifier: login.verifier, nonce: login.nonce });
    } catch (err) {
      if (isRetriable(err)) return idpDown(req, reply);
      const code = (err as { code?: string }).code ?? 'OIDC_SIGN_IN_REFUSED';
      const noRole = code === 'OIDC_NO_ROLE';
      const title = noRole ? ctx.t.noRoleTitle : ctx.t.signInFailedTitle;
      return html(reply, page(ctx, title, <Message title={title} text={noRole ? ctx.t.noRoleText : ctx.t.signInFailedText} code={code} />), noRole ? 403 : 400);
    }
    const s = await sessions.create(result.agent, result.idToken);
    // The queue is not the privacy officer's: their first page is their own.
    if (login.returnTo === '/' && result.agent.role === 'privacy_officer') login.returnTo = '/privacy';
    reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookies() });
    // A SameSite=Strict cookie is not sent on a navigation that a cross-site redirect chain
    // started (the identity provider's): our own page moves on, so the next request is same-site.
    return html(reply, `<!doctype html><html lang="${ctx.lang}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeAttr(login.returnTo)}"><title>${escapeAttr(ctx.t.appName)}</title></head><body><p><a href="${escapeAttr(login.returnTo)}">${escapeAttr(ctx.t.queue)}</a></p></body></html>`);
  });

  app.post('/auth/logout', { config: { access: 'signed_in' } }, async (req, reply) => {
    const s = await sessions.destroy(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const url = await oidcClient().logoutUrl(s?.idToken ?? null);
    return reply.redirect(url ?? '/auth/signed-out', 303);
  });

  app.get('/auth/signed-out', { config: { access: 'public' } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    return html(reply, page(ctx, ctx.t.signedOutTitle, <Message title={ctx.t.signedOutTitle} text={ctx.t.signedOutText}><p class="utrecht-paragraph"><a class="utrecht-link" href="/auth/sign-in">{ctx.t.signIn}</a></p></Message>));
  });

  function idpDown(req: FastifyRequest, reply: FastifyReply) {
    const ctx = pageContext(req, reply);
    return html(reply, page(ctx, ctx.t.idpDownTitle, <Message title={ctx.t.idpDownTitle} text={ctx.t.idpDownText} code="OIDC_PROVIDER_UNREACHABLE" />), 503);
  }

  // ------------------------------------------------------------------ queue

  const WORKERS: AgentRole[] = ['first_line', 'second_line', 'team_lead'];
  const queueQuery = {
    type: 'object',
    properties: {
      line: { type: 'string', enum: ['', ...CASE_LINES] },
      status: { type: 'string', enum: ['', ...OPEN_STATUSES] },
      topic: { type: 'string', maxLength: 60 },
      language: { type: 'string', enum: ['', 'nl', 'en'] },
      channel: { type: 'string', enum: ['', 'email', 'letter'] },
      assignee: { type: 'string', enum: ['', 'mine', 'unassigned'] },
      after: { type: 'string', maxLength: 400 },
      limit: { type: 'integer', minimum: 1, maximum: 200 },
      lang: { type: 'string', enum: ['nl', 'en'] },
      done: { type: 'string', enum: ['escalate', 'not_a_case'] },
    },
    additionalProperties: false,
  } as const;
  type QueueQuery = { line?: string; status?: string; topic?: string; language?: string; channel?: string; assignee?: string; after?: string; limit?: number };

  /** The filter a query asks for; first line sees the first-line queue unless it asks otherwise. */
  function filterOf(q: QueueQuery, agent: SignedInAgent): QueueFilter & { statuses: CaseStatus[] } {
    // First and second line each work their own queue; a team lead sees every queue.
    // First line also works the screening queue ("waarschijnlijk geen zaak"), which it asks for.
    const ownLine = agent.role === 'second_line' ? 'second' : agent.role === 'first_line' ? (q.line === 'screening' ? 'screening' : 'first') : undefined;
    const line = ownLine ?? (q.line || undefined);
    return {
      ...(line ? { line: line as CaseLine } : {}),
      statuses: q.status ? [q.status as CaseStatus] : [...OPEN_STATUSES],
      ...(q.topic ? { topic: q.topic } : {}),
      ...(q.language ? { language: q.language } : {}),
      ...(q.channel ? { channel: q.channel as 'email' | 'letter' } : {}),
      ...(q.assignee ? { assignee: q.assignee as 'mine' | 'unassigned', agentId: agent.id } : {}),
    };
  }
  const queryString = (q: QueueQuery, f: QueueFilter): string => {
    const p = new URLSearchParams();
    p.set('line', f.line ?? '');
    for (const k of ['status', 'topic', 'language', 'channel', 'assignee'] as const) if (q[k]) p.set(k, q[k]!);
    return p.toString();
  };

  app.get('/', { config: { access: WORKERS }, schema: { querystring: queueQuery } }, async (req, reply) => {
    const q = req.query as QueueQuery;
    const filter = filterOf(q, req.agent!);
    const res = await desk.queue(filter, { after: q.after ?? null });
    const ctx = pageContext(req, reply);
    const done = (req.query as { done?: string }).done;
    const notice = done === 'escalate' ? ctx.t.queueDoneEscalated : done === 'not_a_case' ? ctx.t.queueDoneNotACase : null;
    return html(reply, queuePage(ctx, { filter, ...res, topics: TOPICS, now: now(), query: queryString(q, filter), notice }));
  });

  app.get('/api/v1/openapi.json', { config: { access: 'signed_in' }, schema: { hide: true } }, async () => app.swagger());

  app.get('/api/v1/queue', { config: { access: WORKERS }, schema: { querystring: queueQuery } }, async (req) => {
    const q = req.query as QueueQuery;
    const res = await desk.queue(filterOf(q, req.agent!), { after: q.after ?? null, ...(q.limit ? { limit: q.limit } : {}) });
    return { items: res.items.map(queueRow), next: res.next, topicCounts: res.topicCounts };
  });

  app.get('/api/v1/queue/count', { config: { access: WORKERS }, schema: { querystring: queueQuery } }, async (req) => {
    const res = await desk.queue(filterOf(req.query as QueueQuery, req.agent!), { limit: 1 });
    return { total: Object.values(res.topicCounts).reduce((a, b) => a + b, 0), topicCounts: res.topicCounts };
  });

  // ------------------------------------------------------------------ case

  /**
   * The case behind a URL, for what the request needs of it: 'read' (its page, its JSON, a
   * letter's PDF) or 'act' (an action, an ID copy). Which line's cases a role may read or work
   * is the domain's rule (processors/cases caseAccessFor); a refusal is a 403 with an audit
   * entry, like a route the role may not call: a case number in a URL is no key.
   */
  async function caseByNumber(number: string, req: FastifyRequest, need: 'read' | 'act'): Promise<CaseDoc & { hasBsn: boolean }> {
    const found = await store.models.Case.findOne({ caseNumber: number }, { _id: 1 }).lean<{ _id: string }>();
    const c = found ? await desk.get(found._id) : null;
    if (!c) throw new CaseNotFoundError();
    const agent = req.agent!;
    const access = caseAccessFor(agent.role, c.line);
    if (access === 'none' || (access === 'read' && need === 'act')) {
      await audit.record({ actor: { id: agent.id, role: agent.role }, action: 'access_denied', route: `${req.method} ${req.routeOptions.url}`, caseId: c._id });
      throw new CaseLineForbiddenError();
    }
    return c as CaseDoc & { hasBsn: boolean };
  }

  function seen(caseId: string, agent: SignedInAgent): string[] {
    const at = Date.now();
    let m = presence.get(caseId);
    if (!m) { m = new Map(); presence.set(caseId, m); }
    m.set(agent.id, { name: agent.displayName, at });
    const others: string[] = [];
    for (const [id, p] of m) {
      if (at - p.at > PRESENCE_MS) m.delete(id);
      else if (id !== agent.id) others.push(p.name);
    }
    if (presence.size > 10_000) presence.clear(); // a bound, not a cache policy
    return others;
  }

  async function renderCase(req: FastifyRequest, reply: FastifyReply, c: CaseDoc & { hasBsn: boolean }, extra: Partial<CaseViewModel> = {}, status = 200) {
    const agent = req.agent!;
    // Every look at a case's personal data is in the audit log (the read log of issue #16 builds on it).
    await audit.record({ actor: { id: agent.id, role: agent.role }, action: 'read_case', caseId: c._id });
    const lang = c.classification?.language === 'en' ? 'en' : 'nl';
    const draft = answerTemplate(c.routing?.topic ?? c.classification?.topic ?? 'default', lang)({
      name: c.citizen?.name ?? (lang === 'en' ? 'Sir/Madam' : 'heer/mevrouw'), caseNumber: c.caseNumber,
    });
    const model: CaseViewModel = {
      c, idDocuments: await identity.listForCase(c._id), topics: TOPICS, requestId: () => randomUUID(),
      alsoOpenBy: seen(c._id, agent), draft, readOnly: caseAccessFor(agent.role, c.line) !== 'full',
      // Keyed-hash look-ups only; the BSN links cases for second line alone (processors/cases related.ts).
      related: await relatedCases(store.models, c._id, { bsn: agent.role === 'second_line' }),
      ...extra,
      ...(surveyRoutes ? { survey: await surveyRoutes.caseSection(req, c) } : {}),
    };
    return html(reply, casePage(pageContext(req, reply), model), status);
  }

  app.get('/zaken/:number', { config: { access: WORKERS }, schema: { params: caseNumberParam } }, async (req, reply) => {
    const c = await caseByNumber((req.params as { number: string }).number, req, 'read');
    const done = (req.query as { done?: string }).done;
    const t = strings(langFor(req));
    return renderCase(req, reply, c, done ? { notice: { kind: 'ok', title: t.done } } : {});
  });

  app.get('/api/v1/cases/:number', { config: { access: WORKERS }, schema: { params: caseNumberParam } }, async (req) => {
    const c = await caseByNumber((req.params as { number: string }).number, req, 'read');
    await audit.record({ actor: { id: req.agent!.id, role: req.agent!.role }, action: 'read_case', caseId: c._id });
    return caseJson(c);
  });

  // ------------------------------------------------------------------ actions

  type Body = Record<string, string | undefined> & { version?: string | number; requestId?: string };
  interface ActionSpec {
    name: string;
    access: readonly AgentRole[];
    fields: Record<string, object>;
    required: string[];
    run(caseId: string, r: { expectedVersion: number; requestId: string }, agent: SignedInAgent, b: Body): Promise<{ version: number; bsn?: string | null }>;
  }
  const text = { type: 'string', maxLength: 16000 };
  const short = { type: 'string', maxLength: 500 };
  const actor = (a: SignedInAgent) => ({ id: a.id, role: a.role });
  const ACTIONS: ActionSpec[] = [
    { name: 'claim', access: WORKERS, fields: {}, required: [], run: (id, r, a) => desk.claim(id, r, actor(a)) },
    { name: 'release', access: WORKERS, fields: {}, required: [], run: (id, r, a) => desk.release(id, r, actor(a)) },
    { name: 'reassign', access: ['team_lead'], fields: { to: { type: 'string', maxLength: 120 } }, required: ['to'], run: (id, r, a, b) => desk.reassign(id, r, actor(a), b.to!) },
    { name: 'note', access: WORKERS, fields: { text }, required: ['text'], run: (id, r, a, b) => desk.note(id, r, actor(a), b.text!) },
    { name: 'escalate', access: ['first_line', 'team_lead'], fields: { reason: text }, required: ['reason'], run: (id, r, a, b) => desk.escalate(id, r, actor(a), b.reason!) },
    { name: 'close', access: WORKERS, fields: { outcome: { type: 'string', enum: [...CLOSE_OUTCOMES] } }, required: ['outcome'], run: (id, r, a, b) => desk.close(id, r, actor(a), b.outcome as CloseOutcome) },
    { name: 'confirm', access: ['first_line', 'team_lead'], fields: {}, required: [], run: (id, r, a) => desk.confirmCase(id, r, actor(a)) },
    { name: 'reopen', access: WORKERS, fields: { reason: short }, required: ['reason'], run: (id, r, a, b) => desk.reopen(id, r, actor(a), b.reason!) },
    { name: 'reclassify', access: WORKERS, fields: { topic: { type: 'string', enum: [...TOPICS] }, reason: short }, required: ['topic', 'reason'], run: (id, r, a, b) => desk.reclassify(id, r, actor(a), b.topic!, b.reason!) },
    { name: 'letter', access: WORKERS, fields: { text }, required: ['text'], run: (id, r, a, b) => desk.replyByLetter(id, r, actor(a), b.text!) },
    { name: 'reply', access: WORKERS, fields: { subject: { type: 'string', maxLength: 300 }, text }, required: ['subject', 'text'], run: (id, r, a, b) => desk.reply(id, r, actor(a), { subject: b.subject!, text: b.text! }) },
    {
      name: 'contact', access: WORKERS,
      fields: { name: short, street: short, houseNumber: { type: 'string', maxLength: 20 }, postcode: { type: 'string', maxLength: 20 }, city: short, email: { type: 'string', maxLength: 254 }, phones: short },
      required: [],
      run: (id, r, a, b) => desk.correctContact(id, r, actor(a), {
        ...Object.fromEntries((['name', 'street', 'houseNumber', 'postcode', 'city', 'email'] as const).filter((k) => b[k] !== undefined).map((k) => [k, b[k]!])),
        ...(b.phones !== undefined ? { phones: b.phones.split(/[,;]/) } : {}),
      }),
    },
    { name: 'bsn', access: ['second_line'], fields: { reason: short }, required: ['reason'], run: (id, r, a, b) => desk.revealBsn(id, r, actor(a), b.reason!) },
  ];

  for (const spec of ACTIONS) {
    const body = {
      type: 'object',
      properties: { ...spec.fields, version: { type: 'integer', minimum: 0 }, requestId: { type: 'string', minLength: 8, maxLength: 100 }, _csrf: { type: 'string', maxLength: 200 } },
      required: [...spec.required, 'version', 'requestId'],
      additionalProperties: false,
    };
    const schema = { params: caseNumberParam, body };
    const call = async (req: FastifyRequest) => {
      const b = req.body as Body;
      const c = await caseByNumber((req.params as { number: string }).number, req, 'act');
      const r = { expectedVersion: Number(b.version), requestId: String(b.requestId) };
      return { c, res: await spec.run(c._id, r, req.agent!, b) };
    };
    app.post(`/api/v1/cases/:number/${spec.name}`, { config: { access: spec.access }, schema }, async (req) => {
      const { c, res } = await call(req);
      return { caseNumber: c.caseNumber, version: res.version, ...(spec.name === 'bsn' ? { bsn: res.bsn ?? null } : {}) };
    });
    app.post(`/zaken/:number/${spec.name}`, { config: { access: spec.access }, schema }, async (req, reply) => {
      try {
        const { c, res } = await call(req);
        if (spec.name === 'bsn') return renderCase(req, reply, await caseByNumber(c.caseNumber, req, 'read'), { revealedBsn: res.bsn ?? null });
        if (spec.name === 'close' && (req.body as Body).outcome === 'not_a_case') return reply.redirect('/?done=not_a_case', 303);
        // Escalated: the case is second line's now, which first line does not open (caseAccessFor).
        if (spec.name === 'escalate' && caseAccessFor(req.agent!.role, 'second') === 'none') return reply.redirect('/?done=escalate', 303);
        if (spec.name === 'letter') return reply.redirect(`/zaken/${c.caseNumber}?done=letter#brieven`, 303);
        return reply.redirect(`/zaken/${c.caseNumber}?done=${spec.name}`, 303);
      } catch (err) {
        if (!(err instanceof CaseChangedError || err instanceof ActionRefusedError)) throw err;
        const t = strings(langFor(req));
        const p = problemOf(err);
        const c = await caseByNumber((req.params as { number: string }).number, req, 'read');
        const lines = err instanceof CaseChangedError
          ? err.since.map((e) => `${t.journal[e.action] ?? e.action} (${e.actor.id}, ${new Date(e.at).toISOString().slice(11, 16)} UTC)`)
          : [err.message];
        return renderCase(req, reply, c, { notice: { kind: 'error', title: err instanceof CaseChangedError ? `${t.changedTitle}. ${t.changedText}` : t.refusedTitle, lines } }, p.status);
      }
    });
  }

  const surveyRoutes = deps.survey ? registerSurveyRoutes(app, { survey: deps.survey, audit, store, pageContext, secureCookies, workers: WORKERS, caseByNumber }) : null;

  // ------------------------------------------------------------------ letters

  app.get('/zaken/:number/brieven/:replyId', {
    config: { access: WORKERS },
    schema: { params: { type: 'object', properties: { number: caseNumberParam.properties.number, replyId: { type: 'string', pattern: '^[0-9a-f]{32}\\.pdf$' } }, required: ['number', 'replyId'] } },
  }, async (req, reply) => {
    const { number, replyId } = req.params as { number: string; replyId: string };
    const c = await caseByNumber(number, req, 'read');
    const letter = (c.replies ?? []).find((x) => x.channel === 'letter' && `${x.id}.pdf` === replyId);
    if (!letter) throw new CaseNotFoundError();
    await audit.record({ actor: { id: req.agent!.id, role: req.agent!.role }, action: 'read_case', caseId: c._id });
    const rendered = await renderReplyLetter(replyLetterForCase(c, letter.text, new Date(letter.at)));
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${c.caseNumber}-brief.pdf"`).header('x-content-type-options', 'nosniff').send(Buffer.from(rendered.pdf));
  });

  // ------------------------------------------------------------------ identity

  const docParams = { type: 'object', properties: { number: caseNumberParam.properties.number, docId: { type: 'string', pattern: '^[\\w.:-]{1,200}$' } }, required: ['number', 'docId'] } as const;

  /** The ID copy of this case, or 404: a copy is only ever reached through its own case. */
  async function docOf(number: string, docId: string, req: FastifyRequest) {
    const c = await caseByNumber(number, req, 'act');
    const docs = await identity.listForCase(c._id);
    if (!docs.some((d) => d.id === docId)) throw new CaseNotFoundError();
    return c;
  }

  app.get('/zaken/:number/id/:docId', { config: { access: WORKERS }, schema: { params: docParams } }, async (req, reply) => {
    const { number, docId } = req.params as { number: string; docId: string };
    const c = await docOf(number, docId, req);
    // Opening the page is a look at the copy: audited by the identity store (and the "copy seen" the decision requires).
    const view = await identity.viewDocument(docId, { id: req.agent!.id, role: req.agent!.role });
    return html(reply, identityPage(pageContext(req, reply), { c, docId, view: { ...view, content: Buffer.alloc(0) }, requestId: randomUUID() }));
  });

  app.get('/zaken/:number/id/:docId/copy', { config: { access: WORKERS }, schema: { params: docParams } }, async (req, reply) => {
    const { number, docId } = req.params as { number: string; docId: string };
    await docOf(number, docId, req);
    const view = await identity.viewDocument(docId, { id: req.agent!.id, role: req.agent!.role });
    const inline = /^image\/(png|jpeg)$/.test(view.contentType);
    return reply
      .type(inline ? view.contentType : 'application/octet-stream')
      .header('content-disposition', inline ? 'inline' : 'attachment; filename="id-kopie"')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(view.content);
  });

  app.post('/zaken/:number/identity', {
    config: { access: WORKERS },
    schema: { params: caseNumberParam, body: { type: 'object', properties: { docId: { type: 'string', maxLength: 200 }, outcome: { type: 'string', enum: ['established', 'not_established'] }, _csrf: { type: 'string', maxLength: 200 }, requestId: { type: 'string', maxLength: 100 } }, required: ['docId', 'outcome'], additionalProperties: false } },
  }, async (req, reply) => {
    const { number } = req.params as { number: string };
    const b = req.body as { docId: string; outcome: 'established' | 'not_established' };
    const agent = { id: req.agent!.id, role: req.agent!.role };
    const c = await caseByNumber(number, req, 'act');
    const docs = await identity.listForCase(c._id);
    // Already decided (a double click after the copies are gone): the case page says how it stands.
    if (docs.some((d) => d.id === b.docId)) {
      const res = await identity.recordVerification({ docId: b.docId, agent, outcome: b.outcome, method: 'copy of ID seen' });
      await desk.noteIdentityDecision(c._id, agent, res.outcome, res.deleted);
    }
    return reply.redirect(`/zaken/${number}?done=identity`, 303);
  });

  await registerContentRoutes(app, { conn: deps.conn, store, audit, caseByNumber, pageContext });
  // ------------------------------------------------------------------ other areas (workbench/routes/)

  const routeContext: RouteContext = {
    conn: deps.conn, store, audit, hasher: deps.hasher ?? null, retry: deps.retry ?? null,
    retentionCollections: [...new Set([...(deps.retentionCollections ?? []), AUDIT_COLLECTION])],
    now, pageContext, html,
  };
  registerDeadLetterRoutes(app, routeContext);
  registerReportRoutes(app, routeContext);
  registerSearchRoutes(app, routeContext);
  registerPrivacyRoutes(app, routeContext);

  const wb: Workbench = {
    app, sessions, url: '',
    async start() {
      const address = await app.listen({ host: settings.host, port: settings.port });
      wb.url = address.replace('[::1]', '127.0.0.1');
      publicUrl ??= wb.url;
      log.info({ url: publicUrl }, 'workbench listening');
    },
    async stop() {
      await app.close();
    },
  };
  return wb;
}

function queueRow(w: { _id: string; caseNumber: string; line: string; status: string; topic?: string; confidence?: number; language?: string; channel?: string; subject?: string; waitingSince: Date; assigneeId?: string; wroteAgain?: boolean; version?: number }) {
  return {
    caseNumber: w.caseNumber, line: w.line, status: w.status, topic: w.topic ?? null, confidence: w.confidence ?? null, language: w.language ?? null,
    channel: w.channel ?? null, subject: w.subject ?? '', waitingSince: w.waitingSince, assignee: w.assigneeId ?? null, wroteAgain: !!w.wroteAgain, version: w.version ?? 0,
  };
}

function caseJson(c: CaseDoc & { hasBsn: boolean }) {
  return {
    caseNumber: c.caseNumber, status: c.status, line: c.line ?? 'first', version: c.version ?? 0, channel: c.channel,
    classification: c.classification, routing: c.routing ?? null, assignee: c.assignee?.id ?? null,
    citizen: c.citizen, replyAddress: c.replyAddress ?? null, representative: c.representative ?? null,
    hasBsn: c.hasBsn, acknowledgment: c.ack?.status ?? null, outcome: c.outcome ?? null,
    messages: c.messages.map((m) => ({ channel: m.channel, receivedAt: m.receivedAt, subject: m.subject, text: m.text, attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, kind: a.kind })) })),
    notes: (c.notes ?? []).map((n) => ({ at: n.at, actor: n.actor, text: n.text })),
    history: (c.journal ?? []).map((j) => ({ at: j.at, version: j.version, actor: j.actor, action: j.action, reason: j.reason ?? null, detail: j.detail ?? [] })),
    createdAt: c.createdAt, closedAt: c.closedAt ?? null, expiresAt: c.expiresAt,
  };
}

/** Only paths of this app: a returnTo can never send the browser elsewhere. */
export function safeReturn(s: string): string {
  return /^\/(?![/\\])[\w\-./?=&%~+:]*$/.test(s) && !s.startsWith('/auth/') ? s.slice(0, 500) : '/';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
