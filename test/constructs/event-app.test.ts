import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EventApp, EventAppProps } from '../../lib';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

function synth(build: (app: EventApp) => void, props?: EventAppProps): Template {
  const stack = new Stack(new App(), 'Test');
  build(new EventApp(stack, 'App', props));
  return Template.fromStack(stack);
}

describe('functions', () => {
  const template = synth((app) => app.addFunction('Hello', HELLO));

  test('default to current Node.js LTS on arm64 with JSON logs and active tracing', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('HelloLogs') } },
    });
  });

  test('log group has a one-month retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('records the entry for tools that rebuild from the template', () => {
    template.hasResource('AWS::Lambda::Function', { Metadata: Match.objectLike({ 'switchyard:entry': HELLO }) });
  });

  test('defaults are overridable app-wide and per function', () => {
    const t = synth(
      (app) => {
        app.addFunction('A', HELLO);
        app.addFunction('B', { entry: OTHER, memorySize: 1024, architecture: lambda.Architecture.X86_64, environment: { COLOR: '2' } });
      },
      { functionDefaults: { memorySize: 512, timeout: Duration.seconds(20), environment: { STAGE: '1' }, logRetention: logs.RetentionDays.ONE_WEEK } },
    );
    t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 20, Environment: { Variables: { STAGE: '1' } } });
    t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Architectures: ['x86_64'], Environment: { Variables: { STAGE: '1', COLOR: '2' } } });
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('publishes grants only events:PutEvents on the app bus and sets its name', () => {
    const t = synth((app) => {
      app.addFunction('Pub', { entry: HELLO, publishes: true });
      app.addFunction('Quiet', OTHER);
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SWITCHYARD_BUS_NAME: { Ref: Match.stringLikeRegexp('AppBus') } } },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('AppBus'), 'Arn'] } },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('Pub') }],
    });
    const policies = t.findResources('AWS::IAM::Policy');
    const putEvents = Object.values(policies).filter((p) => JSON.stringify(p).includes('events:PutEvents'));
    expect(putEvents).toHaveLength(1);
  });

  test('an existing bus can be passed in', () => {
    const stack = new Stack(new App(), 'Test');
    const bus = events.EventBus.fromEventBusName(stack, 'Existing', 'orders-bus');
    const app = new EventApp(stack, 'App', { bus });
    app.addFunction('Pub', { entry: HELLO, publishes: true });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::EventBus', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { SWITCHYARD_BUS_NAME: 'orders-bus' } } });
  });
});

describe('HTTP routes', () => {
  const template = synth((app) => {
    const hello = app.addFunction('Hello', HELLO);
    app.addRoute('GET /hello', hello);
    app.addRoute('POST /hello/{name}', 'Hello');
    app.addRoute('GET /other', { entry: OTHER });
  });

  test('one route per key, one integration and one API-scoped permission per function', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    template.resourceCountIs('AWS::Lambda::Permission', 2);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\*/\\*/\\*$')])] },
    });
  });

  test('payload format 2.0', () => {
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  test('$default stage with JSON access logs and throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
  });

  test('no CORS unless configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  test('a function created for a route is named after it', () => {
    const ids = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(ids.filter((id) => id.startsWith('AppFunctionsGetOther'))).toHaveLength(1);
  });

  test('$default route', () => {
    const t = synth((app) => app.addRoute('$default', HELLO));
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
  });
});

describe('subscriptions and schedules', () => {
  const template = synth((app) => {
    app.addSubscription('OnPlaced', {
      pattern: { source: ['shop.orders'], detailType: ['OrderPlaced'] },
      handler: { entry: HELLO },
      retryAttempts: 4,
      maxEventAge: Duration.hours(2),
    });
    app.addSchedule('Nightly', { schedule: 'cron(0 2 * * ? *)', handler: OTHER });
  });

  test('the rule matches on the app bus with the rendered pattern', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('AppBus') },
      EventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
    });
  });

  test('targets have a bounded retry policy and their own DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.anyValue(),
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OnPlacedDeadLetters'), 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 } }),
    });
  });

  test('DLQs are encrypted, TLS-only, scoped to their rule and alarmed', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('OnPlacedRule'), 'Arn'] } } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // One depth alarm per DLQ (the other alarms are monitoring's, tested in monitoring.test.ts).
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } }))).toHaveLength(2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('function errors after Lambda async retries land in the same DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 7200,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('OnPlacedDeadLetters'), 'Arn'] } } },
    });
  });

  test('a given DLQ is used instead of a new one', () => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'App');
    const first = app.addSchedule('A', { schedule: 'rate(5 minutes)', handler: HELLO });
    app.addSchedule('B', { schedule: 'rate(1 hour)', handler: OTHER, deadLetterQueue: app.deadLetterQueue('A') });
    expect(first).toBeDefined();
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 1);
  });
});

describe('the map form', () => {
  test('produces the same template as the methods', () => {
    const viaMethods = synth((app) => {
      app.addFunction('Hello', { entry: HELLO, publishes: true });
      app.addRoute('GET /hello', 'Hello');
      app.addRoute('GET /other', { entry: OTHER });
      app.addSubscription('OnPlaced', { pattern: { source: ['shop.orders'] }, handler: 'Hello' });
      app.addSchedule('Nightly', { schedule: 'rate(1 day)', handler: OTHER });
    });
    const viaProps = synth(() => undefined, {
      functions: { Hello: { entry: HELLO, publishes: true } },
      routes: { 'GET /hello': 'Hello', 'GET /other': { entry: OTHER } },
      subscriptions: { OnPlaced: { pattern: { source: ['shop.orders'] }, handler: 'Hello' } },
      schedules: { Nightly: { schedule: 'rate(1 day)', handler: OTHER } },
    });
    expect(viaProps.toJSON()).toEqual(viaMethods.toJSON());
  });
});

describe('bus encryption and archive', () => {
  test('a customer-managed key encrypts the archive, which keeps every event', () => {
    const stack = new Stack(new App(), 'Test');
    const key = new kms.Key(stack, 'Key');
    const app = new EventApp(stack, 'App', { encryptionKey: key, archive: { retention: Duration.days(30) } });
    expect(app.archive).toBeDefined();
    const t = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    t.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AppBus'), 'Arn'] },
      RetentionDays: 30,
      KmsKeyIdentifier: keyArn,
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: Match.arrayWith(['kms:GenerateDataKey']) })]) },
    });
  });

  test('no archive and no bus key unless asked', () => {
    const t = synth(() => undefined);
    t.resourceCountIs('AWS::Events::Archive', 0);
    t.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: Match.absent() });
  });
});
