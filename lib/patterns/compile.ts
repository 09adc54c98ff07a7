/**
 * Turns a parsed pattern into "sub-rules": flat lists of (dotted field name, field test),
 * one list per combination of `$or` branches, the way aws/event-ruler compiles rules.
 *
 * Flattening is what EventBridge does, and it has visible consequences we keep:
 * - field names are joined with ".", so `{"a.b": [1]}` and `{"a": {"b": [1]}}` are the
 *   same condition (AWS documents this among its "considerations");
 * - `$or` multiplies out: `{"x": [1], "$or": [A, B]}` is the two sub-rules `x & A`, `x & B`;
 * - when a name is written twice in one sub-rule (an `$or` branch naming a field also named
 *   outside it), the later write wins, as in event-ruler's default compiler.
 * Conditions are kept sorted by name: the matcher relies on that order (see match.ts).
 */
import { InvalidEventPatternError, Reasons } from './errors';
import { compileFieldValues, isPlainObject, type FieldSpec } from './values';

/** One condition of a sub-rule: a dotted event field name and what it must hold. */
export interface FieldCondition extends FieldSpec {
  /** Dotted field name, e.g. "detail.state". */
  readonly name: string;
}

/** A conjunction of field conditions, sorted by name. The pattern matches if any sub-rule does. */
export type SubRule = readonly FieldCondition[];

// Names event-ruler refuses as field names inside `$or`, so that `{"$or": [{"prefix": ...}]}`
// is reported rather than silently read as a field called "prefix".
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard',
  'numeric', 'cidr', 'html', '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard',
  'not-equals-ignore-case', 'date-after', 'date-on-or-after', 'date-before',
  'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

type Draft = Map<string, FieldSpec>;

/**
 * Most sub-rules a pattern may expand to. `$or` multiplies: k nested two-branch `$or`s make 2^k
 * sub-rules, which a 4096-character pattern could push past any memory. EventBridge documents no
 * such limit; this one keeps compiling and matching bounded while leaving room for any pattern a
 * person writes.
 */
export const MAX_SUB_RULES = 10_000;

/**
 * Validates a parsed pattern and compiles it to sub-rules.
 * Throws InvalidEventPatternError with AWS's reason and the location of the problem.
 */
export function compileSubRules(pattern: unknown): SubRule[] {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError(Reasons.notAnObject, '');
  const drafts = parseObject([], pattern, '', '', false);
  return drafts.map((draft) =>
    [...draft].map(([name, spec]) => ({ name, ...spec })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );
}

function parseObject(
  drafts: Draft[],
  object: Record<string, unknown>,
  name: string,
  path: string,
  insideOr: boolean,
): Draft[] {
  const keys = Object.keys(object);
  if (keys.length === 0) throw new InvalidEventPatternError(Reasons.emptyObject, path);
  for (const key of keys) {
    const value = object[key];
    const keyPath = path ? `${path}.${key}` : key;
    if (key === '$or') {
      drafts = parseOr(drafts, value, name, keyPath);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) throw new InvalidEventPatternError(Reasons.orReserved(key), keyPath);
    const fieldName = name ? `${name}.${key}` : key;
    if (isPlainObject(value)) {
      drafts = parseObject(drafts, value, fieldName, keyPath, insideOr);
    } else if (Array.isArray(value)) {
      const spec = compileFieldValues(value, keyPath);
      if (drafts.length === 0) drafts = [new Map()];
      for (const draft of drafts) draft.set(fieldName, spec);
    } else {
      throw new InvalidEventPatternError(Reasons.mustBeObjectOrArray(key), keyPath);
    }
  }
  return drafts;
}

/** `"$or": [ {...}, {...} ]`: each branch extends a copy of every sub-rule built so far. */
function parseOr(drafts: Draft[], value: unknown, name: string, path: string): Draft[] {
  if (!Array.isArray(value)) throw new InvalidEventPatternError(Reasons.orNotArray, path);
  const result: Draft[] = [];
  value.forEach((branch, index) => {
    const branchPath = `${path}[${index}]`;
    if (!isPlainObject(branch)) throw new InvalidEventPatternError(Reasons.orNotObject, branchPath);
    if (result.length + Math.max(drafts.length, 1) > MAX_SUB_RULES) throw new InvalidEventPatternError(Reasons.tooManyCombinations(MAX_SUB_RULES), path);
    const copies = drafts.length === 0 ? [new Map()] : drafts.map((d) => new Map(d));
    result.push(...parseObject(copies, branch, name, branchPath, true));
    if (result.length > MAX_SUB_RULES) throw new InvalidEventPatternError(Reasons.tooManyCombinations(MAX_SUB_RULES), path);
  });
  if (value.length < 2) throw new InvalidEventPatternError(Reasons.orTooFew, path);
  return result;
}
