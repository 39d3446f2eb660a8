/**
 * The raw-mail contract (v2): the message's bytes are the record's value as they are, the
 * envelope a header. Round trips both ways of carrying the bytes, and refuses every record
 * that does not fit with an InputError (a dead letter, not a retry).
 */
import { expect } from 'chai';
import { decodeRawMail, encodeRawMail, RAW_MAIL_ENVELOPE_HEADER, sha256Of, type RawMailV2 } from '../../../lib/contracts.ts';
import { InputError } from '../../../lib/errors.ts';

const raw = Buffer.from('Message-ID: <a@b>\r\nSubject: =?utf-8?q?=C3=A9?=\r\n\r\nbody with bytes \u00ff\u0000 kept as they are\r\n', 'latin1');

function envelope(body: RawMailV2['body'], size = raw.length): RawMailV2 {
  return {
    schemaVersion: 2, source: { kind: 'imap', account: 'intake', mailbox: 'INBOX', uidValidity: '3', uid: 9 },
    receivedAt: '2026-11-29T10:00:00.000Z', messageId: 'a@b', sha256: sha256Of(raw), size, body,
  };
}

function refusal(record: { value: Buffer; headers: Record<string, string> }): string {
  try {
    decodeRawMail(record);
  } catch (err) {
    expect(err).to.be.instanceOf(InputError);
    return (err as InputError).message;
  }
  throw new Error('expected decodeRawMail to refuse the record');
}

describe('raw-mail contract v2', () => {
  it('carries the bytes untouched as the value and the envelope as a header', () => {
    const rec = encodeRawMail(envelope({ type: 'inline' }), raw);
    expect(rec.value.equals(raw)).to.equal(true);
    expect(rec.value.length).to.equal(raw.length); // no base64: a third fewer bytes than v1
    const back = decodeRawMail(rec);
    expect(back.inline!.equals(raw)).to.equal(true);
    expect(back.messageId).to.equal('a@b');
    expect(back.source.uid).to.equal(9);
    expect(back.body).to.deep.equal({ type: 'inline' });
  });

  it('carries a claim check with an empty value', () => {
    const body = { type: 'claim_check' as const, bucket: 'claimchecks', fileId: 'a'.repeat(24) };
    const rec = encodeRawMail(envelope(body), null);
    expect(rec.value.length).to.equal(0);
    const back = decodeRawMail(rec);
    expect(back.inline).to.equal(null);
    expect(back.body).to.deep.equal(body);
  });

  it('refuses records that do not fit, saying why without content', () => {
    const ok = encodeRawMail(envelope({ type: 'inline' }), raw);
    expect(refusal({ value: raw, headers: {} })).to.match(/no kcc-envelope header/);
    expect(refusal({ value: raw, headers: { [RAW_MAIL_ENVELOPE_HEADER]: 'not json' } })).to.match(/not JSON/);
    expect(refusal({ value: raw, headers: { [RAW_MAIL_ENVELOPE_HEADER]: JSON.stringify({ ...JSON.parse(ok.headers[RAW_MAIL_ENVELOPE_HEADER]!), schemaVersion: 1 }) } })).to.match(/schemaVersion/);
    expect(refusal({ value: raw.subarray(0, 10), headers: ok.headers })).to.match(/value has 10 bytes, the envelope says/);
    const cc = encodeRawMail(envelope({ type: 'claim_check', bucket: 'claimchecks', fileId: 'b'.repeat(24) }), null);
    expect(refusal({ value: raw, headers: cc.headers })).to.match(/empty value/);
  });

  it('will not produce a record that contradicts itself', () => {
    expect(() => encodeRawMail(envelope({ type: 'inline' }), null)).to.throw(/inline exactly when/);
    expect(() => encodeRawMail(envelope({ type: 'claim_check', bucket: 'claimchecks', fileId: 'c'.repeat(24) }), raw)).to.throw(/inline exactly when/);
    expect(() => encodeRawMail(envelope({ type: 'inline' }, raw.length + 1), raw)).to.throw(/size/);
  });
});
