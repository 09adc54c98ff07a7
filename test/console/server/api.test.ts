/**
 * The console's JSON API end to end: a running fixture app (plain aws-cdk-lib constructs), real
 * HTTP requests to the console and to the app's API, the real EventBridge client.
 */
import * as http from 'node:http';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { LocalApp } from '../../../lib/local';
import type { ActivityEntry, ActivityPage, AppOverview, EventEntry, InvocationStory, PreviewResult, RequestEntry } from '../../../lib/local/console/api-types';
import { clientConfig, startPlainApp } from '../../local/helpers';
import { call, until } from './helpers';

let app: LocalApp;
let events: EventBridgeClient;

beforeAll(async () => {
  app = await startPlainApp({ consolePort: 0, timeScale: 0.001 });
  events = new EventBridgeClient(clientConfig(app));
}, 120_000);

afterAll(async () => {
  events?.destroy();
  await app?.stop();
});

const entriesFor = (page: ActivityPage, type: ActivityEntry['type']) => page.entries.filter((e) => e.type === type);

describe('GET /api/app', () => {
  test('lists routes, functions, rules, schedules, queues and the diagram, by the names dev prints', async () => {
    const { status, body } = await call<AppOverview>(app, '/api/app');
    expect(status).toBe(200);
    expect(body.routes).toContainEqual(expect.objectContaining({ api: 'Api', method: 'GET', path: '/items/{id}', authorization: 'NONE', function: 'HttpFn', port: app.apis[0].port }));
    expect(body.functions).toContainEqual(expect.objectContaining({ name: 'SlowFn', runtime: 'nodejs24.x', memoryMb: 128, timeoutSeconds: 1, reservedConcurrency: 1 }));
    expect(body.rules).toContainEqual(expect.objectContaining({ name: 'OrderPlaced', bus: 'shop-bus', pattern: { source: ['shop'], 'detail-type': ['OrderPlaced'] }, targets: [expect.objectContaining({ name: 'ConsumerFn', kind: 'function', deadLetterQueue: 'TargetDlq' })] }));
    expect(body.schedules.map((s) => [s.name, s.expression])).toEqual([['Tick', 'rate(5 minutes)'], ['Nightly', 'cron(0 3 ? * MON-FRI *)']]);
    expect(body.queues.map((q) => [q.name, q.deadLetterQueue])).toEqual([['TargetDlq', true], ['AsyncFailures', true], ['Sink', false]]);
    expect(body.diagram).toMatch(/^flowchart LR\n/);
    expect(body.diagram).toContain('λ ConsumerFn');
  });

  test('shows a function warm once it has run', async () => {
    await fetch(`${app.urls[0]}/items/special`);
    const { body } = await call<AppOverview>(app, '/api/app');
    // Its one instance, idle once the call has ended (the pool may take a moment to say so).
    const { warm, busy } = body.functions.find((f) => f.name === 'CjsFn')!.instances;
    expect(warm + busy).toBe(1);
    expect(body.functions.find((f) => f.name === 'TickFn')!.instances).toEqual({ warm: 0, busy: 0 });
  });
});

