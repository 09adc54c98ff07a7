/**
 * SQS's input shapes and limits, worded as SQS words its errors (the query API's codes, carried
 * in `x-amzn-query-error` so the SDK raises its named exceptions).
 *
 * Limits (Amazon SQS Developer Guide, "Amazon SQS message quotas", and the API reference):
 * - a message, body plus attributes, is at most 1 MiB (1,048,576 bytes): SQS raised the maximum
 *   from 256 KiB to 1 MiB in August 2025, and 1 MiB is the default `MaximumMessageSize` since;
 * - a batch holds 1 to 10 entries whose ids are distinct, alphanumeric with `-` and `_`, at most
 *   80 characters; the messages of a batch total at most 1 MiB;
 * - at most 10 message attributes; DelaySeconds 0-900; VisibilityTimeout 0-43200 (12 hours);
 *   WaitTimeSeconds 0-20; MaxNumberOfMessages 1-10; ListQueues MaxResults 1-1000;
 * - a body holds only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
 */
import type { MessageAttributeValue } from '../sqs/md5';
import { AwsServiceError } from './protocol';
import { blob, integer, list, map, string, structure } from './shapes';

/** Largest message (body and attributes) and largest batch, in bytes. */
export const MESSAGE_MAX_BYTES = 1024 * 1024;
/** Most entries in a batch request. */
export const BATCH_MAX_ENTRIES = 10;
/** Most message attributes on one message. */
export const MESSAGE_ATTRIBUTES_MAX = 10;

const queueUrl = string();
const delaySeconds = integer({ min: 0, max: 900, message: (v) => `Value ${v} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.` });
const visibilityTimeout = integer({ min: 0, max: 43200, message: (v) => `Value ${v} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.` });
const messageAttributes = map(
  structure({
    DataType: string().optional(),
    StringValue: string().optional(),
    BinaryValue: blob().optional(),
    StringListValues: list(string()).optional(),
    BinaryListValues: list(blob()).optional(),
  }),
);
const messageFields = {
  MessageBody: string(),
  DelaySeconds: delaySeconds.optional(),
  MessageAttributes: messageAttributes.optional(),
  MessageSystemAttributes: map(structure({ DataType: string().optional(), StringValue: string().optional() })).optional(),
  MessageDeduplicationId: string({ max: 128 }).optional(),
  MessageGroupId: string({ max: 128 }).optional(),
};

/** Input shapes per operation. */
export const SqsInput = {
  GetQueueUrl: structure({ QueueName: string(), QueueOwnerAWSAccountId: string().optional() }),
  ListQueues: structure({
    QueueNamePrefix: string().optional(),
    NextToken: string().optional(),
    MaxResults: integer({ min: 1, max: 1000, message: (v) => `Value ${v} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.` }).optional(),
  }),
  SendMessage: structure({ QueueUrl: queueUrl, ...messageFields }),
  SendMessageBatch: structure({ QueueUrl: queueUrl, Entries: list(structure({ Id: string(), ...messageFields })) }),
  ReceiveMessage: structure({
    QueueUrl: queueUrl,
    AttributeNames: list(string()).optional(),
    MessageSystemAttributeNames: list(string()).optional(),
    MessageAttributeNames: list(string()).optional(),
    MaxNumberOfMessages: integer({ min: 1, max: 10, message: (v) => `Value ${v} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.` }).optional(),
    VisibilityTimeout: visibilityTimeout.optional(),
    WaitTimeSeconds: integer({ min: 0, max: 20, message: (v) => `Value ${v} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.` }).optional(),
    ReceiveRequestAttemptId: string({ max: 128 }).optional(),
  }),
  DeleteMessage: structure({ QueueUrl: queueUrl, ReceiptHandle: string() }),
  DeleteMessageBatch: structure({ QueueUrl: queueUrl, Entries: list(structure({ Id: string(), ReceiptHandle: string() })) }),
  ChangeMessageVisibility: structure({ QueueUrl: queueUrl, ReceiptHandle: string(), VisibilityTimeout: visibilityTimeout }),
  PurgeQueue: structure({ QueueUrl: queueUrl }),
  GetQueueAttributes: structure({ QueueUrl: queueUrl, AttributeNames: list(string()).optional() }),
};

