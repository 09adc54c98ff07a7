import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { dynamo, ordersTable } from './shared/aws';
import { json } from './shared/http';

const ORDER_ID = /^[0-9a-f-]{36}$/;

/** `GET /orders/{id}`: the order and its current status. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const id = event.pathParameters?.id ?? '';
  if (!ORDER_ID.test(id)) return json(400, { message: 'Invalid order id', problems: ['id must be a UUID'] });
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: ordersTable(), Key: { orderId: { S: id } }, ConsistentRead: true }));
  if (!Item) return json(404, { message: `Order ${id} not found` });
  return json(200, {
    orderId: Item.orderId.S,
    customerId: Item.customerId.S,
    items: JSON.parse(Item.items.S ?? '[]'),
    total: Number(Item.total.N),
    status: Item.status.S,
    createdAt: Item.createdAt.S,
    ...(Item.reservedAt ? { reservedAt: Item.reservedAt.S } : {}),
    ...(Item.shipmentId ? { shipmentId: Item.shipmentId.S } : {}),
  });
}
