/**
 * Every message of the shared real-world corpus (<repo>/../shared/corpus/mail) goes through
 * parseEmail: it returns a ParsedEmail or throws an InputError, never anything else, never
 * hangs. Where the corpus index says what a message *is*, nonCase must agree.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { NonCaseKind } from '../../../processors/parse/index.ts';
import { parseBounded, sharedDir } from './helpers.ts';
import type { Outcome } from './helpers.ts';

const CORPUS = path.join(sharedDir(), 'corpus', 'mail');

interface Row {
  file: string;
  kind: string;
  expectation: string;
}

/** What a row tells us about the message's nature, and where that came from. */
type Expected =
  | { want: NonCaseKind | null; from: string }
  | { want: 'not-bounce'; from: string }
  | { want: 'bounce-or-null'; from: string };

/**
 * The mapping, built from the kinds and wordings present in INDEX.tsv. The `kind` column
 * mostly names a *structural* trait (malformed, charset, nested, html, multipart, smime,
 * calendar, tnef): those say nothing about who sent the message, so they are only checked
 * where the expectation text classifies the message.
 */
function expectedFor(row: Row): Expected | null {
  const e = row.expectation;
  // expectation wording first: it is the more specific statement
  if (/must not be classified as bounce/i.test(e)) return { want: 'not-bounce', from: 'expectation: must NOT be bounce' };
  if (/may classify as bounce/i.test(e)) return { want: 'bounce-or-null', from: 'expectation: may classify as bounce' };
  if (/classify (?:as )?auto-reply/i.test(e)) return { want: 'auto_reply', from: 'expectation: classify auto-reply' };
  if (/classify as (?:automated non-bounce|complaint|automatic receipt|list mail)/i.test(e)) {
    return { want: 'automated', from: 'expectation: automated (non-bounce)' };
  }
  if (row.kind === 'autoreply') return { want: 'auto_reply', from: 'kind autoreply' };
  if (row.kind === 'dsn') return { want: 'bounce', from: 'kind dsn' };
  if (row.kind === 'plain') return { want: null, from: 'kind plain (ordinary message)' };
  return null;
}

/**
 * Expectations this parser cannot meet, each with the reason. Kept explicit so they are
 * never silently dropped; the test also fails if one of them starts to agree (then it is
 * to be removed from here). Empty at present: every classifiable file agrees.
 */
const KNOWN_UNREACHABLE: ReadonlyMap<string, string> = new Map<string, string>([]);

/** Files the parser rejects, with the code; every other file must parse. */
const EXPECTED_REJECTIONS: ReadonlyMap<string, string> = new Map([
  // "// Not an RFC-822 Document": INDEX allows a clear "not an e-mail" error
  ['enmime-mail-erroneous.eml', 'PARSE_NOT_EMAIL'],
]);

