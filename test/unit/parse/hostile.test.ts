/**
 * Hostile inputs, generated here (never stored): each ends in an InputError with the right
 * code or in a result, within a bound, never in another exception or a hang.
 */
import { expect } from 'chai';
import { InputError } from '../../../lib/errors.ts';
import { DEFAULT_PARSE_LIMITS, parseEmail, splitQuotes } from '../../../processors/parse/index.ts';
import { parseBounded, pseudoRandomBytes } from './helpers.ts';
import { analyseEmail } from '../../../processors/analyse/index.ts';
import type { Outcome } from './helpers.ts';

const HEAD = 'From: Burger <burger@example.nl>\r\nTo: kcc@kcc.example.nl\r\nSubject: test\r\nMessage-ID: <hostile@example.nl>\r\n';

function expectCode(outcome: Outcome, code: string): void {
  if (outcome.ok) expect.fail(`expected InputError ${code}, got a result`);
  else {
    expect(outcome.error).to.be.instanceOf(InputError);
    expect(outcome.error.code).to.equal(code);
    expect(outcome.error.retriable).to.equal(false);
  }
}

function expectResult(outcome: Outcome) {
  if (!outcome.ok) throw new Error(`expected a result, got ${outcome.error.code}`);
  return outcome.parsed;
}

function nested(depth: number): Buffer {
  let body = 'Content-Type: text/plain\r\n\r\nhello from the bottom\r\n';
  for (let i = depth; i > 0; i--) {
    body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  }
  return Buffer.from(HEAD + 'MIME-Version: 1.0\r\n' + body);
}

