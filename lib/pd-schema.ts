/**
 * Every persisted field that can hold personal data names its register category.
 *
 * The mechanism is a schema-path option, written next to the type where a reviewer sees it:
 *
 *   email:     { type: String, pd: 'contact' },
 *   bsn:       { type: sealedValueSchema, pd: 'bsn' },
 *   status:    { type: String, pd: false },            // explicitly not personal data
 *   expiresAt: { type: Date, pd: false },
 *
 * `auditSchemas()` walks every path of every model (nested objects, single subdocuments,
 * document arrays, primitive arrays, maps, discriminators) and lists what is wrong; the
 * lead runs it over the real models in a test and at start-up, so a field added without a
 * category, or with a category the register does not know, stops the build rather than
 * quietly storing personal data nobody will delete.
 *
 * A `pd` on a subdocument or array applies to everything inside it unless an inner path
 * names its own category.
 */
import { Schema, type HydratedDocument, type Model, type SchemaOptions, type SchemaType } from 'mongoose';
import { ConfigError } from './errors.ts';
import { REGISTER, retentionKey, type CategoryId, type PersonalDataCategory, type ProcessingRegister } from '../config/register.ts';

declare module 'mongoose' {
  // Merges into mongoose's SchemaTypeOptions so `pd` is type-checked in schema definitions.
  interface SchemaTypeOptions<T, EnforcedDocType = any, THydratedDocumentType = HydratedDocument<EnforcedDocType>> {
    /** Register M1533 category of the personal data this path holds, or `false` for none. */
    pd?: CategoryId | false;
  }
}

export type PdProblemCode =
  | 'PD_MISSING' // a path without a `pd` option
  | 'PD_BAD_VALUE' // `pd` is neither a category id nor false
  | 'PD_UNKNOWN_CATEGORY' // `pd` names a category the register does not have
  | 'PD_NOT_ENFORCED' // the category has no deletion mechanism in the register
  | 'PD_NO_EXPIRES_AT' // a TTL-enforced category in a schema without a root `expiresAt` Date
  | 'PD_MIXED_RETENTION'; // categories with different terms in one document (one expiresAt cannot honour both)

export interface PdProblem {
  code: PdProblemCode;
  /** Model name, or the schema's collection option / position when a bare schema is given. */
  model: string;
  /** Full dotted path ('' for whole-schema problems). */
  path: string;
  message: string;
}

export interface AuditOptions {
  register?: ProcessingRegister;
}

type Auditable = Model<any> | Schema;

interface Target {
  name: string;
  schema: Schema;
  /** Paths already audited on the base schema (for discriminators). */
  skip?: ReadonlySet<string>;
}

interface WalkResult {
  /** category id -> full paths holding it */
  categories: Map<string, string[]>;
  paths: Set<string>;
}

function isSchema(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && typeof (x as Schema).eachPath === 'function' && typeof (x as Schema).path === 'function';
}

function targetsOf(items: readonly Auditable[]): Target[] {
  const targets: Target[] = [];
  items.forEach((item, i) => {
    if (isSchema(item)) {
      const collection = (item.options as { collection?: string }).collection;
      targets.push({ name: collection ?? `schema[${i}]`, schema: item });
      return;
    }
    const model = item as Model<any>;
    if (!model || !isSchema(model.schema)) throw new TypeError('auditSchemas expects mongoose models or schemas');
    targets.push({ name: model.modelName, schema: model.schema });
    const base = new Set<string>();
    model.schema.eachPath((p) => base.add(p));
    for (const [name, disc] of Object.entries(model.discriminators ?? {})) {
      targets.push({ name: `${model.modelName}:${name}`, schema: (disc as Model<any>).schema, skip: base });
    }
  });
  return targets;
}

/** Paths mongoose adds itself and that never hold personal data (ids, version, discriminator, timestamps). */
function exemptPaths(schema: Schema): Set<string> {
  const options = schema.options as {
    versionKey?: string | boolean;
    discriminatorKey?: string;
    timestamps?: boolean | { createdAt?: string | boolean; updatedAt?: string | boolean };
  };
  const exempt = new Set<string>(['_id']);
  exempt.add(typeof options.versionKey === 'string' ? options.versionKey : '__v');
  // The discriminator key holds a model name, set by mongoose.
  exempt.add(typeof options.discriminatorKey === 'string' ? options.discriminatorKey : '__t');
  const ts = options.timestamps;
  if (ts) {
    const created = typeof ts === 'object' ? ts.createdAt : true;
    const updated = typeof ts === 'object' ? ts.updatedAt : true;
    if (created !== false) exempt.add(typeof created === 'string' ? created : 'createdAt');
    if (updated !== false) exempt.add(typeof updated === 'string' ? updated : 'updatedAt');
  }
  return exempt;
}

