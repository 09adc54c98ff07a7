/**
 * Tables kept on disk across restarts, and brought in line with a changed template as a deploy
 * would: through the real DynamoDB client against the local endpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AwsEndpoint } from '../../lib/local/aws/server';
import { TableStore } from '../../lib/local/dynamodb/table-store';
import type { TableModel } from '../../lib/model';
import { ORDERS as WITH_INDEX } from './fixtures/tables';

/** Orders without the status index, then with it. */
const ORDERS: TableModel = { ...WITH_INDEX, attributeDefinitions: WITH_INDEX.attributeDefinitions.filter((a) => a.AttributeName !== 'status'), globalSecondaryIndexes: undefined };
const NEW_KEY: TableModel = { ...ORDERS, sortKey: undefined, keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], attributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] };
const AUDIT: TableModel = { ...ORDERS, logicalId: 'Audit', name: 'audit', arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/audit' };

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-tables-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Opens the tables of `models` kept in `dir`, serves them, runs `use`, stops; resolves with the notes. */
async function withTables(models: TableModel[], use: (ddb: DynamoDBClient) => Promise<void>): Promise<string[]> {
  const tables = new TableStore(models, { path: dir });
  const endpoint = new AwsEndpoint();
  const url = await endpoint.listen(0);
  // Only the table store is used by these calls.
  endpoint.attach({ tables } as unknown as Parameters<AwsEndpoint['attach']>[0]);
  const ddb = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  try {
    const notes = await tables.open();
    await use(ddb);
    return notes;
  } finally {
    ddb.destroy();
    await endpoint.close();
    await tables.stop();
  }
}

const put = (ddb: DynamoDBClient, table: string, sk: number, status: string) => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'c-1' }, sk: { N: String(sk) }, status: { S: status } } }));
const count = async (ddb: DynamoDBClient, table: string) => (await ddb.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count;

test('items survive a restart; a new global index keeps them, re-indexed; a changed key schema replaces the table; a table gone from the app is deleted', async () => {
  expect(
    await withTables([ORDERS, AUDIT], async (ddb) => {
      for (const [sk, status] of [[1, 'placed'], [2, 'shipped'], [3, 'placed']] as const) await put(ddb, 'orders', sk, status);
      await put(ddb, 'audit', 1, 'x');
    }),
  ).toEqual([]);

  // The same template: everything as it was.
  expect(await withTables([ORDERS, AUDIT], async (ddb) => expect([await count(ddb, 'orders'), await count(ddb, 'audit')]).toEqual([3, 1]))).toEqual([]);

  // A global index added, the audit table removed.
  const indexed = await withTables([WITH_INDEX], async (ddb) => {
    const placed = await ddb.send(new QueryCommand({ TableName: 'orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'placed' } } }));
    expect(placed.Items!.map((i) => i.sk.N).sort()).toEqual(['1', '3']);
  });
  expect(indexed).toEqual(['table orders: its global secondary indexes changed; its 3 item(s) were kept and re-indexed', 'table audit is no longer in the app: deleted with its items']);

  // The sort key dropped: CloudFormation replaces such a table, so it starts empty.
  const replaced = await withTables([NEW_KEY, AUDIT], async (ddb) => {
    expect(await count(ddb, 'orders')).toBe(0);
    expect(await count(ddb, 'audit')).toBe(0);
  });
  expect(replaced).toEqual(['table orders: its key schema changed, so it was replaced as CloudFormation would replace it (3 item(s) not carried over)']);
});
