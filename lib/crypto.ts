/**
 * Field-level encryption and keyed hashing for personal data at rest.
 *
 * - `createFieldCipher`: AES-256-GCM per field value. Each value records the id of the key
 *   that sealed it (`kid`), so keys can be rotated: new values use the active key, old
 *   values still open with the key they name until they are re-encrypted (`rotate`) or
 *   expire. The additional authenticated data (`aad`) binds a ciphertext to its place —
 *   e.g. `cases/<caseId>/contact.email` — so a value copied into another record or field
 *   does not decrypt.
 * - `createKeyedHasher`: HMAC-SHA-256 of a normalised identifier, for lookup index fields
 *   ("which cases have this e-mail address?") without a plain-text index. A keyed hash, not
 *   a bare hash: BSNs and phone numbers have so few possible values that an unkeyed hash is
 *   reversed by enumeration.
 *
 * Error messages never contain the plain text, the ciphertext or key material.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { ConfigError, InputError, PipelineError } from './errors.ts';

/** A sealed field value as stored in MongoDB: all binary parts base64. */
export interface EncryptedValue {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export interface FieldCipher {
  /** Seal `plain` under the active key, bound to `aad`. */
  encrypt(plain: Buffer | string, aad: string): EncryptedValue;
  /** Open a value sealed for the same `aad`; CRYPTO_DECRYPT_FAILED when it does not verify. */
  decrypt(value: EncryptedValue, aad: string): Buffer;
  /** Open and return as UTF-8 text. */
  decryptString(value: EncryptedValue, aad: string): string;
  /** True when the value is sealed under a key other than the active one. */
  needsRotation(value: EncryptedValue): boolean;
  /** Re-seal under the active key (same aad); returns the value unchanged when already current. */
  rotate(value: EncryptedValue, aad: string): EncryptedValue;
  readonly activeKeyId: string;
}

// AES-256-GCM: 256-bit key; 96-bit IV, the size GCM is specified for (NIST SP 800-38D
// §8.2), random per value; full 128-bit tag, never truncated.
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
// Key ids are stored in every value and appear in logs: keep them short and plain.
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function decryptFailed(cause?: unknown): PipelineError {
  // Not retriable: the same bytes with the same key give the same answer.
  return new PipelineError('CRYPTO_DECRYPT_FAILED', 'Encrypted field could not be decrypted (wrong key, wrong record binding, or tampered value).', {
    retriable: false,
    cause,
  });
}

export function createFieldCipher(options: { keys: Record<string, Buffer>; activeKeyId: string }): FieldCipher {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  for (const [kid, key] of Object.entries(options.keys ?? {})) {
    if (!KEY_ID.test(kid)) problems.push(`key id must match ${KEY_ID.source}`);
    else if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) problems.push(`key "${kid}" must be ${KEY_BYTES} bytes`);
    else keys.set(kid, Buffer.from(key)); // copy: a caller zeroing its buffer must not break us
  }
  if (!keys.has(options.activeKeyId)) problems.push('the active key id must name one of the keys');
  if (problems.length > 0) throw new ConfigError('CRYPTO_BAD_KEYS', `Field-encryption keys are invalid: ${problems.join('; ')}.`);
  const activeKeyId = options.activeKeyId;
  const activeKey = keys.get(activeKeyId)!;

