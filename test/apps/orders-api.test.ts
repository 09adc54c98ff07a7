/**
 * A sample-shaped plain aws-cdk-lib app (fixtures/orders-api: NodejsFunction defaults, HttpApi,
 * DynamoDB with lib-dynamodb, a Cognito-authorized route, CfnOutputs) synthesized through its
 * cdk.json and run as `switchyard dev` runs it, driven from outside with HTTP and the real SDK.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { summary } from '../../lib/cli/format';
import { devToken } from '../../lib/cli/token';
import { LocalApp } from '../../lib/local';
import { clientConfig, synthProject } from '../local/helpers';
import { printedOutputs } from './support';

const PROJECT = path.join(__dirname, 'fixtures', 'orders-api');
let app: LocalApp;
let assembly: string;
let outputs: Record<string, string>;

beforeAll(async () => {
  assembly = await synthProject(PROJECT);
  app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, projectDir: PROJECT });
  outputs = printedOutputs(summary(app));
}, 180_000);
afterAll(() => app?.stop());

async function call(method: string, url: string, init: { body?: string; token?: string } = {}) {
  const res = await fetch(url, { method, body: init.body, headers: init.token ? { authorization: `Bearer ${init.token}` } : {} });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

test('NodejsFunction defaults run as they deploy: CommonJS bundles, the SDK left to the runtime that Lambda provides', () => {
  expect(app.model.functions.map((f) => [f.displayName, f.runtime, f.handler])).toEqual([
    ['OrdersFunction', 'nodejs22.x', 'index.handler'],
    ['MeFunction', 'nodejs24.x', 'index.handler'],
  ]);
  const bundle = fs.readFileSync(path.join(app.model.functions[0].codeDir, 'index.js'), 'utf8');
  expect(bundle).toMatch(/require\("@aws-sdk\/lib-dynamodb"\)/);
  expect(app.model.unserved).toEqual([]);
});

test("dev prints the outputs the samples' READMEs use, with local values", () => {
  expect(outputs.ApiUrl).toBe(`${app.apis[0].url}/`);
  expect(outputs.OrdersFunctionName).toBe(app.model.functions[0].name);
  expect(outputs.TableName).toBe(app.model.tables[0].name);
  expect(outputs.UserPoolId).toMatch(/^us-east-1_\w{9}$/);
});

test('orders are stored in DynamoDB through lib-dynamodb and read back over HTTP', async () => {
  const created = await call('POST', `${outputs.ApiUrl}orders`, { body: JSON.stringify({ item: 'lamp', quantity: 2 }) });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ item: 'lamp', quantity: 2, orderId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

  const read = await call('GET', `${outputs.ApiUrl}orders/${created.json.orderId}`);
  expect(read).toEqual({ status: 200, json: created.json });

  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(app)));
  const { Item } = await db.send(new GetCommand({ TableName: outputs.TableName, Key: { orderId: created.json.orderId } }));
  expect(Item).toEqual(created.json);

  expect((await call('GET', `${outputs.ApiUrl}orders/nope`)).status).toBe(404);
  expect(await call('POST', `${outputs.ApiUrl}orders`, { body: '{"item":1}' })).toEqual({ status: 400, json: { message: 'item (string) and quantity (number) are required' } });
});

test('the printed function name is invoked with the real Lambda client', async () => {
  const lambda = new LambdaClient(clientConfig(app));
  const out = await lambda.send(new InvokeCommand({
    FunctionName: outputs.OrdersFunctionName,
    Payload: JSON.stringify({ routeKey: 'GET /orders/{orderId}', pathParameters: { orderId: 'missing' } }),
  }));
  expect(out.FunctionError).toBeUndefined();
  expect(JSON.parse(Buffer.from(out.Payload!).toString('utf8'))).toMatchObject({ statusCode: 404, body: JSON.stringify({ message: 'no order missing' }) });
});

test("the Cognito route takes the token `switchyard token` mints for the pool's issuer and app client, and only that", async () => {
  expect(await call('GET', `${outputs.ApiUrl}me`)).toEqual({ status: 401, json: { message: 'Unauthorized' } });
  const token = await devToken({ projectDir: PROJECT, subject: 'alice', scopes: [], assembly });
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  expect(payload).toMatchObject({ iss: `https://cognito-idp.us-east-1.amazonaws.com/${outputs.UserPoolId}`, aud: outputs.UserPoolClientId, token_use: 'id' });
  expect(await call('GET', `${outputs.ApiUrl}me`, { token })).toEqual({ status: 200, json: { sub: 'alice', username: 'alice', tokenUse: 'id' } });

  const otherClient = await devToken({ projectDir: PROJECT, subject: 'alice', scopes: [], assembly, issuer: payload.iss, audience: 'another-client' });
  expect((await call('GET', `${outputs.ApiUrl}me`, { token: otherClient })).status).toBe(401);
});
