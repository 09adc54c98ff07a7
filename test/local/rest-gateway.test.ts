/**
 * The REST gateway's proxy events, responses and API Gateway's own answers, end to end against
 * the REST fixture app: real HTTP requests (node:http where a test needs repeated headers, which
 * fetch would join).
 */
import * as http from 'node:http';
import { requestLine } from '../../lib/cli/format';
import { LocalApp, type HttpRequestRecord } from '../../lib/local';
import { synthRestApp } from './helpers';

let app: LocalApp;
let base: string;

beforeAll(async () => {
  app = await LocalApp.start(synthRestApp(), { httpPort: 0, awsPort: 0, schedules: false });
  base = app.restApis[0].url;
}, 120_000);
afterAll(() => app?.stop());

/** A raw request: header values given as arrays are sent as repeated header lines. */
function request(method: string, path: string, headers: http.OutgoingHttpHeaders = {}, body?: Buffer | string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request, and the gateway's log record of it (found by the request id it answered with). */
async function requestLogged(method: string, path: string) {
  const records: HttpRequestRecord[] = [];
  const listen = (rec: HttpRequestRecord) => records.push(rec);
  app.restGateway.on('request', listen);
  try {
    const r = await request(method, path);
    return { r, logged: records.find((rec) => rec.requestId === r.headers['x-amzn-requestid']) };
  } finally {
    app.restGateway.off('request', listen);
  }
}

const json = (b: Buffer) => JSON.parse(b.toString()) as any;

describe('Lambda proxy events', () => {
  test('the event has the REST v1 shape: resource, path without the stage, headers, query strings, stage variables, requestContext', async () => {
    const r = await request('GET', '/echo/a/b%20c?tag=x&tag=y&one=1', { 'X-Custom': 'v', 'user-agent': 'jest' });
    expect(r.status).toBe(200);
    const e = json(r.body);
    expect(e).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/a/b%20c',
      httpMethod: 'GET',
      queryStringParameters: { tag: 'y', one: '1' },
      multiValueQueryStringParameters: { tag: ['x', 'y'], one: ['1'] },
      pathParameters: { proxy: 'a/b c' },
      stageVariables: { table: 'items', color: 'blue' },
      body: null,
      isBase64Encoded: false,
      requestContext: {
        resourcePath: '/echo/{proxy+}',
        httpMethod: 'GET',
        path: '/prod/echo/a/b%20c',
        stage: 'prod',
        accountId: '000000000000',
        apiId: app.restApis[0].api.apiId,
        protocol: 'HTTP/1.1',
        identity: { sourceIp: '127.0.0.1', userAgent: 'jest', user: null, userArn: null },
      },
    });
    expect(e).not.toHaveProperty('version');
    expect(e.requestContext).not.toHaveProperty('authorizer');
    expect(e.headers['X-Custom']).toBe('v');
    expect(e.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(e.requestContext.resourceId).toBe(app.restApis[0].api.methods.find((m) => m.routeKey === 'ANY /echo/{proxy+}')!.resourceId);
    expect(e.requestContext.requestTime).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(e.requestContext.requestTimeEpoch - Date.now())).toBeLessThan(60_000);
    expect(r.headers['x-amzn-requestid']).toBe(e.requestContext.requestId);
  });

  test('a repeated header: headers keeps the last value, multiValueHeaders every value', async () => {
    const e = json((await request('GET', '/echo', { 'X-Multi': ['first', 'second'] })).body);
    expect(e.headers['X-Multi']).toBe('second');
    expect(e.multiValueHeaders['X-Multi']).toEqual(['first', 'second']);
  });

  test('the root resource and ANY on a resource', async () => {
    expect(json((await request('GET', '/')).body)).toMatchObject({ resource: '/', path: '/', pathParameters: null });
    const patched = json((await request('PATCH', '/echo', { 'content-type': 'application/json' }, '{"a":1}')).body);
    expect(patched).toMatchObject({ resource: '/echo', httpMethod: 'PATCH', body: '{"a":1}', isBase64Encoded: false });
  });

  test('a body of a binary media type arrives base64-encoded; other types as text', async () => {
    const bytes = Buffer.from([0, 255, 1, 128]);
    expect(json((await request('POST', '/echo', { 'content-type': 'application/octet-stream' }, bytes)).body)).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    expect(json((await request('POST', '/echo', { 'content-type': 'text/plain' }, 'héllo')).body)).toMatchObject({ body: 'héllo', isBase64Encoded: false });
  });
});

