import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { REGISTER, type CategoryId, type ProcessingRegister } from '../../../config/register.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { assertSchemas, auditSchemas, collectionsNeedingExpiry, pathsByCategory, type PdProblem } from '../../../lib/pd-schema.ts';

/** A category id the register does not have, past the compile-time check on purpose. */
const unknownCategory = (id: string) => id as unknown as CategoryId;

const codes = (problems: PdProblem[]) => problems.map((p) => `${p.code} ${p.path}`).sort();

/** A correct case-like schema: every path categorised, one retention term, expiresAt present. */
function goodSchema(): Schema {
  const Encrypted = new Schema(
    { v: { type: Number, pd: false }, kid: { type: String, pd: false }, iv: String, tag: String, ct: String },
    { _id: false },
  );
  const Attachment = new Schema({
    filename: { type: String, pd: 'message_content' },
    size: { type: Number, pd: false },
    blobKey: { type: String, pd: false },
  });
  return new Schema(
    {
      caseId: { type: String, pd: false },
      channel: { type: String, pd: 'case_metadata' },
      contact: {
        name: { type: Encrypted, pd: 'contact' }, // subdocument: its fields inherit 'contact'
        emailHash: { type: String, pd: 'contact' },
        phoneHash: { type: String, pd: 'contact' },
      },
      bsn: { type: Encrypted, pd: 'bsn' },
      subject: { type: String, pd: 'message_content' },
      keywords: [{ type: String, pd: 'message_content' }],
      labels: { type: [String], pd: 'case_metadata' },
      attachments: [Attachment],
      notes: { type: Map, of: String, pd: 'case_metadata' },
      surveyConsent: { type: Boolean, pd: 'survey_email' },
      expiresAt: { type: Date, pd: false },
    },
    { timestamps: true, collection: 'cases' },
  );
}

