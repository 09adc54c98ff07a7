/** Lambda test doubles: a context, EventBridge, HTTP API, SQS and DynamoDB stream events, and captured log lines. */
import type { APIGatewayProxyEventV2, AttributeValue, Context, DynamoDBRecord, EventBridgeEvent, SQSRecord } from 'aws-lambda';

let requests = 0;

export function lambdaContext(overrides: Partial<Context> = {}): Context {
  requests += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'orders-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-fn',
    memoryLimitInMB: '256',
    awsRequestId: `req-${requests}`,
    logGroupName: '/aws/lambda/orders-fn',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

export function eventBridgeEvent(
  detail: unknown,
  overrides: Partial<EventBridgeEvent<string, unknown>> = {},
): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'evt-1',
    account: '123456789012',
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    source: 'shop.orders',
    'detail-type': 'OrderPlaced',
    detail,
    ...overrides,
  };
}

export function httpEvent(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /orders/{orderId}',
    rawPath: '/orders/o-1',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'POST', path: '/orders/o-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'apigw-req-1',
      routeKey: 'POST /orders/{orderId}',
      stage: '$default',
      time: '01/Jan/2024:00:00:00 +0000',
      timeEpoch: 1704067200000,
    },
    ...overrides,
  };
}

/** Captures the JSON lines written to stdout while `fn` runs, and what it returned or threw. */
export async function captureLogs<T>(
  fn: () => Promise<T>,
): Promise<{ result: T | undefined; error: unknown; logs: Record<string, unknown>[] }> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (caught) {
    error = caught;
  } finally {
    spy.mockRestore();
  }
  const logs = lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { result, error, logs };
}

/** The error `fn` throws (or rejects with); fails the test when it does not throw. */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the function to throw, and it did not');
}

/** An SQS message as Lambda delivers it (the shape of AWS's sample event); FIFO when `group` is given. */
export function sqsRecord(messageId: string, body: string, group?: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1704067200000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1704067200001',
      ...(group ? { MessageGroupId: group, MessageDeduplicationId: `dedup-${messageId}`, SequenceNumber: `1${messageId.replace(/\D/g, '').padStart(19, '0')}` } : {}),
    },
    messageAttributes: {},
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${group ? 'orders.fifo' : 'orders'}`,
    awsRegion: 'us-east-1',
  };
}

/** A DynamoDB stream record as Lambda delivers it (the shape of AWS's sample event). */
export function streamRecord(
  sequenceNumber: string,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { keys: Record<string, AttributeValue>; newImage?: Record<string, AttributeValue>; oldImage?: Record<string, AttributeValue> },
): DynamoDBRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1704067200,
      Keys: images.keys,
      ...(images.newImage ? { NewImage: images.newImage } : {}),
      ...(images.oldImage ? { OldImage: images.oldImage } : {}),
      SequenceNumber: sequenceNumber,
      SizeBytes: 26,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000',
  };
}
