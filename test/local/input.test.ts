import type { RuleTargetModel } from '../../lib/model';
import { jsonPath, targetInput } from '../../lib/local';

const event = { version: '0', id: 'e-1', 'detail-type': 'OrderPlaced', source: 'shop', account: '1', time: '2024-01-01T00:00:00Z', region: 'us-east-1', resources: ['arn:r'], detail: { id: 'o-1', total: 12.5, items: [{ sku: 'A' }], note: 'say "hi"', 'odd-key': true } };
const target = (extra: Partial<RuleTargetModel>): RuleTargetModel => ({ id: 'T', arn: 'arn:fn', maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60, ...extra });

describe('rule target input', () => {
  test('the whole event by default', () => {
    expect(JSON.parse(targetInput(target({}), event))).toEqual(event);
  });

  test('constant Input', () => {
    expect(targetInput(target({ input: '{"fixed":1}' }), event)).toBe('{"fixed":1}');
  });

  test.each([
    ['$', event],
    ['$.detail', event.detail],
    ['$.detail.items[0].sku', 'A'],
    ["$.detail['odd-key']", true],
    ['$.detail.missing', undefined],
  ])('InputPath %s', (path, expected) => {
    expect(jsonPath(event, path)).toEqual(expected);
  });

  test('InputTransformer: values as JSON outside strings, as text inside them', () => {
    const out = targetInput(
      target({
        inputTransformer: {
          inputPathsMap: { id: '$.detail.id', total: '$.detail.total', items: '$.detail.items', note: '$.detail.note', none: '$.detail.none' },
          inputTemplate: '{"order": <id>, "total": <total>, "items": <items>, "text": "Order <id> of <total>: <note>", "none": <none>, "rule": <aws.events.rule-arn>}',
        },
      }),
      event,
    );
    expect(JSON.parse(out)).toEqual({ order: 'o-1', total: 12.5, items: [{ sku: 'A' }], text: 'Order o-1 of 12.5: say "hi"', none: null, rule: 'arn:r' });
  });

  test('InputTransformer: a plain-text template', () => {
    const out = targetInput(target({ inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '"Order <id> placed"' } }), event);
    expect(JSON.parse(out)).toBe('Order o-1 placed');
  });
});
