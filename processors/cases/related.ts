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
  const or: Record<string, unknown>[] = [];
  if (l.email?.length) or.push({ 'lookup.email': { $in: l.email } });
  if (l.phone?.length) or.push({ 'lookup.phone': { $in: l.phone } });
  if (o.bsn && l.bsn) or.push({ 'lookup.bsn': l.bsn });
  if (or.length === 0) return { items: [], more: false };
  const docs = await models.Case.find({ $or: or, _id: { $ne: caseId } }, { caseNumber: 1, status: 1, line: 1, classification: 1, routing: 1, createdAt: 1, lookup: 1 })
    .sort({ createdAt: -1, _id: 1 }).limit(limit + 1).lean<CaseDoc[]>();
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
