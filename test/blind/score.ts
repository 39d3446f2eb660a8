/**
 * Scores the blind held-out set (issue 13) through the project's public pipeline functions:
 * e-mails through processors/analyse `analyseEmail` (attachments inspected by
 * processors/identity's attachment inspector on the project's OCR pool, as the pipeline's
 * inspector does), letters rendered to scanned pages (render.ts) and read by
 * processors/letters `analyseLetter` on the same OCR pool.
 *
 *   node --import tsx test/blind/score.ts [--json] [--cases] [--only ID,ID]
 *
 * Per field: a correct value is a TP; a wrong value is an FP and an FN; a value where none
 * was expected an FP; nothing where something was expected an FN; phones compare as sets.
 * Contact fields are scored on the cases the set expects to be cases; one the pipeline
 * takes for a non-case counts as all missed (no case, no contact details). A case the
 * pipeline throws on counts as all missed, and is listed.
 *
 * --cases prints, per case, which fields were missed or wrong (field names, not values).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseEmail } from '../../processors/analyse/index.ts';
import { TOPICS } from '../../processors/classify/index.ts';
import { createAttachmentInspector, isInspectionCandidate } from '../../processors/identity/index.ts';
import { analyseLetter } from '../../processors/letters/index.ts';
import { DEBIAN_TESSDATA, createOcrPool, type OcrPool } from '../../processors/ocr/index.ts';
import { createRspamdFilter } from '../../processors/screening/index.ts';

// As the pipeline asks it (app/index.ts): the local rspamd, unless KCC_SPAM_FILTER_URL='' turns it off.
const SPAM_FILTER_URL = process.env.KCC_SPAM_FILTER_URL ?? 'http://127.0.0.1:10783';
const spamFilter = SPAM_FILTER_URL ? createRspamdFilter({ url: SPAM_FILTER_URL }) : undefined;
import type { Expected } from './cases/types.ts';
import { renderPage, type LetterSpec } from './render.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
/** What the running pipeline passes (app/index.ts: the intake mailbox and the sender address). */
const OUR_ADDRESSES = ['intake@kcc.test'];
const CONTACT = ['name', 'street', 'house_number', 'postcode', 'city', 'email', 'phones', 'bsn'] as const;
const FIELDS = [...CONTACT, 'on_behalf_of'] as const;
type Field = (typeof FIELDS)[number];

interface CaseFile {
  id: string;
  kind: string;
  channel: 'email' | 'letter';
  file: string;
  expected: Expected;
}

interface Got {
  isCase: boolean;
  fields: Record<Exclude<Field, 'phones'>, string | null> & { phones: string[] };
  topic: string | null;
  language: string | null;
  signatureImages: number;
}

interface Outcome {
  c: CaseFile;
  got: Got | null;
  error: string | null;
  ms: number;
}

