/**
 * Function URLs (fixtures/url-app: `addFunctionUrl` with CORS, an AWS_IAM URL on an alias, a
 * RESPONSE_STREAM URL) run by the local runtime and driven from outside with HTTP, a request
 * signed with the SDK's SigV4 signer, and the real SQS client; the same functions called with
 * the real Lambda client's InvokeWithResponseStream.
 */
import { createHash, createHmac } from 'node:crypto';
import * as path from 'node:path';
import { InvokeWithResponseStreamCommand, LambdaClient, type InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { summary } from '../../lib/cli/format';
import { LocalApp, type HttpRequestRecord } from '../../lib/local';
import { clientConfig, synthProject } from '../local/helpers';
import { printedOutputs } from './support';

const PROJECT = path.join(__dirname, 'fixtures', 'url-app');
let app: LocalApp;
let printed: string;
let outputs: Record<string, string>;

beforeAll(async () => {
  app = await LocalApp.start(await synthProject(PROJECT), { httpPort: 0, awsPort: 0, projectDir: PROJECT });
  printed = summary(app);
  outputs = printedOutputs(printed);
}, 180_000);
afterAll(() => app?.stop());

/** SHA-256 for the SDK's signer, from node:crypto (the signer takes any implementation). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A request signed as the SDK signs one, for `service`. */
async function signed(url: string, service: string, init: { method?: string; body?: string } = {}): Promise<Response> {
  const u = new URL(url);
  const signer = new SignatureV4({ credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, region: 'us-east-1', service, sha256: Sha256 });
  const request = await signer.sign({
    method: init.method ?? 'GET',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    query: Object.fromEntries(u.searchParams),
    headers: { host: u.host, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body,
  });
  return fetch(url, { method: request.method, headers: request.headers, body: init.body });
}

test('dev lists each URL on its own local port, and the outputs point at them', () => {
  expect(printed).toMatch(/(^|\n)Function URLs\nURL +FUNCTION +AUTH +MODE\n/);
  const [echo, priv, stream] = app.functionUrls;
  expect(printed).toMatch(new RegExp(`\\n${echo.localUrl.replace(/[/.]/g, '\\$&')} +Echo +NONE +BUFFERED\\n`));
  expect(printed).toMatch(new RegExp(`\\n${priv.localUrl.replace(/[/.]/g, '\\$&')} +WhoAmI:live +AWS_IAM +BUFFERED\\n`));
  expect(printed).toMatch(new RegExp(`\\n${stream.localUrl.replace(/[/.]/g, '\\$&')} +Ticker +NONE +RESPONSE_STREAM\\n`));
  expect(new Set(app.functionUrls.map((u) => u.port)).size).toBe(3);
  expect(outputs).toMatchObject({ EchoUrl: echo.localUrl, PrivateUrl: priv.localUrl, StreamUrl: stream.localUrl });
  expect(echo.localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('the whole path belongs to the function; the event is a function URL 2.0 event', async () => {
  const res = await fetch(`${outputs.EchoUrl}any/deep/path?a=1&a=2&b=x`, { headers: { cookie: 'c1=v1; c2=v2', 'x-trace': 't-1', 'user-agent': 'tests' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-echo')).toBe('yes');
  expect(res.headers.getSetCookie()).toEqual(['seen=1; Path=/']);
  const event = (await res.json()) as Record<string, any>;
  expect(event).toMatchObject({
    version: '2.0',
    routeKey: '$default',
    rawPath: '/any/deep/path',
    rawQueryString: 'a=1&a=2&b=x',
    cookies: ['c1=v1', 'c2=v2'],
    queryStringParameters: { a: '1,2', b: 'x' },
    isBase64Encoded: false,
    requestContext: {
      accountId: 'anonymous',
      apiId: expect.stringMatching(/^[a-z0-9]{32}$/),
      http: { method: 'GET', path: '/any/deep/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'tests' },
      routeKey: '$default',
      stage: '$default',
      requestId: res.headers.get('x-amzn-requestid'),
    },
  });
  expect(event.headers).toMatchObject({ 'x-trace': 't-1', 'user-agent': 'tests' });
  expect(event.headers.cookie).toBeUndefined();
  expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(event).not.toHaveProperty('pathParameters');
  expect(event.requestContext).not.toHaveProperty('authorizer');
  expect(event).not.toHaveProperty('body');
});

test('text bodies arrive as text, binary ones base64-encoded', async () => {
  const text = await (await fetch(outputs.EchoUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).json();
  expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false, requestContext: { http: { method: 'POST', path: '/' } } });
  const raw = Buffer.from([0, 255, 1, 254]);
  const binary = (await (await fetch(outputs.EchoUrl, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: raw })).json()) as { isBase64Encoded: boolean; body: string };
  expect(binary.isBase64Encoded).toBe(true);
  expect(Buffer.from(binary.body, 'base64')).toEqual(raw);
});

test("CORS from the URL's configuration: Lambda answers the preflight and adds the headers", async () => {
  const preflight = await fetch(outputs.EchoUrl, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST');
  expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-trace');
  expect(preflight.headers.get('access-control-max-age')).toBe('600');

  const other = await fetch(outputs.EchoUrl, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();

  const get = await fetch(outputs.EchoUrl, { headers: { origin: 'https://app.example.com' } });
  expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  expect(get.headers.get('access-control-expose-headers')).toBe('x-echo');
});

test("Lambda's answers: a function error and a response over 6 MB are 502, a request over 6 MB is 413", async () => {
  const failed = await fetch(`${outputs.EchoUrl}?fail=1`);
  expect([failed.status, await failed.text()]).toEqual([502, 'Internal Server Error']);
  const big = await fetch(`${outputs.EchoUrl}?big=1`);
  expect(big.status).toBe(502);
  const tooLarge = await fetch(outputs.EchoUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'y'.repeat(6 * 1024 * 1024 + 1) });
  expect(tooLarge.status).toBe(413);
  expect(((await tooLarge.json()) as { Message: string }).Message).toMatch(/6291456 bytes/);
  // A status the function chooses is its own.
  expect((await fetch(`${outputs.EchoUrl}?status=418`)).status).toBe(418);
});

test('an AWS_IAM URL refuses unsigned and wrongly signed requests, and tells the function who signed', async () => {
  const unsigned = await fetch(`${outputs.PrivateUrl}me`);
  expect([unsigned.status, await unsigned.json()]).toEqual([403, { Message: 'Forbidden' }]);
  expect((await signed(`${outputs.PrivateUrl}me`, 'execute-api')).status).toBe(403);

  const ok = await signed(`${outputs.PrivateUrl}me?x=1`, 'lambda');
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({
    accountId: '000000000000',
    path: '/me',
    iam: expect.objectContaining({ accessKey: 'local', accountId: '000000000000', userId: 'local' }),
  });

  // A signature over another path does not authorize this one.
  const u = new URL(`${outputs.PrivateUrl}me`);
  const forOther = await new SignatureV4({ credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, region: 'us-east-1', service: 'lambda', sha256: Sha256 }).sign({
    method: 'GET',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: '/other',
    headers: { host: u.host },
  });
  expect((await fetch(u, { headers: forOther.headers })).status).toBe(403);
});

test('RESPONSE_STREAM: the prelude is the status and headers, and the first write arrives while the function still runs', async () => {
  const res = await fetch(outputs.StreamUrl);
  expect(res.status).toBe(201);
  expect(res.headers.get('content-type')).toBe('text/plain');
  expect(res.headers.get('x-ticker')).toBe('on');
  expect(res.headers.getSetCookie()).toEqual(['ticker=1']);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) text += decoder.decode((await reader.read()).value, { stream: true });
  // The function is waiting for this message: what arrived so far was streamed, not buffered.
  expect(text).toBe('waiting for a signal\n');
  await new SQSClient(clientConfig(app)).send(new SendMessageCommand({ QueueUrl: outputs.SignalsQueueUrl, MessageBody: 'go' }));
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
  expect(text).toBe('waiting for a signal\nsignal: go\n');
}, 60_000);

test("one id: the event's requestId, the x-amzn-requestid header, the invocation and the request log line", async () => {
  const logged: HttpRequestRecord[] = [];
  const invoked: string[] = [];
  const onRequest = (r: HttpRequestRecord) => logged.push(r);
  const onInvocation = (r: { requestId: string }) => invoked.push(r.requestId);
  app.functionUrlGateway.on('request', onRequest);
  app.host.on('invocation', onInvocation);
  try {
    const res = await fetch(`${outputs.EchoUrl}one-id`);
    const event = (await res.json()) as { requestContext: { requestId: string } };
    const id = res.headers.get('x-amzn-requestid')!;
    expect(event.requestContext.requestId).toBe(id);
    expect(invoked).toContain(id);
    // The request log names the invocation (the console links the two by it).
    expect(logged.filter((r) => r.requestId === id)).toEqual([expect.objectContaining({ path: '/one-id', statusCode: 200, functionRequestId: id, error: undefined })]);
  } finally {
    app.functionUrlGateway.off('request', onRequest);
    app.host.off('invocation', onInvocation);
  }
});

describe('InvokeWithResponseStream with the real Lambda client', () => {
  const lambda = () => new LambdaClient(clientConfig(app));
  const nameOf = (id: string) => app.model.functions.find((f) => f.logicalId.startsWith(id))!.name;
  const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

  test("a streaming handler's writes arrive as PayloadChunk events while it runs, then InvokeComplete", async () => {
    const out = await lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Ticker'), Payload: Buffer.from('{}') }));
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    // HttpResponseStream.from sets the content type of an HTTP integration's response: the prelude comes first.
    expect(out.ResponseStreamContentType).toBe('application/vnd.awslambda.http-integration-response');
    const events = out.EventStream![Symbol.asyncIterator]();
    let streamed = '';
    while (!streamed.includes('waiting for a signal\n')) {
      const next = await events.next();
      expect(next.done).toBe(false);
      streamed += text((next.value as InvokeWithResponseStreamResponseEvent).PayloadChunk?.Payload);
    }
    // The function is waiting for this message: what arrived so far was streamed, not buffered.
    expect(streamed.startsWith('{"statusCode":201')).toBe(true);
    await new SQSClient(clientConfig(app)).send(new SendMessageCommand({ QueueUrl: outputs.SignalsQueueUrl, MessageBody: 'go' }));
    const rest: InvokeWithResponseStreamResponseEvent[] = [];
    for (let next = await events.next(); !next.done; next = await events.next()) rest.push(next.value);
    const complete = rest.pop();
    expect(rest.map((e) => text(e.PayloadChunk?.Payload)).join('')).toBe('signal: go\n');
    expect(complete?.InvokeComplete).toEqual({});
  }, 60_000);

  test('a handler that returns its response sends it as one chunk; a failing one ends with the error in InvokeComplete', async () => {
    const ok = await lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Echo'), Payload: Buffer.from(JSON.stringify({ rawPath: '/streamed', queryStringParameters: {} })) }));
    expect(ok.ResponseStreamContentType).toBe('application/json');
    const okEvents: InvokeWithResponseStreamResponseEvent[] = [];
    for await (const e of ok.EventStream!) okEvents.push(e);
    expect(okEvents).toHaveLength(2);
    expect(JSON.parse(text(okEvents[0].PayloadChunk?.Payload))).toMatchObject({ statusCode: 200, headers: { 'x-echo': 'yes' } });
    expect(okEvents[1].InvokeComplete).toEqual({});

    const failed = await lambda().send(
      new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Echo'), Payload: Buffer.from(JSON.stringify({ queryStringParameters: { fail: '1' } })), LogType: 'Tail' }),
    );
    const failedEvents: InvokeWithResponseStreamResponseEvent[] = [];
    for await (const e of failed.EventStream!) failedEvents.push(e);
    expect(failedEvents).toHaveLength(1);
    const complete = failedEvents[0].InvokeComplete!;
    expect(complete.ErrorCode).toBe('Error');
    expect(JSON.parse(complete.ErrorDetails!)).toMatchObject({ errorType: 'Error', errorMessage: 'echo was asked to fail' });
    expect(typeof complete.LogResult).toBe('string');

    // A returned response over Lambda's 6 MB is refused as Invoke refuses it, in InvokeComplete.
    const big = await lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Echo'), Payload: Buffer.from(JSON.stringify({ queryStringParameters: { big: '1' } })) }));
    const bigEvents: InvokeWithResponseStreamResponseEvent[] = [];
    for await (const e of big.EventStream!) bigEvents.push(e);
    expect(bigEvents.map((e) => e.InvokeComplete?.ErrorCode)).toEqual(['Function.ResponseSizeTooLarge']);
  }, 60_000);

  test('a client that goes away mid-stream leaves the function to finish, and the endpoint serving', async () => {
    const ended = new Promise<string>((resolve) => {
      const onInvocation = (r: { functionName: string; requestId: string }) => {
        if (r.functionName !== nameOf('Ticker')) return;
        app.host.off('invocation', onInvocation);
        resolve(r.requestId);
      };
      app.host.on('invocation', onInvocation);
    });
    const abort = new AbortController();
    const out = await lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Ticker'), Payload: Buffer.from('{}') }), { abortSignal: abort.signal });
    const first = await out.EventStream![Symbol.asyncIterator]().next();
    expect(text((first.value as InvokeWithResponseStreamResponseEvent).PayloadChunk?.Payload)).toContain('statusCode');
    abort.abort();
    // The function writes its last line to a client that is gone, and ends.
    await new SQSClient(clientConfig(app)).send(new SendMessageCommand({ QueueUrl: outputs.SignalsQueueUrl, MessageBody: 'late' }));
    expect(typeof (await ended)).toBe('string');
    const again = await lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Echo'), Payload: Buffer.from('{}') }));
    const events: InvokeWithResponseStreamResponseEvent[] = [];
    for await (const e of again.EventStream!) events.push(e);
    expect(events.map((e) => Object.keys(e)[0])).toEqual(['PayloadChunk', 'InvokeComplete']);
  }, 60_000);

  test('DryRun answers 204 without running the function; an unknown function is ResourceNotFoundException; Event is not an invocation type of it', async () => {
    const invocations: string[] = [];
    const onInvocation = (r: { functionName: string }) => invocations.push(r.functionName);
    app.host.on('invocation', onInvocation);
    try {
      const dry = await lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Echo'), InvocationType: 'DryRun' }));
      expect(dry.StatusCode).toBe(204);
      expect(invocations).toEqual([]);
    } finally {
      app.host.off('invocation', onInvocation);
    }
    await expect(lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(lambda().send(new InvokeWithResponseStreamCommand({ FunctionName: nameOf('Echo'), InvocationType: 'Event' as 'DryRun' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
