/**
 * `explainEventPattern`: the verdict is the engine's, the first failing field and its reason
 * are right, and each kind of near miss is recognised (table), for all inputs where a rule must
 * hold (properties).
 */
import fc from 'fast-check';
import { InvalidEventPatternError, compileEventPattern, explainEventPattern, formatExplanation, type NearMissKind } from '../../lib/patterns';

describe('explainEventPattern: the first failing field and the near miss behind it', () => {
  const cases: Array<[string, object, object, string, NearMissKind | undefined, RegExp | undefined]> = [
    ['a value differing in case', { 'detail-type': ['OrderPlaced'] }, { 'detail-type': 'orderPlaced' }, 'detail-type', 'case', /equals-ignore-case/],
    ['a number sent as a string, exact', { detail: { qty: [2] } }, { detail: { qty: '2' } }, 'detail.qty', 'type', /string "2"/],
    ['a string sent as a number, exact', { detail: { code: ['42'] } }, { detail: { code: 42 } }, 'detail.code', 'type', /without quotes/],
    ['a boolean sent as a string', { detail: { paid: [true] } }, { detail: { paid: 'true' } }, 'detail.paid', 'type', /string "true"/],
    ['a number sent as a string, numeric', { detail: { total: [{ numeric: ['>', 100] }] } }, { detail: { total: '250' } }, 'detail.total', 'type', /numeric compares JSON numbers only/],
    ['an exact value where a prefix was meant', { detail: { kind: ['Order'] } }, { detail: { kind: 'OrderPlaced' } }, 'detail.kind', 'prefix', /\{"prefix": "Order"\}/],
    ['a prefix in another case', { source: [{ prefix: 'Shop.' }] }, { source: 'shop.orders' }, 'source', 'case', /"prefix": \{"equals-ignore-case"/],
    ['a string operator on a number', { detail: { id: [{ prefix: '12' }] } }, { detail: { id: 123 } }, 'detail.id', 'type', /prefix tests strings only/],
    ['a field name differing in case', { detail: { orderId: [{ exists: true }] } }, { detail: { orderID: 'o-1' } }, 'detail.orderId', 'case', /detail\.orderID/],
    ['a detail field written at the top', { status: ['paid'] }, { detail: { status: 'paid' } }, 'status', 'level', /under detail/],
    ['an envelope field written under detail', { detail: { source: ['shop'] } }, { source: 'shop', detail: {} }, 'detail.source', 'level', /envelope field/],
    ['an object where a value was expected', { detail: { customer: ['c-1'] } }, { detail: { customer: { id: 'c-1' } } }, 'detail.customer', 'object', /detail\.customer\.id/],
    ['exists on an object', { detail: { customer: [{ exists: true }] } }, { detail: { customer: { id: 'c-1' } } }, 'detail.customer', 'object', /exists included/],
    ['an empty array', { detail: { tags: ['vip'] } }, { detail: { tags: [] } }, 'detail.tags', 'array', /empty array/],
    ['a field that is nowhere', { detail: { region: ['eu'] } }, { detail: { zone: 'eu', id: 1 } }, 'detail.region', 'missing', /detail has zone, id/],
    ['array elements that each meet part of the conditions', { detail: { items: { sku: ['a'], qty: [1] } } }, { detail: { items: [{ sku: 'a' }, { qty: 1 }] } }, 'detail.items.sku', 'array', /one array element/],
    ['a plain mismatch', { source: ['shop'] }, { source: 'billing' }, 'source', undefined, undefined],
  ];

  test.each(cases)('%s', (_name, pattern, event, field, kind, hint) => {
    const why = explainEventPattern(pattern, event);
    expect(why.matched).toBe(false);
    expect(why.misses[0].field).toBe(field);
    if (kind === undefined) {
      expect(why.misses[0].nearMisses).toEqual([]);
    } else {
      expect(why.misses[0].nearMisses).toContainEqual({ kind, hint: expect.stringMatching(hint!) });
    }
  });

  test('the first miss is the first field the pattern writes, and every failing field is listed', () => {
    const why = explainEventPattern({ source: ['shop'], 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 100] }] } }, { source: 'billing', 'detail-type': 'OrderPlaced', detail: { total: 5 } });
    expect(why.misses.map((m) => m.field)).toEqual(['source', 'detail.total']);
    expect(why.misses[0].reason).toBe('source is "billing"; the pattern wants ["shop"]');
    expect(why.misses[1]).toMatchObject({ expected: [{ numeric: ['>', 100] }], actual: [5] });
  });

  test('an array field lists every element it holds', () => {
    const why = explainEventPattern({ detail: { tags: ['vip'] } }, { detail: { tags: ['new', 'eu'] } });
    expect(why.misses[0].actual).toEqual(['new', 'eu']);
    expect(why.misses[0].reason).toMatch(/\["new", "eu"\] \(an array: any one element may match, none does\)/);
  });

  test('exists: false on a present field says so', () => {
    const why = explainEventPattern({ detail: { error: [{ exists: false }] } }, { detail: { error: 'boom' } });
    expect(why.misses[0].reason).toBe('detail.error is present ("boom"); the pattern wants it absent');
  });

  test('with $or, the alternative failing on the fewest conditions is explained', () => {
    const pattern = { $or: [{ source: ['a'], detail: { x: [1] } }, { source: ['shop'], detail: { y: [2] } }] };
    const why = explainEventPattern(pattern, { source: 'shop', detail: { y: 3 } });
    expect(why.alternatives).toBe(2);
    expect(why.misses.map((m) => m.field)).toEqual(['detail.y']);
    expect(formatExplanation(why)).toMatch(/closest of the pattern's 2 \$or alternatives/);
  });

  test('a match has no misses; a text event is parsed; a non-object never matches', () => {
    expect(explainEventPattern({ source: ['shop'] }, { source: 'shop' })).toEqual({ matched: true, misses: [], alternatives: 1 });
    expect(explainEventPattern('{"source":["shop"]}', '{"source":"shop"}').matched).toBe(true);
    const why = explainEventPattern({ source: ['shop'] }, ['shop']);
    expect(why).toMatchObject({ matched: false, misses: [{ reason: 'the event is ["shop"], not a JSON object' }] });
  });

  test('a pattern EventBridge rejects throws its error', () => {
    expect(() => explainEventPattern({ source: 'shop' }, {})).toThrow(InvalidEventPatternError);
  });

  test('formatExplanation indents near misses under their miss', () => {
    const text = formatExplanation(explainEventPattern({ 'detail-type': ['OrderPlaced'] }, { 'detail-type': 'orderplaced' }), '  ');
    expect(text.split('\n')).toEqual([
      '  detail-type is "orderplaced"; the pattern wants ["OrderPlaced"]',
      '    near miss (case): "orderplaced" differs from "OrderPlaced" only in case; match any case with {"equals-ignore-case": "OrderPlaced"}',
    ]);
  });
});

