/**
 * discoverApp() against the parameters an app publishes (`discovery: true`), served by the local
 * SSM endpoint and read with the real `@aws-sdk/client-ssm`: from outside, and from a handler of
 * another app that finds Orders by name and publishes on its bus, under `iam: 'enforce'`, so the
 * grants it was given (grantDiscover: the app's path only) are all it takes.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { z } from 'zod';
import { EventApp } from '../../lib';
import { clearDiscoveryCache, defineEvent, discoverApp, DiscoveryError, type AppEndpoints, type GetParametersByPathClient } from '../../lib/runtime';
import { startLocalApp, type RunningLocalApp } from '../../lib/testing/local-app';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object({ orderId: z.string() }) });
// Enough events that the app's parameters take two pages of GetParametersByPath (10 a page).
const more = ['OrderShipped', 'Order Cancelled', 'OrderRefunded', 'OrderReturned', 'OrderPaid'].map((detailType) =>
  defineEvent({ source: 'shop.orders', detailType, schema: z.object({ orderId: z.string() }) }),
);

let local: RunningLocalApp;
let ssm: SSMClient;
let billingFunction: string;

beforeAll(async () => {
  const stack = new Stack(new App(), 'Apps');
  const orders = new EventApp(stack, 'Orders', { discovery: true, events: more });
  orders.addRoute('GET /orders', HELLO);
  orders.addQueue('Work', { handler: HELLO });
  orders.addSubscription('Placed', { event: OrderPlaced, handler: HELLO });
  const billing = new EventApp(stack, 'Billing');
  const notify = billing.addFunction('Notify', { entry: 'test/runtime/fixtures/discover-orders.ts' });
  EventApp.lookup(billing, 'Orders').grantDiscover(notify);
  // One CDK app: the bus itself is granted, a plain token, no parameter read.
  orders.bus.grantPutEventsTo(notify);
  local = await startLocalApp({ stack }, { iam: 'enforce' });
  ssm = new SSMClient(local.clientConfig);
  billingFunction = local.app.model.functions.find((f) => f.logicalId.startsWith('BillingFunctionsNotify'))!.name;
}, 180_000);
afterAll(() => local?.stop());
beforeEach(() => clearDiscoveryCache());

/** The real client, counting the GetParametersByPath calls it sends. */
function counting(): GetParametersByPathClient & { calls: number } {
  const client = { calls: 0, send: (command: GetParametersByPathCommand) => ((client.calls += 1), ssm.send(command)) };
  return client;
}

function expectOrders(endpoints: AppEndpoints): void {
  const bus = local.app.model.eventBuses.find((b) => b.logicalId?.startsWith('OrdersBus'))!;
  expect(endpoints.name).toBe('Orders');
  expect(endpoints.busName).toBe(bus.name);
  expect(endpoints.busArn).toBe(bus.arn);
  // The API's local URL: the local SSM serves a published API URL as the port it listens on.
  expect(endpoints.apiUrl).toBe(`${new URL(local.urls[0]).origin}/`);
  expect(Object.keys(endpoints.queues)).toEqual(['Work']);
  expect(endpoints.queues.Work!.url).toMatch(/OrdersWork/);
  expect(endpoints.queues.Work!.arn).toMatch(/^arn:aws:sqs:us-east-1:000000000000:.*OrdersWork/);
  expect(endpoints.events.map((e) => `${e.source}@${e.detailType}`).sort()).toEqual(
    [OrderPlaced, ...more].map((e) => `${e.source}@${e.detailType}`).sort(),
  );
  expect(endpoints.events.find((e) => e.detailType === 'Order Cancelled')).toEqual({
    source: 'shop.orders',
    detailType: 'Order Cancelled',
    registryName: expect.any(String),
    schemaName: 'shop.orders@Order Cancelled',
  });
}

test('the real SSM client reads every endpoint Orders published, over two pages', async () => {
  const client = counting();
  expectOrders(await discoverApp('Orders', { client }));
  expect(client.calls).toBe(2);
});

test('a handler of another app finds Orders by name and publishes on its bus with the grants it was given', async () => {
  const lambda = new LambdaClient(local.clientConfig);
  const out = await lambda.send(new InvokeCommand({ FunctionName: billingFunction, Payload: JSON.stringify({ orderId: 'o-1' }) }));
  const result = JSON.parse(Buffer.from(out.Payload!).toString()) as { orders: AppEndpoints; eventIds: string[] };
  expect(out.FunctionError).toBeUndefined();
  expectOrders(result.orders);
  const logged = local.ledger.events.get(result.eventIds[0]!);
  expect(logged?.bus).toBe(result.orders.busName);
  expect(logged?.matchedRules).toHaveLength(1);
  expect(local.app.iam.gaps).toEqual([]);
});

test('the cache: concurrent first reads share one request, a later one within the TTL sends none, ttlSeconds: 0 reads again', async () => {
  const client = counting();
  const [a, b] = await Promise.all([discoverApp('Orders', { client }), discoverApp('Orders', { client })]);
  expect(a).toBe(b);
  expect(client.calls).toBe(2); // one read: its two pages
  expect(await discoverApp('Orders', { client })).toBe(a);
  expect(client.calls).toBe(2);
  const fresh = await discoverApp('Orders', { client, ttlSeconds: 0 });
  expect(client.calls).toBe(4);
  expect(fresh).not.toBe(a);
  expect(fresh).toEqual(a);
  // Another client (another region, say) has a cache of its own.
  const other = counting();
  await discoverApp('Orders', { client: other });
  expect(other.calls).toBe(2);
});

test('an app that published nothing is a DiscoveryError naming the path, and the failure is not cached', async () => {
  const client = counting();
  const error = await discoverApp('Payments', { client }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DiscoveryError);
  expect((error as DiscoveryError).message).toBe(
    'App "Payments" has not published its endpoints under /switchyard/Payments (no parameter there): give its EventApp discovery: true, and check the name and namespace',
  );
  await expect(discoverApp('Payments', { client })).rejects.toThrow(DiscoveryError);
  expect(client.calls).toBe(2);
});
