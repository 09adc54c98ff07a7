/**
 * The REST API fixture app (a CRUD API on DynamoDB in the shape of public CDK samples) under the
 * local runtime, driven from outside with real HTTP: what a user of `RestApi` + `LambdaIntegration`
 * expects `switchyard dev` to do.
 */
import { summary } from '../../lib/cli/format';
import { LocalApp } from '../../lib/local';
import { synthRestApp } from './helpers';

let app: LocalApp;
let base: string;
let apiKey: string;

beforeAll(async () => {
  app = await LocalApp.start(synthRestApp(), { httpPort: 0, awsPort: 0, schedules: false });
  base = app.restApis[0].url;
  apiKey = app.apiKeys().find((k) => k.key.logicalId.startsWith('ItemsApiStandardKey'))!.value;
}, 120_000);
afterAll(() => app?.stop());

async function call(method: string, path: string, options: { token?: string; key?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = options.token;
  if (options.key !== null) headers['x-api-key'] = options.key ?? apiKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as any) : undefined };
}

test('each REST API is served on its own port, under its stage', () => {
  expect(app.restApis.map((a) => a.api.name)).toEqual(['items-api', 'partner-api']);
  expect(new Set(app.restApis.map((a) => a.port)).size).toBe(2);
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prod$/);
  expect(app.restApis[1].url).toMatch(/\/v1$/);
  expect(app.urls).toContain(base);
  expect(app.skipped).toContain('items-api GET /upstream: HTTP_PROXY integration to https://upstream.example.com/data');
});

test("dev's summary lists the REST methods with their URL and function, and the API keys", () => {
  const text = summary(app);
  expect(text).toMatch(new RegExp(`GET +${base.replace(/[.]/g, '\\.')}/items/\\{id\\} +ItemsFn`));
  expect(text).toMatch(new RegExp(`GET +${base.replace(/[.]/g, '\\.')}/upstream +\\(not served\\)`));
  expect(text).toContain(`ItemsApiStandardKey`);
  expect(text).toContain(apiKey);
  expect(text).toContain('not served: items-api GET /upstream: HTTP_PROXY integration to https://upstream.example.com/data');
});

test('create, read, update, list and delete items through the authorizer, API key and validator', async () => {
  const token = 'allow-alice';
  const created = await call('POST', '/items', { token, body: { name: 'lamp', price: 12.5 } });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ name: 'lamp', price: 12.5, createdBy: 'alice' });
  const id = created.json.id as string;
  const second = await call('POST', '/items', { token, body: { name: 'desk', price: 99 } });
  expect(second.status).toBe(201);

  const read = await call('GET', `/items/${id}`, { token });
  expect(read.status).toBe(200);
  expect(read.json).toEqual({ id, name: 'lamp', price: 12.5, createdBy: 'alice' });
  expect(read.headers.get('content-type')).toBe('application/json');

  const updated = await call('PUT', `/items/${id}`, { token, body: { name: 'lamp', price: 10 } });
  expect(updated.status).toBe(200);
  expect(updated.json).toMatchObject({ id, price: 10 });

  const list = await call('GET', '/items', { token });
  expect(list.status).toBe(200);
  expect(list.json.map((i: { name: string }) => i.name)).toEqual(['desk', 'lamp']);

  const deleted = await call('DELETE', `/items/${id}`, { token });
  expect(deleted.status).toBe(204);
  expect((await call('GET', `/items/${id}`, { token })).status).toBe(404);
  expect((await call('PUT', `/items/${id}`, { token, body: { name: 'gone', price: 1 } })).status).toBe(404);
});

test('no token: 401 Unauthorized, with the header of the API DEFAULT_4XX gateway response', async () => {
  const r = await call('GET', '/items');
  expect(r.status).toBe(401);
  expect(r.json).toEqual({ message: 'Unauthorized' });
  // The API's DEFAULT_4XX gateway response adds this header to every 4xx API Gateway answers itself.
  expect(r.headers.get('access-control-allow-origin')).toBe('*');
});

test('an authorizer that throws Unauthorized: 401; one that denies: 403 with the explicit-deny message', async () => {
  expect((await call('GET', '/items', { token: 'unauthorized' })).status).toBe(401);
  const denied = await call('GET', '/items', { token: 'deny' });
  expect(denied.status).toBe(403);
  expect(denied.json).toEqual({ Message: 'User is not authorized to access this resource with an explicit deny' });
});

test('without an API key, or with an unknown one: 403 Forbidden', async () => {
  const without = await call('GET', '/items', { token: 'allow-alice', key: null });
  expect(without.status).toBe(403);
  expect(without.json).toEqual({ message: 'Forbidden' });
  expect((await call('GET', '/items', { token: 'allow-alice', key: 'not-a-key-of-this-app-at-all' })).status).toBe(403);
});

test('a body the model refuses, or that is not JSON: 400 Invalid request body, and nothing is stored', async () => {
  const before = (await call('GET', '/items', { token: 'allow-bob' })).json.length as number;
  for (const body of [{ name: 'x' }, { name: '', price: 1 }, { name: 'x', price: -1 }, { name: 'x', price: 1, extra: true }, '{not json']) {
    const r = await call('POST', '/items', { token: 'allow-bob', body });
    expect({ body, status: r.status, json: r.json }).toEqual({ body, status: 400, json: { message: 'Invalid request body' } });
  }
  expect((await call('GET', '/items', { token: 'allow-bob' })).json).toHaveLength(before);
});

test('CORS preflight answers from the synthesized OPTIONS mock, per allowed origin', async () => {
  const preflight = (origin: string) =>
    fetch(`${base}/items/abc`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-api-key' } });
  const first = await preflight('https://app.example.com');
  expect(first.status).toBe(204);
  expect(first.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  expect(first.headers.get('access-control-allow-methods')).toBe('OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD');
  expect(first.headers.get('access-control-allow-headers')).toContain('X-Api-Key');
  expect(first.headers.get('vary')).toBe('Origin');
  // The second allowed origin is chosen by the template's $context.responseOverride.
  expect((await preflight('https://admin.example.com')).headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
  // Another origin gets the configured first origin, which the browser then refuses.
  expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
});
