/**
 * The identity-document store: ID copies and signatures get their own short, audited life
 * (register M1533: "kopie id, paspoort, handtekening … zo kort mogelijk, wordt verwijderd
 * na vaststelling identiteit").
 *
 *  1. `putPending` — the processor stores each copy found in a message, sealed (AES-256-GCM,
 *     aad bound to the document id), before the case is written; `linkToCase` then ties the
 *     copies to the case and lists them on it (kind and id only). Keyed by message and part,
 *     so redelivery writes nothing twice; a processor that crashed between the two steps
 *     links on redelivery (`hasPending`).
 *  2. `viewDocument` — an agent opens a copy; every view is in the audit log (who, when,
 *     which case).
 *  3. `recordVerification` — the agent's decision. "established": every copy of the case is
 *     deleted at once (bytes and metadata), the case's list emptied, and only a verification
 *     record is kept (case, agent, time, method, outcome, document kind); the deletion goes
 *     into the deletion log. "not_established": a record, and the copies stay until their
 *     `expiresAt` (the retention sweeper or TTL index removes them) or a later decision.
 *
 * The system never decides identity: MRZ parsing yields hints for the agent ("the name on
 * the document matches the case"), nothing more.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import sharp from 'sharp';
import { createRegister, expiresAtFor, REGISTER } from '../../config/register.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import { InputError } from '../../lib/errors.ts';
import { silentLogger, type Logger } from '../../lib/logger.ts';
import { createAuditLog, type Actor, type AuditLog } from '../audit/index.ts';
import { caseModels, type CaseModels } from '../cases/index.ts';
import type { MrzHints } from './inspect.ts';
import {
  identityModels,
  IDENTITY_COLLECTION,
  VERIFICATION_COLLECTION,
  VERIFICATION_METHODS,
  VERIFICATION_OUTCOMES,
  type IdCategory,
  type IdentityDocumentDoc,
  type IdentityModels,
  type SealedValue,
  type VerificationMethod,
  type VerificationOutcome,
} from './model.ts';

export {
  identityModels,
  identityDocumentSchema,
  verificationRecordSchema,
  IDENTITY_COLLECTION,
  VERIFICATION_COLLECTION,
  type IdentityModels,
  type IdCategory,
  type VerificationOutcome,
  type VerificationMethod,
} from './model.ts';
export { inspectPage, createAttachmentInspector, isInspectionCandidate, hintsOf, type PageInspection, type AttachmentVerdict, type MrzHints } from './inspect.ts';
export { emailCopyCollector, pendingDocumentOf, type AttachmentInspectorFactory, type EmailCopyCollector } from './email.ts';

export interface PendingDocument {
  /** Dedupe key of the letter or e-mail. */
  messageKey: string;
  channel: 'email' | 'letter';
  /** Page number or attachment position, 1-based. */
  part: number;
  /** "page 2" or the attachment's file name (sealed: a file name can name the citizen). */
  label: string;
  category: IdCategory;
  documentKind: string | null;
  detectedBy: 'mrz' | 'keywords' | 'signature';
  mrzValid: boolean | null;
  content: Buffer;
  contentType: string;
  hints?: MrzHints | null;
  receivedAt: Date;
}

export interface IdentityDocumentSummary {
  id: string;
  caseId: string | null;
  category: IdCategory;
  documentKind: string | null;
  detectedBy: string;
  mrzValid: boolean | null;
  receivedAt: Date;
  expiresAt: Date;
}

/** An agent's account (as in the audit log): an id and a role, never a name or address. */
export type Agent = Actor;

export interface IdentityDocumentView extends IdentityDocumentSummary {
  caseId: string;
  label: string;
  contentType: string;
  content: Buffer;
  /**
   * Hints only — the agent decides. `nameOnDocument`: does the MRZ name match the name on
   * the case? `documentExpired`: is the MRZ expiry date past? 'unknown' / null without an MRZ.
   */
  hints: { nameOnDocument: 'matches_case' | 'differs_from_case' | 'unknown'; documentExpired: boolean | null; mrzValid: boolean | null };
}

