/**
 * storedCase() builds a new case's stored document without mongoose; mongoose stays the
 * reference. For every real message that becomes a case (the shared corpus and our parse
 * fixtures) and for the variants the intake can produce, both must give the same document;
 * and every constraint the schema declares (enum, required, type, unknown key) must be
 * refused by storedCase too, found by walking the schema, so that such a constraint added to
 * the schema later is tested without anyone remembering to. Any other validator or setter
 * makes storedCase hand the path to mongoose (tested on a schema of its own).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { type Schema } from 'mongoose';
import { caseSchema } from '../../../processors/cases/model.ts';
import { newCaseDocument, storedCase, type IntakeMessage } from '../../../processors/cases/index.ts';
import { storedFormOf } from '../../../processors/cases/stored-form.ts';
import { emailIntakeMessage } from '../../../processors/intake/index.ts';
import { analyseEmail } from '../../../processors/analyse/index.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';
import { REPO_ROOT } from '../../../config/index.ts';
import { sharedDir } from '../parse/helpers.ts';

const Case = mongoose.model('StoredFormCase', caseSchema);
const deps = { cipher: createFieldCipher({ keys: { k1: randomBytes(32) }, activeKeyId: 'k1' }), hasher: createKeyedHasher(randomBytes(32)) };
const AT = new Date('2026-11-29T10:00:00Z');

/** mongoose's stored form: what insertNewCases wrote before storedCase existed. */
async function viaMongoose(plain: object): Promise<Record<string, unknown>> {
  const d = new Case(plain);
  await d.validate();
  return d.toObject({ depopulate: true }) as Record<string, unknown>;
}

async function mongooseRefuses(plain: object): Promise<boolean> {
  try {
    await viaMongoose(plain);
    return false;
  } catch {
    return true;
  }
}

function emlFiles(): string[] {
  const corpus = path.join(sharedDir(), 'corpus', 'mail');
  const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'parse');
  return [
    ...readdirSync(corpus).filter((f) => f.endsWith('.eml')).map((f) => path.join(corpus, f)),
    ...readdirSync(fixtures).filter((f) => f.endsWith('.eml')).map((f) => path.join(fixtures, f)),
  ];
}

/** Intake messages of every real message that is a case, plus the variants the intake makes. */
async function intakeMessages(): Promise<IntakeMessage[]> {
  const out: IntakeMessage[] = [];
  for (const file of emlFiles()) {
    let a;
    try {
      a = await analyseEmail(readFileSync(file));
    } catch {
      continue; // not parseable: dead-lettered, never stored
    }
    if (!a.isCase) continue;
    const attachments = a.attachments.map((x, i) => (i % 2 === 0 ? { ...x, inspection: 'pending' as const } : x));
    out.push(emailIntakeMessage(a, { dedupeKey: randomBytes(32).toString('hex'), receivedAt: AT, source: { kind: 'imap', mailbox: 'INBOX', uidValidity: '7', uid: out.length + 1 }, attachments }));
  }
  const base = out[0]!;
  out.push(
    { ...base, bsn: '111222333', representative: { name: 'Piet Jansen', email: 'piet@example.nl', relation: 'parent' } },
    { ...base, representative: { name: null, email: null, relation: null } },
    { ...base, citizen: { ...base.citizen, street: 'Schillerstraße', houseNumber: '41', postcode: '50667', city: 'Köln', country: 'Germany' } },
    { ...base, channel: 'letter', messageId: null, replyAddress: null, wantsAcknowledgment: false, source: { kind: 'letter' } },
    { ...base, attachments: [{ filename: 'id.png', contentType: 'image/png', size: 10, sha256: 'ab'.repeat(32), kind: 'id_document' }] },
    // Fields the extractor left to the agent (issue 13).
    { ...base, channel: 'letter', uncertain: ['street', 'house_number', 'email'] },
  );
  return out;
}

