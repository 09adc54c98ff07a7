/**
 * The activity stream (server-sent events) end to end: entries in order as they happen, resumed
 * after a reconnect with Last-Event-ID, and a `gap` when the ring no longer holds what was missed.
 */
import type { LocalApp } from '../../../lib/local';
import { ConsoleServer } from '../../../lib/local/console/server';
import { startPlainApp } from '../../local/helpers';
import { entriesOf, openStream, until } from './helpers';

let app: LocalApp;

beforeAll(async () => {
  app = await startPlainApp({ consolePort: 0 });
}, 120_000);

afterAll(() => app?.stop());

const get = (path: string) => fetch(`${app.urls[0]}${path}`).then((r) => r.text());

test('a stream with q sends only the entries holding its text', async () => {
  const stream = await openStream(new URL('/api/activity/stream?type=request&q=%2Fitems%2Fq-', app.console!.url).href);
  try {
    for (const path of ['/items/q-1', '/items/other', '/items/q-2']) await get(path);
    expect(entriesOf(await stream.take(2)).map((e) => e.type === 'request' && e.path)).toEqual(['/items/q-1', '/items/q-2']);
  } finally {
    stream.close();
  }
});

test('streams each new entry in order, and resumes after Last-Event-ID', async () => {
  const stream = await openStream(new URL('/api/activity/stream?type=request', app.console!.url).href);
  try {
    for (const n of [1, 2, 3]) await get(`/items/${n}`);
    const entries = entriesOf(await stream.take(3));
    expect(entries.map((e) => e.type === 'request' && e.path)).toEqual(['/items/1', '/items/2', '/items/3']);
    expect(entries[1].id).toBeGreaterThan(entries[0].id);
    expect(entries[2].id).toBeGreaterThan(entries[1].id);
  } finally {
    stream.close();
  }
  const lastSeen = app.console!.activity.nextEntryId - 1;
  // Away for a while: what happens meanwhile comes first when the client comes back.
  for (const n of [4, 5]) await get(`/items/${n}`);
  await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.path === '/items/5').length > 0);
  const resumed = await openStream(new URL('/api/activity/stream?type=request', app.console!.url).href, lastSeen);
  try {
    const messages = await resumed.take(2);
    expect(messages.map((m) => m.event)).toEqual(['message', 'message']);
    expect(entriesOf(messages).map((e) => e.type === 'request' && e.path)).toEqual(['/items/4', '/items/5']);
    expect(messages.map((m) => Number(m.id))).toEqual(entriesOf(messages).map((e) => e.id));
  } finally {
    resumed.close();
  }
});

test('tells a client that comes back too late how many entries it missed, and keeps an idle stream alive', async () => {
  // A console of its own over the same app, with a ring of three entries and a quick heartbeat.
  const small = new ConsoleServer(app, { activityCapacity: 3, heartbeatMs: 20 });
  const url = await small.listen(0, '127.0.0.1');
  try {
    await get('/items/a');
    await until(small.activity, () => small.activity.nextEntryId > 2);
    const lastSeen = small.activity.nextEntryId - 1;
    for (const n of ['b', 'c', 'd']) await get(`/items/${n}`);
    await until(small.activity, () => small.activity.find((e) => e.type === 'request' && e.path === '/items/d').length > 0);
    // Three requests made six entries (an invocation and a request each); the ring keeps three.
    const stream = await openStream(new URL('/api/activity/stream', url).href, lastSeen);
    try {
      const [gap, ...rest] = await stream.take(4);
      expect(gap.event).toBe('gap');
      expect(JSON.parse(gap.data)).toEqual({ missed: 3 });
      expect(entriesOf(rest).map((e) => e.id)).toEqual([lastSeen + 4, lastSeen + 5, lastSeen + 6]);
      expect(await stream.comment()).toBe(': keep-alive');
    } finally {
      stream.close();
    }
  } finally {
    await small.stop();
  }
});
