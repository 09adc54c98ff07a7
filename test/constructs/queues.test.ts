import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AppQueue, EventApp } from '../../lib';
import { idOf, statementsOf, synth } from './support/template';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

describe('a queue with its defaults', () => {
  const t = synth((app) => app.addQueue('Orders', { handler: HELLO }));
  const queue = () => idOf(t, 'AWS::SQS::Queue', 'AppOrders6');
  const dlq = () => idOf(t, 'AWS::SQS::Queue', 'AppOrdersDeadLetters');

  test('is encrypted, redrives to a dead-letter queue after 5 receives, and is visible again after 6 x the function timeout', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 60, // the function's 10 s timeout, times six
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq(), 'Arn'] }, maxReceiveCount: 5 },
      FifoQueue: Match.absent(),
    });
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() });
  });

  test('both queues refuse anything but TLS', () => {
    for (const id of [queue(), dlq()]) {
      t.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  test('an event source mapping with partial batch responses and batches of 10', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue(), 'Arn'] },
      FunctionName: { Ref: idOf(t, 'AWS::Lambda::Function', 'AppFunctionsOrders') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumBatchingWindowInSeconds: Match.absent(),
      ScalingConfig: Match.absent(),
      FilterCriteria: Match.absent(),
    });
  });

  test('the consumer may receive and delete on this queue only', () => {
    const sqsStatements = statementsOf(t, 'AppFunctionsOrders').filter((s) => JSON.stringify(s.Action).includes('sqs:'));
    expect(sqsStatements).toEqual([expect.objectContaining({ Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']), Resource: { 'Fn::GetAtt': [queue(), 'Arn'] } })]);
  });

  test('alarms on a message in the dead-letter queue and on the oldest message waiting over 15 minutes', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq(), 'QueueName'] } }],
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue(), 'QueueName'] } }],
      Threshold: 900, // max(15 minutes, 60 s x 5 receives)
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('the dashboard has a row for the queue', () => {
    const body = JSON.stringify(t.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Orders (queue): age of oldest message');
    expect(body).toContain('Orders (queue): dead letters');
  });
});

describe('queue options', () => {
  test('batching, concurrency, filters, retention, receives, name and an off switch reach the template', () => {
    const t = synth((app) =>
      app.addQueue('Orders', {
        handler: { entry: HELLO, timeout: Duration.seconds(20) },
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(5),
        maxConcurrency: 50,
        filters: [{ body: { status: ['shipped'] } }, { attributes: { MessageGroupId: [{ prefix: 'eu-' }] } }],
        retentionPeriod: Duration.days(2),
        maxReceiveCount: 8,
        queueName: 'orders',
        enabled: false,
        reportBatchItemFailures: false,
        oldestMessageAlarm: Duration.minutes(3),
      }),
    );
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'orders',
      VisibilityTimeout: 125, // 6 x 20 s + the 5 s window
      MessageRetentionPeriod: 172800,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 8 }),
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 50 },
      Enabled: false,
      FunctionResponseTypes: Match.absent(),
      FilterCriteria: { Filters: [{ Pattern: '{"body":{"status":["shipped"]}}' }, { Pattern: '{"attributes":{"MessageGroupId":[{"prefix":"eu-"}]}}' }] },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 180 });
  });

  test('a long-running consumer raises the age alarm threshold to its redrive window', () => {
    const t = synth((app) => app.addQueue('Slow', { handler: { entry: HELLO, timeout: Duration.minutes(2) } }));
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 720 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 3600 }); // 720 s x 5
  });

  test('a visibility timeout at least as long as advised is kept', () => {
    const t = synth((app) => app.addQueue('Orders', { handler: HELLO, visibilityTimeout: Duration.minutes(5) }));
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300 });
  });

  test('FIFO: a FIFO queue with content-based deduplication and a FIFO dead-letter queue', () => {
    const t = synth((app) => app.addQueue('Payments', { handler: HELLO, fifo: true, queueName: 'payments.fifo' }));
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'payments.fifo', FifoQueue: true, ContentBasedDeduplication: true });
    t.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, RedrivePolicy: Match.absent() });
  });

  test('a dead-letter queue given is used, and none is created', () => {
    const stack = new Stack(new App(), 'Test');
    const dlq = new sqs.Queue(stack, 'Mine');
    new EventApp(stack, 'App').addQueue('Orders', { handler: HELLO, deadLetterQueue: dlq });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SQS::Queue', 2);
    t.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf(t, 'AWS::SQS::Queue', 'Mine'), 'Arn'] }, maxReceiveCount: 5 } });
  });

  test("the app's key encrypts the queue and its dead-letter queue, and the consumer may decrypt", () => {
    const stack = new Stack(new App(), 'Test');
    const key = new kms.Key(stack, 'Key');
    new EventApp(stack, 'App', { encryptionKey: key }).addQueue('Orders', { handler: HELLO });
    const t = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [idOf(t, 'AWS::KMS::Key', 'Key'), 'Arn'] };
    t.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    expect(statementsOf(t, 'AppFunctionsOrders')).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: keyArn }));
  });

  test('a consumer with safe deployment is invoked through its live alias', () => {
    const t = synth((app) => app.addQueue('Orders', { handler: { entry: HELLO, deployment: true } }));
    const mapping = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'))[0];
    // `<function name>:live`, the function name read from the alias's ARN.
    expect(JSON.stringify(mapping.Properties.FunctionName)).toContain(`{"Ref":"${idOf(t, 'AWS::Lambda::Alias', 'AppFunctionsOrdersLive')}"}`);
    expect(JSON.stringify(mapping.Properties.FunctionName)).toContain(':live');
  });

  test('without monitoring, the dead-letter alarm stays and the age alarm goes', () => {
    const t = synth((app) => app.addQueue('Orders', { handler: HELLO }), { monitoring: false });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
  });
});

