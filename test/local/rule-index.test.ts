/**
 * The rule index narrows a bus's rules before their matchers run; it must never leave out a
 * rule whose pattern matches. A property over random patterns and events (small vocabularies,
 * so that values, dotted names and arrays collide often), and tables for what it narrows.
 */
import fc from 'fast-check';
import { RuleIndex } from '../../lib/local/events/rule-index';
import { compileEventPattern, type CompiledEventPattern } from '../../lib/patterns';

const name = fc.constantFrom('source', 'detail', 'a', 'b', 'b.c');
// Two spellings of each of two IP addresses, which the matcher takes as equal.
const text = fc.constantFrom('x', 'y', '5', 'a.b', '10.0.0.1', '10.0.0.01', '::1', '0:0:0:0:0:0:0:1');
const number = fc.constantFrom(5, 5.0, -0, 0, 1.5, 1e21);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** Pattern values: mostly exact, sometimes an operator the index must not use. */
const matchValue = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(text, number) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(true, null, { prefix: 'x' }, { 'anything-but': 'x' }, { exists: false }, { exists: true }, { numeric: ['>', 1] }) },
);

const { pattern } = fc.letrec((tie) => ({
  pattern: fc.dictionary(name, tie('field'), { minKeys: 1, maxKeys: 3 }),
  field: fc.oneof({ depthSize: 'small' }, fc.array(matchValue, { minLength: 1, maxLength: 3 }), tie('pattern'), fc.array(tie('pattern'), { minLength: 1, maxLength: 2 }).map((branches) => ({ $or: branches }))),
}));

const { event } = fc.letrec((tie) => ({
  event: fc.dictionary(name, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 3 }), tie('event'), fc.array(tie('event'), { maxLength: 2 })),
}));

/** The valid patterns of a list, compiled (invalid ones are refused before rules are indexed). */
function compiled(patterns: readonly Record<string, unknown>[]): Array<{ pattern: Record<string, unknown>; matcher: CompiledEventPattern }> {
  const out: Array<{ pattern: Record<string, unknown>; matcher: CompiledEventPattern }> = [];
  for (const p of patterns) {
    try {
      out.push({ pattern: p, matcher: compileEventPattern(p) });
    } catch {
      // Invalid: never indexed.
    }
  }
  return out;
}

test('every rule whose pattern matches an event is among its candidates, in rule order', () => {
  fc.assert(
    fc.property(fc.array(pattern, { minLength: 8, maxLength: 40 }), fc.array(event, { minLength: 1, maxLength: 5 }), (patterns, events) => {
      const rules = compiled(patterns);
      const index = new RuleIndex(rules.map((r, order) => ({ item: order, pattern: r.pattern, order })));
      for (const e of events) {
        const candidates = index.candidates(e);
        expect(candidates).toEqual([...new Set(candidates)].sort((a, b) => a - b));
        const matching = rules.flatMap((r, order) => (r.matcher.matches(e) ? [order] : []));
        for (const m of matching) expect(candidates).toContain(m);
      }
    }),
    { numRuns: 300 },
  );
});

describe('narrowing', () => {
  const buckets = Array.from({ length: 50 }, (_, i) => ({ source: ['shop'], detail: { bucket: [i] } }));
  const index = new RuleIndex(
    [...buckets, { source: ['shop'], 'detail-type': [{ prefix: 'Order' }] }, { source: ['other'] }].map((pattern, order) => ({ item: order, pattern, order })),
  );

  test.each([
    ['one bucket value', { source: 'shop', 'detail-type': 'X', detail: { bucket: 7 } }, [7]],
    ['a number written as 7.0', { source: 'shop', detail: { bucket: 7.0 } }, [7]],
    ['values in an array', { source: 'shop', detail: { bucket: [3, 9, 3] } }, [3, 9]],
    ['objects in an array', { source: 'shop', detail: [{ bucket: 4 }, { bucket: 40 }] }, [4, 40]],
    ['a dotted key', { source: 'shop', 'detail.bucket': 11 }, [11]],
    ['a string where the pattern has a number', { source: 'shop', detail: { bucket: '7' } }, []],
    ['no bucket', { source: 'other' }, []],
  ])('%s: the bucket rules it can match, and the two that pin no bucket', (_, e, buckets) => {
    const expected = [...buckets, 50, 51];
    expect(index.candidates(e)).toEqual(expected);
  });
});
