/**
 * Login CSRF: the sign-in's `state` (and its PKCE verifier) belong to the browser that began
 * the sign-in. An attacker who begins a sign-in with their own account and hands the
 * callback URL (code and state) to someone else's browser must not sign that browser in as
 * the attacker: a clear 403 page, no session. The browser that began it still completes.
 */
import { expect } from 'chai';
import { Agent, demoPassword, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';

/** Runs the sign-in through the provider and stops where the provider sends the browser back. */
async function callbackUrlOf(a: Agent, account: string): Promise<string> {
  const { res: loginPage, url: loginUrl } = await a.follow('/auth/login');
  expect(loginPage.status).to.equal(200);
  const action = /action="([^"]+)"/.exec(await loginPage.text())![1]!;
  let res = await a.request(new URL(action.replace(/&amp;/g, '&'), loginUrl).href, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: account, password: demoPassword() }).toString(),
  });
  let at = new URL(action.replace(/&amp;/g, '&'), loginUrl).href;
  for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
    at = new URL(res.headers.get('location')!, at).href;
    if (at.startsWith(`${a.base}/auth/callback`)) return at;
    res = await a.request(at);
  }
  throw new Error(`the provider did not send the browser back (${res.status})`);
}

describe('workbench/sign-in: the state is bound to the browser that began it (login CSRF)', function () {
  this.timeout(60_000);
  let t: TestWorkbench;
  before(async () => { t = await startTestWorkbench('wblogincsrf'); });
  after(async () => { await t?.close(); });

  it('refuses a callback from another browser with 403 and no session; the right browser signs in', async () => {
    const attacker = new Agent(t.url);
    const callback = await callbackUrlOf(attacker, 'teamleider');
    const cookie = attacker.jar.get('kcc_login');
    expect(cookie, 'the sign-in binding cookie').to.be.a('string');

    // The victim's browser: no binding cookie at all, then a binding cookie of its own sign-in.
    const victim = new Agent(t.url);
    const bare = await victim.request(callback);
    expect(bare.status).to.equal(403);
    expect(await bare.text()).to.include('OIDC_STATE_OTHER_BROWSER');
    expect(victim.jar.has('kcc_session')).to.equal(false);
    await victim.request('/auth/login');
    expect(victim.jar.get('kcc_login')).to.be.a('string').and.not.equal(cookie);
    const other = await victim.request(callback);
    expect(other.status).to.equal(403);
    expect(victim.jar.has('kcc_session')).to.equal(false);

    // The browser that began it completes its own sign-in.
    const own = await attacker.request(callback);
    expect(own.status).to.equal(200);
    expect(attacker.jar.has('kcc_session')).to.equal(true);
    expect(attacker.jar.has('kcc_login'), 'the binding cookie is cleared after use').to.equal(false);
    // Once used, the state is gone: a replay is refused.
    expect((await attacker.request(callback)).status).to.equal(400);
  });

  it('sets the binding cookie HttpOnly, SameSite=Lax (sent on the provider\'s redirect back), short-lived, on the callback path', async () => {
    const res = await fetch(`${t.url}/auth/login`, { redirect: 'manual' });
    const c = res.headers.getSetCookie().find((x) => x.startsWith('kcc_login='));
    expect(c).to.be.a('string');
    expect(c).to.match(/HttpOnly/i);
    expect(c).to.match(/SameSite=Lax/i);
    expect(c).to.match(/Path=\/auth\/callback/i);
    expect(c).to.match(/Max-Age=600/i);
  });
});
