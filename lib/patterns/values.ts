/**
 * Compiles the array of values under one pattern field (`"state": ["a", {"prefix": "b"}]`)
 * into a single test over event leaf values, validating each operator as EventBridge does.
 *
 * The values in the array are alternatives: the field matches when any one matches.
 * Type rules follow aws/event-ruler, which compares JSON texts: a string never equals a
 * number, string operators (prefix, suffix, wildcard, ...) only match strings, `numeric`
 * only matches JSON numbers, and `anything-but` matches every present value it does not
 * exclude, null and booleans included.
 */
import { InvalidEventPatternError, ReasonError, Reasons } from './errors';
import { looksLikeIp, ipInRange, parseCidr, parseIp, type IpAddress } from './cidr';
import { parseNumeric } from './numeric';
import { parseWildcard, wildcardMatches } from './wildcard';

/** A JSON leaf value as it appears in an event. */
export type Leaf = string | number | boolean | null;

/** A compiled test over one event leaf value. */
export type LeafTest = (value: Leaf) => boolean;

/** What one pattern field demands of the event. */
export interface FieldSpec {
  /** Matches a present leaf value; undefined when only `{"exists": false}` was given. */
  readonly test: LeafTest | undefined;
  /** True when `{"exists": false}` is among the alternatives. */
  readonly allowAbsent: boolean;
  /** The alternatives as written in the pattern (the complexity check lays them out as EventBridge does). */
  readonly values: readonly unknown[];
}

/** True for `{...}` (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number: the only numbers JSON can carry. */
export function isJsonNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

const ALWAYS: LeafTest = () => true;

/**
 * Compiles the value array of one field. `path` locates the field for error reports.
 * Throws InvalidEventPatternError.
 */
export function compileFieldValues(values: readonly unknown[], path: string): FieldSpec {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const ips: IpAddress[] = [];
  const literals = new Set<boolean | null>();
  const tests: LeafTest[] = [];
  let allowAbsent = false;
  let always = false;

  for (const value of values) {
    if (typeof value === 'string') {
      // An IP literal matches the same address however the event spells it, as in AWS.
      const ip = looksLikeIp(value) ? parseIp(value) : undefined;
      if (ip) ips.push(ip);
      else strings.add(value);
    } else if (isJsonNumber(value)) {
      numbers.add(value);
    } else if (typeof value === 'boolean' || value === null) {
      literals.add(value);
    } else if (isPlainObject(value)) {
      const compiled = compileMatchExpression(value, path);
      if (compiled === 'absent') allowAbsent = true;
      else if (compiled === ALWAYS) always = true;
      else tests.push(compiled);
    } else {
      throw new InvalidEventPatternError(Reasons.badMatchValue, path);
    }
  }
  if (values.length === 0) throw new InvalidEventPatternError(Reasons.emptyArray, path);

  if (always) return { test: ALWAYS, allowAbsent, values };
  const exactOnly = tests.length === 0 && ips.length === 0;
  if (exactOnly && strings.size + numbers.size + literals.size === 0) return { test: undefined, allowAbsent, values };
  const test: LeafTest = (v) => {
    if (typeof v === 'string') {
      if (strings.has(v)) return true;
      if (ips.length > 0 && ipEquals(ips, v)) return true;
    } else if (typeof v === 'number') {
      if (numbers.has(v)) return true;
    } else if (literals.has(v)) {
      return true;
    }
    for (const t of tests) if (t(v)) return true;
    return false;
  };
  return { test, allowAbsent, values };
}

function ipEquals(ips: readonly IpAddress[], text: string): boolean {
  const ip = parseIp(text);
  return ip !== undefined && ips.some((p) => p.version === ip.version && p.value === ip.value);
}

/** Compiles one `{operator: value}` object. Returns 'absent' for `{"exists": false}`. */
function compileMatchExpression(expr: Record<string, unknown>, path: string): LeafTest | 'absent' {
  const keys = Object.keys(expr);
  if (keys.length === 0) throw new InvalidEventPatternError(Reasons.noMatchName, path);
  const [name] = keys;
  const value = expr[name];
  const fail = (reason: string): never => {
    throw new InvalidEventPatternError(reason, path);
  };
  // AWS validates the operator's value before noticing a second key; so do we.
  const single = <T>(result: T, reason: string = Reasons.onlyOneKey): T =>
    keys.length > 1 ? fail(reason) : result;
  const reasonOf = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (e) {
      if (e instanceof ReasonError) return fail(e.reason);
      throw e;
    }
  };

  switch (name) {
    case 'prefix':
    case 'suffix': {
      const isPrefix = name === 'prefix';
      if (isPlainObject(value)) return single(ignoreCaseAffix(value, isPrefix, fail));
      if (typeof value !== 'string') fail(isPrefix ? Reasons.prefixNotString : Reasons.suffixNotString);
      const affix = value as string;
      return single(isPrefix ? (v) => typeof v === 'string' && v.startsWith(affix)
        : (v) => typeof v === 'string' && v.endsWith(affix));
    }
    case 'equals-ignore-case': {
      if (typeof value !== 'string') fail(Reasons.ignoreCaseNotString);
      const lower = (value as string).toLowerCase();
      return single((v) => typeof v === 'string' && v.toLowerCase() === lower);
    }
    case 'wildcard': {
      if (typeof value !== 'string') fail(Reasons.wildcardNotString);
      const wildcard = reasonOf(() => parseWildcard(value as string));
      return single((v) => typeof v === 'string' && wildcardMatches(wildcard, v));
    }
    case 'numeric': {
      if (!Array.isArray(value)) fail(Reasons.numericNotArray);
      const inRange = reasonOf(() => parseNumeric(value as unknown[]));
      return single((v) => typeof v === 'number' && inRange(v), Reasons.numericTooManyElements);
    }
    case 'anything-but':
      return single(compileAnythingBut(value, fail, reasonOf), Reasons.numericTooManyElements);
    case 'exists':
      if (typeof value !== 'boolean') fail(Reasons.existsNotBoolean);
      return single(value ? ALWAYS : 'absent');
    case 'cidr': {
      if (typeof value !== 'string') fail(Reasons.cidrNotString);
      const range = reasonOf(() => parseCidr(value as string));
      return single((v) => typeof v === 'string' && ipInRange(range, v));
    }
    default:
      return fail(Reasons.unknownMatchType(name));
  }
}

