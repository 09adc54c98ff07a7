import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ErrorCode, EventApp, EventAppProps, SwitchyardError } from '../../lib';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

/** Two functions, a route, a subscription on the app bus and a scheduled rule on the default bus (EventBridge Scheduler's alarms are tested with its schedules). */
function synth(props: EventAppProps = {}, withTopic = false): Template {
  const stack = new Stack(new App(), 'Test');
  const topic = withTopic ? new sns.Topic(stack, 'Alerts') : undefined;
  const monitoring = props.monitoring === false ? false : { ...props.monitoring, alarmAction: topic };
  const app = new EventApp(stack, 'App', { ...props, monitoring });
  app.addFunction('Hello', HELLO);
  app.addRoute('GET /hello', 'Hello');
  app.addSubscription('OnPlaced', { pattern: { source: ['shop'] }, handler: { entry: OTHER } });
  app.addSchedule('Nightly', { schedule: 'rate(1 day)', handler: 'Hello', kind: 'rule' });
  return Template.fromStack(stack);
}

const ref = (pattern: string) => ({ Ref: Match.stringLikeRegexp(pattern) });

describe('monitoring on (the default), with an SNS topic', () => {
  const template = synth({}, true);

  test.each(['Errors', 'Throttles'])('alarms on each function\'s %s in any minute', (metric) => {
    for (const fn of ['Hello', 'OnPlaced']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: ref(`Functions${fn}[0-9A-F]{8}$`) }],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  test('alarms on the API 5xx rate as a percentage of requests', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx', Namespace: 'AWS/ApiGateway', Dimensions: [{ Name: 'ApiId', Value: ref('HttpApi') }] }), Stat: 'Sum', Period: 300 }) }),
        Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }) }) }),
      ]),
    });
  });

  test('alarms on the API p99 latency sustained for 15 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 2000,
    });
  });

  test('alarms on failed invocations of each rule, with the bus dimension for the app bus only', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: [{ Name: 'EventBusName', Value: ref('AppBus') }, { Name: 'RuleName', Value: ref('OnPlacedRule') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: [{ Name: 'RuleName', Value: ref('NightlyRule') }],
    });
  });

  test('every alarm, dead-letter queue alarms included, notifies the topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // 2 functions x 2 + 2 API + 2 rules + 2 DLQs
    expect(alarms).toHaveLength(10);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
  });

  test('one dashboard: the API and bus rows first, then a row per function', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    const titles = [...body.matchAll(/\\"title\\":\\"([^\\]+)\\"/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'HTTP API: requests', 'HTTP API: 4xx and 5xx', 'HTTP API: 5xx rate', 'HTTP API: latency',
      'Events: matched events per rule', 'Events: invocations per rule', 'Events: failed invocations per rule', 'Events: PutEvents (account)',
      'Hello: invocations', 'Hello: errors and throttles', 'Hello: duration', 'Hello: concurrency',
      'OnPlaced: invocations', 'OnPlaced: errors and throttles', 'OnPlaced: duration', 'OnPlaced: concurrency',
    ]);
    expect(body).toContain('p50');
    expect(body).toContain('p99');
    expect(body).toContain('ConcurrentExecutions');
  });
});

describe('monitoring options', () => {
  test('monitoring: false keeps only the dead-letter queue alarms and no dashboard', () => {
    const t = synth({ monitoring: false });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.MetricName)).toEqual(['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible']);
  });

  test('thresholds and the dashboard are configurable', () => {
    const t = synth({ monitoring: { dashboard: false, apiServerErrorPercent: 1, apiLatencyP99: Duration.millis(750) } });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', Threshold: 750 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: Match.anyValue() });
  });

  test('an out-of-range 5xx percentage fails at synth', () => {
    const build = () => new EventApp(new Stack(new App(), 'Test'), 'App', { monitoring: { apiServerErrorPercent: 0 } });
    expect(build).toThrow(SwitchyardError);
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.OUT_OF_RANGE, message: expect.stringContaining('apiServerErrorPercent') }));
  });
});

describe('resources per function', () => {
  // What the README states: the CloudFormation budget of a function, so that ~60 fit in 500.
  const count = (n: number, props: EventAppProps = {}): number => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'App', props);
    for (let i = 0; i < n; i++) app.addFunction(`F${i}`, i % 2 ? HELLO : OTHER);
    return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
  };

  test('a function costs 6 resources with monitoring, 4 without', () => {
    // function, role, its policy (X-Ray), log group; errors and throttles alarms
    expect(count(3) - count(1)).toBe(2 * 6);
    expect(count(3, { monitoring: false }) - count(1, { monitoring: false })).toBe(2 * 4);
  });

  // The README's rows for functions consuming a queue or a table stream.
  const sources = (n: number, kind: 'queue' | 'stream', props: EventAppProps = {}): number => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'App', props);
    if (kind === 'stream') app.addTable('Items', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    for (let i = 0; i < n; i++) {
      if (kind === 'queue') app.addQueue(`Q${i}`, { handler: { entry: HELLO } });
      else app.addTableStream(`S${i}`, { table: 'Items', handler: { entry: HELLO } });
    }
    return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
  };

  test('a queue consumer costs 13 resources with monitoring, 10 without', () => {
    // + queue, its policy, DLQ, its policy, DLQ alarm, event source mapping; + the age alarm
    expect(sources(3, 'queue') - sources(1, 'queue')).toBe(2 * 13);
    expect(sources(3, 'queue', { monitoring: false }) - sources(1, 'queue', { monitoring: false })).toBe(2 * 10);
  });

  test('a table stream consumer costs 11 resources with monitoring, 8 without', () => {
    // + on-failure queue, its policy, its alarm, event source mapping; + the iterator age alarm
    expect(sources(3, 'stream') - sources(1, 'stream')).toBe(2 * 11);
    expect(sources(3, 'stream', { monitoring: false }) - sources(1, 'stream', { monitoring: false })).toBe(2 * 8);
  });
});