/** The `pd` written on a path: on the path itself, or on the element type of `[{ type, pd }]`. */
function ownPd(st: SchemaType): unknown {
  const options = (st as { options?: { pd?: unknown } }).options;
  if (options && 'pd' in options) return options.pd;
  const element = (st as { embeddedSchemaType?: { options?: { pd?: unknown } }; caster?: { options?: { pd?: unknown } } });
  const elementOptions = element.embeddedSchemaType?.options ?? element.caster?.options;
  if (elementOptions && 'pd' in elementOptions) return elementOptions.pd;
  return undefined;
}

function walk(
  target: Target,
  schema: Schema,
  prefix: string,
  inherited: unknown,
  register: ProcessingRegister,
  problems: PdProblem[],
  result: WalkResult,
  quiet = false,
): void {
  const exempt = exemptPaths(schema);
  const own = new Map<string, unknown>();
  schema.eachPath((p, st) => own.set(p, ownPd(st)));

  schema.eachPath((p, st) => {
    const full = prefix + p;
    if (exempt.has(p)) return;
    // Discriminator paths inherited from the base model were reported there: still
    // collect their categories (for the whole-document checks), but report nothing twice.
    const silent = quiet || (prefix === '' && target.skip?.has(p) === true);
    const report: PdProblem[] = silent ? [] : problems;
    result.paths.add(full);

    // Map values (`m.$*`) inherit from the map path itself.
    let pd = own.get(p);
    const mapParent = p.endsWith('.$*') ? own.get(p.slice(0, -3)) : undefined;
    if (pd === undefined) pd = mapParent;
    if (pd === undefined) pd = inherited;

    const sub = (st as { schema?: Schema }).schema;
    if (pd === undefined) {
      // A subdocument without its own category is fine when every path inside names one.
      if (!isSchema(sub)) {
        report.push({ code: 'PD_MISSING', model: target.name, path: full, message: 'Path has no pd option: name its register category, or pd: false.' });
      }
    } else if (pd !== false) {
      checkCategory(target, full, pd, register, report, result);
    }
    if (isSchema(sub)) walk(target, sub, `${full}.`, pd, register, problems, result, silent);
  });
}

function checkCategory(target: Target, path: string, pd: unknown, register: ProcessingRegister, problems: PdProblem[], result: WalkResult): void {
  if (typeof pd !== 'string') {
    problems.push({ code: 'PD_BAD_VALUE', model: target.name, path, message: 'pd must be a register category id or false.' });
    return;
  }
  const category = register.categories.find((c) => c.id === pd);
  if (!category) {
    problems.push({ code: 'PD_UNKNOWN_CATEGORY', model: target.name, path, message: `pd "${pd}" is not a category of register ${register.reference}.` });
    return;
  }
  if (category.enforcedBy.length === 0) {
    problems.push({ code: 'PD_NOT_ENFORCED', model: target.name, path, message: `Category "${pd}" has no deletion mechanism (enforcedBy) in the register.` });
  }
  const paths = result.categories.get(pd) ?? [];
  paths.push(path);
  result.categories.set(pd, paths);
}

