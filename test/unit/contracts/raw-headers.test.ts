import { expect } from 'chai';
import { messageIdFromRaw, threadKeyFromRaw } from '../../../lib/contracts.ts';

const mail = (headers: string) => Buffer.from(`${headers}\r\nSubject: x\r\n\r\nReferences: <body@not.header>\r\n`, 'latin1');

describe('raw header ids (ingestor, before any parse)', () => {
  it('reads the Message-ID, folded or not', () => {
    expect(messageIdFromRaw(mail('Message-ID: <a@b.test>'))).to.equal('a@b.test');
    expect(messageIdFromRaw(mail('Message-Id:\r\n <folded@b.test>'))).to.equal('folded@b.test');
    expect(messageIdFromRaw(mail('From: x@y.test'))).to.equal(null);
  });

  it('keys a first message by its own id and every reply in its thread by the same root', () => {
    const first = mail('Message-ID: <root@citizen.test>');
    const ack = mail('Message-ID: <ack@kcc.test>\r\nIn-Reply-To: <root@citizen.test>\r\nReferences: <root@citizen.test>');
    const reply = mail('Message-ID: <r2@citizen.test>\r\nIn-Reply-To: <ack@kcc.test>\r\nReferences: <root@citizen.test>\r\n <ack@kcc.test>');
    const keys = [first, ack, reply].map(threadKeyFromRaw);
    expect(keys).to.deep.equal(['root@citizen.test', 'root@citizen.test', 'root@citizen.test']);
  });

  it('falls back to In-Reply-To without References, and to nothing without any id', () => {
    expect(threadKeyFromRaw(mail('Message-ID: <c@x.test>\r\nIn-Reply-To: <p@x.test>'))).to.equal('p@x.test');
    expect(threadKeyFromRaw(mail('From: x@y.test'))).to.equal(null);
  });

  it('does not read ids from the body', () => {
    expect(threadKeyFromRaw(mail('Message-ID: <own@x.test>'))).to.equal('own@x.test');
  });
});
