/** KCC_WORKBENCH_TRUST_PROXY: off by default, else named proxies, validated once at start. */
import { expect } from 'chai';
import { isAddressOrCidr, loadConfig } from '../../../config/index.ts';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const SECRETS = { KCC_IMAP_PASSWORD: 'x', KCC_ENCRYPTION_KEY: KEY, KCC_HMAC_KEY: KEY, KCC_LETTERS_UPLOAD_TOKEN_FILE: '' };

describe('config: KCC_WORKBENCH_TRUST_PROXY', () => {
  it('trusts no proxy by default, nor with "off" or empty, also behind an https public URL', () => {
    expect(loadConfig({ ...SECRETS }).workbench.trustProxy).to.deep.equal([]);
    expect(loadConfig({ ...SECRETS, KCC_WORKBENCH_TRUST_PROXY: 'off', KCC_WORKBENCH_PUBLIC_URL: 'https://kcc.example.test' }).workbench.trustProxy).to.deep.equal([]);
    expect(loadConfig({ ...SECRETS, KCC_WORKBENCH_TRUST_PROXY: '' }).workbench.trustProxy).to.deep.equal([]);
  });

  it('takes a comma-separated list of addresses and CIDRs', () => {
    expect(loadConfig({ ...SECRETS, KCC_WORKBENCH_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,fd00::/8' }).workbench.trustProxy).to.deep.equal(['10.0.0.5', '192.168.0.0/16', 'fd00::/8']);
  });

  it('stops start-up on anything else, without echoing the value', () => {
    for (const bad of ['true', '*', '10.0.0.0/33', 'proxy.example.test', '10.0.0.1/8/1', '1.2.3']) {
      expect(() => loadConfig({ ...SECRETS, KCC_WORKBENCH_TRUST_PROXY: bad }), bad).to.throw(/KCC_WORKBENCH_TRUST_PROXY: must be "off" or a comma-separated list/);
      try { loadConfig({ ...SECRETS, KCC_WORKBENCH_TRUST_PROXY: `${bad},secretish` }); } catch (e) { expect((e as Error).message).to.not.include('secretish'); }
    }
    expect(isAddressOrCidr('::1')).to.equal(true);
    expect(isAddressOrCidr('fd00::/129')).to.equal(false);
  });
});
