/**
 * EventBridge Scheduler under `dev`: a plain aws-cdk-lib app's `Schedule` and `CfnSchedule`
 * resources fire on their expressions (scaled by the time scale), in their time zones, to
 * Lambda, SQS and EventBridge targets; a handler creates a one-time schedule through the
 * Scheduler API that fires and then deletes itself; an unreachable target is retried, then
 * dead-lettered. Driven from outside with the real SDK clients.
 */
import { GetScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { summary } from '../../lib/cli/format';
import { LocalApp } from '../../lib/local';
import { wallOf } from '../../lib/local/schedule/zone';
import { clientConfig, deliveryEnded, synthSchedulerApp } from './helpers';

jest.setTimeout(120_000);

let app: LocalApp;
let sqs: SQSClient;
/** Every message the inbox has received, parsed. */
const received: any[] = [];
/** The one-time schedule's time (UTC). */
let onceAt: Date;

beforeAll(async () => {
  // Three minutes ahead (in Paris wall time, as the fixture writes it): synth and start take seconds.
  onceAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 180_000);
  const parisWall = new Date(wallOf('Europe/Paris', onceAt.getTime())).toISOString().slice(0, 19);
  app = await LocalApp.start(synthSchedulerApp(parisWall), { httpPort: 0, awsPort: 0, timeScale: 0.01, projectDir: `${__dirname}/../..` });
  sqs = new SQSClient(clientConfig(app));
});
afterAll(async () => {
  sqs.destroy();
  await app.stop();
});

/** Reads the inbox until a message satisfies `match` (bounded by the test's timeout). */
async function inboxMessage(match: (m: any) => boolean): Promise<any> {
  const url = app.queues.list().find((q) => q.model.logicalId.startsWith('Inbox'))!.url;
  for (;;) {
    const found = received.find(match);
    if (found) return found;
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    received.push(...(out.Messages ?? []).map((m) => JSON.parse(m.Body!)));
  }
}


const arn = (group: string, name: string) => `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}`;

test('a rate schedule in a group invokes its function, with the context attributes in its input', async () => {
  const m = await inboxMessage((x) => x.via === 'lambda' && x.event.kind === 'rate');
  expect(m.event).toEqual({ kind: 'rate', schedule: arn('jobs', 'every-minute'), at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
});

test('a one-time at() in Paris time fires once, at that instant, with Scheduler\'s own event', async () => {
  const m = await inboxMessage((x) => x.via === 'lambda' && x.event.source === 'aws.scheduler');
  const once = app.model.schedules!.find((s) => s.logicalId!.startsWith('Once'))!;
  expect(m.event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', resources: [once.arn], detail: '{}', time: onceAt.toISOString().replace('.000Z', 'Z') });
  expect(app.scheduler.schedules().find((e) => e.stored.schedule.arn === once.arn)!.nextAt).toBeUndefined();
});

test('a cron in a time zone with a flexible window sends its input straight to the queue', async () => {
  expect(await inboxMessage((x) => x.kind === 'cron')).toEqual({ kind: 'cron' });
});

test('a PutEvents target puts the event on the bus, where a rule forwards it', async () => {
  const tick = app.model.schedules!.find((s) => s.logicalId!.startsWith('Tick'))!;
  const m = await inboxMessage((x) => x.source === 'shop.timer');
  expect(m).toMatchObject({ 'detail-type': 'Tick', detail: { kind: 'event' }, resources: [tick.arn] });
});

test("a FIFO queue target's messages are in the message group its rule or schedule names", async () => {
  const events = new EventBridgeClient(clientConfig(app));
  const bus = app.model.eventBuses.find((b) => b.logicalId?.startsWith('Bus'))!.name;
  const put = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: 'shop.fifo', DetailType: 'Ordered', Detail: '{"kind":"rule"}' }] }));
  events.destroy();
  await deliveryEnded(app, put.Entries![0].EventId!);
  await deliveryEnded(app, app.triggerSchedule('to-fifo').id);
  const url = app.queues.list().find((q) => q.model.logicalId.startsWith('Ordered'))!.url;
  const groups: Record<string, string | undefined> = {};
  while (Object.keys(groups).length < 2) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['MessageGroupId'] }));
    for (const m of out.Messages ?? []) {
      const body = JSON.parse(m.Body!);
      groups[body.detail?.kind ?? body.kind] = m.Attributes?.MessageGroupId;
    }
  }
  expect(groups).toEqual({ rule: 'from-rule', schedule: 'from-schedule' });
});

