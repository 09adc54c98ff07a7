/**
 * Property: whatever a client sends to the local AWS endpoint or the HTTP gateway (arbitrary
 * JSON, valid inputs with members replaced by wrong types, nulls, huge numbers or long strings,
 * non-JSON bytes, any content type), the answer is never a 5xx and the servers keep answering.
 * Bounded in runs and in time so that it fits `npm test` on a small machine.
 */
import fc from 'fast-check';
import type { LocalApp } from '../../lib/local';
import { fnName, startPlainApp } from './helpers';

let app: LocalApp;
let queueUrl: string;

beforeAll(async () => {
  app = await startPlainApp({ timeScale: 0.0001 });
  queueUrl = app.queues.list()[0].url;
});
afterAll(() => app.stop());

/** Per run, at most this many requests; per property, at most this long. */
const RUNS = 80;
const TIME_LIMIT_MS = 6_000;
const settings = { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false } as const;

/** Valid inputs, one per served operation: the mutations start from these. */
function templates(): Record<string, Record<string, unknown>> {
  const entry = { Source: 'shop', DetailType: 'X', Detail: '{"a":1}', EventBusName: 'shop-bus', Resources: ['arn:x'], Time: 1700000000 };
  const event = JSON.stringify({ id: '1', account: '1', source: 's', time: 't', region: 'r', 'detail-type': 'd', detail: {} });
  return {
    'AmazonSQS.GetQueueUrl': { QueueName: 'nope' },
    'AmazonSQS.ListQueues': { QueueNamePrefix: 'P', MaxResults: 2, NextToken: 'x' },
    'AmazonSQS.SendMessage': { QueueUrl: queueUrl, MessageBody: 'hi', DelaySeconds: 0, MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } } },
    'AmazonSQS.SendMessageBatch': { QueueUrl: queueUrl, Entries: [{ Id: 'a', MessageBody: 'hi', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } }] },
    'AmazonSQS.ReceiveMessage': { QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0, VisibilityTimeout: 0, MessageAttributeNames: ['All'] },
    'AmazonSQS.DeleteMessage': { QueueUrl: queueUrl, ReceiptHandle: 'r' },
    'AmazonSQS.DeleteMessageBatch': { QueueUrl: queueUrl, Entries: [{ Id: 'a', ReceiptHandle: 'r' }] },
    'AmazonSQS.ChangeMessageVisibility': { QueueUrl: queueUrl, ReceiptHandle: 'r', VisibilityTimeout: 1 },
    'AmazonSQS.GetQueueAttributes': { QueueUrl: queueUrl, AttributeNames: ['All'] },
    'AmazonSQS.CreateQueue': { QueueName: 'q' },
    'AWSEvents.PutEvents': { Entries: [entry] },
    'AWSEvents.TestEventPattern': { EventPattern: '{"source":["s"],"detail":{"n":[{"numeric":[">",1]}]}}', Event: event },
    'AWSEvents.ListRules': { EventBusName: 'shop-bus', NamePrefix: 'P', Limit: 1, NextToken: 'x' },
    'AWSEvents.DescribeRule': { Name: 'r', EventBusName: 'shop-bus' },
    'DynamoDB_20120810.PutItem': { TableName: 'fuzz', Item: { pk: { S: 'a' }, n: { N: '1' }, l: { L: [{ M: { x: { BOOL: true } } }] } } },
    'DynamoDB_20120810.Query': { TableName: 'fuzz', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, Limit: 1 },
    'DynamoDB_20120810.BatchWriteItem': { RequestItems: { fuzz: [{ PutRequest: { Item: { pk: { S: 'a' } } } }] } },
    'DynamoDB_20120810.UpdateItem': { TableName: 'fuzz', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET #n = :v', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':v': { N: '2' } } },
    'DynamoDB_20120810.ListTables': { Limit: 1 },
    'DynamoDB_20120810.TagResource': { ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/fuzz', Tags: [{ Key: 'k', Value: 'v' }] },
    'secretsmanager.GetSecretValue': { SecretId: 'shop/key', VersionStage: 'AWSCURRENT' },
    'AmazonSSM.GetParameter': { Name: '/shop/p', WithDecryption: true },
    'AmazonSSM.GetParameters': { Names: ['/shop/p', 'q'], WithDecryption: true },
    'AmazonSSM.GetParametersByPath': { Path: '/shop', Recursive: true, MaxResults: 2, NextToken: 'x', ParameterFilters: [{ Key: 'Type', Option: 'Equals', Values: ['String'] }] },
  };
}