export interface VerificationInput {
  docId: string;
  agent: Agent;
  outcome: VerificationOutcome;
  method: VerificationMethod;
}

export interface VerificationResult {
  caseId: string;
  outcome: VerificationOutcome;
  /** Identity documents deleted (all of the case's copies on "established", else 0). */
  deleted: number;
}

export interface IdentityStore {
  readonly models: IdentityModels;
  putPending(docs: readonly PendingDocument[]): Promise<string[]>;
  hasPending(messageKey: string): Promise<boolean>;
  /** Tie a message's copies to its case and list them on the case; returns how many were linked now. */
  linkToCase(messageKey: string, caseId: string): Promise<number>;
  listForCase(caseId: string): Promise<IdentityDocumentSummary[]>;
  viewDocument(docId: string, agent: Agent): Promise<IdentityDocumentView>;
  recordVerification(input: VerificationInput): Promise<VerificationResult>;
  /**
   * A case closed as "not a case" (spam, phishing): its ID copies (linked, or still pending
   * for one of its messages) and verification records go at once, not at their term; the
   * deletion log gets one link (mechanism `erasure`) when anything was deleted. Idempotent:
   * a retry after a crash deletes what is left and logs only that. The case's own list is
   * not rewritten: the case is erased right after (processors/cases eraseAsNonCase).
   */
  eraseForCase(caseId: string, messageKeys: readonly string[], actor: Actor, at?: Date): Promise<{ identity_documents: number; verification_records: number }>;
  ensureIndexes(): Promise<void>;
}

export interface IdentityStoreOptions {
  cipher: FieldCipher;
  /** Upper bound for an unverified copy (config idDocumentMaxDays, register id_copy). */
  maxDays: number;
  audit?: AuditLog;
  clock?: () => Date;
  logger?: Logger;
  /**
   * Bytes above which a copy is re-encoded (JPEG, greyscale) before sealing: a sealed value is
   * base64 in one document, and 8 MiB → 10.7 MB stays inside the 16 MB document limit of every
   * MongoDB-wire server. A 300-dpi A4 scan is 1–5 MB as PNG.
   */
  maxStoredBytes?: number;
  /**
   * The case store's write lock (processors/cases `withCase`): the identity store writes the
   * case's `idDocuments` list, and on FerretDB 1.x an unlocked write beside another loses one
   * of them (lib/doclock.ts). Without it (MongoDB) the writes run as they are.
   */
  withCase?: <T>(caseId: string, fn: () => Promise<T>) => Promise<T>;
}

const DEFAULT_MAX_STORED_BYTES = 8 * 1024 * 1024;

export function documentIdOf(messageKey: string, part: number): string {
  return createHash('sha256').update(`${messageKey}\0${part}`, 'utf8').digest('hex');
}

const aad = (id: string, field: 'content' | 'hints' | 'label') => `${IDENTITY_COLLECTION}/${id}/${field}`;

/** Letters only, folded: 'Pieter-Jan van Dam' and 'VAN<DAM<<PIETER<JAN' compare alike. */
function nameTokens(s: string): string[] {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((t) => t.length > 0);
}

/**
 * Does the MRZ name fit the case's name? The case holds what the letter or mail said ("J. de
 * Vries", "Willemijn de Bruijn"); the MRZ holds full surname and given names. Match: every
 * surname token is in the case name, and the case's first token is a given name or its
 * initial. A hint, nothing more: spelling, marriage names and transliteration all differ.
 */
export function nameHint(caseName: string | null | undefined, hints: MrzHints | null): 'matches_case' | 'differs_from_case' | 'unknown' {
  if (!caseName || !hints?.surname) return 'unknown';
  const caseTokens = nameTokens(caseName);
  const surname = nameTokens(hints.surname);
  const given = nameTokens(hints.givenNames ?? '');
  if (caseTokens.length === 0 || surname.length === 0) return 'unknown';
  const surnameFits = surname.every((t) => caseTokens.includes(t));
  const rest = caseTokens.filter((t) => !surname.includes(t));
  const givenFits = rest.length === 0 || given.length === 0 || rest.some((t) => given.some((g) => g === t || (t.length === 1 && g.startsWith(t))));
  return surnameFits && givenFits ? 'matches_case' : 'differs_from_case';
}

