/**
 * Events across apps in the template: the forwarding rule on the producer's bus, the role it
 * sends with (trusted by that rule alone), the consumer bus's policy (scoped exactly), for one
 * CDK app with both stacks and for two CDK apps; and SY201, a subscription taking events through
 * a forwarding that cannot pass them.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { z } from 'zod';
import { ErrorCode, EventApp, type SubscriptionOptions } from '../../lib';
import { defineEvent } from '../../lib/runtime';
import { thrown } from '../support/thrown';
import { idOf } from './support/template';

const HELLO = 'test/fixtures/handlers/hello.ts';
const SHOP = { account: '111111111111', region: 'us-east-1' };
const BILLING = { account: '222222222222', region: 'eu-west-1' };
const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object({ orderId: z.string() }) });
const OrderShipped = defineEvent({ source: 'shop.orders', detailType: 'OrderShipped', schema: z.object({ orderId: z.string() }) });

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

function twoStacks(billingEnv = BILLING) {
  const app = new App();
  const shopStack = new Stack(app, 'Shop', { env: SHOP });
  const billingStack = new Stack(app, 'Billing', { env: billingEnv });
  const shop = new EventApp(shopStack, 'Shop', { events: [OrderPlaced, OrderShipped] });
  const billing = new EventApp(billingStack, 'Billing');
  return { shopStack, billingStack, shop, billing };
}

describe('one CDK app', () => {
  test('another account and region: the rule in the producer\'s stack, a role only that rule may assume, the consumer\'s bus admitting that role for those events', () => {
    const { shopStack, billingStack, shop, billing } = twoStacks();
    const forwarding = billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] });
    billing.addSubscription('Charge', { event: OrderPlaced, handler: HELLO, through: forwarding });
    const shopT = Template.fromStack(shopStack);
    const billingT = Template.fromStack(billingStack);
    const shopBus = idOf(shopT, 'AWS::Events::EventBus', 'ShopBus');
    const role = idOf(shopT, 'AWS::IAM::Role', 'ShopFromShopRole');
    const dlq = idOf(shopT, 'AWS::SQS::Queue', 'ShopFromShopDeadLetters');
    const billingBus = idOf(billingT, 'AWS::Events::EventBus', 'BillingBus');
    const billingBusName = billingT.toJSON().Resources[billingBus].Properties.Name as string;
    const billingBusArn = partitionArn(`:events:eu-west-1:222222222222:event-bus/${billingBusName}`);

    const rule = shopT.toJSON().Resources[idOf(shopT, 'AWS::Events::Rule', 'ShopFromShopRule')].Properties;
    expect(rule.Name).toMatch(/^Shop-FromShop-[0-9A-F]{8}$/);
    expect(rule).toEqual({
      Name: rule.Name,
      Description: "Forwards events to another app's bus (Shop/Shop/FromShop)",
      EventBusName: { Ref: shopBus },
      EventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
      State: 'ENABLED',
      Targets: [{ Id: 'Target0', Arn: billingBusArn, RoleArn: { 'Fn::GetAtt': [role, 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } } }],
    });
    const roleProps = shopT.toJSON().Resources[role].Properties;
    expect(roleProps.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': '111111111111',
            'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111111111111:rule/', { Ref: shopBus }, `/${rule.Name}`]] },
          },
        },
      },
    ]);
    const rolePolicies = Object.values(shopT.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
    expect(rolePolicies.map((p) => p.Properties.PolicyDocument.Statement)).toEqual([[{ Action: 'events:PutEvents', Effect: 'Allow', Resource: billingBusArn }]]);

    const policies = Object.values(billingT.findResources('AWS::Events::EventBusPolicy'));
    const sid = policies[0]?.Properties.StatementId as string;
    expect(sid).toMatch(/^Billing-FromShopPolicy-[0-9A-F]{8}$/);
    expect(policies.map((p) => p.Properties)).toEqual([
      {
        EventBusName: { Ref: billingBus },
        StatementId: sid,
        Statement: {
          Sid: sid,
          Effect: 'Allow',
          Principal: { AWS: partitionArn(`:iam::111111111111:role/${roleProps.RoleName}`) },
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [billingBus, 'Arn'] },
          Condition: { StringEquals: { 'events:source': ['shop.orders'], 'events:detail-type': ['OrderPlaced'] } },
        },
      },
    ]);
    // The policy names the role, which must exist first.
    expect(billingStack.dependencies).toEqual([shopStack]);
    expect(forwarding.path).toBe('Shop/Shop/FromShop');
    expect(forwarding.pattern).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] });
  });

  test('the same account: no bus policy (the role\'s own policy is enough), the bus referenced across stacks', () => {
    const { billingStack, shopStack, shop, billing } = twoStacks(SHOP);
    const forwarding = shop.forwardEvents('ToBilling', { to: billing, pattern: { source: ['shop.orders'] } });
    expect(forwarding.policy).toBeUndefined();
    expect(Template.fromStack(billingStack).findResources('AWS::Events::EventBusPolicy')).toEqual({});
    const target = Template.fromStack(shopStack).toJSON().Resources[idOf(Template.fromStack(shopStack), 'AWS::Events::Rule', 'ShopToBillingRule')].Properties.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Billing:ExportsOutputFnGetAttBillingBus/) });
  });

  test('another region of the same account: no bus policy, the bus named by ARN (no reference crosses regions)', () => {
    const { shopStack, billingStack, shop, billing } = twoStacks({ account: SHOP.account, region: 'eu-west-1' });
    expect(billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] }).policy).toBeUndefined();
    const billingT = Template.fromStack(billingStack);
    expect(billingT.findResources('AWS::Events::EventBusPolicy')).toEqual({});
    const name = billingT.toJSON().Resources[idOf(billingT, 'AWS::Events::EventBus', 'BillingBus')].Properties.Name as string;
    const shopT = Template.fromStack(shopStack);
    expect(shopT.toJSON().Resources[idOf(shopT, 'AWS::Events::Rule', 'ShopFromShopRule')].Properties.Targets[0].Arn).toEqual(
      partitionArn(`:events:eu-west-1:111111111111:event-bus/${name}`),
    );
  });

  test('the producer\'s forwarded events have a consumer: no SY122 for them, SY122 still for the event nobody takes', () => {
    const { shopStack, shop, billing } = twoStacks();
    billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] });
    const warnings = Annotations.fromStack(shopStack).findWarning('/Shop/Shop', Match.stringLikeRegexp('^\\[SY122\\]'));
    expect(warnings.map((w) => String(w.entry.data).split(' ')[2])).toEqual(['shop.orders@OrderShipped']);
  });
  test('events received that none of the consumer\'s subscriptions takes: SY122 on the consumer', () => {
    const { billingStack, shop, billing } = twoStacks();
    const through = billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced, OrderShipped] });
    billing.addSubscription('Charge', { event: OrderPlaced, handler: HELLO, through });
    const warnings = Annotations.fromStack(billingStack).findWarning('/Billing/Billing', Match.stringLikeRegexp('^\\[SY122\\]'));
    expect(warnings.map((w) => String(w.entry.data).split(' ')[2])).toEqual(['shop.orders@OrderShipped']);
  });
});

describe('two CDK apps', () => {
  test('the producer forwards to a bus ARN; the consumer admits its role, or its account, for exactly the events named', () => {
    const shopStack = new Stack(new App(), 'Shop', { env: SHOP });
    const shop = new EventApp(shopStack, 'Shop');
    const busArn = 'arn:aws:events:eu-west-1:222222222222:event-bus/billing';
    const sent = shop.forwardEvents('ToBilling', { to: busArn, events: [OrderPlaced, OrderShipped] });
    const shopT = Template.fromStack(shopStack);
    const rule = shopT.toJSON().Resources[idOf(shopT, 'AWS::Events::Rule', 'ShopToBillingRule')].Properties;
    expect(rule.EventPattern).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPlaced', 'OrderShipped'] });
    expect(rule.Targets[0].Arn).toBe(busArn);
    expect(sent.role).toBeDefined();

    const billingStack = new Stack(new App(), 'Billing', { env: BILLING });
    const billing = new EventApp(billingStack, 'Billing');
    const roleArn = 'arn:aws:iam::111111111111:role/shop-forwarding';
    billing.receiveEvents('FromShop', { from: { account: '111111111111', roleArn }, events: [OrderPlaced] });
    billing.receiveEvents('FromAudit', { from: { account: '333333333333' }, pattern: { source: events.Match.prefix('audit.'), detailType: ['Checked'] } });
    const billingT = Template.fromStack(billingStack);
    const statements = Object.values(billingT.findResources('AWS::Events::EventBusPolicy')).map((p) => p.Properties.Statement);
    const billingBus = idOf(billingT, 'AWS::Events::EventBus', 'BillingBus');
    expect(statements.map((st) => st.Sid)).toEqual([expect.stringMatching(/^Billing-FromShop-Policy-[0-9A-F]{8}$/), expect.stringMatching(/^Billing-FromAudit-Policy-[0-9A-F]{8}$/)]);
    expect(statements).toEqual([
      {
        Sid: statements[0].Sid,
        Effect: 'Allow',
        Principal: { AWS: roleArn },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [billingBus, 'Arn'] },
        Condition: { StringEquals: { 'events:source': ['shop.orders'], 'events:detail-type': ['OrderPlaced'] } },
      },
      {
        Sid: statements[1].Sid,
        Effect: 'Allow',
        Principal: { AWS: partitionArn(':iam::333333333333:root') },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [billingBus, 'Arn'] },
        // A prefix cannot be a policy condition: the source is left to the producer's rule.
        Condition: { StringEquals: { 'events:detail-type': ['Checked'] } },
      },
    ]);
    // The consumer's side adds no rule: the forwarding rule is the producer's.
    expect(billingT.findResources('AWS::Events::Rule')).toEqual({});
  });

  test('events of several sources: the rule matches exactly each source\'s own detail types; the policy lists them all', () => {
    const Refunded = defineEvent({ source: 'shop.payments', detailType: 'Refunded', schema: z.object({ amount: z.number() }) });
    const stack = new Stack(new App(), 'Billing', { env: BILLING });
    const billing = new EventApp(stack, 'Billing');
    const forwarding = billing.receiveEvents('FromShop', { from: { account: '111111111111' }, events: [OrderPlaced, Refunded, OrderShipped] });
    expect(forwarding.pattern).toEqual({
      $or: [
        { source: ['shop.orders'], 'detail-type': ['OrderPlaced', 'OrderShipped'] },
        { source: ['shop.payments'], 'detail-type': ['Refunded'] },
      ],
    });
    expect(forwarding.policy!.statement).toMatchObject({
      Condition: { StringEquals: { 'events:source': ['shop.orders', 'shop.payments'], 'events:detail-type': ['OrderPlaced', 'OrderShipped', 'Refunded'] } },
    });
  });

  test('to and from an app looked up in another account: the rule targets its bus as published; its account is admitted', () => {
    const stack = new Stack(new App(), 'Billing', { env: BILLING });
    const billing = new EventApp(stack, 'Billing');
    const shop = EventApp.lookup(stack, 'Shop', { account: '111111111111', region: 'us-east-1' });
    billing.forwardEvents('ToShop', { to: shop, events: [OrderShipped] });
    const received = billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] });
    expect(stack.resolve(received.policy!.statement)).toMatchObject({ Principal: { AWS: partitionArn(':iam::111111111111:root') } });
    const t = Template.fromStack(stack);
    const target = t.toJSON().Resources[idOf(t, 'AWS::Events::Rule', 'BillingToShopRule')].Properties.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [idOf(t, 'Custom::AWS', 'AppShop111111111111useast1BusArn'), 'Parameter.Value'] });
  });

  test('from an app looked up in the same account: nothing to admit', () => {
    const stack = new Stack(new App(), 'Billing', { env: SHOP });
    const billing = new EventApp(stack, 'Billing');
    const forwarding = billing.receiveEvents('FromShop', { from: EventApp.lookup(stack, 'Shop'), events: [OrderPlaced] });
    expect(forwarding.policy).toBeUndefined();
    expect(Template.fromStack(stack).findResources('AWS::Events::EventBusPolicy')).toEqual({});
  });
});

describe('SY201: a subscription through a forwarding that cannot pass its events', () => {
  test('the forwarding passes OrderPlaced, the subscription waits for OrderShipped: the error names both', () => {
    const { shop, billing } = twoStacks();
    const forwarding = billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] });
    const error = thrown(() => billing.addSubscription('Ship', { event: OrderShipped, handler: HELLO, through: forwarding }));
    expect(error.code).toBe(ErrorCode.FORWARDED_EVENTS_UNMATCHED);
    expect(error.message).toBe(
      '[SY201] Subscription Ship takes events through Shop/Shop/FromShop, but no event can match both: that forwarding passes ' +
        '{"source":["shop.orders"],"detail-type":["OrderPlaced"]}, the subscription matches {"source":["shop.orders"],"detail-type":["OrderShipped"]} ' +
        'at Billing/Billing/Ship/Rule: {"source":["shop.orders"],"detail-type":["OrderShipped"]}. ' +
        'Fix: subscribe to an event Shop/Shop/FromShop forwards, or forward this one too (its "events" or "pattern")',
    );
  });

  test.each([
    ['the event forwarded', { event: OrderPlaced }],
    ['a pattern on the same source with no detail-type', { pattern: { source: ['shop.orders'] } }],
    ['a prefix matching the source forwarded', { pattern: { source: events.Match.prefix('shop.'), detailType: ['OrderPlaced'] } }],
    ['an $or with a branch that matches', { pattern: { $or: [{ detailType: ['Nope'] }, { detailType: ['OrderPlaced'] }] } as never }],
  ])('passes: %s', (_case, subscription) => {
    const { shop, billing } = twoStacks();
    const forwarding = billing.receiveEvents('FromShop', { from: shop, pattern: { source: ['shop.orders'], detailType: ['OrderPlaced'] } });
    const subscribe = billing.addSubscription.bind(billing) as (name: string, options: SubscriptionOptions) => unknown;
    expect(() => subscribe('Take', { ...subscription, handler: HELLO, through: forwarding })).not.toThrow();
  });

  test('both name the source by a prefix only: no type is named to test, so the check does not guess', () => {
    const { shop, billing } = twoStacks();
    const forwarding = billing.receiveEvents('FromShop', { from: shop, pattern: { source: events.Match.prefix('shop.') } });
    expect(() => billing.addSubscription('Take', { pattern: { source: events.Match.prefix('shop.pay') }, handler: HELLO, through: forwarding })).not.toThrow();
  });

  test('a source the forwarding does not pass fails too', () => {
    const { shop, billing } = twoStacks();
    const forwarding = billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] });
    const error = thrown(() => billing.addSubscription('Other', { pattern: { source: ['shop.payments'] }, handler: HELLO, through: forwarding }));
    expect(error.code).toBe(ErrorCode.FORWARDED_EVENTS_UNMATCHED);
  });
});

describe('bad input', () => {
  test.each([
    ['neither events nor a pattern', {}, 'Forwarded events need "events" or "pattern"'],
    ['both', { events: [OrderPlaced], pattern: { source: ['x'] } }, 'Forwarded events take either "events" or "pattern", not both'],
  ])('SY160: %s', (_case, which, problem) => {
    const { shop } = twoStacks();
    const error = thrown(() => shop.forwardEvents('Out', { to: 'arn:aws:events:eu-west-1:222222222222:event-bus/billing', ...which }));
    expect(error.code).toBe(ErrorCode.INVALID_PROPS);
    expect(error.message).toContain(problem);
    expect(error.constructPath).toBe('Shop/Shop/Out');
  });

  test('SY160: forwarding to the bus the events come from (they would loop)', () => {
    const { shop } = twoStacks();
    const error = thrown(() => shop.forwardEvents('Loop', { to: shop, events: [OrderPlaced] }));
    expect(error.message).toBe('[SY160] Events forwarded to the bus they come from would loop at Shop/Shop/Loop: "Shop/Shop/Bus". Fix: forward to another app\'s bus ("to")');
  });

  test('SY160: a target that is not a bus ARN, an account that is not one; SY120: a bad pattern', () => {
    const { shop, billing } = twoStacks();
    expect(thrown(() => shop.forwardEvents('Out', { to: 'arn:aws:sqs:eu-west-1:222222222222:billing', events: [OrderPlaced] })).value).toBe('arn:aws:sqs:eu-west-1:222222222222:billing');
    expect(thrown(() => billing.receiveEvents('In', { from: { account: 'shop' }, events: [OrderPlaced] })).value).toBe('shop');
    expect(thrown(() => billing.receiveEvents('Bad', { from: { account: '111111111111' }, pattern: { source: [{ prefix: 1 }] as never } })).code).toBe(ErrorCode.INVALID_EVENT_PATTERN);
  });
});
