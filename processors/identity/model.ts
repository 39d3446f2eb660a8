/**
 * Identity documents and verification records.
 *
 * `identity_documents`: a copy of an ID card, passport or driving licence, or a signature,
 * found in a letter page or an e-mail attachment. Register M1533 category `id_copy`: kept
 * "zo kort mogelijk, wordt verwijderd na vaststelling identiteit". Every field that shows
 * the document is `id_copy` and sealed with AES-256-GCM (the image, and the few MRZ fields
 * kept as a hint for the agent); `expiresAt` is the upper bound for a copy nobody verifies.
 * The document is deleted as a whole when identity is established, so nothing of it
 * outlives the purpose; there is no "soft delete".
 *
 * `verification_records`: what remains after an agent decided: the case, the agent's
 * account, when, how ("copy of ID seen"), the outcome and the kind of document. No number,
 * no image, no MRZ, no name. Case-handling data (`case_metadata`), kept as long as a case.
 *
 * Schemas go through `pdSchema` with explicit document types (processors/cases/model.ts:
 * mongoose's inference over schema literals exhausts the checker).
 */
import type { Connection, Model } from 'mongoose';
import { pdSchema, sealedValueSchema } from '../../lib/pd-schema.ts';

export const IDENTITY_COLLECTION = 'identity_documents';
export const VERIFICATION_COLLECTION = 'verification_records';

export const ID_CATEGORIES = ['id_document', 'signature'] as const;
export type IdCategory = (typeof ID_CATEGORIES)[number];
export const VERIFICATION_OUTCOMES = ['established', 'not_established'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];
/** The only method there is today: an agent looked at the copy. */
export const VERIFICATION_METHODS = ['copy of ID seen'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

export const identityDocumentSchema = pdSchema(
  {
    /** sha256(message dedupe key, part): the same page or attachment redelivered is the same document. */
    _id: { type: String, pd: false },
    /** Dedupe key of the letter or e-mail it came in (a hash, not content). */
    messageKey: { type: String, required: true, pd: false },
    /** Set once the message's case is stored; until then the document is pending. */
    caseId: { type: String, default: null, pd: false },
    channel: { type: String, enum: ['email', 'letter'], required: true, pd: false },
    /** Page number (letters) or attachment position (e-mail), 1-based. */
    part: { type: Number, required: true, pd: false },
    /** Attachment file name or "page 2": a citizen's file name can name them, so it is part of the copy. */
    label: { type: sealedValueSchema, pd: 'id_copy' },
    category: { type: String, enum: ID_CATEGORIES, required: true, pd: false },
    /** passport | id_card | driving_licence, null for signatures and unknown kinds. */
    documentKind: { type: String, default: null, pd: false },
    detectedBy: { type: String, enum: ['mrz', 'keywords', 'signature'], required: true, pd: false },
    /** MRZ check digits all valid; false flags a misprint, forgery or misreading; null without MRZ. */
    mrzValid: { type: Boolean, default: null, pd: false },
    contentType: { type: String, required: true, pd: false },
    size: { type: Number, required: true, pd: false },
    /** The image (or PDF) bytes, sealed; aad `identity_documents/<_id>/content`. */
    content: { type: sealedValueSchema, required: true, pd: 'id_copy' },
    /** Sealed JSON of the MRZ fields the agent's hint needs (names, expiry); aad `identity_documents/<_id>/hints`. */
    hints: { type: sealedValueSchema, pd: 'id_copy' },
    receivedAt: { type: Date, required: true, pd: false },
    createdAt: { type: Date, required: true, pd: false },
    /** receivedAt + the configured upper bound (KCC_ID_DOCUMENT_MAX_DAYS, register id_copy). */
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: IDENTITY_COLLECTION, versionKey: false, strict: 'throw' },
);
identityDocumentSchema.index({ caseId: 1 });
identityDocumentSchema.index({ messageKey: 1 });

const AgentSchema = pdSchema(
  {
    /** Account id ("agent-017"), never a display name or address (as in the audit log). */
    id: { type: String, required: true, pd: false },
    role: { type: String, required: true, pd: false },
  },
  { _id: false },
);

export const verificationRecordSchema = pdSchema(
  {
    caseId: { type: String, required: true, pd: false },
    agent: { type: AgentSchema, required: true, pd: false },
    at: { type: Date, required: true, pd: false },
    method: { type: String, enum: VERIFICATION_METHODS, required: true, pd: 'case_metadata' },
    outcome: { type: String, enum: VERIFICATION_OUTCOMES, required: true, pd: 'case_metadata' },
    documentKind: { type: String, default: null, pd: 'case_metadata' },
    /** at + the register's general term (P18M), like the case it belongs to. */
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: VERIFICATION_COLLECTION, versionKey: false, strict: 'throw' },
);
verificationRecordSchema.index({ caseId: 1 });

export interface SealedValue { v: 1; kid: string; iv: string; tag: string; ct: string }

export interface IdentityDocumentDoc {
  _id: string;
  messageKey: string;
  caseId: string | null;
  channel: 'email' | 'letter';
  part: number;
  label?: SealedValue;
  category: IdCategory;
  documentKind: string | null;
  detectedBy: 'mrz' | 'keywords' | 'signature';
  mrzValid: boolean | null;
  contentType: string;
  size: number;
  content: SealedValue;
  hints?: SealedValue;
  receivedAt: Date;
  createdAt: Date;
  expiresAt: Date;
}

export interface VerificationRecordDoc {
  _id: unknown;
  caseId: string;
  agent: { id: string; role: string };
  at: Date;
  method: VerificationMethod;
  outcome: VerificationOutcome;
  documentKind: string | null;
  expiresAt: Date;
}

export interface IdentityModels {
  IdentityDocument: Model<IdentityDocumentDoc>;
  VerificationRecord: Model<VerificationRecordDoc>;
}

/** The models on one connection, registered once (a connection keeps its own registry). */
export function identityModels(conn: Connection): IdentityModels {
  return {
    IdentityDocument: conn.models.IdentityDocument
      ? (conn.models.IdentityDocument as unknown as Model<IdentityDocumentDoc>)
      : conn.model<IdentityDocumentDoc>('IdentityDocument', identityDocumentSchema),
    VerificationRecord: conn.models.VerificationRecord
      ? (conn.models.VerificationRecord as unknown as Model<VerificationRecordDoc>)
      : conn.model<VerificationRecordDoc>('VerificationRecord', verificationRecordSchema),
  };
}