// ───────── normalisation ─────────
const apos = (s: string) => s.replace(/[\u2018\u2019\u02bc`]/g, "'");
const ws = (s: string) => apos(s).replace(/\s+/g, ' ').trim();
const NORMALISE: Record<Exclude<Field, 'phones'>, (s: string) => string> = {
  name: (s) => ws(s).toLowerCase(),
  on_behalf_of: (s) => ws(s).toLowerCase(),
  street: (s) => ws(s).replace(/[.,;:]+$/, '').toLowerCase(),
  house_number: (s) => ws(s).replace(/[\s-]+/g, '').toLowerCase(),
  postcode: (s) => ws(s).replace(/\s+/g, '').toUpperCase(),
  city: (s) => ws(s).toLowerCase(),
  email: (s) => ws(s).toLowerCase(),
  bsn: (s) => s.replace(/\D/g, ''),
};
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

// ───────── running the pipeline ─────────
async function runEmail(dir: string, c: CaseFile, pool: () => Promise<OcrPool>): Promise<Got> {
  const raw = await readFile(join(dir, c.file));
  // As the pipeline does: the intake keeps the attachments isInspectionCandidate accepts, and
  // processors/attachments inspects each of them on its own with processors/identity's inspector.
  const inspector = createAttachmentInspector({ ocr: pool });
  const a = await analyseEmail(raw, {
    ourAddresses: OUR_ADDRESSES,
    ...(spamFilter ? { spamFilter } : {}),
    inspectAttachment: async (att) => {
      if (!(await isInspectionCandidate(att))) return { kind: 'other' };
      const v = await inspector.forMessage()(att);
      return { kind: v.kind, documentKind: v.documentKind };
    },
  });
  return {
    // A screened message (processors/screening) becomes a case only for an agent to confirm: the pipeline judges it no case.
    isCase: a.isCase && a.screening === null,
    fields: {
      name: str(a.citizen.name), street: str(a.citizen.street), house_number: str(a.citizen.house_number), postcode: str(a.citizen.postcode),
      city: str(a.citizen.city), email: str(a.citizen.email), phones: [...(a.citizen.phones ?? [])], bsn: str(a.citizen.bsn), on_behalf_of: str(a.onBehalfOf),
    },
    topic: a.classification?.topic ?? null,
    language: a.classification?.language ?? null,
    signatureImages: a.attachments.filter((x) => x.kind === 'signature').length,
  };
}

async function runLetter(dir: string, c: CaseFile, pool: () => Promise<OcrPool>): Promise<Got> {
  const spec = JSON.parse(await readFile(join(dir, c.file), 'utf8')) as LetterSpec;
  const pages = [];
  for (let i = 0; i < spec.pages.length; i++) {
    const { image, mime } = await renderPage(spec.pages[i]!, spec.scan, i);
    pages.push({ name: `page-${i + 1}`, image, mime });
  }
  const a = await analyseLetter(pages, { ocr: await pool(), ourAddresses: OUR_ADDRESSES });
  return {
    // A letter that arrives is always a case (the scanning street sends nothing else).
    isCase: true,
    fields: {
      name: str(a.citizen.name), street: str(a.citizen.street), house_number: str(a.citizen.house_number), postcode: str(a.citizen.postcode),
      city: str(a.citizen.city), email: str(a.citizen.email), phones: [...(a.citizen.phones ?? [])], bsn: str(a.citizen.bsn), on_behalf_of: str(a.onBehalfOf),
    },
    topic: a.classification?.topic ?? null,
    language: a.classification?.language ?? null,
    signatureImages: a.pages.filter((p) => p.kind === 'signature').length,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

// ───────── scoring ─────────
interface Counts { tp: number; fp: number; fn: number }
const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
function prf(c: Counts): { p: number | null; r: number | null; f1: number | null } {
  const p = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : null;
  const r = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : null;
  if (c.tp + c.fp + c.fn === 0) return { p, r, f1: null };
  const f1 = (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
  return { p, r, f1 };
}

interface Group {
  n: number;
  cases: number;
  fields: Record<Field, Counts>;
  bsnFalsePositives: number;
  caseErrors: string[];
  topicRight: number;
  topicTotal: number;
  languageRight: number;
  signaturesExpected: number;
  signaturesFound: number;
  signaturesExtra: number;
  /** Name or city right except for letter case (e.g. "ZWOLLE" for "Zwolle"). */
  caseOnly: number;
  failed: string[];
}
const newGroup = (): Group => ({
  n: 0, cases: 0, fields: Object.fromEntries(FIELDS.map((f) => [f, zero()])) as Record<Field, Counts>, bsnFalsePositives: 0, caseErrors: [],
  topicRight: 0, topicTotal: 0, languageRight: 0, signaturesExpected: 0, signaturesFound: 0, signaturesExtra: 0, caseOnly: 0, failed: [],
});

interface CaseReport { id: string; missed: string[]; wrong: string[]; extra: string[] }

function score(o: Outcome, groups: Group[]): CaseReport {
  const e = o.c.expected;
  const rep: CaseReport = { id: o.c.id, missed: [], wrong: [], extra: [] };
  const predictedCase = o.got ? o.got.isCase : false;
  for (const g of groups) {
    g.n += 1;
    if (o.error) g.failed.push(o.c.id);
    if (predictedCase !== e.is_case) g.caseErrors.push(o.c.id);
    if (e.is_case) g.cases += 1;
  }
  if (e.is_case) {
    // No case made (non-case or a throw): every contact detail is missed.
    const got = o.got && o.got.isCase ? o.got : null;
    for (const f of FIELDS) {
      const add = (k: keyof Counts, n = 1) => { for (const g of groups) g.fields[f][k] += n; };
      if (f === 'phones') {
        const E = new Set(e.phones);
        const G = new Set(got?.fields.phones ?? []);
        const tp = [...G].filter((x) => E.has(x)).length;
        add('tp', tp);
        add('fp', G.size - tp);
        add('fn', E.size - tp);
        if (E.size - tp > 0) rep.missed.push('phones');
        if (G.size - tp > 0) rep.extra.push('phones');
        continue;
      }
      const norm = NORMALISE[f];
      const ev = e[f] ? norm(e[f] as string) : null;
      const gvRaw = got?.fields[f] ?? null;
      const gv = gvRaw ? norm(gvRaw) : null;
      if (ev && gv) {
        if (ev === gv) {
          add('tp');
          if ((f === 'name' || f === 'city') && gvRaw !== ws(e[f] as string) && ws(gvRaw!) !== ws(e[f] as string)) for (const g of groups) g.caseOnly += 1;
        } else {
          add('fp');
          add('fn');
          rep.wrong.push(f);
        }
      } else if (gv) {
        add('fp');
        rep.extra.push(f);
      } else if (ev) {
        add('fn');
        rep.missed.push(f);
      }
      if (f === 'bsn' && gv && gv !== ev) for (const g of groups) g.bsnFalsePositives += 1;
    }
    for (const g of groups) {
      g.topicTotal += 1;
      if (got && got.topic === e.topic) g.topicRight += 1;
      if (got && got.language === e.language) g.languageRight += 1;
    }
    if (got && got.topic !== e.topic) rep.wrong.push('topic');
  }
  const found = o.got?.signatureImages ?? 0;
  for (const g of groups) {
    g.signaturesExpected += e.signature_images;
    g.signaturesFound += Math.min(found, e.signature_images);
    g.signaturesExtra += Math.max(0, found - e.signature_images);
  }
  if (found < e.signature_images) rep.missed.push('signature_images');
  if (found > e.signature_images) rep.extra.push('signature_images');
  if (predictedCase !== e.is_case) rep.wrong.push('is_case');
  return rep;
}

function summary(g: Group) {
  const fields = Object.fromEntries(FIELDS.map((f) => [f, { ...g.fields[f], ...prf(g.fields[f]) }]));
  const f1s = CONTACT.map((f) => prf(g.fields[f]).f1).filter((x): x is number => x !== null);
  return {
    n: g.n,
    cases: g.cases,
    mean_contact_f1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : null,
    on_behalf_of_f1: prf(g.fields.on_behalf_of).f1,
    fields,
    bsn_false_positives: g.bsnFalsePositives,
    case_errors: g.caseErrors,
    topic_accuracy: g.topicTotal ? g.topicRight / g.topicTotal : null,
    language_accuracy: g.topicTotal ? g.languageRight / g.topicTotal : null,
    signature_recall: g.signaturesExpected ? g.signaturesFound / g.signaturesExpected : null,
    signature_extra: g.signaturesExtra,
    name_or_city_wrong_letter_case: g.caseOnly,
    failed: g.failed,
  };
}

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '  - ' : x.toFixed(d));
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Scores the set whose expected.json, emails/ and letters/ are in `dir` (test/blind2 reuses this). */
export async function scoreSet(dir: string, label: string): Promise<void> {
  const args = process.argv.slice(2);
  const asJson = args.includes('--json');
  const perCase = args.includes('--cases');
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? new Set((args[onlyArg + 1] ?? '').split(',')) : null;
  const all = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as CaseFile[];
  const cases = only ? all.filter((c) => only.has(c.id)) : all;
  for (const c of cases) if (c.expected.topic !== null && !(TOPICS as readonly string[]).includes(c.expected.topic)) throw new Error(`${c.id}: unknown topic ${c.expected.topic}`);

  const workers = Math.max(1, Math.min(2, availableParallelism()));
  const holder: { pool: Promise<OcrPool> | null } = { pool: null };
  const pool = () => (holder.pool ??= createOcrPool({ langPath: process.env.KCC_TESSDATA ?? DEBIAN_TESSDATA, workers }));
  const started = Date.now();
  const outcomes = await mapLimit(cases, workers + 1, async (c): Promise<Outcome> => {
    const t = Date.now();
    try {
      const got = c.channel === 'email' ? await runEmail(dir, c, pool) : await runLetter(dir, c, pool);
      return { c, got, error: null, ms: Date.now() - t };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { c, got: null, error: `${e.code ?? 'ERROR'}: ${(e.message ?? String(err)).slice(0, 200)}`, ms: Date.now() - t };
    }
  });
  if (holder.pool) await (await holder.pool).close();

  const groups = new Map<string, Group>();
  const group = (k: string) => { let g = groups.get(k); if (!g) groups.set(k, (g = newGroup())); return g; };
  const kinds = [...new Set(cases.map((c) => c.kind))];
  for (const k of kinds) group(k);
  const reports: CaseReport[] = [];
  for (const o of outcomes) reports.push(score(o, [group(o.c.kind), group(o.c.channel === 'email' ? 'all e-mail' : 'all letters'), group('overall')]));

  const result = {
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    groups: Object.fromEntries([...groups].map(([k, g]) => [k, summary(g)])),
    failed: outcomes.filter((o) => o.error).map((o) => ({ id: o.c.id, error: o.error })),
  };
  if (asJson) {
    console.log(JSON.stringify(result));
    return;
  }

  const order = [...kinds, 'all e-mail', 'all letters', 'overall'].filter((k) => groups.has(k));
  const head = ['group', 'n', 'F1(8)', 'name', 'street', 'hno', 'pc', 'city', 'email', 'phone', 'bsn', 'obo', 'bsnFP', 'caseErr', 'topic', 'sigRec'];
  const widths = [22, 4, 6, 5, 6, 5, 5, 5, 5, 5, 5, 5, 5, 7, 5, 6];
  console.log(`${label}: ${cases.length} cases, ${result.seconds} s`);
  console.log(head.map((h, i) => (i === 0 ? pad(h, widths[i]!) : lpad(h, widths[i]!))).join(' '));
  for (const k of order) {
    const s = summary(groups.get(k)!);
    const row = [k, String(s.n), fmt(s.mean_contact_f1), ...FIELDS.map((f) => fmt(s.fields[f]!.f1)), String(s.bsn_false_positives), String(s.case_errors.length), fmt(s.topic_accuracy), fmt(s.signature_recall)];
    console.log(row.map((v, i) => (i === 0 ? pad(v, widths[i]!) : lpad(v, widths[i]!))).join(' '));
  }
  console.log('\nper field, precision/recall (F1 above; "-" = nothing expected and nothing found):');
  const fw = 10;
  console.log([pad('group', 22), ...FIELDS.map((f) => lpad(f === 'house_number' ? 'hno' : f === 'on_behalf_of' ? 'obo' : f === 'postcode' ? 'pc' : f, fw))].join(' '));
  for (const k of order) {
    const s = summary(groups.get(k)!);
    console.log([pad(k, 22), ...FIELDS.map((f) => lpad(`${fmt(s.fields[f]!.p)}/${fmt(s.fields[f]!.r)}`, fw))].join(' '));
  }
  console.log('\nper field, counts tp/fp/fn:');
  for (const k of order) {
    const s = summary(groups.get(k)!);
    console.log([pad(k, 22), ...FIELDS.map((f) => lpad(`${s.fields[f]!.tp}/${s.fields[f]!.fp}/${s.fields[f]!.fn}`, fw))].join(' '));
  }
  const o = summary(groups.get('overall')!);
  console.log(`\ncase/non-case wrong: ${o.case_errors.length ? o.case_errors.join(', ') : 'none'}`);
  console.log(`BSN false positives: ${o.bsn_false_positives}; extra signature images: ${o.signature_extra}; name/city right but in the wrong letter case: ${o.name_or_city_wrong_letter_case}`);
  console.log(`language accuracy: ${fmt(o.language_accuracy)}`);
  console.log(`pipeline threw on: ${result.failed.length ? result.failed.map((f) => `${f.id} (${f.error})`).join('; ') : 'none'}`);
  if (perCase) {
    console.log('\nper case (field names only):');
    for (const r of reports) if (r.missed.length || r.wrong.length || r.extra.length) console.log(`  ${r.id}: missed [${r.missed.join(' ')}] wrong [${r.wrong.join(' ')}] extra [${r.extra.join(' ')}]`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await scoreSet(HERE, 'blind set');
