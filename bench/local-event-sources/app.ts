/**
 * The event source benchmark's app, plain aws-cdk-lib: a queue polled by a function (batch 10),
 * a queue nothing polls (the raw SQS floor), a table whose NEW_AND_OLD_IMAGES stream feeds a
 * function (batch 100), and a table without a stream (the raw DynamoDB floor).
 *
 *   tsx bench/local-event-sources/app.ts <outdir>
 */
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';

const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'EsmBench');
const fn = (id: string) =>
  new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'noop.handler', code: lambda.Code.fromAsset(path.join(__dirname, 'handler')), timeout: Duration.seconds(10) });
fn('QueueFn').addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Polled', { queueName: 'polled' }), { batchSize: 10, reportBatchItemFailures: true }));
new sqs.Queue(stack, 'Raw', { queueName: 'raw' });
const streamed = new dynamodb.Table(stack, 'Streamed', { tableName: 'streamed', partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });
fn('StreamFn').addEventSource(new DynamoEventSource(streamed, { startingPosition: lambda.StartingPosition.LATEST, batchSize: 100 }));
new dynamodb.Table(stack, 'Plain', { tableName: 'plain', partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
app.synth();
