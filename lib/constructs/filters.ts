import type { DetailFilter } from '../runtime/detail-filter';

/**
 * An SQS message as Lambda's filter criteria see it: the fields of the record its consumer
 * gets. A JSON body is filtered as an object under `body`, a text body as a string.
 */
export interface QueueMessageFields<TBody> {
  readonly messageId: string;
  readonly receiptHandle: string;
  /** The message body: its fields when it is JSON. */
  readonly body: TBody;
  /** The message's system attributes, as strings. */
  readonly attributes: {
    readonly ApproximateReceiveCount: string;
    readonly SentTimestamp: string;
    readonly SenderId: string;
    readonly ApproximateFirstReceiveTimestamp: string;
    readonly MessageGroupId?: string;
    readonly MessageDeduplicationId?: string;
    readonly SequenceNumber?: string;
    readonly AWSTraceHeader?: string;
  };
  /** The message attributes its sender set. */
  readonly messageAttributes: Readonly<Record<string, { readonly stringValue?: string; readonly dataType: string }>>;
  readonly md5OfBody: string;
  readonly eventSource: string;
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/**
 * A filter on queue messages, in EventBridge's pattern language typed as subscriptions' `where`
 * is: a field the message does not have, or a matcher that does not fit its type, does not
 * compile. Type the body with `QueueMessageFilter<Order>`.
 *
 * @example
 * const paid: QueueMessageFilter<Order> = { body: { status: ['paid'], total: [{ numeric: ['>', 100] }] } };
 */
export type QueueMessageFilter<TBody = Record<string, unknown> | string> = DetailFilter<QueueMessageFields<TBody>>;

/** A DynamoDB attribute value as stream records carry it (numbers as strings, binary as base64). */
export interface StreamAttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly B?: string;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly BS?: readonly string[];
  readonly M?: Readonly<Record<string, StreamAttributeValue>>;
  readonly L?: readonly StreamAttributeValue[];
}

/** A DynamoDB stream record as Lambda's filter criteria see it. */
export interface StreamRecordFields {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion: string;
  readonly eventSource: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
  /** Present for deletions by time to live: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. */
  readonly userIdentity: { readonly type: string; readonly principalId: string };
  readonly dynamodb: {
    readonly Keys: Readonly<Record<string, StreamAttributeValue>>;
    readonly NewImage: Readonly<Record<string, StreamAttributeValue>>;
    readonly OldImage: Readonly<Record<string, StreamAttributeValue>>;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
    readonly ApproximateCreationDateTime: number;
  };
}

/**
 * A filter on a table's stream records, in EventBridge's pattern language typed as
 * subscriptions' `where` is.
 *
 * @example
 * const shipped: StreamRecordFilter = { eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: ['shipped'] } } } };
 */
export type StreamRecordFilter = DetailFilter<StreamRecordFields>;
