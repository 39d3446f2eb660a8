/**
 * The survey's routes (issue 17). A thin layer over processors/survey.
 *
 * Public (citizens, no sign-in):
 *   GET  /enquete/toestemming/:token   the consent question and one button; records nothing
 *   POST /enquete/toestemming/:token   gives or withdraws consent
 *   GET  /enquete/:token               the form; records nothing (mail scanners follow links)
 *   POST /enquete/:token               the answer, once per token
 * These forms have no session, so the workbench's session CSRF check does not apply; each
 * form instead carries a signature (HMAC) bound to its token and to a random cookie the GET
 * set (HttpOnly, SameSite=Strict, path /enquete): a cross-site POST carries no such cookie,
 * and a page cannot make a valid signature without reading ours. A POST without both gets a
 * page asking to open the link again.
 *
 * Agents: record consent given by message or phone, withdraw (case view; session CSRF).
 * Team leads: the report page and its CSV export; per-agent figures, when configured, are
 * audited every time they are shown.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { AuditLog } from '../../processors/audit/index.ts';
import type { CaseDoc, CaseStore } from '../../processors/cases/index.ts';
import { CaseNotFoundError } from '../../processors/cases/index.ts';
import { reportCsv, surveyReport, type Survey } from '../../processors/survey/index.ts';
import type { AgentRole } from '../access.ts';
import { langOf, surveyStrings, type Lang } from '../i18n.ts';
import { page, type PageContext } from '../views/layout.tsx';
import { CaseSurveySection, consentPage, formPage, notice, ReportBody, type PublicContext } from '../views/survey.tsx';

export interface SurveyRouteContext {
  survey: Survey;
  audit: AuditLog;
  store: CaseStore;
  pageContext(req: FastifyRequest, reply?: FastifyReply): PageContext;
  secureCookies(): boolean;
  workers: readonly AgentRole[];
  /** The case, refused (403 and an audit entry) when the agent's line may not act on it (processors/cases caseAccessFor). */
  caseByNumber(number: string, req: FastifyRequest, need: 'read' | 'act'): Promise<{ _id: string }>;
}

const FORM_COOKIE = 'kcc_survey_form';
const tokenParam = { type: 'object', properties: { token: { type: 'string', maxLength: 400 } }, required: ['token'] } as const;
const langQuery = { type: 'object', properties: { lang: { type: 'string', enum: ['nl', 'en'] } } } as const;
const caseNumberParam = { type: 'object', properties: { number: { type: 'string', pattern: '^KCC-\\d{4}-\\d{6}$' } }, required: ['number'] } as const;