/** MRZ dates are YYMMDD; expiry years are read as 20YY (documents are valid for at most 10 years). */
function mrzExpired(expiry: string | undefined, now: Date): boolean | null {
  if (!expiry || !/^\d{6}$/.test(expiry)) return null;
  const d = new Date(Date.UTC(2000 + Number(expiry.slice(0, 2)), Number(expiry.slice(2, 4)) - 1, Number(expiry.slice(4, 6)), 23, 59, 59));
  return d.getTime() < now.getTime();
}

function checkAgent(agent: Agent): Agent {
  if (!agent || typeof agent.id !== 'string' || !agent.id || typeof agent.role !== 'string' || !agent.role) {
    throw new InputError('IDENTITY_BAD_AGENT', 'an agent with an account id and a role is required');
  }
  if (agent.id.includes('@')) throw new InputError('IDENTITY_BAD_AGENT', 'the agent id must be an account id, not an e-mail address');
  // Views and decisions are a person's; the system never looks at or decides on an ID copy.
  if (agent.role === 'system' || agent.id.startsWith('system:')) throw new InputError('IDENTITY_BAD_AGENT', 'only a person can view an ID copy or record a verification');
  return { id: agent.id, role: agent.role };
}

async function fitForStorage(content: Buffer, contentType: string, max: number): Promise<{ content: Buffer; contentType: string }> {
  if (content.length <= max) return { content, contentType };
  try {
    const smaller = await sharp(content, { limitInputPixels: 60_000_000 }).greyscale().jpeg({ quality: 85 }).toBuffer();
    if (smaller.length <= max) return { content: smaller, contentType: 'image/jpeg' };
  } catch {
    // fall through: not an image sharp can re-encode (e.g. a large PDF attachment)
  }
  throw new InputError('IDENTITY_DOCUMENT_TOO_LARGE', 'the identity document is too large to store');
}

