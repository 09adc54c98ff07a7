import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { NotFoundError, httpHandler } from 'switchyard/runtime';
import { z } from 'zod';
import { dynamo, ordersTable } from './shared/aws';

/** `GET /orders/{id}`: the order and its current status. */
export const handler = httpHandler({ params: z.object({ id: z.string().uuid() }) }, async ({ params }) => {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: ordersTable(), Key: { orderId: { S: params.id } }, ConsistentRead: true }));
  if (!Item) throw new NotFoundError(`Order ${params.id} not found`);
  return {
    orderId: Item.orderId.S,
    customerId: Item.customerId.S,
    items: JSON.parse(Item.items.S ?? '[]'),
    total: Number(Item.total.N),
    status: Item.status.S,
    createdAt: Item.createdAt.S,
    ...(Item.reservedAt ? { reservedAt: Item.reservedAt.S } : {}),
    ...(Item.shipmentId ? { shipmentId: Item.shipmentId.S } : {}),
  };
});
