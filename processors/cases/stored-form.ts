/**
 * The stored form of a plain object under a mongoose schema, without hydrating a document:
 * the same document `new Model(obj).toObject()` gives (unknown keys refused, `undefined`
 * dropped, defaults applied, empty nested objects left out), or the reason it will not do.
 *
 * Why: hydrating, validating and converting one new case cost ~0.23 ms of CPU in mongoose 9
 * (measured on this machine, 5,000 cases), as much as extraction and classification of the
 * message together. New cases are written in batches by the driver (processors/cases
 * insertNewCases); this builds their documents.
 *
 * Stricter than mongoose on purpose: nothing is cast (a number where a string belongs is
 * refused here, where mongoose would cast it). Whatever this refuses, the caller hands to
 * mongoose, so the outcome is always mongoose's document or mongoose's own error.
 * test/unit/cases/stored-form.test.ts holds the two to the same document on real messages,
 * and checks that every enum, required path and type the schema declares is refused here
 * too, so a path added to the schema cannot slip past unchecked.
 */
import type { Schema, SchemaType } from 'mongoose';

type Rule =
  | { kind: 'leaf'; instance: string; enumValues: ReadonlySet<unknown> | null; required: boolean; defaultValue: unknown }
  | { kind: 'array'; of: Rule }
  | { kind: 'object'; children: Map<string, Rule> }
  | { kind: 'schema'; children: Map<string, Rule>; array: boolean }
  /** A type or default this does not reproduce: only mongoose may build such a document. */
  | { kind: 'unsupported'; always: boolean; what: string };

export type StoredForm = { doc: Record<string, unknown> } | { problem: string };

class Refused extends Error {}

const PRIMITIVES = new Set(['String', 'Number', 'Date', 'Boolean']);

function compile(schema: Schema): Map<string, Rule> {
  const root = new Map<string, Rule>();
  for (const [dotted, type] of Object.entries(schema.paths) as Array<[string, SchemaType & Record<string, unknown>]>) {
    const parts = dotted.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let next = node.get(part);
      if (!next) { next = { kind: 'object', children: new Map() }; node.set(part, next); }
      if (next.kind !== 'object') throw new Error(`stored-form: ${dotted} is under a non-object path`);
      node = next.children;
    }
    node.set(parts.at(-1)!, ruleOf(dotted, type));
  }
  return root;
}

/**
 * Validators other than required and enum (match, min, max, lengths, custom ones) and setters
 * (trim, lowercase, custom ones) are mongoose's to apply: a path with any of them is left to
 * mongoose whenever it has a value.
 */
function hasOtherRules(type: SchemaType & Record<string, unknown>): boolean {
  const validators = (type.validators as Array<{ type?: string }> | undefined) ?? [];
  const setters = (type.setters as unknown[] | undefined) ?? [];
  return setters.length > 0 || validators.some((v) => v.type !== 'required' && v.type !== 'enum');
}

/** Left to mongoose: refused when given a value, and also when absent if mongoose would fill in a default. */
function unsupported(type: SchemaType & Record<string, unknown>, what: string): Rule {
  const fillsIn = type.instance === 'Array' || (type as { defaultValue?: unknown }).defaultValue !== undefined;
  return { kind: 'unsupported', always: fillsIn, what };
}

function ruleOf(path: string, type: SchemaType & Record<string, unknown>): Rule {
  if (hasOtherRules(type)) return unsupported(type, 'validators or setters of its own');
  const sub = type.schema as Schema | undefined;
  if (type.$isMongooseDocumentArray && sub) return { kind: 'schema', children: compile(sub), array: true };
  if (type.$isSingleNested && sub) return { kind: 'schema', children: compile(sub), array: false };
  if (type.instance === 'Array') {
    // mongoose 9 names the element type embeddedSchemaType (caster before).
    const caster = (type as { embeddedSchemaType?: { instance?: string }; caster?: { instance?: string } }).embeddedSchemaType
      ?? (type as { caster?: { instance?: string } }).caster;
    if (!caster?.instance || !PRIMITIVES.has(caster.instance) || hasOtherRules(caster as SchemaType & Record<string, unknown>)) {
      return unsupported(type, 'an array of this type');
    }
    return { kind: 'array', of: leafOf(caster as SchemaType & Record<string, unknown>) };
  }
  if (!PRIMITIVES.has(type.instance)) return unsupported(type, `a ${type.instance}`);
  return leafOf(type);
}

