/**
 * Durable local state, end to end with the real SDK clients: a LocalApp keeping its state in a
 * folder is stopped and started again over it. Deliveries retrying resume where they stood,
 * dead letters and queue messages (with their receive counts, visibility and receipt handles)
 * and table items are still there; `fresh` starts empty; another app in the folder starts with
 * state of its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { LocalApp, type DeliveryRecord, type LocalAppOptions } from '../../lib/local';
import { clientConfig, fnName, synthNodejsFunctionApp, synthPlainApp } from './helpers';

const assembly = synthPlainApp({ table: true });
const started: LocalApp[] = [];

/** Starts the fixture app keeping its state in `stateDir`. */
async function start(stateDir: string, options: LocalAppOptions = {}, from = assembly): Promise<LocalApp> {
  const app = await LocalApp.start(from, { httpPort: 0, awsPort: 0, schedules: false, stateDir, ...options });
  started.push(app);
  return app;
}

/** Resolves once the ledger's deliveries satisfy `done` (checked on each change). */
function ledgerUntil(app: LocalApp, done: (deliveries: DeliveryRecord[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done(app.ledger.list())) return;
      app.ledger.off('change', check);
      resolve();
    };
    app.ledger.on('change', check);
    check();
  });
}

function clients(app: LocalApp) {
  return { eb: new EventBridgeClient(clientConfig(app)), sqs: new SQSClient(clientConfig(app)), ddb: new DynamoDBClient(clientConfig(app)), lambda: new LambdaClient(clientConfig(app)) };
}

/** Every message visible in a queue now (received, so hidden again for the visibility timeout). */
async function drain(sqs: SQSClient, url: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    if (!got.Messages?.length) return out;
    out.push(...got.Messages);
  }
}

const queueUrl = (app: LocalApp, id: string) => app.queues.list().find((q) => q.model.logicalId.startsWith(id))!.url;
const tableName = (app: LocalApp) => app.model.tables[0].name;
const dirs: string[] = [];
const tempDir = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'sy-state-')));
  return dirs[dirs.length - 1];
};

