/**
 * Refused messages (team lead): the dead letters the pipeline recorded, with "opnieuw
 * proberen" (processors/deadletters retryOnce: the same retry as `kcc deadletters retry`) and
 * "openen als zaak" (openAsCaseOnce: a case in the first-line queue, idempotent by the dead
 * letter's id). Both are audited; a double click has one effect.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../lib/errors.ts';
import { listDeadLetters, openAsCaseOnce, retryOnce, type RetryOutcome } from '../../processors/deadletters/index.ts';
import type { AgentRole } from '../access.ts';
import { strings } from '../i18n.ts';
import { deadLettersPage } from '../views/deadletters.tsx';
import type { RouteContext } from './context.ts';

const TEAM_LEAD: AgentRole[] = ['team_lead'];
const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,800}$' } }, required: ['id'] } as const;
const listQuery = {
  type: 'object',
  properties: { after: { type: 'string', maxLength: 1200 }, code: { type: 'string', maxLength: 60 }, limit: { type: 'integer', minimum: 1, maximum: 200 }, done: { type: 'string', maxLength: 20 }, lang: { type: 'string', enum: ['nl', 'en'] } },
  additionalProperties: false,
} as const;
const actionBody = {
  type: 'object',
  properties: { requestId: { type: 'string', minLength: 8, maxLength: 100 }, _csrf: { type: 'string', maxLength: 200 } },
  required: ['requestId'],
  additionalProperties: false,
} as const;

class NotConfiguredError extends InputError {
  constructor() { super('WORKBENCH_NOT_CONFIGURED', 'the workbench was started without what this needs'); }
}

const idOf = (req: FastifyRequest): string => Buffer.from((req.params as { id: string }).id, 'base64url').toString('utf8');

export function registerDeadLetterRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const db = () => ctx.conn.db!;
  const withLock = <T,>(key: string, fn: () => Promise<T>) => ctx.store.withCase(key, fn);
  const actor = (req: FastifyRequest) => ({ id: req.agent!.id, role: req.agent!.role });

  async function retry(req: FastifyRequest): Promise<RetryOutcome & { repeated: boolean; id: string }> {
    if (!ctx.retry) throw new NotConfiguredError();
    const id = idOf(req);
    const res = await retryOnce(db(), id, (req.body as { requestId: string }).requestId, actor(req), ctx.retry, withLock);
    if (!res.repeated) await ctx.audit.record({ actor: actor(req), action: 'deadletter_retry', ref: id, counts: { retried: res.ok ? 1 : 0 } });
    return { ...res, id };
  }

  async function openCase(req: FastifyRequest) {
    if (!ctx.retry) throw new NotConfiguredError();
    const id = idOf(req);
    const res = await openAsCaseOnce(db(), ctx.store, id, (req.body as { requestId: string }).requestId, actor(req), ctx.retry, withLock);
    if (!res.repeated) await ctx.audit.record({ actor: actor(req), action: 'deadletter_case', ref: id, caseId: res.caseId });
    return res;
  }

  async function listPage(req: FastifyRequest, reply: FastifyReply, notice?: { kind: 'ok' | 'error'; title: string; lines?: string[] }, status = 200) {
    const q = req.query as { after?: string; code?: string; done?: string };
    const res = await listDeadLetters(db(), { after: q.after ?? null, ...(q.code ? { code: q.code } : {}) });
    const t = strings(ctx.pageContext(req).lang);
    const done = !notice && q.done === 'retry' ? { kind: 'ok' as const, title: t.refusedRetryDone } : undefined;
    return ctx.html(reply, deadLettersPage(ctx.pageContext(req, reply), { ...res, code: q.code ?? '', requestId: () => randomUUID(), ...((notice ?? done) ? { notice: (notice ?? done)! } : {}) }), status);
  }

  app.get('/geweigerd', { config: { access: TEAM_LEAD }, schema: { querystring: listQuery } }, async (req, reply) => listPage(req, reply));

  app.get('/api/v1/deadletters', { config: { access: TEAM_LEAD }, schema: { querystring: listQuery } }, async (req) => {
    const q = req.query as { after?: string; code?: string; limit?: number };
    return listDeadLetters(db(), { after: q.after ?? null, ...(q.code ? { code: q.code } : {}), ...(q.limit ? { limit: q.limit } : {}) });
  });

  app.post('/api/v1/deadletters/:id/retry', { config: { access: TEAM_LEAD }, schema: { params: idParam, body: actionBody } }, async (req, reply) => {
    const res = await retry(req);
    if (!res.ok) return reply.code(409).type('application/problem+json').send({ type: `urn:kcc:problem:${res.code.toLowerCase().replace(/_/g, '-')}`, title: res.message, status: 409, code: res.code });
    return { id: res.id, how: res.how, repeated: res.repeated };
  });

  app.post('/geweigerd/:id/retry', { config: { access: TEAM_LEAD }, schema: { params: idParam, body: actionBody } }, async (req, reply) => {
    const res = await retry(req);
    if (res.ok) return reply.redirect('/geweigerd?done=retry', 303);
    const t = strings(ctx.pageContext(req).lang);
    return listPage(req, reply, { kind: 'error', title: t.refusedRetryFailed, lines: [`${res.code}: ${res.message}`] }, 409);
  });

  app.post('/api/v1/deadletters/:id/case', { config: { access: TEAM_LEAD }, schema: { params: idParam, body: actionBody } }, async (req) => {
    const res = await openCase(req);
    return { caseNumber: res.caseNumber, repeated: res.repeated };
  });

  app.post('/geweigerd/:id/case', { config: { access: TEAM_LEAD }, schema: { params: idParam, body: actionBody } }, async (req, reply) => {
    const res = await openCase(req);
    return reply.redirect(`/zaken/${res.caseNumber}?done=deadletter`, 303);
  });
}