function withAttachments(n: number): Buffer {
  const parts: string[] = [HEAD, 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nzie bijlagen\r\n'];
  for (let i = 0; i < n; i++) {
    parts.push(`--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n`);
  }
  parts.push('--x--\r\n');
  return Buffer.from(parts.join(''));
}

function html(body: string): Buffer {
  return Buffer.from(HEAD + 'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' + body);
}

describe('parse: hostile input', () => {
  it('rejects zero bytes and whitespace-only input as PARSE_EMPTY', async () => {
    expectCode(await parseBounded(Buffer.alloc(0)), 'PARSE_EMPTY');
    expectCode(await parseBounded(Buffer.from(' \r\n\t\r\n\r\n')), 'PARSE_EMPTY');
  });

  it('rejects binary garbage as PARSE_NOT_EMAIL', async () => {
    for (const seed of [1, 2, 3, 0xdecafbad]) {
      expectCode(await parseBounded(pseudoRandomBytes(256 * 1024, seed)), 'PARSE_NOT_EMAIL');
    }
    expectCode(await parseBounded(Buffer.from('// Not an RFC-822 Document')), 'PARSE_NOT_EMAIL');
  });

  it('parses a valid header block followed by 1 MB of binary garbage', async () => {
    const raw = Buffer.concat([Buffer.from(HEAD + '\r\n'), pseudoRandomBytes(1024 * 1024, 7)]);
    const p = expectResult(await parseBounded(raw));
    expect(p.messageId).to.equal('hostile@example.nl');
    expect(p.text.length).to.be.at.most(DEFAULT_PARSE_LIMITS.maxTextChars);
  });

  it('rejects a 50 MB message by its size before looking at the content', async () => {
    // Garbage content: were the content inspected first, the code would be PARSE_NOT_EMAIL.
    const big = Buffer.alloc(50 * 1024 * 1024, 0xff);
    expectCode(await parseBounded(big), 'PARSE_TOO_LARGE');
    expectCode(await parseBounded(Buffer.from(HEAD + '\r\n' + 'x'.repeat(2000)), { maxBytes: 1000 }), 'PARSE_TOO_LARGE');
    expectResult(await parseBounded(Buffer.from(HEAD + '\r\nkort'), { maxBytes: 1000 }));
  });

  it('rejects 10,000 attachments (MIME part cap derived from maxAttachments)', async () => {
    expectCode(await parseBounded(withAttachments(10_000)), 'PARSE_TOO_MANY_ATTACHMENTS');
  });

  it('rejects more attachments than maxAttachments when they fit the part cap, and accepts exactly the limit', async () => {
    expectCode(await parseBounded(withAttachments(DEFAULT_PARSE_LIMITS.maxAttachments + 1)), 'PARSE_TOO_MANY_ATTACHMENTS');
    expectCode(await parseBounded(withAttachments(6), { maxAttachments: 5 }), 'PARSE_TOO_MANY_ATTACHMENTS');
    const p = expectResult(await parseBounded(withAttachments(5), { maxAttachments: 5 }));
    expect(p.attachments).to.have.length(5);
    expect(p.attachments[0]).to.include({ filename: 'f0.bin', contentType: 'application/octet-stream', size: 3, inline: false });
  });

  it('rejects MIME nested 200 deep as PARSE_TOO_DEEP, and accepts nesting at the limit', async () => {
    expectCode(await parseBounded(nested(200)), 'PARSE_TOO_DEEP');
    expectCode(await parseBounded(nested(11), { maxMimeDepth: 10 }), 'PARSE_TOO_DEEP');
    const p = expectResult(await parseBounded(nested(10), { maxMimeDepth: 10 }));
    expect(p.text).to.equal('hello from the bottom');
  });

  it('does not count a boundary-looking line inside the body as structure', async () => {
    // one real level; 500 fake Content-Type lines in a text body must not add depth
    const fake = 'Content-Type: multipart/mixed; boundary="fake"\r\n'.repeat(500);
    const raw = Buffer.from(HEAD + 'Content-Type: multipart/mixed; boundary="r"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\n' + fake + '--r--\r\n');
    const p = expectResult(await parseBounded(raw, { maxMimeDepth: 2 }));
    expect(p.text).to.include('boundary="fake"');
  });

  it('rejects a 5 MB single-line header as PARSE_HEADER_TOO_LARGE', async () => {
    const raw = Buffer.from(HEAD + 'X-Junk: ' + 'a'.repeat(5 * 1024 * 1024) + '\r\n\r\nbody\r\n');
    expectCode(await parseBounded(raw), 'PARSE_HEADER_TOO_LARGE');
  });

  it('finishes on HTML with 100,000 nested tags, falling back to tag stripping', async () => {
    const p = expectResult(await parseBounded(html('<div>'.repeat(100_000) + 'diep verstopt' + '</div>'.repeat(100_000))));
    expect(p.warnings).to.include('html-too-deep');
    expect(p.text).to.equal('diep verstopt');
    // unclosed, and mixed with text
    const q = expectResult(await parseBounded(html('<span>x'.repeat(100_000))));
    expect(q.warnings).to.include('html-too-deep');
    expect(q.text.startsWith('xxx')).to.equal(true);
  });

  it('finishes on HTML bracket soup and unterminated tags', async () => {
    const p = expectResult(await parseBounded(html('<'.repeat(500_000) + 'tekst')));
    expect(p.text.length).to.be.at.most(DEFAULT_PARSE_LIMITS.maxTextChars);
    expectResult(await parseBounded(html('<a href="' + 'x'.repeat(1_000_000))));
    expectResult(await parseBounded(html('<!--'.repeat(200_000))));
  });

  it('caps a 10 MB single-line text body at maxTextChars', async () => {
    const p = expectResult(await parseBounded(Buffer.from(HEAD + '\r\n' + 'woord '.repeat(2_000_000))));
    expect(p.text.length).to.be.at.most(DEFAULT_PARSE_LIMITS.maxTextChars);
    expect(p.warnings).to.include('text-truncated');
  });

  it('stays linear on quote-detection bait', async () => {
    const bait = [
      'Op '.repeat(50_000) + ':',
      'Op 1 jan schreef x@y\n'.repeat(5_000),
      ('Van: a\nVerzonden: b\n').repeat(5_000),
      '> \n'.repeat(50_000),
      '-'.repeat(100_000),
      ('On 1 wrote\n' + ' \n'.repeat(10)).repeat(2_000),
    ];
    for (const text of bait) {
      const raw = Buffer.from(HEAD + 'Content-Type: text/plain; charset=utf-8\r\n\r\n' + text);
      const p = expectResult(await parseBounded(raw));
      expect(p.text.length + p.quotedText.length).to.be.at.most(DEFAULT_PARSE_LIMITS.maxTextChars * 2);
      // and directly, without the cap in front of it
      const s = splitQuotes(text, 'Re: x');
      expect(s.text).to.be.a('string');
    }
  });

  it('classifies 1,000 Received headers as a loop without trouble', async () => {
    const received = 'Received: from a by b; Mon, 5 Jan 2026 10:00:00 +0100\r\n'.repeat(1000);
    const p = expectResult(await parseBounded(Buffer.from(received + HEAD + '\r\nhoi\r\n')));
    expect(p.nonCase).to.deep.equal({ kind: 'loop', reason: 'too-many-received-headers' });
  });

  it('tolerates bare-CR line endings and an mbox From_ line', async () => {
    const p = expectResult(await parseBounded(Buffer.from(HEAD.replaceAll('\r\n', '\r') + '\rtekst\r')));
    expect(p.subject).to.equal('test');
    expect(p.text).to.equal('tekst');
    expect(p.warnings).to.include('bare-cr-line-endings');
    const q = expectResult(await parseBounded(Buffer.from('From burger@example.nl Mon Jan  5 10:00:00 2026\n' + HEAD + '\r\ntekst')));
    expect(q.from.address).to.equal('burger@example.nl');
  });

  it('tolerates a UTF-8 byte-order mark before the headers', async () => {
    const p = expectResult(await parseBounded(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEAD + '\r\ntekst')])));
    expect(p.from.address).to.equal('burger@example.nl');
    expect(p.warnings).to.include('bom-removed');
    expectCode(await parseBounded(Buffer.from([0xef, 0xbb, 0xbf])), 'PARSE_EMPTY');
  });

  it('removes NUL and other control characters from subject, text and names (a NUL cannot be stored on PostgreSQL), keeping tabs and line breaks', async () => {
    const raw = Buffer.from(
      'From: =?utf-8?q?Bur=00ger=07?= <burger@example.nl>\r\nTo: kcc@kcc.example.nl\r\nSubject: =?utf-8?q?vraag=00_over=1B_DigiD?=\r\n'
      + 'Message-ID: <ctl\u0000@example.nl>\r\nIn-Reply-To: <a\u0001b@example.nl>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
      + 'Mijn=00 DigiD=0C werkt niet.=09Echt niet.\r\nGroet=7F\r\n',
    );
    const p = expectResult(await parseBounded(raw));
    expect(p.subject).to.equal('vraag  over  DigiD');
    expect(p.text).to.equal('Mijn  DigiD\n werkt niet.\tEcht niet.\nGroet');
    expect(p.from.name).to.equal('Bur ger');
    expect(p.messageId).to.equal('ctl@example.nl');
    expect(p.inReplyTo).to.equal('ab@example.nl');
    expect(p.warnings).to.include('control-characters-removed');
    const clean = expectResult(await parseBounded(Buffer.from(HEAD + '\r\ntekst\tmet tab')));
    expect(clean.warnings).to.not.include('control-characters-removed');
  });

  it('turns control characters into white space, so a BSN next to one is still found and redacted', async () => {
    const raw = Buffer.from(`${HEAD}Content-Type: text/plain; charset=utf-8\r\n\r\nMijn BSN is 111222333\u000b06-12345678 is mijn nummer.\u000cIBAN NL91ABNA0417164300\u0000Kerkstraat 12\u000b1234 AB Utrecht\r\n`);
    const a = await analyseEmail(raw);
    expect(a.citizen.bsn).to.equal('111222333');
    expect(a.text).to.not.include('111222333');
    expect(a.text).to.not.include('NL91ABNA0417164300');
    expect(a.citizen.phones).to.deep.equal(['+31612345678']);
    expect(a.citizen.postcode).to.equal('1234AB');
  });

  it('throws a TypeError (a programming error), not an InputError, for a non-Buffer', async () => {
    let caught: unknown;
    try {
      await parseEmail('From: x' as unknown as Buffer);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(TypeError);
  });
});
