/** `GET /api/tables` and a table's items, end to end: items written with the real DynamoDB client, read back in pages. */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalApp } from '../../../lib/local';
import type { TableItemsPage, TablesList } from '../../../lib/local/console/api-types';
import { clientConfig, startPlainApp } from '../../local/helpers';
import { call } from './helpers';

let app: LocalApp;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  app = await startPlainApp({ consolePort: 0, app: { table: true } });
  dynamodb = new DynamoDBClient(clientConfig(app));
}, 120_000);

afterAll(async () => {
  dynamodb?.destroy();
  await app?.stop();
});

test('lists the tables and pages through their items as plain JSON', async () => {
  const table = app.model.tables[0].name;
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, sk: { N: '1' }, tags: { SS: ['x', 'y'] }, big: { N: '12345678901234567890123' }, nested: { M: { ok: { BOOL: true }, list: { L: [{ NULL: true }, { N: '2.5' }] } } } } }));
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'b' }, sk: { N: '2' } } }));
  const tables = await call<TablesList>(app, '/api/tables');
  expect(tables.body.tables).toEqual([{ name: table, tableName: table, partitionKey: 'pk', sortKey: 'sk', itemCount: 2 }]);

  const first = (await call<TableItemsPage>(app, `/api/tables/${table}/items?limit=1`)).body;
  expect(first.items).toHaveLength(1);
  expect(first.next).toEqual(expect.any(String));
  const second = (await call<TableItemsPage>(app, `/api/tables/${table}/items?limit=1&next=${first.next}`)).body;
  const items = [...first.items, ...second.items].sort((x, y) => String(x.pk).localeCompare(String(y.pk)));
  expect(items).toEqual([
    { pk: 'a', sk: 1, tags: ['x', 'y'], big: '12345678901234567890123', nested: { ok: true, list: [null, 2.5] } },
    { pk: 'b', sk: 2 },
  ]);
  const last = second.next ? (await call<TableItemsPage>(app, `/api/tables/${table}/items?limit=1&next=${second.next}`)).body : { items: [], next: undefined };
  expect(last.items).toEqual([]);
  expect(last.next).toBeUndefined();
});

test('refuses a page token it did not give and a bad limit', async () => {
  const table = app.model.tables[0].name;
  expect((await call(app, `/api/tables/${table}/items?next=garbage`)).body).toEqual({ error: 'ValidationError', message: expect.stringContaining('garbage') });
  expect((await call(app, `/api/tables/${table}/items?limit=501`)).status).toBe(400);
});
