/**
 * publish() end to end: the real @aws-sdk/client-eventbridge client against a local PutEvents
 * server (node:http on 127.0.0.1) that fails entries on purpose.
 */
import { z } from 'zod';
import { PublishError, defineEvent, publish, type PutEventsClient } from '../../lib/runtime';
import { captureLogs } from './support/lambda';
import { hashString, seededRandom, startPutEventsServer, type PutEventsServer } from './support/put-events-server';

const Ping = defineEvent({
  source: 'test.e2e',
  detailType: 'Ping',
  schema: z.object({ id: z.string(), payload: z.string().optional() }),
});

const pings = (n: number, payload?: string) => Array.from({ length: n }, (_, i) => ({ id: `ping-${i}`, payload }));
const idOf = (detail: string | undefined) => (JSON.parse(detail!) as { id: string }).id;
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5 };
const sizesOf = (s: PutEventsServer) => s.calls.map((c) => c.entries.length).sort((a, b) => a - b);

let server: PutEventsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('delivers every entry exactly once when the server fails a share of entries per call', async () => {
  // Decided by (entry id, how many times the server has seen it), so the same entries fail the
  // same way on every run, whatever order concurrent calls arrive in.
  const seen = new Map<string, number>();
  server = await startPutEventsServer({
    fail: (entry) => {
      const id = idOf(entry.Detail);
      const nth = seen.get(id) ?? 0;
      seen.set(id, nth + 1);
      const r = seededRandom(hashString(id) + nth)();
      if (r < 0.2) return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' };
      if (r < 0.35) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
      return undefined;
    },
  });
  const client: PutEventsClient = server.client();
  const { result, error } = await captureLogs(() => publish(Ping, pings(200), { client, eventBusName: 'e2e', retry: { ...fastRetry, maxAttempts: 12 } }));

  expect(error).toBeUndefined();
  const counts = new Map<string, number>();
  for (const entry of server.accepted) counts.set(idOf(entry.Detail), (counts.get(idOf(entry.Detail)) ?? 0) + 1);
  expect(counts.size).toBe(200);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(result!.eventIds).toHaveLength(200);
  expect(new Set(result!.eventIds).size).toBe(200);
  expect(result!.attempts).toBeGreaterThan(1);
  // The failures really happened, and every call stayed within the limits.
  expect(server.calls.filter((c) => c.failed > 0).length).toBeGreaterThan(10);
  expect(Math.max(...seen.values())).toBeGreaterThan(2);
  expect(server.calls.every((c) => c.entries.length <= 10 && c.entries.every((e) => e.EventBusName === 'e2e'))).toBe(true);
});

it('throws a PublishError listing every entry when the server fails them all', async () => {
  server = await startPutEventsServer({ fail: () => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' }) });
  const { error, logs } = await captureLogs(() => publish(Ping, pings(25), { client: server!.client(), retry: { ...fastRetry, maxAttempts: 3 } }));

  expect(error).toBeInstanceOf(PublishError);
  const e = error as PublishError;
  expect(e.failed.map((f) => idOf(f.entry.Detail))).toEqual(pings(25).map((p) => p.id));
  expect(e.failed.every((f) => f.errorCode === 'InternalFailure' && f.errorMessage === 'Internal failure' && f.attempts === 3)).toBe(true);
  expect(e.eventIds.every((id) => id === undefined)).toBe(true);
  expect(e.message).toMatch(/^25 of 25 events were not published to bus 'default': \[0\] InternalFailure: Internal failure \(after 3 attempts\)/);
  // Calls of one round run concurrently and may arrive in any order: compare sorted sizes.
  expect(sizesOf(server)).toEqual([5, 5, 5, 10, 10, 10, 10, 10, 10]);
  expect(logs.filter((l) => l.level === 'WARN')).toHaveLength(2);
  expect(logs.at(-1)).toMatchObject({ level: 'ERROR', message: 'PutEvents entries not published' });
});

it.each([
  ['small entries: 10 per call', pings(35), [5, 10, 10, 10]],
  ['60 KB entries: 4 per call (256 KB)', pings(10, 'x'.repeat(60_000)), [2, 4, 4]],
  ['mixed sizes, packed in order', [...pings(3), ...pings(3, 'y'.repeat(120_000)), ...pings(12)], [3, 5, 10]],
])('batches within 10 entries and 256 KB: %s', async (_name, details, callSizes) => {
  server = await startPutEventsServer();
  await publish(Ping, details, { client: server.client() });
  expect(sizesOf(server)).toEqual(callSizes);
  expect(Math.max(...server.calls.map((c) => c.bytes))).toBeLessThanOrEqual(256 * 1024);
  expect(server.accepted).toHaveLength(details.length);
});

it('retries a call the server answers with a 500, and delivers once', async () => {
  server = await startPutEventsServer({ failCall: (call) => (call === 0 ? { status: 500, type: 'InternalException' } : undefined) });
  const { result } = await captureLogs(() => publish(Ping, pings(5), { client: server!.client(), retry: fastRetry }));
  expect(result?.attempts).toBe(2);
  expect(server.accepted.map((e) => idOf(e.Detail))).toEqual(pings(5).map((p) => p.id));
});

it('reports a call the server rejects as a client error without retrying it', async () => {
  server = await startPutEventsServer({ failCall: () => ({ status: 400, type: 'ResourceNotFoundException' }) });
  const { error } = await captureLogs(() => publish(Ping, pings(2), { client: server!.client(), retry: fastRetry }));
  expect(error).toBeInstanceOf(PublishError);
  expect((error as PublishError).failed.map((f) => [f.errorCode, f.attempts])).toEqual([
    ['ResourceNotFoundException', 1],
    ['ResourceNotFoundException', 1],
  ]);
});
