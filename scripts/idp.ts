/**
 * The local identity provider for development, tests and the demo: a real OpenID Connect
 * provider (oidc-provider), started by scripts/services.sh like the other local services.
 * Production uses the ministry's own provider (KCC_OIDC_ISSUER and the client's id and secret).
 *
 * One demo account per workbench role, one generated password for all of them
 * (.local/secrets/demo-password), and one account without a workbench role, so the refusal
 * can be seen and tested. The sign-in page is our own (no remote fonts or scripts, as the
 * library's development pages have), in Dutch.
 *
 *   node --import tsx scripts/idp.ts      (port KCC_IDP_PORT, default 10490; loopback only)
 *
 * The workbench is registered as a native-application client with a loopback redirect URI
 * (RFC 8252 §7.3): any port of 127.0.0.1 is accepted, so tests can run the workbench on a
 * free port. Keys and cookies are made anew at every start: a restart signs everyone out.
 */
import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCAL = process.env.KCC_LOCAL_DIR ?? path.join(ROOT, '.local');
const PORT = Number(process.env.KCC_IDP_PORT ?? 10490);
const ISSUER = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = 'kcc-workbench';
const secret = (name: string) => readFileSync(path.join(LOCAL, 'secrets', name), 'utf8').trim();

/** The demo accounts: account id -> roles and the name the workbench shows. */
export const DEMO_ACCOUNTS: Record<string, { name: string; roles: string[] }> = {
  eerstelijn: { name: 'Eva Eerstelijn (demo)', roles: ['first_line'] },
  eerstelijn2: { name: 'Erik Eerstelijn (demo)', roles: ['first_line'] },
  tweedelijn: { name: 'Tom Tweedelijn (demo)', roles: ['second_line'] },
  teamleider: { name: 'Tara Teamleider (demo)', roles: ['team_lead'] },
  privacy: { name: 'Pim Privacy (demo)', roles: ['privacy_officer'] },
  geenrol: { name: 'Gerda Geenrol (demo)', roles: [] },
};

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid: string, error: string | null): string {
  return page('Inloggen bij de KCC-werkplek (lokale identiteitsprovider)', `
<p>Dit is de identiteitsprovider voor ontwikkeling en demo. Accounts: ${Object.keys(DEMO_ACCOUNTS).map(esc).join(', ')}.</p>
${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<p><label for="login">Account</label><br><input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Wachtwoord</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Inloggen</button></p>
</form>`);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

export async function startIdp(): Promise<http.Server> {
  const clientSecret = secret('oidc-client-secret');
  const demoPassword = secret('demo-password');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'ES256', kid: randomBytes(8).toString('hex') };

  const provider = new Provider(ISSUER, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: clientSecret,
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/auth/callback'],
      post_logout_redirect_uris: ['http://127.0.0.1/auth/signed-out'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    }],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'profile', 'roles'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], roles: ['roles'] },
    // The workbench reads the roles from the ID token; no userinfo round trip.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Uitloggen', `${form}<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, uitloggen</button></p>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('U bent uitgelogd', '<p>U bent uitgelogd bij de identiteitsprovider.</p>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Fout bij inloggen', `<p>${esc(String(out.error))}: ${esc(String(out.error_description ?? ''))}</p>`);
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = DEMO_ACCOUNTS[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: account.name, preferred_username: sub, roles: account.roles }) };
    },
    ttl: { Session: 10 * 3600, Interaction: 600, Grant: 10 * 3600, IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60 },
  });

  const callback = provider.callback();
  const server = http.createServer((req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec((req.url ?? '').split('?')[0]!);
    if (!m) { callback(req, res); return; }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.uid !== m[1]) throw new Error('interaction mismatch');
        // The workbench is this provider's only, first-party client: consent is given for it
        // (what the interaction asks for, nothing more), never shown.
        if (details.prompt.name === 'consent') {
          const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
          const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
          if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
          if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
          for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
          const grantId = await grant.save();
          await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
          return;
        }
        if (req.method === 'GET' && !m[2]) {
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          // form-action also governs the redirects after the login POST, which end on the workbench's
          // callback (another port of 127.0.0.1: a loopback client, RFC 8252 §7.3).
          res.setHeader('Content-Security-Policy', "default-src 'none'; form-action 'self' http://127.0.0.1:*; frame-ancestors 'none'");
          res.end(loginForm(details.uid, null));
          return;
        }
        if (req.method === 'POST' && m[2]) {
          const form = await readForm(req);
          const login = form.get('login') ?? '';
          if (!Object.hasOwn(DEMO_ACCOUNTS, login) || !equalSecret(form.get('password') ?? '', demoPassword)) {
            res.statusCode = 401;
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end(loginForm(details.uid, 'Onbekend account of onjuist wachtwoord.'));
            return;
          }
          await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
          return;
        }
        res.statusCode = 405;
        res.end();
      } catch {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(page('Fout bij inloggen', '<p>Deze inlogpoging is verlopen of ongeldig. Begin opnieuw bij de werkplek.</p>'));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(PORT, '127.0.0.1', () => resolve()); });
  return server;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startIdp();
  process.stdout.write(`idp: OpenID Connect provider on ${ISSUER}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
