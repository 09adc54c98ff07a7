/**
 * Python handlers end to end: a plain aws-cdk-lib app whose functions are `lambda.Function`s on
 * PYTHON_3_12 with a folder of .py files (fixtures/python-app.ts), run by the local runtime on
 * this machine's python3, called over real HTTP and with the real SDK clients, and calling the
 * local endpoint with boto3 as they would AWS.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionLogRecord, InvokeResult, LocalApp } from '../../lib/local';
import { LocalApp as App } from '../../lib/local';
import { clientConfig, synthPythonApp } from './helpers';

let app: LocalApp;
let lambda: LambdaClient;
const logs: FunctionLogRecord[] = [];
const invocations: InvokeResult[] = [];

beforeAll(async () => {
  // Lambda's async retry waits (a minute, then two) compressed 600 times.
  app = await App.start(synthPythonApp(), { httpPort: 0, awsPort: 0, schedules: false, timeScale: 1 / 600 });
  app.host.on('log', (l) => logs.push(l));
  app.host.on('invocation', (r) => invocations.push(r));
  lambda = new LambdaClient(clientConfig(app));
});
afterAll(() => app?.stop());

/** A route's JSON answer. */
const getJson = async (route: string): Promise<any> => (await fetch(`${app.urls[0]}${route}`)).json();

const fn = (id: string) => app.model.functions.find((f) => f.logicalId.startsWith(id))!;

/** Invokes a function with the real Lambda client; the payload parsed. */
async function invoke(id: string, payload: unknown) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: fn(id).name, Payload: Buffer.from(JSON.stringify(payload)) }));
  return { functionError: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload!).toString('utf8')) };
}

