import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, PutEventsCommand, ResourceNotFoundException as EbNotFound, TestEventPatternCommand, InvalidEventPatternException } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, QueueDoesNotExist, ReceiveMessageCommand, SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { InvokeResult, LocalApp } from '../../lib/local';
import { clientConfig, fnName, startPlainApp } from './helpers';

let app: LocalApp;
let eb: EventBridgeClient;
let lambda: LambdaClient;
let sqs: SQSClient;
const text = (p?: Uint8Array) => Buffer.from(p ?? []).toString('utf8');

beforeAll(async () => {
  app = await startPlainApp({ timeScale: 0.0001 });
  eb = new EventBridgeClient(clientConfig(app));
  lambda = new LambdaClient(clientConfig(app));
  sqs = new SQSClient(clientConfig(app));
});
afterAll(async () => {
  eb.destroy();
  lambda.destroy();
  sqs.destroy();
  await app.stop();
});

async function queueUrl(id: string): Promise<string> {
  const name = app.model.queues.find((q) => q.logicalId.startsWith(id))!.name;
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
}

describe('Lambda Invoke through @aws-sdk/client-lambda', () => {
  test('RequestResponse returns the payload and the executed version', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'CjsFn'), Payload: Buffer.from('{"n":1}') }));
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(text(out.Payload))).toMatchObject({ statusCode: 201 });
  });

  test('a function is found by ARN too', async () => {
    const arn = app.model.functions.find((f) => f.logicalId.startsWith('CjsFn'))!.arn;
    const out = await lambda.send(new InvokeCommand({ FunctionName: arn }));
    expect(out.StatusCode).toBe(200);
  });

  test('a function error is reported as Lambda does: FunctionError and an errorType/errorMessage payload', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'CrashFn'), Payload: Buffer.from('{"mode":"throw"}'), LogType: 'Tail' }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toMatchObject({ errorType: 'OrderError', errorMessage: 'order 42 is invalid' });
    expect(typeof out.LogResult).toBe('string');
  });

  test('DryRun answers 204 and Event 202', async () => {
    expect((await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'CjsFn'), InvocationType: 'DryRun' }))).StatusCode).toBe(204);
    expect((await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'AsyncFn'), InvocationType: 'Event', Payload: Buffer.from('{}') }))).StatusCode).toBe(202);
  });

  test('an unknown function is a ResourceNotFoundException', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('a call over reserved concurrency is a TooManyRequestsException', async () => {
    const first = lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'SlowFn'), Payload: Buffer.from('{"ms":700}') }));
    while (app.host.instanceCount(fnName(app, 'SlowFn')) === 0) await new Promise((r) => setImmediate(r));
    // The SDK retries throttles by itself; one attempt shows the error it parsed.
    const once = new LambdaClient({ ...clientConfig(app), maxAttempts: 1 });
    await expect(once.send(new InvokeCommand({ FunctionName: fnName(app, 'SlowFn'), Payload: Buffer.from('{"ms":1}') }))).rejects.toBeInstanceOf(TooManyRequestsException);
    once.destroy();
    expect((await first).StatusCode).toBe(200);
  });

  test('an async invoke that keeps failing lands in the on-failure destination with its invocation record', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'AsyncFn'), InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ detail: { fail: true } })) }));
    expect(out.StatusCode).toBe(202);
    await app.ledger.whenIdle();
    const url = await queueUrl('AsyncFailures');
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(got.Messages).toHaveLength(1);
    const record = JSON.parse(got.Messages![0].Body!);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      requestPayload: { detail: { fail: true } },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error' },
    });
  });
});

