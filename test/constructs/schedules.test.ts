/**
 * EventApp's schedules on EventBridge Scheduler: every option as it lands in the template, the
 * role Scheduler assumes, the app's schedule group and its alarms, rule schedules kept with
 * `kind: 'rule'`, and the grant that lets a function create one-time schedules.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EventApp } from '../../lib';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

function synth(build: (app: EventApp) => void): Template {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  build(new EventApp(stack, 'App'));
  return Template.fromStack(stack);
}

describe('a schedule with every option', () => {
  const template = synth((app) => {
    app.addFunction('Report', HELLO);
    app.addSchedule('Nightly', {
      schedule: 'cron(0 2 * * ? *)',
      timeZone: 'Europe/Paris',
      flexibleWindow: Duration.minutes(15),
      startDate: new Date('2030-01-01T00:00:00Z'),
      endDate: new Date('2031-01-01T00:00:00Z'),
      description: 'the nightly report',
      enabled: false,
      retryAttempts: 5,
      maxEventAge: Duration.hours(2),
      handler: 'Report',
    });
    app.addSchedule('Launch', { at: new Date('2030-06-01T09:30:00Z'), timeZone: 'America/New_York', handler: OTHER });
  });

  test('lands in the app schedule group with its expression, zone, window, dates and state', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      GroupName: Match.stringLikeRegexp('^Test-App-Schedules-'),
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      StartDate: '2030-01-01T00:00:00.000Z',
      EndDate: '2031-01-01T00:00:00.000Z',
      Description: 'the nightly report',
      State: 'DISABLED',
    });
  });

  test('a one-time schedule is at() in its time zone, on time by default', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'at(2030-06-01T09:30:00)',
      ScheduleExpressionTimezone: 'America/New_York',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  test('the target invokes the function with a ScheduledEvent, a bounded retry policy and its own encrypted DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Report'), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('NightlySchedulerRole'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('NightlyDeadLetters'), 'Arn'] } },
        Input: Match.serializedJson(Match.objectLike({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '<aws.scheduler.scheduled-time>', resources: ['<aws.scheduler.schedule-arn>'], detail: {} })),
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    // Function errors after Lambda's async retries go to the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 7200,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('NightlyDeadLetters'), 'Arn'] } } },
    });
  });

  test('Scheduler assumes a role of this account that may invoke only its function and send to its DLQ', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })] },
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('NightlySchedulerRole') }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((st) => st.Action).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    const invoke = statements.find((st) => st.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke.Resource)).toMatch(/Report/);
    expect(JSON.stringify(invoke.Resource)).not.toMatch(/Launch|Other/);
  });

  test("the group's target errors and dropped invocations are alarmed, as is each DLQ's depth", () => {
    for (const metric of ['TargetErrorCount', 'InvocationDroppedCount']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Scheduler', MetricName: metric, Dimensions: [{ Name: 'ScheduleGroup', Value: Match.stringLikeRegexp('^Test-App-Schedules-') }], Threshold: 1 });
    }
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } }))).toHaveLength(2);
  });
});

test("a customer-managed key encrypts the DLQ, and Scheduler's role may use it", () => {
  const stack = new Stack(new App(), 'Test');
  const key = new kms.Key(stack, 'Key');
  new EventApp(stack, 'App', { encryptionKey: key }).addSchedule('Hourly', { schedule: 'rate(1 hour)', handler: HELLO });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } });
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('HourlySchedulerRole') }] } });
  expect(JSON.stringify(policies)).toMatch(/kms:GenerateDataKey/);
});

test("kind: 'rule' keeps the scheduled EventBridge rule of earlier versions", () => {
  const template = synth((app) => {
    const rule = app.addSchedule('Hourly', { kind: 'rule', schedule: 'rate(1 hour)', handler: HELLO });
    expect(app.rules.Hourly).toBe(rule);
  });
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)', Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 } })] });
  template.resourceCountIs('AWS::Scheduler::Schedule', 0);
});

test('grantCreateSchedules lets a function create schedules in the app group only, passing a role that may put events on the bus and invoke what it names', () => {
  let role: string | undefined;
  const template = synth((app) => {
    const remind = app.addFunction('Remind', HELLO) as lambda.Function;
    const worker = app.addFunction('Worker', OTHER);
    role = app.node.tryFindChild('ScheduleTargetsRole') === undefined ? 'not yet' : 'early';
    app.grantCreateSchedules(remind, { invoke: [worker] });
  });
  expect(role).toBe('not yet');
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ SWITCHYARD_SCHEDULE_GROUP: Match.stringLikeRegexp('^Test-App-Schedules-'), SWITCHYARD_SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('ScheduleTargetsRole'), 'Arn'] }, SWITCHYARD_BUS_ARN: Match.anyValue() }) },
  });
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
  const create = statements.find((st) => st.Action === 'scheduler:CreateSchedule');
  expect(JSON.stringify(create.Resource)).toMatch(/:schedule\/Test-App-Schedules-[0-9A-F]{8}\/\*"/);
  expect(statements.find((st) => st.Action === 'iam:PassRole').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/ScheduleTargetsRole/), 'Arn'] });
  const targetsRole = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ScheduleTargetsRole') }] } })).flatMap((p) => p.Properties.PolicyDocument.Statement);
  expect(targetsRole.map((st) => st.Action).sort()).toEqual(['events:PutEvents', 'lambda:InvokeFunction']);
});
