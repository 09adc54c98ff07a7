/**
 * In-memory DynamoDB tables keyed by their key schema. Not an AWS emulator: enough for the
 * handlers of an app (put, get, delete, update with conditions, query, scan) to run locally.
 */
import type { TableModel } from '../../model';
import { compare, type AttributeValue, type Item } from './expressions';

/** A local table. */
export interface LocalTable {
  readonly model: TableModel;
  /** Key string -> item. */
  readonly items: Map<string, Item>;
}

/** Thrown for a table that does not exist (DynamoDB: ResourceNotFoundException). */
export class TableNotFoundError extends Error {
  constructor(name: string) {
    super(`Requested resource not found: Table: ${name} not found`);
    this.name = 'ResourceNotFoundException';
  }
}

/** The tables of an app. */
export class TableStore {
  private readonly tables = new Map<string, LocalTable>();

  constructor(models: readonly TableModel[]) {
    for (const model of models) {
      const table = { model, items: new Map<string, Item>() };
      this.tables.set(model.name, table);
      this.tables.set(model.arn, table);
    }
  }

  /** Every table. */
  list(): LocalTable[] {
    return [...new Set(this.tables.values())];
  }

  /** A table by name or ARN. */
  get(ref: unknown): LocalTable {
    const t = typeof ref === 'string' ? this.tables.get(ref) : undefined;
    if (!t) throw new TableNotFoundError(String(ref));
    return t;
  }
}

/** The map key of an item (or a Key), checking that the key attributes are there. */
export function keyOf(table: LocalTable, item: Item): string {
  const { partitionKey, sortKey } = table.model;
  const pk = item[partitionKey];
  if (!pk) throw Object.assign(new Error(`One or more parameter values were invalid: Missing the key ${partitionKey} in the item`), { name: 'ValidationException' });
  const sk = sortKey ? item[sortKey] : undefined;
  if (sortKey && !sk) throw Object.assign(new Error(`One or more parameter values were invalid: Missing the key ${sortKey} in the item`), { name: 'ValidationException' });
  return JSON.stringify([pk, sk ?? null]);
}

/** Just the key attributes of an item. */
export function keyAttributes(table: LocalTable, item: Item): Item {
  const out: Item = { [table.model.partitionKey]: item[table.model.partitionKey] };
  if (table.model.sortKey) out[table.model.sortKey] = item[table.model.sortKey];
  return out;
}

/** Items in key order: by partition key, then sort key (what Scan and Query page through). */
export function sortedItems(table: LocalTable): Item[] {
  const { partitionKey, sortKey } = table.model;
  return [...table.items.values()].sort((a, b) => keyCompare(a[partitionKey], b[partitionKey]) || (sortKey ? keyCompare(a[sortKey], b[sortKey]) : 0));
}

function keyCompare(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  const c = compare(a, b);
  return Number.isNaN(c) ? 0 : c;
}
