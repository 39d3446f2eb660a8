/**
 * Subject access (AVG art. 15) and erasure (art. 17) for one person, found by e-mail
 * address, phone number and/or BSN (issue #5 §5).
 *
 * Finding a person: every identifier is turned into its keyed hash (lib/crypto.ts) and
 * matched against the cases' `lookup.*` fields, so no identifier needs a plain-text index
 * and none is ever queried in the clear. Not by name: names are shared by many people, and
 * an export to the wrong namesake is itself a data breach.
 *
 * Decisions (register M1533 and the AVG):
 *  - BSN. The subject has a right to know we hold their BSN, but the register keeps it only
 *    for second-line support, sealed. The export therefore says whether a case holds a BSN,
 *    and shows the number only when the request itself carried that BSN (matched by its keyed
 *    hash): it then tells the requester nothing they did not type. A request by e-mail or
 *    phone alone never yields a BSN, so someone who knows only an address cannot obtain one.
 *    This path never decrypts: it needs no encryption key.
 *  - Representatives. A case where the person is only the representative (a parent writing
 *    for a child) is the represented citizen's case. Art. 15(4): their copy must not reveal the
 *    citizen's data, so it holds the representative's own details and the messages they
 *    wrote. Erasure removes the representative's contact details and look-up hashes and keeps
 *    the citizen's case; the messages they wrote stay as the citizen's request and are
 *    counted (`representativeMessagesKept`) so the privacy officer can follow up.
 *  - Audit. Export and erasure each leave one audit entry (keyed hashes of the identifiers,
 *    counts, who, when) and erasure one deletion-log link. Earlier audit entries about the
 *    person's cases are exported but not erased: they hold no personal data (case ids,
 *    counts, actors) and are the proof of who processed what, kept for the audit term.
 *  - Not reachable by identifier, and short-lived by design: claim-check blobs (raw mail in
 *    flight, P3D, deleted once the case is stored), Kafka records (P3D) and the intake
 *    mailbox's processed folder (P3D, ingest/imap/purge.ts). The export says so.
 */
import type { Connection } from 'mongoose';
import { BSON } from 'mongodb';
import type { IdentifierKind, KeyedHasher } from '../../lib/crypto.ts';
import { InputError } from '../../lib/errors.ts';
import { createAuditLog, toAuditEntry, type Actor, type AuditEntry, type AuditLog } from '../audit/index.ts';
import { caseModels, type CaseDoc } from '../cases/index.ts';
import { eraseContentOf, type ContentStore } from '../content/store.ts';
import { createReadLog } from '../readlog/index.ts';

export interface SubjectQuery {
  email?: string;
  phone?: string;
  bsn?: string;
}

/**
 * Collections outside `cases` that may hold data about a person, queried when they exist:
 * by `caseId` (of the person's cases) or by the same keyed-hash `lookup.*` fields as cases.
 */
export const SATELLITE_COLLECTIONS = ['survey_consents', 'survey_invitations', 'survey_answers', 'survey_bounces', 'verification_records', 'identity_documents', 'message_keys', 'thread_keys', 'message_contents'] as const;

export interface DsarOptions {
  /** Who asks (recorded in the audit entry). */
  actor: Actor;
  /** Defaults to an audit log on the same connection. */
  audit?: AuditLog;
  clock?: () => Date;
  /** Override the satellite list (a new collection joins here). */
  satellites?: readonly string[];
  /**
   * The kept content (processors/content), opened for the export: the HTML as the agent sees
   * it and each attachment's bytes (base64). Without it the export lists the content's
   * documents sealed, as stored. Erasure needs no key.
   */
  content?: ContentStore;
  /** Erasure only: the AVG art. 17(1) ground (one of ERASURE_GROUNDS), recorded on the audit entry. */
  ground?: ErasureGround;
}

/**
 * The grounds of AVG art. 17(1) an erasure rests on, as codes: the workbench asks the privacy
 * officer for one (a reason without free text, so the audit log holds no personal data).
 */
export const ERASURE_GROUNDS = ['not_needed', 'consent_withdrawn', 'objection', 'unlawful', 'legal_obligation', 'child'] as const;
export type ErasureGround = (typeof ERASURE_GROUNDS)[number];

