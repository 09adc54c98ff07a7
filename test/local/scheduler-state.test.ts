/**
 * EventBridge Scheduler across a restart of the app with durable state: schedules and groups
 * created through the Scheduler API are there again, and a firing that was still retrying
 * carries on from the attempt it stood at, then ends in the schedule's dead-letter queue.
 * Driven with the real `@aws-sdk/client-scheduler`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateScheduleCommand, CreateScheduleGroupCommand, GetScheduleCommand, GetScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { LocalApp, type LocalAppOptions } from '../../lib/local';
import { clientConfig, deliveryEnded, synthSchedulerApp } from './helpers';

jest.setTimeout(120_000);

const assembly = synthSchedulerApp('2099-01-01T00:00:00');
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-scheduler-state-'));
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

function start(options: LocalAppOptions): Promise<LocalApp> {
  return LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, stateDir, projectDir: `${__dirname}/../..`, ...options });
}


test('API-created schedules and a retrying firing survive a restart; the firing ends in its DLQ', async () => {
  // Retries three times slower than AWS (seconds apart): the firing is still retrying when the app stops.
  let app = await start({ timeScale: 3 });
  let client = new SchedulerClient(clientConfig(app));
  const target = { Arn: app.model.functions.find((f) => f.logicalId.startsWith('Record'))!.arn, RoleArn: 'arn:aws:iam::000000000000:role/scheduler' };
  await client.send(new CreateScheduleGroupCommand({ Name: 'kept' }));
  await client.send(new CreateScheduleCommand({ Name: 'later', GroupName: 'kept', ScheduleExpression: 'at(2099-06-01T09:00:00)', ScheduleExpressionTimezone: 'Asia/Tokyo', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }));
  const firing = app.triggerSchedule('broken');
  await new Promise<void>((resolve) => {
    const check = () => app.ledger.list({ eventId: firing.id })[0]?.state === 'retrying' && (app.ledger.off('change', check), resolve());
    app.ledger.on('change', check);
    check();
  });
  expect(app.ledger.list({ eventId: firing.id })[0]).toMatchObject({ kind: 'schedule', state: 'retrying', attempts: 1 });
  client.destroy();
  await app.stop();

  app = await start({ timeScale: 3 });
  client = new SchedulerClient(clientConfig(app));
  try {
    await expect(client.send(new GetScheduleGroupCommand({ Name: 'kept' }))).resolves.toMatchObject({ Name: 'kept', State: 'ACTIVE' });
    await expect(client.send(new GetScheduleCommand({ Name: 'later', GroupName: 'kept' }))).resolves.toMatchObject({
      ScheduleExpression: 'at(2099-06-01T09:00:00)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      Target: expect.objectContaining({ Arn: target.Arn }),
    });
    expect(app.scheduler.schedules().map((e) => e.stored.schedule.name)).toContain('later');
    // The firing carries on from its second attempt, and dead-letters after the third.
    const d = await deliveryEnded(app, firing.id);
    expect(d).toMatchObject({ kind: 'schedule', state: 'dead-lettered', attempts: 3, ruleArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/broken' });
  } finally {
    client.destroy();
    await app.stop();
  }
});
