import { eventHandler, publish } from 'switchyard/runtime';
import { CustomerNotified, OrderPlaced } from './events';

/** Tells the customer their order was received, and records that it did. */
export const handler = eventHandler(OrderPlaced, async ({ orderId, customerId, total, items }, { logger }) => {
  const count = items.reduce((n, item) => n + item.quantity, 0);
  const text = `Thanks! Order ${orderId}: ${count} item(s), total ${total.toFixed(2)}.`;
  logger.info('customer notified', { orderId, customerId });
  await publish(CustomerNotified, { orderId, customerId, channel: 'email', text });
});
