import { createHash } from 'node:crypto';
import { eventHandler } from 'switchyard/runtime';
import { StockReserved } from './events';
import { advanceOrder } from './shared/aws';

/** Reacts to `StockReserved` (published by reserve-stock): books a shipment for the order. */
export const handler = eventHandler(StockReserved, async ({ orderId }, { logger }) => {
  // Derived from the order id, so a redelivered event books the same shipment.
  const shipmentId = `shp_${createHash('sha256').update(orderId).digest('hex').slice(0, 12)}`;
  const booked = await advanceOrder(orderId, 'reserved', 'ready-to-ship', { shipmentId });
  logger.info(booked ? 'shipment prepared' : 'shipment already prepared', { orderId, shipmentId });
});
