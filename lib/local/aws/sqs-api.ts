/**
 * SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`): SendMessage(Batch), ReceiveMessage,
 * DeleteMessage(Batch), ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl, ListQueues,
 * PurgeQueue. Inputs are checked against SQS's shapes and limits first (see sqs-shapes.ts).
 */
import { systemAttributes } from '../sqs/attributes';
import { QueueDoesNotExistError, type LocalQueue, type QueueStore, type SendOptions, type StoredMessage } from '../sqs/queue-store';
import type { MessageAttributeValue } from '../sqs/md5';
import { pageOf } from './paging';
import { AwsServiceError, jsonResponse, type AwsResponse } from './protocol';
import { parseInput } from './shapes';
import { MESSAGE_MAX_BYTES, SqsInput, checkBatch, checkMessage, invalidParameter, sqsError, tooLong } from './sqs-shapes';

const SQS_JSON = 'application/x-amz-json-1.0';

/** Attribute names GetQueueAttributes knows (the ones not tracked locally are not returned). */
const QUEUE_ATTRIBUTE_NAMES = new Set([
  'All', 'Policy', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn', 'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy', 'FifoQueue', 'ContentBasedDeduplication', 'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds', 'DeduplicationScope', 'FifoThroughputLimit', 'RedriveAllowPolicy', 'SqsManagedSseEnabled',
]);

/** Handles one SQS operation. `signal` aborts a long poll when the client goes away. */
export async function handleSqs(store: QueueStore, operation: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<AwsResponse> {
  try {
    return jsonResponse(await run(store, operation, input, signal), SQS_JSON);
  } catch (err) {
    if (err instanceof QueueDoesNotExistError) throw sqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    throw err;
  }
}

async function run(store: QueueStore, operation: string, input: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  switch (operation) {
    case 'GetQueueUrl':
      return { QueueUrl: store.get(parseInput(SqsInput.GetQueueUrl, input, 'sqs').QueueName).url };
    case 'ListQueues':
      return listQueues(store, input);
    case 'SendMessage':
      return sendMessage(store, input);
    case 'SendMessageBatch':
      return sendMessageBatch(store, input);
    case 'ReceiveMessage':
      return receiveMessage(store, input, signal);
    case 'DeleteMessage': {
      const { QueueUrl, ReceiptHandle } = parseInput(SqsInput.DeleteMessage, input, 'sqs');
      if (!store.delete(QueueUrl, ReceiptHandle)) throw receiptHandleInvalid(ReceiptHandle);
      return {};
    }
    case 'DeleteMessageBatch':
      return deleteMessageBatch(store, input);
    case 'ChangeMessageVisibility': {
      const { QueueUrl, ReceiptHandle, VisibilityTimeout } = parseInput(SqsInput.ChangeMessageVisibility, input, 'sqs');
      if (!store.changeVisibility(QueueUrl, ReceiptHandle, VisibilityTimeout)) throw receiptHandleInvalid(ReceiptHandle);
      return {};
    }
    case 'PurgeQueue':
      store.purge(parseInput(SqsInput.PurgeQueue, input, 'sqs').QueueUrl);
      return {};
    case 'GetQueueAttributes':
      return getQueueAttributes(store, input);
    default:
      throw sqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `Operation ${operation} is not supported by the local SQS`);
  }
}

function listQueues(store: QueueStore, input: Record<string, unknown>) {
  const { QueueNamePrefix = '', NextToken, MaxResults } = parseInput(SqsInput.ListQueues, input, 'sqs');
  const urls = store.list().filter((q) => q.model.name.startsWith(QueueNamePrefix)).map((q) => q.url);
  // SQS pages only when MaxResults is given; without it, up to 1000 queues and no token.
  const page = pageOf(urls, MaxResults ?? 1000, NextToken, `queues:${QueueNamePrefix}:${MaxResults ?? ''}`);
  if (!page) throw invalidParameter('Invalid NextToken value.');
  return { QueueUrls: page.items, NextToken: MaxResults === undefined ? undefined : page.nextToken };
}

