/**
 * Near misses: the mistakes that most often keep a rule from firing, recognised by comparing
 * what a failing condition wants with what the event holds (or holds nearby).
 *
 * Each is a judgement made only after the engine said "no match", so a wrong guess costs a
 * useless hint, never a wrong verdict.
 */
import type { FieldCondition } from './compile';
import { isPlainObject } from './values';

/**
 * What kind of near miss: `case` (a value or field name differs only in case), `type` (a number
 * sent as a string or the reverse, or an operator that tests another type), `prefix` (an exact
 * value where a prefix was meant), `level` (the field exists at another level, e.g. outside
 * `detail`), `missing` (no such field), `object` (an object where a value was expected), `array`
 * (an empty array, or conditions met by different elements of an array).
 */
export type NearMissKind = 'case' | 'type' | 'prefix' | 'level' | 'missing' | 'object' | 'array';

/** A likely mistake behind a miss, and its fix. */
export interface NearMiss {
  readonly kind: NearMissKind;
  /** What the event holds, what the pattern wants, and what to change. */
  readonly hint: string;
}

/** Something the event holds at a dotted name, and whether an array was crossed to reach it. */
export interface EventNode {
  readonly value: unknown;
  readonly inArray: boolean;
}

/** Most near misses reported for one condition, and most leaves compared. */
const MAX_HINTS = 4;
const MAX_COMPARED = 50;
/** Nodes visited when looking for a field elsewhere in the event. */
const MAX_VISITED = 5000;

/** A value as the explanation shows it: JSON, cut short. */
export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * What the event holds at a dotted name, found as the engine flattens events: nested keys
 * joined by dots (so `{"a": {"b.c": 1}}` holds `a.b.c`), arrays entered at any depth. An empty
 * array is returned as itself (it holds no value); objects are returned as themselves.
 */
export function nodesAt(event: unknown, name: string, inArray = false, out: EventNode[] = []): EventNode[] {
  if (Array.isArray(event)) {
    for (const element of event) nodesAt(element, name, true, out);
    return out;
  }
  if (!isPlainObject(event)) return out;
  for (const key of Object.keys(event)) {
    if (key === name) collect(event[key], inArray, out);
    else if (name.startsWith(`${key}.`)) nodesAt(event[key], name.slice(key.length + 1), inArray, out);
  }
  return out;
}

function collect(value: unknown, inArray: boolean, out: EventNode[]): void {
  if (Array.isArray(value) && value.length > 0) for (const v of value) collect(v, true, out);
  else out.push({ value, inArray });
}

/** The near misses behind a failing condition; `leaves` are the values the event holds there. */
export function nearMissesOf(condition: FieldCondition, leaves: readonly unknown[], event: Record<string, unknown>): NearMiss[] {
  const found = leaves.length === 0 ? absentNearMisses(condition, event) : valueNearMisses(condition.values, leaves.slice(0, MAX_COMPARED));
  const seen = new Set<string>();
  return found.filter((n) => !seen.has(n.hint) && seen.add(n.hint)).slice(0, MAX_HINTS);
}

/** The field holds no value: an object or an empty array is there, or the field is elsewhere. */
function absentNearMisses(condition: FieldCondition, event: Record<string, unknown>): NearMiss[] {
  const { name } = condition;
  const nodes = nodesAt(event, name);
  const object = nodes.find((n) => isPlainObject(n.value));
  if (object) {
    const keys = Object.keys(object.value as object).slice(0, 3).map((k) => `${name}.${k}`);
    const exists = condition.values.some((v) => isPlainObject(v) && 'exists' in v);
    return [{
      kind: 'object',
      hint: `${name} is ${object.inArray ? 'an array of objects' : 'an object'}, and patterns${exists ? ' (exists included)' : ''} test values only: name a field inside it${keys.length ? `, e.g. ${keys.join(', ')}` : ''}`,
    }];
  }
  if (nodes.some((n) => Array.isArray(n.value))) {
    return [{ kind: 'array', hint: `${name} is an empty array, which EventBridge treats as an absent field` }];
  }
  return elsewhere(name, event);
}

