/**
 * SQS's limits and input shapes on the local endpoint, through @aws-sdk/client-sqs (and raw
 * requests for what the SDK would not send), with SQS's error codes and messages.
 */
import * as http from 'node:http';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  DeleteMessageBatchCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidBatchEntryId,
  InvalidMessageContents,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import type { LocalApp } from '../../lib/local';
import { clientConfig, rawCall, startPlainApp } from './helpers';

let app: LocalApp;
let sqs: SQSClient;
let url: string;
const MiB = 1024 * 1024;

beforeAll(async () => {
  app = await startPlainApp({ timeScale: 0.0001, app: { smallQueue: true } });
  sqs = new SQSClient(clientConfig(app));
  const name = app.model.queues.find((q) => q.logicalId.startsWith('Sink'))!.name;
  url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
});
afterAll(async () => {
  sqs.destroy();
  await app.stop();
});

/** Waits (bounded) for a condition that an event of the server makes true. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error(`Gave up waiting for ${what}`);
}

const invalid = (message: string) => ({ name: 'InvalidParameterValue', message, $metadata: expect.objectContaining({ httpStatusCode: 400 }) });

describe('ReceiveMessage ranges', () => {
  test.each([
    [{ WaitTimeSeconds: 3000000 }, 'Value 3000000 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.'],
    [{ WaitTimeSeconds: -1 }, 'Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.'],
    [{ MaxNumberOfMessages: 0 }, 'Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'],
    [{ MaxNumberOfMessages: 11 }, 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'],
    [{ VisibilityTimeout: 43201 }, 'Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.'],
  ])('%j is refused', async (input, message) => {
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, ...input }))).rejects.toMatchObject(invalid(message));
  });

  test('the edges of the ranges are accepted', async () => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0, MaxNumberOfMessages: 10, VisibilityTimeout: 43200 }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});

describe('SendMessage', () => {
  test('DelaySeconds over 900 is refused', async () => {
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 }))).rejects.toMatchObject(
      invalid('Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.'),
    );
  });

  test('a message of exactly 1 MiB, body and attributes together, is accepted; one byte more is refused', async () => {
    // The attribute counts its name (1), type (6) and value (3): 10 bytes.
    const attrs = { a: { DataType: 'String', StringValue: 'abc' } };
    const fits = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(MiB - 10), MessageAttributes: attrs }));
    expect(fits.MessageId).toBeDefined();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(MiB - 9), MessageAttributes: attrs }))).rejects.toMatchObject(
      invalid('One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.'),
    );
  });

  test("a queue's own MaximumMessageSize (2 KiB here) applies: to a message, to a batch entry alone, and GetQueueAttributes reports it", async () => {
    const small = (await sqs.send(new GetQueueUrlCommand({ QueueName: app.model.queues.find((q) => q.logicalId.startsWith('Small'))!.name }))).QueueUrl!;
    expect((await sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: 'x'.repeat(2048) }))).MessageId).toBeDefined();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: 'x'.repeat(2049) }))).rejects.toMatchObject(
      invalid('One or more parameters are invalid. Reason: Message must be shorter than 2048 bytes.'),
    );
    const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl: small, Entries: [{ Id: 'fits', MessageBody: 'x'.repeat(2048) }, { Id: 'over', MessageBody: 'x'.repeat(2049) }] }));
    expect(batch.Successful?.map((s) => s.Id)).toEqual(['fits']);
    expect(batch.Failed).toEqual([{ Id: 'over', SenderFault: true, Code: 'InvalidParameterValue', Message: 'One or more parameters are invalid. Reason: Message must be shorter than 2048 bytes.' }]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: small, AttributeNames: ['MaximumMessageSize'] }));
    expect(attrs.Attributes).toEqual({ MaximumMessageSize: '2048' });
    const sinkAttrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['MaximumMessageSize'] }));
    expect(sinkAttrs.Attributes).toEqual({ MaximumMessageSize: String(MiB) });
  });

  test('a body with a character outside the allowed set is InvalidMessageContents', async () => {
    const err = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0001b' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidMessageContents);
    expect((err as Error).message).toMatch(/^Invalid binary character '#x1' was found in the message body/);
  });

  test.each([
    [{ n0: 1, n1: 1, n2: 1, n3: 1, n4: 1, n5: 1, n6: 1, n7: 1, n8: 1, n9: 1, n10: 1 }, 'Number of message attributes [11] exceeds the allowed maximum [10].'],
    [{ 'AWS.x': 1 }, "Message (user) attribute name 'AWS.x' is invalid"],
    [{ n: { DataType: 'Number', StringValue: 'abc' } }, "Can't cast the value of message (user) attribute 'n' to a number."],
    [{ t: { DataType: 'Text', StringValue: 'abc' } }, "The type of message (user) attribute 't' is invalid. You must use only the following supported type prefixes: Binary, Number, String."],
    [{ e: { DataType: 'String', StringValue: '' } }, "The message attribute 'e' must contain a non-empty message attribute value for message attribute type 'String'."],
  ])('attributes %j are refused', async (given, message) => {
    const attrs = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === 1 ? { DataType: 'String', StringValue: 'v' } : v]));
    const err = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: attrs as never })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining(message) });
  });

  test('a missing body is MissingParameter', async () => {
    const answer = await rawCall(app, 'AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: url }));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-query-error')).toBe('MissingParameter;Sender');
    expect(answer.body.message).toBe('The request must contain the parameter MessageBody.');
  });

  test('a body of the wrong JSON type is a SerializationException', async () => {
    const answer = await rawCall(app, 'AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: url, MessageBody: { a: 1 } }));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ __type: 'SerializationException', message: 'Start of structure or map found where not expected' });
  });
});

describe('batches', () => {
  const entries = (n: number, body = 'x') => Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: body }));

  test.each([
    ['no entry', [], EmptyBatchRequest, 'There should be at least one SendMessageBatchRequestEntry in the request.'],
    ['11 entries', entries(11), TooManyEntriesInBatchRequest, 'Maximum number of entries per request are 10. You have sent 11.'],
    ['a repeated id', [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }], BatchEntryIdsNotDistinct, 'Id a repeated.'],
    ['an id with a space', [{ Id: 'a b', MessageBody: 'x' }], InvalidBatchEntryId, 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.'],
    ['over 1 MiB in total', entries(2, 'x'.repeat(MiB / 2 + 1)), BatchRequestTooLong, 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048578 bytes.'],
  ])('SendMessageBatch with %s is refused', async (_name, batch, type, message) => {
    const err = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: batch })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(message);
  });

  test('a bad entry fails alone; the others are sent', async () => {
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'good', MessageBody: 'fine' }, { Id: 'bad', MessageBody: '\u0000' }] }));
    expect(out.Successful!.map((s) => s.Id)).toEqual(['good']);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents' })]);
  });

  test('an entry without a body is MissingParameter, not a server error', async () => {
    const answer = await rawCall(app, 'AmazonSQS.SendMessageBatch', JSON.stringify({ QueueUrl: url, Entries: [{ Id: 'a' }] }));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('The request must contain the parameter Entries.1.MessageBody.');
  });

  test('DeleteMessageBatch with no entry is EmptyBatchRequest', async () => {
    await expect(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] }))).rejects.toBeInstanceOf(EmptyBatchRequest);
  });
});

describe('listing and attributes', () => {
  test('ListQueues pages with MaxResults and NextToken, and the paging ends', async () => {
    const all = (await sqs.send(new ListQueuesCommand({}))).QueueUrls!;
    const paged: string[] = [];
    let token: string | undefined;
    for (let page = 0; page <= all.length; page++) {
      const out = await sqs.send(new ListQueuesCommand({ MaxResults: 1, NextToken: token }));
      paged.push(...out.QueueUrls!);
      token = out.NextToken;
      if (!token) break;
    }
    expect(token).toBeUndefined();
    expect(paged).toEqual(all);
  });

  test.each([0, 1001])('ListQueues MaxResults %i is refused', async (max) => {
    await expect(sqs.send(new ListQueuesCommand({ MaxResults: max }))).rejects.toMatchObject(
      invalid(`Value ${max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`),
    );
  });

  test('a NextToken that is not one of ours is refused', async () => {
    await expect(sqs.send(new ListQueuesCommand({ MaxResults: 1, NextToken: 'bogus' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  test('GetQueueAttributes with an unknown attribute name is InvalidAttributeName', async () => {
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope' as never] }))).rejects.toBeInstanceOf(InvalidAttributeName);
  });
});

describe('long polls', () => {
  test('a long poll whose client goes away leaves no waiter behind and takes no message', async () => {
    const queue = app.queues.get(url);
    app.queues.purge(url);
    const body = JSON.stringify({ QueueUrl: url, WaitTimeSeconds: 20 });
    const target = new URL(app.awsEndpoint);
    const req = http.request({ host: target.hostname, port: target.port, method: 'POST', path: '/', headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'content-type': 'application/x-amz-json-1.0' } });
    req.on('error', () => undefined);
    req.end(body);
    await until(() => queue.waiters.size === 1, 'the poll to wait');
    req.destroy();
    await until(() => queue.waiters.size === 0, 'the waiter to be removed');
    // The message sent now goes to the next receiver, not to the poll that was abandoned.
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after-abandon' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(got.Messages!.map((m) => m.Body)).toContain('after-abandon');
  });
});