function sendMessage(store: QueueStore, input: Record<string, unknown>) {
  const m = parseInput(SqsInput.SendMessage, input, 'sqs');
  const attributes = (m.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>;
  const queue = store.get(m.QueueUrl);
  const max = maximumMessageSize(queue);
  if (checkMessage(m.MessageBody, attributes) > max) throw tooLong(undefined, false, max);
  const options = sendOptions(queue, m);
  const sent = store.send(m.QueueUrl, m.MessageBody, attributes, options);
  return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody, MD5OfMessageAttributes: sent.md5OfMessageAttributes, SequenceNumber: sent.sequenceNumber };
}

function sendMessageBatch(store: QueueStore, input: Record<string, unknown>) {
  const { QueueUrl, Entries } = parseInput(SqsInput.SendMessageBatch, input, 'sqs');
  checkBatch(Entries, 'SendMessageBatchRequestEntry');
  const queue = store.get(QueueUrl);
  // Per entry: its size, or the error that fails it alone (as SQS reports bad entries in Failed).
  const checked = Entries.map((e) => {
    try {
      const size = checkMessage(e.MessageBody, (e.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>);
      // An entry over the queue's own MaximumMessageSize fails alone; the batch's total is SQS's 1 MiB.
      if (size > maximumMessageSize(queue)) throw tooLong(undefined, false, maximumMessageSize(queue));
      return { entry: e, options: sendOptions(queue, e), size };
    } catch (err) {
      if (!(err instanceof AwsServiceError)) throw err;
      return { entry: e, error: err };
    }
  });
  const total = checked.reduce((n, c) => n + (c.size ?? 0), 0);
  if (total > MESSAGE_MAX_BYTES) throw tooLong(total, true);
  const Successful: unknown[] = [];
  const Failed: unknown[] = [];
  for (const { entry: e, error, options } of checked) {
    if (error || !options) {
      Failed.push({ Id: e.Id, SenderFault: true, Code: queryCode(error!), Message: error!.message });
      continue;
    }
    const m = store.send(QueueUrl, e.MessageBody, (e.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>, options);
    Successful.push({ Id: e.Id, MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody, MD5OfMessageAttributes: m.md5OfMessageAttributes, SequenceNumber: m.sequenceNumber });
  }
  return { Successful, Failed };
}

async function receiveMessage(store: QueueStore, input: Record<string, unknown>, signal: AbortSignal | undefined) {
  const r = parseInput(SqsInput.ReceiveMessage, input, 'sqs');
  const messages = await store.receive(r.QueueUrl, { maxNumberOfMessages: r.MaxNumberOfMessages, visibilityTimeoutSeconds: r.VisibilityTimeout, waitTimeSeconds: r.WaitTimeSeconds }, signal);
  const systemNames = [...(r.MessageSystemAttributeNames ?? []), ...(r.AttributeNames ?? [])];
  return { Messages: messages.map((m) => messageOut(m, r.MessageAttributeNames ?? [], systemNames)) };
}

function deleteMessageBatch(store: QueueStore, input: Record<string, unknown>) {
  const { QueueUrl, Entries } = parseInput(SqsInput.DeleteMessageBatch, input, 'sqs');
  checkBatch(Entries, 'DeleteMessageBatchRequestEntry');
  const deleted = Entries.map((e) => store.delete(QueueUrl, e.ReceiptHandle));
  return {
    Successful: Entries.filter((_, i) => deleted[i]).map((e) => ({ Id: e.Id })),
    Failed: Entries.filter((_, i) => !deleted[i]).map((e) => ({ Id: e.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is not a valid receipt handle.' })),
  };
}

function getQueueAttributes(store: QueueStore, input: Record<string, unknown>) {
  const { QueueUrl, AttributeNames = [] } = parseInput(SqsInput.GetQueueAttributes, input, 'sqs');
  const unknown = AttributeNames.find((n) => !QUEUE_ATTRIBUTE_NAMES.has(n));
  if (unknown !== undefined) throw sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${unknown}.`);
  const q = store.get(QueueUrl);
  const c = store.counts(QueueUrl);
  const all: Record<string, string> = {
    QueueArn: q.model.arn,
    ApproximateNumberOfMessages: String(c.visible),
    ApproximateNumberOfMessagesNotVisible: String(c.notVisible),
    ApproximateNumberOfMessagesDelayed: String(c.delayed),
    VisibilityTimeout: String(q.model.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(q.model.messageRetentionSeconds),
    MaximumMessageSize: String(maximumMessageSize(q)),
    FifoQueue: String(q.model.fifo),
    ...(q.model.fifo ? { ContentBasedDeduplication: String(q.model.contentBasedDeduplication ?? false) } : {}),
    ...(q.model.redrive ? { RedrivePolicy: JSON.stringify(q.model.redrive) } : {}),
  };
  const pick = AttributeNames.includes('All') ? Object.keys(all) : AttributeNames.filter((n) => n in all);
  return { Attributes: Object.fromEntries(pick.map((k) => [k, all[k]])) };
}

/** The queue's `MaximumMessageSize`. */
function maximumMessageSize(queue: LocalQueue): number {
  return queue.model.maximumMessageSizeBytes ?? MESSAGE_MAX_BYTES;
}

function messageOut(m: StoredMessage, attributeNames: readonly string[], systemNames: readonly string[]) {
  const wantAll = attributeNames.includes('All') || attributeNames.includes('.*');
  const attrs = Object.fromEntries(Object.entries(m.messageAttributes).filter(([k]) => wantAll || attributeNames.some((n) => n === k || (n.endsWith('.*') && k.startsWith(n.slice(0, -1))))));
  const system = systemAttributes(m);
  const sysPick = systemNames.includes('All') ? Object.keys(system) : systemNames.filter((n) => n in system);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    Attributes: sysPick.length ? Object.fromEntries(sysPick.map((k) => [k, system[k]])) : undefined,
    MessageAttributes: Object.keys(attrs).length ? attrs : undefined,
    MD5OfMessageAttributes: Object.keys(attrs).length ? m.md5OfMessageAttributes : undefined,
  };
}

/**
 * The FIFO parameters of a message sent to `queue`, checked as SQS checks them: a FIFO queue
 * needs a message group and (without content-based deduplication) a deduplication id, and takes
 * no per-message delay; a standard queue takes a group (fair queues) but no deduplication id.
 */
function sendOptions(queue: LocalQueue, m: { DelaySeconds?: number; MessageGroupId?: string; MessageDeduplicationId?: string }): SendOptions {
  const notForThisQueue = (name: string, value: unknown) => invalidParameter(`Value ${String(value)} for parameter ${name} is invalid. Reason: The request include parameter that is not valid for this queue type.`);
  if (!queue.model.fifo) {
    if (m.MessageDeduplicationId !== undefined) throw notForThisQueue('MessageDeduplicationId', m.MessageDeduplicationId);
    return { delaySeconds: m.DelaySeconds ?? 0, messageGroupId: m.MessageGroupId };
  }
  if (m.MessageGroupId === undefined) throw sqsError('MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageGroupId.');
  if (m.DelaySeconds !== undefined && m.DelaySeconds !== 0) throw notForThisQueue('DelaySeconds', m.DelaySeconds);
  if (m.MessageDeduplicationId === undefined && !queue.model.contentBasedDeduplication) {
    throw invalidParameter('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
  return { messageGroupId: m.MessageGroupId, messageDeduplicationId: m.MessageDeduplicationId };
}

/** SQS models ReceiptHandleIsInvalid with HTTP 404. */
function receiptHandleInvalid(handle: string) {
  return sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
}

/** The query-API code of an SQS error, as batch results report it. */
function queryCode(error: AwsServiceError): string {
  return (error.headers['x-amzn-query-error'] ?? error.code).split(';')[0];
}
