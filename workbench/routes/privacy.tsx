/**
 * Privacy officer pages: subject access and erasure (processors/dsar, the same functions
 * `kcc dsar export|erase` calls, which leave the same audit entries), the audit log, the
 * deletion log and the retention report (processors/retention, as `kcc retention report`).
 *
 * Identifiers come in a POST body only (never a URL, so no proxy or history keeps them), are
 * hashed by processors/dsar and never echoed. Erasure needs a ground (AVG art. 17(1), a code
 * recorded on the audit entry) and an explicit confirmation.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ObjectId } from 'mongodb';
import { InputError } from '../../lib/errors.ts';
import { detectServer, retentionReport } from '../../lib/retention.ts';
import { toAuditEntry, type DeletionEntry } from '../../processors/audit/index.ts';
import { ERASURE_GROUNDS, eraseSubject, exportSubject, type ErasureGround, type SubjectQuery } from '../../processors/dsar/index.ts';
import { deletionReport, retentionJson } from '../../processors/retention/index.ts';
import type { AgentRole } from '../access.ts';
import { strings } from '../i18n.ts';
import { auditPage, deletionsPage, privacyPage, retentionPage } from '../views/privacy.tsx';
import type { RouteContext } from './context.ts';

const PRIVACY: AgentRole[] = ['privacy_officer'];
const PAGE = 100;
const identifiers = { email: { type: 'string', maxLength: 254 }, phone: { type: 'string', maxLength: 40 }, bsn: { type: 'string', maxLength: 20 }, _csrf: { type: 'string', maxLength: 200 } };
const exportBody = { type: 'object', properties: identifiers, additionalProperties: false } as const;
const eraseBody = {
  type: 'object',
  properties: { ...identifiers, ground: { type: 'string', maxLength: 40 }, confirm: { anyOf: [{ type: 'string', enum: ['yes'] }, { type: 'boolean', enum: [true] }] } },
  additionalProperties: false,
} as const;
const pageQuery = { type: 'object', properties: { after: { type: 'string', maxLength: 200 }, lang: { type: 'string', enum: ['nl', 'en'] } }, additionalProperties: false } as const;

type IdBody = { email?: string; phone?: string; bsn?: string; ground?: string; confirm?: string | boolean };

function queryOf(b: IdBody): SubjectQuery {
  const q: SubjectQuery = {};
  for (const k of ['email', 'phone', 'bsn'] as const) if (b[k]?.trim()) q[k] = b[k]!.trim();
  return q;
}

export function registerPrivacyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const actor = (req: FastifyRequest) => ({ id: req.agent!.id, role: req.agent!.role });
  const hasher = () => {
    if (!ctx.hasher) throw new InputError('WORKBENCH_NOT_CONFIGURED', 'the workbench was started without the look-up key');
    return ctx.hasher;
  };

  const doExport = (req: FastifyRequest) => exportSubject(ctx.conn, hasher(), queryOf(req.body as IdBody), { actor: actor(req), audit: ctx.audit, clock: ctx.now });

  async function doErase(req: FastifyRequest) {
    const b = req.body as IdBody;
    if (b.confirm !== 'yes' && b.confirm !== true) throw new InputError('DSAR_NOT_CONFIRMED', 'erasure needs the confirmation');
    if (!b.ground || !(ERASURE_GROUNDS as readonly string[]).includes(b.ground)) throw new InputError('DSAR_BAD_GROUND', 'erasure needs a ground (AVG art. 17(1))');
    return eraseSubject(ctx.conn, hasher(), queryOf(b), { actor: actor(req), audit: ctx.audit, clock: ctx.now, ground: b.ground as ErasureGround });
  }

  app.get('/privacy', { config: { access: PRIVACY }, schema: { querystring: pageQuery } }, async (req, reply) => ctx.html(reply, privacyPage(ctx.pageContext(req, reply), {})));

  const download = (reply: import('fastify').FastifyReply, body: unknown) => reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', 'attachment; filename="inzage.json"')
    .header('x-content-type-options', 'nosniff')
    .send(JSON.stringify(body, null, 2));

  app.post('/privacy/export', { config: { access: PRIVACY }, schema: { body: exportBody } }, async (req, reply) => download(reply, await doExport(req)));
  app.post('/api/v1/privacy/export', { config: { access: PRIVACY }, schema: { body: exportBody } }, async (req) => doExport(req));

  app.post('/privacy/erase', { config: { access: PRIVACY }, schema: { body: eraseBody } }, async (req, reply) => {
    try {
      return ctx.html(reply, privacyPage(ctx.pageContext(req, reply), { erased: await doErase(req) }));
    } catch (err) {
      if (!(err instanceof InputError) || err.code === 'WORKBENCH_NOT_CONFIGURED') throw err;
      const t = strings(ctx.pageContext(req).lang);
      return ctx.html(reply, privacyPage(ctx.pageContext(req, reply), { error: err.code === 'DSAR_NOT_CONFIRMED' ? t.dsarNeedConfirm : `${t.errorCode}: ${err.code}` }), 422);
    }
  });
  app.post('/api/v1/privacy/erase', { config: { access: PRIVACY }, schema: { body: eraseBody } }, async (req) => doErase(req));

  // ---- audit log: newest first, keyset on (at, _id)
  async function auditEntries(after: string | undefined) {
    const find: Record<string, unknown> = {};
    if (after) {
      const [at, id] = Buffer.from(after, 'base64url').toString('utf8').split('|');
      const when = new Date(at ?? '');
      if (Number.isNaN(when.getTime()) || !id || !ObjectId.isValid(id)) throw new InputError('AUDIT_BAD_CURSOR', 'the page cursor is not one this server made');
      find.$or = [{ at: { $lt: when } }, { at: when, _id: { $lt: new ObjectId(id) } }];
    }
    const rows = await ctx.audit.models.AuditEntry.find(find).sort({ at: -1, _id: -1 }).limit(PAGE + 1).lean();
    const items = rows.slice(0, PAGE).map(toAuditEntry);
    const last = items[items.length - 1];
    return { items, next: rows.length > PAGE && last ? Buffer.from(`${last.at.toISOString()}|${last.id}`).toString('base64url') : null };
  }
  app.get('/privacy/audit', { config: { access: PRIVACY }, schema: { querystring: pageQuery } }, async (req, reply) => ctx.html(reply, auditPage(ctx.pageContext(req, reply), await auditEntries((req.query as { after?: string }).after))));
  app.get('/api/v1/privacy/audit', { config: { access: PRIVACY }, schema: { querystring: pageQuery } }, async (req) => auditEntries((req.query as { after?: string }).after));

  // ---- deletion log: newest link first, keyset on its sequence number
  async function deletionEntries(after: string | undefined) {
    const before = after === undefined ? null : Number(after);
    if (before !== null && !Number.isInteger(before)) throw new InputError('AUDIT_BAD_CURSOR', 'the page cursor is not one this server made');
    const rows = await ctx.audit.models.DeletionEntry.find(before === null ? {} : { _id: { $lt: before } }).sort({ _id: -1 }).limit(PAGE + 1).lean();
    const items = rows.slice(0, PAGE).map(({ _id, ...rest }) => ({ ...rest, seq: _id }) as unknown as DeletionEntry);
    return { items, next: rows.length > PAGE ? String(items[items.length - 1]!.seq) : null, chain: await ctx.audit.verifyDeletionLog() };
  }
  app.get('/privacy/verwijderingen', { config: { access: PRIVACY }, schema: { querystring: pageQuery } }, async (req, reply) => ctx.html(reply, deletionsPage(ctx.pageContext(req, reply), await deletionEntries((req.query as { after?: string }).after))));
  app.get('/api/v1/privacy/deletions', { config: { access: PRIVACY }, schema: { querystring: pageQuery } }, async (req) => {
    const r = await deletionEntries((req.query as { after?: string }).after);
    return { items: r.items.map(({ caseIds: _c, ...e }) => e), next: r.next, chain: r.chain };
  });

  // ---- retention report
  async function retention() {
    const db = ctx.conn.db!;
    const report = await retentionReport(db, ctx.retentionCollections, ctx.now, { server: await detectServer(db) });
    return { report, deletions: await deletionReport(ctx.conn, ctx.retentionCollections, ctx.now()) };
  }
  app.get('/privacy/bewaartermijnen', { config: { access: PRIVACY }, schema: { querystring: pageQuery } }, async (req, reply) => ctx.html(reply, retentionPage(ctx.pageContext(req, reply), await retention())));
  app.get('/api/v1/privacy/retention', { config: { access: PRIVACY } }, async () => {
    const r = await retention();
    return retentionJson(r.report, r.deletions);
  });
}
