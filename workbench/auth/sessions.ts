/**
 * Server-side sessions of signed-in agents, and the short-lived state of a sign-in in
 * progress (PKCE verifier, state, nonce).
 *
 * The cookie holds only a random token; the database holds its SHA-256, so a copy of the
 * collection lets nobody sign in. Idle timeout 60 minutes, sliding; absolute limit 10 hours
 * (issue #15: a working day plus overtime, then the identity provider is asked again).
 * Logout deletes the session. `expiresAt` is the earlier of the two limits, so the TTL index
 * (MongoDB) or the sweeper (FerretDB) removes sessions nobody closed.
 *
 * No citizen data here. A session holds the agent's account id, roles and display name (for
 * the page header) and the ID token (for the identity provider's logout): staff account
 * data under the technical term `workbench_session`, not a register category of citizens.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { pdSchema } from '../../lib/pd-schema.ts';
import type { AgentRole, SignedInAgent } from '../access.ts';

export const SESSION_COLLECTION = 'workbench_sessions';
export const LOGIN_COLLECTION = 'workbench_logins';
export const SESSION_IDLE_MS = 60 * 60_000;
export const SESSION_ABSOLUTE_MS = 10 * 3600_000;
/** A sign-in must come back from the identity provider within this (its own interaction lives 10 minutes). */
export const LOGIN_STATE_MS = 10 * 60_000;
/** lastSeenAt is written at most this often: one write per click would double every page's cost. */
const TOUCH_EVERY_MS = 60_000;