function auditTarget(target: Target, register: ProcessingRegister, problems: PdProblem[]): WalkResult {
  const result: WalkResult = { categories: new Map(), paths: new Set() };
  walk(target, target.schema, '', undefined, register, problems, result);

  const used = [...result.categories.keys()]
    .map((id) => register.categories.find((c) => c.id === id))
    .filter((c): c is PersonalDataCategory => c !== undefined);

  if (used.some((c) => c.enforcedBy.includes('ttl:expiresAt'))) {
    const expiresAt = target.schema.path('expiresAt') as SchemaType | undefined;
    if (!expiresAt || (expiresAt as { instance?: string }).instance !== 'Date') {
      problems.push({
        code: 'PD_NO_EXPIRES_AT',
        model: target.name,
        path: 'expiresAt',
        message: 'Schema holds categories deleted by TTL/sweeper but has no root expiresAt Date path.',
      });
    }
  }

  const terms = new Map<string, string[]>();
  for (const c of used) {
    const key = retentionKey(c.retention);
    terms.set(key, [...(terms.get(key) ?? []), c.id]);
  }
  if (terms.size > 1) {
    const detail = [...terms.entries()].map(([term, ids]) => `${ids.join(', ')} (${term})`).join(' vs ');
    problems.push({
      code: 'PD_MIXED_RETENTION',
      model: target.name,
      path: '',
      message: `One document holds categories with different retention terms: ${detail}. Store them in separate collections, each with its own expiresAt.`,
    });
  }
  return result;
}

/**
 * Audit models (or bare schemas) against the register. Returns every problem found, empty
 * when all is well. Never throws for a bad schema: the caller decides (see assertSchemas).
 */
export function auditSchemas(models: readonly Auditable[], options: AuditOptions = {}): PdProblem[] {
  const register = options.register ?? REGISTER;
  const problems: PdProblem[] = [];
  for (const target of targetsOf(models)) auditTarget(target, register, problems);
  // A discriminator repeats its base model's whole-document problems: report each once.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.model.split(':')[0]}|${p.code}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Throw one ConfigError listing every problem (model, path, code), for start-up. */
export function assertSchemas(models: readonly Auditable[], options: AuditOptions = {}): void {
  const problems = auditSchemas(models, options);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.model}${p.path ? `.${p.path}` : ''}: ${p.code} ${p.message}`);
    throw new ConfigError('PD_SCHEMA_AUDIT_FAILED', `Persisted schemas do not match register ${(options.register ?? REGISTER).reference}:\n${lines.join('\n')}`);
  }
}

/**
 * Which paths of a model hold which category, e.g. to `$unset` every `id_copy` path once
 * identity is established, or to list what a subject-access request must include.
 */
export function pathsByCategory(item: Auditable, options: AuditOptions = {}): Partial<Record<CategoryId, string[]>> {
  const register = options.register ?? REGISTER;
  const out: Partial<Record<CategoryId, string[]>> = {};
  for (const target of targetsOf([item])) {
    const result = auditTarget(target, register, []);
    for (const [id, paths] of result.categories) {
      const list = (out[id as CategoryId] ??= []);
      for (const p of paths) if (!list.includes(p)) list.push(p);
    }
  }
  return out;
}

/**
 * The collections whose documents hold a TTL/sweeper-enforced category: the list to pass to
 * `ensureTtlIndexes` and `createRetentionSweeper`. Models only (bare schemas have no collection).
 */
export function collectionsNeedingExpiry(models: readonly Model<any>[], options: AuditOptions = {}): string[] {
  const register = options.register ?? REGISTER;
  const names = new Set<string>();
  for (const model of models) {
    const result = auditTarget({ name: model.modelName, schema: model.schema }, register, []);
    const needs = [...result.categories.keys()].some((id) => register.categories.find((c) => c.id === id)?.enforcedBy.includes('ttl:expiresAt'));
    if (needs) names.add(model.collection.collectionName);
  }
  return [...names].sort();
}

/**
 * Declares a schema whose paths carry `pd` categories, without letting TypeScript infer a
 * document type from the definition: mongoose 9's inference over definitions the size of
 * the case schema exhausts the checker (measured: >4 GB heap, no result in 5 minutes). The
 * model files declare their document types explicitly; `auditSchemas` checks the `pd`
 * options at run time.
 */
export function pdSchema(definition: Record<string, unknown>, options?: SchemaOptions): Schema {
  return new Schema(definition as never, options as never);
}

/**
 * The stored form of a value sealed by lib/crypto's FieldCipher (AES-256-GCM): format
 * version, key id, IV, tag, ciphertext. Not personal data by itself; the field that holds
 * it names the category of what is sealed.
 */
export const sealedValueSchema = pdSchema(
  {
    v: { type: Number, pd: false },
    kid: { type: String, pd: false },
    iv: { type: String, pd: false },
    tag: { type: String, pd: false },
    ct: { type: String, pd: false },
  },
  { _id: false },
);
