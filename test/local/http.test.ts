import * as http from 'node:http';
import type { LocalApp } from '../../lib/local';
import { startPlainApp } from './helpers';

let app: LocalApp;
let base: string;

beforeAll(async () => {
  app = await startPlainApp();
  base = app.urls[0];
});
afterAll(() => app.stop());

interface Echo {
  event: Record<string, any>;
  env: Record<string, string>;
  context: Record<string, any>;
}

async function echo(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Echo }> {
  const res = await fetch(base + path, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Echo };
}

describe('HTTP gateway, payload format 2.0', () => {
  test('path parameters, query strings, headers and cookies reach the handler as API Gateway sends them', async () => {
    const { status, body } = await echo('/items/42?tag=a&tag=b&q=x%20y', { headers: { 'x-custom': 'v', cookie: 'sid=1; theme=dark' } });
    expect(status).toBe(200);
    const e = body.event;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      cookies: ['sid=1', 'theme=dark'],
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      pathParameters: { id: '42' },
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/items/42', sourceIp: '127.0.0.1' }, stage: '$default', routeKey: 'GET /items/{id}', accountId: '000000000000' },
    });
    expect(e.headers['x-custom']).toBe('v');
    expect(e.headers.cookie).toBeUndefined();
    expect(e.body).toBeUndefined();
    expect(e.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  test('a literal route beats a path variable', async () => {
    const res = await fetch(`${base}/items/special`);
    expect(res.status).toBe(201);
    expect(JSON.parse(await res.text())).toMatchObject({ style: 'callback' });
  });

  test('greedy {proxy+} captures the rest of the path', async () => {
    const { body } = await echo('/files/a/b/c.txt', { method: 'DELETE' });
    expect(body.event.routeKey).toBe('ANY /files/{proxy+}');
    expect(body.event.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
  });

  test('$default catches what no route matches', async () => {
    const { body } = await echo('/nothing/here', { method: 'PUT' });
    expect(body.event.routeKey).toBe('$default');
  });

  test('a JSON body is passed as text; a binary body base64-encoded', async () => {
    const json = await echo('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(json.body.event).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const bin = await echo('/echo', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) });
    expect(bin.body.event).toMatchObject({ body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true });
  });

  test('the handler sees only its own resolved environment plus the Lambda variables', async () => {
    const { body } = await echo('/items/1');
    expect(body.env).toEqual({
      GREETING: 'hello',
      BUS_NAME: 'shop-bus',
      SINK_URL: `${app.awsEndpoint}/000000000000/PlainStack-SinkD86FD045`,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: app.awsEndpoint,
      AWS_LAMBDA_FUNCTION_NAME: 'PlainStack-HttpFnB4E0202C',
    });
    expect(body.context.functionName).toBe('PlainStack-HttpFnB4E0202C');
    expect(body.context.remaining).toBeGreaterThan(0);
    expect(body.context.remaining).toBeLessThanOrEqual(3000);
  });

  test.each([
    ['string', 200, 'plain string', 'application/json'],
    ['object', 200, '{"hello":"world"}', 'application/json'],
    ['malformed', 502, '{"message":"Internal Server Error"}', 'application/json'],
  ])('response inference: a handler returning %s gives %i', async (mode, status, text, type) => {
    const res = await fetch(`${base}/items/1?mode=${mode}`);
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(text);
    expect(res.headers.get('content-type')).toBe(type);
  });

  test('base64 response bodies are decoded', async () => {
    const res = await fetch(`${base}/items/1?mode=binary`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  test('cookies become set-cookie headers', async () => {
    const res = await fetch(`${base}/items/1?mode=cookies`);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
  });

  test('a crashed handler answers 500 and the next call gets a fresh instance', async () => {
    const crashed = await fetch(`${base}/crash?mode=exit`);
    expect(crashed.status).toBe(500);
    expect(await crashed.json()).toEqual({ message: 'Internal Server Error' });
    const thrown = await fetch(`${base}/crash?mode=throw`);
    expect(thrown.status).toBe(500);
    const ok = await fetch(`${base}/crash?mode=ok`);
    expect(await ok.json()).toEqual({ fine: true });
    // Other functions were not affected.
    expect((await fetch(`${base}/items/1`)).status).toBe(200);
  });

  test('a function timeout answers 500 like any function error', async () => {
    const res = await fetch(`${base}/slow?ms=5000`);
    expect(res.status).toBe(500);
  });

  test('an integration timeout answers 503 Service Unavailable, as HTTP APIs do', async () => {
    const res = await fetch(`${base}/slow-gateway?ms=2000`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'Service Unavailable' });
  });

  test('calls over reserved concurrency are throttled with 429', async () => {
    const slow = app.model.functions.find((f) => f.logicalId.startsWith('SlowFn'))!.name;
    const first = fetch(`${base}/slow?ms=700`);
    // The first call holds the only instance (reserved concurrency 1) from the moment it is routed.
    while (app.host.instanceCount(slow) === 0) await new Promise((r) => setImmediate(r));
    const b = await fetch(`${base}/slow?ms=10`);
    const a = await first;
    expect(a.status).toBe(200);
    expect(b.status).toBe(429);
    expect(await b.json()).toEqual({ message: 'Too Many Requests' });
  });

  test('format 1.0 integrations get a 1.0 event', async () => {
    const { body } = await echo('/v1/ada?x=1&x=2');
    expect(body.event).toMatchObject({
      version: '1.0',
      resource: '/v1/{name}',
      path: '/v1/ada',
      httpMethod: 'GET',
      pathParameters: { name: 'ada' },
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
    });
  });
});

describe('HTTP gateway, repeated request headers', () => {
  // fetch would join repeated headers itself; node:http sends each value on its own line.
  const raw = (path: string, headers: http.OutgoingHttpHeaders) =>
    new Promise<Echo>((resolve, reject) => {
      http.get(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as Echo));
      }).on('error', reject);
    });

  test('format 2.0 joins them with "," as API Gateway does (not Node\'s ", ")', async () => {
    const { event } = await raw('/items/1', { 'x-multi': ['a', 'b'] });
    expect(event.headers['x-multi']).toBe('a,b');
  });

  test('format 1.0 keeps each value in multiValueHeaders and the last in headers', async () => {
    const { event } = await raw('/v1/x', { 'x-multi': ['a', 'b'] });
    expect(event.multiValueHeaders['x-multi']).toEqual(['a', 'b']);
    expect(event.headers['x-multi']).toBe('b');
  });
});

describe('HTTP gateway, CORS', () => {
  test('answers a preflight from the API configuration', async () => {
    const res = await fetch(`${base}/items/1`, { method: 'OPTIONS', headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control')))).toEqual({
      'access-control-allow-origin': 'https://example.com',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'content-type,x-custom',
      'access-control-max-age': '3600',
      'access-control-allow-credentials': 'true',
    });
  });

  test('a preflight from another origin gets no CORS headers', async () => {
    const res = await fetch(`${base}/items/1`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('responses to an allowed origin carry CORS headers', async () => {
    const res = await fetch(`${base}/items/1`, { headers: { origin: 'https://example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://example.com');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });
});
