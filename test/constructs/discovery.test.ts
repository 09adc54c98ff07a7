/**
 * Service discovery in the template: the parameters an app publishes (`discovery`), shared with
 * other accounts through RAM, and the reads and grants of an app imported by name
 * (`EventApp.lookup`) or by attributes (`EventApp.fromAttributes`).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { ErrorCode, EventApp } from '../../lib';
import { defineEvent } from '../../lib/runtime';
import { thrown } from '../support/thrown';
import { idOf, statementsOf } from './support/template';

const HELLO = 'test/fixtures/handlers/hello.ts';
const ENV = { account: '111111111111', region: 'us-east-1' };
const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object({ orderId: z.string() }) });
const Cancelled = defineEvent({ source: 'shop.orders', detailType: 'Order Cancelled', schema: z.object({ orderId: z.string() }) });

/** Every SSM parameter of the template: name -> [value, tier]. */
function parameters(t: Template): Record<string, [unknown, string]> {
  return Object.fromEntries(Object.values(t.findResources('AWS::SSM::Parameter')).map((r) => [r.Properties.Name, [r.Properties.Value, r.Properties.Tier]]));
}

describe('publishing', () => {
  test('the bus, API, queues and events, those declared after publishing included, in the documented layout', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const orders = new EventApp(stack, 'Orders', { discovery: true, events: [OrderPlaced] });
    orders.addRoute('GET /orders', HELLO);
    orders.addQueue('Work', { handler: HELLO });
    orders.registerEvent(Cancelled);
    const t = Template.fromStack(stack);
    const bus = idOf(t, 'AWS::Events::EventBus', 'OrdersBus');
    const api = idOf(t, 'AWS::ApiGatewayV2::Api', 'OrdersHttpApi');
    const queue = Object.keys(t.findResources('AWS::SQS::Queue')).find((id) => /^OrdersWork[0-9A-F]{8}$/.test(id))!;
    const registry = idOf(t, 'AWS::EventSchemas::Registry', 'OrdersSchemas');
    const eventValue = (detailType: string) => ({
      'Fn::Join': ['', [`{"source":"shop.orders","detailType":"${detailType}","registryName":"`, { 'Fn::GetAtt': [registry, 'RegistryName'] }, `","schemaName":"shop.orders@${detailType}"}`]],
    });
    expect(parameters(t)).toEqual({
      '/switchyard/Orders/bus-name': [{ Ref: bus }, 'Standard'],
      '/switchyard/Orders/bus-arn': [{ 'Fn::GetAtt': [bus, 'Arn'] }, 'Standard'],
      '/switchyard/Orders/api-url': [{ 'Fn::Join': ['', ['https://', { Ref: api }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/']] }, 'Standard'],
      '/switchyard/Orders/queues/Work/url': [{ Ref: queue }, 'Standard'],
      '/switchyard/Orders/queues/Work/arn': [{ 'Fn::GetAtt': [queue, 'Arn'] }, 'Standard'],
      '/switchyard/Orders/events/shop.orders/OrderPlaced': [eventValue('OrderPlaced'), 'Standard'],
      // A space is not allowed in a parameter name: the value keeps the detail type exactly.
      '/switchyard/Orders/events/shop.orders/Order_Cancelled': [eventValue('Order Cancelled'), 'Standard'],
    });
  });

  test('publishEndpoints with a name and namespace; without a registry an event carries no schema reference; nothing is published without discovery', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const orders = new EventApp(stack, 'OrdersApp', { schemaRegistry: false, events: [OrderPlaced] });
    orders.publishEndpoints({ appName: 'orders', namespace: '/teams/shop' });
    new EventApp(stack, 'Quiet', { events: [OrderPlaced] }).addRoute('GET /x', HELLO);
    const t = Template.fromStack(stack);
    expect(Object.keys(parameters(t)).sort()).toEqual(['/teams/shop/orders/bus-arn', '/teams/shop/orders/bus-name', '/teams/shop/orders/events/shop.orders/OrderPlaced']);
    expect(parameters(t)['/teams/shop/orders/events/shop.orders/OrderPlaced']![0]).toBe('{"source":"shop.orders","detailType":"OrderPlaced"}');
  });

  test('shareWith: advanced-tier parameters, every one of them in one RAM share with exactly those accounts', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const orders = new EventApp(stack, 'Orders', { discovery: { shareWith: ['222222222222', '333333333333'] } });
    orders.addQueue('Work', { handler: HELLO });
    const t = Template.fromStack(stack);
    expect(Object.values(parameters(t)).map(([, tier]) => tier)).toEqual(['Advanced', 'Advanced', 'Advanced', 'Advanced']);
    const ids = Object.keys(t.findResources('AWS::SSM::Parameter')).sort();
    const share = Object.values(t.findResources('AWS::RAM::ResourceShare'));
    expect(share).toHaveLength(1);
    expect(share[0]!.Properties).toEqual({
      Name: 'switchyard-switchyard-Orders',
      Principals: ['222222222222', '333333333333'],
      AllowExternalPrincipals: true,
      ResourceArns: expect.any(Array),
    });
    const shared = (share[0]!.Properties.ResourceArns as { 'Fn::Join': [string, unknown[]] }[]).map((arn) => JSON.stringify(arn));
    expect(shared.sort()).toEqual(
      ids.map((id) => JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111111111111:parameter', { Ref: id }]] })).sort(),
    );
  });

  test('shareWith and a Schema Registry: the accounts may read the registry and its schemas, nothing else', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    new EventApp(stack, 'Orders', { discovery: { shareWith: ['222222222222'] }, events: [OrderPlaced, Cancelled] });
    const t = Template.fromStack(stack);
    const registry = idOf(t, 'AWS::EventSchemas::Registry', 'OrdersSchemas');
    const policies = Object.values(t.findResources('AWS::EventSchemas::RegistryPolicy'));
    expect(policies.map((p) => p.Properties)).toEqual([
      {
        RegistryName: { 'Fn::GetAtt': [registry, 'RegistryName'] },
        Policy: {
          Version: '2012-10-17',
          Statement: [{
            Sid: 'SwitchyardDiscoveryRead',
            Effect: 'Allow',
            Principal: { AWS: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] }] },
            Action: ['schemas:DescribeRegistry', 'schemas:ListSchemas', 'schemas:ListSchemaVersions', 'schemas:DescribeSchema', 'schemas:ExportSchema'],
            Resource: [
              { 'Fn::GetAtt': [registry, 'RegistryArn'] },
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':schemas:us-east-1:111111111111:schema/', { 'Fn::GetAtt': [registry, 'RegistryName'] }, '/*']] },
            ],
          }],
        },
      },
    ]);
  });

  test.each([
    ['an app name that is not one path segment', { appName: 'my orders' }, 'my orders'],
    ['a namespace that is not a path', { namespace: 'switchyard' }, 'switchyard'],
    ['a namespace SSM reserves', { namespace: '/AWS/apps' }, '/AWS/apps'],
    ['a namespace too deep for the layout', { namespace: '/a/b/c/d/e/f/g/h/i/j/k/l' }, '/a/b/c/d/e/f/g/h/i/j/k/l'],
    ['an account id that is not one', { shareWith: ['12345'] }, '12345'],
  ])('SY200: %s', (_case, discovery, value) => {
    const error = thrown(() => new EventApp(new Stack(new App(), 'Test'), 'Orders', { discovery }));
    expect(error.code).toBe(ErrorCode.INVALID_DISCOVERY);
    expect(error.constructPath).toBe('Test/Orders');
    expect(error.value).toBe(value);
  });

  test('SY200: publishing twice', () => {
    const app = new EventApp(new Stack(new App(), 'Test'), 'Orders', { discovery: true });
    expect(thrown(() => app.publishEndpoints()).message).toBe(
      '[SY200] The app already publishes its endpoints at Test/Orders: "/switchyard/Orders". Fix: give discovery or call publishEndpoints once',
    );
  });
});

