/**
 * A sample-shaped EventBridge app (fixtures/enrichment: a custom bus, an input transformer, a
 * target retry policy with a DLQ, targets dev does not serve) under the local runtime, driven
 * with the real EventBridge, DynamoDB, SQS and Lambda clients.
 */
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { summary } from '../../lib/cli/format';
import { LocalApp } from '../../lib/local';
import { clientConfig, synthProject } from '../local/helpers';
import { printedOutputs } from './support';

const PROJECT = path.join(__dirname, 'fixtures', 'enrichment');
let app: LocalApp;
let printed: string;
let outputs: Record<string, string>;

beforeAll(async () => {
  app = await LocalApp.start(await synthProject(PROJECT), { httpPort: 0, awsPort: 0, projectDir: PROJECT, timeScale: 0.001 });
  printed = summary(app);
  outputs = printedOutputs(printed);
}, 180_000);
afterAll(() => app?.stop());

/** Publishes one entry on the app's bus and waits until every delivery it caused has ended. */
async function publish(entry: Omit<PutEventsRequestEntry, 'EventBusName'>): Promise<string> {
  const out = await new EventBridgeClient(clientConfig(app)).send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: outputs.BusName }] }));
  expect(out.FailedEntryCount).toBe(0);
  await app.ledger.whenIdle();
  return out.Entries![0].EventId!;
}

const rule = (name: string) => app.model.rules.find((r) => r.displayName === name)!;

test('dev lists what it does not serve, by type, with what that means for the app', () => {
  const lines = printed.split('\n');
  expect(lines).toContain(
    'AWS::SNS::Topic Alerts: not served; the rule ShipOrder targeting it will not deliver (its events are recorded in the ledger as undeliverable); ' +
      'calls to SNS from function NotifyFunction (granted sns:Publish; env TOPIC_ARN) fail: the local AWS endpoint does not serve SNS; alarm ChargeErrors notifies it (no alarm fires locally)',
  );
  expect(lines).toContain('AWS::StepFunctions::StateMachine OrderFlow: not served; the rule ShipOrder targeting it will not deliver (its events are recorded in the ledger as undeliverable)');
  expect(lines.find((l) => l.startsWith('Nothing to run locally: '))).toMatch(/AWS::CloudWatch::Alarm x1, .*AWS::IAM::Role x\d+/);
  expect(app.model.unserved!.map((u) => u.type)).toEqual(['AWS::SNS::Topic', 'AWS::StepFunctions::StateMachine']);
});

test('the input transformer shapes what the function gets: EventField paths as JSON, inside strings as text, predefined fields', async () => {
  const detail = { orderId: 'o-1', customer: { name: 'Ada "A." Lovelace' }, items: [{ sku: 'lamp', quantity: 2 }] };
  const eventId = await publish({ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail) });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(app)));
  const { Item } = await db.send(new GetCommand({ TableName: outputs.EnrichedTable, Key: { orderId: 'o-1' } }));
  expect(Item).toEqual({
    orderId: 'o-1',
    customer: 'Ada "A." Lovelace',
    items: detail.items,
    summary: 'Order o-1 for Ada "A." Lovelace',
    kind: 'OrderPlaced',
    eventId,
    channel: 'web',
    enrichedAt: expect.any(String),
  });
});

test("a function error goes through Lambda's async retries, not the target's DLQ; a target EventBridge cannot reach is retried into the DLQ", async () => {
  const eventId = await publish({ Source: 'shop.payments', DetailType: 'PaymentRequested', Detail: JSON.stringify({ orderId: 'o-2', amount: -5 }) });
  const [charge, ledger] = app.ledger.list({ eventId });
  expect(charge).toMatchObject({
    state: 'dropped',
    attempts: 1, // the function's retryAttempts: 0
    lastError: { errorType: 'Error', errorMessage: 'cannot charge -5 for order o-2' },
    droppedReason: expect.stringContaining('no on-failure destination or DLQ'),
  });
  expect(ledger).toMatchObject({ state: 'dead-lettered', attempts: 3, targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:payments-ledger' });

  const sqs = new SQSClient(clientConfig(app));
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: outputs.DeadLetterQueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  expect(received.Messages).toHaveLength(1);
  const [message] = received.Messages!;
  expect(JSON.parse(message.Body!)).toMatchObject({ id: eventId, detail: { orderId: 'o-2', amount: -5 } });
  expect(message.MessageAttributes).toMatchObject({
    RULE_ARN: { StringValue: rule('ChargeCard').arn },
    TARGET_ARN: { StringValue: 'arn:aws:lambda:us-east-1:000000000000:function:payments-ledger' },
    ERROR_CODE: { StringValue: 'RESOURCE_NOT_FOUND' },
    RETRY_ATTEMPTS: { StringValue: '2' },
  });
});

test('events for targets dev does not serve are recorded as undeliverable with the reason, never dead-lettered', async () => {
  const eventId = await publish({ Source: 'shop.orders', DetailType: 'OrderPacked', Detail: '{"orderId":"o-3"}' });
  expect(app.ledger.list({ eventId }).map((d) => [d.state, d.attempts, d.undeliverableReason])).toEqual([
    ['undeliverable', 0, 'AWS::StepFunctions::StateMachine OrderFlow is not served by switchyard dev (state machines are not run)'],
    ['undeliverable', 0, 'AWS::SNS::Topic Alerts is not served by switchyard dev (topics are not served: publishing fails and subscribers are never called)'],
  ]);
  const received = await new SQSClient(clientConfig(app)).send(new ReceiveMessageCommand({ QueueUrl: outputs.DeadLetterQueueUrl, WaitTimeSeconds: 0 }));
  expect(received.Messages ?? []).toEqual([]);
});

test('the function publishing to the topic fails, as the start-up report says', async () => {
  const out = await new LambdaClient(clientConfig(app)).send(new InvokeCommand({ FunctionName: 'NotifyFunction', Payload: JSON.stringify({ message: 'hello' }) }));
  expect(out.FunctionError).toBe('Unhandled');
  expect(JSON.parse(Buffer.from(out.Payload!).toString('utf8'))).toMatchObject({
    errorType: 'UnknownOperationException',
    errorMessage: expect.stringMatching(/^switchyard dev does not serve SNS \(Publish\); its local AWS endpoint answers EventBridge, .*The app's SNS resources are listed at start-up as not served$/),
  });
});

test('a JSON-protocol service that is not served (Step Functions) gets the named error too', async () => {
  const sfn = new SFNClient(clientConfig(app));
  const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:OrderFlow';
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }))).rejects.toMatchObject({
    name: 'UnknownOperationException',
    message: expect.stringMatching(/^switchyard dev does not serve Step Functions \(StartExecution\); /),
    $metadata: { httpStatusCode: 400 },
  });
});