describe('activity', () => {
  test('an HTTP request is a request entry linked to its invocation, with its log lines', async () => {
    const res = await fetch(`${app.urls[0]}/items/7?mode=log`);
    const apiRequestId = res.headers.get('apigw-requestid');
    await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.requestId === apiRequestId).length > 0);
    const page = (await call<ActivityPage>(app, '/api/activity?type=request')).body;
    const request = page.entries.find((e) => (e as RequestEntry).requestId === apiRequestId) as RequestEntry;
    expect(request).toMatchObject({ method: 'GET', path: '/items/7', routeKey: 'GET /items/{id}', statusCode: 200, function: 'HttpFn', status: 'ok' });
    const story = (await call<InvocationStory>(app, `/api/invocations/${request.functionRequestId}`)).body;
    expect(story.invocations).toEqual([expect.objectContaining({ function: 'HttpFn', requestId: request.functionRequestId, outcome: 'success' })]);
    expect(story.request?.id).toBe(request.id);
    expect(story.logs.map((l) => l.text).join('\n')).toContain('hello from');
  });

  test('filters by function and status, and pages newest first', async () => {
    await fetch(`${app.urls[0]}/crash`);
    await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.path === '/crash').length > 0);
    const errors = (await call<ActivityPage>(app, '/api/activity?status=error&function=CrashFn')).body;
    expect(errors.entries.length).toBeGreaterThan(0);
    for (const e of errors.entries) {
      expect(e.status).toBe('error');
      expect((e as { function?: string }).function).toBe('CrashFn');
    }
    expect(errors.entries.map((e) => e.type).sort()).toEqual(['invocation', 'request']);
    const first = (await call<ActivityPage>(app, '/api/activity?limit=2')).body;
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0].id).toBeGreaterThan(first.entries[1].id);
    const second = (await call<ActivityPage>(app, `/api/activity?limit=2&before=${first.next}`)).body;
    expect(second.entries[0].id).toBeLessThan(first.entries[1].id);
  });

  test('q searches every kept entry for its text, case-insensitively, with the other filters', async () => {
    const put = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'Transform', Detail: JSON.stringify({ id: 'needle-5521' }) }] }));
    const eventId = put.Entries![0].EventId!;
    await until(app, () => app.console!.activity.find((e) => e.type === 'delivery' && e.eventId === eventId && e.state !== 'pending').length > 0);
    // The event id is in the event entry and its delivery; the type filter narrows it to one.
    const both = (await call<ActivityPage>(app, `/api/activity?q=${eventId.toUpperCase()}`)).body.entries;
    expect(both.map((e) => e.type).sort()).toEqual(['delivery', 'event']);
    const onlyEvents = (await call<ActivityPage>(app, `/api/activity?type=event&q=${encodeURIComponent(` ${eventId} `)}`)).body.entries;
    expect(onlyEvents).toEqual([expect.objectContaining({ type: 'event', eventId })]);
    expect((await call<ActivityPage>(app, '/api/activity?q=no-entry-holds-this-text')).body.entries).toEqual([]);
    // The activity holds entries, not payloads: the detail's own text is not searched.
    expect((await call<ActivityPage>(app, '/api/activity?q=needle-5521')).body.entries).toEqual([]);
  });

  test('an event put with the SDK is an event entry with the rules it matched', async () => {
    const put = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'Transform', Detail: JSON.stringify({ id: 'o-1' }) }] }));
    const eventId = put.Entries![0].EventId!;
    await until(app, () => app.console!.activity.find((e) => e.type === 'delivery' && e.eventId === eventId && e.state === 'delivered').length > 0);
    const page = (await call<ActivityPage>(app, '/api/activity?type=event,delivery')).body;
    expect(entriesFor(page, 'event').find((e) => (e as EventEntry).eventId === eventId)).toMatchObject({ bus: 'shop-bus', source: 'shop', detailType: 'Transform', matchedRules: ['Transformed'], status: 'ok' });
    expect(page.entries.find((e) => e.type === 'delivery' && e.eventId === eventId)).toMatchObject({ rule: 'Transformed', target: 'ConsumerFn', state: 'delivered', attempt: 1, status: 'ok' });
  });
});

describe('act', () => {
  test('the preview agrees with delivery, for matching and non-matching events', async () => {
    const entries = [
      { Source: 'shop', DetailType: 'OrderPlaced', Detail: { id: 'p-1' }, EventBusName: 'shop-bus' },
      { Source: 'shop', DetailType: 'Transform', Detail: { id: 'p-2' }, EventBusName: 'shop-bus' },
      { Source: 'shop', DetailType: 'Nothing', Detail: { id: 'p-3' }, EventBusName: 'shop-bus' },
      { Source: 'elsewhere', DetailType: 'OrderPlaced', Detail: '{"id":"p-4"}', EventBusName: 'shop-bus' },
    ];
    for (const entry of entries) {
      const preview = await call<PreviewResult>(app, '/api/events/preview', { event: entry });
      expect(preview.status).toBe(200);
      const predicted = preview.body.rules.filter((r) => r.matched).map((r) => r.displayName);
      const put = await call(app, '/api/events', entry);
      expect(put.status).toBe(200);
      const delivered = app.console!.activity.find((e): e is EventEntry => e.type === 'event' && e.eventId === put.body.eventId)[0];
      expect(delivered.matchedRules).toEqual(predicted);
      if (!predicted.length) {
        expect(delivered.status).toBe('unmatched');
        expect(preview.body.rules.find((r) => r.displayName === 'OrderPlaced')!.explanation!.misses.length).toBeGreaterThan(0);
      }
    }
  });

  test('invokes a function through Lambda Invoke and answers its result', async () => {
    const { status, body } = await call(app, '/api/functions/HttpFn/invoke', { payload: { queryStringParameters: { mode: 'object' } } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ statusCode: 200, payload: { hello: 'world' } });
    expect(body.functionError).toBeUndefined();
    const failed = await call(app, '/api/functions/CrashFn/invoke', {});
    expect(failed.body.functionError).toBe('Unhandled');
    const story = await call<InvocationStory>(app, `/api/invocations/${body.requestId}`);
    expect(story.body.invocations[0]).toMatchObject({ function: 'HttpFn', outcome: 'success' });
  });

  test('triggers a schedule and, with wait, answers its deliveries', async () => {
    const { status, body } = await call(app, '/api/schedules/Tick/trigger', { wait: true });
    expect(status).toBe(200);
    expect(body.event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(body.deliveries).toEqual([expect.objectContaining({ rule: 'Tick', target: 'TickFn', state: 'delivered', attempts: 1 })]);
  });

  test('calls a route of the app and answers what it answered, with its request id', async () => {
    const { status, body } = await call(app, '/api/routes/call', { method: 'POST', path: '/echo', body: { hello: 1 }, headers: { 'x-custom': 'yes' } });
    expect(status).toBe(200);
    expect(body.statusCode).toBe(200);
    const echoed = JSON.parse(body.body);
    expect(echoed.event.body).toBe('{"hello":1}');
    expect(echoed.event.headers['x-custom']).toBe('yes');
    await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.requestId === body.requestId).length > 0);
  });
});

