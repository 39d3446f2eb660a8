/** detectNonCase on its own: rule order, and the signals that must *not* be enough alone. */
import { expect } from 'chai';
import { detectNonCase, DEFAULT_MAX_RECEIVED, parseEmail } from '../../../processors/parse/index.ts';
import type { NonCaseInput } from '../../../processors/parse/index.ts';

function input(over: Partial<Omit<NonCaseInput, 'headers'>> & { headers?: Record<string, string | string[]> } = {}): NonCaseInput {
  const headers = new Map<string, string[]>();
  for (const [k, v] of Object.entries(over.headers ?? {})) headers.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  return {
    headers,
    subject: over.subject ?? 'Vraag over DigiD',
    from: over.from ?? { name: 'Burger', address: 'burger@example.nl' },
    contentType: over.contentType ?? { value: 'text/plain', params: {} },
    partTypes: over.partTypes ?? [],
    deliveryStatus: over.deliveryStatus ?? '',
    text: over.text ?? 'Ik heb een vraag.',
  };
}

const report = (type: string) => ({ value: 'multipart/report', params: { 'report-type': type } });

describe('parse: detectNonCase', () => {
  it('lets an ordinary citizen message through', () => {
    expect(detectNonCase(input())).to.equal(null);
  });

  it('follows RFC 3834 Auto-Submitted: "no" is a person, auto-replied an auto-reply, anything else automated', () => {
    expect(detectNonCase(input({ headers: { 'Auto-Submitted': 'no' } }))).to.equal(null);
    expect(detectNonCase(input({ headers: { 'Auto-Submitted': 'auto-replied' } }))).to.deep.equal({ kind: 'auto_reply', reason: 'auto-submitted-auto-replied' });
    expect(detectNonCase(input({ headers: { 'Auto-Submitted': 'auto-generated' } }))).to.deep.equal({ kind: 'automated', reason: 'auto-submitted' });
    expect(detectNonCase(input({ headers: { 'Auto-Submitted': 'auto-notified; owner-email="x@y"' } }))?.kind).to.equal('automated');
  });

  it('files a bounce that also carries Auto-Submitted as a bounce', () => {
    const r = detectNonCase(input({ headers: { 'Auto-Submitted': 'auto-replied' }, contentType: report('delivery-status') }));
    expect(r).to.deep.equal({ kind: 'bounce', reason: 'delivery-status-report' });
    const exim = detectNonCase(input({ headers: { 'Auto-Submitted': 'auto-replied', 'X-Failed-Recipients': 'a@b' }, subject: 'Mail delivery failed: returning message to sender' }));
    expect(exim?.kind).to.equal('bounce');
  });

  it('recognises vendor auto-reply headers and Precedence', () => {
    expect(detectNonCase(input({ headers: { 'X-Autoreply': 'yes' } }))?.kind).to.equal('auto_reply');
    expect(detectNonCase(input({ headers: { 'X-Autorespond': 'x' } }))?.kind).to.equal('auto_reply');
    expect(detectNonCase(input({ headers: { Precedence: 'auto_reply' } }))?.kind).to.equal('auto_reply');
    expect(detectNonCase(input({ headers: { Precedence: 'list' } }))).to.deep.equal({ kind: 'automated', reason: 'precedence-list' });
    expect(detectNonCase(input({ headers: { Precedence: 'bulk' } }))).to.deep.equal({ kind: 'automated', reason: 'precedence-bulk' });
    expect(detectNonCase(input({ headers: { Precedence: 'junk' } }))?.kind).to.equal('automated');
    expect(detectNonCase(input({ headers: { 'List-Id': '<kcc.lists.example.nl>' } }))?.reason).to.equal('mailing-list');
  });

  it('takes clear auto-reply subjects alone, and weak ones only with a corroborating header', () => {
    for (const subject of ['Automatisch antwoord: Uw vraag', 'Automatic reply: Re: x', 'Out of Office: x', 'Re: blah (Automatic Response)', 'Afwezigheidsbericht']) {
      expect(detectNonCase(input({ subject })), subject).to.deep.equal({ kind: 'auto_reply', reason: 'auto-reply-subject' });
    }
    for (const subject of ['Afwezig', 'Thank you for your e-mail', 'Bedankt voor uw bericht']) {
      expect(detectNonCase(input({ subject })), subject).to.equal(null);
      expect(detectNonCase(input({ subject, headers: { 'X-Auto-Response-Suppress': 'All' } })), subject).to.deep.equal({
        kind: 'auto_reply',
        reason: 'auto-reply-subject-and-header',
      });
      expect(detectNonCase(input({ subject, headers: { 'Return-Path': '<>' } }))?.kind, subject).to.equal('auto_reply');
    }
    // Outlook puts X-Auto-Response-Suppress on ordinary mail too
    expect(detectNonCase(input({ headers: { 'X-Auto-Response-Suppress': 'All' } }))).to.equal(null);
    // a person's subject that merely contains the words
    expect(detectNonCase(input({ subject: 'Vraag: out of office hours bereikbaar?' }))).to.equal(null);
  });

  it('treats an empty Return-Path as automated when nothing else says more', () => {
    expect(detectNonCase(input({ headers: { 'Return-Path': '<>' } }))).to.deep.equal({ kind: 'automated', reason: 'null-return-path' });
    expect(detectNonCase(input({ headers: { 'Return-Path': '< > (null sender)' } }))?.reason).to.equal('null-return-path');
    expect(detectNonCase(input({ headers: { 'Return-Path': '<burger@example.nl>' } }))).to.equal(null);
  });

  it('recognises bounces by report, part, sender and subject-with-evidence', () => {
    expect(detectNonCase(input({ partTypes: ['message/delivery-status'] }))?.reason).to.equal('delivery-status-part');
    expect(detectNonCase(input({ from: { name: null, address: 'mailer-daemon@mx.example.nl' } }))?.reason).to.equal('sender-mailer-daemon');
    expect(detectNonCase(input({ from: { name: 'Mail Delivery Subsystem', address: 'x@example.com' } }))?.kind).to.equal('bounce');
    expect(detectNonCase(input({ from: { name: null, address: 'Postmaster@example.nl' } }))?.kind).to.equal('bounce');
    expect(detectNonCase(input({ subject: 'Onbestelbaar: Uw vraag', headers: { 'Return-Path': '<>' } }))).to.deep.equal({ kind: 'bounce', reason: 'bounce-subject' });
    // the subject alone is not enough: a citizen may write it
    expect(detectNonCase(input({ subject: 'Undeliverable mail from your website?' }))).to.equal(null);
  });

  it('needs an attached original and an automatic sender before trusting bounce wording in the body', () => {
    const wording = 'Uw bericht kon niet worden bezorgd bij de ontvanger.';
    // a web form sends from noreply with the citizen's words in the body: a case
    expect(detectNonCase(input({ from: { name: null, address: 'noreply@formulier.example.nl' }, text: wording }))).to.equal(null);
    expect(detectNonCase(input({ text: wording, partTypes: ['message/rfc822'] }))).to.equal(null);
    expect(detectNonCase(input({ from: { name: null, address: 'no-reply@isp.example.jp' }, text: wording, partTypes: ['message/rfc822'] }))).to.deep.equal({
      kind: 'bounce',
      reason: 'bounce-wording-with-original',
    });
  });

  it('tells read receipts, abuse reports and challenge-response apart from bounces', () => {
    expect(detectNonCase(input({ contentType: report('disposition-notification') }))).to.deep.equal({ kind: 'automated', reason: 'disposition-notification' });
    expect(detectNonCase(input({ partTypes: ['message/disposition-notification'] }))?.reason).to.equal('disposition-notification');
    expect(detectNonCase(input({ contentType: report('feedback-report') }))).to.deep.equal({ kind: 'automated', reason: 'feedback-report' });
    const boxbe = input({ from: { name: null, address: 'noreply@boxbe.com' }, contentType: report('delivery-status'), partTypes: ['message/delivery-status'] });
    expect(detectNonCase(boxbe)).to.deep.equal({ kind: 'automated', reason: 'challenge-response' });
    const dressed = input({ contentType: report('delivery-status'), deliveryStatus: 'Action: failed\nDiagnostic-Code: X-Boxbe-Notice; Sender not pre-approved.\nStatus: 4.7.0' });
    expect(detectNonCase(dressed)?.reason).to.equal('challenge-response');
  });

  it('detects loops: X-KCC-Loop, X-Loop naming us, our own sender, too many Received', () => {
    const ourAddresses = ['kcc@kcc.example.nl'];
    expect(detectNonCase(input({ headers: { 'X-KCC-Loop': 'kcc-intake' } }))).to.deep.equal({ kind: 'loop', reason: 'x-kcc-loop-header' });
    expect(detectNonCase(input({ headers: { 'X-Loop': 'KCC@kcc.example.nl' } }), { ourAddresses })).to.deep.equal({ kind: 'loop', reason: 'x-loop-names-us' });
    expect(detectNonCase(input({ headers: { 'X-Loop': 'list@elsewhere.example.org' } }), { ourAddresses })).to.equal(null);
    expect(detectNonCase(input({ from: { name: null, address: 'kcc@kcc.example.nl' } }), { ourAddresses })?.reason).to.equal('sent-by-us');
    const received = (n: number) => input({ headers: { Received: Array.from({ length: n }, (_, i) => `from hop${i}`) } });
    expect(detectNonCase(received(DEFAULT_MAX_RECEIVED))).to.equal(null);
    expect(detectNonCase(received(DEFAULT_MAX_RECEIVED + 1))).to.deep.equal({ kind: 'loop', reason: 'too-many-received-headers' });
    expect(detectNonCase(received(11), { maxReceived: 10 })?.kind).to.equal('loop');
    // a loop outranks everything, including a bounce
    expect(detectNonCase(input({ headers: { 'X-KCC-Loop': 'x' }, contentType: report('delivery-status') }))?.kind).to.equal('loop');
  });

  it('gives reasons as fixed phrases without header values or addresses', () => {
    const r = detectNonCase(input({ headers: { 'X-Loop': 'secret.person@example.nl' } }), { ourAddresses: ['secret.person@example.nl'] });
    expect(r?.reason).to.match(/^[a-z0-9-]+$/);
    expect(r?.reason).to.not.include('secret');
  });

  it('is wired into parseEmail with the ourAddresses option', async () => {
    const raw = Buffer.from('From: burger@example.nl\r\nX-Loop: kcc@kcc.example.nl\r\nSubject: x\r\n\r\nhoi\r\n');
    expect((await parseEmail(raw)).nonCase).to.equal(null);
    expect((await parseEmail(raw, {}, { ourAddresses: ['kcc@kcc.example.nl'] })).nonCase).to.deep.equal({ kind: 'loop', reason: 'x-loop-names-us' });
  });
});
