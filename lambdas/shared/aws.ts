import { DynamoDBClient, UpdateItemCommand, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';

// Created once per container and reused across invocations (connection reuse).
export const dynamo = new DynamoDBClient({});

/** Name of the orders table, from the environment the stack sets. */
export function ordersTable(): string {
  const name = process.env.ORDERS_TABLE;
  if (!name) throw new Error('ORDERS_TABLE is not set');
  return name;
}

/**
 * Moves an order from one status to the next. Returns false when the order was not in
 * `from`: EventBridge and Lambda deliver at least once, so a repeat must be harmless.
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
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