type SubjectRole = 'citizen' | 'representative';

export interface CaseExport {
  caseId: string;
  caseNumber: string;
  /** Which of the request's identifiers matched this case. */
  matchedOn: IdentifierKind[];
  /** The person's part in the case; a representative sees only their own part (art. 15(4)). */
  subjectRole: SubjectRole;
  channel: string;
  status: string;
  createdAt: Date;
  lastActivityAt: Date;
  escalatedAt?: Date;
  closedAt?: Date;
  /** When the case will be deleted (register: 18 months after closure or last activity). */
  expiresAt: Date;
  classification?: CaseDoc['classification'];
  citizen?: CaseDoc['citizen'];
  representative?: CaseDoc['representative'];
  replyAddress?: string;
  messages: CaseDoc['messages'];
  /** Whether the case holds a sealed BSN; the number only when the request carried it. */
  bsn?: { held: boolean; value?: string };
  /**
   * Who looked at the case (the processing log of reads): when, in which role, what. Not the
   * colleague's account: the register names roles as recipients, not persons.
   */
  reads?: Array<{ at: Date; role: string; activity: string }>;
  /** What the citizen sent, as kept (sanitised HTML, attachments), when the export could open it. */
  content?: Array<{ dedupeKey: string; html: string | null; attachments: Array<{ filename: string; contentType: string; size: number; sha256: string; base64: string | null }> }>;
}

export interface SubjectExport {
  schemaVersion: 1;
  register: 'M1533';
  generatedAt: Date;
  /** The kinds of identifier searched for (the identifiers themselves are the requester's). */
  searchedBy: IdentifierKind[];
  cases: CaseExport[];
  /** Per satellite collection: whether it exists, and the documents found (Extended JSON). */
  collections: Record<string, { present: boolean; documents: unknown[] }>;
  /** Audit entries about the person's cases or earlier requests. No personal data. */
  auditEntries: AuditEntry[];
  notes: string[];
}

export interface ErasureResult {
  /** Documents deleted, per collection (present collections only). */
  counts: Record<string, number>;
  /** Ids of the cases deleted. */
  caseIds: string[];
  /** Cases kept, where the person was only the representative: their details removed. */
  representativeRedacted: number;
  representativeMessagesKept: number;
  deletionSeq: number;
  auditEntryId: string;
}

const EXPORT_NOTES = [
  'Cases are found through keyed hashes (HMAC) of e-mail address, phone number and BSN; those hashes are derived from the identifiers above and are not listed.',
  'A BSN is shown only when the request included that BSN; otherwise the export says whether one is held (register M1533: BSN only for second-line support).',
  'Raw messages in transit (message queue, claim-check store, the intake mailbox\'s processed folder) cannot be searched by identifier and are kept at most 3 days; claim-check copies are deleted as soon as the case is stored.',
  'Audit entries hold no personal data: case ids, counts, times and the staff account that acted.',
];

interface Resolved {
  hashes: Partial<Record<IdentifierKind, string>>;
  subjectHashes: string[];
  bsnNormalised?: string;
  cases: Array<{ doc: CaseDoc; matchedOn: IdentifierKind[]; role: SubjectRole }>;
}

const KINDS = ['email', 'phone', 'bsn'] as const;

function hashesOf(hasher: KeyedHasher, q: SubjectQuery): Resolved['hashes'] {
  const out: Resolved['hashes'] = {};
  for (const kind of KINDS) {
    const v = q[kind];
    if (v === undefined || v === null || v === '') continue;
    out[kind] = hasher.hmac(kind, v); // InputError (no value in the message) when malformed
  }
  if (Object.keys(out).length === 0) throw new InputError('DSAR_NO_IDENTIFIER', 'Give at least one of e-mail address, phone number or BSN.');
  return out;
}

function safeHmac(hasher: KeyedHasher, kind: IdentifierKind, v: string | null | undefined): string | null {
  if (!v) return null;
  try {
    return hasher.hmac(kind, v);
  } catch {
    return null;
  }
}

