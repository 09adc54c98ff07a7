/**
 * The app's DynamoDB tables, served by dynalite: an implementation of DynamoDB's API on
 * LevelDB, maintained for this purpose and faithful in the parts an app's handlers lean on
 * (expressions and their errors, conditional writes, indexes, paging). In memory (LevelDB's
 * memory backend) unless given a folder, where LevelDB keeps the items across restarts.
 * The tables are created from the template's key schemas when the first request arrives, or
 * at {@link TableStore.open}; kept tables are brought in line with the template then.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { TableModel } from '../../model';
import type { AwsResponse } from '../aws/protocol';
import { reconcileTables } from './reconcile';
import { StreamCapture } from './stream-capture';
import { canonical, type StreamStore } from './streams';

const TARGET_PREFIX = 'DynamoDB_20120810.';
// dynalite checks that a request is signed, not the signature: any well-formed header passes.
const LOCAL_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';

/** Options for {@link TableStore}. */
export interface TableStoreOptions {
  /** A folder where LevelDB keeps the tables across restarts. @default none: in memory */
  readonly path?: string;
  /** The tables' streams: writes to a table whose stream is read append records to it. @default no streams */
  readonly streams?: StreamStore;
}

/** One DynamoDB operation against the local tables: its parsed answer, or an error with DynamoDB's message. */
export type TableCall = (operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The tables of an app. */
export class TableStore {
  private server?: http.Server;
  private started?: Promise<number>;
  private readonly nameByArn: Map<string, string>;
  private notes: string[] = [];
  private readonly capture?: StreamCapture;

  constructor(
    private readonly models: readonly TableModel[],
    private readonly options: TableStoreOptions = {},
  ) {
    this.nameByArn = new Map(models.map((m) => [m.arn, m.name]));
    if (options.streams) {
      this.capture = new StreamCapture(options.streams, (table, keys) => this.readItems(table, keys));
    }
  }

  /**
   * Starts serving now rather than at the first request. For kept tables, resolves with notes
   * on what bringing them in line with the template changed (see reconcile.ts).
   */
  async open(): Promise<string[]> {
    await this.start();
    return this.notes;
  }

  /** How many items each table holds (a paged `Scan` with `Select: COUNT`). */
  async itemCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const model of this.models) {
      let count = 0;
      let ExclusiveStartKey: unknown;
      do {
        const page = await this.call('Scan', { TableName: model.name, Select: 'COUNT', ExclusiveStartKey });
        count += Number(page.Count ?? 0);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      counts.set(model.name, count);
    }
    return counts;
  }

  /** The tables, as read from the template. */
  list(): readonly TableModel[] {
    return this.models;
  }

  /**
   * Answers one DynamoDB JSON-protocol operation. The response (status, body, the CRC32 the
   * SDK checks) is DynamoDB's own wording, passed through untouched.
   */
  async handle(operation: string, input: Record<string, unknown>): Promise<AwsResponse> {
    const port = await this.start();
    // DynamoDB takes a table ARN wherever it takes a name; dynalite takes names only.
    const named = typeof input.TableName === 'string' && this.nameByArn.has(input.TableName) ? { ...input, TableName: this.nameByArn.get(input.TableName) } : input;
    const body = withoutNulls(named) as Record<string, unknown>;
    if (this.capture && StreamCapture.isWrite(operation)) return this.capture.write(operation, body, () => request(port, operation, body));
    return request(port, operation, body);
  }

  /** Stops the server and closes LevelDB; in memory, the tables' contents are gone. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.started = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        // A request dynalite never answers would hold the close for minutes; one in flight is
        // given time to finish (cutting it short makes dynalite throw out of its handler).
        const cut = setTimeout(() => server.closeAllConnections(), 2000).unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
      });
    }
  }

  private readonly call: TableCall = async (operation, input) => callTable(await this.start(), operation, input);

  /** Items by key, read consistently: `GetItem` for one, `BatchGetItem` (100 keys a call) for more. */
  private async readItems(TableName: string, keys: readonly Record<string, unknown>[]): Promise<Array<Record<string, unknown> | undefined>> {
    type Item = Record<string, unknown>;
    if (keys.length === 1) return [(await this.call('GetItem', { TableName, Key: keys[0], ConsistentRead: true })).Item as Item | undefined];
    const found = new Map<string, Item>();
    const keyNames = Object.keys(keys[0]);
    const keyText = (item: Item) => canonical(Object.fromEntries(keyNames.map((n) => [n, item[n]])));
    // One key once: BatchGetItem refuses duplicates, and a batch may write an item twice.
    const unique = [...new Map(keys.map((k) => [keyText(k), k])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let pending: unknown = { [TableName]: { Keys: unique.slice(i, i + 100), ConsistentRead: true } };
      // dynalite answers whole; UnprocessedKeys are asked again as DynamoDB's clients do.
      while (pending && Object.keys(pending).length) {
        const page = await this.call('BatchGetItem', { RequestItems: pending });
        for (const item of ((page.Responses as Record<string, Item[]> | undefined)?.[TableName] ?? [])) found.set(keyText(item), item);
        pending = page.UnprocessedKeys;
      }
    }
    return keys.map((k) => found.get(keyText(k)));
  }

  private start(): Promise<number> {
    this.started ??= (async () => {
      const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: this.options.path });
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      const call: TableCall = (operation, input) => callTable(port, operation, input);
      if (this.options.path) this.notes = await reconcileTables(call, this.models, (model) => createTable(port, model));
      else for (const model of this.models) await createTable(port, model);
      return port;
    })();
    return this.started;
  }
}

