/**
 * DynamoDB's JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`) over the in-memory
 * tables: PutItem, GetItem, DeleteItem, UpdateItem, Query, Scan, BatchGetItem, BatchWriteItem,
 * DescribeTable, ListTables. Served so that apps whose handlers keep state in a table (like
 * the example shop) run end to end; it is not an emulator of DynamoDB's limits or indexes.
 */
import { applyUpdate, evaluateCondition, ExpressionError, project, type ExpressionContext, type Item } from '../dynamodb/expressions';
import { keyAttributes, keyOf, sortedItems, TableNotFoundError, type LocalTable, type TableStore } from '../dynamodb/table-store';
import { AwsServiceError, jsonResponse, type AwsResponse } from './protocol';

const JSON_10 = 'application/x-amz-json-1.0';
const PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** Handles one DynamoDB operation. */
export function handleDynamoDb(store: TableStore, operation: string, input: Record<string, unknown>): AwsResponse {
  try {
    return jsonResponse(run(store, operation, input), JSON_10);
  } catch (err) {
    if (err instanceof AwsServiceError) throw err;
    const e = err as Error;
    if (e instanceof TableNotFoundError || e instanceof ExpressionError || e.name === 'ValidationException' || e.name === 'ConditionalCheckFailedException') {
      throw new AwsServiceError(400, `${PREFIX}${e.name}`, e.message);
    }
    throw err;
  }
}

function run(store: TableStore, operation: string, input: Record<string, unknown>): unknown {
  const ctx: ExpressionContext = { names: input.ExpressionAttributeNames as Record<string, string>, values: input.ExpressionAttributeValues as ExpressionContext['values'] };
  switch (operation) {
    case 'ListTables':
      return { TableNames: store.list().map((t) => t.model.name) };
    case 'DescribeTable': {
      const t = store.get(input.TableName);
      return { Table: { TableName: t.model.name, TableArn: t.model.arn, TableStatus: 'ACTIVE', ItemCount: t.items.size, KeySchema: keySchema(t) } };
    }
    case 'PutItem': {
      const t = store.get(input.TableName);
      const item = structuredClone(input.Item as Item);
      const key = keyOf(t, item);
      const old = t.items.get(key);
      check(input.ConditionExpression, old, ctx);
      t.items.set(key, item);
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
    }
    case 'GetItem': {
      const t = store.get(input.TableName);
      const item = t.items.get(keyOf(t, input.Key as Item));
      return item ? { Item: project(item, input.ProjectionExpression as string | undefined, ctx) } : {};
    }
    case 'DeleteItem': {
      const t = store.get(input.TableName);
      const key = keyOf(t, input.Key as Item);
      const old = t.items.get(key);
      check(input.ConditionExpression, old, ctx);
      t.items.delete(key);
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
    }
    case 'UpdateItem': {
      const t = store.get(input.TableName);
      const key = keyOf(t, input.Key as Item);
      const old = t.items.get(key);
      check(input.ConditionExpression, old, ctx);
      const updated = applyUpdate(String(input.UpdateExpression ?? ''), structuredClone(old ?? (input.Key as Item)), ctx);
      t.items.set(key, updated);
      if (input.ReturnValues === 'ALL_NEW') return { Attributes: updated };
      if (input.ReturnValues === 'ALL_OLD' && old) return { Attributes: old };
      return {};
    }
    case 'Query': {
      const t = store.get(input.TableName);
      if (input.IndexName) throw new AwsServiceError(400, `${PREFIX}ValidationException`, `Secondary indexes are not served locally (IndexName ${String(input.IndexName)})`);
      let items = sortedItems(t).filter((i) => evaluateCondition(String(input.KeyConditionExpression), i, ctx));
      if (input.ScanIndexForward === false) items = items.reverse();
      return page(t, items, input, ctx);
    }
    case 'Scan':
      return page(store.get(input.TableName), sortedItems(store.get(input.TableName)), input, ctx);
    case 'BatchGetItem': {
      const requests = input.RequestItems as Record<string, { Keys: Item[]; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }>;
      const Responses: Record<string, Item[]> = {};
      for (const [name, r] of Object.entries(requests)) {
        const t = store.get(name);
        Responses[name] = r.Keys.map((k) => t.items.get(keyOf(t, k))).filter((i): i is Item => !!i).map((i) => project(i, r.ProjectionExpression, { names: r.ExpressionAttributeNames }));
      }
      return { Responses, UnprocessedKeys: {} };
    }
    case 'BatchWriteItem': {
      const requests = input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>>;
      for (const [name, writes] of Object.entries(requests)) {
        const t = store.get(name);
        for (const w of writes) {
          if (w.PutRequest) t.items.set(keyOf(t, w.PutRequest.Item), structuredClone(w.PutRequest.Item));
          if (w.DeleteRequest) t.items.delete(keyOf(t, w.DeleteRequest.Key));
        }
      }
      return { UnprocessedItems: {} };
    }
    default:
      throw new AwsServiceError(400, `${PREFIX}UnknownOperationException`, `Operation ${operation} is not supported by the local DynamoDB`);
  }
}

function check(condition: unknown, item: Item | undefined, ctx: ExpressionContext): void {
  if (typeof condition === 'string' && !evaluateCondition(condition, item, ctx)) {
    throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
  }
}

/** Applies ExclusiveStartKey, Limit (counted before the filter, as DynamoDB does), FilterExpression and projection. */
function page(t: LocalTable, items: Item[], input: Record<string, unknown>, ctx: ExpressionContext) {
  let start = 0;
  if (input.ExclusiveStartKey) {
    const after = keyOf(t, input.ExclusiveStartKey as Item);
    start = items.findIndex((i) => keyOf(t, i) === after) + 1;
  }
  const limit = typeof input.Limit === 'number' ? input.Limit : Infinity;
  const slice = items.slice(start, start + limit);
  const filtered = typeof input.FilterExpression === 'string' ? slice.filter((i) => evaluateCondition(input.FilterExpression as string, i, ctx)) : slice;
  const last = start + limit < items.length ? slice[slice.length - 1] : undefined;
  return {
    Items: filtered.map((i) => project(i, input.ProjectionExpression as string | undefined, ctx)),
    Count: filtered.length,
    ScannedCount: slice.length,
    LastEvaluatedKey: last ? keyAttributes(t, last) : undefined,
  };
}

function keySchema(t: LocalTable) {
  return [{ AttributeName: t.model.partitionKey, KeyType: 'HASH' }, ...(t.model.sortKey ? [{ AttributeName: t.model.sortKey, KeyType: 'RANGE' }] : [])];
}