function leafOf(type: SchemaType & Record<string, unknown>): Rule {
  const enumValues = (type.enumValues as unknown[] | undefined)?.length ? new Set(type.enumValues as unknown[]) : null;
  const defaultValue = (type as { defaultValue?: unknown }).defaultValue;
  // A computed default (Date.now, say) is mongoose's to fill in. (An ObjectId _id is a type
  // this does not handle at all: unsupported(), which also refuses its absence.)
  if (typeof defaultValue === 'function') return { kind: 'unsupported', always: true, what: 'a computed default' };
  return { kind: 'leaf', instance: type.instance, enumValues, required: !!type.isRequired, defaultValue };
}

function leaf(rule: Extract<Rule, { kind: 'leaf' }>, value: unknown, path: string): unknown {
  if (value === undefined && rule.defaultValue !== undefined) value = rule.defaultValue;
  if (value === undefined || value === null) {
    if (rule.required) throw new Refused(`${path} is required`);
    return value;
  }
  const ok = rule.instance === 'String' ? typeof value === 'string' && (!rule.required || value.length > 0)
    : rule.instance === 'Number' ? typeof value === 'number' && Number.isFinite(value)
      : rule.instance === 'Date' ? value instanceof Date && !Number.isNaN(value.getTime())
        : typeof value === 'boolean';
  if (!ok) throw new Refused(`${path} is not a valid ${rule.instance}`);
  if (rule.enumValues && !rule.enumValues.has(value)) throw new Refused(`${path} is not one of its allowed values`);
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && Object.getPrototypeOf(v) === Object.prototype;
}

/** The children of an object node; undefined when nothing is left (mongoose's minimize). */
function object(children: Map<string, Rule>, value: unknown, path: string, minimize: boolean): Record<string, unknown> | undefined {
  if (value !== undefined && !isPlainObject(value)) throw new Refused(`${path || '(root)'} is not an object`);
  const src = (value ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(src)) {
    // Even with an undefined value: mongoose's strict 'throw' refuses the key itself.
    if (!children.has(key)) throw new Refused(`${path ? `${path}.` : ''}${key} is not in the schema`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of children) {
    const v = form(rule, src[key], path ? `${path}.${key}` : key);
    if (v !== undefined) out[key] = v;
  }
  return minimize && Object.keys(out).length === 0 ? undefined : out;
}

function form(rule: Rule, value: unknown, path: string): unknown {
  switch (rule.kind) {
    case 'leaf': return leaf(rule, value, path);
    case 'unsupported':
      if (rule.always || value !== undefined) throw new Refused(`${path} has ${rule.what}`);
      return undefined;
    case 'object': return object(rule.children, value, path, true);
    case 'array': {
      if (value === undefined) return [];
      if (!Array.isArray(value)) throw new Refused(`${path} is not an array`);
      return value.map((v, i) => {
        if (v === undefined || v === null) throw new Refused(`${path}.${i} is empty`);
        return form(rule.of, v, `${path}.${i}`);
      });
    }
    case 'schema': {
      if (!rule.array) return value === undefined ? undefined : object(rule.children, value, path, true);
      if (value === undefined) return [];
      if (!Array.isArray(value)) throw new Refused(`${path} is not an array`);
      // Array elements are kept even when empty, as mongoose keeps them.
      return value.map((v, i) => {
        if (!isPlainObject(v)) throw new Refused(`${path}.${i} is not an object`);
        return object(rule.children, v, `${path}.${i}`, false);
      });
    }
  }
}

/** Compiles `schema` once; the returned function builds stored forms. */
export function storedFormOf(schema: Schema): (obj: Record<string, unknown>) => StoredForm {
  const rules = compile(schema);
  if ((schema as { options: { strict?: unknown } }).options.strict !== 'throw') {
    // With strict true mongoose drops unknown keys silently where this refuses them: still
    // correct (the caller falls back), but every such document would pay twice.
    throw new Error('stored-form: written for schemas with strict: "throw"');
  }
  return (obj) => {
    try {
      return { doc: object(rules, obj, '', false)! };
    } catch (err) {
      if (err instanceof Refused) return { problem: err.message };
      throw err;
    }
  };
}
