/**
 * The shop's events, defined once: the stack derives its rule patterns and Schema Registry
 * entries from them, publishers validate against them, consumers receive them typed.
 */
import { defineEvent } from 'switchyard/runtime';
import { z } from 'zod';

/** One line of an order. */
export const OrderItem = z.object({
  sku: z.string().min(1),
  quantity: z.number().int().min(1),
  unitPrice: z.number().min(0),
});

/** What `POST /orders` accepts. */
export const OrderInput = z.object({
  customerId: z.string().trim().min(1),
  items: z.array(OrderItem).min(1),
});

/** Where an order is in its life. */
export const OrderStatus = z.enum(['placed', 'reserved', 'ready-to-ship']);

/** An order was accepted and stored. */
export const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  description: 'An order was accepted and stored.',
  schema: z.object({ orderId: z.string().uuid(), customerId: z.string(), items: z.array(OrderItem), total: z.number() }),
});

/** Stock was set aside for an order. */
export const StockReserved = defineEvent({
  source: 'shop.inventory',
  detailType: 'StockReserved',
  description: 'Stock was set aside for an order.',
  schema: z.object({ orderId: z.string().uuid(), items: z.array(OrderItem) }),
});

/** The customer was told about their order. */
export const CustomerNotified = defineEvent({
  source: 'shop.orders',
  detailType: 'CustomerNotified',
  description: 'The customer was told about their order.',
  schema: z.object({ orderId: z.string().uuid(), customerId: z.string(), channel: z.enum(['email']), text: z.string() }),
});

/** The nightly summary of orders. */
export const DailyOrderReport = defineEvent({
  source: 'shop.orders',
  detailType: 'DailyOrderReport',
  description: 'Orders and revenue of the day, by status.',
  schema: z.object({ date: z.string(), orders: z.number().int(), revenue: z.number(), byStatus: z.record(z.string(), z.number().int()) }),
});

/** Sum of quantity x unit price, in cents to avoid float drift, back to currency units. */
export function orderTotal(items: Array<z.infer<typeof OrderItem>>): number {
  return items.reduce((cents, item) => cents + Math.round(item.unitPrice * 100) * item.quantity, 0) / 100;
}
