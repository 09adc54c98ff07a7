import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ErrorCode, EventApp, EventAppProps, GlobalEndpoint, SwitchyardError } from '../../lib';
import { thrown } from '../support/thrown';
import { idOf, statementsOf } from './support/template';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';
const ENV = { account: '111122223333', region: 'us-east-1' };
const SECONDARY_BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-west-2:111122223333:event-bus/shop']] };

function appIn(props: Partial<EventAppProps> = {}, env: { account?: string; region?: string } = ENV): { stack: Stack; app: EventApp } {
  const stack = new Stack(new App(), 'Test', { env });
  const app = new EventApp(stack, 'Shop', { busName: 'shop', globalEndpoint: { secondaryRegion: 'us-west-2' }, ...props });
  return { stack, app };
}

describe('an app with a global endpoint', () => {
  const { stack, app } = appIn();
  app.addFunction('Publisher', { entry: HELLO, publishes: true });
  app.addFunction('Quiet', OTHER);
  const t = Template.fromStack(stack);
  const bus = idOf(t, 'AWS::Events::EventBus', 'ShopBus');
  const primaryBusArn = { 'Fn::GetAtt': [bus, 'Arn'] };

  test('is an AWS::Events::Endpoint over the bus of both regions, failing over on the health check, replicating', () => {
    const healthCheck = idOf(t, 'AWS::Route53::HealthCheck', 'ShopGlobalEndpointHealthCheck');
    const role = idOf(t, 'AWS::IAM::Role', 'ShopGlobalEndpointReplicationRole');
    t.resourceCountIs('AWS::Events::Endpoint', 1);
    t.hasResourceProperties('AWS::Events::Endpoint', {
      EventBuses: [{ EventBusArn: primaryBusArn }, { EventBusArn: SECONDARY_BUS_ARN }],
      RoutingConfig: {
        FailoverConfig: {
          Primary: { HealthCheck: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::healthcheck/', { Ref: healthCheck }]] } },
          Secondary: { Route: 'us-west-2' },
        },
      },
      ReplicationConfig: { State: 'ENABLED' },
      RoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
    });
  });

  test('the replication role is assumed by EventBridge and may put events on exactly the two buses', () => {
    const role = idOf(t, 'AWS::IAM::Role', 'ShopGlobalEndpointReplicationRole');
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectEquals({
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }],
      }),
    });
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]));
    expect(policies.map((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: [primaryBusArn, SECONDARY_BUS_ARN] }],
    ]);
  });

  test('the health check is CLOUDWATCH_METRIC on the alarm, healthy without data', () => {
    const alarm = idOf(t, 'AWS::CloudWatch::Alarm', 'ShopGlobalEndpointHealthAlarm');
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: { Ref: alarm }, Region: 'us-east-1' },
        InsufficientDataHealthStatus: 'Healthy',
      }),
    });
  });

  test("the alarm is AWS's: average ingestion-to-invocation latency over 30 s for 5 minutes", () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'IngestionToInvocationStartLatency',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: 30000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('a publishing function may put events on the bus of both regions, nothing wider, and knows the endpoint', () => {
    const putEvents = statementsOf(t, 'ShopFunctionsPublisher').filter((s) => JSON.stringify(s.Action).includes('events:'));
    expect(putEvents).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: [primaryBusArn, SECONDARY_BUS_ARN] }]);
    const endpoint = idOf(t, 'AWS::Events::Endpoint', 'ShopGlobalEndpoint');
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWITCHYARD_BUS_NAME: { Ref: bus }, SWITCHYARD_EVENT_ENDPOINT_ID: { 'Fn::GetAtt': [endpoint, 'EndpointId'] } }) },
    });
  });

  test('a function that does not publish gets neither the grant nor the endpoint', () => {
    expect(statementsOf(t, 'ShopFunctionsQuiet').filter((s) => JSON.stringify(s.Action).includes('events:'))).toEqual([]);
    const quiet = t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ SWITCHYARD_EVENT_ENDPOINT_ID: Match.anyValue() }) } } });
    expect(Object.keys(quiet).filter((id) => id.startsWith('ShopFunctionsQuiet'))).toEqual([]);
    expect(Object.keys(quiet).filter((id) => id.startsWith('ShopFunctionsPublisher'))).toHaveLength(1);
  });

  test("the dashboard shows the endpoint, and the secondary region's widgets read their metrics there", () => {
    // The body is a Fn::Join of text and tokens: tokens become strings so that the JSON parses.
    const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const widgets = (JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'token')).join('')) as { widgets: Array<{ properties: { title: string; region: string; metrics?: unknown[][] } }> }).widgets;
    const secondary = widgets.filter((w) => w.properties.title.startsWith('us-west-2: '));
    expect(secondary.map((w) => w.properties.title)).toEqual(['us-west-2: PutEvents (account)', 'us-west-2: rule invocations (account)', 'us-west-2: Lambda (account)', 'us-west-2: ingestion to invocation (ms)']);
    for (const widget of secondary) {
      expect(widget.properties.region).toBe('us-west-2');
      // [namespace, metric name, { options }]: no dimensions, the account's metrics of the region.
      for (const metric of widget.properties.metrics!) expect([metric.length, (metric[2] as { region: string }).region]).toEqual([3, 'us-west-2']);
    }
    expect(widgets.map((w) => w.properties.title)).toEqual(expect.arrayContaining(['Global endpoint: health of us-east-1', 'Global endpoint: failover alarm']));
  });
});

