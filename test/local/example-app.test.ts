/**
 * The repository's example shop (bin/app.ts), synthesized through cdk.json and driven only from
 * outside: HTTP, and the real EventBridge and SQS clients. Handlers keep orders in the local
 * DynamoDB table and publish through the local EventBridge.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DescribeRuleCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { summary } from '../../lib/cli/format';
import type { LocalApp } from '../../lib/local';
import type { DeliveryRecord } from '../../lib/local/events/ledger';
import { DevIssuer } from '../../lib/local/auth';
import { startLocalApp, type RunningLocalApp } from '../../lib/testing/local-app';
import { synthExampleApp } from './helpers';

let local: RunningLocalApp;
let app: LocalApp;
let writer: string;
let reader: string;
const repo = path.join(__dirname, '..', '..');

beforeAll(async () => {
  // The payment key PlaceOrder reads comes from the repository's committed dev-secrets.json
  // (or a developer's own .switchyard/secrets.json): nothing is written here.
  // Tokens from the development issuer, as `switchyard token` prints them.
  const issuer = await DevIssuer.load(path.join(repo, '.switchyard'));
  const claims = { subject: 'alice', issuer: 'https://auth.example.com/', audience: 'shop-api' };
  writer = `Bearer ${await issuer.sign({ ...claims, scopes: ['orders:write'] })}`;
  reader = `Bearer ${await issuer.sign(claims)}`;
  // Under enforce: every call a handler makes must be one its synthesized role allows, as in AWS.
  local = await startLocalApp({ assembly: await synthExampleApp() }, { timeScale: 0.001, projectDir: `${__dirname}/../..`, iam: 'enforce' });
  app = local.app;
}, 180_000);
afterAll(() => local.stop());

/** Places an order through the API; its answer. */
async function placeOrder(items = [{ sku: 'A', quantity: 2, unitPrice: 3 }]): Promise<{ orderId: string; total: number; status: string; paymentReference: string }> {
  const body = JSON.stringify({ customerId: 'c-1', items });
  const res = await fetch(`${local.urls[0]}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: writer }, body });
  expect(res.status).toBe(201);
  return (await res.json()) as { orderId: string; total: number; status: string; paymentReference: string };
}

/** `GET /orders/{id}` until the order has `status` (bounded: 30 s), then the order. */
async function orderWhen(orderId: string, status: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const order = (await (await fetch(`${local.urls[0]}/orders/${orderId}`, { headers: { authorization: reader } })).json()) as Record<string, unknown>;
    if (order.status === status || Date.now() > deadline) return order;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The ledger's records once `done` holds for them (bounded: 30 s); the last ones otherwise, for the check to fail on. */
async function ledgerWhen(done: (records: DeliveryRecord[]) => boolean): Promise<DeliveryRecord[]> {
  const deadline = Date.now() + 30_000;
  while (!done(local.ledger.list()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return local.ledger.list();
}

const stockReservations = () => app.queues.list().find((q) => q.model.displayName === 'StockReservations')!;

test('POST /orders stores the order; OrderPlaced goes through the StockReservations queue, and the events bring it to ready-to-ship', async () => {
  const order = await placeOrder();
  expect(order).toMatchObject({ total: 6, status: 'placed', paymentReference: expect.stringMatching(/^[0-9a-f]{16}$/) });
  expect(await orderWhen(order.orderId, 'ready-to-ship')).toMatchObject({ orderId: order.orderId, status: 'ready-to-ship', reservedAt: expect.any(String), shipmentId: expect.stringMatching(/^shp_/) });
  await local.ledger.whenIdle();
  // The rule handed the event to the queue; ReserveStock took it from there in a batch.
  const queue = stockReservations();
  const [toQueue] = local.ledger.list({ targetArn: queue.model.arn });
  expect([toQueue.kind, toQueue.state]).toEqual(['rule', 'delivered']);
  const batches = local.ledger.list().filter((d) => d.kind === 'sqs-batch' && d.sourceArn === queue.model.arn);
  expect(batches.map((b) => [b.state, b.batch?.failedItems ?? []])).toEqual([['delivered', []]]);
  expect(local.ledger.counts()).toMatchObject({ 'dead-lettered': 0, dropped: 0, retrying: 0, failed: 0 });
});

test('a redelivered OrderPlaced reserves nothing twice; in the same batch, an unknown order and an invalid event fail alone and end in the dead-letter queue', async () => {
  const order = await placeOrder([{ sku: 'B', quantity: 1, unitPrice: 5 }]);
  const first = await orderWhen(order.orderId, 'ready-to-ship');
  expect(first).toMatchObject({ status: 'ready-to-ship', reservedAt: expect.any(String) });
  // What the rule sends: the EventBridge event as JSON. The same order again (SQS and EventBridge
  // deliver at least once), one for an order that was never placed, and one that is not an OrderPlaced.
  const event = (id: string, detail: unknown) => JSON.stringify({ version: '0', id, 'detail-type': 'OrderPlaced', source: 'shop.orders', account: app.model.accountId, time: new Date().toISOString(), region: app.model.region, resources: [], detail });
  const items = [{ sku: 'B', quantity: 1, unitPrice: 5 }];
  const sqs = new SQSClient(local.clientConfig);
  const queue = stockReservations();
  const sent = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: queue.url,
    Entries: [
      { Id: 'again', MessageBody: event(randomUUID(), { orderId: order.orderId, customerId: 'c-1', items, total: 5 }) },
      { Id: 'unknown', MessageBody: event(randomUUID(), { orderId: randomUUID(), customerId: 'c-1', items, total: 5 }) },
      { Id: 'invalid', MessageBody: event(randomUUID(), { orderId: 'not-a-uuid' }) },
    ],
  }));
  const ids = Object.fromEntries(sent.Successful!.map((e) => [e.Id!, e.MessageId!]));
  const redriven = (records: DeliveryRecord[]) => records.filter((d) => d.kind === 'redrive' && d.sourceArn === queue.model.arn).map((d) => d.eventId);
  const records = await ledgerWhen((all) => redriven(all).includes(ids.unknown) && redriven(all).includes(ids.invalid));
  expect(redriven(records).sort()).toEqual([ids.unknown, ids.invalid].sort());
  // One batch held all three, and ReserveStock reported only the two failures; the repeat was done then, and not seen again.
  const batches = records.filter((d) => d.kind === 'sqs-batch' && d.batch!.records.some((r) => Object.values(ids).includes(r)));
  expect(batches[0].batch).toMatchObject({ records: [ids.again, ids.unknown, ids.invalid], failedItems: [ids.unknown, ids.invalid] });
  expect(batches.filter((b) => b.batch!.records.includes(ids.again))).toHaveLength(1);
  // Each failing one was received 5 times (the queue's maxReceiveCount), then moved.
  expect(batches.filter((b) => b.batch!.records.includes(ids.unknown))).toHaveLength(5);
  // The repeat reserved nothing: the order is as the first delivery left it.
  expect(await orderWhen(order.orderId, 'ready-to-ship')).toEqual(first);
  const dlq = app.queues.list().find((q) => q.model.arn === queue.model.redrive!.deadLetterTargetArn)!;
  const kept = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
  expect(kept.Messages!.map((m) => m.MessageId).sort()).toEqual([ids.unknown, ids.invalid].sort());
  sqs.destroy();
});

test('placing an order needs a token with orders:write: none 401, without the scope 403', async () => {
  const body = JSON.stringify({ customerId: 'c-1', items: [{ sku: 'A', quantity: 1, unitPrice: 1 }] });
  const anonymous = await fetch(`${local.urls[0]}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toEqual({ message: 'Unauthorized' });
  const readOnly = await fetch(`${local.urls[0]}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: reader }, body });
  expect(readOnly.status).toBe(403);
  expect((await fetch(`${local.urls[0]}/orders/00000000-0000-4000-8000-000000000000`)).status).toBe(401);
});

test('invalid input answers 400 with the problems; an unknown order 404; no route 404', async () => {
  const bad = await fetch(`${local.urls[0]}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: writer }, body: '{"customerId":""}' });
  expect(bad.status).toBe(400);
  expect((await fetch(`${local.urls[0]}/orders/00000000-0000-4000-8000-000000000000`, { headers: { authorization: reader } })).status).toBe(404);
  const none = await fetch(`${local.urls[0]}/nothing`);
  expect(none.status).toBe(404);
  expect(await none.json()).toEqual({ message: 'Not Found' });
});

