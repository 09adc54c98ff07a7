import { z } from 'zod';
import { INVALID_EVENT_ERROR_CODE, InvalidEventError, METADATA_KEY, defineEvent, eventHandler, getCorrelationId } from '../../lib/runtime';
import { captureLogs, eventBridgeEvent, lambdaContext } from './support/lambda';

const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  schema: z.strictObject({ orderId: z.string(), amount: z.number().positive(), channel: z.string().default('web') }),
});

describe.each([
  ['published by switchyard (with envelope)', { orderId: 'o-1', amount: 5, [METADATA_KEY]: { correlationId: 'corr-1' } }, 'corr-1'],
  ['published by someone else (no envelope)', { orderId: 'o-1', amount: 5 }, 'evt-1'],
])('a valid event %s', (_name, detail, correlationId) => {
  it('gives the function the typed detail, without the envelope, in the invocation context', async () => {
    const seen: unknown[] = [];
    const handler = eventHandler(OrderPlaced, (order, ctx) => {
      seen.push(order, ctx.correlationId, getCorrelationId(), ctx.event.id);
      ctx.logger.info('handled', { orderId: order.orderId });
      return order.amount * 2;
    });
    const { result, logs } = await captureLogs(() => handler(eventBridgeEvent(detail), lambdaContext({ awsRequestId: 'req-x' })));
    expect(result).toBe(10);
    expect(seen).toEqual([{ orderId: 'o-1', amount: 5, channel: 'web' }, correlationId, correlationId, 'evt-1']);
    expect(logs).toEqual([expect.objectContaining({ level: 'INFO', message: 'handled', orderId: 'o-1', correlationId, requestId: 'req-x', functionName: 'orders-fn' })]);
  });
});

describe.each([
  ['from another source', eventBridgeEvent({ orderId: 'o-1', amount: 5 }, { source: 'shop.billing' }), ['source']],
  ['of another detail type', eventBridgeEvent({ orderId: 'o-1', amount: 5 }, { 'detail-type': 'OrderShipped' }), ['detail-type']],
  ['with an invalid detail', eventBridgeEvent({ orderId: 'o-1', amount: -5 }), ['detail.amount']],
  ['with an unknown field (strict schema)', eventBridgeEvent({ orderId: 'o-1', amount: 5, extra: true }), ['detail']],
  ['without a detail', eventBridgeEvent(undefined), ['detail']],
  ['with several problems', eventBridgeEvent({ amount: 'x' }, { id: 'evt-9' }), ['detail.orderId', 'detail.amount']],
])('an event %s', (_name, event, paths) => {
  it('throws InvalidEventError (for the DLQ) without calling the function, after a structured log line', async () => {
    const fn = jest.fn();
    const handler = eventHandler(OrderPlaced, fn);
    const { error, logs } = await captureLogs(() => handler(event, lambdaContext()));
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(InvalidEventError);
    const e = error as InvalidEventError;
    expect(e.code).toBe(INVALID_EVENT_ERROR_CODE);
    expect(e.eventId).toBe(event.id);
    expect(e.issues.map((i) => i.path)).toEqual(paths);
    expect(e.message).toContain(`Invalid event ${event.id} for 'shop.orders/OrderPlaced'`);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'ERROR', errorCode: INVALID_EVENT_ERROR_CODE, eventId: event.id, eventType: 'shop.orders/OrderPlaced', issues: e.issues }),
    ]);
  });
});

describe('eventHandler', () => {
  it('keeps the error message within the 1 KB Lambda attaches to the DLQ message', async () => {
    const Wide = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`field${i}`, z.string()]))) });
    const { error } = await captureLogs(() => eventHandler(Wide, () => undefined)(eventBridgeEvent({}), lambdaContext()));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(Buffer.byteLength((error as Error).message, 'utf8')).toBeLessThanOrEqual(1000);
    expect((error as InvalidEventError).issues).toHaveLength(100);
  });

  it('logs and rethrows errors of the function, so that Lambda retries them', async () => {
    const failure = new Error('database unavailable');
    const handler = eventHandler(OrderPlaced, async () => {
      throw failure;
    });
    const { error, logs } = await captureLogs(() => handler(eventBridgeEvent({ orderId: 'o-1', amount: 5 }), lambdaContext()));
    expect(error).toBe(failure);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'Event handler failed', error: expect.objectContaining({ message: 'database unavailable', stack: expect.any(String) }) }),
    ]);
  });
});
