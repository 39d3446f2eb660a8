/**
 * The satisfaction survey (issue 17): asked only with consent, one invitation per case,
 * answered on a form, reported without exposing anyone, kept 18 months.
 *
 *   consent   the acknowledgment carries a link (consentLink); its page asks, and only its
 *             POST records (scanners follow links). An agent records consent a citizen gave
 *             by message or phone, with that source. Withdrawal: the same page (also linked
 *             from the invitation), or an agent. The record: case, keyed hash of the address,
 *             time, source, consent-text version.
 *   invite    sender.ts: after the case is closed as answered plus the delay, one mail per
 *             case, through an outbox that never sends twice (at most once, see there).
 *   answer    the form's token is single-use, expires, and only its SHA-256 is stored; the
 *             free text is redacted (processors/extract redactIdentifiers) before storing.
 *   bounce    a DSN that returns one of our invitations marks the address (intake calls
 *             markBouncedFrom); it never makes a case (intake's non-case rule already).
 *   report    report.ts: small groups suppressed, also by difference.
 *
 * Everything here is domain logic; the workbench routes (workbench/routes/survey.tsx) only
 * call it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { KeyedHasher } from '../../lib/crypto.ts';
import { InputError } from '../../lib/errors.ts';
import { addDuration, maxRetentionFor } from '../../config/register.ts';
import { caseModels, type CaseDoc } from '../cases/index.ts';
import { redactIdentifiers } from '../extract/index.ts';
import { surveyModels, ANSWERED_VALUES, type AnsweredValue, type ConsentDoc, type ConsentSource, type InvitationDoc, type SurveyModels, type WithdrawalVia } from './model.ts';

export { surveyModels, SURVEY_COLLECTIONS, type SurveyModels, type InvitationDoc, type AnswerDoc, type ConsentDoc } from './model.ts';
export { createSurveySender, type SurveySender } from './sender.ts';
export { surveyReport, reportCsv, type SurveyReport, type ReportOptions } from './report.ts';

/** The consent question's version: a record says which wording was agreed to (bump when it changes). */
export const CONSENT_TEXT_VERSION = 'survey-consent-2026-12-01';
/** Longest free text kept (about half an A4 page): an opinion, not a second case. */
export const MAX_COMMENT_CHARS = 2000;
/** Register M1533: "klanttevredenheidonderzoek; emailadres … met toestemming", P18M. */
const SURVEY_TERM = maxRetentionFor('survey_email');

export interface SurveySettings {
  /** After closure as answered, how long before the invitation goes (default 1 day). */
  delayMs: number;
  /** How long the form's link works (default 14 days). */
  tokenTtlMs: number;
  /** No second invitation to the same address within this many days (default 90). */
  recentDays: number;
  /** Smallest group whose figures are shown (default 5, never below 3). */
  minGroup: number;
  /** Per-agent figures (off by default: WOR art. 27 lid 1 sub l). */
  agentFigures: boolean;
  /** Where citizens' browsers reach the public pages (the workbench's public URL). */
  publicUrl: string;
}

export const DEFAULT_SURVEY_SETTINGS: Omit<SurveySettings, 'publicUrl'> = {
  delayMs: 86_400_000, tokenTtlMs: 14 * 86_400_000, recentDays: 90, minGroup: 5, agentFigures: false,
};

export interface SurveyDeps {
  conn: Connection;
  hasher: KeyedHasher;
  /** The HMAC key (config.keys.hmac): consent links and form signatures are derived from it. */
  hmacKey: Buffer;
  settings: SurveySettings;
  clock?: () => Date;
}

export type AddressKind = 'reply' | 'citizen';

export interface ConsentState {
  kind: AddressKind;
  /** The address as on the case (the agent's page shows it anyway). */
  address: string;
  given: boolean;
  source?: ConsentSource;
  givenAt?: Date;
  withdrawnAt?: Date;
}

export type FormState =
  | { state: 'open'; invitation: InvitationDoc }
  | { state: 'answered' | 'expired' | 'unknown' };

export interface AnswerInput { overall: number; answered: AnsweredValue; ease: number; comment?: string }