describe('EventBridge through @aws-sdk/client-eventbridge', () => {
  test('PutEvents routes to the matching rule target; the handler reaches SQS through the local endpoint', async () => {
    const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ id: 'o-1', sink: true }) }] }));
    expect(out.FailedEntryCount).toBe(0);
    const eventId = out.Entries![0].EventId!;
    await app.ledger.whenIdle();
    expect(app.ledger.list({ eventId }).map((r) => [r.state, r.lastError])).toEqual([['delivered', undefined]]);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: await queueUrl('Sink'), WaitTimeSeconds: 1 }));
    const event = JSON.parse(got.Messages![0].Body!);
    expect(event).toMatchObject({ version: '0', id: eventId, 'detail-type': 'OrderPlaced', source: 'shop', account: '000000000000', region: 'us-east-1', resources: [], detail: { id: 'o-1', sink: true } });
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('the bus can be given by ARN; entries are validated one by one', async () => {
    const busArn = app.model.eventBuses.find((b) => b.name === 'shop-bus')!.arn;
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: busArn, Source: 'shop', DetailType: 'Nothing', Detail: '{}' },
          { EventBusName: 'shop-bus', Source: 'shop', DetailType: 'X', Detail: 'not json' },
          { EventBusName: 'shop-bus', DetailType: 'X', Detail: '{}' },
          { EventBusName: 'missing-bus', Source: 'shop', DetailType: 'X', Detail: '{}' },
          { Source: 'shop', DetailType: 'X', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries![0].EventId).toBeDefined();
    expect(out.Entries![1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(out.Entries![2]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('Source') });
    expect(out.Entries![3]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    expect(out.Entries![4].EventId).toBeDefined();
  });

  test('InputTransformer shapes what the target receives', async () => {
    const consumer = fnName(app, 'ConsumerFn');
    const received: unknown[] = [];
    const onInvocation = (r: InvokeResult) => r.functionName === consumer && received.push(JSON.parse(r.payload).received);
    app.host.on('invocation', onInvocation);
    const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'Transform', Detail: JSON.stringify({ id: 'o-7' }) }] }));
    await app.ledger.whenIdle();
    app.host.off('invocation', onInvocation);
    expect(app.ledger.list({ eventId: out.Entries![0].EventId }).map((r) => r.state)).toEqual(['delivered']);
    expect(received).toEqual([{ order: 'o-7', kind: 'transformed' }]);
  });

  test('a function error is retried by Lambda, then sent to the on-failure destination with the invocation record', async () => {
    const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ fail: true }) }] }));
    const eventId = out.Entries![0].EventId!;
    await app.ledger.whenIdle();
    const [record] = app.ledger.list({ eventId });
    expect(record).toMatchObject({ state: 'dead-lettered', attempts: 3, kind: 'rule' });
    const url = await queueUrl('TargetDlq');
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('1');
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    const msg = got.Messages![0];
    expect(JSON.parse(msg.Body!)).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: `${app.host.find(fnName(app, 'ConsumerFn'))!.arn}:$LATEST` },
      requestPayload: { id: eventId, 'detail-type': 'OrderPlaced' },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: `failing on purpose: ${eventId}` },
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: msg.ReceiptHandle! }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(after.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', QueueArn: app.model.queues.find((q) => q.logicalId.startsWith('TargetDlq'))!.arn });
  });

  test('a target EventBridge cannot reach is retried per the target policy, then sent to its DLQ with the error attributes', async () => {
    const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'Elsewhere', Detail: '{}' }] }));
    const eventId = out.Entries![0].EventId!;
    await app.ledger.whenIdle();
    const [record] = app.ledger.list({ eventId });
    expect(record).toMatchObject({ state: 'dead-lettered', attempts: 2 });
    const url = await queueUrl('TargetDlq');
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }));
    const msg = got.Messages![0];
    expect(JSON.parse(msg.Body!).id).toBe(eventId);
    const rule = app.model.rules.find((r) => r.logicalId.startsWith('Elsewhere'))!;
    expect(msg.MessageAttributes).toMatchObject({
      RULE_ARN: { DataType: 'String', StringValue: rule.arn },
      TARGET_ARN: { StringValue: 'arn:aws:lambda:us-east-1:111111111111:function:remote' },
      ERROR_CODE: { StringValue: 'RESOURCE_NOT_FOUND' },
      ERROR_MESSAGE: { StringValue: expect.stringContaining('not a function or queue of this app') },
      EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: '1' },
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: msg.ReceiptHandle! }));
  });

  test('TestEventPattern answers as AWS does, and rejects a bad pattern', async () => {
    const event = JSON.stringify({ id: '1', account: '1', source: 'shop', time: '2024-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'X', resources: [], detail: { n: 5 } });
    const yes = await eb.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"numeric":[">",1]}]}}', Event: event }));
    expect(yes.Result).toBe(true);
    const no = await eb.send(new TestEventPatternCommand({ EventPattern: '{"source":["other"]}', Event: event }));
    expect(no.Result).toBe(false);
    await expect(eb.send(new TestEventPatternCommand({ EventPattern: '{"source":"shop"}', Event: event }))).rejects.toBeInstanceOf(InvalidEventPatternException);
  });

  test('ListRules and DescribeRule', async () => {
    const listed = await eb.send(new ListRulesCommand({ EventBusName: 'shop-bus' }));
    expect(listed.Rules!.map((r) => r.EventBusName)).toEqual(['shop-bus', 'shop-bus', 'shop-bus']);
    const name = listed.Rules![0].Name!;
    const described = await eb.send(new DescribeRuleCommand({ Name: name, EventBusName: 'shop-bus' }));
    expect(described).toMatchObject({ Name: name, State: 'ENABLED', EventPattern: expect.stringContaining('shop') });
    const schedules = await eb.send(new ListRulesCommand({}));
    expect(schedules.Rules!.map((r) => r.ScheduleExpression).sort()).toEqual(['cron(0 3 ? * MON-FRI *)', 'rate(5 minutes)']);
    await expect(eb.send(new DescribeRuleCommand({ Name: 'nope', EventBusName: 'shop-bus' }))).rejects.toBeInstanceOf(EbNotFound);
  });
});

