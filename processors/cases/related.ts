/**
 * Other cases of the same citizen, for the case view: found through the keyed hashes the case
 * already holds (`lookup.email`, `lookup.phone`, `lookup.bsn`, written at intake and on a
 * correction), the same look-up subject access uses (processors/dsar). No identifier is
 * hashed, compared or returned in the clear here: the answer is case number, status, line,
 * topic, date and which kind of identifier matched, never its value.
 *
 * The BSN is matched only for second line: the register keeps the BSN for second-line
 * support alone, so a first-line agent's view is not linked through it (not even as "same
 * BSN": that would tell them two cases share a number they may not see). Names are never
 * matched: many people share one (dsar's reasoning).
 */
import type { CaseDoc, CaseModels } from './model.ts';

export interface RelatedCase {
  caseNumber: string;
  status: string;
  line: string;
  topic: string | null;
  createdAt: Date;
  matchedOn: Array<'email' | 'phone' | 'bsn'>;
}

/** A handful is what an agent reads; the page says when there are more. */
export const RELATED_LIMIT = 20;

export async function relatedCases(models: Pick<CaseModels, 'Case'>, caseId: string, o: { bsn: boolean; limit?: number }): Promise<{ items: RelatedCase[]; more: boolean }> {
  const limit = o.limit ?? RELATED_LIMIT;
  const self = await models.Case.findById(caseId, { lookup: 1 }).lean<Pick<CaseDoc, '_id' | 'lookup'>>();
  const l = self?.lookup;
  if (!l) return { items: [], more: false };
  // One equality per hash on the top-level twins (model.ts citizenKeys, bsnKey): an index
  // look-up on MongoDB and on FerretDB 1.x alike, where `$in` on `lookup.*` read every case.
  const keys = [...new Set([...(l.email ?? []), ...(l.phone ?? [])])].slice(0, MAX_KEYS);
  const filters: Record<string, unknown>[] = keys.map((k) => ({ citizenKeys: k }));
  if (o.bsn && l.bsn) filters.push({ bsnKey: l.bsn });
  if (filters.length === 0) return { items: [], more: false };
  const projection = { caseNumber: 1, status: 1, line: 1, classification: 1, routing: 1, createdAt: 1, lookup: 1 };
  const found = new Map<string, CaseDoc>();
  for (const docs of await Promise.all(filters.map((f) => models.Case.find(f, projection).limit(PER_KEY).lean<CaseDoc[]>()))) {
    for (const d of docs) if (d._id !== caseId) found.set(d._id, d);
  }
  // Newest first, as the case view lists them.
  const docs = [...found.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? -1 : 1));
  const emails = new Set(l.email ?? []);
  const phones = new Set(l.phone ?? []);
  const items = docs.slice(0, limit).map((d): RelatedCase => {
    const matchedOn: RelatedCase['matchedOn'] = [];
    if ((d.lookup?.email ?? []).some((h) => emails.has(h))) matchedOn.push('email');
    if ((d.lookup?.phone ?? []).some((h) => phones.has(h))) matchedOn.push('phone');
    if (o.bsn && l.bsn && d.lookup?.bsn === l.bsn) matchedOn.push('bsn');
    return { caseNumber: d.caseNumber, status: d.status, line: d.line ?? 'first', topic: d.routing?.topic ?? d.classification?.topic ?? null, createdAt: d.createdAt, matchedOn };
  });
  return { items, more: docs.length > limit };
}

/** A case carries a few hashes; a corrected one a few more. A bound, not a policy. */
const MAX_KEYS = 12;
/**
 * Cases read per hash: a shared address (a municipality's mailbox that forwards for many)
 * can match thousands; the page shows RELATED_LIMIT and says there are more. Newest first
 * holds within what is read (MongoDB's order per key is the index's, not by date).
 */
const PER_KEY = 500;
