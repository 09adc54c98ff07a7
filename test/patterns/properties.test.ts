/**
 * Properties that must hold for all inputs, checked with fast-check.
 * numRuns stays modest so the suite runs in well under a second or two.
 */
import fc from 'fast-check';
import {
  InvalidEventPatternError,
  compileEventPattern,
  validateEventPattern,
} from '../../lib/patterns';
import { looksLikeIp } from '../../lib/patterns/cidr';

const runs = { numRuns: 200 };

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);

/** JSON events: nested objects, arrays of scalars, arrays of objects. */
const { event } = fc.letrec((tie) => ({
  event: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    tie('event'),
    fc.array(tie('event'), { maxLength: 2 }),
  ),
}));

/** The pattern that asks for exactly the leaf values the event has (one element per object array). */
function patternOf(object: Record<string, unknown>): Record<string, unknown> | undefined {
  const pattern: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) {
    if (Array.isArray(v)) {
      const objects = v.filter((e) => typeof e === 'object' && e !== null) as Record<string, unknown>[];
      const sub = objects.length > 0 ? patternOf(objects[0]) : undefined;
      if (sub) pattern[k] = sub;
      else if (v.length > 0 && objects.length === 0) pattern[k] = v;
    } else if (typeof v === 'object' && v !== null) {
      const sub = patternOf(v as Record<string, unknown>);
      if (sub) pattern[k] = sub;
    } else {
      pattern[k] = [v];
    }
  }
  return Object.keys(pattern).length > 0 ? pattern : undefined;
}

const matches = (pattern: object, e: unknown) => compileEventPattern(pattern).matches(e);

describe('properties', () => {
  test('an event matches the pattern built from its own leaf values', () => {
    fc.assert(
      fc.property(event, (e) => {
        const pattern = patternOf(e);
        fc.pre(pattern !== undefined);
        expect(matches(pattern!, e)).toBe(true);
      }),
      runs,
    );
  });

  const excluded = fc.oneof(
    fc.string({ maxLength: 6 }).filter((s) => !looksLikeIp(s)),
    fc.integer({ min: -50, max: 50 }),
  );
  test('anything-but [v] matches a present scalar exactly when [v] does not', () => {
    fc.assert(
      fc.property(excluded, fc.oneof(scalar, fc.integer({ min: -50, max: 50 })), fc.boolean(), (v, other, same) => {
        const e = { f: same ? v : other };
        expect(matches({ f: [{ 'anything-but': v }] }, e)).toBe(!matches({ f: [v] }, e));
        expect(matches({ f: [{ 'anything-but': [v] }] }, e)).toBe(!matches({ f: [v] }, e));
      }),
      runs,
    );
  });

  const small = fc.constantFrom('a', 'b', 'ab', 1, 2, true, null);
  const condition = fc.oneof(
    small.map((v) => [v]),
    fc.constantFrom('a', 'b').map((p) => [{ prefix: p }]),
    fc.integer({ min: 0, max: 3 }).map((n) => [{ numeric: ['>', n] }]),
    fc.boolean().map((b) => [{ exists: b }]),
  );
  const simplePattern = fc.dictionary(fc.constantFrom('x', 'y', 'z'), condition, { minKeys: 1, maxKeys: 2 });
  const smallEvent = fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.oneof(small, fc.array(small, { maxLength: 2 })));

  test('$or [a, b] matches exactly when a or b matches', () => {
    fc.assert(
      fc.property(simplePattern, simplePattern, smallEvent, (a, b, e) => {
        expect(matches({ $or: [a, b] }, e)).toBe(matches(a, e) || matches(b, e));
        expect(matches({ nested: { $or: [a, b] } }, { nested: e })).toBe(matches(a, e) || matches(b, e));
      }),
      runs,
    );
  });

  test('prefix agrees with String.prototype.startsWith', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), fc.boolean(), (p, rest, extend) => {
        const s = extend ? p + rest : rest;
        expect(matches({ f: [{ prefix: p }] }, { f: s })).toBe(s.startsWith(p));
        expect(matches({ f: [{ suffix: p }] }, { f: s })).toBe(s.endsWith(p));
      }),
      runs,
    );
  });

  const inLimits = fc.double({ min: -5e9, max: 5e9, noNaN: true });
  test('a numeric range agrees with direct comparison', () => {
    fc.assert(
      fc.property(inLimits, inLimits, inLimits, fc.boolean(), fc.boolean(), (a, b, x, openLow, openHigh) => {
        fc.pre(a !== b);
        const [low, high] = a < b ? [a, b] : [b, a];
        const pattern = { n: [{ numeric: [openLow ? '>' : '>=', low, openHigh ? '<' : '<=', high] }] };
        const expected = (openLow ? x > low : x >= low) && (openHigh ? x < high : x <= high);
        expect(matches(pattern, { n: x })).toBe(expected);
        expect(matches({ n: [{ numeric: ['=', low] }] }, { n: x })).toBe(x === low);
      }),
      runs,
    );
  });

  test('an escaped literal used as a wildcard matches exactly that literal', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (s, other) => {
        const escaped = s.replace(/[\\*]/g, (c) => `\\${c}`);
        expect(matches({ f: [{ wildcard: escaped }] }, { f: other })).toBe(other === s);
        expect(matches({ f: [{ wildcard: `${escaped}*` }] }, { f: s + other })).toBe(true);
      }),
      runs,
    );
  });

  test('compiling is deterministic and only ever fails with InvalidEventPatternError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), event, (pattern, e) => {
        const text = JSON.stringify(pattern);
        const first = validateEventPattern(text);
        const second = validateEventPattern(text);
        expect(first === undefined || first instanceof InvalidEventPatternError).toBe(true);
        expect(second?.reason).toBe(first?.reason);
        expect(second?.path).toBe(first?.path);
        if (first === undefined) {
          const one = compileEventPattern(text);
          const two = compileEventPattern(pattern as object);
          expect(one.pattern).toEqual(two.pattern);
          expect(one.matches(e)).toBe(two.matches(e));
        }
      }),
      runs,
    );
  });
});
