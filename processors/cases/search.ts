/**
 * Finding a case: by its number, or by the citizen's e-mail address or phone number through
 * the keyed hashes the cases hold (model.ts `citizenKeys`, one equality each: an index look-up
 * on MongoDB and on FerretDB 1.x alike). The query is hashed, never stored or compared in
 * the clear. Names and free text are not searched: many people share a name (dsar's and
 * related.ts's reasoning), and a text search over message content would make every message
 * an index of personal data.
 *
 * Results are for a list (issue #16): contact details partly masked, the subject masked;
 * in full only in the case view. A role sees only the cases it may open (caseAccessFor).
 */
import type { KeyedHasher } from '../../lib/crypto.ts';
import { maskContactDetails, maskEmail, maskPhone } from '../extract/index.ts';
import type { CaseDoc, CaseModels } from './model.ts';
import { caseAccessFor } from './work.ts';

export type SearchKind = 'case_number' | 'email' | 'phone' | 'unsupported' | 'empty';

export interface SearchHit {
  caseNumber: string;
  status: string;
  line: string;
  topic: string | null;
  channel: string;
  createdAt: Date;
  /** The first message's subject, contact details in it masked. */
  subject: string;
  /** The reply address or first phone, partly masked ("p***@example.nl", "+316******78"). */
  contact: string | null;
}

export interface SearchResult { kind: SearchKind; hits: SearchHit[]; more: boolean }

export const SEARCH_LIMIT = 50;
const MAX_QUERY = 320;
const CASE_NUMBER = /^KCC-\d{4}-\d{6}$/i;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
const PHONE = /^\+?[\d\s().-]{8,24}$/;

/** What a query is looked up as (the page says so, and why a name finds nothing). */
export function searchKindOf(q: string): SearchKind {
  const s = q.trim();
  if (!s) return 'empty';
  if (s.length > MAX_QUERY) return 'unsupported';
  if (CASE_NUMBER.test(s)) return 'case_number';
  if (EMAIL.test(s)) return 'email';
  if (PHONE.test(s) && s.replace(/\D/g, '').length >= 9) return 'phone';
  return 'unsupported';
}

export async function searchCases(models: Pick<CaseModels, 'Case'>, hasher: KeyedHasher, q: string, role: string, limit = SEARCH_LIMIT): Promise<SearchResult> {
  const kind = searchKindOf(q);
  const s = q.trim();
  // Only the subject of the messages (FerretDB 1.x refuses $slice in a projection: NotImplemented).
  const projection = { caseNumber: 1, status: 1, line: 1, classification: 1, routing: 1, channel: 1, createdAt: 1, 'messages.subject': 1, replyAddress: 1, 'citizen.phones': 1 };
  let docs: CaseDoc[] = [];
  if (kind === 'case_number') {
    docs = await models.Case.find({ caseNumber: s.toUpperCase() }, projection).limit(1).lean<CaseDoc[]>();
  } else if (kind === 'email' || kind === 'phone') {
    let key: string | null = null;
    try { key = hasher.hmac(kind, s); } catch { key = null; } // not a valid address or number: nothing to find
    if (key) docs = await models.Case.find({ citizenKeys: key }, projection).limit(limit * 4).lean<CaseDoc[]>();
  }
  const visible = docs
    .filter((d) => caseAccessFor(role, d.line) !== 'none')
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? -1 : 1));
  const hits = visible.slice(0, limit).map((d): SearchHit => {
    const phone = d.citizen?.phones?.[0];
    return {
      caseNumber: d.caseNumber, status: d.status, line: d.line ?? 'first', topic: d.routing?.topic ?? d.classification?.topic ?? null,
      channel: d.channel, createdAt: d.createdAt, subject: maskContactDetails(d.messages?.[0]?.subject ?? '').slice(0, 120),
      contact: d.replyAddress ? maskEmail(d.replyAddress) : phone ? maskPhone(phone) : null,
    };
  });
  return { kind, hits, more: visible.length > limit };
}