test('an event the consumer rejects is retried by Lambda, then lands in the dead-letter queue', async () => {
  const eb = new EventBridgeClient(local.clientConfig);
  const sqs = new SQSClient(local.clientConfig);
  const bus = app.model.eventBuses.find((b) => b.name !== 'default')!;
  const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: bus.name, Source: 'shop.inventory', DetailType: 'StockReserved', Detail: JSON.stringify({ orderId: 'not-a-uuid', items: [] }) }] }));
  const eventId = out.Entries![0].EventId!;
  await local.ledger.whenIdle();
  const [record] = local.ledger.list({ eventId });
  expect(record.state).toBe('dead-lettered');
  expect(record.attempts).toBeGreaterThan(1);
  const dlq = app.queues.get(record.deadLetterArn!);
  // Function errors are retried by Lambda and end in the function's on-failure destination.
  const msgs = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
  const mine = msgs.Messages!.map((m) => JSON.parse(m.Body!)).filter((r) => r.requestPayload?.id === eventId);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ requestContext: { condition: 'RetriesExhausted' }, responsePayload: { errorMessage: expect.stringMatching(/Invalid/) } });
  eb.destroy();
  sqs.destroy();
});

test('the nightly report (Python), triggered by the name dev prints, counts the orders placed and publishes DailyOrderReport with boto3', async () => {
  const reports = () => local.ledger.events.unmatched().filter((e) => e.event['detail-type'] === 'DailyOrderReport');
  const before = reports().length;
  const event = app.triggerSchedule(printed('Schedules')[0]);
  await local.ledger.whenIdle();
  expect(local.ledger.list({ eventId: event.id }).map((d) => [d.state, d.attempts])).toEqual([['delivered', 1]]);
  const direct = await app.invoke('NightlyReport', { ...event, time: new Date().toISOString() });
  expect(direct.error).toBeUndefined();
  const counted = JSON.parse(direct.payload) as { orders: number; revenue: number };
  expect(counted.orders).toBeGreaterThanOrEqual(1);
  expect(counted.revenue).toBeGreaterThan(0);
  // No rule of the shop subscribes to the report (it is for consumers outside): it is kept as unmatched.
  const published = reports().slice(before);
  expect(published).toHaveLength(2);
  expect(published[1].event).toMatchObject({ source: 'shop.orders', detail: { orders: counted.orders, revenue: counted.revenue, byStatus: expect.any(Object) } });
});