describe('explainEventPattern: properties', () => {
  const runs = { numRuns: 300 };
  const small = fc.constantFrom('a', 'A', 'b', 'ab', '1', 1, 2, true, 'true', null);
  const condition = fc.oneof(
    small.map((v) => [v]),
    fc.constantFrom('a', 'b', 'A').map((p) => [{ prefix: p }]),
    fc.constantFrom('a', 'B').map((p) => [{ 'equals-ignore-case': p }]),
    fc.integer({ min: 0, max: 3 }).map((n) => [{ numeric: ['>', n] }]),
    fc.boolean().map((b) => [{ exists: b }]),
    small.filter((v) => typeof v === 'string').map((v) => [{ 'anything-but': v }]),
  );
  const names = fc.constantFrom('x', 'y', 'z');
  const flatPattern = fc.dictionary(names, condition, { minKeys: 1, maxKeys: 3 });
  const pattern = fc.oneof(
    flatPattern,
    flatPattern.map((p) => ({ o: p })),
    fc.tuple(flatPattern, flatPattern).map(([a, b]) => ({ $or: [a, b] })),
    flatPattern.map((p) => ({ items: p })),
  );
  const value = fc.oneof(small, fc.array(small, { maxLength: 2 }), fc.dictionary(names, small, { maxKeys: 2 }));
  const flatEvent = fc.dictionary(names, value, { maxKeys: 3 });
  const event = fc.record({
    x: value, y: value, o: flatEvent,
    items: fc.array(flatEvent, { maxLength: 3 }),
  }, { requiredKeys: [] });

  test('explain says "matched" exactly when the engine matches', () => {
    fc.assert(fc.property(pattern, event, (p, e) => {
      expect(explainEventPattern(p, e).matched).toBe(compileEventPattern(p).matches(e));
    }), runs);
  });

  test('a miss always names at least one field of the pattern, with a reason', () => {
    fc.assert(fc.property(pattern, event, (p, e) => {
      const why = explainEventPattern(p, e);
      fc.pre(!why.matched);
      expect(why.misses.length).toBeGreaterThan(0);
      const text = JSON.stringify(p);
      for (const miss of why.misses) {
        expect(text).toContain(`"${miss.field.split('.').pop()}"`);
        expect(miss.reason).toContain(miss.field);
      }
    }), runs);
  });

  test('a reported miss is real: the pattern of that field alone does not match the event', () => {
    fc.assert(fc.property(flatPattern, flatEvent, (p, e) => {
      const why = explainEventPattern(p, e);
      fc.pre(!why.matched);
      for (const miss of why.misses) {
        expect(compileEventPattern({ [miss.field]: miss.expected }).matches(e)).toBe(false);
      }
    }), runs);
  });
});