  function encrypt(plain: Buffer | string, aad: string): EncryptedValue {
    if (typeof aad !== 'string' || aad.length === 0) throw new TypeError('encrypt needs a non-empty aad naming the record and field');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, activeKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), cipher.final()]);
    return { v: 1, kid: activeKeyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
  }

  function decrypt(value: EncryptedValue, aad: string): Buffer {
    if (typeof aad !== 'string' || aad.length === 0) throw new TypeError('decrypt needs a non-empty aad naming the record and field');
    if (value === null || typeof value !== 'object' || value.v !== 1 || typeof value.kid !== 'string') throw decryptFailed();
    const key = keys.get(value.kid);
    if (!key) {
      // A key retired while data sealed under it still exists: a configuration problem.
      throw new PipelineError('CRYPTO_UNKNOWN_KEY', 'Encrypted field names a key id that is not configured.', { retriable: false });
    }
    const iv = decodeBase64(value.iv);
    const tag = decodeBase64(value.tag);
    const ct = decodeBase64(value.ct);
    if (!iv || !tag || !ct || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw decryptFailed();
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]);
    } catch (err) {
      throw decryptFailed(err);
    }
  }

  return Object.freeze({
    activeKeyId,
    encrypt,
    decrypt,
    decryptString: (value: EncryptedValue, aad: string) => decrypt(value, aad).toString('utf8'),
    needsRotation: (value: EncryptedValue) => value.kid !== activeKeyId,
    rotate: (value: EncryptedValue, aad: string) => (value.kid === activeKeyId ? value : encrypt(decrypt(value, aad), aad)),
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(s: unknown): Buffer | null {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !BASE64.test(s)) return null;
  return Buffer.from(s, 'base64');
}

export type IdentifierKind = 'email' | 'phone' | 'bsn' | 'name';

export interface KeyedHasher {
  /** Hex HMAC-SHA-256 of the normalised identifier; equal inputs in different spellings give equal hashes. */
  hmac(kind: IdentifierKind, value: string): string;
  /** The normal form that is hashed (exported for tests and for the extractors that want one spelling). */
  normalise(kind: IdentifierKind, value: string): string;
}

// 32 bytes = the HMAC-SHA-256 block's security level; shorter keys weaken the index.
const HASH_KEY_MIN_BYTES = 32;
// Bounded inputs keep normalisation cheap on hostile text (RFC 5321 caps a path at 256).
const MAX_IDENTIFIER_CHARS = 320;

function badIdentifier(kind: IdentifierKind): InputError {
  return new InputError('CRYPTO_BAD_IDENTIFIER', `Value is not a usable ${kind} identifier.`);
}

/**
 * Normalise an identifier so that the spellings a citizen might use hash alike:
 *  - email: trim, Unicode NFC, lower-case (the local part is case-sensitive in theory,
 *    RFC 5321 §2.4, but no real mailbox provider treats it so; a missed match is worse);
 *  - phone: E.164 via libphonenumber (`06-12345678`, `+31 6 1234 5678`, `0031612345678`
 *    → `+31612345678`), national numbers read as Dutch unless `defaultCountry` says otherwise;
 *  - bsn: digits only; 8-digit BSNs (issued with a leading zero dropped) padded to 9;
 *  - name: NFKD, diacritics dropped, lower-case, whitespace collapsed (`José  de Vries`
 *    and `jose de vries` match; a lookup key, not a display value).
 */
export function normaliseIdentifier(kind: IdentifierKind, value: string, defaultCountry: CountryCode = 'NL'): string {
  if (typeof value !== 'string' || value.length > MAX_IDENTIFIER_CHARS) throw badIdentifier(kind);
  switch (kind) {
    case 'email': {
      const v = value.trim().normalize('NFC').toLowerCase();
      const at = v.lastIndexOf('@');
      if (at <= 0 || at === v.length - 1 || /\s/.test(v)) throw badIdentifier(kind);
      return v;
    }
    case 'phone': {
      try {
        const parsed = parsePhoneNumberWithError(value.trim(), defaultCountry);
        if (!parsed.isPossible()) throw badIdentifier(kind);
        return parsed.number;
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw badIdentifier(kind);
      }
    }
    case 'bsn': {
      const digits = value.replace(/\D/g, '');
      if (digits.length === 8) return `0${digits}`;
      if (digits.length !== 9) throw badIdentifier(kind);
      return digits;
    }
    case 'name': {
      const v = value
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/\s+/g, ' ')
        .trim();
      if (v.length === 0) throw badIdentifier(kind);
      return v;
    }
    default:
      throw new TypeError('unknown identifier kind');
  }
}

/**
 * A keyed hasher for lookup fields. The kind is part of the hashed input, so an e-mail
 * hash can never equal a name hash of the same text. Rotating this key means recomputing
 * every index field; keep it separate from the field-encryption keys.
 */
export function createKeyedHasher(key: Buffer, options: { defaultCountry?: CountryCode } = {}): KeyedHasher {
  if (!Buffer.isBuffer(key) || key.length < HASH_KEY_MIN_BYTES) {
    throw new ConfigError('CRYPTO_BAD_KEYS', `The lookup-hash key must be at least ${HASH_KEY_MIN_BYTES} bytes.`);
  }
  const k = Buffer.from(key);
  const defaultCountry = options.defaultCountry ?? 'NL';
  const normalise = (kind: IdentifierKind, value: string) => normaliseIdentifier(kind, value, defaultCountry);
  return Object.freeze({
    normalise,
    hmac(kind: IdentifierKind, value: string): string {
      return createHmac('sha256', k).update(`${kind}\0${normalise(kind, value)}`, 'utf8').digest('hex');
    },
  });
}