/** The first column of one of the tables `switchyard dev` prints. */
function printed(title: string): string[] {
  const lines = summary(app).split('\n');
  const start = lines.indexOf(title) + 2;
  const end = lines.indexOf('', start);
  return lines.slice(start, end).map((l) => l.split(/ {2,}/)[0]);
}

test('dev prints what users declared: the construct ids, and the bus by its name in AWS', () => {
  expect(printed('Functions')).toEqual(['PlaceOrder', 'GetOrdersId', 'ReserveStock', 'NotifyCustomer', 'PrepareShipment', 'NightlyReport', 'BillOrder']);
  // The forwarding rule to billing's bus is named by the construct (so shown by that name).
  const forward = app.model.rules.find((r) => r.targets.some((t) => t.arn.endsWith(':event-bus/' + app.model.eventBuses.find((b) => b.stack === 'SwitchyardBilling')!.name)))!;
  expect(printed('Rules')).toEqual(['ReserveStockOnOrderPlaced', 'NotifyCustomer', 'PrepareShipmentOnStockReserved', forward.name, 'BillOrder']);
  expect(printed('Schedules')).toEqual(['Nightly']);
  expect(printed('Queues')).toEqual(['StockReservations/DeadLetters', 'StockReservations', 'ReserveStockOnOrderPlaced/DeadLetters', 'NotifyCustomer/DeadLetters', 'PrepareShipmentOnStockReserved/DeadLetters', 'Nightly/DeadLetters', 'FromShop/DeadLetters', 'BillOrder/DeadLetters']);
  const bus = app.model.eventBuses.find((b) => b.name !== 'default')!;
  expect(summary(app)).toMatch(new RegExp(`\nReserveStockOnOrderPlaced +${bus.name} `));
});

