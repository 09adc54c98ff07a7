/**
 * SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`): SendMessage(Batch), ReceiveMessage,
 * DeleteMessage(Batch), ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl, ListQueues,
 * PurgeQueue.
 */
import { QueueDoesNotExistError, type QueueStore, type StoredMessage } from '../sqs/queue-store';
import type { MessageAttributeValue } from '../sqs/md5';
import { AwsServiceError, jsonResponse, type AwsResponse } from './protocol';

const SQS_JSON = 'application/x-amz-json-1.0';

/** Handles one SQS operation. */
export async function handleSqs(store: QueueStore, operation: string, input: Record<string, unknown>): Promise<AwsResponse> {
  try {
    return jsonResponse(await run(store, operation, input), SQS_JSON);
  } catch (err) {
    if (err instanceof QueueDoesNotExistError) throw sqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    throw err;
  }
}

async function run(store: QueueStore, operation: string, input: Record<string, unknown>): Promise<unknown> {
  const url = () => requireString(input, 'QueueUrl');
  switch (operation) {
    case 'GetQueueUrl':
      return { QueueUrl: store.get(requireString(input, 'QueueName')).url };
    case 'ListQueues': {
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      const urls = store.list().filter((q) => q.model.name.startsWith(prefix)).map((q) => q.url);
      return { QueueUrls: urls.slice(0, typeof input.MaxResults === 'number' ? input.MaxResults : 1000) };
    }
    case 'SendMessage': {
      const body = requireString(input, 'MessageBody');
      const attrs = (input.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>;
      const m = store.send(url(), body, attrs, typeof input.DelaySeconds === 'number' ? input.DelaySeconds : 0);
      return { MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody, MD5OfMessageAttributes: m.md5OfMessageAttributes };
    }
    case 'ReceiveMessage': {
      const messages = await store.receive(url(), {
        maxNumberOfMessages: num(input.MaxNumberOfMessages),
        visibilityTimeoutSeconds: num(input.VisibilityTimeout),
        waitTimeSeconds: num(input.WaitTimeSeconds),
      });
      const names = [...list(input.MessageAttributeNames)];
      const systemNames = [...list(input.MessageSystemAttributeNames), ...list(input.AttributeNames)];
      return { Messages: messages.map((m) => messageOut(m, names, systemNames)) };
    }
    case 'DeleteMessage':
      if (!store.delete(url(), requireString(input, 'ReceiptHandle'))) {
        throw sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${String(input.ReceiptHandle)}" is not a valid receipt handle.`);
      }
      return {};
    case 'SendMessageBatch': {
      const entries = (input.Entries ?? []) as Array<{ Id: string; MessageBody: string; DelaySeconds?: number; MessageAttributes?: Record<string, MessageAttributeValue> }>;
      const Successful = entries.map((e) => {
        const m = store.send(url(), e.MessageBody, e.MessageAttributes ?? {}, e.DelaySeconds ?? 0);
        return { Id: e.Id, MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody, MD5OfMessageAttributes: m.md5OfMessageAttributes };
      });
      return { Successful, Failed: [] };
    }
    case 'DeleteMessageBatch': {
      const entries = (input.Entries ?? []) as Array<{ Id: string; ReceiptHandle: string }>;
      const q = url();
      const ok = entries.filter((e) => store.delete(q, e.ReceiptHandle));
      const failed = entries.filter((e) => !ok.includes(e));
      return {
        Successful: ok.map((e) => ({ Id: e.Id })),
        Failed: failed.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is not a valid receipt handle.' })),
      };
    }
    case 'ChangeMessageVisibility':
      if (!store.changeVisibility(url(), requireString(input, 'ReceiptHandle'), num(input.VisibilityTimeout) ?? 0)) {
        throw sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${String(input.ReceiptHandle)}" is not a valid receipt handle.`);
      }
      return {};
    case 'PurgeQueue':
      store.purge(url());
      return {};
    case 'GetQueueAttributes': {
      const q = store.get(url());
      const c = store.counts(url());
      const all: Record<string, string> = {
        QueueArn: q.model.arn,
        ApproximateNumberOfMessages: String(c.visible),
        ApproximateNumberOfMessagesNotVisible: String(c.notVisible),
        ApproximateNumberOfMessagesDelayed: String(c.delayed),
        VisibilityTimeout: String(q.model.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(q.model.messageRetentionSeconds),
        FifoQueue: String(q.model.fifo),
      };
      const wanted = list(input.AttributeNames);
      const pick = wanted.includes('All') ? Object.keys(all) : wanted.filter((n) => n in all);
      return { Attributes: Object.fromEntries(pick.map((k) => [k, all[k]])) };
    }
    default:
      throw sqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `Operation ${operation} is not supported by the local SQS`);
  }
}

function messageOut(m: StoredMessage, attributeNames: string[], systemNames: string[]) {
  const wantAll = attributeNames.includes('All') || attributeNames.includes('.*');
  const attrs = Object.fromEntries(Object.entries(m.messageAttributes).filter(([k]) => wantAll || attributeNames.some((n) => n === k || (n.endsWith('.*') && k.startsWith(n.slice(0, -1))))));
  const system: Record<string, string> = {
    SenderId: 'AIDALOCALSWITCHYARD',
    SentTimestamp: String(m.sentTimestamp),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? ''),
  };
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

/** An SQS error: the JSON `__type` plus the query-compatible code header the SDK maps to its named exceptions. */
function sqsError(type: string, queryCode: string, message: string): AwsServiceError {
  return new AwsServiceError(400, `com.amazonaws.sqs#${type}`, message, {}, { 'x-amzn-query-error': `${queryCode};Sender` });
}

function requireString(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  if (typeof v !== 'string' || v === '') throw sqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${key}.`);
  return v;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