describe('EventApp.lookup', () => {
  function consumer(env = ENV) {
    const stack = new Stack(new App(), 'Billing', { env });
    const billing = new EventApp(stack, 'Billing');
    const fn = billing.addFunction('Charge', HELLO);
    return { stack, billing, fn };
  }

  test('in its own account and region: a parameter read per value used, PutEvents on exactly that bus, reads on exactly its path', () => {
    const { stack, billing, fn } = consumer();
    const orders = EventApp.lookup(billing, 'Orders');
    expect(EventApp.lookup(billing, 'Orders')).toBe(orders);
    orders.grantPublish(fn);
    orders.grantDiscover(fn);
    orders.queue('Work').grantSendMessages(fn);
    const t = Template.fromStack(stack);
    const declared = t.toJSON().Parameters as Record<string, { Type: string; Default: string }>;
    const reads = Object.entries(declared).filter(([id]) => id !== 'BootstrapVersion');
    expect(reads.map(([, p]) => p).sort((a, b) => a.Default.localeCompare(b.Default))).toEqual([
      { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/switchyard/Orders/bus-arn' },
      { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/switchyard/Orders/queues/Work/arn' },
    ]);
    const refOf = (name: string) => ({ Ref: reads.find(([, p]) => p.Default === name)![0] });
    const path = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111111111111:parameter/switchyard/Orders${suffix}`]] });
    expect(statementsOf(t, 'BillingFunctionsCharge').filter((s) => !String(s.Action).startsWith('xray'))).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: refOf('/switchyard/Orders/bus-arn') },
      { Action: ['ssm:GetParametersByPath', 'ssm:GetParameter', 'ssm:GetParameters'], Effect: 'Allow', Resource: [path(''), path('/*')] },
      { Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Effect: 'Allow', Resource: refOf('/switchyard/Orders/queues/Work/arn') },
    ]);
    // The default namespace needs no variable; another is set for discoverApp.
    expect(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { SWITCHYARD_DISCOVERY_NAMESPACE: Match.anyValue() } } } })).toEqual({});
  });

  test('under another namespace: the function is told which', () => {
    const { stack, billing, fn } = consumer();
    EventApp.lookup(billing, 'Orders', { namespace: '/teams/shop' }).grantDiscover(fn);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWITCHYARD_DISCOVERY_NAMESPACE: '/teams/shop' }) },
    });
  });

  test('in another region: read by ARN there, at deploy, by a custom resource allowed that one parameter', () => {
    const { stack, billing, fn } = consumer();
    EventApp.lookup(billing, 'Orders', { region: 'eu-west-1' }).grantPublish(fn);
    const t = Template.fromStack(stack);
    const arn = 'arn:aws:ssm:eu-west-1:111111111111:parameter/switchyard/Orders/bus-arn';
    const reads = Object.values(t.findResources('Custom::AWS'));
    expect(reads).toHaveLength(1);
    const update = reads[0]!.Properties.Update as { 'Fn::Join': [string, unknown[]] };
    const text = update['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
    expect(text).toBe(
      '{"service":"SSM","action":"getParameter","parameters":{"Name":"arn:{"Ref":"AWS::Partition"}:ssm:eu-west-1:111111111111:parameter/switchyard/Orders/bus-arn"},' +
        '"region":"eu-west-1","physicalResourceId":{"id":"/switchyard/Orders/bus-arn"}}',
    );
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument.Statement).flat();
    expect(policies).toContainEqual({
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, arn.replace(/^arn:aws/, '')]] },
    });
  });

  test('SY200: discovering at run time an app of another account (SSM reads shared parameters by ARN only)', () => {
    const { billing, fn } = consumer();
    const orders = EventApp.lookup(billing, 'Orders', { account: '222222222222' });
    const error = thrown(() => orders.grantDiscover(fn));
    expect(error.code).toBe(ErrorCode.INVALID_DISCOVERY);
    expect(error.constructPath).toBe('Billing/Billing/App-Orders-222222222222');
  });
});

describe('within one CDK app', () => {
  function sameCdkApp() {
    const app = new App();
    new EventApp(new Stack(app, 'Shop', { env: ENV }), 'Shop', { discovery: true });
    const billing = new EventApp(new Stack(app, 'Billing', { env: ENV }), 'Billing');
    return { app, billing, fn: billing.addFunction('Charge', HELLO) };
  }

  test('SY200 at synth: reading a value of an app of the same CDK app (its parameter would be read before it is written)', () => {
    const { app, billing, fn } = sameCdkApp();
    EventApp.lookup(billing, 'Shop').grantPublish(fn);
    expect(() => app.synth()).toThrow(
      "[SY200] EventApp.lookup('Shop') at Billing/Billing finds an app of this CDK app (Shop/Shop): its parameters are read before they are written. " +
        'Fix: reference that EventApp directly (its bus, url, queues; receiveEvents({ from: it }))',
    );
  });

  test('granting run-time discovery of an app of the same CDK app reads nothing at deploy: allowed', () => {
    const { app, billing, fn } = sameCdkApp();
    EventApp.lookup(billing, 'Shop').grantDiscover(fn);
    expect(() => app.synth()).not.toThrow();
  });

  test('SY200: two apps of one CDK app publishing under one path', () => {
    const app = new App();
    new EventApp(new Stack(app, 'A'), 'Shop', { discovery: true });
    const error = thrown(() => new EventApp(new Stack(app, 'B'), 'Shop', { discovery: true }));
    expect(error.message).toBe(
      '[SY200] Another app of this CDK app already publishes under this path (A/Shop) at B/Shop: "/switchyard/Shop". Fix: give one of them another discovery appName or namespace',
    );
  });
});

describe('EventApp.fromAttributes', () => {
  test('grants on the bus and queue given; an attribute not given is SY200 naming it; a bad ARN is SY200', () => {
    const stack = new Stack(new App(), 'Billing', { env: ENV });
    const billing = new EventApp(stack, 'Billing');
    const fn = billing.addFunction('Charge', HELLO);
    const busArn = 'arn:aws:events:eu-west-1:222222222222:event-bus/orders';
    const queueArn = 'arn:aws:sqs:eu-west-1:222222222222:orders-work';
    const orders = EventApp.fromAttributes(billing, 'Orders', { appName: 'Orders', busArn, queueArns: { Work: queueArn } });
    expect([orders.account, orders.region, orders.busName]).toEqual(['222222222222', 'eu-west-1', 'orders']);
    orders.grantPublish(fn);
    orders.queue('Work').grantSendMessages(fn);
    expect(statementsOf(Template.fromStack(stack), 'BillingFunctionsCharge').filter((s) => !String(s.Action).startsWith('xray'))).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn },
      { Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Effect: 'Allow', Resource: queueArn },
    ]);
    expect(thrown(() => orders.apiUrl).message).toBe(
      '[SY200] The app Orders was imported without this attribute at Billing/Billing/Orders: "apiUrl". Fix: pass it to EventApp.fromAttributes (apiUrl), or look the app up by name',
    );
    expect(thrown(() => orders.grantDiscover(fn)).code).toBe(ErrorCode.INVALID_DISCOVERY);
    expect(thrown(() => EventApp.fromAttributes(billing, 'Bad', { appName: 'Orders', busArn: 'arn:aws:sqs:eu-west-1:222222222222:orders' })).value).toBe(
      'arn:aws:sqs:eu-west-1:222222222222:orders',
    );
  });
});
