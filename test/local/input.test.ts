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
          inputTemplate: '{"order": <id>, "total": <total>, "items": <items>, "text": "Order <id> of <total>: <note>", "none": <none>}',
        },
      }),
      event,
    );
    expect(JSON.parse(out)).toEqual({ order: 'o-1', total: 12.5, items: [{ sku: 'A' }], text: 'Order o-1 of 12.5: say "hi"', none: null });
  });

  test("InputTransformer: the predefined variables name the matched rule (not the event's resources) and the event", () => {
    const rule = { name: 'orders-rule', arn: 'arn:aws:events:us-east-1:1:rule/shop/orders-rule' };
    const template = '{"arn": <aws.events.rule-arn>, "name": "rule <aws.events.rule-name>", "event": <aws.events.event>, "whole": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}';
    const out = JSON.parse(targetInput(target({ inputTransformer: { inputPathsMap: {}, inputTemplate: template } }), event, rule));
    const { detail: _detail, ...withoutDetail } = event;
    expect(out).toEqual({ arn: rule.arn, name: 'rule orders-rule', event: withoutDetail, whole: event, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  test('InputTransformer: a plain-text template', () => {
    const out = targetInput(target({ inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '"Order <id> placed"' } }), event);
    expect(JSON.parse(out)).toBe('Order o-1 placed');
  });
});
