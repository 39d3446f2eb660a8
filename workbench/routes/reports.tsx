/**
 * Team lead reports: counts of the open work (processors/cases workCounts, from work_items)
 * and the confusion-matrix export (confusionMatrix/confusionCsv): no personal data in either.
 */
import type { FastifyInstance } from 'fastify';
import { confusionCsv, confusionMatrix, workCounts } from '../../processors/cases/index.ts';
import type { AgentRole } from '../access.ts';
import { reportsPage } from '../views/reports.tsx';
import type { RouteContext } from './context.ts';

const TEAM_LEAD: AgentRole[] = ['team_lead'];

export function registerReportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const models = ctx.store.models;

  app.get('/rapportages', { config: { access: TEAM_LEAD } }, async (req, reply) => {
    const [counts, matrix] = await Promise.all([workCounts(models), confusionMatrix(ctx.store.desk)]);
    return ctx.html(reply, reportsPage(ctx.pageContext(req, reply), { counts, pairs: matrix.reduce((a, r) => a + r.count, 0) }));
  });

  app.get('/api/v1/reports/work', { config: { access: TEAM_LEAD } }, async () => workCounts(models));

  const csv = async (_req: unknown, reply: import('fastify').FastifyReply) => reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', 'attachment; filename="herclassificaties.csv"')
    .header('x-content-type-options', 'nosniff')
    .send(confusionCsv(await confusionMatrix(ctx.store.desk)));
  app.get('/rapportages/herclassificaties.csv', { config: { access: TEAM_LEAD } }, csv);
  app.get('/api/v1/reports/confusion.csv', { config: { access: TEAM_LEAD } }, csv);
}
