/**
 * The binary-mode contracts, raw mail (v2) and attachment check (v2): the bytes are the
 * record's value as they are, the envelope a header. Round trips both ways of carrying the
 * bytes, and refuses every record that does not fit with an InputError (a dead letter, not
 * a retry).
 */
import { expect } from 'chai';
import { decodeAttachmentCheck, decodeRawMail, encodeAttachmentCheck, encodeRawMail, ENVELOPE_HEADER, sha256Of, type AttachmentCheckV2, type RawMailV2 } from '../../../lib/contracts.ts';
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
    expect(refusal({ value: raw, headers: { [ENVELOPE_HEADER]: 'not json' } })).to.match(/not JSON/);
    expect(refusal({ value: raw, headers: { [ENVELOPE_HEADER]: JSON.stringify({ ...JSON.parse(ok.headers[ENVELOPE_HEADER]!), schemaVersion: 1 }) } })).to.match(/schemaVersion/);
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

describe('attachment-check contract v2 (the same binary mode)', () => {
  const bytes = Buffer.from('%PDF-1.7\n\u0000\u00ff binary', 'latin1');
  const check = (body: AttachmentCheckV2['body'], size = bytes.length): AttachmentCheckV2 => ({
    schemaVersion: 2, caseId: 'c'.repeat(64), dedupeKey: 'd'.repeat(64), attachmentIndex: 1, filename: 'id.pdf',
    contentType: 'application/pdf', size, sha256: sha256Of(bytes), body, receivedAt: '2026-11-29T10:00:00.000Z',
  });

  it('carries the attachment as the value, or a claim check with an empty value', () => {
    const rec = encodeAttachmentCheck(check({ type: 'inline' }), bytes);
    expect(rec.value.equals(bytes)).to.equal(true);
    expect(rec.headers['kcc-schema']).to.equal('attachments.check/2');
    const back = decodeAttachmentCheck(rec);
    expect(back.inline!.equals(bytes)).to.equal(true);
    expect(back).to.deep.include({ attachmentIndex: 1, filename: 'id.pdf', sha256: sha256Of(bytes) });
    const cc = decodeAttachmentCheck(encodeAttachmentCheck(check({ type: 'claim_check', bucket: 'claimchecks', fileId: 'e'.repeat(24) }), null));
    expect(cc.inline).to.equal(null);
  });

  it('refuses a raw-mail envelope, a short value and a claim check with a value', () => {
    const refuse = (record: { value: Buffer; headers: Record<string, string> }) => expect(() => decodeAttachmentCheck(record)).to.throw(InputError);
    refuse(encodeRawMail(envelope({ type: 'inline' }), raw));
    const ok = encodeAttachmentCheck(check({ type: 'inline' }), bytes);
    refuse({ value: bytes.subarray(1), headers: ok.headers });
    refuse({ value: bytes, headers: encodeAttachmentCheck(check({ type: 'claim_check', bucket: 'claimchecks', fileId: 'e'.repeat(24) }), null).headers });
    expect(() => encodeAttachmentCheck(check({ type: 'inline' }, bytes.length - 1), bytes)).to.throw(/size/);
  });
});