describe('stored form of a new case (storedCase) against mongoose', function () {
  this.timeout(60_000);
  let messages: IntakeMessage[] = [];
  before(async () => { messages = await intakeMessages(); });

  it('gives mongoose\'s document for every real message that is a case and each intake variant', async () => {
    expect(messages.length).to.be.greaterThan(40); // the corpus is there and most of it are cases
    for (const m of messages) {
      const plain = newCaseDocument(m, 'KCC-2026-000001', AT, deps);
      const formed = storedCase(plain);
      expect(formed, `${m.subject}: ${'problem' in formed ? formed.problem : ''}`).to.have.property('doc');
      expect((formed as { doc: unknown }).doc).to.deep.equal(await viaMongoose(plain));
      if (m.uncertain?.length) expect((formed as { doc: { uncertainFields?: string[] } }).doc.uncertainFields).to.deep.equal(m.uncertain);
    }
  });

  /** Every leaf the schema declares, with its dotted path and what constrains it. */
  function leaves(schema: Schema, prefix = ''): Array<{ path: string; instance: string; enumValues: unknown[]; required: boolean; sub: boolean }> {
    const out: Array<{ path: string; instance: string; enumValues: unknown[]; required: boolean; sub: boolean }> = [];
    for (const [p, t] of Object.entries(schema.paths)) {
      const type = t as unknown as { instance: string; enumValues?: unknown[]; isRequired?: boolean; schema?: Schema; $isMongooseDocumentArray?: boolean };
      if (type.schema && type.$isMongooseDocumentArray) out.push(...leaves(type.schema, `${prefix}${p}.0.`));
      else out.push({ path: `${prefix}${p}`, instance: type.instance, enumValues: type.enumValues ?? [], required: !!type.isRequired, sub: !!type.schema });
    }
    return out;
  }

  function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
    const parts = dotted.split('.');
    let o = obj as Record<string, unknown>;
    for (const k of parts.slice(0, -1)) {
      if (o[k] === undefined || o[k] === null) o[k] = /^\d+$/.test(parts[parts.indexOf(k) + 1] ?? '') ? [] : {};
      o = o[k] as Record<string, unknown>;
    }
    if (value === undefined) delete o[parts.at(-1)!];
    else o[parts.at(-1)!] = value;
  }

  it('refuses every value the schema refuses: enums, required paths, types and unknown keys, found by walking the schema', async () => {
    // A message with an attachment, so that paths inside messages.0.attachments.0 exist.
    const m = messages.find((x) => x.attachments.length > 0 && x.representative === null)!;
    expect(m, 'a corpus message with an attachment').to.not.equal(undefined);
    const valid = () => structuredClone(newCaseDocument(m, 'KCC-2026-000001', AT, deps)) as unknown as Record<string, unknown>;
    const checked: string[] = [];
    const bad = (label: string, plain: Record<string, unknown>) => ({ label, plain });
    const variants = [];
    for (const leaf of leaves(caseSchema)) {
      if (leaf.path === '_id' || leaf.path.startsWith('idDocuments.') || leaf.sub) continue;
      if (leaf.enumValues.length > 0) { const v = valid(); setPath(v, leaf.path, 'not-an-allowed-value'); variants.push(bad(`${leaf.path} enum`, v)); }
      if (leaf.required) { const v = valid(); setPath(v, leaf.path, undefined); variants.push(bad(`${leaf.path} required`, v)); }
      if (leaf.instance === 'Number') { const v = valid(); setPath(v, leaf.path, Number.NaN); variants.push(bad(`${leaf.path} NaN`, v)); }
      if (leaf.instance === 'Date') { const v = valid(); setPath(v, leaf.path, new Date(Number.NaN)); variants.push(bad(`${leaf.path} invalid date`, v)); }
      if (leaf.instance === 'String' || leaf.instance === 'Date' || leaf.instance === 'Number') { const v = valid(); setPath(v, leaf.path, { an: 'object' }); variants.push(bad(`${leaf.path} object`, v)); }
    }
    { const v = valid(); v.unknownTopLevel = 1; variants.push(bad('unknown top-level key', v)); }
    { const v = valid(); (v.citizen as Record<string, unknown>).iban = 'NL91ABNA0417164300'; variants.push(bad('unknown key in citizen', v)); }
    for (const { label, plain } of variants) {
      const formed = storedCase(plain);
      if (await mongooseRefuses(plain)) {
        expect(formed, `${label}: mongoose refuses it, storedCase must too`).to.have.property('problem');
        checked.push(label);
      } else if ('doc' in formed) {
        // Both take it (mongoose drops unknown keys of sub-documents, say): the same document.
        expect(formed.doc, label).to.deep.equal(await viaMongoose(plain));
      }
    }
    // The schema has enums and required paths at every level; all of them were exercised.
    for (const must of ['channel enum', 'status enum', 'caseNumber required', 'ack.status enum', 'messages.0.channel enum', 'messages.0.dedupeKey required', 'messages.0.attachments.0.kind enum', 'messages.0.attachments.0.inspection enum', 'createdAt required', 'classification.confidence NaN', 'unknown key in citizen']) {
      expect(checked, must).to.include(must);
    }
  });

  it('leaves to mongoose what it does not reproduce: generated _ids, validators and setters of their own, unknown keys', () => {
    const lax = new mongoose.Schema({ a: String }, { strict: true });
    expect(() => storedFormOf(lax)).to.throw(/strict/);
    const computed = storedFormOf(new mongoose.Schema({ _id: String, at: { type: Date, default: Date.now } }, { strict: 'throw' }));
    expect(computed({})).to.have.property('problem');
    const withIds = storedFormOf(new mongoose.Schema({ _id: String, list: [{ kind: String }] }, { strict: 'throw' }));
    expect(withIds({ list: [{ kind: 'passport' }] }), 'an element whose _id mongoose generates').to.have.property('problem');
    expect(withIds({ list: [] })).to.deep.equal({ doc: { list: [] } });
    const own = storedFormOf(new mongoose.Schema({
      _id: String, code: { type: String, match: /^[A-Z]+$/ }, n: { type: Number, min: 1 }, mail: { type: String, lowercase: true },
      tags: [{ type: String, trim: true }], plain: String,
    }, { strict: 'throw' }));
    for (const bad of [{ code: 'abc' }, { n: 0 }, { mail: 'A@B' }, { tags: [' x '] }]) expect(own(bad), JSON.stringify(bad)).to.have.property('problem');
    // tags: an array mongoose would fill in with [] by its own rules, so even its absence is left to mongoose.
    expect(own({ plain: 'x' }), 'absent array with a setter').to.have.property('problem');
    const simple = storedFormOf(new mongoose.Schema({ _id: String, plain: String, n: { type: Number, min: 1 } }, { strict: 'throw' }));
    expect(simple({ plain: 'x' })).to.deep.equal({ doc: { plain: 'x' } });
    expect(simple({ plain: 'x', extra: undefined }), 'an unknown key, even undefined').to.have.property('problem');
    const mixed = storedFormOf(new mongoose.Schema({ _id: String, any: mongoose.Schema.Types.Mixed }, { strict: 'throw' }));
    expect(mixed({ any: { x: 1 } })).to.have.property('problem');
    expect(mixed({})).to.deep.equal({ doc: {} });
  });
});