/** `{"prefix": {"equals-ignore-case": "x"}}` and its suffix twin. */
function ignoreCaseAffix(inner: Record<string, unknown>, isPrefix: boolean, fail: (r: string) => never): LeafTest {
  const keys = Object.keys(inner);
  if (keys.length === 0) fail(isPrefix ? Reasons.prefixNameNotFound : Reasons.suffixNameNotFound);
  if (keys[0] !== 'equals-ignore-case') {
    fail(isPrefix ? Reasons.unsupportedPrefix(keys[0]) : Reasons.unsupportedSuffix(keys[0]));
  }
  const value = inner[keys[0]];
  if (typeof value !== 'string') fail(Reasons.ignoreCaseNotString);
  if (keys.length > 1) fail(Reasons.onlyOneKey);
  const lower = (value as string).toLowerCase();
  return isPrefix
    ? (v) => typeof v === 'string' && v.toLowerCase().startsWith(lower)
    : (v) => typeof v === 'string' && v.toLowerCase().endsWith(lower);
}

const ANYTHING_BUT_MODIFIERS = new Set(['equals-ignore-case', 'prefix', 'suffix', 'wildcard']);

/** Every form of `anything-but`: a value, a list, or `{prefix|suffix|equals-ignore-case|wildcard}`. */
function compileAnythingBut(
  value: unknown,
  fail: (r: string) => never,
  reasonOf: <T>(parse: () => T) => T,
): LeafTest {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) fail(Reasons.anythingButNameNotFound);
    const [modifier] = keys;
    if (!ANYTHING_BUT_MODIFIERS.has(modifier)) fail(Reasons.unsupportedAnythingBut(modifier));
    const inner = value[modifier];
    if (!Array.isArray(inner) && typeof inner !== 'string' && !isJsonNumber(inner)) fail(Reasons.anythingButValue);
    const list: unknown[] = Array.isArray(inner) ? inner : [inner];
    for (const item of list) {
      if (typeof item !== 'string') {
        fail(modifier === 'equals-ignore-case' ? Reasons.anythingButIgnoreCaseType
          : modifier === 'wildcard' ? Reasons.wildcardNotString : Reasons.anythingButPrefixSuffixType);
      }
      if ((modifier === 'prefix' || modifier === 'suffix') && item === '') fail(Reasons.nullPrefixSuffix);
    }
    const texts = list as string[];
    if (keys.length > 1) fail(Reasons.numericTooManyElements);
    // Each excluded form is a test on strings; a non-string is never excluded.
    let excluded: (s: string) => boolean;
    if (modifier === 'prefix') excluded = (s) => texts.some((t) => s.startsWith(t));
    else if (modifier === 'suffix') excluded = (s) => texts.some((t) => s.endsWith(t));
    else if (modifier === 'wildcard') {
      const wildcards = texts.map((t) => reasonOf(() => parseWildcard(t)));
      excluded = (s) => wildcards.some((w) => wildcardMatches(w, s));
    } else {
      const lowered = new Set(texts.map((t) => t.toLowerCase()));
      excluded = (s) => lowered.has(s.toLowerCase());
    }
    return (v) => typeof v !== 'string' || !excluded(v);
  }

  let items: unknown[];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'string' && !isJsonNumber(item)) fail(Reasons.anythingButListType);
      if (isJsonNumber(item)) checkNumericRange(item, fail);
    }
    const hasString = value.some((i) => typeof i === 'string');
    const hasNumber = value.some((i) => typeof i === 'number');
    if (hasString === hasNumber) fail(Reasons.anythingButMixed);
    items = value;
  } else if (typeof value === 'string' || isJsonNumber(value)) {
    if (isJsonNumber(value)) checkNumericRange(value, fail);
    items = [value];
  } else {
    return fail(Reasons.anythingButValue);
  }
  const strings = new Set(items.filter((i): i is string => typeof i === 'string'));
  const numbers = new Set(items.filter((i): i is number => typeof i === 'number'));
  return (v) => (typeof v === 'string' ? !strings.has(v) : typeof v === 'number' ? !numbers.has(v) : true);
}

/** Numbers EventBridge compares numerically must lie in [-5e9, 5e9]. */
function checkNumericRange(n: number, fail: (r: string) => never): void {
  if (n < -5e9 || n > 5e9) fail(Reasons.numericOutOfRange);
}
