import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

// Clients are created once per container and reused across invocations (connection reuse).
export const dynamo = new DynamoDBClient({});
export const eventBridge = new EventBridgeClient({});

/** Name of the orders table, from the environment the stack sets. */
export function ordersTable(): string {
  const name = process.env.ORDERS_TABLE;
  if (!name) throw new Error('ORDERS_TABLE is not set');
  return name;
}

/**
 * Puts events on the app's bus and fails if any entry was not accepted: PutEvents answers 200
 * even when entries fail (FailedEntryCount), and a silently dropped event is a lost order.
 */
export async function putEvents(entries: Array<Omit<PutEventsRequestEntry, 'EventBusName' | 'Detail'> & { Detail: unknown }>): Promise<void> {
  const bus = process.env.SWITCHYARD_BUS_NAME;
  if (!bus) throw new Error('SWITCHYARD_BUS_NAME is not set: give the function publishes: true');
  const result = await eventBridge.send(
    new PutEventsCommand({
      Entries: entries.map((e) => ({ ...e, EventBusName: bus, Detail: JSON.stringify(e.Detail) })),
    }),
  );
  if (result.FailedEntryCount) {
    const failures = (result.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
    throw new Error(`PutEvents rejected ${result.FailedEntryCount} of ${entries.length} events: ${failures.join('; ')}`);
  }
}