/** The person's part in a case: citizen unless every match points at the representative. */
function roleIn(doc: CaseDoc, hasher: KeyedHasher, h: Resolved['hashes'], matchedOn: IdentifierKind[]): SubjectRole {
  // Phone numbers and the BSN are extracted for the citizen only.
  if (matchedOn.includes('phone') || matchedOn.includes('bsn')) return 'citizen';
  const rep = doc.representative;
  if (!rep || (!rep.email && !rep.name)) return 'citizen';
  if (safeHmac(hasher, 'email', doc.citizen?.email) === h.email) return 'citizen';
  if (safeHmac(hasher, 'email', rep.email) === h.email) return 'representative';
  // With a representative present, the answer goes to them: the reply address is theirs.
  if (safeHmac(hasher, 'email', doc.replyAddress) === h.email) return 'representative';
  // A hash added by a later message in the thread: a correspondent of the case, so treated
  // as the citizen (the cautious side for access, the complete side for erasure).
  return 'citizen';
}

async function resolve(conn: Connection, hasher: KeyedHasher, q: SubjectQuery): Promise<Resolved> {
  const { Case } = caseModels(conn);
  const hashes = hashesOf(hasher, q);
  const or: Record<string, string>[] = [];
  if (hashes.email) or.push({ 'lookup.email': hashes.email });
  if (hashes.phone) or.push({ 'lookup.phone': hashes.phone });
  if (hashes.bsn) or.push({ 'lookup.bsn': hashes.bsn });
  const docs = (await Case.find({ $or: or }).sort({ createdAt: 1, _id: 1 }).lean()) as unknown as CaseDoc[];
  const cases = docs.map((doc) => {
    const matchedOn: IdentifierKind[] = [];
    if (hashes.email && (doc.lookup?.email ?? []).includes(hashes.email)) matchedOn.push('email');
    if (hashes.phone && (doc.lookup?.phone ?? []).includes(hashes.phone)) matchedOn.push('phone');
    if (hashes.bsn && doc.lookup?.bsn === hashes.bsn) matchedOn.push('bsn');
    return { doc, matchedOn, role: roleIn(doc, hasher, hashes, matchedOn) };
  });
  const subjectHashes = KINDS.filter((k) => hashes[k]).map((k) => `${k}:${hashes[k]}`);
  const resolved: Resolved = { hashes, subjectHashes, cases };
  if (hashes.bsn && q.bsn) resolved.bsnNormalised = hasher.normalise('bsn', q.bsn);
  return resolved;
}

function satelliteFilter(r: Resolved): Record<string, unknown> | null {
  const caseIds = r.cases.filter((c) => c.role === 'citizen').map((c) => c.doc._id);
  const or: Record<string, unknown>[] = [];
  if (caseIds.length > 0) or.push({ caseId: { $in: caseIds } });
  if (r.hashes.email) or.push({ 'lookup.email': r.hashes.email });
  if (r.hashes.phone) or.push({ 'lookup.phone': r.hashes.phone });
  if (r.hashes.bsn) or.push({ 'lookup.bsn': r.hashes.bsn });
  return or.length > 0 ? { $or: or } : null;
}

async function existingCollections(conn: Connection): Promise<Set<string>> {
  const listed = await conn.db!.listCollections({}, { nameOnly: true }).toArray();
  return new Set(listed.map((c) => c.name));
}

function caseExport(c: Resolved['cases'][number], r: Resolved): CaseExport {
  const d = c.doc;
  const base: CaseExport = {
    caseId: d._id,
    caseNumber: d.caseNumber,
    matchedOn: c.matchedOn,
    subjectRole: c.role,
    channel: d.channel,
    status: d.status,
    createdAt: d.createdAt,
    lastActivityAt: d.lastActivityAt,
    expiresAt: d.expiresAt,
    messages: [],
  };
  if (d.escalatedAt) base.escalatedAt = d.escalatedAt;
  if (d.closedAt) base.closedAt = d.closedAt;
  if (c.role === 'representative') {
    // Only what is theirs: their details and what they wrote.
    if (d.representative) base.representative = d.representative;
    if (d.replyAddress) base.replyAddress = d.replyAddress;
    base.messages = (d.messages ?? []).filter((m) => m.writtenByRepresentative);
    return base;
  }
  base.classification = d.classification;
  base.citizen = d.citizen;
  if (d.representative) base.representative = d.representative;
  if (d.replyAddress) base.replyAddress = d.replyAddress;
  base.messages = d.messages ?? [];
  const held = !!d.bsnSealed;
  base.bsn = { held };
  if (held && r.bsnNormalised && r.hashes.bsn && d.lookup?.bsn === r.hashes.bsn) base.bsn.value = r.bsnNormalised;
  return base;
}