test('an unreachable target is retried per its retry policy, then dead-lettered with what failed', async () => {
  const firing = app.triggerSchedule('broken');
  const d = await deliveryEnded(app, firing.id);
  expect(d).toMatchObject({ kind: 'schedule', state: 'dead-lettered', attempts: 3, ruleArn: arn('default', 'broken') });
  const dlq = app.queues.list().find((q) => q.model.logicalId.startsWith('ScheduleDeadLetters'))!;
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  const mine = out.Messages!.find((x) => x.MessageAttributes?.SCHEDULE_ARN?.StringValue === arn('default', 'broken'))!;
  expect(JSON.parse(mine.Body!)).toEqual({ kind: 'broken' });
  expect(mine.MessageAttributes).toMatchObject({
    ERROR_CODE: { StringValue: 'AWS.SimpleQueueService.NonExistentQueue' },
    EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' },
    RETRY_ATTEMPTS: { StringValue: '2' },
    TARGET_ARN: { StringValue: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' },
  });
});

test('a handler creates a one-time schedule through the Scheduler API; it fires its target, then deletes itself', async () => {
  const lambda = new LambdaClient(clientConfig(app));
  const scheduler = new SchedulerClient(clientConfig(app));
  const remind = app.model.functions.find((f) => f.logicalId.startsWith('Remind'))!;
  const out = await lambda.send(new InvokeCommand({ FunctionName: remind.name, Payload: JSON.stringify({ name: 'remind-1', inSeconds: 120, note: 'call back' }) }));
  expect(out.FunctionError).toBeUndefined();
  expect(JSON.parse(Buffer.from(out.Payload!).toString())).toMatchObject({ arn: arn('jobs', 'remind-1') });
  const m = await inboxMessage((x) => x.via === 'lambda' && x.event.kind === 'reminder');
  expect(m.event).toEqual({ kind: 'reminder', note: 'call back' });
  const gone = scheduler.send(new GetScheduleCommand({ Name: 'remind-1', GroupName: 'jobs' }));
  await expect(gone).rejects.toBeInstanceOf(ResourceNotFoundException);
  await expect(gone).rejects.toMatchObject({ message: 'Schedule remind-1 does not exist.' });
  lambda.destroy();
  scheduler.destroy();
});

test("dev's Schedules table lists each schedule by the name trigger takes, with its time zone and next run", () => {
  const lines = summary(app).split('\n');
  const start = lines.indexOf('Schedules');
  const rows = lines.slice(start + 1, lines.indexOf('', start)).map((l) => l.split(/ {2,}/));
  expect(rows[0]).toEqual(['SCHEDULE', 'EXPRESSION', 'TIME ZONE', 'NEXT', 'TARGETS']);
  const byName = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
  expect(byName['jobs/every-minute']).toEqual(['jobs/every-minute', 'rate(1 minute)', 'Etc/UTC', expect.stringMatching(/^\d{4}-/), 'Record']);
  expect(byName.CronToQueue).toEqual(['CronToQueue', 'cron(* * * * ? *)', 'America/New_York', expect.stringMatching(/^\d{4}-/), 'queue Inbox']);
  expect(byName.broken).toEqual(['broken', 'rate(1 hour)', 'UTC', 'disabled', 'arn:aws:sqs:us-east-1:000000000000:no-such-queue']);
  expect(byName.Tick.slice(1, 3)).toEqual(['cron(*/2 * * * ? *)', 'Asia/Tokyo']);
});
