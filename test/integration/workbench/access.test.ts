/**
 * Who may call what, for every route the workbench has: each route is called by every role
 * (and by nobody); a role the route does not allow gets 403 and leaves an audit entry, an
 * unauthenticated call goes to sign-in (pages) or gets 401 (API). Also: CSRF on every
 * change, logout revokes the session, an identity provider that is down gives a clear page.
 * Sign-in goes through the real local OpenID Connect provider (scripts/idp.ts).
 */
import { expect } from 'chai';
import { intakeMessage } from '../../support/casestore.ts';
import { Agent, signIn, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { allows, AGENT_ROLES, routeTable, type AgentRole } from '../../../workbench/index.ts';
import { startTestWorkbench as start } from '../../support/workbench.ts';

const ACCOUNT: Record<AgentRole, string> = { first_line: 'eerstelijn', second_line: 'tweedelijn', team_lead: 'teamleider', privacy_officer: 'privacy' };

describe('workbench/access: every route declares who may call it, and the boundary holds', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  const agents = {} as Record<AgentRole, Agent>;
  let caseNumber = '';
  let escalated: { caseId: string; caseNumber: string };

  before(async () => {
    // With the survey on, so its agent and team-lead routes are in the matrix too.
    t = await startTestWorkbench('wbaccess', {}, undefined, {});
    caseNumber = (await t.store.ingest(intakeMessage({ subject: 'DigiD werkt niet' }))).caseNumber;
    // A dead letter for the refused-messages routes (their :id is the id, base64url).
    await t.conn.db!.collection('dead_letters').insertOne({ _id: 'INBOX/1/7', code: 'PARSE_FAILED', reason: 'test', at: new Date(), sourceRef: { kind: 'imap', mailbox: 'INBOX', uidValidity: '1', uid: 7 }, expiresAt: new Date(Date.now() + 86400_000) } as never);
    // And one on second line: each role meets the role boundary on a case of its own line.
    escalated = await t.store.ingest(intakeMessage({ subject: 'Doorgezette vraag' }));
    await t.store.escalate(escalated.caseId, new Date(), { id: 'teamleider', role: 'team_lead' });
    for (const role of AGENT_ROLES) agents[role] = await signIn(t.url, ACCOUNT[role]);
  });
  after(async () => { await t?.close(); });

  it('has an access declaration on every route (the app refuses to start without one)', () => {
    const routes = routeTable(t.wb.app);
    expect(routes.length).to.be.greaterThan(20);
    for (const r of routes) expect(r.access, `${r.method} ${r.url}`).to.satisfy((a: unknown) => a === 'public' || a === 'signed_in' || (Array.isArray(a) && a.length > 0));
  });

  it('refuses a route registered without one', async () => {
    const Fastify = (await import('fastify')).default;
    const { installAccess } = await import('../../../workbench/access.ts');
    const app = Fastify();
    installAccess(app, { authenticate: async () => null, onDenied: async () => undefined, unauthenticated: (_q, r) => r, forbidden: (_q, r) => r });
    expect(() => app.get('/naked', async () => 'x')).to.throw(/declares no access/);
    await app.close();
  });

  it('gives each role exactly the routes it declares: 403 and an audit entry otherwise', async () => {
    // Logout is open to every signed-in role and ends the session: its own test below.
    const routes = routeTable(t.wb.app).filter((r) => r.access !== 'public' && r.url !== '/auth/logout');
    let denied = 0;
    for (const r of routes) {
      const forRole = (role: AgentRole) => (role === 'second_line' ? escalated.caseNumber : caseNumber);
      for (const role of AGENT_ROLES) {
        const a = agents[role];
        const url = r.url.replace(':number', forRole(role)).replace(':file', 'workbench.css').replace(':id', Buffer.from('INBOX/1/7').toString('base64url'));
        const res = await a.request(url, {
          method: r.method,
          headers: { accept: 'application/json', 'x-csrf-token': a.csrf ?? '', ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          // An empty body: an allowed call is refused by validation (400), never by access.
          ...(r.method === 'POST' ? { body: '{}' } : {}),
        });
        await res.arrayBuffer();
        const allowed = allows(r.access, { id: 'x', role, roles: [role], displayName: 'x' });
        const where = `${role} ${r.method} ${r.url} -> ${res.status}`;
        if (allowed) {
          expect(res.status, where).to.not.be.oneOf([401, 403]);
        } else {
          expect(res.status, where).to.equal(403);
          denied += 1;
          const entries = await t.audit.models.AuditEntry.find({ action: 'access_denied', route: `${r.method} ${r.url}`, 'actor.role': role }).lean();
          expect(entries.length, `audit entry for ${where}`).to.be.greaterThan(0);
        }
      }
    }
    expect(denied).to.be.greaterThan(10);
    // The areas of workbench/routes/ are in the enumeration, each with its one role.
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    for (const u of ['GET /geweigerd', 'POST /geweigerd/:id/retry', 'POST /geweigerd/:id/case', 'GET /api/v1/deadletters', 'POST /api/v1/deadletters/:id/retry', 'POST /api/v1/deadletters/:id/case',
      'GET /rapportages', 'GET /rapportages/herclassificaties.csv', 'GET /api/v1/reports/work', 'GET /api/v1/reports/confusion.csv',
      'GET /privacy', 'POST /privacy/export', 'POST /privacy/erase', 'GET /privacy/audit', 'GET /privacy/verwijderingen', 'GET /privacy/bewaartermijnen',
      'POST /api/v1/privacy/export', 'POST /api/v1/privacy/erase', 'GET /api/v1/privacy/audit', 'GET /api/v1/privacy/deletions', 'GET /api/v1/privacy/retention']) {
      expect(urls, u).to.include(u);
    }
    for (const r of routes.filter((x) => /^\/(geweigerd|rapportages)|^\/api\/v1\/(deadletters|reports)/.test(x.url))) expect(r.access, r.url).to.deep.equal(['team_lead']);
    for (const r of routes.filter((x) => /^\/privacy|^\/api\/v1\/privacy/.test(x.url))) expect(r.access, r.url).to.deep.equal(['privacy_officer']);
  });

  it('holds the line boundary on every case URL: first line gets 403 (audited) on a second-line case, second line only reads a first-line case', async () => {
    // A second-line case (escalated), beside the first-line one of before().
    const esc = escalated;
    const firstLine = (await t.store.models.Case.findOne({ caseNumber }).lean())!;
    // A body each action's schema accepts, from the OpenAPI document; a version no case has,
    // so an allowed call ends in 409 and changes nothing.
    const doc = (await agents.team_lead.json('GET', '/api/v1/openapi.json')).body;
    const bodyFor = (url: string): Record<string, unknown> => {
      const name = url.split('/').pop()!;
      if (name === 'identity') return { docId: 'no-such-copy', outcome: 'not_established' };
      // Page-only forms (the survey's consent) have no API twin: a body their own schema accepts.
      const PAGE_FORMS: Record<string, Record<string, unknown>> = { 'enquete-toestemming': { source: 'agent_phone', address: 'reply' }, 'enquete-intrekken': {} };
      const api = doc.paths[`/api/v1/cases/{number}/${name}`];
      if (!api) return PAGE_FORMS[name] ?? {};
      const schema = api.post.requestBody.content['application/json'].schema;
      const b: Record<string, unknown> = { version: 999_999, requestId: `line-${name}-0001` };
      for (const f of schema.required as string[]) if (!(f in b)) b[f] = schema.properties[f].enum?.[0] ?? 'x';
      return b;
    };
    const READS = new Set(['GET /zaken/:number', 'GET /api/v1/cases/:number', 'GET /zaken/:number/brieven/:replyId',
      // What the citizen sent (issue #16): reading it is reading the case.
      'GET /zaken/:number/bericht/:key', 'GET /zaken/:number/inhoud/:key/:index', 'GET /zaken/:number/inhoud/:key/:index/pagina/:page', 'GET /zaken/:number/inhoud/:key/:index/download']);
    const routes = routeTable(t.wb.app).filter((r) => r.url.includes(':number'));
    expect(routes.length).to.be.greaterThan(20);
    const checks: Array<{ role: AgentRole; c: { _id: string; caseNumber: string }; refused: (key: string) => boolean }> = [
      { role: 'first_line', c: { _id: esc.caseId, caseNumber: esc.caseNumber }, refused: () => true },
      { role: 'second_line', c: firstLine, refused: (key) => !READS.has(key) },
      { role: 'first_line', c: firstLine, refused: () => false },
      { role: 'second_line', c: { _id: esc.caseId, caseNumber: esc.caseNumber }, refused: () => false },
      { role: 'team_lead', c: firstLine, refused: () => false },
      { role: 'team_lead', c: { _id: esc.caseId, caseNumber: esc.caseNumber }, refused: () => false },
    ];
    let lineRefusals = 0;
    for (const { role, c, refused } of checks) {
      for (const r of routes) {
        if (!allows(r.access, { id: 'x', role, roles: [role], displayName: 'x' })) continue; // the role boundary, tested above
        const key = `${r.method} ${r.url}`;
        const url = r.url.replace(':number', c.caseNumber).replace(':docId', 'a'.repeat(64)).replace(':replyId', `${'0'.repeat(32)}.pdf`)
          .replace(':key', 'a'.repeat(64)).replace(':index', '0').replace(':page', '1');
        const a = agents[role];
        const before = await t.audit.models.AuditEntry.countDocuments({ action: 'access_denied', caseId: c._id, route: key, 'actor.role': role });
        const res = await a.request(url, {
          method: r.method,
          headers: { accept: 'application/json', 'x-csrf-token': a.csrf ?? '', ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          ...(r.method === 'POST' ? { body: JSON.stringify(bodyFor(r.url)) } : {}),
        });
        const text = await res.text();
        const where = `${role} ${key} on a ${c._id === esc.caseId ? 'second' : 'first'}-line case -> ${res.status}`;
        if (refused(key)) {
          expect(res.status, where).to.equal(403);
          expect(text, where).to.include('CASE_LINE_FORBIDDEN');
          expect(await t.audit.models.AuditEntry.countDocuments({ action: 'access_denied', caseId: c._id, route: key, 'actor.role': role }), `audit entry for ${where}`).to.equal(before + 1);
          lineRefusals += 1;
        } else {
          expect(res.status, where).to.not.be.oneOf([401, 403]);
          expect(res.status, where).to.be.below(500);
        }
      }
    }
    expect(lineRefusals).to.be.greaterThan(20);
    // Nothing changed on either case: every refused call stopped before the domain.
    expect((await t.store.models.Case.findById(esc.caseId).lean())!.journal!.map((j) => j.action)).to.deep.equal(['created', 'escalated']);
    // Second line sees a first-line case read-only: its page offers no action.
    const page = await (await agents.second_line.get(`/zaken/${caseNumber}`)).text();
    expect(page).to.include('data-testid="read-only"');
    expect(page).to.not.include(`action="/zaken/${caseNumber}/note"`);
  });

  it('sends an unauthenticated page to sign-in and gives the API 401', async () => {
    const anon = new Agent(t.url);
    const page = await anon.request(`/zaken/${caseNumber}`);
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.match(/^\/auth\/sign-in\?/);
    const api = await anon.json('GET', '/api/v1/queue');
    expect(api.status).to.equal(401);
    expect(api.body.code).to.equal('AUTH_REQUIRED');
  });

  it('refuses a change without the session CSRF token, and with another session\'s', async () => {
    const a = agents.first_line;
    const c = await t.store.models.Case.findOne({ caseNumber }).lean();
    const body = { version: c!.version ?? 0, requestId: 'csrf-test-0001', text: 'notitie' };
    const none = await a.json('POST', `/api/v1/cases/${caseNumber}/note`, body, null);
    expect(none.status).to.equal(403);
    expect(none.body.code).to.equal('CSRF_INVALID');
    const other = await a.json('POST', `/api/v1/cases/${caseNumber}/note`, body, agents.team_lead.csrf);
    expect(other.status).to.equal(403);
    // A form post without the token: the same, as a page.
    const form = await a.form(`/zaken/${caseNumber}/note`, { version: String(body.version), requestId: 'csrf-test-0002', text: 'x' });
    expect(form.status).to.equal(403);
    const after = await t.store.models.Case.findOne({ caseNumber }).lean();
    expect(after!.notes ?? []).to.have.length(0);
  });

  it('revokes the session at logout: the old cookie signs nobody in, and its CSRF token is dead', async () => {
    const a = await signIn(t.url, 'eerstelijn2');
    const cookie = a.jar.get('kcc_session')!;
    const csrf = a.csrf!;
    const out = await a.form('/auth/logout', { _csrf: csrf });
    expect(out.status).to.equal(303);
    const replay = new Agent(t.url);
    replay.jar.set('kcc_session', cookie);
    expect((await replay.request('/')).status).to.equal(303);
    const api = await replay.json('POST', `/api/v1/cases/${caseNumber}/claim`, { version: 0, requestId: 'replay-0001' }, csrf);
    expect(api.status).to.equal(401);
  });

  it('refuses an account without a workbench role, with a page that says so', async () => {
    let err: unknown = null;
    try { await signIn(t.url, 'geenrol'); } catch (e) { err = e; }
    expect(String(err)).to.match(/gave no session \(403\)/);
  });

  it('says so when the identity provider is down (a page, not a stack trace)', async () => {
    const down = await start('wbidpdown', { oidc: { ...(await import('../../support/workbench.ts')).workbenchSettings().oidc, issuer: 'http://127.0.0.1:9' } });
    try {
      const res = await new Agent(down.url).request('/auth/login');
      const text = await res.text();
      expect(res.status).to.equal(503);
      expect(text).to.include('Inloggen is nu niet mogelijk');
      expect(text).to.include('OIDC_PROVIDER_UNREACHABLE');
      expect(text).to.not.match(/at \w+ \(|node_modules/);
    } finally {
      await down.close();
    }
  });

  it('sends security headers: a strict CSP without inline code, no framing, no caching of pages', async () => {
    const res = await agents.first_line.request('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("default-src 'none'");
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.include("style-src 'self'");
    expect(csp).to.not.include('unsafe-inline');
    expect(csp).to.include("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    const setCookie = (await signInRaw(t.url)).join('\n');
    expect(setCookie).to.match(/kcc_session=[^;]+;.*HttpOnly/i);
    expect(setCookie).to.match(/kcc_session=[^;]+;.*SameSite=Strict/i);
  });
});

/** The Set-Cookie headers of a fresh sign-in's callback. */
async function signInRaw(base: string): Promise<string[]> {
  const a = await signIn(base, 'eerstelijn');
  return [`kcc_session=${a.jar.get('kcc_session')}; ${a.lastSessionCookieAttributes ?? ''}`];
}
