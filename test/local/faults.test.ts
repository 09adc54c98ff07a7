/**
 * Fault test: thousands of events through a rule whose target fails for a known 5% of them
 * (a thrown error) and crashes its instance for another 1.25% (process.exit). Lambda retries
 * each failing event twice (a minute, then two, compressed 60 times to 1 s and 2 s), then
 * sends it to the function's on-failure destination. Every event must be accounted for exactly once: delivered, or in the DLQ.
 */
import { createHash } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../lib/local';
import { clientConfig, startPlainApp } from './helpers';

const EVENTS = 2000;

/** The consumer fixture's failure bucket for an event id (see fixtures/handlers/consumer.mjs). */
const bucket = (id: string) => createHash('sha256').update(id).digest()[0] % 80;

let app: LocalApp;
beforeAll(async () => {
  app = await startPlainApp({ timeScale: 1 / 60 });
});
afterAll(() => app.stop());

test(`${EVENTS} events, 6.25% failing: each one delivered or dead-lettered exactly once`, async () => {
  const eb = new EventBridgeClient(clientConfig(app));
  const sqs = new SQSClient(clientConfig(app));
  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i += 10) {
    const Entries = Array.from({ length: 10 }, (_, j) => ({ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ n: i + j, faulty: true }) }));
    const out = await eb.send(new PutEventsCommand({ Entries }));
    expect(out.FailedEntryCount).toBe(0);
    ids.push(...out.Entries!.map((e) => e.EventId!));
  }
  await app.ledger.whenIdle();

  const expectedFailures = new Set(ids.filter((id) => bucket(id) <= 4));
  expect(expectedFailures.size).toBeGreaterThan(EVENTS * 0.03);

  // The ledger: one record per event, in a final state that matches the event's bucket.
  const records = app.ledger.list();
  expect(records).toHaveLength(EVENTS);
  expect(app.ledger.counts()).toEqual({ pending: 0, retrying: 0, delivered: EVENTS - expectedFailures.size, 'dead-lettered': expectedFailures.size, dropped: 0, undeliverable: 0, failed: 0 });
  for (const r of records) {
    expect(r.state).toBe(expectedFailures.has(r.eventId) ? 'dead-lettered' : 'delivered');
    expect(r.attempts).toBe(expectedFailures.has(r.eventId) ? 3 : 1);
  }

  // The on-failure destination, drained through the real SQS client: each failing event exactly once.
  const consumer = app.model.functions.find((f) => f.logicalId.startsWith('ConsumerFn'))!;
  const url = app.queues.get(consumer.asyncConfig.onFailureArn!).url;
  const seen: string[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    if (!got.Messages?.length) break;
    for (const m of got.Messages) {
      const record = JSON.parse(m.Body!);
      seen.push(record.requestPayload.id);
      expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
      expect(record.responsePayload.errorMessage).toMatch(bucket(record.requestPayload.id) <= 3 ? /bucket 0-3 fails/ : /Runtime exited with error: exit status 1/);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  expect(seen).toHaveLength(expectedFailures.size);
  expect(new Set(seen)).toEqual(expectedFailures);
  eb.destroy();
  sqs.destroy();
});
