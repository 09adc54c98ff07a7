/**
 * Publisher and subscriber, checked at synth: a subscription whose pattern matches none of the
 * app's defined events (SY121), a defined event no subscription matches (SY122); both
 * acknowledgeable as cdk-nag findings are, through aws-cdk-lib's Annotations.
 */
import { Annotations as CdkAnnotations, App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { z } from 'zod';
import { EventApp, WarningCode } from '../../lib';
import { defineEvent } from '../../lib/runtime';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object({ orderId: z.string() }) });
const OrderShipped = defineEvent({ source: 'shop.orders', detailType: 'OrderShipped', schema: z.object({ orderId: z.string() }) });
const Refunded = defineEvent({ source: 'shop.payments', detailType: 'Refunded', schema: z.object({ amount: z.number() }) });

function appWith(setup: (app: EventApp) => void): Stack {
  const stack = new Stack(new App(), 'Test');
  setup(new EventApp(stack, 'Shop'));
  return stack;
}

const sy121 = Match.stringLikeRegexp(`^\\[${WarningCode.PATTERN_MATCHES_NO_EVENT}\\] `);
const sy122 = Match.stringLikeRegexp(`^\\[${WarningCode.EVENT_WITHOUT_SUBSCRIBER}\\] `);

describe('SY121: a subscription whose pattern matches none of the defined events', () => {
  test('warns on the rule, naming the closest event, its first failing field and the near miss', () => {
    const stack = appWith((app) => {
      app.addSubscription('Placed', { event: OrderPlaced, handler: HELLO });
      app.addSubscription('Audit', { pattern: { source: ['shop.orders'], detailType: ['orderShipped'] }, handler: HELLO });
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Shop/Audit/Rule', sy121);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toBe(
      "[SY121] Subscription Audit's pattern matches none of the app's defined events (shop.orders@OrderPlaced). " +
        'Closest, shop.orders@OrderPlaced: detail-type is "OrderPlaced"; the pattern wants ["orderShipped"]. ' +
        "Fix: correct the pattern, or subscribe with event: <the definition>; when it takes events from outside the app, acknowledge: Annotations.of(rule).acknowledgeWarning('switchyard:SY121', 'why') [ack: switchyard:SY121]",
    );
    // The event it meant is defined: the near miss (case) is in the message.
    const meant = appWith((app) => {
      app.registerEvent(OrderShipped);
      app.addSubscription('Audit', { pattern: { source: ['shop.orders'], detailType: ['orderShipped'] }, handler: HELLO });
    });
    Annotations.fromStack(meant).hasWarning('/Test/Shop/Audit/Rule', Match.stringLikeRegexp('near miss \\(case\\): "OrderShipped" differs from "orderShipped" only in case'));
  });

  test.each<[string, Record<string, unknown>]>([
    ['an exact source and detail type', { source: ['shop.orders'], detailType: ['OrderShipped'] }],
    ['a prefix on the source', { source: [{ prefix: 'shop.' }] }],
    ['an $or of envelope conditions', { $or: [{ source: ['elsewhere'] }, { detailType: ['Refunded'] }] }],
    ['conditions on the detail only (not decidable from a schema)', { detail: { orderId: ['o-1'] } }],
    ['an $or one of whose branches is on the detail only', { $or: [{ source: ['elsewhere'] }, { detail: { x: [1] } }] }],
  ])('no warning for a pattern that can match a defined event: %s', (_name, pattern) => {
    const stack = appWith((app) => {
      app.registerEvent(OrderShipped);
      app.registerEvent(Refunded);
      app.addSubscription('Audit', { pattern, handler: HELLO });
    });
    expect(Annotations.fromStack(stack).findWarning('*', sy121)).toEqual([]);
  });

  test('an app without defined events is not checked', () => {
    const stack = appWith((app) => app.addSubscription('Audit', { pattern: { source: ['partner.billing'] }, handler: HELLO }));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^\\[SY12[12]\\]'))).toEqual([]);
  });

  test('acknowledged on the rule before synth, its warning is never added; another rule still warns', () => {
    const stack = appWith((app) => {
      app.registerEvent(OrderPlaced);
      const rule = app.addSubscription('Partner', { pattern: { source: ['partner.billing'] }, handler: HELLO });
      CdkAnnotations.of(rule).acknowledgeWarning('switchyard:SY121', 'receives the partner bus forwarding');
      app.addSubscription('Other', { pattern: { source: ['partner.crm'] }, handler: HELLO });
    });
    const annotations = Annotations.fromStack(stack);
    annotations.hasNoWarning('/Test/Shop/Partner/Rule', sy121);
    annotations.hasWarning('/Test/Shop/Other/Rule', sy121);
  });
});

describe('SY122: a defined event no subscription matches', () => {
  test('warns on the app, one id per event, naming the event and the fix', () => {
    const stack = appWith((app) => {
      app.registerEvent(OrderShipped);
      app.registerEvent(Refunded);
      app.addSubscription('Shipping', { pattern: { source: ['shop.orders'] }, handler: HELLO });
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Shop', sy122);
    expect(warnings.map((w) => w.entry.data)).toEqual([
      "[SY122] Event shop.payments@Refunded is defined in the app, but no subscription of the app matches it. Fix: subscribe to it (addSubscription('Name', { event: Refunded, handler })), or, when consumers outside the app take it, acknowledge: Annotations.of(app).acknowledgeWarning('switchyard:SY122:shop.payments@Refunded', 'why') [ack: switchyard:SY122:shop.payments@Refunded]",
    ]);
  });

  test('an event subscribed with event:, or listed in events and matched by a pattern, has no warning', () => {
    const stack = new Stack(new App(), 'Test');
    new EventApp(stack, 'Shop', {
      events: [OrderShipped],
      subscriptions: {
        Placed: { event: OrderPlaced, handler: HELLO },
        Shipped: { pattern: { detailType: events.Match.prefix('Order') }, handler: HELLO },
      },
    });
    expect(Annotations.fromStack(stack).findWarning('*', sy122)).toEqual([]);
  });

  test('acknowledged per event: the others still warn', () => {
    const stack = appWith((app) => {
      app.registerEvent(OrderShipped);
      app.registerEvent(Refunded);
      CdkAnnotations.of(app).acknowledgeWarning('switchyard:SY122:shop.payments@Refunded', 'the accounting service consumes it');
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Shop', sy122);
    expect(warnings.map((w) => w.entry.data)).toEqual([expect.stringContaining('Event shop.orders@OrderShipped is defined')]);
  });
});