describe('responses', () => {
  test('a base64 body is decoded only when the first Accept type is a binary media type', async () => {
    const binary = await request('GET', '/echo?mode=binary', { accept: 'image/png' });
    expect(binary.status).toBe(200);
    expect([...binary.body]).toEqual([137, 80, 78, 71, 0, 255]);
    const text = await request('GET', '/echo?mode=binary', { accept: 'text/html, image/png' });
    expect(text.body.toString()).toBe(Buffer.from([137, 80, 78, 71, 0, 255]).toString('base64'));
  });

  test('headers and multiValueHeaders are merged; a header in both keeps the multiValueHeaders values', async () => {
    const r = await request('GET', '/echo?mode=multi');
    expect(r.headers['x-one']).toBe('single');
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(r.headers['x-both']).toBe('m1, m2');
  });

  test.each(['malformed', 'extra-field', 'no-status'])('a malformed proxy response (%s): 502 Internal server error', async (mode) => {
    const r = await request('GET', `/echo?mode=${mode}`);
    expect(r.status).toBe(502);
    expect(r.body.toString()).toBe('{"message": "Internal server error"}');
  });

  test('a function error: 502 Internal server error; the log line has the request id and why', async () => {
    const { r, logged } = await requestLogged('GET', '/echo?mode=throw');
    expect(r.status).toBe(502);
    expect(json(r.body)).toEqual({ message: 'Internal server error' });
    expect(logged?.error).toMatch(/^\S+ \(request [0-9a-f-]{36}\) failed: Error: handler failed$/);
    expect(requestLine(logged!)).toMatch(new RegExp(` request ${r.headers['x-amzn-requestid']}: \\S+ \\(request`));
  });

  test('a malformed proxy response: 502, and the log line says what the function answered', async () => {
    const { r, logged } = await requestLogged('GET', '/echo?mode=malformed');
    expect(r.status).toBe(502);
    expect(logged?.error).toBe(`the function's response is not a Lambda proxy response: {"statusCode":200,"body":{"not":"a string"}}`);
  });

  test("past the method's integration timeout: 504 Endpoint request timed out", async () => {
    const r = await request('GET', '/slow?mode=sleep');
    expect(r.status).toBe(504);
    expect(json(r.body)).toEqual({ message: 'Endpoint request timed out' });
  });
});

describe("API Gateway's own answers", () => {
  test.each([
    ['GET', '/nothing/here'],
    ['DELETE', '/me'],
    ['POST', '/me'],
  ])('no resource or no method (%s %s): 403 Missing Authentication Token', async (method, path) => {
    const r = await request(method, path);
    expect(r.status).toBe(403);
    expect(json(r.body)).toEqual({ message: 'Missing Authentication Token' });
    expect(r.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  test('a path outside every stage: 403 Forbidden', async () => {
    const r = await fetch(base.replace(/\/prod$/, '/dev/echo'));
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({ message: 'Forbidden' });
  });

  test('an HTTP integration is not served: 501 naming it', async () => {
    const r = await request('GET', '/upstream');
    expect(r.status).toBe(501);
    expect(json(r.body).message).toBe('Not served by switchyard dev: GET /upstream has a HTTP_PROXY integration to https://upstream.example.com/data');
  });

  test('a required query string or header missing: 400 naming them', async () => {
    const r = await request('GET', '/search?page=2');
    expect(r.status).toBe(400);
    expect(json(r.body)).toEqual({ message: 'Missing required request parameters: [q, X-Client]' });
    expect((await request('GET', '/search?q=lamp', { 'x-client': 'web' })).status).toBe(200);
  });

  test('a MOCK integration answers from its templates, with stage variables and response parameters', async () => {
    const r = await request('GET', '/limited', { 'x-api-key': app.apiKeys().find((k) => k.plans.includes('standard'))!.value });
    expect(r.status).toBe(200);
    expect(r.headers['x-mock']).toBe('yes');
    expect(json(r.body)).toEqual({ ok: true, stage: 'prod', color: 'blue' });
  });
});
