import { eventHandler } from 'switchyard/runtime';
import { OrderPlaced } from '../events';

/** Thrown for an order billing cannot invoice: the delivery fails, is retried, and ends in billing's DLQ. */
export class NotBillableError extends Error {
  constructor(orderId: string, total: number) {
    super(`order ${orderId} cannot be invoiced: its total is ${total}`);
    this.name = 'NotBillableError';
  }
}

/**
 * Billing's subscriber: the shop's OrderPlaced reaches billing's own bus through the forwarding
 * rule on the shop's bus; an invoice is issued for each order with a positive total.
 */
export const handler = eventHandler(OrderPlaced, async ({ orderId, customerId, total }, { logger }) => {
  if (!(total > 0)) throw new NotBillableError(orderId, total);
  const invoice = { invoiceId: `inv-${orderId}`, orderId, customerId, amount: Math.round(total * 100) / 100 };
  logger.info('invoice issued', invoice);
  return invoice;
});