test('every function name dev prints is a FunctionName the Lambda API takes, as are ARNs and partial ARNs', async () => {
  const lambda = new LambdaClient(local.clientConfig);
  const fn = app.model.functions.find((f) => f.displayName === 'GetOrdersId')!;
  const event = { requestContext: { http: { method: 'GET' }, authorizer: { jwt: { claims: {} } } }, pathParameters: { id: '00000000-0000-4000-8000-000000000000' } };
  for (const name of [...printed('Functions').filter((n) => n === 'GetOrdersId'), fn.name, fn.arn, `${app.model.accountId}:function:${fn.name}`, `${fn.name}:$LATEST`]) {
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
    expect([name, out.StatusCode, out.FunctionError]).toEqual([name, 200, undefined]);
  }
  const missing = await lambda.send(new InvokeCommand({ FunctionName: 'GetOrder' })).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(missing?.name).toBe('ResourceNotFoundException');
  expect(missing?.message).toContain('(Locally served: PlaceOrder, GetOrdersId, ReserveStock, NotifyCustomer, PrepareShipment, NightlyReport, BillOrder.)');
  lambda.destroy();
});

test('the rule, queue and bus names dev prints work with the EventBridge and SQS APIs', async () => {
  const eb = new EventBridgeClient(local.clientConfig);
  const sqs = new SQSClient(local.clientConfig);
  const bus = app.model.eventBuses.find((b) => b.name !== 'default')!;
  const rule = await eb.send(new DescribeRuleCommand({ Name: printed('Rules')[0], EventBusName: bus.displayName }));
  expect(rule.Arn).toBe(app.model.rules.find((r) => r.displayName === 'ReserveStockOnOrderPlaced')!.arn);
  for (const [name, queue] of printed('Queues').map((n) => [n, app.model.queues.find((q) => q.displayName === n)!] as const)) {
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(app.queues.get(queue.arn).url);
  }
  eb.destroy();
  sqs.destroy();
});

test("dev prints the stacks' outputs with local values: the API URL is the local port", async () => {
  // The shop's own outputs (CDK adds an export of the bus name for the billing stack's rule).
  const outputs = Object.fromEntries(app.describe().outputs.filter((o) => o.exportName === undefined).map((o) => [o.key, o.value]));
  expect(outputs).toEqual({
    ApiUrl: new URL(local.urls[0]).origin,
    BusName: app.model.eventBuses.find((b) => b.name !== 'default')!.name,
    OrdersTableName: app.model.tables[0].name,
    PlaceOrderFunctionName: app.model.functions.find((f) => f.displayName === 'PlaceOrder')!.name,
  });
  expect(summary(app)).toContain(`Outputs\nSwitchyardShop.ApiUrl = ${outputs.ApiUrl}\n`);
  // The printed URL answers as the API does.
  expect((await fetch(`${outputs.ApiUrl}/orders/00000000-0000-4000-8000-000000000000`, { headers: { authorization: reader } })).status).toBe(404);
});

