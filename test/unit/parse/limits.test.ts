/**
 * Issue 12, "one limit, enforced once": a 41 MB mail was under the documented
 * KCC_MAX_MESSAGE_BYTES (50 MiB) but dead-lettered by a hard-coded 36 MiB parse limit. The
 * configured number is now the parser's too, by default and as configured.
 */
import { expect } from 'chai';
import { DEFAULTS, loadConfig } from '../../../config/index.ts';
import { DEFAULT_PARSE_LIMITS, parseEmail } from '../../../processors/parse/index.ts';
import { InputError } from '../../../lib/errors.ts';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const SECRETS = { KCC_IMAP_PASSWORD: 'x', KCC_ENCRYPTION_KEY: KEY, KCC_HMAC_KEY: KEY, KCC_LETTERS_UPLOAD_TOKEN_FILE: '' };

describe('parse: one size limit, the configured one', () => {
  it('the default KCC_MAX_MESSAGE_BYTES is the parser\'s default limit: 36 MiB', () => {
    const config = loadConfig({ ...SECRETS });
    expect(config.limits.maxMessageBytes).to.equal(36 * 1024 * 1024);
    expect(DEFAULT_PARSE_LIMITS.maxBytes).to.equal(config.limits.maxMessageBytes);
    expect(Number(DEFAULTS.KCC_MAX_MESSAGE_BYTES)).to.equal(DEFAULT_PARSE_LIMITS.maxBytes);
  });

  it('a 41 MB mail is refused by the configured limit (at ingest: the ingestor compares its SIZE with the same number)', () => {
    const config = loadConfig({ ...SECRETS });
    expect(41_000_000).to.be.greaterThan(config.limits.maxMessageBytes);
  });

  it('the parser refuses above the configured limit and not at it', async () => {
    const limit = 4096;
    const head = 'From: <a@example.nl>\r\nSubject: x\r\n\r\n';
    const at = Buffer.from(head + 'a'.repeat(limit - head.length));
    expect((await parseEmail(at, { maxBytes: limit })).subject).to.equal('x');
    const over = Buffer.concat([at, Buffer.from('a')]);
    const err = await parseEmail(over, { maxBytes: limit }).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).code).to.equal('PARSE_TOO_LARGE');
  });
});