afterEach(async () => {
  for (const app of started.splice(0)) await app.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

test('a stop and a start keep retrying deliveries, dead letters, queue messages and table items', async () => {
  const stateDir = tempDir();
  // Lambda's async retries a minute and two apart, compressed to 1 s and 2 s.
  let app = await start(stateDir, { timeScale: 1 / 60 });
  expect(app.restored).toMatchObject({ fresh: true, cleanStop: true, interrupted: [], deliveries: { pending: 0, retrying: 0, inFlight: 0 } });
  let c = clients(app);

  // A dead letter: a target EventBridge cannot reach, retried once, then the target's DLQ.
  const unreachable = (await c.eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'Elsewhere', Detail: '{"n":1}' }] }))).Entries![0].EventId!;
  await ledgerUntil(app, (ds) => ds.some((d) => d.eventId === unreachable && d.state === 'dead-lettered'));
  // A message received once: hidden for its visibility timeout (30 s), receive count 1.
  await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(app, 'Sink'), MessageBody: 'kept' }));
  const [received] = (await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl(app, 'Sink') }))).Messages!;
  for (const [sk, status] of [[1, 'placed'], [2, 'shipped'], [3, 'placed']] as const) {
    await c.ddb.send(new PutItemCommand({ TableName: tableName(app), Item: { pk: { S: 'c-1' }, sk: { N: String(sk) }, status: { S: status } } }));
  }
  // Last, a failing event: its first attempt fails and Lambda retries it a "minute" (1 s) later;
  // the app stops as soon as that retry is scheduled.
  const failing = (await c.eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"fail":true}' }] }))).Entries![0].EventId!;
  await ledgerUntil(app, (ds) => ds.some((d) => d.eventId === failing && d.state === 'retrying'));
  const before = { ...app.ledger.list({ eventId: failing })[0] };
  await app.stop();
  expect(app.keptAtStop).toEqual({
    dir: path.join(stateDir, 'PlainStack-000000000000-us-east-1'),
    deliveries: { pending: 0, retrying: 1, inFlight: 0 },
    deadLetters: { messages: 1, queues: 1 },
    messages: { messages: 1, queues: 1 },
    tables: { tables: 1, items: 3 },
    history: 1,
    unmatched: 0,
  });

  app = await start(stateDir, { timeScale: 1 / 60 });
  c = clients(app);
  expect(app.restored).toMatchObject({ fresh: false, cleanStop: true, interrupted: [], notes: [], deliveries: { pending: 0, retrying: 1, inFlight: 0 }, deadLetters: { messages: 1, queues: 1 }, tables: { items: 3 } });
  // The retrying delivery carries on under its id: attempt 2 not before it was due, then 3, then the DLQ.
  const attemptStarts: number[] = [];
  app.ledger.on('change', (d, changed) => d.eventId === failing && changed.includes('attempts') && attemptStarts.push(d.inFlightSince!));
  await app.ledger.whenIdle();
  const after = app.ledger.list({ eventId: failing })[0];
  expect(after).toMatchObject({ id: before.id, acceptedAt: before.acceptedAt, state: 'dead-lettered', attempts: 3 });
  expect(attemptStarts).toHaveLength(2);
  expect(attemptStarts[0]).toBeGreaterThanOrEqual(before.nextAttemptAt!);
  expect(app.ledger.list({ eventId: unreachable })[0]).toMatchObject({ state: 'dead-lettered', attempts: 2 });

  // The DLQ: the dead letter from before the stop, and the failing event's invocation record.
  const dlq = await drain(c.sqs, queueUrl(app, 'TargetDlq'));
  expect(dlq.map((m) => JSON.parse(m.Body!)).map((b) => b['detail-type'] ?? b.requestContext.condition).sort()).toEqual(['Elsewhere', 'RetriesExhausted']);
  expect(JSON.parse(dlq.find((m) => m.Body!.includes('RetriesExhausted'))!.Body!)).toMatchObject({ requestPayload: { id: failing }, requestContext: { approximateInvokeCount: 3 } });
  // The received message is still hidden; its receipt handle from before the stop still works.
  expect(await drain(c.sqs, queueUrl(app, 'Sink'))).toEqual([]);
  await c.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl(app, 'Sink'), ReceiptHandle: received.ReceiptHandle!, VisibilityTimeout: 0 }));
  const [again] = await drain(c.sqs, queueUrl(app, 'Sink'));
  expect(again).toMatchObject({ MessageId: received.MessageId, Body: 'kept', Attributes: { ApproximateReceiveCount: '2' } });
  // The items, and the index over them.
  expect((await c.ddb.send(new ScanCommand({ TableName: tableName(app) }))).Count).toBe(3);
  const placed = await c.ddb.send(new QueryCommand({ TableName: tableName(app), IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'placed' } } }));
  expect(placed.Items!.map((i) => i.sk.N).sort()).toEqual(['1', '3']);
});