async function auditEntriesAbout(audit: AuditLog, caseIds: string[], subjectHashes: string[]): Promise<AuditEntry[]> {
  const or: Record<string, unknown>[] = [];
  if (caseIds.length > 0) or.push({ caseId: { $in: caseIds } });
  if (subjectHashes.length > 0) or.push({ subjectHashes: { $in: subjectHashes } });
  if (or.length === 0) return [];
  const docs = await audit.models.AuditEntry.find({ $or: or }).sort({ at: 1, _id: 1 }).lean();
  return docs.map(toAuditEntry);
}

async function contentExport(content: ContentStore, caseId: string): Promise<NonNullable<CaseExport['content']>> {
  const out: NonNullable<CaseExport['content']> = [];
  for (const m of await content.readCase(caseId)) {
    const attachments = [];
    for (const p of m.parts) {
      const got = p.fileId ? await content.partBytes(caseId, m.dedupeKey, p.index) : null;
      attachments.push({ filename: p.filename, contentType: p.contentType, size: p.size, sha256: p.sha256, base64: got ? got.bytes.toString('base64') : null });
    }
    out.push({ dedupeKey: m.dedupeKey, html: m.html, attachments });
  }
  return out;
}

/** Everything the system holds about one person, as one JSON-serialisable object. */
export async function exportSubject(conn: Connection, hasher: KeyedHasher, query: SubjectQuery, options: DsarOptions): Promise<SubjectExport> {
  const clock = options.clock ?? (() => new Date());
  const audit = options.audit ?? createAuditLog(conn, { clock });
  const r = await resolve(conn, hasher, query);
  const present = await existingCollections(conn);
  const filter = satelliteFilter(r);

  const collections: SubjectExport['collections'] = {};
  const counts: Record<string, number> = { cases: r.cases.length };
  for (const name of options.satellites ?? SATELLITE_COLLECTIONS) {
    if (!present.has(name) || !filter) {
      collections[name] = { present: present.has(name), documents: [] };
      continue;
    }
    const docs = await conn.db!.collection(name).find(filter).toArray();
    collections[name] = { present: true, documents: docs.map((d) => BSON.EJSON.serialize(d, { relaxed: true })) };
    counts[name] = docs.length;
  }
  // Audit entries about the person's own cases only: activity on a case where they were the
  // representative is the represented citizen's (art. 15(4)).
  const ownCaseIds = r.cases.filter((c) => c.role === 'citizen').map((c) => c.doc._id);
  const auditEntries = await auditEntriesAbout(audit, ownCaseIds, r.subjectHashes);
  counts[audit.models.AuditEntry.collection.collectionName] = auditEntries.length;

  const readLog = createReadLog(conn, { clock });
  const result: SubjectExport = {
    schemaVersion: 1,
    register: 'M1533',
    generatedAt: clock(),
    searchedBy: KINDS.filter((k) => r.hashes[k]),
    cases: await Promise.all(r.cases.map(async (c) => {
      const e = caseExport(c, r);
      if (c.role !== 'citizen') return e;
      if (options.content) e.content = await contentExport(options.content, c.doc._id);
      e.reads = (await readLog.forCase(c.doc._id)).map((l) => ({ at: l.at, role: l.role, activity: l.activity }));
      return e;
    })),
    collections,
    auditEntries,
    notes: EXPORT_NOTES,
  };
  await audit.record({ actor: options.actor, action: 'export', subjectHashes: r.subjectHashes, counts });
  // The export is a look at each of these cases too: one read-log line per case.
  for (const c of ownCaseIds) await readLog.record({ activity: 'export', caseId: c, actor: options.actor, purpose: 'data_subject_request' });
  return result;
}

/**
 * Delete everything held about one person; returns counts per collection. Satellites go
 * first and cases last, so an erasure interrupted half-way is completed by running it again
 * (the cases still lead to what remains).
 */
