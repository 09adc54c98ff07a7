/**
 * The console over the repository's example app: a route called with a development token, and
 * the story that follows an order from its HTTP request to the event its handler published.
 */
import * as path from 'node:path';
import type { EventStory, InvocationStory, RouteCallResult } from '../../../lib/local/console/api-types';
import { startLocalApp, type RunningLocalApp } from '../../../lib/testing/local-app';
import { synthExampleApp } from '../../local/helpers';
import { call, until } from './helpers';

let local: RunningLocalApp;

beforeAll(async () => {
  local = await startLocalApp({ assembly: await synthExampleApp() }, { timeScale: 0.001, projectDir: path.join(__dirname, '..', '..', '..'), consolePort: 0 });
}, 180_000);
afterAll(() => local?.stop());

const order = { customerId: 'c-1', items: [{ sku: 'A', quantity: 2, unitPrice: 3 }] };

test('a route with a JWT authorizer is called with a development token carrying the scopes it requires', async () => {
  const anonymous = await call<RouteCallResult>(local.app, '/api/routes/call', { method: 'POST', path: '/orders', body: order });
  expect(anonymous.body.statusCode).toBe(401);
  const { status, body } = await call<RouteCallResult>(local.app, '/api/routes/call', { method: 'POST', path: '/orders', body: order, devToken: true });
  expect(status).toBe(200);
  expect(body.statusCode).toBe(201);
  expect(JSON.parse(body.body)).toMatchObject({ status: 'placed' });
  const readOnly = await call<RouteCallResult>(local.app, '/api/routes/call', { method: 'POST', path: '/orders', body: order, devToken: { scopes: [] } });
  expect(readOnly.body.statusCode).toBe(403);
});

test("an order's story: the request, its invocation, the event it published and that event's deliveries", async () => {
  const placed = await call<RouteCallResult>(local.app, '/api/routes/call', { method: 'POST', path: '/orders', body: order, devToken: true });
  const activity = local.app.console!.activity;
  await until(local.app, () => activity.find((e) => e.type === 'request' && e.requestId === placed.body.requestId).length > 0);
  const request = activity.find((e) => e.type === 'request' && e.requestId === placed.body.requestId)[0];
  expect(request.type === 'request' && request.functionRequestId).toEqual(expect.any(String));
  const invocationId = request.type === 'request' ? request.functionRequestId! : '';
  await until(local.app, () => activity.find((e) => e.type === 'event' && e.correlationId === placed.body.requestId).length > 0);

  const story = (await call<InvocationStory>(local.app, `/api/invocations/${invocationId}`)).body;
  expect(story.request).toMatchObject({ method: 'POST', path: '/orders', statusCode: 201 });
  expect(story.invocations[0]).toMatchObject({ requestId: invocationId, outcome: 'success' });
  expect(story.published.map((e) => e.detailType)).toContain('OrderPlaced');

  const eventId = story.published.find((e) => e.detailType === 'OrderPlaced')!.eventId;
  const eventStory = (await call<EventStory>(local.app, `/api/events/${eventId}`)).body;
  expect(eventStory.publishedBy?.requestId).toBe(invocationId);
  expect(eventStory.matchedRules.length).toBeGreaterThan(0);
  expect(eventStory.rules.filter((r) => r.matched).map((r) => r.displayName)).toEqual(eventStory.matchedRules);
  expect(eventStory.deliveries.length).toBeGreaterThan(0);
});