/**
 * A request as DynamoDB's deserializer sees it: a `null` member is an absent one, and a `null`
 * list element an empty value (which DynamoDB refuses: "Supplied AttributeValue is empty").
 * dynalite reads nulls inside maps and lists as attribute values and throws a TypeError out of
 * its request handler, which would end the process; here they never reach it. Recursion is
 * bounded: the endpoint refuses requests nested more than 100 levels deep.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === null ? {} : withoutNulls(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

async function createTable(port: number, model: TableModel): Promise<void> {
  const response = await request(port, 'CreateTable', {
    TableName: model.name,
    KeySchema: model.keySchema,
    AttributeDefinitions: model.attributeDefinitions,
    GlobalSecondaryIndexes: model.globalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })),
    LocalSecondaryIndexes: model.localSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })),
    BillingMode: 'PAY_PER_REQUEST',
  });
  if (response.status !== 200) throw new Error(`Could not create local table ${model.name} (${model.logicalId}): ${String(response.body)}`);
  // Like DynamoDB, dynalite answers CREATING and turns the table ACTIVE a moment later (a
  // timer); until then requests get ResourceNotFoundException. Bounded: a few ms in practice.
  for (let attempt = 0; attempt < 500; attempt++) {
    const described = await request(port, 'DescribeTable', { TableName: model.name });
    const table = (JSON.parse(String(described.body)) as { Table?: { TableStatus?: string; GlobalSecondaryIndexes?: Array<{ IndexStatus?: string }> } }).Table;
    if (table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Local table ${model.name} (${model.logicalId}) did not become ACTIVE`);
}

/** One operation, its answer parsed; DynamoDB's error message when it fails. */
async function callTable(port: number, operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await request(port, operation, input);
  const body = JSON.parse(String(response.body)) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${operation} failed: ${String(body.message ?? body.__type ?? response.status)}`);
  return body;
}

function request(port: number, operation: string, input: unknown): Promise<AwsResponse> {
  const payload = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(payload),
          'x-amz-target': `${TARGET_PREFIX}${operation}`,
          'x-amz-date': '20260101T000000Z',
          authorization: LOCAL_AUTHORIZATION,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
          const crc = res.headers['x-amz-crc32'];
          if (typeof crc === 'string') headers['x-amz-crc32'] = crc;
          resolve({ status: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
