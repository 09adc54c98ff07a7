/**
 * Dead letters end to end: a handler fails an event past Lambda's async retries, the event
 * lands in the on-failure destination, the handler is fixed (its code replaced, as hot reload
 * does), and redrive sends the dead letter back to it through the normal delivery path.
 */
import * as path from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../../lib/local';
import type { DeadLetters, EventStory, RedriveResult } from '../../../lib/local/console/api-types';
import { clientConfig, fnName, startPlainApp } from '../../local/helpers';
import { call, until } from './helpers';

let app: LocalApp;
let sqs: SQSClient;

beforeAll(async () => {
  // Lambda's async retries (about one and two minutes apart) take 60 and 120 ms.
  app = await startPlainApp({ consolePort: 0, timeScale: 0.001 });
  sqs = new SQSClient(clientConfig(app));
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await app?.stop();
});

const deadLettered = (eventId: string) => () => app.console!.activity.find((e) => e.type === 'delivery' && e.eventId === eventId && e.state === 'dead-lettered').length > 0;

async function putFailing(detailType: string): Promise<string> {
  const put = await call(app, '/api/events', { EventBusName: 'shop-bus', Source: 'shop', DetailType: detailType, Detail: { fail: true } });
  expect(put.status).toBe(200);
  await until(app, deadLettered(put.body.eventId));
  return put.body.eventId;
}

async function deadLetters(queue: string) {
  const { body } = await call<DeadLetters>(app, '/api/dead-letters');
  return body.queues.find((q) => q.name === queue)!.messages;
}

test('a dead letter redriven after the handler is fixed reaches the handler, and leaves the queue', async () => {
  const eventId = await putFailing('OrderPlaced');
  const story = (await call<EventStory>(app, `/api/events/${eventId}`)).body;
  const failed = story.deliveries[0];
  expect(failed).toMatchObject({ rule: 'OrderPlaced', target: 'ConsumerFn', state: 'dead-lettered', attempts: 3, deadLetter: 'TargetDlq', lastError: { type: 'Error', message: `failing on purpose: ${eventId}` } });
  expect(failed.history.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'error'], [2, 'error'], [3, 'error']]);
  expect(failed.history[0].nextAttemptAt).toBeGreaterThan(0);
  expect(story.rules.find((r) => r.displayName === 'OrderPlaced')!.matched).toBe(true);

  const [letter] = (await deadLetters('TargetDlq')).filter((m) => m.origin.eventId === eventId);
  expect(letter).toMatchObject({ redrivable: true, origin: { kind: 'destination', deliveryId: failed.id, rule: 'OrderPlaced', target: 'ConsumerFn' }, error: { message: `failing on purpose: ${eventId}` } });

  // The fix: the handler's new code, as hot reload serves it after an edit.
  app.host.replaceCode(fnName(app, 'ConsumerFn'), { codeDir: path.join(__dirname, 'fixtures', 'fixed-consumer') });
  const redrive = await call<RedriveResult>(app, '/api/dead-letters/TargetDlq/redrive', { ids: [letter.messageId] });
  expect(redrive.status).toBe(200);
  expect(redrive.body.failed).toEqual([]);
  expect(redrive.body.redriven).toEqual([{ messageId: letter.messageId, deliveryId: expect.stringMatching(/^d-\d+$/), to: 'ConsumerFn' }]);
  expect((await deadLetters('TargetDlq')).map((m) => m.messageId)).not.toContain(letter.messageId);

  // Its attempt ends once the fixed handler (a cold start of the new code) has sent the event on.
  const deliveryId = redrive.body.redriven[0].deliveryId!;
  await until(app, () => app.console!.activity.find((e) => e.type === 'delivery' && e.deliveryId === deliveryId && e.state !== 'retrying').length > 0);
  const sinkUrl = app.queues.get('Sink').url;
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sinkUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
  const received = JSON.parse(got.Messages![0].Body!);
  expect(received).toMatchObject({ id: eventId, 'detail-type': 'OrderPlaced', detail: { fail: true } });
  await sqs.send(new DeleteMessageCommand({ QueueUrl: sinkUrl, ReceiptHandle: got.Messages![0].ReceiptHandle! }));

  const after = (await call<EventStory>(app, `/api/events/${eventId}`)).body;
  const redriven = after.deliveries.find((d) => d.id === deliveryId)!;
  expect(redriven).toMatchObject({ redriveOf: failed.id, state: 'delivered', target: 'ConsumerFn', attempts: 1 });
});

test('a rule target EventBridge cannot reach is redriven to it again, and dead-letters again: nothing is lost', async () => {
  const eventId = await putFailing('Elsewhere');
  const [letter] = (await deadLetters('TargetDlq')).filter((m) => m.origin.eventId === eventId);
  expect(letter).toMatchObject({ origin: { kind: 'rule-target', rule: 'Elsewhere' }, error: { type: 'RESOURCE_NOT_FOUND' }, attributes: { RULE_ARN: expect.stringContaining('Elsewhere') } });
  const redrive = await call<RedriveResult>(app, '/api/dead-letters/TargetDlq/redrive', { ids: [letter.messageId] });
  const deliveryId = redrive.body.redriven[0].deliveryId!;
  await until(app, () => app.console!.activity.find((e) => e.type === 'delivery' && e.deliveryId === deliveryId && e.state === 'dead-lettered').length > 0);
  const again = (await deadLetters('TargetDlq')).filter((m) => m.origin.eventId === eventId);
  expect(again).toHaveLength(1);
  expect(again[0].messageId).not.toBe(letter.messageId);
  expect(again[0].origin.deliveryId).toBe(deliveryId);
});

test('deletes the messages asked for, and says which ids were not there', async () => {
  const eventId = await putFailing('Elsewhere');
  const [letter] = (await deadLetters('TargetDlq')).filter((m) => m.origin.eventId === eventId);
  const deleted = await call(app, '/api/dead-letters/TargetDlq/delete', { ids: [letter.messageId, 'no-such-message'] });
  expect(deleted).toEqual({ status: 200, body: { deleted: [letter.messageId], notFound: ['no-such-message'] } });
  expect((await deadLetters('TargetDlq')).map((m) => m.messageId)).not.toContain(letter.messageId);
  const redrive = await call<RedriveResult>(app, '/api/dead-letters/TargetDlq/redrive', { ids: [letter.messageId] });
  expect(redrive.body).toEqual({ redriven: [], failed: [{ messageId: letter.messageId, error: 'NotFound', message: expect.stringContaining(letter.messageId) }] });
});