/** Values that break shapes: wrong types, nulls, extremes, long and odd strings. */
const nasty = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, -0, 2 ** 31, 2 ** 53, 1e308, -1e308, '', 'x'.repeat(5000), '\u0000\uD800', '%E0%A4%A', [], [null], {}, { a: null }, [[[[[]]]]]),
  fc.jsonValue({ maxDepth: 4 }),
);

/** A template with some members (top-level or in its first list element) replaced. */
function mutated(template: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(template);
  return fc.tuple(fc.subarray(keys, { minLength: 1 }), fc.array(nasty, { minLength: keys.length, maxLength: keys.length }), fc.boolean()).map(([picked, values, deep]) => {
    const out: Record<string, unknown> = { ...template };
    picked.forEach((k) => {
      const i = keys.indexOf(k);
      const current = template[k];
      // Half the time, reach into the first element of a list of structures instead.
      if (deep && Array.isArray(current) && typeof current[0] === 'object' && current[0] !== null) {
        const inner = { ...(current[0] as Record<string, unknown>) };
        inner[Object.keys(inner)[i % Object.keys(inner).length]] = values[i];
        out[k] = [inner, ...current.slice(1)];
      } else {
        out[k] = values[i];
      }
    });
    return out;
  });
}

/** A request body: a mutated template, any JSON, or bytes that are not JSON at all. */
function bodyFor(template: Record<string, unknown>): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 4, arbitrary: mutated(template).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  );
}

const contentType = fc.constantFrom('application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/json', 'text/plain', 'application/octet-stream');

async function status(url: string, init: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

describe('the AWS endpoint never answers 5xx to any input', () => {
  test.each(Object.keys(templates()))('%s', async (target) => {
    const template = templates()[target];
    await fc.assert(
      fc.asyncProperty(bodyFor(template), contentType, async (body, type) => {
        const code = await status(app.awsEndpoint, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': type }, body });
        expect(code).toBeLessThan(500);
      }),
      settings,
    );
  });

  test.each([
    ['Lambda Invoke', '2015-03-31', 'invocations'],
    ['Lambda InvokeWithResponseStream', '2021-11-15', 'response-streaming-invocations'],
  ])('%s', async (_operation, version, action) => {
    const name = fc.constantFrom(fnName(app, 'CjsFn'), 'nope', '%E0%A4%A', 'a%2Fb', `${fnName(app, 'CjsFn')}:1`, 'x'.repeat(200));
    const header = (values: string[]) => fc.option(fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 20 })), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(name, header(['RequestResponse', 'Event', 'DryRun']), header(['None', 'Tail']), fc.option(fc.string(), { nil: undefined }), bodyFor({ n: 1 }), async (fn, type, log, qualifier, body) => {
        const headers: Record<string, string> = {};
        if (type !== undefined) headers['x-amz-invocation-type'] = type;
        if (log !== undefined) headers['x-amz-log-type'] = log;
        const query = qualifier === undefined ? '' : `?Qualifier=${encodeURIComponent(qualifier)}`;
        const code = await status(`${app.awsEndpoint}/${version}/functions/${fn}/${action}${query}`, { method: 'POST', headers, body });
        expect(code).toBeLessThan(500);
      }),
      settings,
    );
  });

  test('the endpoint still serves after the runs', async () => {
    const code = await status(app.awsEndpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(code).toBe(200);
  });
});

describe('the HTTP gateway never answers 5xx on routes whose handler succeeds', () => {
  test('arbitrary methods, paths, headers and bodies', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    const path = fc.tuple(fc.constantFrom('/items/', '/files/', '/echo', '/v1/', '/zz/'), fc.webSegment(), fc.webQueryParameters()).map(([p, s, q]) => `${p}${s}${q ? `?${q.replace(/mode=/g, 'm=')}` : ''}`);
    const headers = fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), fc.stringMatching(/^[\x20-\x7e]{0,50}$/), { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(method, path, headers, bodyFor({ a: 1 }), contentType, async (m, p, h, body, type) => {
        const withBody = m !== 'GET' && m !== 'HEAD';
        const code = await status(`${app.urls[0]}${p}`, { method: m, headers: { ...h, 'content-type': type }, body: withBody ? body : undefined });
        expect(code).toBeLessThan(500);
      }),
      settings,
    );
    expect(await status(`${app.urls[0]}/items/1`, {})).toBe(200);
  });
});
