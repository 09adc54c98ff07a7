/**
 * Limits and input shapes of EventBridge, Lambda, DynamoDB, Secrets Manager and SSM on the local
 * endpoint, and bodies refused at their limit, through the real SDK clients and raw requests.
 */
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient, RequestTooLargeException } from '@aws-sdk/client-lambda';
import type { LocalApp } from '../../lib/local';
import { clientConfig, fnName, rawCall, startPlainApp } from './helpers';
import { upload } from './upload';

let app: LocalApp;
let eb: EventBridgeClient;
let lambda: LambdaClient;
const MB = 1024 * 1024;

beforeAll(async () => {
  app = await startPlainApp({ timeScale: 0.0001 });
  eb = new EventBridgeClient(clientConfig(app));
  lambda = new LambdaClient({ ...clientConfig(app), maxAttempts: 1 });
});
afterAll(async () => {
  eb.destroy();
  lambda.destroy();
  await app.stop();
});

const validation = (message: string) => ({ name: 'ValidationException', message, $metadata: expect.objectContaining({ httpStatusCode: 400 }) });
/** A JSON object nested `depth` levels deep. */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('EventBridge', () => {
  test('PutEvents with a null entry is a ValidationException, not a server error', async () => {
    const answer = await rawCall(app, 'AWSEvents.PutEvents', '{"Entries":[null]}');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ __type: 'ValidationException', message: "1 validation error detected: Value null at 'entries.1.member' failed to satisfy constraint: Member must not be null" });
  });

  test('PutEvents with a string Resources is a SerializationException', async () => {
    const answer = await rawCall(app, 'AWSEvents.PutEvents', JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', Resources: 'arn' }] }));
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('SerializationException');
  });

  test('PutEvents takes at most 10 entries', async () => {
    const entries = Array.from({ length: 11 }, () => ({ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'X', Detail: '{}' }));
    await expect(eb.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^1 validation error detected: Value '.*' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/),
    });
  });

  test('entries of exactly 256 KiB, as EventBridge sizes them, are accepted; one byte more is refused', async () => {
    // Source (4) + DetailType (1) + Detail: EventBusName does not count.
    const entry = (detailBytes: number) => ({ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'X', Detail: `{"p":"${'x'.repeat(detailBytes - 8)}"}` });
    const fits = await eb.send(new PutEventsCommand({ Entries: [entry(256 * 1024 - 5)] }));
    expect(fits.FailedEntryCount).toBe(0);
    await expect(eb.send(new PutEventsCommand({ Entries: [entry(256 * 1024 - 4)] }))).rejects.toMatchObject(validation('Total size of the entries in the request is over the limit.'));
  });

  test('a Detail nested deeper than 1100 levels fails its entry as malformed; 1100 levels are accepted', async () => {
    const out = await eb.send(
      new PutEventsCommand({ Entries: [1100, 1101].map((depth) => ({ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'Deep', Detail: nested(depth) })) }),
    );
    expect(out.Entries![0].EventId).toBeDefined();
    expect(out.Entries![1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
  });

  test.each([
    [0, 'Member must have value greater than or equal to 1'],
    [101, 'Member must have value less than or equal to 100'],
  ])('ListRules Limit %i is refused', async (limit, constraint) => {
    await expect(eb.send(new ListRulesCommand({ EventBusName: 'shop-bus', Limit: limit }))).rejects.toMatchObject(
      validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: ${constraint}`),
    );
  });

  test('ListRules pages with Limit and NextToken, and the paging ends', async () => {
    const all = (await eb.send(new ListRulesCommand({ EventBusName: 'shop-bus' }))).Rules!.map((r) => r.Name);
    const paged: (string | undefined)[] = [];
    let token: string | undefined;
    for (let page = 0; page <= all.length; page++) {
      const out = await eb.send(new ListRulesCommand({ EventBusName: 'shop-bus', Limit: 1, NextToken: token }));
      paged.push(...out.Rules!.map((r) => r.Name));
      token = out.NextToken;
      if (!token) break;
    }
    expect(token).toBeUndefined();
    expect(paged).toEqual(all);
    await expect(eb.send(new ListRulesCommand({ EventBusName: 'shop-bus', NextToken: 'bogus' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('DescribeRule checks the name against its pattern', async () => {
    await expect(eb.send(new DescribeRuleCommand({ Name: 'no spaces!', EventBusName: 'shop-bus' }))).rejects.toMatchObject(
      validation("1 validation error detected: Value 'no spaces!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"),
    );
  });

  test('TestEventPattern: a pattern over 4096 characters, and a missing event, are ValidationExceptions', async () => {
    const long = JSON.stringify({ source: ['x'.repeat(4090)] });
    await expect(eb.send(new TestEventPatternCommand({ EventPattern: long, Event: '{}' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096"),
    });
    const answer = await rawCall(app, 'AWSEvents.TestEventPattern', JSON.stringify({ EventPattern: '{"source":["x"]}' }));
    expect(answer.body.message).toBe("1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null");
  });

  test('TestEventPattern refuses a wildcard pattern EventBridge finds too complex', async () => {
    const pattern = JSON.stringify({ detail: { 'stack-id': ['A', 'B', 'C', 'D'].map((n) => ({ wildcard: `*:stack/${n}/*` })) } });
    const event = JSON.stringify({ id: '1', account: '1', source: 's', time: 't', region: 'r', 'detail-type': 'd', detail: {} });
    await expect(eb.send(new TestEventPatternCommand({ EventPattern: pattern, Event: event }))).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    });
  });
});

describe('Lambda Invoke', () => {
  test('a malformed percent-escape in the function name is a 400, not a server error', async () => {
    const answer = await rawCall(app, undefined, '{}', { path: '/2015-03-31/functions/%E0%A4%A/invocations' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(answer.body.message).toContain("at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern");
  });

  test('an unknown invocation type is a ValidationException', async () => {
    const answer = await rawCall(app, undefined, '{}', { path: `/2015-03-31/functions/${fnName(app, 'CjsFn')}/invocations`, headers: { 'x-amz-invocation-type': 'Later' } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe("1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
  });

  test('a synchronous payload of exactly 6 MB is accepted; one byte more is RequestTooLargeException', async () => {
    const payload = (bytes: number) => Buffer.from(JSON.stringify('x'.repeat(bytes - 2)));
    const fits = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'CjsFn'), Payload: payload(6 * MB) }));
    expect(fits.StatusCode).toBe(200);
    const err = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'CjsFn'), Payload: payload(6 * MB + 1) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTooLargeException);
    expect((err as Error).message).toBe('Request must be smaller than 6291456 bytes for the Invoke operation');
  });

  test('an asynchronous payload over 1 MB is RequestTooLargeException', async () => {
    const payload = Buffer.from(JSON.stringify('x'.repeat(MB)));
    await expect(lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'AsyncFn'), InvocationType: 'Event', Payload: payload }))).rejects.toBeInstanceOf(RequestTooLargeException);
  });

  test('a response over 6291556 bytes is Function.ResponseSizeTooLarge; one at the limit is returned', async () => {
    // The handler returns a JSON string of `bytes` characters: its payload is bytes + 2 quotes.
    const invoke = (bytes: number) => lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'HttpFn'), Payload: Buffer.from(JSON.stringify({ queryStringParameters: { mode: 'big', bytes: String(bytes) } })) }));
    const fits = await invoke(6_291_556 - 2);
    expect(fits.FunctionError).toBeUndefined();
    expect(fits.Payload!.length).toBe(6_291_556);
    const over = await invoke(6_291_556 - 1);
    expect(over.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(over.Payload!).toString())).toEqual({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' });
  });
});

describe("Switchyard's admin endpoints", () => {
  test('a malformed percent-escape in a schedule name is a 400, not a server error', async () => {
    const answer = await rawCall(app, undefined, '', { path: '/_switchyard/schedules/%E0%A4%A/trigger' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ __type: 'ValidationException', message: 'The request path is not valid: URI malformed' });
  });
});

describe('DynamoDB, Secrets Manager and SSM', () => {
  test('DynamoDB: a request nested past any valid item is a ValidationException; a non-object body a SerializationException', async () => {
    const deep = await rawCall(app, 'DynamoDB_20120810.PutItem', `{"TableName":"t","Item":${nested(101)}}`, { headers: { 'content-type': 'application/x-amz-json-1.0' } });
    expect(deep.status).toBe(400);
    expect(deep.body).toEqual({ __type: 'ValidationException', message: 'Nesting Levels have exceeded supported limits' });
    const list = await rawCall(app, 'DynamoDB_20120810.ListTables', '[1]', { headers: { 'content-type': 'application/x-amz-json-1.0' } });
    expect(list.status).toBe(400);
    expect(list.body.__type).toBe('SerializationException');
  });

  test('Secrets Manager and SSM check their inputs', async () => {
    const secret = await rawCall(app, 'secretsmanager.GetSecretValue', '{}');
    expect(secret.body).toEqual({ __type: 'ValidationException', message: "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null" });
    const parameter = await rawCall(app, 'AmazonSSM.GetParameter', '{"Name":""}');
    expect(parameter.body).toEqual({ __type: 'ValidationException', message: "1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1" });
  });
});

describe('bodies over their limit are refused as they arrive', () => {
  const json = (target: string) => ({ 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' });

  test.each([
    ['SQS SendMessage', '/', json('AmazonSQS.SendMessage'), 400, 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.'],
    ['EventBridge PutEvents', '/', json('AWSEvents.PutEvents'), 400, 'Total size of the entries in the request is over the limit.'],
    ['DynamoDB', '/', json('DynamoDB_20120810.PutItem'), 413, 'Request Entity Too Large'],
    ['an unknown target', '/', json('Nope.Nothing'), 413, 'Request Entity Too Large'],
  ])('%s: a 500 MB chunked upload is answered early', async (_name, path, headers, status, message) => {
    const answer = await upload(`${app.awsEndpoint}${path}`, { headers, totalBytes: 500 * MB });
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body).message).toBe(message);
  });

  test('Lambda Invoke: a chunked upload over 6 MB is RequestTooLargeException', async () => {
    const answer = await upload(`${app.awsEndpoint}/2015-03-31/functions/${fnName(app, 'CjsFn')}/invocations`, { totalBytes: 50 * MB });
    expect(answer.status).toBe(413);
    expect(answer.headers['x-amzn-errortype']).toBe('RequestTooLargeException');
  });

  test('a declared length over the limit with Expect: 100-continue is refused before the body is sent', async () => {
    const answer = await upload(`${app.awsEndpoint}/`, { headers: json('AmazonSQS.SendMessageBatch'), totalBytes: 500 * MB, declareLength: true, expectContinue: true });
    expect(answer.status).toBe(400);
    expect(answer.continued).toBe(false);
    expect(JSON.parse(answer.body).message).toBe('Batch requests cannot be longer than 1048576 bytes. You have sent 524288000 bytes.');
  });

  test('the endpoint keeps answering after refused uploads', async () => {
    const out = await eb.send(new ListRulesCommand({ EventBusName: 'shop-bus' }));
    expect(out.Rules!.length).toBeGreaterThan(0);
  });
});
