/**
 * A dead letter SQS moved from a source queue (its redrive policy, after maxReceiveCount
 * receives by an event source mapping whose function reports the message failed): the console
 * traces it to that queue, and redrive sends it back there, where the mapping receives it again.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../../lib/local';
import { LocalApp as App } from '../../../lib/local';
import type { DeadLetter, DeadLetters, RedriveResult } from '../../../lib/local/console/api-types';
import { clientConfig, synthEventSourcesApp } from '../../local/helpers';
import { call } from './helpers';

let app: LocalApp;
let sqs: SQSClient;

beforeAll(async () => {
  // Visibility timeouts (30 s) take 0.3 s.
  app = await App.start(synthEventSourcesApp(), { httpPort: 0, awsPort: 0, schedules: false, timeScale: 0.01, consolePort: 0 });
  sqs = new SQSClient(clientConfig(app));
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await app?.stop();
});


/** The dead letters of JobsDlq whose body is `body`, once there are `count` of them (bounded by the test's timeout). */
async function lettersOf(body: string, count: number): Promise<DeadLetter[]> {
  for (;;) {
    const { body: answer } = await call<DeadLetters>(app, '/api/dead-letters');
    const letters = answer.queues.find((q) => q.name === 'JobsDlq')!.messages.filter((m) => JSON.stringify(m.body) === body);
    if (letters.length >= count) return letters;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('is traced to its source queue and redriven back to it', async () => {
  // The mapping's filter (anything-but `ignored` on `kind`) needs `kind` to be there.
  const body = JSON.stringify({ id: 'job-console-1', kind: 'work', fail: true });
  await sqs.send(new SendMessageCommand({ QueueUrl: app.queues.get('Jobs').url, MessageBody: body }));
  const [letter] = await lettersOf(body, 1);
  expect(letter).toMatchObject({ origin: { kind: 'queue', target: 'Jobs' }, redrivable: true });

  const redrive = await call<RedriveResult>(app, '/api/dead-letters/JobsDlq/redrive', {});
  expect(redrive.body.redriven).toContainEqual({ messageId: letter.messageId, to: 'Jobs' });
  // Back in Jobs, the function fails it twice more and SQS moves it to the DLQ again: nothing lost.
  const [again] = await lettersOf(body, 1);
  expect(again.messageId).not.toBe(letter.messageId);
  expect(app.ledger.list().filter((d) => d.kind === 'redrive' && d.sourceArn?.includes('Jobs')).length).toBeGreaterThanOrEqual(2);
}, 60_000);

test('a message that does not say where it came from is listed, and left in place by redrive with why', async () => {
  const body = JSON.stringify({ id: 'put-there-by-hand' });
  await sqs.send(new SendMessageCommand({ QueueUrl: app.queues.get('JobsDlq').url, MessageBody: body }));
  const [letter] = await lettersOf(body, 1);
  expect(letter).toMatchObject({ origin: { kind: 'unknown' }, redrivable: false, notRedrivable: expect.stringContaining('does not say where it came from') });
  const redrive = await call<RedriveResult>(app, '/api/dead-letters/JobsDlq/redrive', { ids: [letter.messageId] });
  expect(redrive.body).toEqual({ redriven: [], failed: [{ messageId: letter.messageId, error: 'NotRedrivable', message: letter.notRedrivable }] });
  expect((await lettersOf(body, 1)).map((m) => m.messageId)).toEqual([letter.messageId]);
});
