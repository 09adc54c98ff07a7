/**
 * Narrows the rules of a bus to those an event could match, before their matchers run.
 *
 * A bus with a hundred rules on one `source` would otherwise run a hundred matchers per event.
 * The index is a small decision tree: at each level, the field that best splits the rules
 * (`source`, `detail-type`, `detail.kind`, ... whichever most rules pin to exact values, in
 * the most different ways) maps each exact value to the rules that demand it; rules that do
 * not pin that field go on to the next level. Only a necessary condition is indexed: every
 * rule the index lets through is still tested by its own matcher, so matching is unchanged.
 *
 * What counts as "pinned": a field whose condition, in a pattern without `$or`, is a list of
 * plain strings and numbers only (no operator, no `exists`, no string that could be an IP
 * address, which the matcher compares as an address). Such a rule can only match an event
 * holding one of those values at that field, which the index reads from the event the way the
 * matcher flattens it (arrays at any depth, dotted names across nested keys).
 */

/** A rule to index: its pattern and its position among the bus's rules. */
export interface IndexedRule<T> {
  readonly item: T;
  readonly pattern?: Readonly<Record<string, unknown>>;
  readonly order: number;
}

/** Rules fewer than this are tested one by one: a split would cost more than it saves. */
const MIN_SPLIT = 8;
const MAX_DEPTH = 3;

interface Node<T> {
  /** Rules tested at this node whatever the event holds. */
  readonly scan: readonly IndexedRule<T>[];
  readonly split?: {
    readonly field: string;
    /** The field's name and every dotted prefix of it: the paths worth walking into. */
    readonly prefixes: ReadonlySet<string>;
    readonly byValue: ReadonlyMap<string, Node<T>>;
    /** Rules that do not pin the field. */
    readonly rest: Node<T>;
  };
}

/** Rules of one bus, indexed by the exact values their patterns demand. */
export class RuleIndex<T> {
  private readonly root: Node<T>;

  constructor(rules: readonly IndexedRule<T>[]) {
    this.root = build(rules.map((r) => ({ rule: r, pinned: pinnedFields(r.pattern) })), 0);
  }

  /** The rules the event could match, in their order on the bus. */
  candidates(event: Readonly<Record<string, unknown>>): T[] {
    const found: IndexedRule<T>[] = [];
    collect(this.root, event, found);
    if (found.length > 1) {
      found.sort((a, b) => a.order - b.order);
      // A rule pinning several values is reached once per value the event holds.
      for (let i = found.length - 1; i > 0; i--) if (found[i] === found[i - 1]) found.splice(i, 1);
    }
    return found.map((r) => r.item);
  }
}

interface Candidate<T> {
  readonly rule: IndexedRule<T>;
  /** Pinned fields: dotted name -> value keys (see keyOf). */
  readonly pinned: ReadonlyMap<string, readonly string[]>;
}