describe('AppQueue on its own', () => {
  test("takes a lambda.Function's own timeout (Lambda's 3 s when it sets none)", () => {
    const stack = new Stack(new App(), 'Test');
    const fn = new lambda.Function(stack, 'Fn', { code: lambda.Code.fromInline('exports.handler = async () => {}'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X });
    new AppQueue(stack, 'Orders', { consumer: fn, maxBatchingWindow: Duration.seconds(2) });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 20 });
  });

  test('an imported consumer gets the longest safe visibility timeout and a warning naming the fix', () => {
    const stack = new Stack(new App(), 'Test');
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:123456789012:function:consumer');
    const queue = new AppQueue(stack, 'Orders', { consumer: fn });
    expect(queue.visibilityTimeout.toMinutes()).toBe(90);
    Annotations.fromStack(stack).hasWarning('/Test/Orders', Match.stringLikeRegexp('pass consumerTimeout, or set visibilityTimeout'));
  });
});

describe('subscriptions and routes that send to a queue', () => {
  const t = synth((app) => {
    app.addQueue('Orders', { handler: HELLO });
    app.addSubscription('BufferOrders', { pattern: { source: ['shop.orders'] }, queue: 'Orders', retryAttempts: 2 });
    app.addSchedule('Tick', { schedule: 'rate(5 minutes)', queue: 'Orders' });
    app.addSchedule('TickRule', { kind: 'rule', schedule: 'rate(5 minutes)', queue: 'Orders' });
    app.addRoute('POST /orders', { queue: 'Orders' });
  });
  const queueArn = () => ({ 'Fn::GetAtt': [idOf(t, 'AWS::SQS::Queue', 'AppOrders6'), 'Arn'] });

  test('the rule targets the queue with a bounded retry policy and its own dead-letter queue', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['shop.orders'] },
      Targets: [{
        Arn: queueArn(),
        Id: 'Target0',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(t, 'AWS::SQS::Queue', 'AppBufferOrdersDeadLetters'), 'Arn'] } },
      }],
    });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', Targets: [Match.objectLike({ Arn: queueArn() })] });
  });

  test('an EventBridge Scheduler schedule sends to the queue through a role that may send to it and its dead-letter queue only', () => {
    const schedules = Object.values(t.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    const target = schedules[0].Properties.Target;
    expect(target).toMatchObject({
      Arn: queueArn(),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(t, 'AWS::SQS::Queue', 'AppTickDeadLetters'), 'Arn'] } },
    });
    const role = target.RoleArn['Fn::GetAtt'][0];
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const sendTo = statements.filter((st: { Action: string | string[] }) => [st.Action].flat().includes('sqs:SendMessage')).map((st: { Resource: unknown }) => st.Resource);
    expect(sendTo).toEqual(expect.arrayContaining([queueArn(), { 'Fn::GetAtt': [idOf(t, 'AWS::SQS::Queue', 'AppTickDeadLetters'), 'Arn'] }]));
    expect(sendTo).toHaveLength(2);
  });

  test("the queue's policy lets each rule send, and only that rule", () => {
    const policy = Object.values(t.findResources('AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: idOf(t, 'AWS::SQS::Queue', 'AppOrders6') }]))!;
    const allows = policy.Properties.PolicyDocument.Statement.filter((s: { Effect: string }) => s.Effect === 'Allow');
    const rules = [idOf(t, 'AWS::Events::Rule', 'AppBufferOrdersRule'), idOf(t, 'AWS::Events::Rule', 'AppTickRule')];
    expect(allows).toEqual(rules.map((rule) => expect.objectContaining({
      Action: 'sqs:SendMessage',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
    })));
  });

  test('a rule that sends to a queue sets no asynchronous invoke config', () => {
    t.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });

  test('the route sends the body through a role that may send to this queue only', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'SQS-SendMessage',
      RequestParameters: { QueueUrl: { Ref: idOf(t, 'AWS::SQS::Queue', 'AppOrders6') }, MessageBody: '$request.body' },
    });
    const role = idOf(t, 'AWS::IAM::Role', 'AppHttpApiPOSTordersInvokeRole');
    t.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: role }], PolicyDocument: { Statement: [Match.objectLike({ Action: 'sqs:SendMessage', Resource: queueArn() })] } });
  });

  test('the same with the maps, and a FIFO queue takes a message group', () => {
    const fifo = synth(() => undefined, {
      queues: { Payments: { handler: HELLO, fifo: true } },
      routes: { 'POST /payments': { queue: 'Payments', messageGroupId: '$request.header.x-account' } },
      subscriptions: { Refunds: { pattern: { source: ['shop.refunds'] }, queue: 'Payments', messageGroupId: 'refunds' } },
    });
    fifo.hasResourceProperties('AWS::ApiGatewayV2::Integration', { RequestParameters: Match.objectLike({ MessageGroupId: '$request.header.x-account' }) });
    fifo.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: 'refunds' } })] });
  });

  test("a queue encrypted with the app's key keeps the rule scope, and the route's role may use the key", () => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'App', { encryptionKey: new kms.Key(stack, 'Key') });
    app.addQueue('Orders', { handler: HELLO });
    app.addSubscription('BufferOrders', { pattern: { source: ['shop.orders'] }, queue: 'Orders' });
    app.addRoute('POST /orders', { queue: 'Orders' });
    const k = Template.fromStack(stack);
    k.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [idOf(k, 'AWS::Events::Rule', 'AppBufferOrdersRule'), 'Arn'] } } } })]) },
    });
    const role = idOf(k, 'AWS::IAM::Role', 'AppHttpApiPOSTordersInvokeRole');
    k.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [idOf(k, 'AWS::KMS::Key', 'Key'), 'Arn'] } })]) },
    });
  });

  test('any queue can be a target, by reference', () => {
    const stack = new Stack(new App(), 'Test');
    const queue = new sqs.Queue(stack, 'Elsewhere');
    new EventApp(stack, 'App').addSubscription('Forward', { pattern: { source: ['a'] }, queue });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Elsewhere'), 'Arn'] } })] });
  });
});

