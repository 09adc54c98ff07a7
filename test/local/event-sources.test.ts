/**
 * Event source mappings end to end: a plain aws-cdk-lib app with SqsEventSource and
 * DynamoEventSource runs under the local runtime; messages and items go in through the real
 * @aws-sdk/client-sqs and @aws-sdk/client-dynamodb, and what the handlers processed comes back
 * through their Sink queue.
 */
import { BatchWriteItemCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../lib/local';
import type { DeliveryRecord } from '../../lib/local/events/ledger';
import { LocalApp as App } from '../../lib/local';
import { deliveryLine, summary } from '../../lib/cli/format';
import { queueOf as queueOf_, Sink } from './event-source-support';
import { clientConfig, synthEventSourcesApp } from './helpers';

jest.setTimeout(90_000);

let app: LocalApp;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let sink: Sink;

const queueOf = (id: string) => queueOf_(app, id);
const queueUrl = (id: string) => queueOf(id).url;
const of = (source: string) => sink.of(source);
const sinkUntil = (done: (all: any[]) => boolean) => sink.until(done);
const drain = (id: string, expected: number) => sink.drain(id, expected);

beforeAll(async () => {
  app = await App.start(synthEventSourcesApp(), { httpPort: 0, awsPort: 0, schedules: false, timeScale: 0.01, iam: 'enforce' });
  sink = new Sink(app);
  sqs = sink.sqs;
  dynamodb = new DynamoDBClient(clientConfig(app));
});

afterAll(async () => {
  sink?.destroy();
  dynamodb?.destroy();
  await app?.stop();
});

test('the model reads every mapping with its settings; a disabled one is listed and not polled', () => {
  const rows = app.mappings.list().map((m) => [m.source, m.functionName, m.mapping.kind, m.mapping.batchSize, m.mapping.enabled, m.concurrency]);
  expect(rows).toEqual([
    ['queue Jobs', 'JobsFn', 'sqs', 5, true, 2],
    ['queue Steps', 'StepsFn', 'sqs', 10, true, 5],
    ['stream of table MappingsStack-OrdersA9B65338', 'OrdersStreamFn', 'dynamodb', 10, true, 1],
    ['stream of table MappingsStack-OrdersA9B65338', 'LanesFn', 'dynamodb', 2, true, 4],
    ['queue Parked', 'ParkedFn', 'sqs', 10, false, 5],
  ]);
  const stream = app.model.eventSourceMappings!.find((m) => m.kind === 'dynamodb' && m.bisectBatchOnFunctionError)!;
  expect(stream).toMatchObject({ startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 1, bisectBatchOnFunctionError: true, maximumRecordAgeInSeconds: -1, parallelizationFactor: 1 });
  expect(stream.eventSourceArn).toBe(app.model.tables[0].stream!.arn);
  expect(stream.onFailureArn).toBe(queueOf('StreamFailures').model.arn);
});

test('SQS: each message processed once, reported failures redriven after maxReceiveCount, filtered ones deleted, at most maxConcurrency batches in flight', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const jobsArn = queueOf('Jobs').model.arn;
  const watch = (d: DeliveryRecord, changed: readonly string[]) => {
    if (d.kind !== 'sqs-batch' || d.sourceArn !== jobsArn) return;
    if (changed.includes('inFlightSince') && d.inFlightSince !== undefined) maxInFlight = Math.max(maxInFlight, ++inFlight);
    else if (changed.includes('state') && d.state !== 'pending') inFlight--;
  };
  app.ledger.on('change', watch);
  // The filter is `anything-but ignored` on `kind`, which (as in EventBridge) needs `kind` to be there.
  const jobs = Array.from({ length: 40 }, (_, i) => ({ id: `j${i}`, kind: i % 10 === 7 ? 'ignored' : 'work', ...(i % 10 === 3 ? { fail: true } : {}) }));
  for (let i = 0; i < jobs.length; i += 10) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl('Jobs'), Entries: jobs.slice(i, i + 10).map((j, k) => ({ Id: String(k), MessageBody: JSON.stringify(j) })) }));
  }
  const good = jobs.filter((j) => !j.fail && j.kind === 'work').map((j) => j.id);
  const failing = jobs.filter((j) => j.fail).map((j) => j.id);
  const dead = await drain('JobsDlq', failing.length);
  await sinkUntil(() => of('jobs').length >= good.length && of('jobs-failed').length >= 2 * failing.length);
  app.ledger.off('change', watch);

  expect(of('jobs').map((s) => s.id).sort()).toEqual([...good].sort());
  // Each failing job was received twice (maxReceiveCount 2), then redriven with its id, body and source queue.
  expect(of('jobs-failed').map((s) => `${s.id}#${s.receiveCount}`).sort()).toEqual(failing.flatMap((id) => [`${id}#1`, `${id}#2`]).sort());
  expect(dead.map((m) => JSON.parse(m.Body!).id).sort()).toEqual([...failing].sort());
  expect(dead.every((m) => m.Attributes?.DeadLetterQueueSourceArn === jobsArn)).toBe(true);
  expect(app.ledger.list({ state: 'dead-lettered' }).filter((d) => d.kind === 'redrive' && d.sourceArn === jobsArn)).toHaveLength(failing.length);
  // Filtered-out messages are gone without an invocation; nothing is left behind once the last
  // batches' results are in (a handler reports to the sink before its batch is deleted).
  const counts = async () => {
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl('Jobs'), AttributeNames: ['All'] }));
    return [attrs.Attributes!.ApproximateNumberOfMessages, attrs.Attributes!.ApproximateNumberOfMessagesNotVisible];
  };
  for (let i = 0; i < 100 && (await counts()).join() !== '0,0'; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await counts()).toEqual(['0', '0']);
  expect(maxInFlight).toBeGreaterThan(0);
  expect(maxInFlight).toBeLessThanOrEqual(2);
  // Batches hold at most BatchSize records; a batch with a reported failure is `failed` in the ledger, naming it.
  expect(Math.max(...of('jobs').map((s) => s.batchSize))).toBeLessThanOrEqual(5);
  const failedBatches = app.ledger.list({ state: 'failed' }).filter((d) => d.sourceArn === jobsArn);
  expect(failedBatches.length).toBeGreaterThanOrEqual(failing.length);
  expect(failedBatches[0].outcome).toMatch(/stay in the queue and are received again after the visibility timeout, then redriven to .*JobsDlq.* once received 2 times/);
});

