import type { z } from 'zod';

/**
 * A quick yes to "would `schema.safeParse(value)` succeed and give `value` back unchanged?",
 * for a normalizer's item schema: `true` only when it surely would, `false` when it would not
 * or when this cannot tell cheaply. A `false` is never an answer on its own: the caller then
 * parses with zod, which decides and explains the rejection. So the decisions and the messages
 * are zod's, and this only skips zod's work for the items that pass (almost all of them; zod's
 * item schemas cost about as much as `JSON.parse` of the page in the lake writer's profile).
 */
export type FastCheck = (value: unknown) => boolean;

type Def = {
  type: string;
  checks?: readonly { _zod: { def: Record<string, unknown> & { check: string } } }[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
};

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Thrown inside {@link compile} for a schema it does not read: that schema gets no fast check. */
class Unsupported extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fast check of a schema built from what the item schemas use (objects, loose or not,
 * arrays, unions, strings, numbers, booleans, literals, enums, unknown, optional, nullable, and
 * their length, prefix, pattern, integer and bound checks; a refinement is asked of zod, for its one value), or
 * undefined when the schema holds anything else: a transform, a default, a pipe, a check that
 * rewrites its value (trim, lower case): every item of it is then parsed by zod.
 */
export function compileFastCheck(schema: z.ZodType): FastCheck | undefined {
  try {
    return compile(schema);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function compile(schema: z.ZodType): FastCheck {
  const def = defOf(schema);
  switch (def.type) {
    case 'unknown':
    case 'any':
      return () => true;
    case 'string':
      return leaf(schema, def, (v) => typeof v === 'string');
    case 'number':
      // Finite only (zod refuses NaN and the infinities; a finite number zod refused would only be asked of zod again).
      return leaf(schema, def, (v) => typeof v === 'number' && Number.isFinite(v));
    case 'boolean':
      return leaf(schema, def, (v) => typeof v === 'boolean');
    case 'literal': {
      const values = def.values ?? [];
      return (v) => values.includes(v);
    }
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      return (v) => (typeof v === 'string' || typeof v === 'number') && values.includes(v);
    }
    case 'optional': {
      const inner = compile(def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const element = compile(def.element!);
      const length = lengthCheck(def);
      return (v) => {
        if (!Array.isArray(v) || !length(v.length)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'union': {
      const options = (def.options ?? []).map(compile);
      return (v) => options.some((o) => o(v));
    }
    case 'object': {
      if (def.checks?.length) throw new Unsupported();
      const keys = Object.keys(def.shape ?? {});
      const fields = keys.map((k) => compile(def.shape![k]!));
      // A loose object keeps the keys it does not name; any other (z.object strips them,
      // z.strictObject refuses them) gives the value back unchanged only when there are none.
      const loose = def.catchall !== undefined && ['unknown', 'any'].includes(defOf(def.catchall).type);
      if (def.catchall !== undefined && !loose && defOf(def.catchall).type !== 'never') throw new Unsupported();
      const named = new Set(keys);
      return (v) => {
        if (!isRecord(v)) return false;
        for (let i = 0; i < keys.length; i++) if (!fields[i]!(v[keys[i]!])) return false;
        if (!loose) for (const k in v) if (!named.has(k)) return false;
        return true;
      };
    }
    default:
      throw new Unsupported();
  }
}

/** A string, number or boolean schema: its type, then its checks (a refinement asks zod, for this one value). */
function leaf(schema: z.ZodType, def: Def, type: FastCheck): FastCheck {
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  if (!checks.length) return type;
  const own: FastCheck[] = [];
  let refined = false;
  for (const c of checks) {
    switch (c.check) {
      case 'min_length':
        own.push((v) => (v as string).length >= (c.minimum as number));
        break;
      case 'max_length':
        own.push((v) => (v as string).length <= (c.maximum as number));
        break;
      case 'string_format': {
        if (c.format === 'starts_with') {
          const prefix = c.prefix as string;
          own.push((v) => (v as string).startsWith(prefix));
        } else if (c.format === 'regex' && !(c.pattern as RegExp).global && !(c.pattern as RegExp).sticky) {
          const pattern = c.pattern as RegExp;
          own.push((v) => pattern.test(v as string));
        } else throw new Unsupported();
        break;
      }
      case 'number_format':
        if (c.format !== 'safeint') throw new Unsupported();
        own.push((v) => Number.isSafeInteger(v));
        break;
      case 'greater_than':
        own.push(c.inclusive ? (v) => (v as number) >= (c.value as number) : (v) => (v as number) > (c.value as number));
        break;
      case 'less_than':
        own.push(c.inclusive ? (v) => (v as number) <= (c.value as number) : (v) => (v as number) < (c.value as number));
        break;
      case 'custom':
        // A refinement (a date, an epoch): it does not change the value; zod runs it.
        refined = true;
        break;
      default:
        throw new Unsupported();
    }
  }
  return (v) => {
    if (!type(v)) return false;
    for (let i = 0; i < own.length; i++) if (!own[i]!(v)) return false;
    return !refined || schema.safeParse(v).success;
  };
}

function lengthCheck(def: Def): (n: number) => boolean {
  let min = 0;
  let max = Infinity;
  for (const c of (def.checks ?? []).map((x) => x._zod.def)) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
    else if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
    else throw new Unsupported();
  }
  return (n) => n >= min && n <= max;
}

const cache = new WeakMap<z.ZodType, FastCheck | null>();
let enabled = true;

/** The fast check of an item schema, compiled once (null: none, zod parses every item). */
export function fastCheckOf(schema: z.ZodType): FastCheck | undefined {
  if (!enabled) return undefined;
  let f = cache.get(schema);
  if (f === undefined) cache.set(schema, (f = compileFastCheck(schema) ?? null));
  return f ?? undefined;
}

/** Tests: turn the fast checks off (every item parsed by zod, as before them) or on again. */
export function setFastChecks(on: boolean): void {
  enabled = on;
}
