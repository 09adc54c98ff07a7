import { createHash } from 'node:crypto';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { dynamo, ordersTable } from './shared/aws';
import { OrderItem } from './shared/orders';

/** Reacts to `StockReserved` (published by reserve-stock): books a shipment for the order. */
export async function handler(event: EventBridgeEvent<'StockReserved', { orderId: string; items: OrderItem[] }>): Promise<void> {
  const { orderId } = event.detail;
  // Derived from the order id, so a redelivered event books the same shipment.
  const shipmentId = `shp_${createHash('sha256').update(orderId).digest('hex').slice(0, 12)}`;
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: ordersTable(),
        Key: { orderId: { S: orderId } },
        UpdateExpression: 'SET #status = :ready, shipmentId = :shipment',
        ConditionExpression: '#status = :reserved',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':ready': { S: 'ready-to-ship' }, ':reserved': { S: 'reserved' }, ':shipment': { S: shipmentId } },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  console.log(JSON.stringify({ message: 'shipment prepared', orderId, shipmentId }));
}