function build<T>(rules: readonly Candidate<T>[], depth: number, used: ReadonlySet<string> = new Set()): Node<T> {
  const field = depth < MAX_DEPTH && rules.length >= MIN_SPLIT ? bestField(rules, used) : undefined;
  if (!field) return { scan: rules.map((c) => c.rule) };
  const buckets = new Map<string, Candidate<T>[]>();
  const rest: Candidate<T>[] = [];
  for (const c of rules) {
    const keys = c.pinned.get(field);
    if (!keys) rest.push(c);
    else for (const key of keys) (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(c);
  }
  const next = new Set([...used, field]);
  const byValue = new Map([...buckets].map(([key, list]) => [key, build(list, depth + 1, next)]));
  return { scan: [], split: { field, prefixes: prefixesOf(field), byValue, rest: build(rest, depth + 1, next) } };
}

/** The field whose values leave the fewest rules to test: many rules pin it, and no one value is demanded by most. */
function bestField<T>(rules: readonly Candidate<T>[], used: ReadonlySet<string>): string | undefined {
  const stats = new Map<string, { pinned: number; byKey: Map<string, number> }>();
  for (const c of rules) {
    for (const [field, keys] of c.pinned) {
      if (used.has(field)) continue;
      const s = stats.get(field) ?? { pinned: 0, byKey: new Map() };
      s.pinned++;
      for (const k of keys) s.byKey.set(k, (s.byKey.get(k) ?? 0) + 1);
      stats.set(field, s);
    }
  }
  let best: { field: string; saved: number } | undefined;
  for (const [field, s] of stats) {
    // Rules an event skips at best: all pinned ones but those sharing the most common value.
    const saved = s.pinned - Math.max(...s.byKey.values());
    if (saved > 0 && (!best || saved > best.saved || (saved === best.saved && field < best.field))) best = { field, saved };
  }
  return best?.field;
}

function collect<T>(node: Node<T>, event: Readonly<Record<string, unknown>>, found: IndexedRule<T>[]): void {
  for (const r of node.scan) found.push(r);
  const split = node.split;
  if (!split) return;
  for (const key of valuesAt(event, split.field, split.prefixes)) {
    const bucket = split.byValue.get(key);
    if (bucket) collect(bucket, event, found);
  }
  collect(split.rest, event, found);
}

/**
 * The keys of the string and number leaves an event holds at a dotted field, found as the
 * matcher's flattening finds them (lib/patterns/match.ts): arrays are walked at any depth, and
 * a name is built from nested keys joined by dots, so `{"a": {"b.c": 1}}` holds `a.b.c`.
 */
function valuesAt(event: Readonly<Record<string, unknown>>, field: string, prefixes: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const visit = (value: unknown, name: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, name);
    } else if (typeof value === 'object' && value !== null) {
      for (const key in value) {
        const child = `${name}.${key}`;
        if (prefixes.has(child) && Object.hasOwn(value, key)) visit((value as Record<string, unknown>)[key], child);
      }
    } else if (name === field) {
      const key = keyOf(value);
      if (key !== undefined) out.push(key);
    }
  };
  for (const key in event) if (prefixes.has(key) && Object.hasOwn(event, key)) visit(event[key], key);
  return out;
}

/** A leaf's key: strings and numbers never equal each other, and numbers compare by value (`5` and `5.0`). */
function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number' && Number.isFinite(value)) return `n${value}`;
  return undefined;
}

/** Fields a pattern pins to exact strings and numbers, with their value keys; none for a pattern with `$or`. */
function pinnedFields(pattern: Readonly<Record<string, unknown>> | undefined): Map<string, readonly string[]> {
  const pinned = new Map<string, readonly string[]>();
  if (!pattern) return pinned;
  const seen = new Set<string>();
  let hasOr = false;
  const walk = (node: Readonly<Record<string, unknown>>, name: string): void => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or') hasOr = true;
      const field = name ? `${name}.${key}` : key;
      if (Array.isArray(value)) {
        // A name given twice (`{"a.b": [..], "a": {"b": [..]}}`) is not indexed.
        if (seen.has(field)) pinned.delete(field);
        else {
          const keys = value.map(exactKey);
          if (keys.length > 0 && keys.every((k) => k !== undefined)) pinned.set(field, [...new Set(keys as string[])]);
        }
        seen.add(field);
      } else if (typeof value === 'object' && value !== null) walk(value as Record<string, unknown>, field);
    }
  };
  walk(pattern, '');
  return hasOr ? new Map() : pinned;
}

/** The key of an exact pattern value, or undefined for anything the index cannot compare as text (operators, booleans, null, IP addresses). */
function exactKey(value: unknown): string | undefined {
  // The matcher compares strings that look like IP addresses as addresses: leave them to it.
  if (typeof value === 'string' && /^[0-9A-Fa-f:.]+$/.test(value) && /[.:]/.test(value)) return undefined;
  return typeof value === 'string' || typeof value === 'number' ? keyOf(value) : undefined;
}

function prefixesOf(field: string): Set<string> {
  const out = new Set<string>();
  for (let dot = field.indexOf('.'); dot >= 0; dot = field.indexOf('.', dot + 1)) out.add(field.slice(0, dot));
  out.add(field);
  return out;
}
