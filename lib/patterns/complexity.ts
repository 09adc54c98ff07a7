/**
 * The "rule is too complex" check EventBridge applies to patterns with wildcards.
 *
 * EventBridge compiles a rule into aws/event-ruler's state machine and refuses it when the
 * machine's complexity is over a maximum (event-ruler's README, "MachineComplexityEvaluator"):
 * the most wildcard patterns a single worst-case input value can be partway through at once.
 * Sub-rules are laid out as event-ruler lays them out: fields in name order, one byte machine per
 * field per name state, the values of a field chained to one next name state, a value shared by
 * two sub-rules leading to the same state. Within a field's machine, each wildcard value is a
 * path of UTF-8 bytes (quotes included, as event-ruler stores strings); a `*` is a state that
 * loops on every byte, with a skip edge for the empty match. The determinate prefix before the
 * first `*` and that first `*` are shared between values; the paths after it are not. The worst
 * case is found by walking every set of states some input can reach (subset construction); a set
 * counts the patterns through each of its states, plus those through the `*` states one step on.
 *
 * The maximum itself is not published. {@link MAX_WILDCARD_COMPLEXITY} is inferred from rules
 * EventBridge was seen to accept and refuse: `*.bif` `*.tiff` `*.tif` `*.svs` on one field
 * accepted (complexity 8 here); `*\/datasync/*.bif` with one sibling accepted (6) and with three
 * refused (12); `*:stack/<name>/*` for three stacks accepted (9), for four refused (12). Machines
 * reached only through `{"exists": false}` are not evaluated, as in event-ruler.
 */
import type { SubRule } from './compile';
import { parseWildcard } from './wildcard';

/** The highest complexity EventBridge accepts (inferred; see the module comment). */
export const MAX_WILDCARD_COMPLEXITY = 10;

/** Subsets explored at most per machine; past it the machine counts as too complex. */
const MAX_EXPLORED_SETS = 5_000;

const STAR = -1;
const utf8 = new TextEncoder();
/** Stands for every byte no literal transition names. */
const OTHER_BYTE = -2;

/** A field's byte machine: its wildcard values by identity (a value is one pattern, maybe several paths). */
interface FieldMachine {
  readonly next: Map<string, NameNode>;
  /** Next states reached by a value (not by `{"exists": false}`), which the evaluation follows. */
  readonly valueNext: Set<NameNode>;
  readonly wildcards: Map<string, readonly string[]>;
}

interface NameNode {
  readonly fields: Map<string, FieldMachine>;
}

/**
 * The complexity of a compiled pattern, counted up to `cap` (a value at `cap` means "at least").
 * Patterns without wildcards are 0.
 */
export function wildcardComplexity(subRules: readonly SubRule[], cap = MAX_WILDCARD_COMPLEXITY + 1): number {
  if (!subRules.some((rule) => rule.some((c) => c.values.some((v) => wildcardsOf(v).length > 0)))) return 0;
  const root = layOut(subRules);
  let max = 0;
  const seen = new Set<NameNode>();
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const machine of node.fields.values()) {
      if (machine.wildcards.size > 0) max = Math.max(max, machineComplexity(machine.wildcards, cap));
      if (max >= cap) return cap;
      pending.push(...machine.valueNext);
    }
  }
  return max;
}

/** Lays sub-rules out in name states, as event-ruler's `addRule` does. */
function layOut(subRules: readonly SubRule[]): NameNode {
  const root: NameNode = { fields: new Map() };
  for (const rule of subRules) {
    let states = new Set([root]);
    for (const condition of rule) {
      const next = new Set<NameNode>();
      for (const state of states) {
        let machine = state.fields.get(condition.name);
        if (!machine) state.fields.set(condition.name, (machine = { next: new Map(), valueNext: new Set(), wildcards: new Map() }));
        let last: NameNode | undefined;
        for (const value of condition.values) {
          const id = identity(value);
          const node = machine.next.get(id) ?? last ?? { fields: new Map() };
          machine.next.set(id, node);
          last = node;
          next.add(node);
          if (!isExistsFalse(value)) machine.valueNext.add(node);
          const wildcards = wildcardsOf(value);
          if (wildcards.length > 0) machine.wildcards.set(id, wildcards);
        }
      }
      states = next;
    }
  }
  return root;
}

/** A nondeterministic byte machine: per state, literal edges, edges on every byte, and the patterns through it. */
interface Nfa {
  readonly literal: Map<number, number[]>[];
  readonly any: number[][];
  readonly weight: Set<string>[];
}

