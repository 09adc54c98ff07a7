/**
 * Matches an event against compiled sub-rules, with EventBridge's array semantics.
 *
 * The event is flattened, as event-ruler does, into leaf fields named by their dotted path
 * (`detail.items.sku`), each remembering which element of which array it came from. Only
 * paths some condition could reach are visited, so a rule on `source` never walks `detail`.
 *
 * Array consistency: conditions matched inside objects that sit in an array must all be
 * satisfied by the same array element. `{"items": {"sku": ["a"], "qty": [1]}}` does not match
 * `{"items": [{"sku": "a"}, {"qty": 1}]}`. An `{"exists": false}` condition holds when no
 * field of that name is consistent with the elements chosen so far; conditions are taken in
 * name order (as event-ruler's state machine takes them), which decides "so far".
 */
import type { FieldCondition, SubRule } from './compile';
import type { Leaf, LeafTest } from './values';

/** One leaf of the flattened event. */
export interface Field {
  readonly value: Leaf;
  /**
   * The arrays enclosing the leaf, as [arrayId, index, arrayId, index, ...] from the root;
   * undefined when the leaf is in no array.
   */
  readonly chain: readonly number[] | undefined;
}

/** An event flattened into the leaf fields some condition could reach. */
export interface Flattened {
  readonly fields: Map<string, Field[]>;
  /** False when no array was crossed: every condition can then be checked on its own. */
  readonly crossedArray: boolean;
}

/** Matches events against a fixed set of sub-rules. Build once, call `matches` per event. */
export class SubRuleMatcher {
  private readonly names = new Set<string>();
  /** Every dotted prefix of every condition name: the paths worth walking into. */
  private readonly prefixes = new Set<string>();
  /** Per sub-rule, its conditions on top-level names without dots (see failsAtRoot). */
  private readonly rootConditions: (readonly FieldCondition[])[];

  constructor(private readonly subRules: readonly SubRule[]) {
    this.rootConditions = subRules.map((rule) => rule.filter((c) => !c.name.includes('.')));
    for (const rule of subRules) {
      for (const { name } of rule) {
        this.names.add(name);
        let dot = name.indexOf('.');
        while (dot >= 0) {
          this.prefixes.add(name.slice(0, dot));
          dot = name.indexOf('.', dot + 1);
        }
        this.prefixes.add(name);
      }
    }
  }

  /** True when the event (a parsed JSON object) matches any sub-rule. */
  matches(event: unknown): boolean {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
    const object = event as Record<string, unknown>;
    let flat: Flattened | undefined;
    for (let r = 0; r < this.subRules.length; r++) {
      const rule = this.subRules[r];
      // Most events fail a rule on a top-level field (source, detail-type): decide those
      // without flattening anything.
      if (failsAtRoot(this.rootConditions[r], object)) continue;
      flat ??= this.flatten(object);
      if (matchesSubRule(rule, flat)) return true;
    }
    return false;
  }

  /** The event's leaf fields that some condition names (what `matches` tests sub-rules against). */
  flatten(event: Record<string, unknown>): Flattened {
    const state: FlattenState = { names: this.names, prefixes: this.prefixes, fields: new Map(), nextArrayId: 0 };
    for (const key in event) {
      if (this.prefixes.has(key) && Object.hasOwn(event, key)) visit(state, event[key], key, undefined);
    }
    return { fields: state.fields, crossedArray: state.nextArrayId > 0 };
  }
}

interface FlattenState {
  readonly names: ReadonlySet<string>;
  readonly prefixes: ReadonlySet<string>;
  readonly fields: Map<string, Field[]>;
  nextArrayId: number;
}