test('SQS: the record is the event Lambda sends', async () => {
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('Jobs'), MessageBody: JSON.stringify({ id: 'shape', kind: 'work' }), MessageAttributes: { tenant: { DataType: 'String', StringValue: 't1' } } }));
  const [{ record }] = (await sinkUntil((all) => all.some((s) => s.id === 'shape'))).filter((s) => s.id === 'shape');
  const jobs = queueOf('Jobs').model;
  expect(record).toEqual({
    messageId: sent.MessageId,
    receiptHandle: expect.any(String),
    body: '{"id":"shape","kind":"work"}',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d{13}$/), SenderId: expect.any(String), ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/) },
    messageAttributes: { tenant: { stringValue: 't1', stringListValues: [], binaryListValues: [], dataType: 'String' } },
    md5OfBody: sent.MD5OfMessageBody,
    md5OfMessageAttributes: sent.MD5OfMessageAttributes,
    eventSource: 'aws:sqs',
    eventSourceARN: jobs.arn,
    awsRegion: 'us-east-1',
  });
});

test('SQS FIFO: each group in order, exactly once, a failed message retried with the rest of its group', async () => {
  const entries = ['a', 'b'].flatMap((group) => [1, 2, 3, 4, 5].map((n) => ({ group, n, ...(group === 'a' && n === 3 ? { failOnce: true } : {}) })));
  for (const e of entries) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('Steps'), MessageBody: JSON.stringify(e), MessageGroupId: e.group }));
  // A duplicate within five minutes (content-based deduplication) is accepted and not delivered again.
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('Steps'), MessageBody: JSON.stringify(entries[0]), MessageGroupId: 'a' }));
  await sinkUntil(() => of('steps').length >= 10);
  for (const group of ['a', 'b']) {
    const seen = of('steps').filter((s) => s.group === group);
    expect(seen.map((s) => s.n)).toEqual([1, 2, 3, 4, 5]);
    const numbers = seen.map((s) => BigInt(s.sequenceNumber));
    expect([...numbers].sort((x, y) => (x < y ? -1 : 1))).toEqual(numbers);
  }
});

test("SQS FIFO parameters are checked as SQS checks them", async () => {
  const send = (queue: string, extra: Record<string, unknown>) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(queue), MessageBody: 'x', ...extra }));
  await expect(send('Steps', {})).rejects.toMatchObject({ name: 'MissingParameter', message: 'The request must contain the parameter MessageGroupId.' });
  await expect(send('Steps', { MessageGroupId: 'g', DelaySeconds: 5 })).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('DelaySeconds') });
  await expect(send('StepsDlq', { MessageGroupId: 'g' })).rejects.toMatchObject({ name: 'InvalidParameterValue', message: 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly' });
  await expect(send('Parked', { MessageDeduplicationId: 'd' })).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('MessageDeduplicationId') });
  const sent = await send('StepsDlq', { MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
  expect(sent.SequenceNumber).toMatch(/^\d{20}$/);
});