test('the Python runtimes are served; the host says once which Python runs python3.12', () => {
  expect(app.model.functions.map((f) => [f.logicalId.replace(/[0-9A-F]{8}$/, ''), f.runtime])).toEqual([
    ['Http', 'python3.12'], ['Worker', 'python3.12'], ['Slow', 'python3.12'], ['Hog', 'python3.12'], ['Broken', 'python3.12'], ['Missing', 'python3.12'], ['NodeFn', 'nodejs22.x'],
  ]);
  expect(app.model.unserved?.filter((u) => u.type === 'AWS::Lambda::Function')).toEqual([]);
  const notices = app.host.runtimeNotices.filter((n) => n.startsWith('python3.12'));
  // This machine's python3 is 3.12 (nothing to say) or another version (said once, for all six functions).
  expect(notices.length).toBeLessThanOrEqual(1);
  for (const n of notices) expect(n).toMatch(/^python3\.12 \(6 functions\): runs on this machine's Python 3\.\d+\.\d+ \(python3\), not Python 3\.12/);
});

test('an HTTP API route calls the handler with a payload 2.0 event and a Lambda context; boto3 reaches the local DynamoDB', async () => {
  const res = await fetch(`${app.urls[0]}/py/ada?x=1`, { method: 'POST', body: 'hi there' });
  expect(res.status).toBe(200);
  const body: any = await res.json();
  const http = fn('Http');
  expect(body.event).toEqual({ version: '2.0', routeKey: 'POST /py/{name}', rawPath: '/py/ada', rawQueryString: 'x=1', pathParameters: { name: 'ada' }, body: 'hi there', isBase64Encoded: false });
  const invocation = invocations.find((r) => r.functionName === http.name)!;
  expect(body.context).toMatchObject({
    aws_request_id: invocation.requestId,
    function_name: http.name,
    function_version: '$LATEST',
    invoked_function_arn: http.arn,
    memory_limit_in_mb: '256',
    log_group_name: `/aws/lambda/${http.name}`,
  });
  expect(body.context.log_stream_name).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  expect(body.context.remaining_ms).toBeGreaterThan(0);
  expect(body.context.remaining_ms).toBeLessThanOrEqual(3000);
  // What boto3 wrote (put_item) and read back (get_item), a number coming back as Decimal.
  expect(body.item).toEqual({ id: 'ada', body: 'hi there', count: '1' });
  const ddb = new DynamoDBClient(clientConfig(app));
  const stored = await ddb.send(new GetItemCommand({ TableName: http.environment.TABLE, Key: { id: { S: 'ada' } } }));
  expect(stored.Item).toEqual({ id: { S: 'ada' }, body: { S: 'hi there' }, count: { N: '1' } });
});

test("the handler runs in its task root with only its function's environment, the endpoint and dummy credentials", async () => {
  const body = await getJson('/py/env');
  const env = body.env as Record<string, string>;
  expect(env).toMatchObject({ GREETING: 'hello', AWS_ENDPOINT_URL: app.awsEndpoint, AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12', AWS_REGION: app.model.region, _HANDLER: 'app.lambda_handler' });
  expect(env.LAMBDA_TASK_ROOT).toBe(body.cwd);
  // Nothing of the host's environment but PATH (LC_CTYPE is Python's own, set when it coerces the locale).
  const allowed = /^(AWS_[A-Z_]+|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|_HANDLER|LANG|TZ|PATH|SWITCHYARD_OPT_DIR|GREETING|TABLE|LC_CTYPE)$/;
  expect(Object.keys(env).filter((k) => !allowed.test(k))).toEqual([]);
  expect(env.NODE_PATH).toBeUndefined();
});

test('print() and logging lines belong to the request that wrote them; a second call is warm, on the same process', async () => {
  const first = await getJson('/py/warm');
  const second = await getJson('/py/warm');
  expect(second.pid).toBe(first.pid);
  const ids = [first.context.aws_request_id, second.context.aws_request_id];
  expect(invocations.filter((r) => ids.includes(r.requestId)).map((r) => r.cold)).toEqual([false, false]);
  expect(invocations.find((r) => r.functionName === fn('Http').name)!.cold).toBe(true);
  for (const id of ids) {
    expect(logs.filter((l) => l.requestId === id).map((l) => [l.level, l.text])).toEqual([
      ['INFO', 'handling /py/warm'],
      ['INFO', 'info from the handler'],
    ]);
  }
});

test("Invoke returns Lambda's Python error shape for an exception, and logs it with the request id", async () => {
  const { functionError, payload } = await invoke('Http', { raise: 'boom' });
  expect(functionError).toBe('Unhandled');
  expect(Object.keys(payload)).toEqual(['errorMessage', 'errorType', 'requestId', 'stackTrace']);
  expect(payload).toMatchObject({ errorMessage: 'boom', errorType: 'ValueError' });
  expect(payload.stackTrace).toEqual([expect.stringMatching(/^ {2}File ".*[\\/]app\.py", line \d+, in lambda_handler\n {4}raise ValueError\(event\["raise"\]\)\n$/)]);
  const logged = logs.find((l) => l.requestId === payload.requestId && l.level === 'ERROR')!;
  expect(logged.text.split('\n').slice(0, 2)).toEqual(['[ERROR] ValueError: boom', 'Traceback (most recent call last):']);
});

test.each([
  ['Broken', { errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'missing_module': No module named 'missing_module'", requestId: '', stackTrace: [] }],
  ['Missing', { errorType: 'Runtime.HandlerNotFound', errorMessage: "Handler 'no_such_function' missing on module 'app'", stackTrace: [] }],
])('%s: the runtime error Lambda gives', async (id, expected) => {
  const { functionError, payload } = await invoke(id, {});
  expect(functionError).toBe('Unhandled');
  expect(payload).toMatchObject(expected);
});

test('a handler that exits ends its instance with Runtime.ExitError; the next call starts a new one', async () => {
  const before = await getJson('/py/exit');
  const { functionError, payload } = await invoke('Http', { exit: 3 });
  expect(functionError).toBe('Unhandled');
  expect(payload.errorType).toBe('Runtime.ExitError');
  expect(payload.errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/);
  const after = await getJson('/py/exit');
  expect(after.pid).not.toBe(before.pid);
});

test('a call over the timeout ends with Sandbox.Timedout, and the instance with it', async () => {
  const { functionError, payload } = await invoke('Slow', { seconds: 30 });
  expect(functionError).toBe('Unhandled');
  expect(payload).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/) });
  expect(await invoke('Slow', { seconds: 0 })).toEqual({ functionError: undefined, payload: 'woke up' });
});

test('an instance over its memory size is killed: Runtime.OutOfMemory', async () => {
  const { functionError, payload } = await invoke('Hog', { chunks: 30 });
  expect(functionError).toBe('Unhandled');
  expect(payload.errorType).toBe('Runtime.OutOfMemory');
});

test('an EventBridge rule delivers to the Python target; a failing event is retried, then lands in the DLQ', async () => {
  const eb = new EventBridgeClient(clientConfig(app));
  const out = await eb.send(new PutEventsCommand({
    Entries: [
      { EventBusName: 'py-bus', Source: 'notes', DetailType: 'NoteAdded', Detail: JSON.stringify({ id: 'n1' }) },
      { EventBusName: 'py-bus', Source: 'notes', DetailType: 'NoteAdded', Detail: JSON.stringify({ id: 'n2', fail: true }) },
    ],
  }));
  expect(out.FailedEntryCount).toBe(0);
  await app.ledger.whenIdle();
  const [ok, failing] = out.Entries!.map((e) => app.ledger.list().find((r) => r.eventId === e.EventId)!);
  expect([ok.state, ok.attempts]).toEqual(['delivered', 1]);
  // Lambda's async stage: the first attempt and one retry (retryAttempts: 1), then the function's DLQ.
  expect([failing.state, failing.attempts]).toEqual(['dead-lettered', 2]);
  expect(failing.lastError).toMatchObject({ errorType: 'RuntimeError', errorMessage: 'cannot file note n2' });

  const ddb = new DynamoDBClient(clientConfig(app));
  const filed = await ddb.send(new GetItemCommand({ TableName: fn('Worker').environment.TABLE, Key: { id: { S: 'n1' } } }));
  expect(filed.Item).toEqual({ id: { S: 'n1' }, attempts: { N: '1' }, source: { S: 'notes' } });

  const sqs = new SQSClient(clientConfig(app));
  const dlq = app.queues.get(fn('Worker').asyncConfig.deadLetterArn!);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  expect(got.Messages).toHaveLength(1);
  expect(JSON.parse(got.Messages![0].Body!)).toMatchObject({ source: 'notes', 'detail-type': 'NoteAdded', detail: { id: 'n2', fail: true } });
  expect(got.Messages![0].MessageAttributes?.ErrorMessage?.StringValue).toBe('cannot file note n2');
});

test('a Node.js function of the same app runs beside the Python ones', async () => {
  expect(await invoke('NodeFn', { hello: 'node' })).toEqual({ functionError: undefined, payload: { node: true, event: { hello: 'node' } } });
});
