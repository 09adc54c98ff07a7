import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AppTableStream, EventApp } from '../../lib';
import { idOf, statementsOf, synth } from './support/template';

const HELLO = 'test/fixtures/handlers/hello.ts';
const KEY = { name: 'orderId', type: dynamodb.AttributeType.STRING };

describe('a table stream with its defaults', () => {
  const t = synth((app) => {
    app.addTable('Orders', { partitionKey: KEY });
    app.addTableStream('ShipOrders', { table: 'Orders', handler: HELLO });
  });
  const table = () => idOf(t, 'AWS::DynamoDB::GlobalTable', 'AppTablesOrders');
  const failures = () => idOf(t, 'AWS::SQS::Queue', 'AppShipOrdersDeadLetters');

  test('the table the app declares has a stream of new and old images and point-in-time recovery', () => {
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('a mapping from the start of the stream, with bounded retries, bisection, partial batch responses and an on-failure queue', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [table(), 'StreamArn'] },
      FunctionName: { Ref: idOf(t, 'AWS::Lambda::Function', 'AppFunctionsShipOrders') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: Match.absent(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures(), 'Arn'] } } },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  test('the consumer reads this stream and sends to its on-failure queue, and nothing else', () => {
    const statements = statementsOf(t, 'AppFunctionsShipOrders').filter((s) => !JSON.stringify(s.Action).includes('xray:'));
    const stream = { 'Fn::GetAtt': [table(), 'StreamArn'] };
    expect(statements).toHaveLength(3);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'dynamodb:ListStreams', Resource: stream }),
      expect.objectContaining({ Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: stream }),
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [failures(), 'Arn'] } }),
    ]));
  });

  test('alarms on a failed batch and on the consumer lagging 15 minutes behind', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failures(), 'QueueName'] } }], Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(t, 'AWS::Lambda::Function', 'AppFunctionsShipOrders') } }],
      Statistic: 'Maximum',
      Threshold: 900_000,
    });
    expect(JSON.stringify(t.findResources('AWS::CloudWatch::Dashboard'))).toContain('ShipOrders (stream): iterator age');
  });
});

describe('table stream options', () => {
  test('every option reaches the mapping', () => {
    const t = synth((app, stack) => {
      app.addTable('Orders', { partitionKey: KEY, stream: dynamodb.StreamViewType.NEW_IMAGE });
      app.addTableStream('ShipOrders', {
        table: 'Orders',
        handler: HELLO,
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(10),
        filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['shipped'] } } } }],
        bisectOnError: false,
        retryAttempts: -1,
        maxRecordAge: Duration.hours(6),
        parallelizationFactor: 4,
        reportBatchItemFailures: false,
        tumblingWindow: Duration.minutes(1),
        onFailure: new sqs.Queue(stack, 'Failures'),
        enabled: false,
        iteratorAgeAlarm: Duration.minutes(2),
      });
    });
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'LATEST',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 10,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"status":{"S":["shipped"]}}}}' }] },
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: 21600,
      ParallelizationFactor: 4,
      FunctionResponseTypes: Match.absent(),
      TumblingWindowInSeconds: 60,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(t, 'AWS::SQS::Queue', 'Failures'), 'Arn'] } } },
      Enabled: false,
    });
    // The given on-failure queue is the user's: no queue and no alarm of ours.
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 120_000 });
  });

  test('a table without a stream, and one defined outside the app', () => {
    const t = synth((app, stack) => {
      app.addTable('Plain', { partitionKey: KEY, stream: false });
      const own = new dynamodb.TableV2(stack, 'Own', { partitionKey: KEY, dynamoStream: dynamodb.StreamViewType.KEYS_ONLY });
      app.addTableStream('OnOwn', { table: own, handler: HELLO });
      const imported = dynamodb.Table.fromTableAttributes(stack, 'Imported', {
        tableName: 'legacy',
        tableStreamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/legacy/stream/2025-01-01T00:00:00.000',
      });
      app.addTableStream('OnImported', { table: imported, handler: HELLO });
    });
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', { KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }], StreamSpecification: Match.absent() });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [idOf(t, 'AWS::DynamoDB::GlobalTable', 'Own'), 'StreamArn'] } });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/legacy/stream/2025-01-01T00:00:00.000' });
  });

  test("the app's key encrypts the on-failure queue, and the consumer may use it to send and nothing more", () => {
    const stack = new Stack(new App(), 'Keyed');
    const key = new kms.Key(stack, 'Key');
    const app = new EventApp(stack, 'App', { encryptionKey: key });
    app.addTable('Orders', { partitionKey: KEY });
    app.addTableStream('ShipOrders', { table: 'Orders', handler: HELLO });
    const k = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [idOf(k, 'AWS::KMS::Key', 'Key'), 'Arn'] };
    k.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    expect(statementsOf(k, 'AppFunctionsShipOrders')).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn }));
  });
});

test('AppTableStream stands on its own', () => {
  const stack = new Stack(new App(), 'Test');
  const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: KEY, dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });
  const fn = new lambda.Function(stack, 'Fn', { code: lambda.Code.fromInline('exports.handler = async () => ({})'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X });
  const stream = new AppTableStream(stack, 'Changes', { table, consumer: fn });
  const t = Template.fromStack(stack);
  expect(stream.onFailureAlarm).toBeDefined();
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { StartingPosition: 'TRIM_HORIZON', DestinationConfig: Match.objectLike({}) });
});

test('the tables and streams maps declare the same as the methods', () => {
  const withMethods = synth((app) => {
    app.addTable('Orders', { partitionKey: KEY });
    app.addTableStream('ShipOrders', { table: 'Orders', handler: HELLO, batchSize: 10 });
  });
  const withMaps = synth(() => undefined, {
    tables: { Orders: { partitionKey: KEY } },
    streams: { ShipOrders: { table: 'Orders', handler: HELLO, batchSize: 10 } },
  });
  expect(withMaps.toJSON()).toEqual(withMethods.toJSON());
});