test('streams: INSERT, MODIFY and REMOVE from outside and from handlers, with old and new images, in order per item; filtered keys skipped', async () => {
  const table = app.model.tables[0];
  await dynamodb.send(new PutItemCommand({ TableName: table.name, Item: { pk: { S: 'o1' }, status: { S: 'placed' } } }));
  await dynamodb.send(new UpdateItemCommand({ TableName: table.name, Key: { pk: { S: 'o1' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'shipped' } } }));
  // A write that changes nothing makes no record; neither does a failed conditional write.
  await dynamodb.send(new UpdateItemCommand({ TableName: table.name, Key: { pk: { S: 'o1' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'shipped' } } }));
  await expect(dynamodb.send(new PutItemCommand({ TableName: table.name, Item: { pk: { S: 'o1' } }, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toThrow();
  await dynamodb.send(new DeleteItemCommand({ TableName: table.name, Key: { pk: { S: 'o1' } } }));
  await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table.name]: [{ PutRequest: { Item: { pk: { S: 'o2' } } } }, { PutRequest: { Item: { pk: { S: 'ignored' } } } }] } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('Jobs'), MessageBody: JSON.stringify({ id: 'writer', kind: 'work', order: 'o3' }) }));
  await sinkUntil((all) => all.filter((s) => s.source === 'stream').length >= 5);

  const records = of('stream').map((s) => s.record);
  const o1 = records.filter((r) => r.dynamodb.Keys.pk.S === 'o1');
  expect(o1.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
  expect(o1[0].dynamodb).toEqual({
    ApproximateCreationDateTime: expect.any(Number),
    Keys: { pk: { S: 'o1' } },
    NewImage: { pk: { S: 'o1' }, status: { S: 'placed' } },
    SequenceNumber: expect.stringMatching(/^\d{21}$/),
    SizeBytes: expect.any(Number),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  });
  expect(o1[1].dynamodb.OldImage).toEqual({ pk: { S: 'o1' }, status: { S: 'placed' } });
  expect(o1[1].dynamodb.NewImage).toEqual({ pk: { S: 'o1' }, status: { S: 'shipped' } });
  expect(o1[2].dynamodb.OldImage).toEqual({ pk: { S: 'o1' }, status: { S: 'shipped' } });
  expect(o1[2].dynamodb.NewImage).toBeUndefined();
  const seqs = o1.map((r) => r.dynamodb.SequenceNumber);
  expect([...seqs].sort()).toEqual(seqs);
  expect(o1[0]).toMatchObject({ eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', eventSourceARN: table.stream!.arn, eventID: expect.stringMatching(/^[0-9a-f]{32}$/) });
  expect(records.find((r) => r.dynamodb.Keys.pk.S === 'o3')?.dynamodb.NewImage).toEqual({ pk: { S: 'o3' }, from: { S: 'jobs' } });
  expect(records.some((r) => r.dynamodb.Keys.pk.S === 'ignored')).toBe(false);
  expect(records.filter((r) => r.dynamodb.Keys.pk.S === 'o1')).toHaveLength(3);
});

test('streams: a poison record is bisected out, retried once, then its place in the stream goes to the on-failure destination; the rest are processed once', async () => {
  const table = app.model.tables[0];
  const before = of('stream').length;
  const items = ['p1', 'p2', 'poison', 'p4'].map((pk) => ({ PutRequest: { Item: { pk: { S: pk }, ...(pk === 'poison' ? { poison: { BOOL: true } } : {}) } } }));
  await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table.name]: items } }));
  const [failure] = await drain('StreamFailures', 1);
  await sinkUntil((all) => all.filter((s) => s.source === 'stream').length >= before + 3);
  const body = JSON.parse(failure.Body!);
  expect(body).toEqual({
    requestContext: { requestId: expect.any(String), functionArn: app.model.functions.find((f) => f.logicalId.startsWith('OrdersStreamFn'))!.arn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: expect.any(String),
    DDBStreamBatchInfo: {
      shardId: expect.stringMatching(/^shardId-/),
      startSequenceNumber: expect.any(String),
      endSequenceNumber: expect.any(String),
      approximateArrivalOfFirstRecord: expect.stringMatching(/Z$/),
      approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
      batchSize: 1,
      streamArn: table.stream!.arn,
    },
  });
  expect(body.DDBStreamBatchInfo.startSequenceNumber).toBe(body.DDBStreamBatchInfo.endSequenceNumber);
  const processed = of('stream').slice(before).map((s) => s.record.dynamodb.Keys.pk.S);
  expect(processed.sort()).toEqual(['p1', 'p2', 'p4']);
  const ended = app.ledger.list({ state: 'dead-lettered' }).filter((d) => d.kind === 'stream-batch');
  expect(ended).toHaveLength(1);
  expect(ended[0].batch?.records).toEqual([body.DDBStreamBatchInfo.startSequenceNumber]);
  expect(app.ledger.list({ state: 'failed' }).filter((d) => d.kind === 'stream-batch').some((d) => /bisected/.test(d.outcome ?? ''))).toBe(true);
});

