/**
 * The EventBridge Scheduler API on the local endpoint, through the real
 * `@aws-sdk/client-scheduler`: schedules and groups created, read, listed, paged, updated and
 * deleted; AWS's validation and errors. (That such schedules fire is in scheduler.test.ts.)
 */
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
  paginateListSchedules,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { LocalApp } from '../../lib/local';
import { clientConfig, synthSchedulerApp } from './helpers';

jest.setTimeout(120_000);

let app: LocalApp;
let client: SchedulerClient;
let fnArn: string;
const role = 'arn:aws:iam::000000000000:role/scheduler';

beforeAll(async () => {
  app = await LocalApp.start(synthSchedulerApp('2099-01-01T00:00:00'), { httpPort: 0, awsPort: 0, schedules: false, projectDir: `${__dirname}/../..` });
  client = new SchedulerClient(clientConfig(app));
  fnArn = app.model.functions.find((f) => f.logicalId.startsWith('Record'))!.arn;
});
afterAll(async () => {
  client.destroy();
  await app.stop();
});

const input = (over: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name: 'nightly',
  ScheduleExpression: 'cron(0 2 * * ? *)',
  ScheduleExpressionTimezone: 'Europe/Berlin',
  FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
  Target: { Arn: fnArn, RoleArn: role, Input: '{"a":1}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } },
  ...over,
});

