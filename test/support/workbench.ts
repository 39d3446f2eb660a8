/**
 * The workbench against the real servers: its own test database, the local OpenID Connect
 * provider (scripts/idp.ts, started by scripts/services.sh), and an HTTP client that signs
 * in the way a browser does (redirects, cookies, the provider's login form).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type mongoose from 'mongoose';
import { config, connectTestDb, logger } from './env.ts';
import { createFieldCipher, createKeyedHasher } from '../../lib/crypto.ts';
import { createDocLock } from '../../lib/doclock.ts';
import { detectServer } from '../../lib/retention.ts';
import { createAuditLog, type AuditLog } from '../../processors/audit/index.ts';
import { caseLocker, createCaseStore, type CaseStore } from '../../processors/cases/index.ts';
import { createIdentityStore, type IdentityStore } from '../../processors/identity/index.ts';
import { createWorkbench, type Workbench, type WorkbenchSettings } from '../../workbench/index.ts';
import { createSurvey, DEFAULT_SURVEY_SETTINGS, type Survey, type SurveySettings } from '../../processors/survey/index.ts';
import { RETENTION_COLLECTIONS } from '../../app/index.ts';

export const demoPassword = (): string => readFileSync(path.join(config.localDir, 'secrets', 'demo-password'), 'utf8').trim();

export interface TestWorkbench {
  conn: mongoose.Connection; store: CaseStore; identity: IdentityStore; audit: AuditLog; wb: Workbench; url: string;
  /** Present when asked for (the survey's public pages and report). */
  survey?: Survey;
  /** The Kafka topic prefix a dead-letter retry from this workbench publishes under (its own). */
  topicPrefix: string;
  close(): Promise<void>;
}

export function workbenchSettings(over: Partial<WorkbenchSettings> = {}): WorkbenchSettings {
  const o = config.workbench.oidc;
  if (!o.clientSecret) throw new Error('no .local/secrets/oidc-client-secret: run npm run services:up');
  return {
    host: '127.0.0.1', port: 0, publicUrl: null, demo: true,
    oidc: { issuer: o.issuer, clientId: o.clientId, clientSecret: o.clientSecret, rolesClaim: o.rolesClaim },
    ...over,
  };
}

export async function startTestWorkbench(prefix: string, over: Partial<WorkbenchSettings> = {}, clock?: () => Date, surveySettings?: Partial<SurveySettings>): Promise<TestWorkbench> {
  const conn = await connectTestDb(prefix);
  const server = await detectServer(conn.db!);
  const cipher = createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' });
  const audit = createAuditLog(conn, clock ? { clock } : {});
  await audit.ensureIndexes();
  const lock = createDocLock(conn.db!, { enabled: server.flavour !== 'mongodb' });
  const identity = createIdentityStore(conn, { cipher, audit, maxDays: config.idDocumentMaxDays, withCase: caseLocker(lock), ...(clock ? { clock } : {}) });
  await identity.ensureIndexes();
  // As the app does on FerretDB (app/index.ts), but exact: a test asserts right after a write.
  const queueSnapshot = server.flavour === 'mongodb' ? {} : { queueSnapshot: { maxStaleMs: 0 } };
  const store = createCaseStore(conn, { cipher, hasher: createKeyedHasher(config.keys.hmac), audit, lock, identity, ...queueSnapshot, probeCaseNumbers: server.flavour !== 'mongodb', ...(clock ? { clock } : {}) });
  await store.ensureIndexes();
  // The survey's settings are read at call time: its public URL is the workbench's, known after start.
  const survey = surveySettings
    ? createSurvey({ conn, hasher: createKeyedHasher(config.keys.hmac), hmacKey: config.keys.hmac, settings: { ...DEFAULT_SURVEY_SETTINGS, publicUrl: '', ...surveySettings }, ...(clock ? { clock } : {}) })
    : undefined;
  await survey?.ensureIndexes();
  const topicPrefix = `test-${prefix}-${Date.now().toString(36)}.`;
  const wb = await createWorkbench({
    settings: workbenchSettings(over), conn, store, identity, audit, logger, ...(survey ? { survey } : {}), ...(clock ? { clock } : {}),
    hasher: createKeyedHasher(config.keys.hmac), retentionCollections: RETENTION_COLLECTIONS,
    // A dead-letter retry from a test publishes to a topic of its own, never the shared pipeline's.
    retry: { ...config, kafka: { ...config.kafka, topicPrefix } },
  });
  await wb.start();
  if (survey) (survey.settings as { publicUrl: string }).publicUrl = wb.url;
  return {
    conn, store, identity, audit, wb, url: wb.url, topicPrefix, ...(survey ? { survey } : {}),
    async close() {
      await wb.stop();
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/** A browser-like HTTP client: a cookie jar (by name, as 127.0.0.1's cookies are shared by port) and manual redirects. */
export class Agent {
  readonly jar = new Map<string, string>();
  csrf: string | null = null;
  /** The attributes (HttpOnly, SameSite, …) of the last session cookie the server set. */
  lastSessionCookieAttributes: string | null = null;
  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (name === 'kcc_session' && value) this.lastSessionCookieAttributes = c.slice(pair!.length + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const abs = new URL(url, this.base).href;
    const res = await fetch(abs, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: this.cookieHeader() } });
    this.remember(res);
    return res;
  }

  /** Follows redirects (GET after 303), like a browser. */
  async follow(url: string, init: RequestInit = {}, max = 10): Promise<{ res: Response; url: string }> {
    let res = await this.request(url, init);
    let at = new URL(url, this.base).href;
    for (let i = 0; i < max && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get('location')!, at).href;
      res = await this.request(at);
    }
    return { res, url: at };
  }

  async get(url: string): Promise<Response> {
    return this.request(url);
  }

  async json(method: string, url: string, body?: unknown, csrf = this.csrf): Promise<{ status: number; body: any }> {
    const res = await this.request(url, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async form(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }
}

/** Signs `account` in through the real provider; returns the client with its session cookie and CSRF token. */
export async function signIn(base: string, account: string, password = demoPassword()): Promise<Agent> {
  const a = new Agent(base);
  const { res: loginPage, url: loginUrl } = await a.follow('/auth/login');
  if (loginPage.status !== 200) throw new Error(`provider login page: ${loginPage.status}`);
  const action = /action="([^"]+)"/.exec(await loginPage.text())![1]!;
  const { res } = await a.follow(new URL(action.replace(/&amp;/g, '&'), loginUrl).href, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: account, password }).toString(),
  });
  if (!a.jar.has('kcc_session')) throw new Error(`sign-in of ${account} gave no session (${res.status})`);
  const queue = await a.get('/');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await queue.text());
  a.csrf = csrf ? csrf[1]! : null;
  return a;
}
