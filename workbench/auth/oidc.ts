/**
 * Sign-in with OpenID Connect: authorization code flow with PKCE (openid-client).
 *
 * The provider's metadata is discovered on first need, not at start-up: a workbench whose
 * identity provider is down still starts and says so on the sign-in page, and a failed
 * discovery is never cached (the next sign-in tries again; issue #12's lesson).
 *
 * Roles come from a configurable claim of the ID token (KCC_OIDC_ROLES_CLAIM), as an array
 * or a space-separated string; only the workbench's own role names count.
 */
import * as client from 'openid-client';
import { TransientError, InputError } from '../../lib/errors.ts';
import { AGENT_ROLES, isAgentRole, type AgentRole, type SignedInAgent } from '../access.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  rolesClaim: string;
  /** Where the provider sends the browser back: `<public url>/auth/callback`. */
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface OidcClient {
  /** Where to send the browser, and the state to keep until it comes back. */
  begin(): Promise<{ url: string; state: string; verifier: string; nonce: string }>;
  /** The agent of a completed sign-in (the callback's full URL), or an error with a code. */
  complete(callbackUrl: URL, checks: { state: string; verifier: string; nonce: string }): Promise<{ agent: SignedInAgent; idToken: string | null }>;
  logoutUrl(idToken: string | null): Promise<string | null>;
}

/** A plain-http issuer is accepted only on loopback (the local development provider). */
function isLoopback(u: URL): boolean {
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
}

export function rolesOf(claim: unknown): AgentRole[] {
  const list = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  // In the workbench's order, so an agent with several roles acts in the first by default.
  return AGENT_ROLES.filter((r) => list.some((x) => x === r));
}

export function createOidcClient(s: OidcSettings): OidcClient {
  let configuration: Promise<client.Configuration> | null = null;
  const config = (): Promise<client.Configuration> => {
    configuration ??= (async () => {
      const issuer = new URL(s.issuer);
      const insecure = issuer.protocol === 'http:' && isLoopback(issuer);
      try {
        return await client.discovery(issuer, s.clientId, { client_secret: s.clientSecret }, undefined, {
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
          timeout: 5,
        });
      } catch (err) {
        throw new TransientError('OIDC_PROVIDER_UNREACHABLE', 'the identity provider did not answer its discovery request', err);
      }
    })().catch((err: unknown) => {
      configuration = null; // never keep a failure: the next sign-in asks again
      throw err;
    });
    return configuration;
  };

  return {
    async begin() {
      const c = await config();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: s.redirectUri, scope: 'openid profile roles', state, nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      return { url: url.href, state, verifier, nonce };
    },

    async complete(callbackUrl, checks) {
      const c = await config();
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(c, callbackUrl, { pkceCodeVerifier: checks.verifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true });
      } catch (err) {
        const e = err as { code?: string; name?: string };
        if (e.name === 'TypeError' || e.code === 'OAUTH_TIMEOUT' || /ECONNREFUSED|fetch failed/.test(String((err as Error).message))) {
          throw new TransientError('OIDC_PROVIDER_UNREACHABLE', 'the identity provider did not answer the token request', err);
        }
        throw new InputError('OIDC_SIGN_IN_REFUSED', 'the sign-in response was not valid', err);
      }
      const claims = tokens.claims();
      if (!claims?.sub) throw new InputError('OIDC_SIGN_IN_REFUSED', 'the ID token names no subject');
      const roles = rolesOf(claims[s.rolesClaim]);
      if (roles.length === 0) throw new InputError('OIDC_NO_ROLE', 'the account has no workbench role');
      const name = typeof claims.name === 'string' ? claims.name : typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
      return { agent: { id: claims.sub, role: roles[0]!, roles: roles.filter(isAgentRole), displayName: name.slice(0, 120) }, idToken: tokens.id_token ?? null };
    },

    async logoutUrl(idToken) {
      try {
        const c = await config();
        if (!c.serverMetadata().end_session_endpoint) return null;
        return client.buildEndSessionUrl(c, { post_logout_redirect_uri: s.postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
      } catch {
        return null; // the local session is gone all the same
      }
    },
  };
}
