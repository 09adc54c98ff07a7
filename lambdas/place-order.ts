import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { dynamo, ordersTable, putEvents } from './shared/aws';
import { json } from './shared/http';
import { ORDERS_SOURCE, Order, OrderInput, OrderPlacedDetail, orderTotal, validateOrderInput } from './shared/orders';

/** `POST /orders`: validates the order, stores it, and announces `OrderPlaced`. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  let input: unknown;
  try {
    const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    input = JSON.parse(raw ?? '');
  } catch {
    return json(400, { message: 'Invalid request body', problems: ['body must be valid JSON'] });
  }
  const problems = validateOrderInput(input);
  if (problems.length > 0) return json(400, { message: 'Invalid order', problems });

  const { customerId, items } = input as OrderInput;
  const order: Order = {
    orderId: randomUUID(),
    customerId,
    items,
    total: orderTotal(items),
    status: 'placed',
    createdAt: new Date().toISOString(),
  };
  await dynamo.send(
    new PutItemCommand({
      TableName: ordersTable(),
      Item: {
        orderId: { S: order.orderId },
        customerId: { S: order.customerId },
        items: { S: JSON.stringify(order.items) },
        total: { N: String(order.total) },
        status: { S: order.status },
        createdAt: { S: order.createdAt },
      },
      ConditionExpression: 'attribute_not_exists(orderId)',
    }),
  );
  const detail: OrderPlacedDetail = { orderId: order.orderId, customerId, items, total: order.total };
  await putEvents([{ Source: ORDERS_SOURCE, DetailType: 'OrderPlaced', Detail: detail }]);
  return json(201, order);
}
