/**
 * X-Forwarded-For is believed only from the proxies named in KCC_WORKBENCH_TRUST_PROXY.
 * Seen through the sign-in rate limit (30 a minute per client address): a client that makes
 * up a new X-Forwarded-For on every request is still one client unless its peer is a trusted
 * proxy. Before 2026-12-02 an https public URL trusted every peer's header.
 */
import { expect } from 'chai';
import { startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';

async function statuses(url: string, n: number, xff: (i: number) => string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fetch(`${url}/auth/callback`, { redirect: 'manual', headers: { 'x-forwarded-for': xff(i) } })).status);
  return out;
}

describe('workbench: which proxies are trusted (KCC_WORKBENCH_TRUST_PROXY)', function () {
  this.timeout(60_000);
  const open: TestWorkbench[] = [];
  after(async () => { for (const t of open) await t.close(); });

  it('off (the default), behind an https public URL: a forged X-Forwarded-For does not escape the rate limit', async () => {
    const t = await startTestWorkbench('wbproxyoff', { publicUrl: 'https://kcc.example.test' });
    open.push(t);
    const s = await statuses(t.url, 32, (i) => `203.0.113.${i + 1}`);
    expect(s.slice(0, 30).every((x) => x === 400)).to.equal(true);
    expect(s.slice(30)).to.deep.equal([429, 429]);
  });

  it('a named proxy (the test\'s own address): its X-Forwarded-For names the client', async () => {
    const t = await startTestWorkbench('wbproxyon', { trustProxy: ['127.0.0.1/32'] });
    open.push(t);
    const many = await statuses(t.url, 32, (i) => `198.51.100.${i + 1}`);
    expect(many.filter((x) => x === 429)).to.deep.equal([]);
    const one = await statuses(t.url, 32, () => '198.51.100.200');
    expect(one.slice(30)).to.deep.equal([429, 429]);
  });
});
