/**
 * Who may call what. Every route declares it on the route itself:
 *
 *   app.get('/x', { config: { access: ['first_line', 'team_lead'] } }, handler)
 *   app.get('/auth/login', { config: { access: 'public' } }, handler)
 *
 * and one onRequest hook enforces it, so the rule is read where the route is written and a
 * test can list every route and prove every boundary. A route registered without a
 * declaration stops the app at start-up (onRoute), so none can be forgotten.
 *
 * A refused call gets 403 and leaves an audit entry (`access_denied`); an unauthenticated
 * one goes to sign-in (pages) or gets 401 (API).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../lib/errors.ts';

/** The workbench's roles, as the identity provider's role claim names them. */
export const AGENT_ROLES = ['first_line', 'second_line', 'team_lead', 'privacy_officer'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

/** `public`: anyone (sign-in, static assets, health); `signed_in`: any role; else the roles listed. */
export type Access = 'public' | 'signed_in' | readonly AgentRole[];

export interface SignedInAgent {
  /** The identity provider's subject: an account id, the only staff identifier stored on cases and audit entries. */
  id: string;
  /** The role this session acts in (the first of the agent's roles the workbench knows, or the one chosen). */
  role: AgentRole;
  roles: AgentRole[];
  /** For the page header only (kept in the session, never on a case). */
  displayName: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    agent: SignedInAgent | null;
  }
}

export function isAgentRole(s: unknown): s is AgentRole {
  return typeof s === 'string' && (AGENT_ROLES as readonly string[]).includes(s);
}

export function allows(access: Access, agent: SignedInAgent | null): boolean {
  if (access === 'public') return true;
  if (!agent) return false;
  if (access === 'signed_in') return true;
  return access.includes(agent.role);
}

export interface AccessHooks {
  /** Loads the agent of the request's session (null when there is none or it expired). */
  authenticate(req: FastifyRequest, reply: FastifyReply): Promise<SignedInAgent | null>;
  /** A refusal, for the audit log (no personal data: the account, its role, the route). */
  onDenied(req: FastifyRequest, agent: SignedInAgent): Promise<void>;
  /** What an unauthenticated request gets (a page goes to sign-in, the API gets 401). */
  unauthenticated(req: FastifyRequest, reply: FastifyReply): FastifyReply;
  forbidden(req: FastifyRequest, reply: FastifyReply): FastifyReply;
}

/** Installs the declaration check and the enforcing hook on `app` (call before any route). */
export function installAccess(app: FastifyInstance, hooks: AccessHooks): void {
  app.decorateRequest('agent', null);
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    const ok = access === 'public' || access === 'signed_in' || (Array.isArray(access) && access.length > 0 && access.every(isAgentRole));
    if (!ok) throw new ConfigError('WORKBENCH_ROUTE_ACCESS', `route ${String(route.method)} ${route.url} declares no access (config.access)`);
  });
  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access;
    // Fastify's own 404 handler has no route config: nothing to protect there.
    if (access === undefined || access === 'public') return;
    const agent = await hooks.authenticate(req, reply);
    req.agent = agent;
    if (!agent) return hooks.unauthenticated(req, reply);
    if (!allows(access, agent)) {
      await hooks.onDenied(req, agent);
      return hooks.forbidden(req, reply);
    }
  });
}

/** Every route with its declared access, for the boundary test and the OpenAPI document. */
export function routeTable(app: FastifyInstance): Array<{ method: string; url: string; access: Access }> {
  return (app as unknown as { [ROUTES]: Array<{ method: string; url: string; access: Access }> })[ROUTES] ?? [];
}

const ROUTES = Symbol.for('kcc.workbench.routes');

/** Records every route as it is registered (call right after installAccess). */
export function collectRoutes(app: FastifyInstance): void {
  const list: Array<{ method: string; url: string; access: Access }> = [];
  (app as unknown as Record<symbol, unknown>)[ROUTES] = list;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (m === 'HEAD') continue;
      list.push({ method: String(m), url: route.url, access: (route.config as { access: Access }).access });
    }
  });
}