export async function eraseSubject(conn: Connection, hasher: KeyedHasher, query: SubjectQuery, options: DsarOptions): Promise<ErasureResult> {
  if (options.ground !== undefined && !(ERASURE_GROUNDS as readonly string[]).includes(options.ground)) throw new InputError('DSAR_BAD_GROUND', 'Not an erasure ground.');
  const clock = options.clock ?? (() => new Date());
  const audit = options.audit ?? createAuditLog(conn, { clock });
  const { Case } = caseModels(conn);
  const r = await resolve(conn, hasher, query);
  const present = await existingCollections(conn);
  const filter = satelliteFilter(r);

  const counts: Record<string, number> = {};
  // Kept content first, blobs before the documents that name them (processors/content).
  const mineFirst = r.cases.filter((c) => c.role === 'citizen').map((c) => c.doc._id);
  if (present.has('message_contents')) Object.assign(counts, await eraseContentOf(conn.db! as never, mineFirst));
  for (const name of options.satellites ?? SATELLITE_COLLECTIONS) {
    if (!present.has(name) || name === 'message_contents') continue;
    counts[name] = filter ? (await conn.db!.collection(name).deleteMany(filter)).deletedCount : 0;
  }

  // A refused message's reply address lives only until its reply is sent (processors/refusals);
  // one still waiting is erased here by the same keyed hash, with the sender's day marker.
  if (r.hashes.email && present.has('refusals')) {
    counts.refusals = (await conn.db!.collection('refusals').deleteMany({ senderHash: r.hashes.email })).deletedCount;
  }
  if (r.hashes.email && present.has('refusal_senders')) {
    counts.refusal_senders = (await conn.db!.collection('refusal_senders').deleteMany({ _id: { $regex: `^${r.hashes.email}:` } } as never)).deletedCount;
  }

  const mine = r.cases.filter((c) => c.role === 'citizen').map((c) => c.doc._id);
  // The queue row of an open case (its `_id` is the case's) holds the subject line.
  counts.work_items = mine.length > 0 ? (await conn.db!.collection('work_items').deleteMany({ _id: { $in: mine } } as never)).deletedCount : 0;
  counts.cases = mine.length > 0 ? (await Case.deleteMany({ _id: { $in: mine } })).deletedCount : 0;

  let representativeRedacted = 0;
  let representativeMessagesKept = 0;
  const redactedIds: string[] = [];
  for (const c of r.cases.filter((x) => x.role === 'representative')) {
    const d = c.doc;
    const pullEmail = [r.hashes.email, safeHmac(hasher, 'email', d.representative?.email), safeHmac(hasher, 'email', d.replyAddress)].filter((x): x is string => !!x);
    const pullName = [safeHmac(hasher, 'name', d.representative?.name)].filter((x): x is string => !!x);
    const res = await Case.updateOne(
      { _id: d._id },
      {
        $unset: { representative: 1, replyAddress: 1 },
        // $pullAll, not $pull with $in: FerretDB 1.x treats a $pull condition as a literal
        // value and silently removes nothing (measured against FerretDB 1.24).
        $pullAll: { 'lookup.email': pullEmail, 'lookup.name': pullName },
      },
    );
    representativeRedacted += res.modifiedCount;
    if (res.modifiedCount > 0) redactedIds.push(d._id);
    representativeMessagesKept += (d.messages ?? []).filter((m) => m.writtenByRepresentative).length;
  }

  const actor = options.actor;
  const at = clock();
  // Field-level erasure on kept cases is a deletion too: counted under its own key, and the
  // cases named, so the link accounts for every document the erasure touched.
  const linkCounts = representativeRedacted > 0 ? { ...counts, 'cases.representative': representativeRedacted } : counts;
  const link = await audit.appendDeletion({ kind: 'erasure', mechanism: 'erasure', counts: linkCounts, caseIds: [...mine, ...redactedIds], actor, at });
  const entry = await audit.record({ action: 'erasure', subjectHashes: r.subjectHashes, counts, actor, at, ...(options.ground ? { ground: options.ground } : {}) });
  return { counts, caseIds: mine, representativeRedacted, representativeMessagesKept, deletionSeq: link.seq, auditEntryId: entry.id };
}