const sessionSchema = pdSchema(
  {
    _id: { type: String, pd: false },
    agent: {
      id: { type: String, required: true, pd: false },
      role: { type: String, required: true, pd: false },
      roles: { type: [String], pd: false },
      displayName: { type: String, pd: false },
    },
    csrf: { type: String, required: true, pd: false },
    idToken: { type: String, pd: false },
    createdAt: { type: Date, required: true, pd: false },
    lastSeenAt: { type: Date, required: true, pd: false },
    absoluteExpiresAt: { type: Date, required: true, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: SESSION_COLLECTION, versionKey: false, strict: 'throw' },
);

const loginSchema = pdSchema(
  {
    /** The `state` parameter. */
    _id: { type: String, pd: false },
    verifier: { type: String, required: true, pd: false },
    nonce: { type: String, required: true, pd: false },
    returnTo: { type: String, pd: false },
    /** SHA-256 of the binding cookie's random value: the browser that began the sign-in (login CSRF). */
    browser: { type: String, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: LOGIN_COLLECTION, versionKey: false, strict: 'throw' },
);

interface SessionDoc {
  _id: string;
  agent: { id: string; role: string; roles: string[]; displayName?: string };
  csrf: string;
  idToken?: string;
  createdAt: Date; lastSeenAt: Date; absoluteExpiresAt: Date; expiresAt: Date;
}
interface LoginDoc { _id: string; verifier: string; nonce: string; returnTo?: string; browser?: string; expiresAt: Date }

export interface Session { token: string; agent: SignedInAgent; csrf: string; idToken: string | null; expiresAt: Date }

export interface SessionStore {
  create(agent: SignedInAgent, idToken: string | null): Promise<Session>;
  /** The live session of a cookie token, sliding its idle limit; null when none or expired. */
  get(token: string | undefined): Promise<Session | null>;
  destroy(token: string | undefined): Promise<Session | null>;
  /** `browser`: the random value of the browser's binding cookie (stored hashed). */
  saveLogin(state: string, verifier: string, nonce: string, returnTo: string, browser: string): Promise<void>;
  /**
   * The sign-in state, once, and only for the browser that began it: a second use finds
   * nothing ('unknown'); another browser's callback gets 'other_browser' and leaves the
   * state for the browser it belongs to.
   */
  takeLogin(state: string, browser: string | undefined): Promise<{ verifier: string; nonce: string; returnTo: string } | 'unknown' | 'other_browser'>;
  ensureIndexes(): Promise<void>;
  models: { Session: Model<SessionDoc>; Login: Model<LoginDoc> };
}

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
export const newToken = (): string => randomBytes(32).toString('base64url');

export function sessionModels(conn: Connection) {
  return {
    Session: (conn.models.WorkbenchSession as Model<SessionDoc> | undefined) ?? conn.model<SessionDoc>('WorkbenchSession', sessionSchema),
    Login: (conn.models.WorkbenchLogin as Model<LoginDoc> | undefined) ?? conn.model<LoginDoc>('WorkbenchLogin', loginSchema),
  };
}

export function createSessionStore(conn: Connection, o: { clock?: () => Date; idleMs?: number; absoluteMs?: number } = {}): SessionStore {
  const now = o.clock ?? (() => new Date());
  const idleMs = o.idleMs ?? SESSION_IDLE_MS;
  const absoluteMs = o.absoluteMs ?? SESSION_ABSOLUTE_MS;
  const models = sessionModels(conn);
  const { Session, Login } = models;
  const toSession = (token: string, d: SessionDoc): Session => ({
    token,
    agent: { id: d.agent.id, role: d.agent.role as AgentRole, roles: d.agent.roles as AgentRole[], displayName: d.agent.displayName ?? d.agent.id },
    csrf: d.csrf, idToken: d.idToken ?? null, expiresAt: d.expiresAt,
  });

  return {
    models,
    async create(agent, idToken) {
      const token = newToken();
      const at = now();
      const absolute = new Date(at.getTime() + absoluteMs);
      const doc: SessionDoc = {
        _id: hash(token), agent: { id: agent.id, role: agent.role, roles: agent.roles, displayName: agent.displayName },
        csrf: newToken(), ...(idToken ? { idToken } : {}),
        createdAt: at, lastSeenAt: at, absoluteExpiresAt: absolute,
        expiresAt: new Date(Math.min(at.getTime() + idleMs, absolute.getTime())),
      };
      await Session.create(doc);
      return toSession(token, doc);
    },
    async get(token) {
      if (!token || token.length > 100) return null;
      const d = await Session.findById(hash(token)).lean<SessionDoc>();
      if (!d) return null;
      const at = now();
      if (d.expiresAt.getTime() <= at.getTime()) {
        await Session.deleteOne({ _id: d._id });
        return null;
      }
      if (at.getTime() - d.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        d.expiresAt = new Date(Math.min(at.getTime() + idleMs, d.absoluteExpiresAt.getTime()));
        await Session.updateOne({ _id: d._id }, { $set: { lastSeenAt: at, expiresAt: d.expiresAt } });
      }
      return toSession(token, d);
    },
    async destroy(token) {
      if (!token || token.length > 100) return null;
      const d = await Session.findOneAndDelete({ _id: hash(token) }).lean<SessionDoc>();
      return d ? toSession(token, d) : null;
    },
    async saveLogin(state, verifier, nonce, returnTo, browser) {
      await Login.create({ _id: state, verifier, nonce, returnTo, browser: hash(browser), expiresAt: new Date(now().getTime() + LOGIN_STATE_MS) });
    },
    async takeLogin(state, browser) {
      if (!state || state.length > 100) return 'unknown';
      // Taken only together with its browser's binding: the filter, not a check after the
      // delete, so another browser's attempt cannot use up the rightful one's state.
      const d = browser && browser.length <= 100 ? await Login.findOneAndDelete({ _id: state, browser: hash(browser) }).lean<LoginDoc>() : null;
      if (!d) {
        const other = await Login.findById(state, { expiresAt: 1 }).lean<LoginDoc>();
        return other && other.expiresAt.getTime() > now().getTime() ? 'other_browser' : 'unknown';
      }
      if (d.expiresAt.getTime() <= now().getTime()) return 'unknown';
      return { verifier: d.verifier, nonce: d.nonce, returnTo: d.returnTo ?? '/' };
    },
    async ensureIndexes() {
      await Promise.all([Session.init(), Login.init()]);
    },
  };
}
