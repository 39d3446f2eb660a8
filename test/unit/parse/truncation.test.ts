/**
 * Issue 12: a 5 MB HTML body of 450,000 nested <div>s became a case with empty text. A body
 * that is cut or cannot be rendered as written must keep its words, say so in the text
 * ("[bericht ingekort: …]") and carry a machine-readable `truncated` flag. Inputs are
 * generated here, never stored.
 */
import { expect } from 'chai';
import { DEFAULT_PARSE_LIMITS, parseEmail } from '../../../processors/parse/index.ts';
import { stripTags } from '../../../processors/parse/html.ts';
import { analyseEmail, truncationMarker } from '../../../processors/analyse/index.ts';
import { emailIntakeMessage } from '../../../processors/intake/index.ts';

const QUESTION = 'Ik kan niet inloggen met DigiD, wat moet ik doen? Mijn activeringscode is verlopen.';
const HEAD = 'From: Burger <burger@example.nl>\r\nTo: kcc@kcc.example.nl\r\nSubject: vraag over DigiD\r\nMessage-ID: <trunc@example.nl>\r\nMIME-Version: 1.0\r\n';

function html(body: string): Buffer {
  return Buffer.from(`${HEAD}Content-Type: text/html; charset=utf-8\r\n\r\n${body}`);
}

describe('parse: truncation is visible, and a body with words never becomes empty text', function () {
  this.timeout(60_000);

  it('keeps the question after 450,000 nested <div>s (5 MB), flags it and marks the case text', async () => {
    const raw = html(`<html><body>${'<div>'.repeat(450_000)}${QUESTION}${'</div>'.repeat(450_000)}</body></html>`);
    expect(raw.length).to.be.greaterThan(4_500_000);
    const t0 = performance.now();
    const p = await parseEmail(raw);
    expect(performance.now() - t0).to.be.below(10_000);
    expect(p.text).to.include(QUESTION);
    expect(p.truncated?.reason).to.equal('html-too-deep');
    const a = await analyseEmail(raw);
    expect(a.text).to.include(QUESTION);
    expect(a.text).to.match(/\[bericht ingekort: [^\]]+\]$/);
    expect(a.truncated).to.deep.equal(p.truncated);
    // …and the flag reaches what the case store takes.
    const m = emailIntakeMessage(a, { dedupeKey: 'k', receivedAt: new Date(), source: { kind: 'imap' }, attachments: [] });
    expect(m.truncated?.reason).to.equal(p.truncated?.reason);
  });

  it('deep but small HTML (20,000 levels, under the size bound) is stripped to its text and flagged html-too-deep', async () => {
    const p = await parseEmail(html(`${'<div>'.repeat(20_000)}${QUESTION}${'</div>'.repeat(20_000)}`));
    expect(p.text).to.equal(QUESTION);
    expect(p.truncated).to.deep.equal({ reason: 'html-too-deep', originalChars: null, keptChars: QUESTION.length });
  });

  it('text over the limit keeps the first maxTextChars characters and says how long it was', async () => {
    const words = 'vraag '.repeat(30_000); // 180,000 characters
    const p = await parseEmail(Buffer.from(`${HEAD}Content-Type: text/plain; charset=utf-8\r\n\r\n${words}`));
    expect(p.text.length).to.equal(DEFAULT_PARSE_LIMITS.maxTextChars);
    expect(p.truncated).to.deep.include({ reason: 'text-too-long', keptChars: DEFAULT_PARSE_LIMITS.maxTextChars });
    expect(p.truncated!.originalChars).to.be.greaterThan(DEFAULT_PARSE_LIMITS.maxTextChars);
    expect(truncationMarker(p.truncated!)).to.match(/^\[bericht ingekort: .*100000.*\]$/);
  });

  it('an ordinary message carries no flag and no marker', async () => {
    const a = await analyseEmail(html(`<p>${QUESTION}</p>`));
    expect(a.truncated).to.equal(null);
    expect(a.text).to.equal(QUESTION);
    expect(a.text).to.not.include('ingekort');
  });

  it('the tag stripper is linear: 2 MB of tags in well under a second', () => {
    const input = '<div><span class="x">a</span>'.repeat(70_000);
    const t0 = performance.now();
    const out = stripTags(input);
    expect(performance.now() - t0).to.be.below(1_000);
    expect(out.replace(/\s/g, '')).to.equal('a'.repeat(70_000));
  });
});
