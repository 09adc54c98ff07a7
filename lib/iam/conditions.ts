/**
 * IAM condition operators, evaluated as the IAM User Guide's "IAM JSON policy elements:
 * Condition operators" and "Multivalued context keys" describe them, in three values: a
 * condition is true, false, or undecidable here (an operator not evaluated locally, a key whose
 * value is not known locally). Undecidable is never silently taken as true or false: the
 * evaluator reports it.
 *
 * - Operators: String*, Numeric*, Date*, Bool, Arn*, Null, with `...IfExists` and the
 *   `ForAllValues:`/`ForAnyValue:` set qualifiers. `IpAddress`/`NotIpAddress` and
 *   `BinaryEquals` are undecidable (no local request has a public source address or a binary key).
 * - A key absent from the request: positive operators are false, negated ones (`StringNotEquals`,
 *   `ArnNotLike`...) true, `...IfExists` true; `ForAllValues` true, `ForAnyValue` false.
 * - Within one operator, the keys are ANDed and each key's policy values ORed (for negated
 *   operators: the request value must match none of them).
 */
import { type RequestContext, type Tri, type Undecidable, isUndecidable, substitute } from './context';
import { arnMatch, globMatch } from './glob';

type Compare = (policyValue: string, requestValue: string) => boolean;

interface Operator {
  readonly compare: Compare;
  /** `StringNotEquals` and the like: true when the request value matches none of the policy values. */
  readonly negated: boolean;
}

const OPERATORS: Readonly<Record<string, Operator>> = {
  StringEquals: { compare: (p, r) => p === r, negated: false },
  StringNotEquals: { compare: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { compare: (p, r) => globMatch(p, r), negated: false },
  StringNotLike: { compare: (p, r) => globMatch(p, r), negated: true },
  NumericEquals: numeric((a, b) => a === b, false),
  NumericNotEquals: numeric((a, b) => a === b, true),
  NumericLessThan: numeric((p, r) => r < p, false),
  NumericLessThanEquals: numeric((p, r) => r <= p, false),
  NumericGreaterThan: numeric((p, r) => r > p, false),
  NumericGreaterThanEquals: numeric((p, r) => r >= p, false),
  DateEquals: date((a, b) => a === b, false),
  DateNotEquals: date((a, b) => a === b, true),
  DateLessThan: date((p, r) => r < p, false),
  DateLessThanEquals: date((p, r) => r <= p, false),
  DateGreaterThan: date((p, r) => r > p, false),
  DateGreaterThanEquals: date((p, r) => r >= p, false),
  Bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  // IAM documents ArnEquals and ArnLike as the same match (wildcards allowed in both).
  ArnEquals: { compare: arnMatch, negated: false },
  ArnLike: { compare: arnMatch, negated: false },
  ArnNotEquals: { compare: arnMatch, negated: true },
  ArnNotLike: { compare: arnMatch, negated: true },
};

/** Evaluates a statement's `Condition` block against the request. */
export function evaluateConditions(condition: unknown, ctx: RequestContext): Tri {
  if (condition === undefined) return true;
  if (!isObject(condition)) return { undecidable: `the Condition ${JSON.stringify(condition)} is not an object` };
  let result: Tri = true;
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) return { undecidable: `the condition operator ${operator} is not followed by an object` };
    for (const [key, values] of Object.entries(block)) {
      const one = evaluateOne(operator, key, values, ctx);
      // AND across operators and keys: a false anywhere decides; an undecidable one is kept.
      if (one === false) return false;
      if (isUndecidable(one) && !isUndecidable(result)) result = one;
    }
  }
  return result;
}

/** One operator on one key with its policy values. */
export function evaluateOne(operatorName: string, key: string, rawValues: unknown, ctx: RequestContext): Tri {
  const { set, base, ifExists } = parseOperator(operatorName);
  const policyValues = (Array.isArray(rawValues) ? rawValues : [rawValues]).map(String);
  const requestValues = ctx.get(key);
  if (isUndecidable(requestValues)) return requestValues;
  if (base === 'Null') {
    if (set) return unsupported(operatorName);
    const absent = requestValues === null || requestValues.length === 0;
    return policyValues.some((v) => v.toLowerCase() === String(absent));
  }
  const op = OPERATORS[base];
  if (!op) return unsupported(operatorName);
  const substituted = policyValues.map((v) => substitute(v, ctx));
  const problem = substituted.find(isUndecidable);
  if (problem) return problem;
  // A value whose variable is absent from the request matches nothing.
  const values = substituted.filter((v): v is string => typeof v === 'string');
  const absent = requestValues === null || requestValues.length === 0;
  if (set === 'ForAllValues') return absent || requestValues!.every((r) => matchesValue(op, values, r));
  if (set === 'ForAnyValue') return !absent && requestValues!.some((r) => matchesValue(op, values, r));
  if (absent) return ifExists || op.negated;
  // A single-valued operator on several values (a multivalued key used without a set qualifier):
  // true when any request value matches, or for a negated operator when none does.
  return op.negated ? requestValues!.every((r) => matchesValue(op, values, r)) : requestValues!.some((r) => matchesValue(op, values, r));
}

/** True when `requestValue` satisfies the operator against the policy's values. */
function matchesValue(op: Operator, policyValues: readonly string[], requestValue: string): boolean {
  const any = policyValues.some((p) => op.compare(p, requestValue));
  return op.negated ? !any : any;
}

function parseOperator(name: string): { set?: 'ForAllValues' | 'ForAnyValue'; base: string; ifExists: boolean } {
  let rest = name;
  let set: 'ForAllValues' | 'ForAnyValue' | undefined;
  const colon = rest.indexOf(':');
  if (colon > 0) {
    const qualifier = rest.slice(0, colon);
    if (qualifier === 'ForAllValues' || qualifier === 'ForAnyValue') set = qualifier;
    else return { base: name, ifExists: false };
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  return { set, base: ifExists ? rest.slice(0, -'IfExists'.length) : rest, ifExists };
}

function unsupported(operator: string): Undecidable {
  return { undecidable: `the condition operator ${operator} is not evaluated locally` };
}

function numeric(test: (policy: number, request: number) => boolean, negated: boolean): Operator {
  return { compare: (p, r) => compareParsed(Number(p), Number(r), test), negated };
}

function date(test: (policy: number, request: number) => boolean, negated: boolean): Operator {
  return { compare: (p, r) => compareParsed(dateOf(p), dateOf(r), test), negated };
}

function compareParsed(policy: number, request: number, test: (policy: number, request: number) => boolean): boolean {
  return Number.isFinite(policy) && Number.isFinite(request) && test(policy, request);
}

/** A date condition value: ISO 8601, or epoch seconds (`aws:EpochTime`). */
function dateOf(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