export function createIdentityStore(conn: Connection, o: IdentityStoreOptions): IdentityStore {
  const models = identityModels(conn);
  const { IdentityDocument, VerificationRecord } = models;
  const cases: CaseModels = caseModels(conn);
  const audit = o.audit ?? createAuditLog(conn, o.clock ? { clock: o.clock } : {});
  const now = o.clock ?? (() => new Date());
  const log = (o.logger ?? silentLogger()).child({ stage: 'identity' });
  const maxStored = o.maxStoredBytes ?? DEFAULT_MAX_STORED_BYTES;
  if (!Number.isInteger(o.maxDays) || o.maxDays < 1) throw new InputError('IDENTITY_BAD_OPTION', 'maxDays must be a positive integer');
  const register = createRegister({ idCopyUpperBound: `P${o.maxDays}D` });
  const withCase = o.withCase ?? (<T>(_caseId: string, fn: () => Promise<T>) => fn());

  function summary(d: Omit<IdentityDocumentDoc, 'content' | 'hints' | 'label'>): IdentityDocumentSummary {
    return {
      id: d._id, caseId: d.caseId ?? null, category: d.category, documentKind: d.documentKind ?? null,
      detectedBy: d.detectedBy, mrzValid: d.mrzValid ?? null, receivedAt: d.receivedAt, expiresAt: d.expiresAt,
    };
  }

  /** Remove the case's list entries for these documents (exact-value $pull: portable to FerretDB 1.x). */
  async function unlist(caseId: string, ids: readonly string[]): Promise<void> {
    await withCase(caseId, async () => {
      const c = await cases.Case.collection.findOne({ _id: caseId as never }, { projection: { idDocuments: 1 } });
      const entries = ((c?.idDocuments ?? []) as Array<{ kind: string; documentId: string }>).filter((e) => ids.includes(e.documentId));
      for (const e of entries) await cases.Case.collection.updateOne({ _id: caseId as never }, { $pull: { idDocuments: e } } as never);
    });
  }

  return {
    models,

    async putPending(docs) {
      const ids: string[] = [];
      const at = now();
      for (const d of docs) {
        const id = documentIdOf(d.messageKey, d.part);
        const stored = await fitForStorage(d.content, d.contentType, maxStored);
        const doc: Record<string, unknown> = {
          _id: id,
          messageKey: d.messageKey,
          caseId: null,
          channel: d.channel,
          part: d.part,
          label: o.cipher.encrypt(d.label, aad(id, 'label')),
          category: d.category,
          documentKind: d.documentKind,
          detectedBy: d.detectedBy,
          mrzValid: d.mrzValid,
          contentType: stored.contentType,
          size: stored.content.length,
          content: o.cipher.encrypt(stored.content, aad(id, 'content')),
          receivedAt: d.receivedAt,
          createdAt: at,
          expiresAt: expiresAtFor(['id_copy'], d.receivedAt, register),
        };
        if (d.hints) doc.hints = o.cipher.encrypt(JSON.stringify(d.hints), aad(id, 'hints'));
        // Insert-once: a redelivered message finds its copy stored (and maybe already linked).
        await IdentityDocument.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
        ids.push(id);
      }
      if (docs.length > 0) log.info({ documents: docs.length }, 'identity documents stored');
      return ids;
    },

    async hasPending(messageKey) {
      return !!(await IdentityDocument.exists({ messageKey, caseId: null }));
    },

    async linkToCase(messageKey, caseId) {
      const pending = await IdentityDocument.find({ messageKey, caseId: null }, { _id: 1, category: 1, documentKind: 1 }).lean();
      for (const d of pending) {
        // The case's list first: a crash after it leaves the document pending, and the
        // next link adds nothing twice (filter on documentId).
        // Through the driver: mongoose would give the list entry an ObjectId of its own.
        // Under the case's lock, as every write to a case (an agent's action meanwhile).
        await withCase(caseId, () => cases.Case.collection.updateOne(
          { _id: caseId as never, 'idDocuments.documentId': { $ne: d._id } },
          { $push: { idDocuments: { kind: d.documentKind ?? d.category, documentId: d._id } } } as never,
        ));
        await IdentityDocument.updateOne({ _id: d._id, caseId: null }, { $set: { caseId } });
      }
      return pending.length;
    },

    async listForCase(caseId) {
      const docs = await IdentityDocument.find({ caseId }, { content: 0, hints: 0, label: 0 }).sort({ part: 1 }).lean();
      const t = now();
      return docs.filter((d) => d.expiresAt > t).map((d) => summary(d));
    },

    async viewDocument(docId, agentIn) {
      const agent = checkAgent(agentIn);
      const d = await IdentityDocument.findById(docId).lean();
      const t = now();
      // Past its term it is gone, whether or not the sweeper has run yet.
      if (!d || d.expiresAt <= t) throw new InputError('IDENTITY_DOCUMENT_NOT_FOUND', 'no such identity document (deleted, expired or never stored)');
      if (!d.caseId) throw new InputError('IDENTITY_DOCUMENT_NOT_LINKED', 'the identity document is not linked to a case yet');
      // Audit before disclosure: a view that cannot be recorded does not happen.
      await audit.record({ actor: agent, action: 'read', caseId: d.caseId, at: t });
      const content = o.cipher.decrypt(d.content as SealedValue, aad(d._id, 'content'));
      const hints = d.hints ? (JSON.parse(o.cipher.decryptString(d.hints as SealedValue, aad(d._id, 'hints'))) as MrzHints) : null;
      const c = await cases.Case.findById(d.caseId, { 'citizen.name': 1 }).lean();
      return {
        ...summary(d),
        caseId: d.caseId,
        label: d.label ? o.cipher.decryptString(d.label as SealedValue, aad(d._id, 'label')) : `part ${d.part}`,
        contentType: d.contentType,
        content,
        hints: { nameOnDocument: nameHint(c?.citizen?.name, hints), documentExpired: mrzExpired(hints?.expiryDate, t), mrzValid: d.mrzValid ?? null },
      };
    },

    async recordVerification(input) {
      const agent = checkAgent(input.agent);
      if (!(VERIFICATION_OUTCOMES as readonly string[]).includes(input.outcome)) throw new InputError('IDENTITY_BAD_OUTCOME', 'outcome must be established or not_established');
      if (!(VERIFICATION_METHODS as readonly string[]).includes(input.method)) throw new InputError('IDENTITY_BAD_METHOD', 'method must be "copy of ID seen"');
      const t = now();
      const d = await IdentityDocument.findById(input.docId, { caseId: 1, documentKind: 1, category: 1, expiresAt: 1 }).lean();
      if (!d || d.expiresAt <= t) throw new InputError('IDENTITY_DOCUMENT_NOT_FOUND', 'no such identity document (deleted, expired or never stored)');
      if (!d.caseId) throw new InputError('IDENTITY_DOCUMENT_NOT_LINKED', 'the identity document is not linked to a case yet');
      const caseId = d.caseId;
      // "copy of ID seen": the agent must have opened a copy of this case (the audit log says so).
      const seen = await audit.models.AuditEntry.exists({ action: 'read', caseId, 'actor.id': agent.id });
      if (!seen) throw new InputError('IDENTITY_NOT_VIEWED', 'the agent has not viewed an ID copy of this case');

      // The record first: if we stop after it, the copies are still there and a retry deletes them.
      await VerificationRecord.create({
        caseId, agent, at: t, method: input.method, outcome: input.outcome,
        documentKind: d.documentKind ?? (d.category === 'signature' ? 'signature' : null),
        expiresAt: expiresAtFor(['case_metadata'], t, REGISTER),
      });
      let deleted = 0;
      if (input.outcome === 'established') {
        // Identity is established for the case: the purpose of every copy it holds has ended.
        const ids = (await IdentityDocument.find({ caseId }, { _id: 1 }).lean()).map((x) => x._id);
        const res = await IdentityDocument.deleteMany({ _id: { $in: ids } });
        deleted = res.deletedCount;
        await unlist(caseId, ids);
        await audit.appendDeletion({ kind: 'verification', mechanism: 'identity_established', counts: { [IDENTITY_COLLECTION]: deleted }, caseIds: [caseId], actor: agent, at: t });
      }
      await audit.record({ actor: agent, action: 'verification', caseId, at: t, ...(deleted > 0 ? { counts: { [IDENTITY_COLLECTION]: deleted } } : {}) });
      log.info({ outcome: input.outcome, deleted }, 'identity verification recorded');
      return { caseId, outcome: input.outcome, deleted };
    },

    async eraseForCase(caseId, messageKeys, actor, at = now()) {
      const docs = await IdentityDocument.deleteMany({ $or: [{ caseId }, ...(messageKeys.length ? [{ messageKey: { $in: [...messageKeys] } }] : [])] });
      const records = await VerificationRecord.deleteMany({ caseId });
      const counts = { [IDENTITY_COLLECTION]: docs.deletedCount, [VERIFICATION_COLLECTION]: records.deletedCount };
      if (docs.deletedCount + records.deletedCount > 0) {
        await audit.appendDeletion({ kind: 'erasure', mechanism: 'erasure', counts, caseIds: [caseId], actor, at });
        log.info({ documents: docs.deletedCount, records: records.deletedCount }, 'identity data of a non-case erased');
      }
      return { identity_documents: docs.deletedCount, verification_records: records.deletedCount };
    },

    async ensureIndexes() {
      await Promise.all([IdentityDocument.init(), VerificationRecord.init(), audit.ensureIndexes()]);
    },
  };
}
