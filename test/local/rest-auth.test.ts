/**
 * REST API authorization and API keys under the local runtime, end to end: Lambda TOKEN and
 * REQUEST authorizers with the cache, Cognito user pool tokens from the development issuer (and
 * `switchyard token`), SigV4-signed requests, usage plan throttles and quotas, generated keys.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { main } from '../../lib/cli/main';
import { LocalApp } from '../../lib/local';
import { DevIssuer, NodeSha256 } from '../../lib/local/auth';
import { PARTNER_KEY, QUOTA_KEY, THROTTLED_KEY } from './fixtures/rest-app';
import { synthRestApp } from './helpers';

let app: LocalApp;
let base: string;
let projectDir: string;
const authorizerCalls: string[] = [];

beforeAll(async () => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-rest-'));
  app = await LocalApp.start(synthRestApp(), { httpPort: 0, awsPort: 0, schedules: false, projectDir });
  base = app.restApis[0].url;
  const authFn = app.model.functions.find((f) => f.logicalId.startsWith('AuthFn'))!;
  app.host.on('invocation', (r) => {
    if (r.functionName === authFn.name) authorizerCalls.push(r.requestId);
  });
}, 120_000);
afterAll(() => app?.stop());

async function call(method: string, route: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${base}${route}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

describe('Lambda TOKEN authorizer', () => {
  test('the integration gets principalId and the context in requestContext.authorizer', async () => {
    const r = await call('GET', '/whoami', { authorization: 'allow-alice' });
    expect(r.status).toBe(200);
    expect(r.body.requestContext.authorizer).toMatchObject({ principalId: 'alice', user: 'alice', tier: 2, admin: false });
    expect(typeof r.body.requestContext.authorizer.integrationLatency).toBe('number');
  });

  test('the answer is cached per token, and the cached policy is evaluated for each method ARN', async () => {
    const before = authorizerCalls.length;
    expect((await call('GET', '/whoami', { authorization: 'narrow-carol' })).status).toBe(200);
    expect((await call('GET', '/whoami', { authorization: 'narrow-carol' })).status).toBe(200);
    // The policy allowed only GET /whoami: from the cache, POST is not allowed.
    const post = await call('POST', '/whoami', { authorization: 'narrow-carol' });
    expect(post.status).toBe(403);
    expect(post.body).toEqual({ Message: 'User is not authorized to access this resource' });
    expect(authorizerCalls.length - before).toBe(1);
  });

  test('a failing or malformed authorizer: 500 with a null message', async () => {
    for (const token of ['crash', 'malformed']) {
      const r = await call('GET', '/whoami', { authorization: token });
      expect({ token, status: r.status, body: r.body }).toEqual({ token, status: 500, body: { message: null } });
    }
  });
});

describe('Lambda REQUEST authorizer', () => {
  test('allowed with its context, denied otherwise (no cache: the identity source is optional)', async () => {
    const ok = await call('GET', '/tenant', { 'x-tenant': 'acme' });
    expect(ok.status).toBe(200);
    expect(ok.body.requestContext.authorizer).toMatchObject({ principalId: 'tenant-acme', tenant: 'acme', plan: 'gold' });
    expect((await call('GET', '/tenant', { 'x-tenant': 'other' })).status).toBe(403);
    expect((await call('GET', '/tenant')).status).toBe(403);
  });
});

describe('Cognito user pool authorizer', () => {
  const method = () => app.model.restApis[0].methods.find((m) => m.routeKey === 'GET /me')!;
  const pool = () => {
    const auth = method().auth;
    if (auth?.type !== 'COGNITO_USER_POOLS') throw new Error('GET /me has no Cognito authorizer');
    return auth;
  };
  const sign = async (claims: Record<string, unknown>, options: { scopes?: string[]; expiresInSeconds?: number; issuer?: DevIssuer } = {}) =>
    (options.issuer ?? (await app.auth.devIssuer())).sign({ subject: 'alice', issuer: pool().issuers[0], audience: pool().clientIds[0], claims, scopes: options.scopes, expiresInSeconds: options.expiresInSeconds });

  test("the authorizer trusts the pool's issuer URL", () => {
    expect(pool().issuers[0]).toMatch(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_\w{9}$/);
    expect(pool().clientIds).toHaveLength(1);
  });

  test('an ID token: 200, the claims as strings in requestContext.authorizer.claims', async () => {
    const r = await call('GET', '/me', { authorization: await sign({ token_use: 'id', 'cognito:username': 'alice' }) });
    expect(r.status).toBe(200);
    expect(r.body.requestContext.authorizer.claims).toMatchObject({ sub: 'alice', 'cognito:username': 'alice', token_use: 'id', iss: pool().issuers[0] });
    expect(r.body.requestContext.authorizer.claims.exp).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });

  test('no token, an expired one, one signed by another key, or an access token where an ID token is needed: 401', async () => {
    const other = await DevIssuer.load(fs.mkdtempSync(path.join(os.tmpdir(), 'sy-other-')));
    const cases = {
      none: undefined,
      expired: await sign({ token_use: 'id' }, { expiresInSeconds: -60 }),
      forged: await sign({ token_use: 'id' }, { issuer: other }),
      access: await sign({ token_use: 'access' }, { scopes: ['items/admin'] }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const r = await call('GET', '/me', token ? { authorization: token } : {});
      expect({ name, status: r.status, body: r.body }).toEqual({ name, status: 401, body: { message: 'Unauthorized' } });
    }
  });

  test('a method with scopes needs an access token carrying one of them', async () => {
    expect((await call('GET', '/admin', { authorization: await sign({ token_use: 'access' }, { scopes: ['items/admin'] }) })).status).toBe(200);
    expect((await call('GET', '/admin', { authorization: await sign({ token_use: 'access' }, { scopes: ['items/read'] }) })).status).toBe(401);
    expect((await call('GET', '/admin', { authorization: await sign({ token_use: 'id' }) })).status).toBe(401);
  });

  test('`switchyard token` mints tokens the local Cognito authorizer accepts', async () => {
    const mint = async (...args: string[]) => {
      const out = new PassThrough();
      expect(await main(['token', '--sub', 'bob', ...args, '--assembly', app.model.assemblyDir], { out, err: new PassThrough(), cwd: projectDir })).toBe(0);
      return String(out.read()).trim();
    };
    const id = await call('GET', '/me', { authorization: await mint() });
    expect(id.status).toBe(200);
    expect(id.body.requestContext.authorizer.claims).toMatchObject({ sub: 'bob', token_use: 'id', aud: pool().clientIds[0] });
    expect((await call('GET', '/admin', { authorization: `Bearer ${await mint('--scope', 'items/admin')}` })).status).toBe(200);
  });
});

describe('IAM authorization', () => {
  const signed = async (body: string, credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) => {
    const url = new URL(`${base}/signed`);
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: NodeSha256 });
    const req = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body });
    return req.headers as Record<string, string>;
  };

  test('a SigV4-signed request reaches the integration with the caller in requestContext.identity', async () => {
    const r = await call('POST', '/signed', await signed('{"a":1}'), '{"a":1}');
    expect(r.status).toBe(200);
    expect(r.body.requestContext.identity).toMatchObject({ accessKey: 'local', accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/local' });
  });

  test('unsigned: 403 Missing Authentication Token; signed over another body: 403 signature mismatch', async () => {
    const unsigned = await call('POST', '/signed', {}, '{}');
    expect(unsigned.status).toBe(403);
    expect(unsigned.body).toEqual({ message: 'Missing Authentication Token' });
    const tampered = await call('POST', '/signed', await signed('{"a":1}'), '{"a":2}');
    expect(tampered.status).toBe(403);
    expect(tampered.body.message).toMatch(/^The request signature we calculated does not match/);
  });
});

describe('API keys and usage plans', () => {
  test('a throttled key: requests past the burst get 429 Too Many Requests', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('GET', '/limited', { 'x-api-key': THROTTLED_KEY })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await call('GET', '/limited', { 'x-api-key': THROTTLED_KEY })).body).toEqual({ message: 'Too Many Requests' });
  });

  test('a key over its quota: 429 Limit Exceeded; other keys are unaffected', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call('GET', '/limited', { 'x-api-key': QUOTA_KEY }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2].body).toEqual({ message: 'Limit Exceeded' });
    const standard = app.apiKeys().find((k) => k.plans.includes('standard'))!;
    expect((await call('GET', '/limited', { 'x-api-key': standard.value })).status).toBe(200);
  });

  test('with apiKeySource AUTHORIZER the key is the authorizer\'s usageIdentifierKey, not x-api-key', async () => {
    const partner = app.restApis.find((a) => a.api.name === 'partner-api')!;
    const report = (headers: Record<string, string>) => fetch(`${partner.url}/report`, { headers });
    const ok = await report({ authorization: `usage-${PARTNER_KEY}` });
    expect(ok.status).toBe(200);
    const identity = ((await ok.json()) as any).requestContext.identity;
    expect(identity).toMatchObject({ apiKey: PARTNER_KEY, apiKeyId: partner.api.usagePlans[0].apiKeys[0].id });
    expect((await report({ authorization: 'usage-not-a-key-of-this-api', 'x-api-key': PARTNER_KEY })).status).toBe(403);
    // A key of another API's plan is no key here.
    expect((await report({ authorization: `usage-${QUOTA_KEY}` })).status).toBe(403);
  });

  test('a key without a Value gets a generated one, kept in .switchyard/api-keys.json across restarts', async () => {
    const keys = app.apiKeys();
    expect(keys.map((k) => [k.plans.join(), k.fromTemplate])).toEqual(expect.arrayContaining([['standard', false], ['throttled', true], ['quota', true]]));
    const generated = keys.find((k) => !k.fromTemplate)!;
    expect(generated.value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(generated.stages).toEqual(['items-api/prod']);
    const out = new PassThrough();
    expect(await main(['api-keys', '--assembly', app.model.assemblyDir], { out, err: new PassThrough(), cwd: projectDir })).toBe(0);
    const listed = String(out.read());
    expect(listed).toMatch(new RegExp(`ItemsApiStandardKey +${generated.value} +standard +items-api/prod +generated locally`));
    expect(listed).toMatch(new RegExp(`${THROTTLED_KEY} +throttled +items-api/prod +template`));
    const file = path.join(projectDir, '.switchyard', 'api-keys.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = await LocalApp.start(app.model.assemblyDir, { httpPort: 0, awsPort: 0, schedules: false, projectDir });
    try {
      expect(again.apiKeys().find((k) => !k.fromTemplate)!.value).toBe(generated.value);
    } finally {
      await again.stop();
    }
  });
});