/** An SQS error: the JSON `__type` and the query-compatible code the SDK maps to its named exceptions. */
export function sqsError(type: string, queryCode: string, message: string, status = 400): AwsServiceError {
  return new AwsServiceError(status, `com.amazonaws.sqs#${type}`, message, {}, { 'x-amzn-query-error': `${queryCode};Sender` });
}

/** SQS's generic `InvalidParameterValue`, which has no modeled exception. */
export function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError(400, 'com.amazon.coral.service#InvalidParameterValueException', message, {}, { 'x-amzn-query-error': 'InvalidParameterValue;Sender' });
}

/**
 * The error for a message over its queue's `MaximumMessageSize` (`max`, at most
 * {@link MESSAGE_MAX_BYTES}), or, with `batch`, a batch over {@link MESSAGE_MAX_BYTES}.
 */
export function tooLong(size: number | undefined, batch: boolean, max = MESSAGE_MAX_BYTES): AwsServiceError {
  if (!batch) return invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
  const sent = size === undefined ? '' : ` You have sent ${size} bytes.`;
  return sqsError('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${MESSAGE_MAX_BYTES} bytes.${sent}`);
}

/** Checks a batch's entry count and ids; throws SQS's error for the first problem. */
export function checkBatch(entries: readonly { readonly Id: string }[], entryShape: string): void {
  if (entries.length === 0) throw sqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', `There should be at least one ${entryShape} in the request.`);
  if (entries.length > BATCH_MAX_ENTRIES) {
    throw sqsError('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${BATCH_MAX_ENTRIES}. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(Id)) {
      throw sqsError('InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (seen.has(Id)) throw sqsError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${Id} repeated.`);
    seen.add(Id);
  }
}

// Characters SQS accepts in a body (XML 1.0's Char production).
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!aws\.)(?!amazon\.)[A-Za-z0-9_.-]{1,256}$/i;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;

/**
 * Checks a message's body and attributes; returns its size as SQS counts it (body, and each
 * attribute's name, type and value) or throws the error SQS answers.
 */
export function checkMessage(body: string, attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  if (body === '') throw sqsError('MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageBody.');
  const bad = INVALID_BODY_CHAR.exec(body);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase();
    throw sqsError('InvalidMessageContents', 'InvalidMessageContents', `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`);
  }
  const names = Object.keys(attributes);
  if (names.length > MESSAGE_ATTRIBUTES_MAX) throw invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MESSAGE_ATTRIBUTES_MAX}].`);
  let size = Buffer.byteLength(body);
  for (const name of names) size += attributeSize(name, attributes[name]);
  return size;
}

function attributeSize(name: string, a: MessageAttributeValue): number {
  if (!ATTRIBUTE_NAME.test(name)) {
    throw invalidParameter(`Message (user) attribute name '${name}' is invalid: use up to 256 of A-Z, a-z, 0-9, '_', '-' and '.', no leading, trailing or doubled '.', and no 'AWS.' or 'Amazon.' prefix.`);
  }
  if (!a.DataType) throw invalidParameter(`The message attribute '${name}' must contain a non-empty message attribute type.`);
  if (!DATA_TYPE.test(a.DataType) || a.DataType.length > 256) {
    throw invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
  }
  const binary = a.DataType.startsWith('Binary');
  const value = binary ? a.BinaryValue : a.StringValue;
  if (value === undefined || value === '') {
    throw invalidParameter(`The message attribute '${name}' must contain a non-empty message attribute value for message attribute type '${a.DataType}'.`);
  }
  if (a.DataType.startsWith('Number') && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
    throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  const valueBytes = binary ? Buffer.from(value, 'base64').length : Buffer.byteLength(value);
  return Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + valueBytes;
}