describe('refuses what it must', () => {
  test('a cross-origin POST is refused and does nothing', async () => {
    const before = app.console!.activity.nextEntryId;
    const entry = { Source: 'shop', DetailType: 'OrderPlaced', Detail: {}, EventBusName: 'shop-bus' };
    const evil = await call(app, '/api/events', entry, { origin: 'http://evil.example' });
    expect(evil).toEqual({ status: 403, body: { error: 'CrossOriginRefused', message: expect.stringContaining('other origins') } });
    const fetched = await call(app, '/api/events', entry, { 'sec-fetch-site': 'cross-site' });
    expect(fetched.status).toBe(403);
    expect(app.console!.activity.nextEntryId).toBe(before);
    const own = await call(app, '/api/events/preview', { event: entry }, { origin: new URL(app.console!.url).origin, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
  });

  test('a request addressed to another host name (DNS rebinding) is refused', async () => {
    const url = new URL('/api/app', app.console!.url);
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'attacker.example' } }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject);
    });
    expect(status).toBe(421);
  });

  test.each([
    ['/api/events', 'not json', 400, 'ValidationError', /not JSON/],
    ['/api/events', { Source: 'shop' }, 400, 'ValidationError', /DetailType/],
    ['/api/events', { Source: 'aws.s3', DetailType: 'x', Detail: {} }, 400, 'NotAuthorizedForSourceException', /source/],
    ['/api/events', { Source: 's', DetailType: 'x', Detail: '{not json' }, 400, 'MalformedDetail', /malformed/],
    ['/api/events/preview', { bus: 'shop-bus' }, 400, 'ValidationError', /event/],
    ['/api/events/preview', { event: { source: 'x' }, bus: 'nope' }, 404, 'ResourceNotFoundException', /nope/],
    ['/api/functions/Nope/invoke', {}, 404, 'ResourceNotFoundException', /Nope/],
    ['/api/functions/HttpFn/invoke', { invocationType: 'Sometimes' }, 400, 'ValidationError', /invocationType/],
    ['/api/schedules/Nope/trigger', {}, 404, 'ResourceNotFoundException', /Nope/],
    ['/api/routes/call', { method: 'GET' }, 400, 'ValidationError', /path/],
    ['/api/routes/call', { method: 'GET', path: '/items/1', devToken: true }, 400, 'ValidationError', /no JWT authorizer/],
    ['/api/routes/call', { method: 'GET', path: 'http://example.com/' }, 400, 'ValidationError', /path/],
    ['/api/routes/call', { method: 'GET', path: 'http://[bad' }, 400, 'ValidationError', /path/],
    ['/api/routes/call', { method: 'GET', path: '/items/1', headers: { 'x-a': 'line\nbreak' } }, 400, 'ValidationError', /header/],
    ['/api/routes/call', { method: 'CONNECT', path: '/items/1' }, 400, 'ValidationError', /CONNECT/],
    ['/api/dead-letters/Sink/redrive', {}, 404, 'NotFound', /TargetDlq/],
    ['/api/dead-letters/TargetDlq/delete', { ids: 'all' }, 400, 'ValidationError', /ids/],
    ['/api/app', {}, 405, 'MethodNotAllowed', /GET/],
  ])('POST %s %j -> %i %s', async (path, body, status, error, message) => {
    const answer = await call(app, path, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.message).toMatch(message);
  });

  test("PutEvents' and Invoke's size limits hold, as the AWS endpoint applies them", async () => {
    const event = await call(app, '/api/events', { Source: 's', DetailType: 'x', Detail: { big: 'x'.repeat(300 * 1024) } });
    expect(event).toEqual({ status: 400, body: { error: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' } });
    const invoke = await call(app, '/api/functions/HttpFn/invoke', { invocationType: 'Event', payload: 'x'.repeat(1100 * 1024) });
    expect(invoke.status).toBe(413);
    expect(invoke.body).toEqual({ error: 'RequestTooLargeException', message: expect.stringContaining('smaller than 1048576 bytes') });
  });

  test.each([
    ['/api/activity?type=bogus', 400, /type takes/],
    ['/api/activity?limit=0', 400, /limit/],
    ['/api/activity?function=Nope', 400, /Nope/],
    ['/api/activity/stream?status=maybe', 400, /status/],
    [`/api/activity?q=${'x'.repeat(201)}`, 400, /q takes at most 200 characters/],
    ['/api/events/no-such-event', 404, /no-such-event/],
    ['/api/invocations/no-such-request', 404, /no-such-request/],
    ['/api/tables/Nope/items', 404, /Nope/],
    ['/api/nothing-here', 404, /No API route/],
  ])('GET %s -> %i', async (path, status, message) => {
    const answer = await call(app, path);
    expect(answer.status).toBe(status);
    expect(answer.body.message).toMatch(message);
  });
});
