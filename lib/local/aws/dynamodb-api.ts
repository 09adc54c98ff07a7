/**
 * DynamoDB's JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`), answered by the
 * app's local tables (see `TableStore`), so handlers that keep state in a table run unchanged.
 */
import type { TableStore } from '../dynamodb/table-store';
import type { AwsResponse } from './protocol';

/** Handles one DynamoDB operation. */
export function handleDynamoDb(store: TableStore, operation: string, input: Record<string, unknown>): Promise<AwsResponse> {
  return store.handle(operation, input);
}
