/**
 * A correlation id travels from an HTTP request into the events it publishes and on into their
 * consumers and the events those publish. Uses publish()'s default client, pointed at a local
 * PutEvents server the way the local runtime points functions at it: AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { METADATA_KEY, defineEvent, eventHandler, httpHandler, json, publish } from '../../lib/runtime';
import { captureLogs, httpEvent, lambdaContext } from './support/lambda';
import { startPutEventsServer, type PutEventsServer } from './support/put-events-server';

const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object({ orderId: z.string() }) });
const StockReserved = defineEvent({ source: 'shop.stock', detailType: 'StockReserved', schema: z.object({ orderId: z.string() }) });

const ENV = ['AWS_ENDPOINT_URL_EVENTBRIDGE', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'SWITCHYARD_BUS_NAME'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
let server: PutEventsServer;

beforeAll(async () => {
  server = await startPutEventsServer();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EVENTBRIDGE: server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    SWITCHYARD_BUS_NAME: 'shop',
  });
});

afterAll(async () => {
  for (const key of ENV) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await server.close();
});

/** The event EventBridge would deliver for an accepted entry. */
function delivered(entry: PutEventsRequestEntry, id: string): EventBridgeEvent<string, unknown> {
  return {
    version: '0', id, account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [],
    source: entry.Source!, 'detail-type': entry.DetailType!, detail: JSON.parse(entry.Detail!) as unknown,
  };
}

it('carries the request correlation id into published events and their consumers', async () => {
  const placeOrder = httpHandler({ body: z.object({ orderId: z.string() }) }, async ({ body }, { logger }) => {
    await publish(OrderPlaced, body);
    logger.info('order placed');
    return json(202, { accepted: body.orderId });
  });
  const reserveStock = eventHandler(OrderPlaced, async (order, { logger }) => {
    await publish(StockReserved, { orderId: order.orderId });
    logger.info('stock reserved');
  });

  const http = await captureLogs(() =>
    placeOrder(httpEvent({ headers: { 'x-correlation-id': 'corr-e2e' }, body: JSON.stringify({ orderId: 'o-9' }) }), lambdaContext()),
  );
  expect(http.result).toMatchObject({ statusCode: 202, headers: { 'x-correlation-id': 'corr-e2e' } });
  expect(server.accepted).toHaveLength(1);
  expect(server.accepted[0]).toMatchObject({ Source: 'shop.orders', EventBusName: 'shop' });

  const consumer = await captureLogs(() => reserveStock(delivered(server.accepted[0]!, 'evt-100'), lambdaContext()));
  expect(consumer.error).toBeUndefined();
  expect(server.accepted).toHaveLength(2);

  const envelopes = server.accepted.map((e) => (JSON.parse(e.Detail!) as Record<string, unknown>)[METADATA_KEY]);
  expect(envelopes).toEqual([{ correlationId: 'corr-e2e' }, { correlationId: 'corr-e2e' }]);
  expect([...http.logs, ...consumer.logs].map((l) => [l.message, l.correlationId])).toEqual([
    ['order placed', 'corr-e2e'],
    ['stock reserved', 'corr-e2e'],
  ]);
});
