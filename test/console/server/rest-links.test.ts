/**
 * The console links a REST API request to the invocation it caused, as it does an HTTP API's:
 * the REST fixture app with a console, a real request to its API, then the console's JSON API.
 * (API Gateway's request id is not Lambda's: the request record carries both.)
 */
import { LocalApp } from '../../../lib/local';
import type { ActivityPage, InvocationStory, RequestEntry } from '../../../lib/local/console/api-types';
import { synthRestApp } from '../../local/helpers';
import { call, until } from './helpers';

let app: LocalApp;

beforeAll(async () => {
  app = await LocalApp.start(synthRestApp(), { httpPort: 0, awsPort: 0, consolePort: 0, schedules: false });
}, 120_000);

afterAll(() => app?.stop());

test('a REST API request is a request entry linked to its invocation, whose story names the request', async () => {
  const res = await fetch(`${app.restApis[0].url}/echo/linked`);
  expect(res.status).toBe(200);
  const apiRequestId = res.headers.get('x-amzn-requestid');
  // The event the function got carries API Gateway's id; Lambda's is another.
  expect(((await res.json()) as { requestContext: { requestId: string } }).requestContext.requestId).toBe(apiRequestId);
  await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.requestId === apiRequestId).length > 0);
  const page = (await call<ActivityPage>(app, '/api/activity?type=request')).body;
  const request = page.entries.find((e) => (e as RequestEntry).requestId === apiRequestId) as RequestEntry;
  expect(request).toMatchObject({ method: 'GET', statusCode: 200, function: 'EchoFn', functionRequestId: expect.any(String) });
  expect(request.functionRequestId).not.toBe(apiRequestId);
  const story = await call<InvocationStory>(app, `/api/invocations/${request.functionRequestId}`);
  expect(story.status).toBe(200);
  expect(story.body.invocations).toEqual([expect.objectContaining({ function: 'EchoFn', requestId: request.functionRequestId, outcome: 'success' })]);
  expect(story.body.request?.id).toBe(request.id);
});

test('a request the gateway refuses before the integration names no invocation', async () => {
  const res = await fetch(`${app.restApis[0].url}/no/such/resource`);
  expect(res.status).toBe(403);
  const apiRequestId = res.headers.get('x-amzn-requestid');
  await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.requestId === apiRequestId).length > 0);
  const [request] = app.console!.activity.find((e) => e.type === 'request' && e.requestId === apiRequestId) as RequestEntry[];
  expect(request.functionRequestId).toBeUndefined();
});
