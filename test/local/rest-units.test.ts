/**
 * Pure pieces of the REST gateway, as tables: authorizer policy evaluation, binary media type
 * matching, proxy response parsing, gateway response customization, usage plan admission (with
 * an injected clock) and request models referring to each other.
 */
import type { ApiKeyModel, RestApiModel, RestMethodModel, UsagePlanModel } from '../../lib/model';
import { ApiKeyStore } from '../../lib/local/auth/api-keys';
import { evaluatePolicy } from '../../lib/local/auth/policy';
import { gatewayResponse } from '../../lib/local/http/rest-errors';
import { newRequestIds, type RestRequest } from '../../lib/local/http/rest-event';
import { isBinary, restProxyResponse } from '../../lib/local/http/rest-response';
import { UsagePlanLimiter } from '../../lib/local/http/rest-usage';
import { RestValidator, modelUrl } from '../../lib/local/http/rest-validate';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/items/42';
const statement = (Effect: string, Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({ Effect, Resource, Action });

describe('authorizer policies', () => {
  test.each([
    ['allow on the exact ARN', [statement('Allow', ARN)], 'allow'],
    ['allow with wildcards', [statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/*')], 'allow'],
    ['allow with ?', [statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/items/4?')], 'allow'],
    ['allow for another method', [statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/POST/*')], 'implicit-deny'],
    ['deny wins over allow', [statement('Allow', '*'), statement('Deny', ARN)], 'explicit-deny'],
    ['another action does not apply', [statement('Allow', '*', 's3:GetObject')], 'implicit-deny'],
    ['action wildcards, any case', [statement('Allow', '*', 'Execute-Api:*')], 'allow'],
    ['NotResource', [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:execute-api:*:*:*/prod/DELETE/*' }], 'allow'],
    ['no statements', [], 'implicit-deny'],
  ])('%s', (_name, Statement, verdict) => {
    expect(evaluatePolicy({ Version: '2012-10-17', Statement }, ARN)).toBe(verdict);
  });

  test('a single statement object is accepted; a document without statements is malformed', () => {
    expect(evaluatePolicy({ Statement: statement('Allow', '*') }, ARN)).toBe('allow');
    expect(evaluatePolicy({ Version: '2012-10-17' }, ARN)).toBeUndefined();
    expect(evaluatePolicy('allow', ARN)).toBeUndefined();
  });
});

test.each([
  [['image/png'], 'image/png', true],
  [['image/png'], 'image/jpeg', false],
  [['image/*'], 'image/jpeg', true],
  [['*/*'], 'application/json', true],
  [['application/octet-stream'], '', false],
  [['Image/PNG'], 'image/png', true],
])('binary media types %j match %s: %s', (types, mediaType, expected) => {
  expect(isBinary(types, mediaType)).toBe(expected);
});

describe('proxy responses', () => {
  test.each([
    ['not JSON', 'nope'],
    ['an array', '[]'],
    ['no statusCode', '{"body":"x"}'],
    ['a status code out of range', '{"statusCode":700}'],
    ['a body that is not a string', '{"statusCode":200,"body":{"a":1}}'],
    ['an unknown field', '{"statusCode":200,"cookies":["a=1"]}'],
    ['a header that is an object', '{"statusCode":200,"headers":{"x":{}}}'],
    ['multiValueHeaders not lists', '{"statusCode":200,"multiValueHeaders":{"x":"1"}}'],
    ['isBase64Encoded not a boolean', '{"statusCode":200,"isBase64Encoded":"true"}'],
  ])('malformed: %s', (_name, payload) => {
    expect(restProxyResponse(payload, [], undefined)).toBeUndefined();
  });

  test('a string status code, scalar headers, and an absent body are accepted', () => {
    const r = restProxyResponse('{"statusCode":"201","headers":{"X-N":1,"X-B":true}}', [], undefined)!;
    expect(r.statusCode).toBe(201);
    expect(r.headers).toEqual({ 'X-N': '1', 'X-B': 'true' });
    expect(r.body.length).toBe(0);
  });
});

const method = (over: Partial<RestMethodModel> = {}): RestMethodModel => ({
  stack: 'S',
  logicalId: 'M',
  resourceId: 'r1',
  resourcePath: '/items',
  httpMethod: 'GET',
  routeKey: 'GET /items',
  integration: { type: 'MOCK', requestTemplates: {}, integrationResponses: [] },
  apiKeyRequired: true,
  requiredParameters: [],
  requestModels: {},
  ...over,
});
const key = (logicalId: string, value: string, enabled = true): ApiKeyModel => ({ stack: 'S', logicalId, id: logicalId, name: logicalId, value, enabled });
const plan = (over: Partial<UsagePlanModel>): UsagePlanModel => ({ stack: 'S', logicalId: 'P', name: 'p', stages: [{ stage: 'prod', methodThrottles: {} }], apiKeys: [], ...over });
const api = (over: Partial<RestApiModel> = {}): RestApiModel => ({
  stack: 'S',
  logicalId: 'Api',
  name: 'api',
  apiId: 'abc123',
  stages: [{ name: 'prod', variables: {} }],
  methods: [],
  binaryMediaTypes: [],
  apiKeySource: 'HEADER',
  models: {},
  gatewayResponses: [],
  usagePlans: [],
  ...over,
});
const request = (headers: Record<string, string> = {}): RestRequest => ({
  method: 'GET',
  path: '/items',
  rawQueryString: '',
  headers,
  rawHeaders: Object.entries(headers).flat(),
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  localPort: 1,
  apiId: 'abc123',
  accountId: '000000000000',
  stage: 'prod',
  stageVariables: {},
  ...newRequestIds(),
});

describe('gateway responses', () => {
  test('without customization: the default status and {"message":...}', () => {
    const r = gatewayResponse(api(), { type: 'UNAUTHORIZED', message: 'Unauthorized' }, { req: request(), pathParameters: {} });
    expect([r.statusCode, r.body.toString(), r.headers['x-amzn-ErrorType']]).toEqual([401, '{"message":"Unauthorized"}', 'UnauthorizedException']);
  });

  test("the type's own response wins over DEFAULT_4XX; headers come from both, with request values", () => {
    const customized = api({
      gatewayResponses: [
        { responseType: 'DEFAULT_4XX', statusCode: 418, responseParameters: { 'gatewayresponse.header.X-Family': "'4xx'" }, responseTemplates: {} },
        {
          responseType: 'UNAUTHORIZED',
          responseParameters: { 'gatewayresponse.header.X-Echo': 'method.request.header.x-client' },
          responseTemplates: { 'application/json': '{"error":$context.error.messageString,"type":"$context.error.responseType","id":"$context.requestId"}' },
        },
      ],
    });
    const req = request({ 'x-client': 'web' });
    const own = gatewayResponse(customized, { type: 'UNAUTHORIZED', message: 'Unauthorized' }, { req, pathParameters: {} });
    expect(own.statusCode).toBe(418);
    expect(own.headers).toMatchObject({ 'X-Family': '4xx', 'X-Echo': 'web' });
    expect(JSON.parse(own.body.toString())).toEqual({ error: 'Unauthorized', type: 'UNAUTHORIZED', id: req.requestId });
    const other = gatewayResponse(customized, { type: 'INVALID_API_KEY', message: 'Forbidden' }, { req, pathParameters: {} });
    expect([other.statusCode, other.body.toString()]).toEqual([418, '{"message":"Forbidden"}']);
  });
});

describe('usage plans', () => {
  const keys = (apis: RestApiModel[]) => ApiKeyStore.load(apis);
  const get = method();

  test('a throttle refills at its rate', () => {
    let now = 0;
    const a = api({ usagePlans: [plan({ throttle: { rateLimit: 1, burstLimit: 1 }, apiKeys: [key('K', 'key-value-aaaaaaaaaaaaaa')] })] });
    const limiter = new UsagePlanLimiter(keys([a]), () => now);
    expect(limiter.admit(a, 'prod', get, 'key-value-aaaaaaaaaaaaaa')).toEqual({ apiKeyId: 'K' });
    expect(limiter.admit(a, 'prod', get, 'key-value-aaaaaaaaaaaaaa')).toMatchObject({ type: 'THROTTLED' });
    now = 1000;
    expect(limiter.admit(a, 'prod', get, 'key-value-aaaaaaaaaaaaaa')).toEqual({ apiKeyId: 'K' });
  });

  test('a method throttle of the plan applies to that method only', () => {
    const a = api({ usagePlans: [plan({ stages: [{ stage: 'prod', methodThrottles: { '/items/POST': { rateLimit: 0, burstLimit: 0 } } }], apiKeys: [key('K', 'key-value-bbbbbbbbbbbbbb')] })] });
    const limiter = new UsagePlanLimiter(keys([a]), () => 0);
    expect(limiter.admit(a, 'prod', method({ httpMethod: 'POST', routeKey: 'POST /items' }), 'key-value-bbbbbbbbbbbbbb')).toMatchObject({ type: 'THROTTLED' });
    expect(limiter.admit(a, 'prod', get, 'key-value-bbbbbbbbbbbbbb')).toEqual({ apiKeyId: 'K' });
  });

  test.each([
    ['DAY', 0, Date.UTC(2026, 0, 15, 23, 0), Date.UTC(2026, 0, 16, 0, 0)],
    ['WEEK', 0, Date.UTC(2026, 0, 17, 12, 0), Date.UTC(2026, 0, 18, 0, 0)], // Saturday -> Sunday
    ['MONTH', 0, Date.UTC(2026, 0, 31, 12, 0), Date.UTC(2026, 1, 1, 0, 0)],
    ['MONTH', 4, Date.UTC(2026, 1, 4, 12, 0), Date.UTC(2026, 1, 5, 0, 0)], // periods start on the 5th
  ] as const)('a %s quota (offset %d) resets when the next period starts', (period, offset, first, next) => {
    let now: number = first;
    const a = api({ usagePlans: [plan({ quota: { limit: 1, period, offset }, apiKeys: [key('K', 'key-value-cccccccccccccc')] })] });
    const limiter = new UsagePlanLimiter(keys([a]), () => now);
    expect(limiter.admit(a, 'prod', get, 'key-value-cccccccccccccc')).toEqual({ apiKeyId: 'K' });
    expect(limiter.admit(a, 'prod', get, 'key-value-cccccccccccccc')).toMatchObject({ type: 'QUOTA_EXCEEDED' });
    now = next - 1;
    expect(limiter.admit(a, 'prod', get, 'key-value-cccccccccccccc')).toMatchObject({ type: 'QUOTA_EXCEEDED' });
    now = next;
    expect(limiter.admit(a, 'prod', get, 'key-value-cccccccccccccc')).toEqual({ apiKeyId: 'K' });
  });

  test('a disabled key, a key of another stage, and no key are refused', () => {
    const a = api({
      stages: [{ name: 'prod', variables: {} }, { name: 'beta', variables: {} }],
      usagePlans: [plan({ apiKeys: [key('Off', 'key-value-dddddddddddddd', false)] }), plan({ logicalId: 'Beta', stages: [{ stage: 'beta', methodThrottles: {} }], apiKeys: [key('B', 'key-value-eeeeeeeeeeeeee')] })],
    });
    const limiter = new UsagePlanLimiter(keys([a]));
    expect(limiter.admit(a, 'prod', get, 'key-value-dddddddddddddd')).toMatchObject({ type: 'INVALID_API_KEY' });
    expect(limiter.admit(a, 'prod', get, 'key-value-eeeeeeeeeeeeee')).toMatchObject({ type: 'INVALID_API_KEY' });
    expect(limiter.admit(a, 'beta', get, 'key-value-eeeeeeeeeeeeee')).toEqual({ apiKeyId: 'B' });
    expect(limiter.admit(a, 'prod', get, undefined)).toMatchObject({ type: 'INVALID_API_KEY' });
  });
});

test('request models may refer to other models of the API by their URL', () => {
  const a = api({
    models: {
      Price: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 0 },
      Item: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['price'], properties: { price: { $ref: modelUrl('abc123', 'Price') } } },
    },
  });
  const validator = new RestValidator(a);
  const m = method({ validator: { body: true, parameters: false }, requestModels: { 'application/json': 'Item' } });
  const check = (body: string) => validator.validate(m, { headers: {}, query: new URLSearchParams(), pathParameters: {}, body: Buffer.from(body) })?.message;
  expect(check('{"price":3}')).toBeUndefined();
  expect(check('{"price":-3}')).toBe('Invalid request body');
  expect(check('{}')).toBe('Invalid request body');
});