function machineComplexity(wildcards: ReadonlyMap<string, readonly string[]>, cap: number): number {
  const nfa = buildNfa(wildcards);
  const alphabet = new Set<number>([OTHER_BYTE]);
  for (const edges of nfa.literal) for (const b of edges.keys()) alphabet.add(b);
  const seen = new Set<string>();
  const pending: number[][] = [[0]];
  let max = 0;
  while (pending.length > 0) {
    const active = pending.pop()!;
    for (const b of alphabet) {
      const next = step(nfa, active, b);
      if (next.length === 0) continue;
      max = Math.max(max, setComplexity(nfa, next));
      if (max >= cap) return cap;
      const key = next.join(',');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_EXPLORED_SETS) return cap;
      seen.add(key);
      pending.push(next);
    }
  }
  return max;
}

function buildNfa(wildcards: ReadonlyMap<string, readonly string[]>): Nfa {
  const nfa: Nfa = { literal: [new Map()], any: [[]], weight: [new Set()] };
  const add = (): number => {
    nfa.literal.push(new Map());
    nfa.any.push([]);
    nfa.weight.push(new Set());
    return nfa.literal.length - 1;
  };
  const edge = (from: number, b: number, to: number) => nfa.literal[from].set(b, [...(nfa.literal[from].get(b) ?? []), to]);
  // Shared: the trie of determinate prefixes, and the first `*` after each of its states.
  const trie = new Map<string, number>();
  const firstStar = new Map<number, number>();
  for (const [id, patterns] of wildcards) {
    for (const pattern of patterns) {
      let current = 0;
      let beforeStar = -1;
      let determinate = true;
      for (const token of tokens(pattern)) {
        let next: number;
        if (token === STAR) {
          next = determinate ? (firstStar.get(current) ?? add()) : add();
          if (determinate) firstStar.set(current, next);
          if (!nfa.any[current].includes(next)) nfa.any[current].push(next);
          if (!nfa.any[next].includes(next)) nfa.any[next].push(next);
          beforeStar = current;
          determinate = false;
        } else if (determinate) {
          const key = `${current}:${token}`;
          next = trie.get(key) ?? add();
          if (!trie.has(key)) edge(current, token, next);
          trie.set(key, next);
        } else {
          next = add();
          edge(current, token, next);
          // The `*` just passed may match nothing: its predecessor takes this byte too.
          if (beforeStar >= 0) edge(beforeStar, token, next);
          beforeStar = -1;
        }
        nfa.weight[next].add(id);
        current = next;
      }
    }
  }
  return nfa;
}

function step(nfa: Nfa, active: readonly number[], b: number): number[] {
  const next = new Set<number>();
  for (const s of active) {
    for (const t of nfa.any[s]) next.add(t);
    if (b !== OTHER_BYTE) for (const t of nfa.literal[s].get(b) ?? []) next.add(t);
  }
  return [...next].sort((x, y) => x - y);
}

/** Patterns through each active state, plus those through the `*` states they lead to (an input matching "foo" is partway through "foo*"). */
function setComplexity(nfa: Nfa, active: readonly number[]): number {
  const inSet = new Set(active);
  let n = 0;
  for (const s of active) {
    n += nfa.weight[s].size;
    for (const t of nfa.any[s]) if (!inSet.has(t)) n += nfa.weight[t].size;
  }
  return n;
}

/** A wildcard value as bytes and stars, between the quotes event-ruler stores strings in. */
function tokens(pattern: string): number[] {
  const quote = 0x22;
  const out = [quote];
  parseWildcard(pattern).segments.forEach((segment, i) => {
    if (i > 0) out.push(STAR);
    out.push(...utf8.encode(segment));
  });
  out.push(quote);
  return out;
}

/** The wildcard patterns of one value: `{"wildcard": s}` or `{"anything-but": {"wildcard": s | [s]}}`. */
function wildcardsOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const v = value as Record<string, unknown>;
  if (typeof v.wildcard === 'string') return [v.wildcard];
  const but = v['anything-but'];
  if (typeof but !== 'object' || but === null) return [];
  const inner = (but as Record<string, unknown>).wildcard;
  return typeof inner === 'string' ? [inner] : Array.isArray(inner) ? inner.filter((s): s is string => typeof s === 'string') : [];
}

function isExistsFalse(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).exists === false;
}

/** Equal values lead to the same next state; key order inside an operator object does not matter. */
function identity(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}