describe('SQS through @aws-sdk/client-sqs', () => {
  test('send, receive with attributes (MD5s verified by the SDK), delete', async () => {
    const url = await queueUrl('Sink');
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello', MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' }, n: { DataType: 'Number', StringValue: '3' } } }));
    expect(sent.MessageId).toBeDefined();
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount'], MaxNumberOfMessages: 10 }));
    const m = got.Messages!.find((x) => x.Body === 'hello')!;
    expect(m.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'greeting' }, n: { DataType: 'Number', StringValue: '3' } });
    expect(m.Attributes).toEqual({ ApproximateReceiveCount: '1' });
    // In flight: invisible to a second receive.
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(again.Messages ?? []).toHaveLength(0);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
  });

  test('long polling returns as soon as a message arrives', async () => {
    const url = await queueUrl('Sink');
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    expect((await polling).Messages![0].Body).toBe('late');
  });

  test('ListQueues and a missing queue', async () => {
    const listed = await sqs.send(new ListQueuesCommand({}));
    expect(listed.QueueUrls).toHaveLength(3);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('SQS batches and visibility', () => {
  test('SendMessageBatch, ChangeMessageVisibility back to 0, DeleteMessageBatch with a bad handle', async () => {
    const url = await queueUrl('Sink');
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two' }] }));
    expect(sent.Successful!.map((s) => s.Id)).toEqual(['a', 'b']);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    expect(got.Messages!.map((m) => m.Body).sort()).toEqual(['one', 'two']);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: got.Messages![0].ReceiptHandle!, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(again.Messages).toHaveLength(1);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'x', ReceiptHandle: again.Messages![0].ReceiptHandle! }, { Id: 'y', ReceiptHandle: got.Messages![1].ReceiptHandle! }, { Id: 'z', ReceiptHandle: 'bogus' }] }),
    );
    expect(deleted.Successful!.map((s) => s.Id)).toEqual(['x', 'y']);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'z', Code: 'ReceiptHandleIsInvalid' })]);
  });
});
