import { DynamoDBClient, GetItemCommand, UpdateItemCommand, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';

// Created once per container and reused across invocations (connection reuse).
export const dynamo = new DynamoDBClient({});

/** Name of the orders table, from the environment the stack sets. */
export function ordersTable(): string {
  const name = process.env.ORDERS_TABLE;
  if (!name) throw new Error('ORDERS_TABLE is not set');
  return name;
}

/**
 * Moves an order from one status to the next, in one conditional write. Returns false when the
 * order was no longer in `from` (EventBridge, SQS and Lambda deliver at least once, so a
 * repeat must change nothing); throws when there is no such order, so that the event is
 * retried and then kept in a dead-letter queue rather than acted on.
 */
export async function advanceOrder(
  orderId: string,
  from: string,
  to: string,
  extra: Record<string, string> = {},
): Promise<boolean> {
  const sets = Object.keys(extra).map((_key, i) => `#x${i} = :x${i}`);
  const input: UpdateItemCommandInput = {
    TableName: ordersTable(),
    Key: { orderId: { S: orderId } },
    UpdateExpression: ['SET #status = :to', ...sets].join(', '),
    ConditionExpression: '#status = :from',
    ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(Object.keys(extra).map((key, i) => [`#x${i}`, key])) },
    ExpressionAttributeValues: {
      ':to': { S: to },
      ':from': { S: from },
      ...Object.fromEntries(Object.values(extra).map((value, i) => [`:x${i}`, { S: value }])),
    },
  };
  try {
    await dynamo.send(new UpdateItemCommand(input));
    return true;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  // Only a failed condition gets here: tell "already moved on" from "no such order".
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: ordersTable(), Key: { orderId: { S: orderId } }, ProjectionExpression: 'orderId', ConsistentRead: true }));
  if (!Item) throw new Error(`Order ${orderId} not found`);
  return false;
}