test("streams: with a ParallelizationFactor, each item's records arrive in order while lanes run side by side", async () => {
  const table = app.model.tables[0];
  for (let v = 1; v <= 3; v++) {
    const items = Array.from({ length: 12 }, (_, k) => ({ PutRequest: { Item: { pk: { S: `k${k}` }, v: { N: String(v) } } } }));
    for (let i = 0; i < items.length; i += 6) await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table.name]: items.slice(i, i + 6) } }));
  }
  await sinkUntil(() => of('lanes').filter((s) => /^k\d+$/.test(s.pk)).length >= 36);
  const seen = of('lanes').filter((s) => /^k\d+$/.test(s.pk));
  expect(seen).toHaveLength(36);
  for (let k = 0; k < 12; k++) expect(seen.filter((s) => s.pk === `k${k}`).map((s) => s.v)).toEqual(['1', '2', '3']);
  // Lanes are independent: records reached the function out of their stream order somewhere.
  const seqs = seen.map((s) => BigInt(s.seq));
  expect(seqs.some((x, i) => i > 0 && x < seqs[i - 1])).toBe(true);
});

test('a disabled mapping leaves its queue alone', async () => {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('Parked'), MessageBody: '{"id":"parked"}' }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl('Parked'), AttributeNames: ['ApproximateNumberOfMessages'] }));
  expect(attrs.Attributes!.ApproximateNumberOfMessages).toBe('1');
  expect(app.ledger.list().some((d) => d.sourceArn === queueOf('Parked').model.arn)).toBe(false);
});

test("dev's summary lists the mappings; its log has a line per batch and per redrive", () => {
  const text = summary(app);
  const lines = text.split('\n');
  const start = lines.indexOf('Event source mappings');
  expect(lines.slice(start + 1, start + 7).map((l) => l.split(/\s{2,}/))).toEqual([
    ['SOURCE', 'FUNCTION', 'BATCH / WINDOW', 'CONCURRENCY', 'FILTERS', 'ON FAILURE'],
    ['queue Jobs', 'JobsFn', '5 / 1s', '2 at once', '{"body":{"kind":[{"anything-but":["ignored"]}]}}', 'partial batch responses; back to the queue'],
    ['queue Steps', 'StepsFn', '10', '5 at once', '-', 'partial batch responses; back to the queue'],
    ['stream of table MappingsStack-OrdersA9B65338', 'OrdersStreamFn', '10', '1 per shard', '{"dynamodb":{"Keys":{"pk":{"S":[{"anything-but":["ignored"]}]}}}}', 'whole batch; 1 retries, bisect; then to StreamFailures'],
    ['stream of table MappingsStack-OrdersA9B65338', 'LanesFn', '2', '4 per shard', '-', 'whole batch; retry until expired; then skipped'],
    ['queue Parked', 'ParkedFn', '10', '5 at once', '-', 'disabled: not polled'],
  ]);
  const failed = app.ledger.list({ state: 'failed' }).find((d) => d.kind === 'sqs-batch' && d.batch?.failedItems?.length === 1)!;
  expect(deliveryLine(failed, ['state'])).toMatch(new RegExp(`batch ${failed.id} \\d+ records? from ${queueOf('Jobs').model.name} request ${failed.eventId} FAILED: 1 failed \\(${failed.batch!.failedItems![0]}\\) -> the function reported 1 of \\d+ failed`));
  const redrive = app.ledger.list({ state: 'dead-lettered' }).find((d) => d.kind === 'redrive')!;
  expect(deliveryLine(redrive, ['state'])).toMatch(new RegExp(`message ${redrive.eventId} redriven: received 2 times without being deleted: moved to JobsDlq`));
});