/** A field of the same name in another case or at another level, else what the parent holds. */
function elsewhere(name: string, event: Record<string, unknown>): NearMiss[] {
  const paths = pathsOf(event);
  const lower = name.toLowerCase();
  const last = name.slice(name.lastIndexOf('.') + 1);
  const hints: NearMiss[] = [];
  for (const path of paths) {
    if (path !== name && path.toLowerCase() === lower) hints.push({ kind: 'case', hint: `the event has ${path}: field names are case-sensitive` });
  }
  for (const path of paths) {
    if (path === name || path.slice(path.lastIndexOf('.') + 1) !== last) continue;
    const fix = path === `detail.${name}`
      ? `: a published event's own fields are under detail, so write { detail: { ${name.replace(/\./g, ': { ')}: [...] } }`
      : name === `detail.${path}` ? ': it is an envelope field, outside detail' : '';
    hints.push({ kind: 'level', hint: `the event has ${path}, at another level${fix}` });
  }
  if (hints.length > 0) return hints;
  const parent = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
  const siblings = parent ? nodesAt(event, parent).find((n) => isPlainObject(n.value)) : { value: event };
  const keys = siblings ? Object.keys(siblings.value as object).slice(0, 8) : [];
  return [{ kind: 'missing', hint: `the event has no field ${name}${keys.length ? `; ${parent || 'the event'} has ${keys.join(', ')}` : ''}` }];
}

/** Every dotted name the event holds a value or an object at (bounded). */
function pathsOf(event: Record<string, unknown>): string[] {
  const paths = new Set<string>();
  let visited = 0;
  const walk = (value: unknown, name: string): void => {
    if (++visited > MAX_VISITED) return;
    if (Array.isArray(value)) value.forEach((v) => walk(v, name));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walk(v, name ? `${name}.${k}` : k);
    if (name && !Array.isArray(value)) paths.add(name);
  };
  walk(event, '');
  return [...paths];
}

/** The field holds values, none accepted: compare each with each value the pattern gives. */
function valueNearMisses(values: readonly unknown[], leaves: readonly unknown[]): NearMiss[] {
  const hints: NearMiss[] = [];
  for (const wanted of values) {
    for (const held of leaves) {
      const hint = isPlainObject(wanted) ? operatorNearMiss(wanted, held) : exactNearMiss(wanted, held);
      if (hint) hints.push(hint);
    }
  }
  return hints;
}

/** An exact value (string, number, boolean, null) against what the event holds. */
function exactNearMiss(wanted: unknown, held: unknown): NearMiss | undefined {
  if (typeof wanted === 'string' && typeof held === 'string') {
    if (held.toLowerCase() === wanted.toLowerCase()) {
      return { kind: 'case', hint: `${show(held)} differs from ${show(wanted)} only in case; match any case with {"equals-ignore-case": ${show(wanted)}}` };
    }
    if (held.startsWith(wanted)) {
      return { kind: 'prefix', hint: `${show(held)} starts with ${show(wanted)}, but a plain value matches the whole string; use {"prefix": ${show(wanted)}}` };
    }
    if (held.trim() === wanted) return { kind: 'case', hint: `${show(held)} differs from ${show(wanted)} by surrounding white space` };
    return undefined;
  }
  if (typeof wanted === 'string' && held !== null && typeof held !== 'object' && String(held) === wanted) {
    return { kind: 'type', hint: `the event holds ${show(held)} (${typeOf(held)}), the pattern wants the string ${show(wanted)}; EventBridge never equates them: write ${show(held)} without quotes` };
  }
  if (typeof held === 'string' && wanted !== null && typeof wanted !== 'object' && held.trim() !== '' && String(wanted) === String(typeof wanted === 'number' ? Number(held) : held)) {
    return { kind: 'type', hint: `the event holds the string ${show(held)}, the pattern wants ${show(wanted)} (${typeOf(wanted)}); EventBridge never equates them: publish ${show(wanted)}, or match the string ${show(held)}` };
  }
  return undefined;
}

/** An operator (`prefix`, `numeric`, ...) against what the event holds. */
function operatorNearMiss(wanted: Record<string, unknown>, held: unknown): NearMiss | undefined {
  const [operator] = Object.keys(wanted);
  const operand = wanted[operator];
  if (operator === 'numeric') {
    if (typeof held === 'string' && held.trim() !== '' && Number.isFinite(Number(held))) {
      return { kind: 'type', hint: `numeric compares JSON numbers only, and the event holds the string ${show(held)}: publish it as a number` };
    }
    return undefined;
  }
  if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'cidr'].includes(operator)) return undefined;
  if (typeof held !== 'string') {
    return { kind: 'type', hint: `${operator} tests strings only, and the event holds ${show(held)} (${typeOf(held)})` };
  }
  if ((operator === 'prefix' || operator === 'suffix') && typeof operand === 'string') {
    const lowerHeld = held.toLowerCase();
    const lowerAffix = operand.toLowerCase();
    const near = operator === 'prefix' ? lowerHeld.startsWith(lowerAffix) : lowerHeld.endsWith(lowerAffix);
    if (near) {
      return { kind: 'case', hint: `${show(held)} has the ${operator} ${show(operand)} in another case; use {"${operator}": {"equals-ignore-case": ${show(operand)}}}` };
    }
  }
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : typeof value === 'string' ? 'a string' : typeof value;
}
