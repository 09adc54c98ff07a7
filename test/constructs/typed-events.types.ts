// Type tests, checked by `tsc --noEmit` (not run by jest): `where` is typed by the event.
import { App, Stack } from 'aws-cdk-lib';
import { z } from 'zod';
import { EventApp } from '../../lib';
import { defineEvent } from '../../lib/runtime';

const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  schema: z.object({ orderId: z.string(), total: z.number(), tags: z.array(z.string()) }),
});
const app = new EventApp(new Stack(new App(), 'Types'), 'App');

app.addSubscription('Ok', { event: OrderPlaced, where: { total: [{ numeric: ['>=', 10] }], orderId: [{ prefix: 'ord_' }] }, handler: 'x.ts' });
app.addSubscription('OkArray', { event: OrderPlaced, where: { tags: ['vip'] }, handler: 'x.ts' });

// @ts-expect-error `nope` is not a field of the detail
app.addSubscription('Unknown', { event: OrderPlaced, where: { nope: ['x'] }, handler: 'x.ts' });
// @ts-expect-error numeric matching on a string field
app.addSubscription('Numeric', { event: OrderPlaced, where: { orderId: [{ numeric: ['>', 1] }] }, handler: 'x.ts' });
// @ts-expect-error a string value for a number field
app.addSubscription('Mismatch', { event: OrderPlaced, where: { total: ['ten'] }, handler: 'x.ts' });
