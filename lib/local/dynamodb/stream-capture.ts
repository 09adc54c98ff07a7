/**
 * Capturing writes for DynamoDB streams. dynalite has no streams, so every write the local
 * endpoint forwards to a table whose stream is read (PutItem, UpdateItem, DeleteItem,
 * BatchWriteItem, TransactWriteItems) is wrapped: the item is read before the write and after
 * it, and the difference becomes a stream record.
 *
 * Why a lock per item: the old image must be the item as it was just before *this* write. Two
 * writes to one item racing through the endpoint could otherwise both read the same "before",
 * and a record would show an old image that never preceded its new one. Every local write to a
 * table goes through this endpoint (handlers' SDK clients, outside clients, custom resources),
 * so serializing the writes to each item here makes before, write and after atomic with
 * respect to every other local write to that item. Writes to different items still run
 * concurrently. A write to several items (a batch, a transaction) takes their locks in one
 * global order, so two of them can never wait on each other.
 */
import type { TableModel } from '../../model';
import type { AwsResponse } from '../aws/protocol';
import { canonical, type Item, type StreamStore, type TableStream } from './streams';

/** The operations that write items. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** Reads items of one table by key (consistent reads), in the order of `keys`; undefined where there is none. */
export type ReadItems = (tableName: string, keys: readonly Item[]) => Promise<Array<Item | undefined>>;

/** One item a write touches, on a table whose stream is read. */
interface Touched {
  readonly stream: TableStream;
  readonly key: Item;
  readonly lock: string;
}

/** Serializes asynchronous work per key. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` holding every lock in `keys` (taken in sorted order, so callers never deadlock). */
  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }

  /** How many keys are locked or awaited (for tests: zero once everything finished). */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

/** Wraps the writes to tables whose streams are read. */
export class StreamCapture {
  private readonly locks = new KeyLocks();

  constructor(
    private readonly streams: StreamStore,
    private readonly read: ReadItems,
  ) {}

  /** True for an operation that may write items. */
  static isWrite(operation: string): boolean {
    return WRITES.has(operation);
  }

  /**
   * Runs `forward` (the write itself) and appends a stream record per item it changed. A failed
   * write (a condition, a validation error) changes nothing and makes no record.
   */
  async write(operation: string, input: Record<string, unknown>, forward: () => Promise<AwsResponse>): Promise<AwsResponse> {
    const touched = this.touched(operation, input);
    if (!touched.length) return forward();
    return this.locks.run(touched.map((t) => t.lock), async () => {
      const before = await this.readAll(touched);
      const response = await forward();
      if (response.status !== 200) return response;
      const after = await this.readAll(touched);
      const now = Date.now();
      touched.forEach((t, i) => this.streams.append(t.stream, t.key, before[i], after[i], now));
      return response;
    });
  }

  /** The items as they are now, one read per table (a batch writes to several items at once). */
  private async readAll(touched: readonly Touched[]): Promise<Array<Item | undefined>> {
    const out: Array<Item | undefined> = new Array(touched.length);
    const byTable = new Map<string, number[]>();
    touched.forEach((t, i) => byTable.set(t.stream.table.name, [...(byTable.get(t.stream.table.name) ?? []), i]));
    await Promise.all([...byTable].map(async ([table, indexes]) => {
      const items = await this.read(table, indexes.map((i) => touched[i].key));
      indexes.forEach((i, j) => (out[i] = items[j]));
    }));
    return out;
  }

  /** The items an operation names, on tables whose streams are read. */
  private touched(operation: string, input: Record<string, unknown>): Touched[] {
    const out: Touched[] = [];
    const add = (tableName: unknown, itemOrKey: unknown) => {
      if (typeof tableName !== 'string' || !itemOrKey || typeof itemOrKey !== 'object') return;
      const stream = this.streams.ofTable(tableName);
      if (!stream || !this.streams.isRead(stream)) return;
      const key = keyOf(stream.table, itemOrKey as Item);
      // Without its key attributes the request is invalid; dynalite answers it.
      if (key) out.push({ stream, key, lock: `${tableName}\u0000${canonical(key)}` });
    };
    if (operation === 'PutItem') add(input.TableName, input.Item);
    else if (operation === 'UpdateItem' || operation === 'DeleteItem') add(input.Key && input.TableName, input.Key);
    else if (operation === 'BatchWriteItem') {
      for (const [table, requests] of Object.entries((input.RequestItems ?? {}) as Record<string, unknown>)) {
        if (!Array.isArray(requests)) continue;
        for (const r of requests as Array<{ PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }>) add(table, r?.PutRequest?.Item ?? r?.DeleteRequest?.Key);
      }
    } else if (operation === 'TransactWriteItems' && Array.isArray(input.TransactItems)) {
      for (const t of input.TransactItems as Array<Record<string, { TableName?: unknown; Item?: unknown; Key?: unknown } | undefined>>) {
        const write = t?.Put ?? t?.Update ?? t?.Delete;
        add(write?.TableName, write?.Item ?? write?.Key);
      }
    }
    return out;
  }
}

/** The key attributes of an item (or a key), in the table's key schema; undefined when one is missing. */
function keyOf(table: TableModel, item: Item): Item | undefined {
  const names = table.sortKey ? [table.partitionKey, table.sortKey] : [table.partitionKey];
  if (names.some((n) => item[n] === undefined)) return undefined;
  return Object.fromEntries(names.map((n) => [n, item[n]]));
}
