/**
 * The records Lambda passes to a function from an event source mapping, and the record it sends
 * to a stream mapping's on-failure destination, in the shapes Lambda documents ("Using Lambda
 * with Amazon SQS", "Using Lambda with DynamoDB": sample events and the invocation record).
 */
import type { EventSourceMappingModel, FunctionModel } from '../../model';
import type { TableStream, StreamRecordData } from '../dynamodb/streams';
import { systemAttributes } from '../sqs/attributes';
import type { MessageAttributeValue } from '../sqs/md5';
import type { StoredMessage } from '../sqs/queue-store';

/** An SQS message as Lambda passes it (`Records[]` of an SQS event). */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, LambdaMessageAttribute>>;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** A message attribute as Lambda passes it: camel-cased, with the list fields SQS no longer fills. */
export interface LambdaMessageAttribute {
  readonly stringValue?: string;
  readonly binaryValue?: string;
  readonly stringListValues: readonly string[];
  readonly binaryListValues: readonly string[];
  readonly dataType: string;
}

/** A DynamoDB stream record as Lambda passes it (`Records[]` of a DynamoDB event). */
export interface DynamoDbEventRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion: '1.1';
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Readonly<Record<string, unknown>>;
    readonly NewImage?: Readonly<Record<string, unknown>>;
    readonly OldImage?: Readonly<Record<string, unknown>>;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: string;
  };
  readonly eventSourceARN: string;
}

/** The SQS event record of a received message. */
export function sqsEventRecord(m: StoredMessage, queueArn: string, region: string): SqsEventRecord {
  const attrs = Object.entries(m.messageAttributes);
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle ?? '',
    body: m.body,
    attributes: systemAttributes(m),
    messageAttributes: Object.fromEntries(attrs.map(([name, a]) => [name, lambdaAttribute(a)])),
    md5OfBody: m.md5OfBody,
    // Lambda includes the digest only when the message has attributes.
    ...(attrs.length ? { md5OfMessageAttributes: m.md5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function lambdaAttribute(a: MessageAttributeValue): LambdaMessageAttribute {
  const value = a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : { stringValue: a.StringValue ?? '' };
  return { ...value, stringListValues: [], binaryListValues: [], dataType: a.DataType };
}

/** The DynamoDB event record of a stream record. */
export function dynamoDbEventRecord(stream: TableStream, r: StreamRecordData, region: string): DynamoDbEventRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      // Seconds: DynamoDB Streams' ApproximateCreationDateTime as Lambda passes it.
      ApproximateCreationDateTime: Math.floor(r.createdAt / 1000),
      Keys: r.keys,
      ...(r.newImage ? { NewImage: r.newImage } : {}),
      ...(r.oldImage ? { OldImage: r.oldImage } : {}),
      SequenceNumber: r.sequenceNumber,
      SizeBytes: r.sizeBytes,
      StreamViewType: stream.viewType,
    },
    eventSourceARN: stream.arn,
  };
}

/** Why a stream batch went to the on-failure destination (`requestContext.condition`). */
export type StreamFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What the failure record says about the failed invocation. */
export interface StreamFailure {
  readonly requestId: string;
  readonly condition: StreamFailureCondition;
  /** Invocations of this batch so far. */
  readonly invocations: number;
  /** Whether the last invocation failed (`functionError`), rather than reporting items failed. */
  readonly functionError: boolean;
}

/**
 * The invocation record Lambda sends to a stream mapping's on-failure destination: where the
 * batch is in the stream, not its records (they can be read from the stream for 24 hours).
 */
export function streamFailureRecord(mapping: EventSourceMappingModel, fn: FunctionModel, stream: TableStream, batch: readonly StreamRecordData[], failure: StreamFailure): string {
  const first = batch[0];
  const last = batch[batch.length - 1];
  return JSON.stringify({
    requestContext: { requestId: failure.requestId, functionArn: fn.arn, condition: failure.condition, approximateInvokeCount: failure.invocations },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(failure.functionError ? { functionError: 'Unhandled' } : {}) },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: shardIdOf(stream),
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: isoSeconds(first.createdAt),
      approximateArrivalOfLastRecord: isoSeconds(last.createdAt),
      batchSize: batch.length,
      streamArn: mapping.eventSourceArn,
    },
  });
}

/** The one shard of a local stream, in DynamoDB's shard id format. */
export function shardIdOf(stream: TableStream): string {
  let h = 0;
  for (const c of stream.arn) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `shardId-00000000000000000001-${h.toString(16).padStart(8, '0')}`;
}

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
