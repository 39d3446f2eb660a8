/**
 * The satisfaction survey's documents (register M1533, purpose `satisfaction_survey`:
 * "klanttevredenheidonderzoek; emailadres (verzoek gebeurt via verstrekte email) met
 * toestemming", and `service_improvement` for what the answers say about staff). Every path
 * names its category; `test/unit/privacy/models.test.ts` walks these schemas.
 *
 * No plain e-mail address is stored in any of them: an address is a keyed hash (HMAC,
 * lib/crypto.ts, the same `lookup.email` the cases use, so `kcc dsar` finds them) and the
 * sender reads the address from the case at the moment it sends.
 *
 * Terms: all 18 months (the register's P18M for both categories), `expiresAt` on every
 * document, deleted by the TTL index or the retention sweeper (lib/retention.ts).
 */
import type { Connection, Model } from 'mongoose';
import { pdSchema } from '../../lib/pd-schema.ts';
import { PURPOSE_COLLECTIONS } from '../../config/register.ts';

export const CONSENT_SOURCES = ['link', 'agent_message', 'agent_phone'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const WITHDRAWAL_VIA = ['link', 'survey_mail', 'agent'] as const;
export type WithdrawalVia = (typeof WITHDRAWAL_VIA)[number];

/**
 * awaiting: consent given, the case not yet closed as answered plus the delay;
 * pending → claimed → sending → sent: the outbox (see sender.ts for `unknown`);
 * skipped: a rule said no (skipReason); cancelled: consent withdrawn before sending.
 */
export const INVITATION_STATUSES = ['awaiting', 'pending', 'claimed', 'sending', 'sent', 'unknown', 'failed', 'skipped', 'cancelled'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const SKIP_REASONS = ['no_consent', 'not_a_case', 'not_answered', 'case_gone', 'bounced', 'recently_invited', 'no_address'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
export const ANSWERED_VALUES = ['yes', 'partly', 'no'] as const;
export type AnsweredValue = (typeof ANSWERED_VALUES)[number];

const lookupSchema = {
  /** Keyed hash (HMAC) of the e-mail address: subject access and erasure find the document by it. */
  email: { type: [String], pd: 'survey_email' as const },
};

export const consentSchema = pdSchema(
  {
    /** sha256(caseId, address hash): one record per address per case. */
    _id: { type: String, pd: false },
    caseId: { type: String, required: true, pd: false },
    /** The consenting address's keyed hash (the record is about that address, for that case). */
    emailHash: { type: String, required: true, pd: 'survey_email' },
    lookup: lookupSchema,
    givenAt: { type: Date, pd: 'survey_email' },
    source: { type: String, enum: CONSENT_SOURCES, pd: 'survey_email' },
    /** The version of the consent question shown (or read out): what was agreed to. */
    textVersion: { type: String, pd: false },
    /** The staff account that recorded a consent given by message or phone (accountability). */
    recordedBy: { type: String, pd: false },
    withdrawnAt: { type: Date, pd: 'survey_email' },
    withdrawnVia: { type: String, enum: WITHDRAWAL_VIA, pd: 'survey_email' },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'survey_consents', versionKey: false, strict: 'throw' },
);
consentSchema.index({ caseId: 1 });

export const invitationSchema = pdSchema(
  {
    /** The case id: one invitation per case, by construction. */
    _id: { type: String, pd: false },
    caseId: { type: String, required: true, pd: false },
    status: { type: String, enum: INVITATION_STATUSES, required: true, pd: false },
    skipReason: { type: String, enum: SKIP_REASONS, pd: false },
    /** Cheap top-level flags for the sender's queries (FerretDB: equality on a top-level field). */
    awaiting: { type: Boolean, pd: false },
    due: { type: Boolean, pd: false },
    /** The address invited (keyed hash), set when it is handed to SMTP: the N-day rule reads it. */
    emailHash: { type: String, pd: 'survey_email' },
    lookup: lookupSchema,
    /** SHA-256 of the form's token; the token itself is only in the mail. */
    tokenHash: { type: String, pd: false },
    tokenExpiresAt: { type: Date, pd: false },
    messageId: { type: String, pd: false },
    attempts: { type: Number, default: 0, pd: false },
    leaseUntil: { type: Date, pd: false },
    retryAt: { type: Date, pd: false },
    lastCode: { type: String, pd: false },
    dueAt: { type: Date, pd: false },
    handedAt: { type: Date, pd: false },
    sentAt: { type: Date, pd: false },
    answeredAt: { type: Date, pd: false },
    /** For the response rate per group (no personal data about the citizen; the agent is staff data). */
    topic: { type: String, pd: false },
    channel: { type: String, pd: false },
    language: { type: String, pd: false },
    team: { type: String, pd: false },
    agentId: { type: String, pd: 'staff_satisfaction' },
    month: { type: String, pd: false },
    createdAt: { type: Date, required: true, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'survey_invitations', versionKey: false, strict: 'throw' },
);
invitationSchema.index({ awaiting: 1 });
invitationSchema.index({ due: 1 });
invitationSchema.index({ tokenHash: 1 });
invitationSchema.index({ emailHash: 1 });

export const answerSchema = pdSchema(
  {
    /** Derived from the invitation: a second answer with the same token is refused by the unique _id. */
    _id: { type: String, pd: false },
    lookup: lookupSchema,
    answeredAt: { type: Date, required: true, pd: 'staff_satisfaction' },
    month: { type: String, required: true, pd: 'staff_satisfaction' },
    topic: { type: String, pd: 'staff_satisfaction' },
    channel: { type: String, pd: 'staff_satisfaction' },
    language: { type: String, pd: 'staff_satisfaction' },
    team: { type: String, pd: 'staff_satisfaction' },
    /** The agent who answered the case (account id): per-agent figures only when configured. */
    agentId: { type: String, pd: 'staff_satisfaction' },
    overall: { type: Number, min: 1, max: 5, required: true, pd: 'staff_satisfaction' },
    answered: { type: String, enum: ANSWERED_VALUES, required: true, pd: 'staff_satisfaction' },
    ease: { type: Number, min: 1, max: 5, required: true, pd: 'staff_satisfaction' },
    /** Optional free text, BSN/IBAN/e-mail/phone redacted before it is stored. */
    comment: { type: String, pd: 'staff_satisfaction' },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'survey_answers', versionKey: false, strict: 'throw' },
);

export const bounceSchema = pdSchema(
  {
    /** Keyed hash of the address an invitation bounced from. */
    _id: { type: String, pd: 'survey_email' },
    lookup: lookupSchema,
    at: { type: Date, required: true, pd: 'survey_email' },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: 'survey_bounces', versionKey: false, strict: 'throw' },
);

export interface ConsentDoc {
  _id: string; caseId: string; emailHash: string; lookup?: { email?: string[] }; givenAt?: Date; source?: ConsentSource; textVersion?: string;
  recordedBy?: string; withdrawnAt?: Date; withdrawnVia?: WithdrawalVia; expiresAt: Date;
}
export interface InvitationDoc {
  _id: string; caseId: string; status: InvitationStatus; skipReason?: SkipReason; awaiting?: boolean; due?: boolean;
  emailHash?: string; lookup?: { email?: string[] }; tokenHash?: string; tokenExpiresAt?: Date; messageId?: string;
  attempts?: number; leaseUntil?: Date; retryAt?: Date; lastCode?: string; dueAt?: Date; handedAt?: Date; sentAt?: Date; answeredAt?: Date;
  topic?: string; channel?: string; language?: string; team?: string; agentId?: string; month?: string; createdAt: Date; expiresAt: Date;
}
export interface AnswerDoc {
  _id: string; lookup?: { email?: string[] }; answeredAt: Date; month: string; topic?: string; channel?: string; language?: string; team?: string;
  agentId?: string; overall: number; answered: AnsweredValue; ease: number; comment?: string; expiresAt: Date;
}
export interface BounceDoc { _id: string; lookup?: { email?: string[] }; at: Date; expiresAt: Date }

export interface SurveyModels {
  Consent: Model<ConsentDoc>;
  Invitation: Model<InvitationDoc>;
  Answer: Model<AnswerDoc>;
  Bounce: Model<BounceDoc>;
}

export function surveyModels(conn: Connection): SurveyModels {
  const get = <T>(name: string, schema: unknown): Model<T> => (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema as never);
  return {
    Consent: get<ConsentDoc>('SurveyConsent', consentSchema),
    Invitation: get<InvitationDoc>('SurveyInvitation', invitationSchema),
    Answer: get<AnswerDoc>('SurveyAnswer', answerSchema),
    Bounce: get<BounceDoc>('SurveyBounce', bounceSchema),
  };
}

/** The survey's collections as the register lists them, all with `expiresAt` (app/index.ts RETENTION_COLLECTIONS). */
export const SURVEY_COLLECTIONS: readonly string[] = [...PURPOSE_COLLECTIONS.satisfaction_survey!, ...PURPOSE_COLLECTIONS.service_improvement!];
