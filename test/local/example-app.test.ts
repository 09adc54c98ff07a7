/**
 * The repository's example shop (bin/app.ts), synthesized through cdk.json and driven only from
 * outside: HTTP, and the real EventBridge and SQS clients. Handlers keep orders in the local
 * DynamoDB table and publish through the local EventBridge.
 */
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../lib/local';
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
  local = await startLocalApp({ assembly: await synthExampleApp() }, { timeScale: 0.001, projectDir: `${__dirname}/../..` });
  app = local.app;
}, 180_000);
afterAll(() => local.stop());

test('POST /orders stores the order, and the events it starts bring it to ready-to-ship', async () => {
  const body = JSON.stringify({ customerId: 'c-1', items: [{ sku: 'A', quantity: 2, unitPrice: 3 }] });
  const res = await fetch(`${local.urls[0]}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: writer }, body });
  expect(res.status).toBe(201);
  const order = (await res.json()) as { orderId: string; total: number; status: string; paymentReference: string };
  expect(order).toMatchObject({ total: 6, status: 'placed', paymentReference: expect.stringMatching(/^[0-9a-f]{16}$/) });
  await local.ledger.whenIdle();
  expect(local.ledger.counts()).toMatchObject({ 'dead-lettered': 0, dropped: 0, retrying: 0 });
  expect(local.ledger.counts().delivered).toBeGreaterThanOrEqual(3);
  const got = await fetch(`${local.urls[0]}/orders/${order.orderId}`, { headers: { authorization: reader } });
  expect(got.status).toBe(200);
  expect(await got.json()).toMatchObject({ orderId: order.orderId, status: 'ready-to-ship' });
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

test('the nightly report runs without error: counts the orders placed and publishes its report', async () => {
  const schedule = app.model.rules.find((r) => r.scheduleExpression)!;
  const event = app.triggerSchedule(schedule.name);
  await local.ledger.whenIdle();
  expect(local.ledger.list({ eventId: event.id }).map((d) => [d.state, d.attempts])).toEqual([['delivered', 1]]);
  const direct = await app.invoke(schedule.targets[0].arn, { ...event, time: new Date().toISOString() });
  expect(direct.error).toBeUndefined();
  expect(JSON.parse(direct.payload)).toMatchObject({ orders: expect.any(Number), revenue: expect.any(Number) });
  expect(JSON.parse(direct.payload).orders).toBeGreaterThanOrEqual(1);
});