describe('global endpoint options', () => {
  test('replication: false has no role and replicates nothing', () => {
    const { stack } = appIn({ globalEndpoint: { secondaryRegion: 'us-west-2', replication: false } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Endpoint', { ReplicationConfig: { State: 'DISABLED' }, RoleArn: Match.absent() });
    expect(Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => id.includes('ReplicationRole'))).toEqual([]);
  });

  test('a given alarm decides failover instead of the default one', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const alarm = new cloudwatch.Alarm(stack, 'Mine', { metric: new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'PutEventsApproximateFailedCount' }), threshold: 10, evaluationPeriods: 2 });
    new EventApp(stack, 'Shop', { busName: 'shop', globalEndpoint: { secondaryRegion: 'eu-west-1', healthAlarm: alarm } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    t.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ AlarmIdentifier: { Name: { Ref: idOf(t, 'AWS::CloudWatch::Alarm', 'Mine') }, Region: 'us-east-1' } }) });
    t.hasResourceProperties('AWS::Events::Endpoint', { RoutingConfig: { FailoverConfig: Match.objectLike({ Secondary: { Route: 'eu-west-1' } }) } });
  });

  test("the failover alarm notifies the app's alarm action: a failover is news", () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const topic = new sns.Topic(stack, 'Alerts');
    new EventApp(stack, 'Shop', { busName: 'shop', globalEndpoint: { secondaryRegion: 'us-west-2' }, monitoring: { alarmAction: topic } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IngestionToInvocationStartLatency', AlarmActions: [{ Ref: idOf(t, 'AWS::SNS::Topic', 'Alerts') }] });
  });

  test('latencyThreshold and evaluationPeriods tune the default alarm', () => {
    const { stack } = appIn({ globalEndpoint: { secondaryRegion: 'us-west-2', latencyThreshold: Duration.seconds(10), evaluationPeriods: 3 } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IngestionToInvocationStartLatency', Threshold: 10000, EvaluationPeriods: 3 });
  });

  test('GlobalEndpoint works for any bus with a literal name, and grants publishing on both', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const bus = new events.EventBus(stack, 'Orders', { eventBusName: 'orders' });
    const endpoint = new GlobalEndpoint(stack, 'Endpoint', { bus, secondaryRegion: 'us-east-2' });
    expect(endpoint.busName).toBe('orders');
    expect(stack.resolve(endpoint.busArns[1])).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-2:111122223333:event-bus/orders']] });
  });
});

