/**
 * EventBridge event patterns: validation and matching, as pure functions.
 *
 * Used by the constructs at synth time (reject a bad pattern before deploy), by the local
 * runtime to route events through rules, and by the local `TestEventPattern` API.
 *
 * Why hand-written: no maintained JavaScript library implements EventBridge's content-filter
 * language (the reference is aws/event-ruler, in Java; localstack runs that or a Python port).
 * This module follows event-ruler's compiler for validation order and reason texts, and its
 * array-consistent matcher for semantics. See docs/ARCHITECTURE.md, "The local runtime".
 *
 * @example
 * const rule = compileEventPattern({ source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } });
 * rule.matches({ source: 'shop', detail: { total: 250 } }); // true
 */
import { compileSubRules, type SubRule } from './compile';
import { MAX_WILDCARD_COMPLEXITY, wildcardComplexity } from './complexity';
import { InvalidEventPatternError, Reasons } from './errors';
import { explainSubRules, type EventPatternExplanation } from './explain';
import { SubRuleMatcher } from './match';

// Reason texts (`Reasons`) stay internal: callers read them from `InvalidEventPatternError.reason`.
export { AWS_REASON_PREFIX, InvalidEventPatternError } from './errors';
export { NUMERIC_LIMIT } from './numeric';
export { formatExplanation } from './explain';
export type { EventPatternExplanation, FieldMiss, NearMiss, NearMissKind } from './explain';

/**
 * Hard maximum length of an event pattern's JSON text: the `PutRule` API refuses longer ones.
 */
export const EVENT_PATTERN_MAX_LENGTH = 4096;

/**
 * Default quota on an event pattern's length ("Event pattern size"): 2048 characters unless an
 * increase was granted, up to EVENT_PATTERN_MAX_LENGTH. Pass it as `maxLength` to check the
 * default quota at synth time.
 */
export const EVENT_PATTERN_DEFAULT_QUOTA = 2048;

/** A validated pattern, ready to match many events. */
export interface CompiledEventPattern {
  /** The parsed pattern (a copy: later changes to the caller's object do not affect it). */
  readonly pattern: object;
  /**
   * True when the event matches. The event is a parsed JSON object; a JSON string is parsed
   * first as a convenience; anything else never matches.
   */
  matches(event: unknown): boolean;
}

/** Options for compiling a pattern. */
export interface CompileEventPatternOptions {
  /**
   * Longest JSON text accepted, in characters.
   * @default EVENT_PATTERN_MAX_LENGTH (4096)
   */
  readonly maxLength?: number;
}

/**
 * Parses and validates a pattern (JSON text or object) and compiles it for matching.
 * Throws InvalidEventPatternError with AWS's reason text and the location of the problem:
 * EventBridge's syntax rules, the length limit, and its "rule is too complex" check on
 * wildcards (see complexity.ts).
 *
 * @example
 * compileEventPattern('{"detail": {"state": [{"anything-but": "initializing"}]}}');
 */
export function compileEventPattern(
  pattern: string | object,
  options: CompileEventPatternOptions = {},
): CompiledEventPattern {
  const maxLength = options.maxLength ?? EVENT_PATTERN_MAX_LENGTH;
  // A text is measured before it is parsed: an oversized one is refused without the work.
  if (typeof pattern === 'string' && pattern.length > maxLength) throw new InvalidEventPatternError(Reasons.tooLong(pattern.length, maxLength), '');
  const { text, parsed } = parse(pattern);
  if (text.length > maxLength) throw new InvalidEventPatternError(Reasons.tooLong(text.length, maxLength), '');
  const subRules = compileSubRules(parsed);
  if (wildcardComplexity(subRules) > MAX_WILDCARD_COMPLEXITY) throw new InvalidEventPatternError(Reasons.tooComplex, '');
  const matcher = new SubRuleMatcher(subRules);
  return {
    pattern: parsed as object,
    matches: (event) => matcher.matches(typeof event === 'string' ? parseEvent(event) : event),
  };
}

