/** Shapes and validation of the example shop's orders, shared by its handlers. */

/** Where events about orders come from. */
export const ORDERS_SOURCE = 'shop.orders';
/** Where events about stock come from. */
export const INVENTORY_SOURCE = 'shop.inventory';

/** One line of an order. */
export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** What `POST /orders` accepts. */
export interface OrderInput {
  readonly customerId: string;
  readonly items: OrderItem[];
}

/** Where an order is in its life. */
export type OrderStatus = 'placed' | 'reserved' | 'ready-to-ship';

/** An order as stored. */
export interface Order extends OrderInput {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly total: number;
  readonly createdAt: string;
}

/** Detail of `OrderPlaced`. */
export interface OrderPlacedDetail {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: OrderItem[];
  readonly total: number;
}

/** Checks an `OrderInput`, returning every problem found (empty when valid). */
export function validateOrderInput(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['body must be a JSON object'];
  const problems: string[] = [];
  const { customerId, items } = input as Record<string, unknown>;
  if (typeof customerId !== 'string' || customerId.trim() === '') problems.push('customerId is required and must be a non-empty string');
  if (!Array.isArray(items) || items.length === 0) {
    problems.push('items is required and must be a non-empty array');
    return problems;
  }
  items.forEach((item, i) => {
    const { sku, quantity, unitPrice } = (item ?? {}) as Record<string, unknown>;
    if (typeof sku !== 'string' || sku === '') problems.push(`items[${i}].sku is required and must be a string`);
    if (!Number.isInteger(quantity) || (quantity as number) < 1) problems.push(`items[${i}].quantity must be a whole number of at least 1`);
    if (typeof unitPrice !== 'number' || !(unitPrice >= 0)) problems.push(`items[${i}].unitPrice must be a number of at least 0`);
  });
  return problems;
}

/** Sum of quantity x unit price, in cents to avoid float drift, back to currency units. */
export function orderTotal(items: OrderItem[]): number {
  return items.reduce((cents, item) => cents + Math.round(item.unitPrice * 100) * item.quantity, 0) / 100;
}
