import { createHmac, randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getSecret, httpHandler, json, publish } from 'switchyard/runtime';
import { OrderInput, OrderPlaced, orderTotal } from './events';
import { dynamo, ordersTable } from './shared/aws';

/**
 * `POST /orders` (a token with `orders:write`): validates the order (malformed JSON or invalid
 * fields answer 400 with every problem), stores it with a payment reference signed with the
 * payment provider's key, and announces `OrderPlaced`.
 */
export const handler = httpHandler({ body: OrderInput }, async ({ body }, { logger }) => {
  const orderId = randomUUID();
  // Cached per container for 5 minutes; read from Secrets Manager in AWS. Locally from
  // .switchyard/secrets.json if you put a real key there, else the fake one in dev-secrets.json.
  const paymentKey = await getSecret('paymentApiKey');
  const order = {
    orderId,
    paymentReference: createHmac('sha256', paymentKey).update(orderId).digest('hex').slice(0, 16),
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
        paymentReference: { S: order.paymentReference },
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
