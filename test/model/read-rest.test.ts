/**
 * Reading REST (v1) APIs from a template synthesized by plain aws-cdk-lib (`RestApi`,
 * `LambdaIntegration`, authorizers, usage plans, validators, CORS).
 */
import { readAppModel, type RestApiModel } from '../../lib/model';
import { synthRestApp } from '../local/helpers';

let api: RestApiModel;
let skipped: readonly string[];

beforeAll(() => {
  const result = readAppModel(synthRestApp());
  api = result.model.restApis[0];
  skipped = result.skipped;
}, 120_000);

const method = (key: string) => {
  const m = api.methods.find((x) => x.routeKey === key);
  if (!m) throw new Error(`no method ${key}`);
  return m;
};

test('the API, its stage with variables, and every method keyed by resource path', () => {
  expect(api).toMatchObject({ name: 'items-api', stages: [{ name: 'prod', variables: { table: 'items', color: 'blue' } }], binaryMediaTypes: ['image/png', 'application/octet-stream'], apiKeySource: 'HEADER' });
  expect(api.apiId).toMatch(/^[a-z0-9]{10}$/);
  const keys = api.methods.map((m) => m.routeKey);
  expect(keys).toEqual(expect.arrayContaining(['GET /', 'GET /items', 'POST /items', 'GET /items/{id}', 'PUT /items/{id}', 'DELETE /items/{id}', 'ANY /echo', 'ANY /echo/{proxy+}', 'OPTIONS /items/{id}']));
  // Methods of one resource share its id; the root has the API's root resource id.
  expect(method('GET /items/{id}').resourceId).toBe(method('DELETE /items/{id}').resourceId);
  expect(method('GET /').resourceId).toBe(method('OPTIONS /').resourceId);
  expect(method('GET /').resourceId).not.toBe(method('GET /items').resourceId);
});

test('integrations: Lambda proxy with its timeout, MOCK with templates, HTTP not served', () => {
  expect(method('GET /items').integration).toMatchObject({ type: 'AWS_PROXY', timeoutMs: 29_000, functionLogicalId: expect.stringMatching(/^ItemsFn/) });
  expect(method('GET /slow').integration).toMatchObject({ type: 'AWS_PROXY', timeoutMs: 300 });
  expect(method('OPTIONS /items').integration).toMatchObject({ type: 'MOCK', integrationResponses: [{ statusCode: '204' }] });
  expect(method('GET /upstream').integration).toEqual({ type: 'NOT_SERVED', description: 'HTTP_PROXY integration to https://upstream.example.com/data' });
  expect(skipped).toContain('items-api GET /upstream: HTTP_PROXY integration to https://upstream.example.com/data');
});

test('authorization: TOKEN with its TTL, REQUEST, Cognito pools as issuers, IAM; API keys; validators and models', () => {
  expect(method('GET /items')).toMatchObject({ apiKeyRequired: true, auth: { type: 'TOKEN', identitySource: ['method.request.header.Authorization'], ttlSeconds: 300 } });
  expect(method('GET /tenant').auth).toMatchObject({ type: 'REQUEST', identitySource: ['method.request.header.X-Tenant'], ttlSeconds: 0 });
  expect(method('GET /admin').auth).toMatchObject({ type: 'COGNITO_USER_POOLS', scopes: ['items/admin'], issuers: [expect.stringMatching(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_/)] });
  expect(method('POST /signed').auth).toEqual({ type: 'AWS_IAM' });
  expect(method('POST /items')).toMatchObject({ validator: { body: true, parameters: false }, requestModels: { 'application/json': 'Item' } });
  expect(api.models.Item).toMatchObject({ type: 'object', required: ['name', 'price'] });
  expect(method('GET /search')).toMatchObject({ validator: { body: false, parameters: true }, requiredParameters: ['method.request.querystring.q', 'method.request.header.X-Client'] });
  expect(api.gatewayResponses).toEqual([{ responseType: 'DEFAULT_4XX', responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" }, responseTemplates: {} }]);
});

test('usage plans with their stage, throttle, quota and keys', () => {
  const plans = Object.fromEntries(api.usagePlans.map((p) => [p.name, p]));
  expect(plans.standard).toMatchObject({ stages: [{ stage: 'prod' }], throttle: { rateLimit: 100, burstLimit: 200 }, quota: { limit: 10_000, period: 'DAY', offset: 0 } });
  expect(plans.standard.apiKeys).toEqual([expect.objectContaining({ enabled: true, value: undefined })]);
  expect(plans.throttled.throttle).toEqual({ rateLimit: 0.001, burstLimit: 2 });
  expect(plans.quota.apiKeys[0].value).toBe('quota-key-0123456789abcdef');
});
