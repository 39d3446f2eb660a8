/**
 * Finding a case (processors/cases searchCases): by number, e-mail address or phone number,
 * through the keyed hashes; results partly masked. A search by an identifier says which
 * cases a person has, so it is audited (`search`, the number of hits; never the query).
 */
import type { FastifyInstance } from 'fastify';
import { searchCases, type SearchResult } from '../../processors/cases/index.ts';
import type { AgentRole } from '../access.ts';
import { searchPage } from '../views/search.tsx';
import type { RouteContext } from './context.ts';

const WORKERS: AgentRole[] = ['first_line', 'second_line', 'team_lead'];
const query = { type: 'object', properties: { q: { type: 'string', maxLength: 320 } }, additionalProperties: false } as const;

export function registerSearchRoutes(app: FastifyInstance, ctx: RouteContext): void {
  async function run(q: string, agent: { id: string; role: string }): Promise<SearchResult | null> {
    if (!q.trim() || !ctx.hasher) return null;
    const result = await searchCases(ctx.store.models, ctx.hasher, q, agent.role);
    if (result.kind === 'email' || result.kind === 'phone') {
      await ctx.audit.record({ actor: { id: agent.id, role: agent.role }, action: 'search', counts: { hits: result.hits.length } });
    }
    return result;
  }

  app.get('/zoeken', { config: { access: WORKERS }, schema: { querystring: query } }, async (req, reply) => {
    const q = (req.query as { q?: string }).q ?? '';
    const result = await run(q, req.agent!);
    return ctx.html(reply, searchPage(ctx.pageContext(req, reply), { q, result }));
  });

  app.get('/api/v1/search', { config: { access: WORKERS }, schema: { querystring: query } }, async (req) => {
    const result = await run((req.query as { q?: string }).q ?? '', req.agent!);
    return result ?? { kind: 'empty', hits: [], more: false };
  });
}