test('the queues map declares the same queue as addQueue', () => {
  const withMethods = synth((app) => {
    app.addQueue('Orders', { handler: OTHER, batchSize: 5 });
    app.addSubscription('BufferOrders', { pattern: { source: ['shop.orders'] }, queue: 'Orders' });
  });
  const withMaps = synth(() => undefined, {
    queues: { Orders: { handler: OTHER, batchSize: 5 } },
    subscriptions: { BufferOrders: { pattern: { source: ['shop.orders'] }, queue: 'Orders' } },
  });
  expect(withMaps.toJSON()).toEqual(withMethods.toJSON());
});

test("deadLetterQueue(name) answers a queue's dead-letter queue and a stream's on-failure queue", () => {
  const stack = new Stack(new App(), 'Test');
  const app = new EventApp(stack, 'App');
  const queue = app.addQueue('Orders', { handler: HELLO });
  const table = app.addTable('Items', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  const stream = app.addTableStream('IndexItems', { table, handler: OTHER });
  expect(app.deadLetterQueue('Orders')).toBe(queue.deadLetterQueue);
  expect(app.deadLetterQueue('IndexItems')).toBe(stream.onFailureQueue);
  expect(app.queues.Orders).toBe(queue);
  expect(app.tables.Items).toBe(table);
  expect(app.streams.IndexItems).toBe(stream);
});
