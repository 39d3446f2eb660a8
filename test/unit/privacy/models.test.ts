/**
 * The real persisted models against register M1533: every path names its category (or
 * `pd: false`), every category has a deletion mechanism, and the audit documents hold no
 * personal-data category at all. No database needed: models are registered on an
 * unconnected connection.
 */
import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { auditSchemas, collectionsNeedingExpiry, pathsByCategory } from '../../../lib/pd-schema.ts';
import { auditModels } from '../../../processors/audit/index.ts';
import { caseModels } from '../../../processors/cases/model.ts';
import { RETENTION_COLLECTIONS } from '../../../app/index.ts';
import { refusalModels } from '../../../processors/refusals/index.ts';
import { deadLetterModel } from '../../../processors/deadletters/index.ts';
import { surveyModels, SURVEY_COLLECTIONS } from '../../../processors/survey/index.ts';
import { contentModel } from '../../../processors/content/store.ts';
import { readLogModel } from '../../../processors/readlog/index.ts';

describe('privacy/models: the real schemas against the register', () => {
  const conn = mongoose.createConnection();
  const cases = caseModels(conn);
  const audit = auditModels(conn);
  const refusals = refusalModels(conn);
  const deadLetters = deadLetterModel(conn);
  const survey = surveyModels(conn);
  const content = contentModel(conn);
  const readLog = readLogModel(conn);
  const all = [cases.Case, cases.NonCase, cases.CaseNumber, cases.MessageKey, cases.ThreadKey, cases.WorkItem, cases.PendingCaseEvent, audit.AuditEntry, audit.DeletionEntry, refusals.Refusal, refusals.RefusalSender, deadLetters, survey.Consent, survey.Invitation, survey.Answer, survey.Bounce, content, readLog];

  after(async () => {
    await conn.close();
  });

  it('has zero problems over cases, non-cases, case numbers, audit log and deletion log', () => {
    const problems = auditSchemas(all);
    expect(problems, JSON.stringify(problems, null, 2)).to.deep.equal([]);
  });

  it('walks the real paths: the case holds contact, bsn and message content; the audit documents none', () => {
    const onCase = pathsByCategory(cases.Case);
    expect(onCase.contact).to.include.members(['citizen.email', 'citizen.phones', 'representative.name', 'lookup.email']);
    expect(onCase.bsn).to.include.members(['lookup.bsn', 'bsnSealed']);
    expect(onCase.message_content).to.include('messages');
    // "never personal data in the entry": no path of either audit schema names a category.
    expect(pathsByCategory(audit.AuditEntry)).to.deep.equal({});
    expect(pathsByCategory(audit.DeletionEntry)).to.deep.equal({});
  });

  it('refusals hold only the reply address, its keyed hash and the Message-ID (removed when answered); dead letters nothing personal', () => {
    expect(pathsByCategory(refusals.Refusal)).to.deep.equal({ contact: ['replyTo', 'senderHash'], message_content: ['inReplyTo'] });
    expect(pathsByCategory(deadLetters)).to.deep.equal({});
    expect(collectionsNeedingExpiry(all)).to.include('refusals');
    // refusal_senders keeps its keyed hash in `_id` (which the audit exempts) and dead_letters
    // no category at all: both expire all the same, by their register terms.
    expect(RETENTION_COLLECTIONS).to.include.members(['refusals', 'refusal_senders', 'dead_letters']);
  });

  it('survey documents hold only the survey\'s categories (no contact details, no case text) and all expire', () => {
    for (const m of [survey.Consent, survey.Invitation, survey.Answer, survey.Bounce]) {
      const cats = Object.keys(pathsByCategory(m));
      expect(cats.every((c) => c === 'survey_email' || c === 'staff_satisfaction'), `${m.modelName}: ${cats.join(',')}`).to.equal(true);
    }
    expect(pathsByCategory(survey.Answer).survey_email).to.deep.equal(['lookup.email']);
    expect(RETENTION_COLLECTIONS).to.include.members([...SURVEY_COLLECTIONS]);
    expect([...SURVEY_COLLECTIONS].sort()).to.deep.equal([survey.Consent, survey.Invitation, survey.Answer, survey.Bounce].map((m) => m.collection.collectionName).sort());
  });

  it('kept content (HTML, attachments) is message_content with the case\'s expiry; the read log holds no category', () => {
    expect(pathsByCategory(content)).to.deep.equal({ message_content: ['html', 'parts', 'parts.filename', 'parts.contentId'] });
    expect(collectionsNeedingExpiry(all)).to.include('message_contents');
    expect(RETENTION_COLLECTIONS).to.include.members(['message_contents', 'read_log']);
    expect(pathsByCategory(readLog)).to.deep.equal({});
  });

  it('lists cases as needing expiry, and not the audit documents (they carry no category)', () => {
    const needing = collectionsNeedingExpiry(all);
    expect(needing).to.include('cases');
    expect(needing).to.not.include('audit_log');
    expect(needing).to.not.include('deletion_log');
  });

  it('gives the audit log an expiresAt path (its P24M term is enforced like the others)', () => {
    const p = audit.AuditEntry.schema.path('expiresAt') as unknown as { instance?: string } | undefined;
    expect(p?.instance).to.equal('Date');
    expect(audit.DeletionEntry.schema.path('expiresAt')).to.equal(undefined);
  });

  it('fails on a throwaway schema with an uncategorised field, naming it', () => {
    const throwaway = new Schema(
      {
        email: { type: String, pd: 'contact' },
        remarks: String, // no pd: the audit must catch this
        expiresAt: { type: Date, pd: false },
      },
      { collection: 'throwaway' },
    );
    const problems = auditSchemas([...all, throwaway]);
    expect(problems.map((p) => `${p.model} ${p.code} ${p.path}`)).to.deep.equal(['throwaway PD_MISSING remarks']);
  });

  it('fails when a field without a category is added to a copy of the real audit schema', () => {
    const copy = audit.AuditEntry.schema.clone();
    copy.add({ requesterEmail: String } as never);
    const problems = auditSchemas([copy]);
    expect(problems.map((p) => `${p.code} ${p.path}`)).to.deep.equal(['PD_MISSING requesterEmail']);
  });

  it('fails when the copy of the case schema gains a categorised field with a term the case cannot honour', () => {
    const copy = cases.Case.schema.clone();
    copy.add({ idCopy: { type: String, pd: 'id_copy' } } as never);
    const problems = auditSchemas([copy]);
    expect(problems.map((p) => p.code)).to.deep.equal(['PD_MIXED_RETENTION']);
  });
});
