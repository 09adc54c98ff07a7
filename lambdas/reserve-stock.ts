import { eventHandler, publish } from 'switchyard/runtime';
import { OrderPlaced, StockReserved } from './events';
import { advanceOrder } from './shared/aws';

/**
 * Reserves stock for a placed order, then announces `StockReserved`. A redelivered event
 * finds the order already reserved and only announces again (consumers are idempotent too).
 */
export const handler = eventHandler(OrderPlaced, async ({ orderId, items }, { logger }) => {
  const reserved = await advanceOrder(orderId, 'placed', 'reserved', { reservedAt: new Date().toISOString() });
  logger.info(reserved ? 'stock reserved' : 'stock already reserved', { orderId, skus: items.map((i) => i.sku) });
  await publish(StockReserved, { orderId, items });
});
