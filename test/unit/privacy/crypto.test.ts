import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createFieldCipher, createKeyedHasher, normaliseIdentifier, type EncryptedValue } from '../../../lib/crypto.ts';
import { ConfigError, InputError, PipelineError } from '../../../lib/errors.ts';

const key = () => randomBytes(32);

function expectCode(fn: () => unknown, code: string): PipelineError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(PipelineError);
  expect((caught as PipelineError).code).to.equal(code);
  return caught as PipelineError;
}

/** Flip one bit of a base64 field. */
function flip(b64: string, byte = 0): string {
  const buf = Buffer.from(b64, 'base64');
  buf[byte] = buf[byte]! ^ 0x01;
  return buf.toString('base64');
}

describe('privacy/crypto: field encryption', () => {
  const k1 = key();
  const cipher = createFieldCipher({ keys: { k1 }, activeKeyId: 'k1' });
  const aad = 'cases/6650c0ffee/contact.email';
  const plain = 'j.de.vries@example.nl';

  it('round-trips strings and buffers, in the documented shape', () => {
    const v = cipher.encrypt(plain, aad);
    expect(v.v).to.equal(1);
    expect(v.kid).to.equal('k1');
    expect(Buffer.from(v.iv, 'base64')).to.have.length(12);
    expect(Buffer.from(v.tag, 'base64')).to.have.length(16);
    expect(Buffer.from(v.ct, 'base64').toString('utf8')).to.not.equal(plain);
    expect(JSON.stringify(v)).to.not.include('vries');
    expect(cipher.decryptString(v, aad)).to.equal(plain);

    const bin = randomBytes(1000);
    expect(cipher.decrypt(cipher.encrypt(bin, aad), aad).equals(bin)).to.equal(true);
    expect(cipher.decryptString(cipher.encrypt('', aad), aad)).to.equal('');
  });

  it('uses a fresh IV per value: the same plain text never gives the same ciphertext', () => {
    const a = cipher.encrypt(plain, aad);
    const b = cipher.encrypt(plain, aad);
    expect(a.iv).to.not.equal(b.iv);
    expect(a.ct).to.not.equal(b.ct);
  });

  it('detects tampering with ciphertext, tag or IV', () => {
    const v = cipher.encrypt(plain, aad);
    for (const bad of [{ ...v, ct: flip(v.ct) }, { ...v, tag: flip(v.tag, 15) }, { ...v, iv: flip(v.iv, 11) }]) {
      const err = expectCode(() => cipher.decrypt(bad, aad), 'CRYPTO_DECRYPT_FAILED');
      expect(err.retriable).to.equal(false);
      expect(err.message).to.not.include(plain);
      expect(err.message).to.not.include(bad.ct);
    }
  });

  it('refuses a value copied to another record or field (aad binding)', () => {
    const v = cipher.encrypt(plain, aad);
    expectCode(() => cipher.decrypt(v, 'cases/6650c0ffef/contact.email'), 'CRYPTO_DECRYPT_FAILED');
    expectCode(() => cipher.decrypt(v, 'cases/6650c0ffee/contact.phone'), 'CRYPTO_DECRYPT_FAILED');
    expect(() => cipher.encrypt(plain, '')).to.throw(TypeError);
  });

  it('refuses malformed values without throwing anything else', () => {
    const v = cipher.encrypt(plain, aad);
    const malformed: unknown[] = [
      null,
      'text',
      { ...v, v: 2 },
      { ...v, iv: 'not base64!' },
      { ...v, iv: Buffer.alloc(8).toString('base64') },
      { ...v, tag: Buffer.alloc(8).toString('base64') },
      { ...v, ct: undefined },
    ];
    for (const m of malformed) expectCode(() => cipher.decrypt(m as EncryptedValue, aad), 'CRYPTO_DECRYPT_FAILED');
  });

  it('rotates keys: old values still open, new values use the new key, rotate() re-seals', () => {
    const k2 = key();
    const old = cipher.encrypt(plain, aad);
    const rotated = createFieldCipher({ keys: { k1, k2 }, activeKeyId: 'k2' });
    expect(rotated.decryptString(old, aad)).to.equal(plain);
    expect(rotated.needsRotation(old)).to.equal(true);

    const fresh = rotated.encrypt(plain, aad);
    expect(fresh.kid).to.equal('k2');
    expect(rotated.needsRotation(fresh)).to.equal(false);
    expect(rotated.rotate(fresh, aad)).to.equal(fresh);

    const resealed = rotated.rotate(old, aad);
    expect(resealed.kid).to.equal('k2');
    expect(rotated.decryptString(resealed, aad)).to.equal(plain);

    // Once k1 is retired, only values not yet re-sealed fail, with their own code.
    const retired = createFieldCipher({ keys: { k2 }, activeKeyId: 'k2' });
    expect(retired.decryptString(resealed, aad)).to.equal(plain);
    expectCode(() => retired.decrypt(old, aad), 'CRYPTO_UNKNOWN_KEY');
  });

  it('a key id pointing at another key does not decrypt', () => {
    const other = createFieldCipher({ keys: { k1: key() }, activeKeyId: 'k1' });
    expectCode(() => other.decrypt(cipher.encrypt(plain, aad), aad), 'CRYPTO_DECRYPT_FAILED');
  });

  it('validates keys at construction, listing every problem', () => {
    expect(() => createFieldCipher({ keys: { k1: randomBytes(16) }, activeKeyId: 'k1' })).to.throw(ConfigError, /32 bytes/);
    expect(() => createFieldCipher({ keys: { k1 }, activeKeyId: 'k9' })).to.throw(ConfigError, /active key/);
    expect(() => createFieldCipher({ keys: { 'bad id!': k1 }, activeKeyId: 'k1' })).to.throw(ConfigError, /key id/);
    const err = expectCode(() => createFieldCipher({ keys: { a: randomBytes(31) }, activeKeyId: 'b' }), 'CRYPTO_BAD_KEYS');
    expect(err.message).to.match(/32 bytes/).and.to.match(/active key/);
  });

  it('keeps its own copy of the keys', () => {
    const k = key();
    const c = createFieldCipher({ keys: { k }, activeKeyId: 'k' });
    const v = c.encrypt(plain, aad);
    k.fill(0);
    expect(c.decryptString(v, aad)).to.equal(plain);
  });
});

