/**
 * "Why didn't my rule fire": explains, field by field, why an event matches a pattern or not.
 *
 * The verdict is the engine's own: the event is flattened and each alternative (one per
 * combination of `$or` branches) is matched by match.ts, so `matched` is exactly what
 * `compileEventPattern(pattern).matches(event)` answers. What the explanation adds is, for the
 * alternative closest to matching, each condition that fails on its own (in the order the
 * pattern writes its fields), what the event holds there, and the near misses people make:
 * a case difference, a number written as a string, an exact value where a prefix was meant, a
 * field at another level or absent, an object or array where a value was expected.
 */
import type { FieldCondition, SubRule } from './compile';
import { isLeaf, matchesSubRule, SubRuleMatcher, type Flattened } from './match';
import { nearMissesOf, nodesAt, show, type NearMiss } from './near-miss';
import { isPlainObject } from './values';

export type { NearMiss, NearMissKind } from './near-miss';

/** One condition of the pattern the event fails. */
export interface FieldMiss {
  /** The event field, as a dotted name (`detail.total`). */
  readonly field: string;
  /** The values the pattern gives for the field, as written (`["OrderPlaced"]`, `[{"numeric": [">", 100]}]`). */
  readonly expected: readonly unknown[];
  /** The leaf values the event holds there (every element of an array); empty when it holds none. */
  readonly actual: readonly unknown[];
  /** Why the condition fails, in a sentence: `detail.total is 50; the pattern wants [{"numeric":[">",100]}]`. */
  readonly reason: string;
  /** Likely mistakes behind the miss, each with its fix. */
  readonly nearMisses: readonly NearMiss[];
}

/** The explanation of one event against one pattern. */
export interface EventPatternExplanation {
  /** True exactly when the pattern matches the event (the engine's verdict). */
  readonly matched: boolean;
  /**
   * The conditions that fail, in the order the pattern writes its fields: for a pattern with
   * `$or`, those of the alternative that fails on the fewest. Empty when `matched`.
   */
  readonly misses: readonly FieldMiss[];
  /** How many alternatives the pattern has (1 without `$or`; each is matched on its own). */
  readonly alternatives: number;
}

/**
 * Explains an event against a validated pattern's sub-rules (`explainEventPattern` of index.ts
 * validates and compiles; this module stays free of that to avoid an import cycle).
 */
export function explainSubRules(subRules: readonly SubRule[], pattern: Record<string, unknown>, event: unknown): EventPatternExplanation {
  const object = typeof event === 'string' ? parseJson(event) : event;
  if (!isPlainObject(object)) {
    return { matched: false, alternatives: subRules.length, misses: [{ field: '', expected: [], actual: [], reason: `the event is ${show(object)}, not a JSON object`, nearMisses: [] }] };
  }
  const flat = new SubRuleMatcher(subRules).flatten(object);
  const order = writtenOrder(pattern);
  let closest: FieldMiss[] | undefined;
  for (const rule of subRules) {
    if (matchesSubRule(rule, flat)) return { matched: true, misses: [], alternatives: subRules.length };
    const misses = missesOf(rule, flat, object, order);
    if (!closest || misses.length < closest.length) closest = misses;
  }
  return { matched: false, misses: closest ?? [], alternatives: subRules.length };
}

/**
 * The explanation as text, one line per miss with its near misses indented below:
 *
 * ```
 * detail-type is "orderPlaced"; the pattern wants ["OrderPlaced"]
 *   near miss: "orderPlaced" differs from "OrderPlaced" only in case; ...
 * ```
 */
export function formatExplanation(explanation: EventPatternExplanation, indent = ''): string {
  if (explanation.matched) return `${indent}matched`;
  const lines: string[] = [];
  for (const miss of explanation.misses) {
    lines.push(`${indent}${miss.reason}`);
    for (const near of miss.nearMisses) lines.push(`${indent}  near miss (${near.kind}): ${near.hint}`);
  }
  if (explanation.alternatives > 1) lines.push(`${indent}(the closest of the pattern's ${explanation.alternatives} $or alternatives)`);
  return lines.join('\n');
}

/** The failing conditions of one alternative the engine found not to match. */
function missesOf(rule: SubRule, flat: Flattened, event: Record<string, unknown>, order: ReadonlyMap<string, number>): FieldMiss[] {
  const misses: FieldMiss[] = [];
  for (const condition of rule) {
    const leaves = (flat.fields.get(condition.name) ?? []).map((f) => f.value);
    if (passesAlone(condition, leaves)) continue;
    misses.push({
      field: condition.name,
      expected: condition.values,
      actual: leaves,
      reason: reasonOf(condition, leaves),
      nearMisses: nearMissesOf(condition, leaves, event),
    });
  }
  const rank = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  if (misses.length === 0) misses.push(arrayConsistencyMiss([...rule].sort((a, b) => rank(a.name) - rank(b.name)), event));
  return misses.sort((a, b) => rank(a.field) - rank(b.field));
}

/** Whether a condition holds on its own, as matchIndependently decides it. */
function passesAlone(condition: FieldCondition, leaves: readonly unknown[]): boolean {
  if (leaves.length === 0) return condition.allowAbsent;
  const test = condition.test;
  return test !== undefined && leaves.some((v) => isLeaf(v) && test(v));
}

function reasonOf(condition: FieldCondition, leaves: readonly unknown[]): string {
  const wants = `the pattern wants ${JSON.stringify(condition.values)}`;
  if (leaves.length === 0) return `${condition.name} is absent; ${wants}`;
  const held = leaves.length === 1 ? show(leaves[0]) : `[${leaves.map(show).join(', ')}] (an array: any one element may match, none does)`;
  if (condition.test === undefined) return `${condition.name} is present (${held}); the pattern wants it absent`;
  return `${condition.name} is ${held}; ${wants}`;
}

/**
 * Every condition holds on its own, yet the alternative fails: conditions on fields of objects
 * in an array hold for different elements, and EventBridge wants one element to meet them all.
 */
function arrayConsistencyMiss(rule: SubRule, event: Record<string, unknown>): FieldMiss {
  const inArrays = rule.filter((c) => nodesAt(event, c.name).some((n) => n.inArray));
  const fields = (inArrays.length > 0 ? inArrays : rule).map((c) => c.name);
  return {
    field: fields[0],
    expected: rule.find((c) => c.name === fields[0])?.values ?? [],
    actual: [],
    reason: `${fields.join(', ')} each match, but in different elements of an array; EventBridge matches conditions on an array's objects within one element`,
    nearMisses: [{ kind: 'array', hint: 'publish the values together in one array element, or subscribe with a pattern (or an $or) per element shape' }],
  };
}

/** Each dotted field name of the pattern, by the position it is first written at. */
function writtenOrder(pattern: Record<string, unknown>): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value)) {
        for (const branch of value) if (isPlainObject(branch)) walk(branch, prefix);
        continue;
      }
      const name = prefix ? `${prefix}.${key}` : key;
      if (isPlainObject(value)) walk(value, name);
      else if (!order.has(name)) order.set(name, order.size);
    }
  };
  walk(pattern, '');
  return order;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