export function registerSurveyRoutes(app: FastifyInstance, ctx: SurveyRouteContext): { caseSection(req: FastifyRequest, c: CaseDoc): Promise<VNode> } {
  const { survey } = ctx;
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

  function pub(req: FastifyRequest, fallback: Lang): PublicContext {
    const lang = langOf((req.query as { lang?: string } | undefined)?.lang, fallback);
    return { lang, s: surveyStrings(lang), path: req.url };
  }

  /** The browser's form cookie (set when missing): half of the double-submit check. */
  function formCookie(req: FastifyRequest, reply: FastifyReply): string {
    const have = req.cookies[FORM_COOKIE];
    if (have && /^[\w-]{32}$/.test(have)) return have;
    const fresh = randomBytes(24).toString('base64url');
    reply.setCookie(FORM_COOKIE, fresh, { path: '/enquete', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies() });
    return fresh;
  }

  // ------------------------------------------------------------------ consent (public)

  app.get('/enquete/toestemming/:token', { config: { access: 'public' }, schema: { params: tokenParam, querystring: langQuery } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const found = await survey.caseOfConsentToken(token);
    if (!found) { const p = pub(req, 'nl'); return html(reply, notice(p, p.s.unknownLinkTitle, p.s.unknownLinkText), 404); }
    const p = pub(req, found.language);
    return html(reply, consentPage(p, { action: `/enquete/toestemming/${token}`, form: survey.formSignature(formCookie(req, reply), 'consent', token), given: found.given }));
  });

  app.post('/enquete/toestemming/:token', {
    config: { access: 'public' },
    schema: { params: tokenParam, querystring: langQuery, body: { type: 'object', properties: { _form: { type: 'string', maxLength: 200 }, choice: { type: 'string', enum: ['give', 'withdraw'] } }, required: ['choice'], additionalProperties: false } },
  }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const b = req.body as { _form?: string; choice: 'give' | 'withdraw' };
    const found = await survey.caseOfConsentToken(token);
    if (!found) { const p = pub(req, 'nl'); return html(reply, notice(p, p.s.unknownLinkTitle, p.s.unknownLinkText), 404); }
    const p = pub(req, found.language);
    if (!survey.checkFormSignature(req.cookies[FORM_COOKIE], 'consent', token, b._form)) {
      return html(reply, notice(p, p.s.unknownLinkTitle, p.s.formExpired), 403);
    }
    if (b.choice === 'give') await survey.consentByLink(found.caseId);
    else await survey.withdraw(found.caseId, 'link');
    return html(reply, consentPage(p, { action: `/enquete/toestemming/${token}`, form: survey.formSignature(formCookie(req, reply), 'consent', token), given: b.choice === 'give', done: b.choice === 'give' ? 'given' : 'withdrawn' }));
  });

  // ------------------------------------------------------------------ form (public)

  const answerBody = {
    type: 'object',
    properties: {
      _form: { type: 'string', maxLength: 200 },
      overall: { type: 'string', enum: ['1', '2', '3', '4', '5'] },
      answered: { type: 'string', enum: ['yes', 'partly', 'no'] },
      ease: { type: 'string', enum: ['1', '2', '3', '4', '5'] },
      comment: { type: 'string', maxLength: 4000 },
    },
    additionalProperties: false,
  } as const;

  async function stateOrForm(req: FastifyRequest, reply: FastifyReply, token: string, extra: { error?: boolean; values?: Record<string, string> } = {}, status = 200) {
    const f = await survey.form(token);
    if (f.state !== 'open') {
      const p = pub(req, 'nl');
      const [title, text, code] = f.state === 'answered' ? [p.s.answeredTitle, p.s.answeredText, 409] : f.state === 'expired' ? [p.s.expiredTitle, p.s.expiredText, 410] : [p.s.unknownLinkTitle, p.s.unknownLinkText, 404];
      return html(reply, notice(p, title, text), code);
    }
    const p = pub(req, f.invitation.language === 'en' ? 'en' : 'nl');
    return html(reply, formPage(p, {
      action: `/enquete/${token}`, form: survey.formSignature(formCookie(req, reply), 'answer', token),
      consentUrl: `/enquete/toestemming/${survey.consentToken(f.invitation.caseId)}`, ...extra,
    }), status);
  }

  app.get('/enquete/:token', { config: { access: 'public' }, schema: { params: tokenParam, querystring: langQuery } }, async (req, reply) => {
    return stateOrForm(req, reply, (req.params as { token: string }).token);
  });

  app.post('/enquete/:token', { config: { access: 'public' }, schema: { params: tokenParam, querystring: langQuery, body: answerBody } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const b = req.body as { _form?: string; overall?: string; answered?: 'yes' | 'partly' | 'no'; ease?: string; comment?: string };
    const f = await survey.form(token);
    if (f.state !== 'open') return stateOrForm(req, reply, token);
    const p = pub(req, f.invitation.language === 'en' ? 'en' : 'nl');
    if (!survey.checkFormSignature(req.cookies[FORM_COOKIE], 'answer', token, b._form)) {
      return html(reply, notice(p, p.s.unknownLinkTitle, p.s.formExpired), 403);
    }
    if (!b.overall || !b.answered || !b.ease) {
      const values = Object.fromEntries(Object.entries({ overall: b.overall, answered: b.answered, ease: b.ease, comment: b.comment }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      return stateOrForm(req, reply, token, { error: true, values }, 422);
    }
    const res = await survey.answer(token, { overall: Number(b.overall), answered: b.answered, ease: Number(b.ease), ...(b.comment ? { comment: b.comment } : {}) });
    if (res !== 'stored') return stateOrForm(req, reply, token);
    return html(reply, notice(p, p.s.thanksTitle, p.s.thanksText));
  });

  // ------------------------------------------------------------------ agents

  // Recording or withdrawing consent is acting on the case: the line check of every case action.
  const caseId = async (number: string, req: FastifyRequest): Promise<string> => (await ctx.caseByNumber(number, req, 'act'))._id;

  app.post('/zaken/:number/enquete-toestemming', {
    config: { access: ctx.workers },
    schema: {
      params: caseNumberParam,
      body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 }, requestId: { type: 'string', maxLength: 100 }, source: { type: 'string', enum: ['agent_message', 'agent_phone'] }, address: { type: 'string', enum: ['reply', 'citizen'] } }, required: ['source', 'address'], additionalProperties: false },
    },
  }, async (req, reply) => {
    const { number } = req.params as { number: string };
    const b = req.body as { source: 'agent_message' | 'agent_phone'; address: 'reply' | 'citizen' };
    await survey.consentByAgent(await caseId(number, req), { source: b.source, address: b.address, agentId: req.agent!.id });
    return reply.redirect(`/zaken/${number}?done=survey`, 303);
  });

  app.post('/zaken/:number/enquete-intrekken', {
    config: { access: ctx.workers },
    schema: { params: caseNumberParam, body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 } }, additionalProperties: false } },
  }, async (req, reply) => {
    const { number } = req.params as { number: string };
    await survey.withdraw(await caseId(number, req), 'agent');
    return reply.redirect(`/zaken/${number}?done=survey`, 303);
  });

  // ------------------------------------------------------------------ team leads

  async function report(req: FastifyRequest, withComments: boolean) {
    const r = await surveyReport(survey.models, { minGroup: survey.settings.minGroup, agentFigures: survey.settings.agentFigures, withComments });
    // Per-agent figures monitor staff: every showing is in the audit log.
    if (r.agentFigures) await ctx.audit.record({ actor: { id: req.agent!.id, role: req.agent!.role }, action: 'read_survey_agent_figures', route: `${req.method} ${req.routeOptions.url}` });
    return r;
  }

  app.get('/enquete-rapport', { config: { access: ['team_lead'] }, schema: { querystring: langQuery } }, async (req, reply) => {
    const pc = ctx.pageContext(req, reply);
    const r = await report(req, true);
    return html(reply, page(pc, surveyStrings(pc.lang).reportTitle, <ReportBody lang={pc.lang} r={r} />));
  });

  app.get('/enquete-rapport.csv', { config: { access: ['team_lead'] } }, async (req, reply) => {
    const r = await report(req, false);
    return reply.header('cache-control', 'no-store').type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="klanttevredenheid.csv"').send(reportCsv(r));
  });

  return {
    async caseSection(req, c) {
      const pc = ctx.pageContext(req);
      const states = await survey.consentStates(c._id);
      return <CaseSurveySection ctx={pc} caseNumber={c.caseNumber} states={states} requestId={randomBytes(8).toString('hex')} />;
    },
  };
}