/**
 * Explains why an event matches a pattern or not ("why didn't my rule fire"): `matched` is the
 * engine's verdict, and for a miss, each failing condition with what the event holds there and
 * the near misses behind it (a case difference, a number sent as a string, an exact value where
 * a prefix was meant, a field absent or elsewhere, an object or array where a value was
 * expected). Throws InvalidEventPatternError for a pattern EventBridge would reject.
 *
 * @example
 * const why = explainEventPattern({ 'detail-type': ['OrderPlaced'] }, { 'detail-type': 'orderPlaced' });
 * why.matched;                  // false
 * why.misses[0].reason;         // 'detail-type is "orderPlaced"; the pattern wants ["OrderPlaced"]'
 * why.misses[0].nearMisses[0];  // { kind: 'case', hint: '"orderPlaced" differs from "OrderPlaced" only in case; ...' }
 */
export function explainEventPattern(pattern: string | object, event: unknown): EventPatternExplanation {
  // `dev` explains each unmatched event against every rule of its bus: an object pattern (a
  // rule's, the same object each time) is compiled once. Do not mutate it between calls.
  let prepared = typeof pattern === 'object' ? explainable.get(pattern) : undefined;
  if (!prepared) {
    const compiled = compileEventPattern(pattern);
    prepared = { subRules: compileSubRules(compiled.pattern), pattern: compiled.pattern as Record<string, unknown> };
    if (typeof pattern === 'object') explainable.set(pattern, prepared);
  }
  return explainSubRules(prepared.subRules, prepared.pattern, event);
}

const explainable = new WeakMap<object, { readonly subRules: SubRule[]; readonly pattern: Record<string, unknown> }>();

/** Validates a pattern; returns the error instead of throwing, or undefined when valid. */
export function validateEventPattern(
  pattern: string | object,
  options: CompileEventPatternOptions = {},
): InvalidEventPatternError | undefined {
  try {
    compileEventPattern(pattern, options);
    return undefined;
  } catch (e) {
    if (e instanceof InvalidEventPatternError) return e;
    throw e;
  }
}

// Compiled patterns by JSON text, and by object identity so that callers passing the same
// object per event do not pay for a JSON.stringify each time. Cleared wholesale when full:
// patterns are few in practice and recompiling is cheap.
const CACHE_LIMIT = 1000;
const byText = new Map<string, CompiledEventPattern>();
let byObject = new WeakMap<object, CompiledEventPattern>();

/**
 * Compiles (cached) and matches in one call. Throws InvalidEventPatternError for a bad
 * pattern. An object pattern is cached by identity: do not mutate it between calls.
 */
export function matchesEventPattern(pattern: string | object, event: unknown): boolean {
  let compiled = typeof pattern === 'string' ? byText.get(pattern) : byObject.get(pattern);
  if (compiled === undefined) {
    const key = typeof pattern === 'string' ? pattern : safeStringify(pattern);
    compiled = (key !== undefined ? byText.get(key) : undefined) ?? compileEventPattern(pattern);
    if (byText.size >= CACHE_LIMIT) {
      byText.clear();
      byObject = new WeakMap();
    }
    if (key !== undefined) byText.set(key, compiled);
    if (typeof pattern !== 'string') byObject.set(pattern, compiled);
  }
  return compiled.matches(event);
}

function parse(pattern: string | object): { text: string; parsed: unknown } {
  if (typeof pattern === 'string') {
    try {
      return { text: pattern, parsed: JSON.parse(pattern) };
    } catch (e) {
      throw new InvalidEventPatternError(Reasons.notJson((e as Error).message), '');
    }
  }
  const text = safeStringify(pattern);
  // A non-JSON value (undefined, a function) has no JSON text: AWS could never receive it.
  if (text === undefined) throw new InvalidEventPatternError(Reasons.notAnObject, '');
  return { text, parsed: JSON.parse(text) };
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (e) {
    // Cycles and BigInts cannot be sent to AWS either.
    throw new InvalidEventPatternError(Reasons.notJson((e as Error).message), '');
  }
}

function parseEvent(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
