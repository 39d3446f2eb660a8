/**
 * Who gets a refusal reply, decided from a header block alone (what the ingestor can read of
 * a message too large to fetch): never an auto-reply, a bounce, a list or the null sender
 * (RFC 3834 §2), the envelope sender first (§4).
 */
import { expect } from 'chai';
import { headerBlockOf, parseHeaderBlock } from '../../../processors/parse/index.ts';
import { replyDecision } from '../../../processors/refusals/index.ts';

const base = 'From: Burger <burger@example.nl>\r\nTo: intake@kcc.test\r\nSubject: Mijn scan\r\nMessage-ID: <scan-1@example.nl>\r\n';
const decide = async (extra: string, ours: string[] = ['intake@kcc.test']) => replyDecision(await parseHeaderBlock(Buffer.from(extra + base)), ours);

describe('refusals: who is answered, from the headers alone', () => {
  it('answers an ordinary sender, at the Return-Path when there is one', async () => {
    expect(await decide('')).to.deep.equal({ to: 'burger@example.nl', skip: null });
    expect(await decide('Return-Path: <Envelope@Example.nl>\r\n')).to.deep.equal({ to: 'envelope@example.nl', skip: null });
    const view = await parseHeaderBlock(Buffer.from(base));
    expect(view.messageId).to.equal('scan-1@example.nl');
    expect(view.subject).to.equal('Mijn scan');
  });

  it('never answers auto-replies, bounces, lists, bulk mail, the null sender or ourselves', async () => {
    expect((await decide('Auto-Submitted: auto-replied\r\n')).to).to.equal(null);
    expect((await decide('Auto-Submitted: auto-generated\r\n')).to).to.equal(null);
    expect((await decide('Precedence: bulk\r\n')).to).to.equal(null);
    expect((await decide('Precedence: list\r\n')).to).to.equal(null);
    expect((await decide('Precedence: junk\r\n')).to).to.equal(null);
    expect((await decide('List-Unsubscribe: <mailto:leave@lists.example.nl>\r\n')).skip).to.equal('list');
    expect((await decide('List-Id: <news.example.nl>\r\n')).to).to.equal(null);
    expect((await decide('Return-Path: <>\r\n')).to).to.equal(null);
    expect((await decide('X-Failed-Recipients: someone@example.nl\r\n')).skip).to.equal('bounce');
    expect((await replyDecision(await parseHeaderBlock(Buffer.from('From: MAILER-DAEMON <mailer-daemon@mx.example.nl>\r\nSubject: Undelivered Mail Returned to Sender\r\n')), [])).skip).to.equal('bounce');
    expect((await decide('', ['burger@example.nl'])).skip).to.equal('loop');
    expect((await replyDecision(await parseHeaderBlock(Buffer.from('Subject: geen afzender\r\n')), [])).skip).to.equal('no_address');
  });

  it('reads only the header block of a raw message, and at most 64 KiB of a huge one', async () => {
    expect(headerBlockOf(Buffer.from(`${base}\r\nbody text`)).toString()).to.equal(base.slice(0, -2));
    const huge = Buffer.from(base + 'X-Junk: ' + 'a'.repeat(5 * 1024 * 1024) + '\r\n\r\nbody');
    expect(headerBlockOf(huge).length).to.be.at.most(64 * 1024);
    expect((await replyDecision(await parseHeaderBlock(huge), [])).to).to.equal('burger@example.nl');
    // Garbage is not answered, and does not throw.
    expect(replyDecision(await parseHeaderBlock(Buffer.from([0, 1, 2, 255, 254, 10, 13])), []).to).to.equal(null);
  });
});
