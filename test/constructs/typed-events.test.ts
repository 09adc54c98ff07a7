import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { ErrorCode, EventApp, EventAppProps } from '../../lib';
import { defineEvent } from '../../lib/runtime';

const HELLO = 'test/fixtures/handlers/hello.ts';

const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  description: 'An order was placed.',
  schema: z.object({ orderId: z.string(), total: z.number(), region: z.enum(['eu', 'us']) }),
});
const Shipped = defineEvent({ source: 'shop.shipping', detailType: 'Shipped', schema: z.object({ orderId: z.string() }) });

describe('subscriptions to defined events', () => {
  const stack = new Stack(new App(), 'Test');
  const app = new EventApp(stack, 'App', { events: [Shipped] });
  app.addSubscription('BigOrders', {
    event: OrderPlaced,
    where: { total: [{ numeric: ['>', 100] }], region: ['eu'] },
    handler: HELLO,
  });
  app.addSubscription('AllOrders', { event: OrderPlaced, handler: HELLO });
  const template = Template.fromStack(stack);

  test('derive the rule pattern from the definition and the where filter', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 100] }], region: ['eu'] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: Match.absent() },
    });
  });

  test('publish one JSON Schema per event in the registry, subscribed or listed', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.resourceCountIs('AWS::EventSchemas::Schema', 2);
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema'));
    const placed = schemas.find((s) => s.Properties.SchemaName === 'shop.orders@OrderPlaced')!;
    expect(placed.Properties.Type).toBe('JSONSchemaDraft4');
    const content = JSON.parse(placed.Properties.Content);
    expect(content.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(content.properties['detail-type']).toEqual({ type: 'string', enum: ['OrderPlaced'] });
    expect(content.properties.detail.properties.total).toEqual({ type: 'number' });
    expect(content.properties.detail.required).toEqual(expect.arrayContaining(['orderId', 'total', 'region']));
    expect(schemas.map((s) => s.Properties.SchemaName).sort()).toEqual(['shop.orders@OrderPlaced', 'shop.shipping@Shipped']);
  });

  test('schemaRegistry: false creates none', () => {
    const s = new Stack(new App(), 'NoRegistry');
    new EventApp(s, 'App', { schemaRegistry: false, subscriptions: { All: { event: OrderPlaced, handler: HELLO } } });
    Template.fromStack(s).resourceCountIs('AWS::EventSchemas::Registry', 0);
  });
});

describe('rejected at synth', () => {
  // The map form is loosely typed, so it reaches the run-time checks the typed methods prevent.
  const cases: Array<[string, EventAppProps, string]> = [
    ['pattern and event together', { subscriptions: { S: { event: OrderPlaced, pattern: { source: ['x'] }, handler: HELLO } } }, 'either "pattern" or "event"'],
    ['where without event', { subscriptions: { S: { pattern: { source: ['x'] }, where: { total: [1] }, handler: HELLO } } }, '"where" needs "event"'],
    ['neither pattern nor event', { subscriptions: { S: { handler: HELLO } } }, 'needs "pattern" or "event"'],
    ['an invalid where filter', { subscriptions: { S: { event: OrderPlaced, where: { total: [{ numeric: ['>'] }] }, handler: HELLO } } }, 'Invalid event pattern'],
    [
      'two definitions of one event type',
      { events: [Shipped, defineEvent({ source: 'shop.shipping', detailType: 'Shipped', schema: z.object({ other: z.string() }) })] },
      'share a source and detail type',
    ],
  ];
  test.each(cases)('%s', (_name, props, mentions) => {
    expect(() => new EventApp(new Stack(new App(), 'Test'), 'App', props)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^SY1[26]0$/), message: expect.stringContaining(mentions) }),
    );
  });

  test('invalid where is reported as an event pattern error', () => {
    const app = new EventApp(new Stack(new App(), 'Test'), 'App');
    expect(() => app.addSubscription('S', { event: OrderPlaced, where: { total: [] }, handler: HELLO })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_EVENT_PATTERN }),
    );
  });
});