// A module function rather than a closure: it runs for every relevant node of every event.
function visit(state: FlattenState, value: unknown, name: string, chain: readonly number[] | undefined): void {
  if (Array.isArray(value)) {
    // Each array instance gets its own id; an empty array contributes no field at all.
    const id = state.nextArrayId++;
    for (let i = 0; i < value.length; i++) visit(state, value[i], name, chain ? [...chain, id, i] : [id, i]);
  } else if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      const child = name + '.' + key;
      if (state.prefixes.has(child) && Object.hasOwn(value, key)) {
        visit(state, (value as Record<string, unknown>)[key], child, chain);
      }
    }
  } else if (isLeaf(value) && state.names.has(name)) {
    const list = state.fields.get(name);
    const field = { value, chain };
    if (list) list.push(field);
    else state.fields.set(name, [field]);
  }
}

/**
 * True when a condition on a top-level name without dots already fails. Such a name can only
 * come from the event's own property of that name, and when that holds a leaf (not an array)
 * the condition is decided by that one value, whatever arrays exist elsewhere.
 */
function failsAtRoot(conditions: readonly FieldCondition[], event: Record<string, unknown>): boolean {
  for (const { name, test, allowAbsent } of conditions) {
    const value = Object.hasOwn(event, name) ? event[name] : undefined;
    if (value === undefined) {
      if (!allowAbsent) return true;
    } else if (isLeaf(value) && (test === undefined || !test(value))) {
      return true;
    }
  }
  return false;
}

/** True when one sub-rule matches the flattened event, with EventBridge's array consistency. */
export function matchesSubRule(rule: SubRule, flat: Flattened): boolean {
  return flat.crossedArray ? matchConsistently(rule, flat.fields) : matchIndependently(rule, flat.fields);
}

/** A JSON leaf: what a pattern condition tests. */
export function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** No arrays involved: each condition is satisfied or not on its own. */
function matchIndependently(rule: SubRule, fields: Map<string, Field[]>): boolean {
  for (const condition of rule) {
    const present = fields.get(condition.name);
    if (present === undefined) {
      if (!condition.allowAbsent) return false;
    } else {
      if (!anyPasses(condition.test, present)) return false;
    }
  }
  return true;
}

/** Backtracking search for an array-consistent choice of fields, conditions in name order. */
function matchConsistently(rule: SubRule, fields: Map<string, Field[]>): boolean {
  // Cheap necessary check first: most events fail some condition outright.
  for (const condition of rule) {
    const present = fields.get(condition.name);
    if (!condition.allowAbsent && (present === undefined || !anyPasses(condition.test, present))) return false;
  }
  return search(rule, 0, fields, new Map());
}

function search(rule: SubRule, index: number, fields: Map<string, Field[]>, bound: Map<number, number>): boolean {
  if (index === rule.length) return true;
  const { name, test, allowAbsent } = rule[index];
  const present = fields.get(name);
  if (present !== undefined && test !== undefined) {
    for (const field of present) {
      if (!test(field.value) || !consistent(field.chain, bound)) continue;
      const added = bind(field.chain, bound);
      const found = search(rule, index + 1, fields, bound);
      for (const id of added) bound.delete(id);
      if (found) return true;
    }
  }
  if (allowAbsent && (present === undefined || !present.some((f) => consistent(f.chain, bound)))) {
    return search(rule, index + 1, fields, bound);
  }
  return false;
}

function anyPasses(test: LeafTest | undefined, present: readonly Field[]): boolean {
  if (test === undefined) return false;
  for (const field of present) if (test(field.value)) return true;
  return false;
}

/** A field is consistent when it agrees with every array element already chosen. */
function consistent(chain: readonly number[] | undefined, bound: Map<number, number>): boolean {
  if (chain === undefined) return true;
  for (let i = 0; i < chain.length; i += 2) {
    const chosen = bound.get(chain[i]);
    if (chosen !== undefined && chosen !== chain[i + 1]) return false;
  }
  return true;
}

/** Records the field's array elements as chosen; returns the array ids newly bound. */
function bind(chain: readonly number[] | undefined, bound: Map<number, number>): number[] {
  const added: number[] = [];
  if (chain === undefined) return added;
  for (let i = 0; i < chain.length; i += 2) {
    if (!bound.has(chain[i])) {
      bound.set(chain[i], chain[i + 1]);
      added.push(chain[i]);
    }
  }
  return added;
}
