/**
 * Scoring of extractContact/classify against the labelled fixtures in
 * test/fixtures/extraction/cases.json. Shared by the fixture test; kept apart so the
 * comparison rules are in one readable place.
 *
 * Per field: a correct value is a TP; a wrong value is both an FP (we said something false)
 * and an FN (we missed the truth); a value where none was expected is an FP; nothing where
 * something was expected is an FN. Phones are compared as sets of E.164 strings.
 */
import { readFileSync } from 'node:fs';
import type { Extraction } from '../../../processors/extract/index.ts';

export interface FixtureCase {
  id: string;
  channel: 'email' | 'letter';
  fromName: string | null;
  fromAddress: string | null;
  subject: string;
  text: string;
  /** What the parse stage set aside as quoted history ('' or absent: none). */
  quotedText?: string;
  expected: {
    name: string | null;
    street: string | null;
    house_number: string | null;
    postcode: string | null;
    city: string | null;
    email: string | null;
    phones: string[];
    bsn: string | null;
    on_behalf_of: string | null;
    topic: string;
    language: 'nl' | 'en';
  };
}

export interface FixtureFile {
  ourAddresses: string[];
  cases: FixtureCase[];
}

export function loadFixtures(): FixtureFile {
  const url = new URL('../../fixtures/extraction/cases.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as FixtureFile;
}

export const SCALAR_FIELDS = ['name', 'street', 'house_number', 'postcode', 'city', 'email', 'bsn', 'on_behalf_of'] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];
export const FIELDS = ['name', 'street', 'house_number', 'postcode', 'city', 'email', 'phones', 'bsn', 'on_behalf_of'] as const;
export type Field = (typeof FIELDS)[number];

/** Case, spacing and accents do not make a value wrong; for house numbers neither do hyphens. */
export function same(field: ScalarField, a: string, b: string): boolean {
  const norm = (s: string): string => {
    let t = s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
    if (field === 'house_number') t = t.replace(/[\s-]/g, '');
    return t;
  };
  return norm(a) === norm(b);
}

export function actualValue(field: ScalarField, x: Extraction): string | null {
  if (field === 'on_behalf_of') return x.onBehalfOf;
  return x.citizen[field];
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Mismatch {
  id: string;
  field: Field;
  expected: unknown;
  actual: unknown;
}

export function scoreCase(c: FixtureCase, x: Extraction, counts: Record<Field, Counts>, misses: Mismatch[]): void {
  for (const field of SCALAR_FIELDS) {
    const exp = c.expected[field];
    const act = actualValue(field, x);
    const k = counts[field];
    if (exp !== null && act !== null && same(field, exp, act)) k.tp++;
    else {
      if (act !== null) k.fp++;
      if (exp !== null) k.fn++;
      if (act !== null || exp !== null) misses.push({ id: c.id, field, expected: exp, actual: act });
    }
  }
  const exp = new Set(c.expected.phones);
  const act = new Set(x.citizen.phones);
  const k = counts.phones;
  let bad = false;
  for (const p of act) if (exp.has(p)) k.tp++; else { k.fp++; bad = true; }
  for (const p of exp) if (!act.has(p)) { k.fn++; bad = true; }
  if (bad) misses.push({ id: c.id, field: 'phones', expected: [...exp], actual: [...act] });
}

export function emptyCounts(): Record<Field, Counts> {
  return Object.fromEntries(FIELDS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<Field, Counts>;
}

export function prf(k: Counts): { precision: number; recall: number; f1: number } {
  const precision = k.tp + k.fp === 0 ? 1 : k.tp / (k.tp + k.fp);
  const recall = k.tp + k.fn === 0 ? 1 : k.tp / (k.tp + k.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export function formatTable(counts: Record<Field, Counts>): string {
  const rows = [['field', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1']];
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const f of FIELDS) {
    const k = counts[f];
    total.tp += k.tp;
    total.fp += k.fp;
    total.fn += k.fn;
    const { precision, recall, f1 } = prf(k);
    rows.push([f, String(k.tp), String(k.fp), String(k.fn), precision.toFixed(3), recall.toFixed(3), f1.toFixed(3)]);
  }
  const { precision, recall, f1 } = prf(total);
  rows.push(['micro', String(total.tp), String(total.fp), String(total.fn), precision.toFixed(3), recall.toFixed(3), f1.toFixed(3)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

export function microF1(counts: Record<Field, Counts>): number {
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const f of FIELDS) {
    total.tp += counts[f].tp;
    total.fp += counts[f].fp;
    total.fn += counts[f].fn;
  }
  return prf(total).f1;
}

/** The eight contact fields the issues' tables average over (on_behalf_of is reported apart). */
export const CONTACT_FIELDS = ['name', 'street', 'house_number', 'postcode', 'city', 'email', 'phones', 'bsn'] as const;

/** Mean of the per-field F1 over the contact fields: the issues' "mean field F1". */
export function meanFieldF1(counts: Record<Field, Counts>): number {
  return CONTACT_FIELDS.reduce((sum, f) => sum + prf(counts[f]).f1, 0) / CONTACT_FIELDS.length;
}