describe('privacy/crypto: keyed hashes for lookup fields', () => {
  const hasher = createKeyedHasher(randomBytes(32));

  it('gives equal hashes for spellings of the same identifier', () => {
    expect(hasher.hmac('email', '  J.de.Vries@Example.NL ')).to.equal(hasher.hmac('email', 'j.de.vries@example.nl'));
    const phone = hasher.hmac('phone', '06-12345678');
    for (const p of ['+31 6 1234 5678', '0031612345678', '06 12 34 56 78', '+31612345678']) expect(hasher.hmac('phone', p), p).to.equal(phone);
    expect(hasher.hmac('bsn', '1234.56.782')).to.equal(hasher.hmac('bsn', '123456782'));
    expect(hasher.hmac('bsn', '12345672')).to.equal(hasher.hmac('bsn', '012345672'));
    expect(hasher.hmac('name', ' José  de Vries')).to.equal(hasher.hmac('name', 'jose de vries'));
  });

  it('normalises to documented forms', () => {
    expect(normaliseIdentifier('email', ' A@B.NL ')).to.equal('a@b.nl');
    expect(normaliseIdentifier('phone', '070 373 8888')).to.equal('+31703738888');
    expect(normaliseIdentifier('phone', '+44 20 7946 0958')).to.equal('+442079460958');
    expect(normaliseIdentifier('bsn', '12345672')).to.equal('012345672');
    expect(normaliseIdentifier('name', 'Ëlla   VAN  Dijk')).to.equal('ella van dijk');
  });

  it('separates kinds and keys, and returns hex', () => {
    const h = hasher.hmac('name', 'a@b.nl');
    expect(h).to.match(/^[0-9a-f]{64}$/);
    expect(h).to.not.equal(hasher.hmac('email', 'a@b.nl'));
    expect(createKeyedHasher(randomBytes(32)).hmac('email', 'a@b.nl')).to.not.equal(hasher.hmac('email', 'a@b.nl'));
    expect(hasher.hmac('bsn', '123456782')).to.not.equal(hasher.hmac('bsn', '123456783'));
  });

  it('refuses unusable identifiers with a coded error that does not echo the value', () => {
    for (const [kind, value] of [
      ['email', 'no-at-sign'],
      ['email', 'a b@c.nl'],
      ['phone', '12'],
      ['phone', 'call me'],
      ['bsn', '1234'],
      ['bsn', '1234567890'],
      ['name', '   '],
      ['email', `${'a'.repeat(400)}@b.nl`],
    ] as const) {
      let caught: unknown;
      try {
        hasher.hmac(kind, value);
      } catch (err) {
        caught = err;
      }
      expect(caught, `${kind} ${value.slice(0, 20)}`).to.be.instanceOf(InputError);
      expect((caught as InputError).code).to.equal('CRYPTO_BAD_IDENTIFIER');
      expect((caught as InputError).message).to.not.include(value.trim() || '\u0000');
    }
  });

  it('refuses a short key', () => {
    expect(() => createKeyedHasher(randomBytes(16))).to.throw(ConfigError).with.property('code', 'CRYPTO_BAD_KEYS');
  });
});
