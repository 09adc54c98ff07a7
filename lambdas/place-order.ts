import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { httpHandler, json, publish } from 'switchyard/runtime';
import { OrderInput, OrderPlaced, orderTotal } from './events';
import { dynamo, ordersTable } from './shared/aws';

/**
 * `POST /orders`: validates the order (malformed JSON or invalid fields answer 400 with every
 * problem), stores it, and announces `OrderPlaced`.
 */
export const handler = httpHandler({ body: OrderInput }, async ({ body }, { logger }) => {
  const order = {
    orderId: randomUUID(),
    customerId: body.customerId,
    items: body.items,
    total: orderTotal(body.items),
    status: 'placed' as const,
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
  await publish(OrderPlaced, { orderId: order.orderId, customerId: order.customerId, items: order.items, total: order.total });
  logger.info('order placed', { orderId: order.orderId, total: order.total });
  return json(201, order);
});