test('an event that aged past its maximum while stopped goes to its failure destination; one whose retry fell due is attempted', async () => {
  const stateDir = tempDir();
  // AsyncFn: one retry, a maximum event age of 10 minutes (10 s here), failures to AsyncFailures.
  let app = await start(stateDir, { timeScale: 1 / 60 });
  let c = clients(app);
  const invokeFailing = async (n: number) => (await c.lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'AsyncFn'), InvocationType: 'Event', Payload: JSON.stringify({ n, detail: { fail: true } }) }))).$metadata.requestId!;
  const aged = await invokeFailing(1);
  const due = await invokeFailing(2);
  await ledgerUntil(app, (ds) => ds.length === 2 && ds.every((d) => d.state === 'retrying'));
  const dueAt = Math.max(...app.ledger.list().map((d) => d.nextAttemptAt!));
  await app.stop();
  // Both retries fall due while stopped.
  while (Date.now() <= dueAt) await new Promise((r) => setTimeout(r, dueAt - Date.now() + 1));

  // Started again with event ages 1000 times shorter: 10 minutes is 10 ms, long past for both.
  app = await start(stateDir, { timeScale: 1 / 60_000 });
  c = clients(app);
  await app.ledger.whenIdle();
  const failures = (await drain(c.sqs, queueUrl(app, 'AsyncFailures'))).map((m) => JSON.parse(m.Body!));
  expect(failures.map((f) => [f.requestContext.requestId, f.requestContext.condition, f.requestContext.approximateInvokeCount]).sort()).toEqual(
    [
      [aged, 'EventAgeExceeded', 1],
      [due, 'EventAgeExceeded', 1],
    ].sort(),
  );
  expect(failures[0].responsePayload.errorMessage).toMatch(/failing on purpose/);
  await app.stop();

  // The same, without the age running out: the retry that fell due while stopped is made at once.
  app = await start(stateDir, { timeScale: 1 / 60, fresh: true });
  c = clients(app);
  const retried = await invokeFailing(3);
  await ledgerUntil(app, (ds) => ds.some((d) => d.eventId === retried && d.state === 'retrying'));
  const retryAt = app.ledger.list({ eventId: retried })[0].nextAttemptAt!;
  await app.stop();
  while (Date.now() <= retryAt) await new Promise((r) => setTimeout(r, retryAt - Date.now() + 1));
  app = await start(stateDir, { timeScale: 1 / 60 });
  c = clients(app);
  await app.ledger.whenIdle();
  expect(app.ledger.list({ eventId: retried })[0]).toMatchObject({ state: 'dead-lettered', attempts: 2 });
  const [exhausted] = (await drain(c.sqs, queueUrl(app, 'AsyncFailures'))).map((m) => JSON.parse(m.Body!));
  expect(exhausted.requestContext).toMatchObject({ requestId: retried, condition: 'RetriesExhausted', approximateInvokeCount: 2 });
});

test('fresh starts empty; another app in the same folder has state of its own', async () => {
  const stateDir = tempDir();
  let app = await start(stateDir);
  let c = clients(app);
  await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(app, 'Sink'), MessageBody: 'old' }));
  await c.ddb.send(new PutItemCommand({ TableName: tableName(app), Item: { pk: { S: 'old' }, sk: { N: '1' }, status: { S: 'placed' } } }));
  await c.eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: '{}' }] }));
  await app.ledger.whenIdle();
  await app.stop();
  expect(app.keptAtStop).toMatchObject({ messages: { messages: 1 }, tables: { items: 1 }, history: 1 });

  // Another app (stack NodejsStack) in the same state folder inherits none of it.
  const other = await start(stateDir, {}, synthNodejsFunctionApp());
  expect(other.restored).toMatchObject({ fresh: true, history: 0, messages: { messages: 0 } });
  await other.stop();
  expect(fs.readdirSync(stateDir).sort()).toEqual(['NodejsStack-000000000000-us-east-1', 'PlainStack-000000000000-us-east-1']);

  app = await start(stateDir, { fresh: true });
  c = clients(app);
  expect(app.restored).toMatchObject({ fresh: true, history: 0, deliveries: { pending: 0, retrying: 0, inFlight: 0 }, messages: { messages: 0 }, tables: { tables: 1, items: 0 } });
  expect(app.ledger.counts()).toEqual({ pending: 0, retrying: 0, delivered: 0, failed: 0, 'dead-lettered': 0, dropped: 0, undeliverable: 0 });
  expect(await drain(c.sqs, queueUrl(app, 'Sink'))).toEqual([]);
  expect((await c.ddb.send(new ScanCommand({ TableName: tableName(app) }))).Count).toBe(0);
});

test('a folder in use by a running app is refused with a coded error', async () => {
  const stateDir = tempDir();
  await start(stateDir);
  await expect(LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, stateDir })).rejects.toMatchObject({ code: 'StateInUse', message: expect.stringMatching(/in use by another switchyard dev/) });
});
