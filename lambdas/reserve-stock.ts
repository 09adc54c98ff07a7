import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { dynamo, ordersTable, putEvents } from './shared/aws';
import { INVENTORY_SOURCE, OrderPlacedDetail } from './shared/orders';

/**
 * Reserves stock for a placed order, then announces `StockReserved`.
 * Idempotent: EventBridge and Lambda deliver at least once, so a repeat finds the order
 * already reserved and only re-announces.
 */
export async function handler(event: EventBridgeEvent<'OrderPlaced', OrderPlacedDetail>): Promise<void> {
  const { orderId, items } = event.detail;
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: ordersTable(),
        Key: { orderId: { S: orderId } },
        UpdateExpression: 'SET #status = :reserved, reservedAt = :now',
        ConditionExpression: '#status = :placed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':reserved': { S: 'reserved' }, ':placed': { S: 'placed' }, ':now': { S: new Date().toISOString() } },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  console.log(JSON.stringify({ message: 'stock reserved', orderId, skus: items.map((i) => i.sku) }));
  await putEvents([{ Source: INVENTORY_SOURCE, DetailType: 'StockReserved', Detail: { orderId, items } }]);
}