test("every call the shop's handlers made in these tests was allowed by their roles", () => {
  // Runs last: the flows above (orders, subscribers, retries, dead letters, schedules) have made their calls.
  expect(app.iam.mode).toBe('enforce');
  // The handlers' calls (DynamoDB, EventBridge, Secrets Manager) were evaluated, not skipped.
  expect(app.iam.evaluated).toBeGreaterThan(5);
  expect(app.iam.gaps).toEqual([]);
});

describe('the billing service, a second stack subscribed through the shop\'s bus', () => {
  const billingFn = () => app.model.functions.find((f) => f.stack === 'SwitchyardBilling')!;
  const billingBus = () => app.model.eventBuses.find((b) => b.stack === 'SwitchyardBilling')!;

  test('an order placed over HTTP reaches billing\'s handler through the forwarding rule, as the same event', async () => {
    const order = await placeOrder([{ sku: 'C', quantity: 3, unitPrice: 2.5 }]);
    // The event the shop published for this order, as the ledger's event log keeps it.
    const ofOrder = (d: DeliveryRecord) => (local.ledger.events.get(d.eventId)?.event.detail as { orderId?: string } | undefined)?.orderId === order.orderId;
    const records = await ledgerWhen((all) => all.some((d) => d.targetArn === billingFn().arn && d.state === 'delivered' && ofOrder(d)));
    const billed = records.find((d) => d.targetArn === billingFn().arn && ofOrder(d))!;
    expect(billed).toMatchObject({ kind: 'rule', state: 'delivered', attempts: 1 });
    // The forward from the shop's bus to billing's, of the same event.
    expect(records.find((d) => d.eventId === billed.eventId && d.targetArn === billingBus().arn)).toMatchObject({ kind: 'rule', state: 'delivered' });
    // What the handler answers for it: the invoice.
    const event = local.ledger.events.get(billed.eventId)!.event;
    expect(event).toMatchObject({ source: 'shop.orders', 'detail-type': 'OrderPlaced', detail: { orderId: order.orderId } });
    const invoice = await app.invoke(billingFn().name, event);
    expect(JSON.parse(invoice.payload)).toEqual({ invoiceId: `inv-${order.orderId}`, orderId: order.orderId, customerId: 'c-1', amount: 7.5 });
  });

  test('an order billing cannot invoice is retried by Lambda, then lands in billing\'s dead-letter queue', async () => {
    const eb = new EventBridgeClient(local.clientConfig);
    const sqs = new SQSClient(local.clientConfig);
    const shopBus = app.model.eventBuses.find((b) => b.stack === 'SwitchyardShop')!;
    const orderId = randomUUID();
    const detail = { orderId, customerId: 'c-2', items: [{ sku: 'D', quantity: 1, unitPrice: 0 }], total: 0 };
    const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: shopBus.name, Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail) }] }));
    const eventId = out.Entries![0].EventId!;
    const records = await ledgerWhen((all) => all.some((d) => d.eventId === eventId && d.targetArn === billingFn().arn && d.state === 'dead-lettered'));
    const record = records.find((d) => d.eventId === eventId && d.targetArn === billingFn().arn)!;
    expect(record).toMatchObject({ state: 'dead-lettered', lastError: { errorType: 'NotBillableError' } });
    const dlq = app.queues.get(record.deadLetterArn!);
    expect(dlq.model.stack).toBe('SwitchyardBilling');
    const msgs = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
    const mine = msgs.Messages!.map((m) => JSON.parse(m.Body!)).filter((r) => r.requestPayload?.id === eventId);
    expect(mine).toEqual([expect.objectContaining({ requestContext: expect.objectContaining({ condition: 'RetriesExhausted' }), responsePayload: expect.objectContaining({ errorMessage: `order ${orderId} cannot be invoiced: its total is 0` }) })]);
    eb.destroy();
    sqs.destroy();
  });
});