function readIndex(): Row[] {
  const lines = readFileSync(path.join(CORPUS, 'INDEX.tsv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split('\t');
  expect(header.slice(0, 3)).to.deep.equal(['file', 'kind', 'expectation']);
  return lines.slice(1).map((l) => {
    const [file = '', kind = '', ...rest] = l.split('\t');
    return { file, kind, expectation: rest.join('\t') };
  });
}

function agrees(expected: Expected, actual: NonCaseKind | null): boolean {
  if (expected.want === 'not-bounce') return actual !== 'bounce';
  if (expected.want === 'bounce-or-null') return actual === 'bounce' || actual === null;
  return actual === expected.want;
}

describe('parse: shared mail corpus', function () {
  if (!existsSync(path.join(CORPUS, 'INDEX.tsv'))) {
    it('finds the shared corpus', () => {
      expect.fail(`shared corpus not found at ${CORPUS} (set KCC_SHARED_DIR)`);
    });
    return;
  }
  const rows = readIndex();
  const outcomes = new Map<string, Outcome>();

  before(async function () {
    for (const row of rows) {
      // Sequential on purpose: a hang or crash is attributed to one file.
      const raw = readFileSync(path.join(CORPUS, row.file));
      try {
        outcomes.set(row.file, await parseBounded(raw));
      } catch (err) {
        throw new Error(`${row.file}: parse failed with a non-InputError or did not finish: ${String(err)}`);
      }
    }
  });

  it('indexes every .eml file in the directory, and only those', () => {
    const onDisk = readdirSync(CORPUS).filter((f) => f.endsWith('.eml')).sort();
    expect(rows.map((r) => r.file).sort()).to.deep.equal(onDisk);
    expect(onDisk.length).to.be.greaterThan(100);
  });

  it('returns a well-formed ParsedEmail or an InputError for every file', () => {
    const rejected = new Map<string, string>();
    for (const row of rows) {
      const outcome = outcomes.get(row.file);
      expect(outcome, row.file).to.not.equal(undefined);
      if (!outcome) continue;
      if (!outcome.ok) {
        rejected.set(row.file, outcome.error.code);
        expect(outcome.error.code, row.file).to.match(/^PARSE_[A-Z_]+$/);
        continue;
      }
      const p = outcome.parsed;
      expect(p.subject, row.file).to.be.a('string');
      expect(p.text, row.file).to.be.a('string');
      expect(p.quotedText, row.file).to.be.a('string');
      expect(p.text.length, row.file).to.be.at.most(100_000);
      expect(p.warnings, row.file).to.be.an('array');
      expect(p.date === null || !Number.isNaN(p.date.getTime()), row.file).to.equal(true);
      expect(p.messageId === null || !/[<>]/.test(p.messageId), row.file).to.equal(true);
      for (const id of p.references) expect(id, row.file).to.not.match(/[<>]/);
      for (const a of [p.from, ...p.to, ...(p.replyTo ? [p.replyTo] : [])]) {
        if (a.address !== null) expect(a.address, row.file).to.equal(a.address.toLowerCase());
      }
      for (const a of p.attachments) {
        expect(a.size, row.file).to.equal(a.content.length);
        expect(a.sha256, row.file).to.match(/^[0-9a-f]{64}$/);
        expect(a.contentType, row.file).to.match(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/);
        expect(a.filename, row.file).to.not.match(/[/\\\u0000-\u001f]/);
        expect(a.filename.length, row.file).to.be.within(1, 255);
      }
      if (p.nonCase) expect(p.nonCase.reason, row.file).to.match(/^[a-z0-9-]+$/);
    }
    expect(Object.fromEntries(rejected)).to.deep.equal(Object.fromEntries(EXPECTED_REJECTIONS));
  });

  it('agrees with the index on what each classifiable message is', () => {
    const table = new Map<string, { files: number; asserted: number; agree: number }>();
    const disagreements: string[] = [];
    const unreachableNowAgreeing: string[] = [];
    for (const row of rows) {
      const t = table.get(row.kind) ?? { files: 0, asserted: 0, agree: 0 };
      table.set(row.kind, t);
      t.files++;
      const expected = expectedFor(row);
      const outcome = outcomes.get(row.file);
      if (expected === null || !outcome) continue;
      // A rejected file has no classification; none of the classifiable ones is rejected.
      const actual = outcome.ok ? (outcome.parsed.nonCase?.kind ?? null) : undefined;
      t.asserted++;
      const ok = actual !== undefined && agrees(expected, actual);
      if (ok) t.agree++;
      if (KNOWN_UNREACHABLE.has(row.file)) {
        if (ok) unreachableNowAgreeing.push(row.file);
        continue;
      }
      if (!ok) disagreements.push(`${row.file}: expected ${String(expected.want)} (${expected.from}), got ${String(actual)}`);
    }
    const summary = [...table.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([kind, t]) => `    ${kind.padEnd(10)} files ${String(t.files).padStart(3)}  asserted ${String(t.asserted).padStart(3)}  agree ${String(t.agree).padStart(3)}`);
    console.log(`    non-case agreement by INDEX kind:\n${summary.join('\n')}`);
    const assertedTotal = [...table.values()].reduce((n, t) => n + t.asserted, 0);
    // autoreply 9 + dsn 26 + plain 2 + classifiable by expectation text in other kinds
    expect(assertedTotal).to.be.at.least(45);
    expect(disagreements).to.deep.equal([]);
    expect(unreachableNowAgreeing).to.deep.equal([]);
  });

  it('keeps ordinary messages in structural kinds free of bounce/auto-reply labels unless they carry such signals', () => {
    // Structural kinds are not classified by the index, but a few messages in them are
    // plainly person-to-person; these must stay cases.
    for (const file of ['flanker-iphone.eml', 'flanker-no-ctype.eml', 'stalwart-thirdparty-015.eml', 'mimekit-issue358-outlook.eml', 'sisimai-not-is-not-bounce-02.eml']) {
      const outcome = outcomes.get(file);
      expect(outcome?.ok, file).to.equal(true);
      if (outcome?.ok) expect(outcome.parsed.nonCase, file).to.equal(null);
    }
  });

  it('meets the concrete decoding expectations the index states for attachments and headers', () => {
    const parsed = (file: string) => {
      const o = outcomes.get(file);
      if (!o || !o.ok) throw new Error(`${file} did not parse`);
      return o.parsed;
    };
    // RFC 2231 filename*=ISO-8859-1'' decoded
    expect(parsed('mime4j-mimetools-attachment-filename-encoding-Latin1.eml').attachments.map((a) => a.filename)).to.include('attachment.äöü');
    // "Content-Type: application-x-gzip" (no subtype) and an empty type become octet-stream
    expect(parsed('mimekit-missing-subtype.eml').attachments[0]?.contentType).to.equal('application/octet-stream');
    expect(parsed('flanker-spam-broken-ctype.eml').attachments.map((a) => a.contentType)).to.include('application/octet-stream');
    // iso-8859-2 encoded-word subject
    expect(parsed('bounceparser-polish-autoreply.eml').subject).to.equal('[Automatyczna odpowiedź] test');
    // bare-CR file normalised and classified
    expect(parsed('sisimai-mac-cr-only-rfc3834-01.eml').warnings).to.include('bare-cr-line-endings');
    // unknown charset reported
    expect(parsed('enmime-low-quality-unk-charset-part.eml').warnings).to.include('charset-unknown');
    expect(parsed('enmime-mail-multipart-wo-boundary.eml').warnings).to.include('multipart-without-boundary');
    // invalid Date: null, not "now"
    expect(parsed('stalwart-rfc-001.eml').date).to.equal(null);
    expect(parsed('stalwart-rfc-001.eml').warnings).to.include('date-invalid');
    // 570 KB bracket soup: converted within the text cap
    expect(parsed('mailparser-htmllargecallstack.eml').text.length).to.be.at.most(100_000);
  });
});