export interface Survey {
  readonly models: SurveyModels;
  readonly settings: SurveySettings;
  ensureIndexes(): Promise<void>;
  /** The link the acknowledgment carries (unguessable without the HMAC key; nothing stored). */
  consentLink(caseId: string): string;
  consentToken(caseId: string): string;
  /** The case a consent link belongs to, or null when the link is not one of ours or the case is gone. */
  caseOfConsentToken(token: string): Promise<{ caseId: string; language: 'nl' | 'en'; given: boolean } | null>;
  /** Consent by the link's page: for the address the acknowledgment went to. */
  consentByLink(caseId: string): Promise<void>;
  /** Consent an agent records (given by message or phone), for one of the case's addresses. */
  consentByAgent(caseId: string, o: { source: 'agent_message' | 'agent_phone'; address: AddressKind; agentId: string }): Promise<void>;
  /** Withdraws every consent of the case (the citizen's link or an agent). Idempotent. */
  withdraw(caseId: string, via: WithdrawalVia): Promise<number>;
  consentStates(caseId: string): Promise<ConsentState[]>;
  form(token: string): Promise<FormState>;
  /** Stores one answer per token; the second use, an expired or unknown token are refused by state. */
  answer(token: string, input: AnswerInput): Promise<'stored' | 'answered' | 'expired' | 'unknown'>;
  /** Looks for one of our invitations' Message-IDs in a DSN's bytes; marks that address bounced. */
  markBouncedFrom(raw: Buffer): Promise<boolean>;
  /** Signature of a public form, bound to the browser's cookie and the page's token (CSRF). */
  formSignature(cookie: string, purpose: string, token: string): string;
  checkFormSignature(cookie: string | undefined, purpose: string, token: string, given: unknown): boolean;
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const invitationMessageIdPrefix = 'survey.';
export function invitationMessageId(invitationId: string, domain: string): string {
  return `${invitationMessageIdPrefix}${sha256(invitationId).slice(0, 32)}@${domain}`;
}
export const monthOf = (d: Date): string => d.toISOString().slice(0, 7);

/** Consent ids: one per (case, address). */
const consentId = (caseId: string, emailHash: string) => sha256(`${caseId}\0${emailHash}`);

/** Who answered the case: the last agent who replied, else the one who closed it. */
export function answeringAgent(c: Pick<CaseDoc, 'replies' | 'journal'>): string | undefined {
  const replied = [...(c.replies ?? [])].reverse().find((r) => r.actor?.id);
  if (replied) return replied.actor.id;
  return [...(c.journal ?? [])].reverse().find((j) => j.action === 'closed')?.actor.id;
}

export function createSurvey(deps: SurveyDeps): Survey {
  const models = surveyModels(deps.conn);
  const { Case } = caseModels(deps.conn);
  const now = deps.clock ?? (() => new Date());
  const s = deps.settings;
  const linkKey = createHmac('sha256', deps.hmacKey).update('kcc-survey-consent-link-v1').digest();
  const formKey = createHmac('sha256', deps.hmacKey).update('kcc-survey-form-v1').digest();
  const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const hash = (address: string | null | undefined): string | null => {
    if (!address) return null;
    try { return deps.hasher.hmac('email', address); } catch { return null; }
  };

  function consentToken(caseId: string): string {
    const id = Buffer.from(caseId, 'utf8').toString('base64url');
    return `${id}.${mac(linkKey, caseId).slice(0, 32)}`;
  }

  function caseIdOf(token: string): string | null {
    if (typeof token !== 'string' || token.length > 400) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const caseId = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
    return same(token.slice(dot + 1), mac(linkKey, caseId).slice(0, 32)) ? caseId : null;
  }

  async function record(caseId: string, emailHash: string, source: ConsentSource, agentId?: string): Promise<void> {
    const at = now();
    const expiresAt = addDuration(at, SURVEY_TERM);
    await models.Consent.updateOne(
      { _id: consentId(caseId, emailHash) },
      {
        $set: { caseId, emailHash, lookup: { email: [emailHash] }, givenAt: at, source, textVersion: CONSENT_TEXT_VERSION, expiresAt, ...(agentId ? { recordedBy: agentId } : {}) },
        $unset: { withdrawnAt: 1, withdrawnVia: 1, ...(agentId ? {} : { recordedBy: 1 }) },
      },
      { upsert: true },
    );
    // The invitation waits for the case to be closed as answered (sender.ts). One per case:
    // its _id is the case id; a consent given again after a withdrawal brings it back.
    const existing = await models.Invitation.findById(caseId).lean<InvitationDoc>();
    if (!existing) {
      await models.Invitation.updateOne(
        { _id: caseId },
        { $setOnInsert: { caseId, status: 'awaiting', awaiting: true, due: false, attempts: 0, lookup: { email: [emailHash] }, createdAt: at, expiresAt } },
        { upsert: true },
      );
    } else {
      if (existing.status === 'cancelled') await models.Invitation.updateOne({ _id: caseId, status: 'cancelled' }, { $set: { status: 'awaiting', awaiting: true, expiresAt } });
      await models.Invitation.updateOne({ _id: caseId }, { $addToSet: { 'lookup.email': emailHash } });
    }
  }

  async function form(token: string): Promise<FormState> {
    if (typeof token !== 'string' || !/^[\w-]{40,60}$/.test(token)) return { state: 'unknown' };
    const inv = await models.Invitation.findOne({ tokenHash: sha256(token) }).lean<InvitationDoc>();
    if (!inv) return { state: 'unknown' };
    if (inv.answeredAt) return { state: 'answered' };
    if (!inv.tokenExpiresAt || new Date(inv.tokenExpiresAt).getTime() <= now().getTime()) return { state: 'expired' };
    return { state: 'open', invitation: inv };
  }

  return {
    models,
    settings: s,
    form,

    async ensureIndexes() {
      await Promise.all([models.Consent.createIndexes(), models.Invitation.createIndexes(), models.Answer.createIndexes(), models.Bounce.createIndexes()]);
    },

    consentToken,
    consentLink: (caseId) => `${s.publicUrl}/enquete/toestemming/${consentToken(caseId)}`,

    async caseOfConsentToken(token) {
      const caseId = caseIdOf(token);
      if (!caseId) return null;
      const c = await Case.findById(caseId, { classification: 1, replyAddress: 1 }).lean<CaseDoc>();
      if (!c) return null;
      const h = hash(c.replyAddress);
      const consent = h ? await models.Consent.findById(consentId(caseId, h)).lean<ConsentDoc>() : null;
      return { caseId, language: c.classification?.language === 'en' ? 'en' : 'nl', given: !!consent && !consent.withdrawnAt };
    },

    async consentByLink(caseId) {
      const c = await Case.findById(caseId, { replyAddress: 1 }).lean<CaseDoc>();
      const h = hash(c?.replyAddress);
      // The link went to the reply address: whoever holds that mailbox consents for it.
      if (!h) throw new InputError('SURVEY_NO_ADDRESS', 'the case has no e-mail address');
      await record(caseId, h, 'link');
    },

    async consentByAgent(caseId, o) {
      const c = await Case.findById(caseId, { replyAddress: 1, citizen: 1 }).lean<CaseDoc>();
      if (!c) throw new InputError('CASE_NOT_FOUND', 'no such case');
      const h = hash(o.address === 'reply' ? c.replyAddress : c.citizen?.email);
      if (!h) throw new InputError('SURVEY_NO_ADDRESS', 'the case has no such e-mail address');
      await record(caseId, h, o.source, o.agentId);
    },

    async withdraw(caseId, via) {
      const at = now();
      const res = await models.Consent.updateMany({ caseId, withdrawnAt: { $exists: false } }, { $set: { withdrawnAt: at, withdrawnVia: via } });
      // Not sent yet: it never will be (the sender checks consent again right before sending).
      await models.Invitation.updateOne({ _id: caseId, status: { $in: ['awaiting', 'pending'] } }, { $set: { status: 'cancelled', awaiting: false, due: false } });
      return res.modifiedCount;
    },

    async consentStates(caseId) {
      const c = await Case.findById(caseId, { replyAddress: 1, citizen: 1 }).lean<CaseDoc>();
      if (!c) return [];
      const out: ConsentState[] = [];
      const seen = new Set<string>();
      for (const [kind, address] of [['reply', c.replyAddress], ['citizen', c.citizen?.email]] as Array<[AddressKind, string | null | undefined]>) {
        const h = hash(address);
        if (!h || seen.has(h)) continue;
        seen.add(h);
        const r = await models.Consent.findById(consentId(caseId, h)).lean<ConsentDoc>();
        out.push({
          kind, address: address!, given: !!r && !r.withdrawnAt,
          ...(r?.source ? { source: r.source } : {}), ...(r?.givenAt ? { givenAt: r.givenAt } : {}), ...(r?.withdrawnAt ? { withdrawnAt: r.withdrawnAt } : {}),
        });
      }
      return out;
    },

    async answer(token, input) {
      const f = await form(token);
      if (f.state !== 'open') return f.state;
      const inv = f.invitation;
      const okScore = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 5;
      if (!okScore(input.overall) || !okScore(input.ease) || !(ANSWERED_VALUES as readonly string[]).includes(input.answered)) {
        throw new InputError('SURVEY_BAD_ANSWER', 'the answer is not complete');
      }
      const at = now();
      const comment = input.comment?.trim() ? redactIdentifiers(input.comment.trim(), MAX_COMMENT_CHARS).slice(0, MAX_COMMENT_CHARS) : undefined;
      try {
        await models.Answer.create({
          _id: sha256(`answer\0${inv._id}`),
          lookup: { email: inv.emailHash ? [inv.emailHash] : [] },
          answeredAt: at, month: inv.month ?? monthOf(at),
          ...(inv.topic ? { topic: inv.topic } : {}), ...(inv.channel ? { channel: inv.channel } : {}),
          ...(inv.language ? { language: inv.language } : {}), ...(inv.team ? { team: inv.team } : {}),
          ...(inv.agentId ? { agentId: inv.agentId } : {}),
          overall: input.overall, answered: input.answered, ease: input.ease,
          ...(comment ? { comment } : {}),
          expiresAt: addDuration(at, SURVEY_TERM),
        });
      } catch (err) {
        // One answer per token: the unique _id refuses the second (a double submit, a replay).
        if ((err as { code?: number }).code === 11000) return 'answered';
        throw err;
      }
      await models.Invitation.updateOne({ _id: inv._id }, { $set: { answeredAt: at } });
      return 'stored';
    },

    async markBouncedFrom(raw) {
      // The DSN returns our message's headers (RFC 3464: message/rfc822 or text/rfc822-headers):
      // our Message-ID names the invitation, which names the address (as a keyed hash). The
      // DSN's own recipient lines are not trusted or parsed: they can be rewritten or missing.
      const text = raw.subarray(0, 512 * 1024).toString('latin1');
      const ids = new Set<string>();
      for (const m of text.matchAll(/<(survey\.[0-9a-f]{32}@[^>\s]{1,255})>/g)) ids.add(m[1]!);
      let marked = false;
      for (const messageId of [...ids].slice(0, 10)) {
        const inv = await models.Invitation.findOne({ messageId }).lean<InvitationDoc>();
        if (!inv?.emailHash) continue;
        const at = now();
        await models.Bounce.updateOne({ _id: inv.emailHash }, { $set: { at, lookup: { email: [inv.emailHash] }, expiresAt: addDuration(at, SURVEY_TERM) } }, { upsert: true });
        marked = true;
      }
      return marked;
    },

    formSignature: (cookie, purpose, token) => mac(formKey, `${purpose}\0${token}\0${cookie}`),
    checkFormSignature(cookie, purpose, token, given) {
      if (!cookie || typeof given !== 'string' || cookie.length < 20) return false;
      return same(given, mac(formKey, `${purpose}\0${token}\0${cookie}`));
    },
  };
}

/** A fresh form token: 32 random bytes (256 bits), base64url (43 characters). */
export function newFormToken(): string {
  return randomBytes(32).toString('base64url');
}
