/**
 * Bringing kept tables in line with the template at start, as a deploy of the changed template
 * would: a table whose key schema (or local indexes, which exist only from creation) changed is
 * replaced, empty, as CloudFormation replaces it; a table whose global indexes changed keeps its
 * items, re-indexed (DynamoDB adds and removes those online; dynalite cannot, so the table is
 * rebuilt with its items); a table no longer in the app is deleted.
 */
import type { TableModel } from '../../model';
import type { TableCall } from './table-store';

/** A table's schema in comparable form. */
interface Schema {
  readonly KeySchema?: ReadonlyArray<{ readonly AttributeName: string; readonly KeyType: string }>;
  readonly AttributeDefinitions?: ReadonlyArray<{ readonly AttributeName: string; readonly AttributeType: string }>;
  readonly GlobalSecondaryIndexes?: ReadonlyArray<Record<string, unknown>>;
  readonly LocalSecondaryIndexes?: ReadonlyArray<Record<string, unknown>>;
}

/** Most items a BatchWriteItem takes. */
const BATCH_WRITE_MAX = 25;

/**
 * Creates the tables that are missing (with `create`) and reconciles the kept ones; resolves
 * with a note for each table it changed.
 */
export async function reconcileTables(call: TableCall, models: readonly TableModel[], create: (model: TableModel) => Promise<void>): Promise<string[]> {
  const notes: string[] = [];
  const kept = new Set(await listTables(call));
  for (const model of models) {
    if (!kept.delete(model.name)) {
      await create(model);
      continue;
    }
    const table = (await call('DescribeTable', { TableName: model.name })).Table as Schema & { ItemCount?: number };
    const wanted: Schema = { KeySchema: model.keySchema, AttributeDefinitions: model.attributeDefinitions, GlobalSecondaryIndexes: model.globalSecondaryIndexes, LocalSecondaryIndexes: model.localSecondaryIndexes };
    if (keySignature(table) !== keySignature(wanted)) {
      const count = (await scanAll(call, model.name)).length;
      await replace(call, model, create, []);
      notes.push(`table ${model.name}: its key schema changed, so it was replaced as CloudFormation would replace it (${count} item(s) not carried over)`);
    } else if (JSON.stringify(indexes(table, table.GlobalSecondaryIndexes)) !== JSON.stringify(indexes(wanted, wanted.GlobalSecondaryIndexes))) {
      const items = await scanAll(call, model.name);
      await replace(call, model, create, items);
      notes.push(`table ${model.name}: its global secondary indexes changed; its ${items.length} item(s) were kept and re-indexed`);
    }
  }
  for (const name of kept) {
    await deleteTable(call, name);
    notes.push(`table ${name} is no longer in the app: deleted with its items`);
  }
  return notes;
}

/** Deletes the table, creates it anew and writes `items` back. */
async function replace(call: TableCall, model: TableModel, create: (model: TableModel) => Promise<void>, items: readonly unknown[]): Promise<void> {
  await deleteTable(call, model.name);
  await create(model);
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
    const requests = items.slice(i, i + BATCH_WRITE_MAX).map((Item) => ({ PutRequest: { Item } }));
    await call('BatchWriteItem', { RequestItems: { [model.name]: requests } });
  }
}

async function listTables(call: TableCall): Promise<string[]> {
  const names: string[] = [];
  let ExclusiveStartTableName: unknown;
  do {
    const page = await call('ListTables', { ExclusiveStartTableName });
    names.push(...(page.TableNames as string[]));
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  return names;
}

async function scanAll(call: TableCall, name: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let ExclusiveStartKey: unknown;
  do {
    const page = await call('Scan', { TableName: name, ExclusiveStartKey });
    items.push(...(page.Items as unknown[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Deletes a table and waits until it is gone (dynalite finishes deleting on a timer). */
async function deleteTable(call: TableCall, name: string): Promise<void> {
  await call('DeleteTable', { TableName: name });
  // Bounded: dynalite (deleteTableMs: 0) is done within a few ms.
  for (let attempt = 0; attempt < 500; attempt++) {
    if (!(await listTables(call)).includes(name)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Local table ${name} was not deleted`);
}

/** Key schema with the key attributes' types, and the local indexes. */
function keySignature(schema: Schema): string {
  return JSON.stringify([keys(schema, schema.KeySchema), indexes(schema, schema.LocalSecondaryIndexes)]);
}

function keys(schema: Schema, keySchema: Schema['KeySchema']): string[] {
  const typeOf = (name: string) => schema.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  return (keySchema ?? []).map((k) => `${k.KeyType}:${k.AttributeName}:${typeOf(k.AttributeName)}`);
}

function indexes(schema: Schema, list: ReadonlyArray<Record<string, unknown>> | undefined): unknown[] {
  return [...(list ?? [])]
    .map((i) => ({ name: i.IndexName, keys: keys(schema, i.KeySchema as Schema['KeySchema']), projection: projection(i.Projection) }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

function projection(value: unknown): unknown {
  const p = (value ?? {}) as { ProjectionType?: string; NonKeyAttributes?: string[] };
  return [p.ProjectionType ?? 'ALL', [...(p.NonKeyAttributes ?? [])].sort()];
}