describe('privacy/pd-schema: every persisted field names its register category', () => {
  it('passes a schema where every path is categorised', () => {
    expect(auditSchemas([goodSchema()])).to.deep.equal([]);
    expect(() => assertSchemas([goodSchema()])).to.not.throw();
  });

  it('fails on an un-categorised field, naming the path', () => {
    const s = goodSchema();
    s.add({ remarks: String });
    const problems = auditSchemas([s]);
    expect(codes(problems)).to.deep.equal(['PD_MISSING remarks']);
    expect(problems[0]!.model).to.equal('cases');
  });

  it('walks nested objects, subdocuments, document arrays, primitive arrays and maps', () => {
    const Item = new Schema({ text: String, ok: { type: Boolean, pd: false } });
    const Inner = new Schema({ street: String });
    const s = new Schema({
      nested: { deep: { leaf: Number } },
      single: Inner,
      items: [Item],
      tags: [String],
      dict: { type: Map, of: String },
      expiresAt: { type: Date, pd: false },
    });
    expect(codes(auditSchemas([s]))).to.deep.equal(
      ['PD_MISSING dict', 'PD_MISSING dict.$*', 'PD_MISSING items.text', 'PD_MISSING nested.deep.leaf', 'PD_MISSING single.street', 'PD_MISSING tags'].sort(),
    );
  });

  it('lets a category on a subdocument, array or map cover what is inside, unless overridden', () => {
    const Inner = new Schema({ street: String, verified: { type: Boolean, pd: false } });
    const s = new Schema({
      address: { type: Inner, pd: 'contact' },
      history: { type: [Inner], pd: 'contact' },
      dict: { type: Map, of: String, pd: 'contact' },
      expiresAt: { type: Date, pd: false },
    });
    expect(auditSchemas([s])).to.deep.equal([]);
    const paths = pathsByCategory(s);
    expect(paths.contact).to.include.members(['address', 'address.street', 'history.street', 'dict', 'dict.$*']);
    expect(paths.contact).to.not.include('address.verified');
  });

  it('exempts _id, __v and timestamps (also when renamed), nothing else', () => {
    const s = new Schema(
      { expiresAt: { type: Date, pd: false } },
      { timestamps: { createdAt: 'receivedAt', updatedAt: 'changedAt' }, versionKey: 'rev' },
    );
    expect(auditSchemas([s])).to.deep.equal([]);
    s.add({ updatedAt: Date }); // no longer a timestamp name here: must be categorised
    expect(codes(auditSchemas([s]))).to.deep.equal(['PD_MISSING updatedAt']);
  });

  it('fails on a category the register does not have, and on a pd that is not a category or false', () => {
    const s = new Schema({
      shoe: { type: Number, pd: unknownCategory('shoe_size') },
      flag: { type: Boolean, pd: true as unknown as CategoryId },
      expiresAt: { type: Date, pd: false },
    });
    expect(codes(auditSchemas([s]))).to.deep.equal(['PD_BAD_VALUE flag', 'PD_UNKNOWN_CATEGORY shoe']);
  });

  it('fails on a category without a deletion mechanism in the register', () => {
    const register: ProcessingRegister = {
      ...REGISTER,
      categories: REGISTER.categories.map((c) => (c.id === 'contact' ? { ...c, enforcedBy: [] } : c)),
    };
    const problems = auditSchemas([goodSchema()], { register });
    expect(problems.length).to.be.greaterThan(0);
    expect(problems.every((p) => p.code === 'PD_NOT_ENFORCED')).to.equal(true);
    expect(problems.map((p) => p.path)).to.include('contact.emailHash');
    expect(auditSchemas([goodSchema()])).to.deep.equal([]);
  });

  it('fails when a TTL-enforced category sits in a schema without a root expiresAt Date', () => {
    const none = new Schema({ email: { type: String, pd: 'contact' } });
    expect(codes(auditSchemas([none]))).to.deep.equal(['PD_NO_EXPIRES_AT expiresAt']);
    const wrongType = new Schema({ email: { type: String, pd: 'contact' }, expiresAt: { type: String, pd: false } });
    expect(codes(auditSchemas([wrongType]))).to.deep.equal(['PD_NO_EXPIRES_AT expiresAt']);
    // A schema with no personal data needs no expiresAt.
    expect(auditSchemas([new Schema({ counter: { type: Number, pd: false } })])).to.deep.equal([]);
  });

  it('fails when one document mixes categories with different retention terms', () => {
    const s = goodSchema();
    s.add({ idScan: { type: String, pd: 'id_copy' } });
    const problems = auditSchemas([s]);
    expect(codes(problems)).to.deep.equal(['PD_MIXED_RETENTION ']);
    expect(problems[0]!.message).to.include('id_copy').and.to.include('P18M');
  });

  describe('over models', () => {
    const conn = mongoose.createConnection(); // never connected: only models are needed

    after(async () => {
      await conn.close();
    });

    it('names problems by model, walks discriminators, and reports inherited paths once', () => {
      const Case = conn.model('PdCase', goodSchema());
      Case.discriminator('PdLetter', new Schema({ envelopeNote: String, pages: { type: Number, pd: false } }));
      const problems = auditSchemas([Case]);
      expect(problems.map((p) => `${p.model} ${p.code} ${p.path}`)).to.deep.equal(['PdCase:PdLetter PD_MISSING envelopeNote']);
    });

    it('reports whole-document problems of a base model once', () => {
      const Bad = conn.model('PdBad', new Schema({ email: { type: String, pd: 'contact' } }));
      Bad.discriminator('PdBadChild', new Schema({ note: { type: String, pd: 'contact' } }));
      expect(auditSchemas([Bad]).map((p) => `${p.model} ${p.code}`)).to.deep.equal(['PdBad PD_NO_EXPIRES_AT']);
    });

    it('lists the collections that need an expiry mechanism', () => {
      const Case = conn.model('PdCase2', goodSchema());
      const Counter = conn.model('PdCounter', new Schema({ n: { type: Number, pd: false } }, { collection: 'counters' }));
      expect(collectionsNeedingExpiry([Case, Counter])).to.deep.equal(['cases']);
    });

    it('assertSchemas throws one ConfigError listing every problem', () => {
      const M = conn.model('PdMany', new Schema({ a: String, b: Number, expiresAt: { type: Date, pd: false } }));
      let caught: unknown;
      try {
        assertSchemas([M]);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ConfigError);
      expect((caught as ConfigError).code).to.equal('PD_SCHEMA_AUDIT_FAILED');
      expect((caught as ConfigError).message).to.include('PdMany.a: PD_MISSING').and.to.include('PdMany.b: PD_MISSING');
    });
  });
});
