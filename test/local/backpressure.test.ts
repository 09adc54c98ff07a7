/**
 * Backpressure, end to end with the real SDK clients: past `maxBacklog` deliveries in
 * progress, PutEvents answers ThrottlingException (and an asynchronous Invoke 429) as AWS
 * answers callers over a quota; the SDK retries those, so a flood waits at its senders, the
 * backlog stays bounded, and every accepted event is delivered.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalApp, LocalAppOptions } from '../../lib/local';
import { clientConfig, fnName, startPlainApp } from './helpers';

const CLIENTS = 8;
const BATCHES_PER_CLIENT = 15;

let app: LocalApp | undefined;
let stateDir: string | undefined;
afterEach(async () => {
  await app?.stop();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  app = stateDir = undefined;
});

/** A batch of 10 events for the OrderPlaced rule, each holding its consumer for `holdMs`. */
const batch = (client: number, n: number, holdMs: number) =>
  Array.from({ length: 10 }, (_, i) => ({ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ client, n, i, holdMs }) }));

test('over the bound, PutEvents answers 400 ThrottlingException "Rate exceeded" and an async Invoke 429 TooManyRequestsException', async () => {
  app = await startPlainApp({ maxBacklog: 1 });
  const eb = new EventBridgeClient({ ...clientConfig(app), maxAttempts: 1 });
  // One delivery held in flight fills a backlog of one.
  await eb.send(new PutEventsCommand({ Entries: batch(0, 0, 1500).slice(0, 1) }));
  const raw = await fetch(app.awsEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: JSON.stringify({ Entries: batch(0, 1, 0) }),
  });
  expect(raw.status).toBe(400);
  expect(await raw.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  await expect(eb.send(new PutEventsCommand({ Entries: batch(0, 2, 0) }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
  const lambda = new LambdaClient({ ...clientConfig(app), maxAttempts: 1 });
  await expect(lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'AsyncFn'), InvocationType: 'Event', Payload: '{}' }))).rejects.toMatchObject({
    name: 'TooManyRequestsException',
    Reason: 'CallerRateLimitExceeded',
    $metadata: { httpStatusCode: 429 },
  });
  // Only the one accepted event was taken in.
  await app.ledger.whenIdle();
  expect(app.ledger.counts()).toMatchObject({ delivered: 1, pending: 0, retrying: 0 });
  eb.destroy();
  lambda.destroy();
});

describe.each<[string, () => LocalAppOptions]>([
  ['in memory', () => ({})],
  ['kept on disk', () => ({ stateDir: (stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-flood-'))) })],
])('a flood from %s', (_name, options) => {
  test(`${CLIENTS} clients x ${BATCHES_PER_CLIENT} batches of 10 over a backlog of 20: throttled, retried by the SDK, all delivered once`, async () => {
    app = await startPlainApp({ maxBacklog: 20, ...options() });
    const running = app;
    let peak = 0;
    running.ledger.on('change', () => (peak = Math.max(peak, running.ledger.inProgress)));
    let sdkRetried = 0;
    let resent = 0;
    const accepted: string[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const eb = new EventBridgeClient(clientConfig(running));
        for (let n = 0; n < BATCHES_PER_CLIENT; n++) {
          for (;;) {
            try {
              const out = await eb.send(new PutEventsCommand({ Entries: batch(client, n, 20) }));
              expect(out.FailedEntryCount).toBe(0);
              if (out.$metadata.attempts! > 1) sdkRetried++;
              accepted.push(...out.Entries!.map((e) => e.EventId!));
              break;
            } catch (err) {
              // The SDK's attempts (three by default) ran out: the caller sends the batch again.
              expect(err).toMatchObject({ name: 'ThrottlingException' });
              resent++;
            }
          }
        }
        eb.destroy();
      }),
    );
    await running.ledger.whenIdle();
    // The SDK's own retries absorbed throttles (batches a caller had to re-send after them are fine too).
    expect(sdkRetried).toBeGreaterThan(0);
    // The backlog stayed within the bound plus the one batch admitted at it.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(20 + 10);
    // Every accepted event: one delivery, delivered.
    expect(accepted).toHaveLength(CLIENTS * BATCHES_PER_CLIENT * 10);
    const deliveries = running.ledger.list();
    expect(deliveries).toHaveLength(accepted.length);
    expect(new Set(deliveries.map((d) => d.eventId))).toEqual(new Set(accepted));
    expect(running.ledger.counts()).toEqual({ pending: 0, retrying: 0, delivered: accepted.length, failed: 0, 'dead-lettered': 0, dropped: 0, undeliverable: 0 });
  });
});
