import { publish, sqsBatchHandler } from 'switchyard/runtime';
import { OrderPlaced, StockReserved } from './events';
import { advanceOrder } from './shared/aws';

/**
 * Takes `OrderPlaced` events from the StockReservations queue in batches: reserves stock for
 * each order, then announces `StockReserved`. Each message is processed on its own; one that
 * fails (an invalid event, an unknown order, DynamoDB or EventBridge unavailable) is reported
 * alone, comes back after the queue's visibility timeout, and after 5 receives is in the
 * queue's dead-letter queue. The others of the batch are done and deleted.
 *
 * SQS delivers at least once, so a message may come twice. The reservation is a conditional
 * write on the order (`placed` -> `reserved` only while it is `placed`), so a repeat reserves
 * nothing; it announces `StockReserved` again, in case the first run failed between reserving
 * and announcing (PrepareShipment takes a repeat the same way).
 */
export const handler = sqsBatchHandler({ event: OrderPlaced }, async ({ orderId, items }, { logger }) => {
  const reserved = await advanceOrder(orderId, 'placed', 'reserved', { reservedAt: new Date().toISOString() });
  logger.info(reserved ? 'stock reserved' : 'stock already reserved', { orderId, skus: items.map((i) => i.sku) });
  await publish(StockReserved, { orderId, items });
});