test('a schedule is created, read back with every member, updated and deleted', async () => {
  const start = new Date('2030-01-01T00:00:00Z');
  const { ScheduleArn } = await client.send(new CreateScheduleCommand(input({ StartDate: start, Description: 'nightly run' })));
  expect(ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly');
  const got = await client.send(new GetScheduleCommand({ Name: 'nightly' }));
  expect(got).toMatchObject({
    Arn: ScheduleArn,
    Name: 'nightly',
    GroupName: 'default',
    ScheduleExpression: 'cron(0 2 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    State: 'ENABLED',
    Description: 'nightly run',
    StartDate: start,
    ActionAfterCompletion: 'NONE',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    Target: { Arn: fnArn, RoleArn: role, Input: '{"a":1}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } },
  });
  expect(got.CreationDate).toBeInstanceOf(Date);
  // An update replaces every member: the retry policy left out takes Scheduler's defaults.
  await client.send(new UpdateScheduleCommand({ ...input(), State: 'DISABLED', Target: { Arn: fnArn, RoleArn: role } }));
  expect(await client.send(new GetScheduleCommand({ Name: 'nightly' }))).toMatchObject({ State: 'DISABLED', Target: { RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } } });
  await client.send(new DeleteScheduleCommand({ Name: 'nightly' }));
  await expect(client.send(new GetScheduleCommand({ Name: 'nightly' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
});

test('names are unique within a group; a group must exist; a retried create with its ClientToken answers as the first', async () => {
  await client.send(new CreateScheduleCommand(input({ Name: 'once' })));
  await expect(client.send(new CreateScheduleCommand(input({ Name: 'once' })))).rejects.toMatchObject({ name: 'ConflictException', message: 'Schedule once already exists.' });
  await expect(client.send(new CreateScheduleCommand(input({ Name: 'once', GroupName: 'nope' })))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Schedule group nope does not exist.' });
  const first = await client.send(new CreateScheduleCommand(input({ Name: 'token', ClientToken: 'retry-1' })));
  const again = await client.send(new CreateScheduleCommand(input({ Name: 'token', ClientToken: 'retry-1' })));
  expect(again.ScheduleArn).toBe(first.ScheduleArn);
  await expect(client.send(new CreateScheduleCommand(input({ Name: 'token', ClientToken: 'retry-1', Description: 'other' })))).rejects.toBeInstanceOf(ConflictException);
  await expect(client.send(new UpdateScheduleCommand(input({ Name: 'missing' })))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Schedule missing does not exist.' });
});

test.each([
  ['a name with a space', { Name: 'a b' }, /^1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: \[0-9a-zA-Z-_\.\]\+$/],
  ['a cron with five fields', { ScheduleExpression: 'cron(0 2 * * ?)' }, /^Invalid Schedule Expression cron\(0 2 \* \* \?\)\.$/],
  ['an at() of a day that does not exist', { ScheduleExpression: 'at(2030-02-30T10:00:00)' }, /^Invalid Schedule Expression at\(2030-02-30T10:00:00\)\.$/],
  ['rate(1 minutes)', { ScheduleExpression: 'rate(1 minutes)' }, /^Invalid Schedule Expression rate\(1 minutes\)\.$/],
  ['a time zone that is not IANA', { ScheduleExpressionTimezone: 'Mars/Olympus' }, /^Invalid ScheduleExpressionTimezone Mars\/Olympus\.$/],
  ['186 retries', { Target: { Arn: 'x', RoleArn: role, RetryPolicy: { MaximumRetryAttempts: 186 } } }, /Value '186' at 'target\.retryPolicy\.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185/],
  ['an event age under a minute', { Target: { Arn: 'x', RoleArn: role, RetryPolicy: { MaximumEventAgeInSeconds: 59 } } }, /at 'target\.retryPolicy\.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60/],
  ['a role that is not an IAM role ARN', { Target: { Arn: 'x', RoleArn: 'role' } }, /at 'target\.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern/],
  ['a target that is not an ARN', { Target: { Arn: 'my-function', RoleArn: role } }, /^Provided Arn is not in correct format\.$/],
  ['a bus target without EventBridgeParameters', { Target: { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', RoleArn: role } }, /^EventBridgeParameters must be provided/],
  ['an end before the start', { StartDate: new Date('2030-01-02'), EndDate: new Date('2030-01-01') }, /^The EndDate must be after the StartDate\.$/],
  ['a flexible window without its size', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }, /^MaximumWindowInMinutes is required when Mode is FLEXIBLE\.$/],
  ['a window of a day and a minute', { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } }, /Member must have value less than or equal to 1440/],
] as Array<[string, Partial<CreateScheduleCommandInput>, RegExp]>)('%s is a ValidationException', async (_what, over, message) => {
  const call = client.send(new CreateScheduleCommand(input({ Name: 'invalid', ...over })));
  await expect(call).rejects.toBeInstanceOf(ValidationException);
  await expect(call).rejects.toMatchObject({ message: expect.stringMatching(message) });
  await expect(client.send(new GetScheduleCommand({ Name: 'invalid' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
});

test('ListSchedules filters by group, name prefix and state, and pages with MaxResults', async () => {
  await client.send(new CreateScheduleGroupCommand({ Name: 'reports' }));
  for (const name of ['r-1', 'r-2', 'r-3', 'other']) await client.send(new CreateScheduleCommand(input({ Name: name, GroupName: 'reports', State: name === 'r-3' ? 'DISABLED' : 'ENABLED' })));
  const names = async (i: { GroupName?: string; NamePrefix?: string; State?: 'ENABLED' | 'DISABLED' }) => {
    const out: string[] = [];
    for await (const page of paginateListSchedules({ client, pageSize: 2 }, i)) {
      expect(page.Schedules!.length).toBeLessThanOrEqual(2);
      out.push(...page.Schedules!.map((s) => `${s.GroupName}/${s.Name}`));
    }
    return out;
  };
  expect(await names({ GroupName: 'reports' })).toEqual(['reports/other', 'reports/r-1', 'reports/r-2', 'reports/r-3']);
  expect(await names({ GroupName: 'reports', NamePrefix: 'r-', State: 'ENABLED' })).toEqual(['reports/r-1', 'reports/r-2']);
  // The template's schedules are listed too.
  expect(await names({ GroupName: 'jobs' })).toEqual(['jobs/every-minute']);
  const first = await client.send(new ListSchedulesCommand({ GroupName: 'reports', MaxResults: 1 }));
  expect(first.Schedules).toEqual([expect.objectContaining({ Name: 'other', State: 'ENABLED', Target: { Arn: fnArn } })]);
  await expect(client.send(new ListSchedulesCommand({ GroupName: 'jobs', NextToken: first.NextToken }))).rejects.toMatchObject({ name: 'ValidationException', message: 'Invalid NextToken.' });
  await expect(client.send(new ListSchedulesCommand({ MaxResults: 101 }))).rejects.toBeInstanceOf(ValidationException);
});

test('schedule groups are created, read, listed and deleted with their schedules; the default group stays', async () => {
  const { ScheduleGroupArn } = await client.send(new CreateScheduleGroupCommand({ Name: 'temp' }));
  expect(ScheduleGroupArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule-group/temp');
  await expect(client.send(new CreateScheduleGroupCommand({ Name: 'temp' }))).rejects.toMatchObject({ name: 'ConflictException', message: 'Schedule group temp already exists.' });
  expect(await client.send(new GetScheduleGroupCommand({ Name: 'temp' }))).toMatchObject({ Arn: ScheduleGroupArn, Name: 'temp', State: 'ACTIVE' });
  await client.send(new CreateScheduleCommand(input({ Name: 'in-temp', GroupName: 'temp' })));
  const groups = await client.send(new ListScheduleGroupsCommand({ NamePrefix: 't' }));
  expect(groups.ScheduleGroups!.map((g) => g.Name)).toEqual(['temp']);
  await client.send(new DeleteScheduleGroupCommand({ Name: 'temp' }));
  await expect(client.send(new GetScheduleGroupCommand({ Name: 'temp' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  expect(app.scheduler.schedules().some((e) => e.stored.schedule.name === 'in-temp')).toBe(false);
  await expect(client.send(new DeleteScheduleGroupCommand({ Name: 'default' }))).rejects.toBeInstanceOf(ValidationException);
});

test('a malformed body is refused with SerializationException, never a server error', async () => {
  const res = await fetch(`${app.awsEndpoint}/schedules/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ScheduleExpression":' });
  expect(res.status).toBe(400);
  expect(res.headers.get('x-amzn-errortype')).toBe('SerializationException');
  const wrongType = await fetch(`${app.awsEndpoint}/schedules/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ScheduleExpression":5,"FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":"a","RoleArn":"b"}}' });
  expect(wrongType.status).toBe(400);
  expect(await wrongType.json()).toMatchObject({ Message: 'NUMBER_VALUE cannot be converted to String' });
});
