/**
 * Route authorization, CORS, payload limits and secrets under the local runtime, end to end:
 * real HTTP requests to the gateway, tokens from the development issuer, requests signed with
 * the SDK's SigV4 signer, handlers reading secrets with the real SDK clients.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { main } from '../../lib/cli/main';
import { requestLine } from '../../lib/cli/format';
import { LocalApp, type HttpRequestRecord } from '../../lib/local';
import { DevIssuer, NodeSha256 } from '../../lib/local/auth';
import { synthSecureApp } from './helpers';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'shop-api';

let app: LocalApp;
let base: string;
let issuer: DevIssuer;
let stateDir: string;
let projectDir: string;
const authorizerCalls: string[] = [];

beforeAll(async () => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-secure-'));
  stateDir = path.join(projectDir, '.switchyard');
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, 'secrets.json'), JSON.stringify({ secretsmanager: { 'secure/api-key': 'sk-local-123' }, ssm: { '/secure/db-password': 'pw-local' } }));
  app = await LocalApp.start(synthSecureApp(), { httpPort: 0, awsPort: 0, schedules: false, projectDir });
  base = app.urls[0];
  issuer = await DevIssuer.load(stateDir);
  const authorizer = app.model.functions.find((f) => f.logicalId.includes('Authorizer'))!;
  app.host.on('invocation', (r) => {
    if (r.functionName === authorizer.name) authorizerCalls.push(r.requestId);
  });
}, 180_000);
afterAll(() => app?.stop());

const token = (options: { scopes?: string[]; expiresInSeconds?: number; audience?: string; issuer?: string } = {}) =>
  issuer.sign({ subject: 'alice', issuer: options.issuer ?? ISSUER, audience: options.audience ?? AUDIENCE, scopes: options.scopes, expiresInSeconds: options.expiresInSeconds });

async function call(method: string, route: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${base}${route}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('JWT routes', () => {
  test('no token: 401 Unauthorized with www-authenticate', async () => {
    const r = await call('POST', '/orders');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'Unauthorized' });
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('a token signed by another key: 401 invalid_token', async () => {
    const other = await DevIssuer.load(fs.mkdtempSync(path.join(os.tmpdir(), 'sy-other-')));
    const forged = await other.sign({ subject: 'mallory', issuer: ISSUER, audience: AUDIENCE, scopes: ['orders:write'] });
    const r = await call('POST', '/orders', { authorization: `Bearer ${forged}` });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'Unauthorized' });
    expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  test('a tampered token: 401', async () => {
    const good = await token({ scopes: ['orders:write'] });
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${s}`;
    expect((await call('POST', '/orders', { authorization: `Bearer ${tampered}` })).status).toBe(401);
  });

  test('an expired token: 401 saying so', async () => {
    const r = await call('POST', '/orders', { authorization: `Bearer ${await token({ scopes: ['orders:write'], expiresInSeconds: -60 })}` });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/expired/);
  });

  test('wrong audience or issuer: 401', async () => {
    expect((await call('GET', '/orders', { authorization: await token({ audience: 'someone-else' }) })).status).toBe(401);
    expect((await call('GET', '/orders', { authorization: await token({ issuer: 'https://evil.example.com/' }) })).status).toBe(401);
  });

  test('a valid token without the route scope: 403 Forbidden with insufficient_scope', async () => {
    const r = await call('POST', '/orders', { authorization: `Bearer ${await token({ scopes: ['orders:read'] })}` });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ message: 'Forbidden' });
    expect(r.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  test('a valid token with the scope: 200, and the handler sees claims and scopes', async () => {
    const r = await call('POST', '/orders', { authorization: `Bearer ${await token({ scopes: ['orders:read', 'orders:write'] })}` });
    expect(r.status).toBe(200);
    expect(r.body.authorizer.jwt).toMatchObject({ claims: { sub: 'alice', iss: ISSUER, aud: AUDIENCE }, scopes: ['orders:read', 'orders:write'] });
  });

  test('a route without scopes takes any valid token, also without the Bearer prefix', async () => {
    expect((await call('GET', '/orders', { authorization: await token() })).status).toBe(200);
  });

  test('`switchyard token` prints a token for the app issuer that the local runtime accepts', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const code = await main(['token', '--sub', 'bob', '--scope', 'orders:write', '--assembly', app.model.assemblyDir], { out, err, cwd: projectDir });
    expect(code).toBe(0);
    const printed = String(out.read()).trim();
    const r = await call('POST', '/orders', { authorization: `Bearer ${printed}` });
    expect(r.status).toBe(200);
    expect(r.body.authorizer.jwt.claims).toMatchObject({ sub: 'bob', iss: ISSUER, aud: AUDIENCE, scope: 'orders:write' });
  });

  test('an explicitly public route needs no token', async () => {
    const r = await call('POST', '/upload', {}, 'hi');
    expect(r.status).toBe(200);
    expect(r.body.authorizer).toBeNull();
  });
});

describe('Lambda authorizer', () => {
  test('missing identity source: 401 without invoking the authorizer', async () => {
    const before = authorizerCalls.length;
    const r = await call('GET', '/tenant');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'Unauthorized' });
    expect(authorizerCalls.length).toBe(before);
  });

  test('answers are cached per identity: one invocation for repeated keys, 403 on a denied key', async () => {
    const before = authorizerCalls.length;
    const first = await call('GET', '/tenant', { 'x-api-key': 'let-me-in' });
    const second = await call('GET', '/tenant', { 'x-api-key': 'let-me-in' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.authorizer.lambda).toMatchObject({ tenant: 'acme', routeArn: expect.stringMatching(/^arn:aws:execute-api:.*\/GET\/tenant$/) });
    expect(authorizerCalls.length - before).toBe(1);
    const denied = await call('GET', '/tenant', { 'x-api-key': 'wrong' });
    const deniedAgain = await call('GET', '/tenant', { 'x-api-key': 'wrong' });
    expect([denied.status, deniedAgain.status]).toEqual([403, 403]);
    expect(denied.body).toEqual({ message: 'Forbidden' });
    expect(authorizerCalls.length - before).toBe(2);
  });

  test('one request, one id: the event, the authorizer\'s event, the apigw-requestid header and the log line agree', async () => {
    const records: HttpRequestRecord[] = [];
    const listen = (r: HttpRequestRecord) => records.push(r);
    app.gateway.on('request', listen);
    try {
      // Keys the authorizer has not seen: each request runs it (no cached answer from another request).
      const first = await call('GET', '/tenant', { 'x-api-key': `let-me-in-${randomUUID()}` });
      const second = await call('GET', '/tenant', { 'x-api-key': `let-me-in-${randomUUID()}` });
      for (const r of [first, second]) {
        expect(r.status).toBe(200);
        const id = r.headers.get('apigw-requestid')!;
        expect(id).toMatch(/^[A-Za-z0-9+/]{14}[A-Za-z0-9+/=]{2}$/);
        expect(r.body.requestId).toBe(id);
        expect(r.body.authorizer.lambda.requestId).toBe(id);
        const logged = records.filter((rec) => rec.requestId === id);
        expect(logged).toHaveLength(1);
        expect(requestLine(logged[0])).toMatch(new RegExp(`GET /tenant -> 200 GET /tenant [\\d.]+ ms request ${id.replace(/[+/=]/g, '\\$&')}$`));
      }
      expect(first.headers.get('apigw-requestid')).not.toBe(second.headers.get('apigw-requestid'));
    } finally {
      app.gateway.off('request', listen);
    }
  });

  test('an authorizer that fails: 500, and the log line says why', async () => {
    const records: HttpRequestRecord[] = [];
    const listen = (r: HttpRequestRecord) => records.push(r);
    app.gateway.on('request', listen);
    try {
      const r = await call('GET', '/tenant', { 'x-api-key': 'explode' });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ message: 'Internal Server Error' });
      const logged = records.find((rec) => rec.requestId === r.headers.get('apigw-requestid'))!;
      expect(logged.error).toMatch(/^the Lambda authorizer \S+ \(request [0-9a-f-]{36}\) failed: Error: authorizer exploded$/);
      expect(requestLine(logged)).toContain(`: ${logged.error}`);
    } finally {
      app.gateway.off('request', listen);
    }
  });
});

describe('IAM routes', () => {
  async function signed(route: string, credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) {
    const url = new URL(`${base}${route}`);
    const signer = new SignatureV4({ credentials, region: app.model.region, service: 'execute-api', sha256: NodeSha256 });
    const request = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host } });
    const { host: _host, ...headers } = request.headers;
    return call('GET', route, headers);
  }

  test('unsigned: 403', async () => {
    const r = await call('GET', '/internal');
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ message: 'Forbidden' });
  });

  test('signed with the local credentials by the SDK signer: 200 with the IAM identity', async () => {
    const r = await signed('/internal');
    expect(r.status).toBe(200);
    expect(r.body.authorizer.iam).toMatchObject({ accessKey: 'local', accountId: app.model.accountId });
  });

  test('signed with a wrong secret: 403 signature mismatch; unknown key: 403', async () => {
    const bad = await signed('/internal', { accessKeyId: 'local', secretAccessKey: 'not-it' });
    expect(bad.status).toBe(403);
    expect(bad.body.message).toMatch(/signature we calculated does not match/);
    const unknown = await signed('/internal', { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' });
    expect(unknown.body.message).toMatch(/security token included in the request is invalid/);
  });
});

describe('CORS and payload limit', () => {
  test('preflight is answered from the API configuration, without authorization', async () => {
    const res = await fetch(`${base}/orders`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  test('an origin not allowed gets no CORS headers; denials carry CORS headers for allowed origins', async () => {
    const evil = await fetch(`${base}/orders`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const denied = await fetch(`${base}/orders`, { method: 'POST', headers: { origin: 'https://app.example.com' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  test('a body over 10 MB: 413 Request Entity Too Large', async () => {
    const r = await call('POST', '/upload', { 'content-type': 'text/plain' }, 'x'.repeat(10 * 1024 * 1024 + 1));
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ message: 'Request Entity Too Large' });
    const ok = await call('POST', '/upload', { 'content-type': 'text/plain' }, 'x'.repeat(1024));
    expect(ok.status).toBe(200);
  });
});

describe('secrets', () => {
  test('the handler reads a secret and a SecureString with the real SDK clients, from the local file', async () => {
    const r = await call('GET', '/secret');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ apiKey: 'sk-local-123', dbPassword: 'pw-local' });
  });

  test('the value is not in the function environment or the assembly', () => {
    const fn = app.model.functions.find((f) => f.environment.SWITCHYARD_SECRETS)!;
    expect(JSON.parse(fn.environment.SWITCHYARD_SECRETS)).toEqual({ apiKey: { service: 'secretsmanager', id: 'secure/api-key' }, dbPassword: { service: 'ssm', id: '/secure/db-password' } });
    const everything = fs.readdirSync(app.model.assemblyDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const e of everything) expect(fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')).not.toContain('sk-local-123');
  });

  test('the development issuer JWKS is served on the AWS endpoint, public key only', async () => {
    const jwks = (await (await fetch(`${app.awsEndpoint}/_switchyard/dev-issuer/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: 'switchyard-dev', kty: 'EC' });
    expect(jwks.keys[0].d).toBeUndefined();
    expect(fs.statSync(path.join(stateDir, 'dev-issuer.json')).mode & 0o077).toBe(0);
  });
});