describe('settings that cannot deploy fail at synth', () => {
  const cases: Array<{ name: string; env: { region?: string; account?: string }; secondary: string; mentions: string }> = [
    { name: 'secondary equal to the primary', env: ENV, secondary: 'us-east-1', mentions: 'is the primary region itself' },
    { name: 'secondary in another partition', env: ENV, secondary: 'cn-north-1', mentions: 'partition aws-cn' },
    { name: 'malformed secondary', env: ENV, secondary: 'US East', mentions: 'not a region name' },
    { name: 'region-agnostic stack', env: {}, secondary: 'us-west-2', mentions: 'region-agnostic' },
  ];
  test.each(cases)('$name', ({ env, secondary, mentions }) => {
    const error = thrown(() => appIn({ globalEndpoint: { secondaryRegion: secondary } }, env)) as SwitchyardError;
    expect(error.code).toBe(ErrorCode.INVALID_REGION);
    expect(error.message).toContain(mentions);
    expect(error.constructPath).toBe('Test/Shop/GlobalEndpoint');
    expect(error.fix).not.toBe('');
  });

  test('a bus whose name is only known at deploy', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const bus = events.EventBus.fromEventBusArn(stack, 'Imported', Fn.importValue('OrdersBusArn'));
    const error = thrown(() => new GlobalEndpoint(stack, 'Endpoint', { bus, secondaryRegion: 'us-west-2' })) as SwitchyardError;
    expect([error.code, error.message]).toEqual([ErrorCode.INVALID_REGION, expect.stringContaining('bus name at synth')]);
  });

  test.each([
    ['an endpoint name EventBridge refuses', { endpointName: 'shop endpoint' }, ErrorCode.INVALID_PROPS, 'endpointName'],
    ['no evaluation period', { evaluationPeriods: 0 }, ErrorCode.OUT_OF_RANGE, 'evaluationPeriods'],
    ['a latency threshold under a second', { latencyThreshold: Duration.millis(500) }, ErrorCode.OUT_OF_RANGE, 'latencyThreshold'],
  ] as const)('%s', (_name, options, code, mentions) => {
    const error = thrown(() => appIn({ globalEndpoint: { secondaryRegion: 'us-west-2', ...options } })) as SwitchyardError;
    expect([error.code, error.message]).toEqual([code, expect.stringContaining(mentions)]);
  });

  test('a region not known to offer global endpoints is a warning, not an error', () => {
    const { stack } = appIn({ globalEndpoint: { secondaryRegion: 'me-central-1' } });
    Annotations.fromStack(stack).hasWarning('/Test/Shop/GlobalEndpoint', Match.stringLikeRegexp('me-central-1 is not among the regions known'));
  });
});

describe('bundles', () => {
  // publish() loads @aws-sdk/signature-v4a only when an endpoint is configured, and it must
  // register with the SDK that sends: only publishing functions bundle the SDK, and with it the signer.
  test('a publishing function bundles the SigV4a signer with the SDK; the others leave the SDK to the runtime', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-endpoint-'));
    const stack = new Stack(new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } }), 'Test', { env: ENV });
    const app = new EventApp(stack, 'Shop', { busName: 'shop', globalEndpoint: { secondaryRegion: 'us-west-2' } });
    app.addFunction('Publisher', { entry: 'lambdas/place-order.ts', publishes: true });
    app.addFunction('Plain', 'lambdas/place-order.ts');
    const out = (stack.node.root as App).synth();
    const t = out.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
    const bundleOf = (prefix: string) => {
      const [, fn] = Object.entries(t.Resources).find(([id, r]) => id.startsWith(prefix) && r.Type === 'AWS::Lambda::Function')!;
      const dir = path.join(out.directory, fn.Metadata!['aws:asset:path']);
      return fs.readdirSync(dir).filter((f) => /\.m?js$/.test(f)).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    };
    const publisher = bundleOf('ShopFunctionsPublisher');
    const plain = bundleOf('ShopFunctionsPlain');
    // Booleans, not the bundles: a failure should not print megabytes.
    const importsSdk = (bundle: string) => /import\(\s*["']@aws-sdk\/client-eventbridge["']\s*\)/.test(bundle);
    expect({ publisher: publisher.includes('AWS4-ECDSA-P256-SHA256'), plain: plain.includes('AWS4-ECDSA-P256-SHA256') }).toEqual({ publisher: true, plain: false });
    expect({ publisher: importsSdk(publisher), plain: importsSdk(plain) }).toEqual({ publisher: false, plain: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
