import type { SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import {
  BATCH_FAILED_ERROR_CODE,
  BatchFailedError,
  INVALID_RECORD_ERROR_CODE,
  InvalidRecordError,
  METADATA_KEY,
  defineEvent,
  getCorrelationId,
  sqsBatchHandler,
  streamBatchHandler,
} from '../../lib/runtime';
import { captureLogs, eventBridgeEvent, lambdaContext, sqsRecord, streamRecord, thrown } from './support/lambda';

const Order = z.object({ orderId: z.string(), total: z.number().positive(), channel: z.string().default('web') });
const sqsEvent = (...records: ReturnType<typeof sqsRecord>[]): SQSEvent => ({ Records: records });
const order = (orderId: string, total = 10) => JSON.stringify({ orderId, total });

describe('sqsBatchHandler on a standard queue', () => {
  test('gives each message its validated body and its own correlation id; all succeeded: no failures', async () => {
    const seen: unknown[] = [];
    const handler = sqsBatchHandler({ body: Order }, (body, ctx) => {
      seen.push([body, ctx.index, ctx.correlationId, getCorrelationId(), ctx.record.messageId]);
      ctx.logger.info('processing');
    });
    const { result, logs } = await captureLogs(() => handler(sqsEvent(sqsRecord('m1', order('o-1')), sqsRecord('m2', order('o-2', 3))), lambdaContext({ awsRequestId: 'req-b' })));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      [{ orderId: 'o-1', total: 10, channel: 'web' }, 0, 'm1', 'm1', 'm1'],
      [{ orderId: 'o-2', total: 3, channel: 'web' }, 1, 'm2', 'm2', 'm2'],
    ]);
    expect(logs.map((l) => [l.message, l.correlationId, l.requestId])).toEqual([['processing', 'm1', 'req-b'], ['processing', 'm2', 'req-b']]);
  });

  test('reports exactly the messages that threw, were not JSON or did not fit the schema, in batch order', async () => {
    const processed: string[] = [];
    const handler = sqsBatchHandler({ body: Order }, (body) => {
      if (body.orderId === 'o-3') throw new Error('payment declined');
      processed.push(body.orderId);
    });
    const event = sqsEvent(sqsRecord('m1', order('o-1')), sqsRecord('m2', '{not json'), sqsRecord('m3', order('o-3')), sqsRecord('m4', order('o-4', -1)), sqsRecord('m5', order('o-5')));
    const { result, logs } = await captureLogs(() => handler(event, lambdaContext()));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }] });
    expect(processed).toEqual(['o-1', 'o-5']);
    const failures = logs.filter((l) => l.message === 'Record failed');
    expect(failures.map((l) => l.itemIdentifier)).toEqual(['m2', 'm3', 'm4']);
    expect(failures.map((l) => (l.error as { name: string }).name)).toEqual(['InvalidRecordError', 'Error', 'InvalidRecordError']);
    expect((failures[2].error as { message: string }).message).toContain('body.total');
  });

  test('every message failing throws BatchFailedError, unless asked to answer them all', async () => {
    const fail = () => {
      throw new Error('downstream is down');
    };
    const event = sqsEvent(sqsRecord('m1', order('o-1')), sqsRecord('m2', order('o-2')));
    const { error } = await captureLogs(() => sqsBatchHandler({ body: Order }, fail)(event, lambdaContext()));
    expect(error).toBeInstanceOf(BatchFailedError);
    expect((error as BatchFailedError).code).toBe(BATCH_FAILED_ERROR_CODE);
    expect((error as BatchFailedError).failures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2']);
    expect((error as BatchFailedError).message).toContain('downstream is down');
    const { result } = await captureLogs(() => sqsBatchHandler({ body: Order, throwOnFullBatchFailure: false }, fail)(event, lambdaContext()));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
  });

  test.each([
    [undefined, 1],
    [4, 4],
  ])('concurrency %s processes at most %d messages at once', async (concurrency, most) => {
    let inFlight = 0;
    let highest = 0;
    const handler = sqsBatchHandler({ concurrency }, async () => {
      highest = Math.max(highest, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
    });
    const records = Array.from({ length: 10 }, (_, i) => sqsRecord(`m${i}`, 'x'));
    expect(await handler(sqsEvent(...records), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(highest).toBe(most);
  });

  test('without a schema the body is the text it is', async () => {
    const bodies: string[] = [];
    await sqsBatchHandler({}, (body) => void bodies.push(body))(sqsEvent(sqsRecord('m1', 'plain text'), sqsRecord('m2', '{"a":1}')), lambdaContext());
    expect(bodies).toEqual(['plain text', '{"a":1}']);
  });

  test('an event without Records is refused (the function is not behind an SQS event source)', async () => {
    const error = await thrown(() => sqsBatchHandler({}, () => undefined)({} as SQSEvent, lambdaContext()));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('no Records array');
  });
});

describe('sqsBatchHandler on a FIFO queue', () => {
  const event = sqsEvent(sqsRecord('m1', 'a', 'g1'), sqsRecord('m2', 'b', 'g2'), sqsRecord('m3', 'c', 'g1'), sqsRecord('m4', 'd', 'g2'), sqsRecord('m5', 'e', 'g3'));

  test('stops at the first failure and reports that message and every later one', async () => {
    const processed: string[] = [];
    const handler = sqsBatchHandler({}, (body) => {
      if (body === 'b') throw new Error('no');
      processed.push(body);
    });
    const { result } = await captureLogs(() => handler(event, lambdaContext()));
    expect(processed).toEqual(['a']);
    expect(result).toEqual({ batchItemFailures: ['m2', 'm3', 'm4', 'm5'].map((itemIdentifier) => ({ itemIdentifier })) });
  });

  test('with skipGroupOnError, only the failed group stops; the others go on in order', async () => {
    const processed: string[] = [];
    const handler = sqsBatchHandler({ skipGroupOnError: true }, (body) => {
      if (body === 'b') throw new Error('no');
      processed.push(body);
    });
    const { result } = await captureLogs(() => handler(event, lambdaContext()));
    expect(processed).toEqual(['a', 'c', 'e']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm4' }] });
  });

  test('a failure on the first message fails the whole batch', async () => {
    const { error } = await captureLogs(() => sqsBatchHandler({}, () => {
      throw new Error('no');
    })(event, lambdaContext()));
    expect((error as BatchFailedError).failures).toHaveLength(5);
  });

  test('fifo: true keeps order even for messages without a group attribute', async () => {
    const processed: string[] = [];
    const handler = sqsBatchHandler({ fifo: true, concurrency: 10 }, (body) => {
      if (body === 'y') throw new Error('no');
      processed.push(body);
    });
    const { result } = await captureLogs(() => handler(sqsEvent(sqsRecord('m1', 'x'), sqsRecord('m2', 'y'), sqsRecord('m3', 'z')), lambdaContext()));
    expect(processed).toEqual(['x']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
  });
});

describe('sqsBatchHandler with events a rule sent to the queue', () => {
  const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.strictObject({ orderId: z.string(), total: z.number() }) });
  const body = (detail: unknown, overrides = {}) => JSON.stringify(eventBridgeEvent(detail, overrides));

  test("gives the typed detail without the envelope, under the publisher's correlation id", async () => {
    const seen: unknown[] = [];
    const handler = sqsBatchHandler({ event: OrderPlaced }, (detail, ctx) => void seen.push([detail, ctx.correlationId, getCorrelationId()]));
    const event = sqsEvent(
      sqsRecord('m1', body({ orderId: 'o-1', total: 5, [METADATA_KEY]: { correlationId: 'corr-1' } })),
      sqsRecord('m2', body({ orderId: 'o-2', total: 6 }, { id: 'evt-2' })),
    );
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([[{ orderId: 'o-1', total: 5 }, 'corr-1', 'corr-1'], [{ orderId: 'o-2', total: 6 }, 'evt-2', 'evt-2']]);
  });

  test('another event, an invalid detail or a body that is no event fails that message with the issues', async () => {
    const fn = jest.fn();
    const event = sqsEvent(
      sqsRecord('m1', body({ orderId: 'o-1', total: 5 }, { 'detail-type': 'OrderShipped' })),
      sqsRecord('m2', body({ orderId: 'o-2', total: 'x' })),
      sqsRecord('m3', 'not json'),
      sqsRecord('m4', body({ orderId: 'o-4', total: 4 })),
    );
    const { result, logs } = await captureLogs(() => sqsBatchHandler({ event: OrderPlaced }, fn)(event, lambdaContext()));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect(fn).toHaveBeenCalledTimes(1);
    const errors = logs.filter((l) => l.message === 'Record failed').map((l) => l.error as { code: string; issues: Array<{ path: string }> });
    expect(errors.map((e) => e.code)).toEqual([INVALID_RECORD_ERROR_CODE, INVALID_RECORD_ERROR_CODE, INVALID_RECORD_ERROR_CODE]);
    expect(errors.map((e) => e.issues.map((i) => i.path))).toEqual([['body.detail-type'], ['body.detail.total'], ['body']]);
  });

  test('body and event together are refused when the handler is made', () => {
    expect(() => sqsBatchHandler({ body: Order, event: OrderPlaced } as never, () => undefined)).toThrow(/not both/);
  });
});

describe('streamBatchHandler', () => {
  const Item = z.object({ orderId: z.string(), total: z.number(), tags: z.set(z.string()).optional() });

  test('hands each change unmarshalled and validated, in order', async () => {
    const seen: unknown[] = [];
    const handler = streamBatchHandler({ image: Item }, (change, ctx) => void seen.push([change, ctx.correlationId, getCorrelationId()]));
    const event = {
      Records: [
        streamRecord('100', 'INSERT', { keys: { orderId: { S: 'o-1' } }, newImage: { orderId: { S: 'o-1' }, total: { N: '12.5' }, tags: { SS: ['a', 'b'] } } }),
        streamRecord('200', 'MODIFY', { keys: { orderId: { S: 'o-1' } }, oldImage: { orderId: { S: 'o-1' }, total: { N: '12.5' } }, newImage: { orderId: { S: 'o-1' }, total: { N: '13' } } }),
        streamRecord('300', 'REMOVE', { keys: { orderId: { S: 'o-1' } }, oldImage: { orderId: { S: 'o-1' }, total: { N: '13' } } }),
      ],
    };
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      [{ eventName: 'INSERT', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', total: 12.5, tags: new Set(['a', 'b']) }, oldImage: undefined }, 'event-100', 'event-100'],
      [{ eventName: 'MODIFY', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', total: 13 }, oldImage: { orderId: 'o-1', total: 12.5 } }, 'event-200', 'event-200'],
      [{ eventName: 'REMOVE', keys: { orderId: 'o-1' }, newImage: undefined, oldImage: { orderId: 'o-1', total: 13 } }, 'event-300', 'event-300'],
    ]);
  });

  test('stops at the first failing change and reports its sequence number, for Lambda to retry from there', async () => {
    const processed: string[] = [];
    const handler = streamBatchHandler({}, (change) => {
      if (change.keys.orderId === 'o-2') throw new Error('no');
      processed.push(change.keys.orderId as string);
    });
    const records = ['o-1', 'o-2', 'o-3'].map((id, i) => streamRecord(String(i + 1), 'INSERT', { keys: { orderId: { S: id } }, newImage: { orderId: { S: id } } }));
    const { result } = await captureLogs(() => handler({ Records: records }, lambdaContext()));
    expect(processed).toEqual(['o-1']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });

  test('an image that does not fit the schema fails its record with the issues', async () => {
    const fn = jest.fn();
    const records = [streamRecord('7', 'INSERT', { keys: { orderId: { S: 'o-1' } }, newImage: { orderId: { S: 'o-1' }, total: { S: 'twelve' } } })];
    const { error } = await captureLogs(() => streamBatchHandler({ image: Item }, fn)({ Records: records }, lambdaContext()));
    expect(fn).not.toHaveBeenCalled();
    const failure = (error as BatchFailedError).failures[0];
    expect(failure.itemIdentifier).toBe('7');
    expect(failure.error).toBeInstanceOf(InvalidRecordError);
    expect((failure.error as InvalidRecordError).issues.map((i) => i.path)).toEqual(['dynamodb.NewImage.total']);
  });
});
