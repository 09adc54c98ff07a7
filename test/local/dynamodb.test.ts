import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { applyUpdate, evaluateCondition, type Item } from '../../lib/local';
import { AwsEndpoint } from '../../lib/local/aws/server';
import { TableStore } from '../../lib/local/dynamodb/table-store';

const item: Item = { id: { S: 'o-1' }, status: { S: 'placed' }, total: { N: '12.5' }, tags: { SS: ['a', 'b'] }, meta: { M: { n: { N: '1' } } }, lines: { L: [{ S: 'x' }] } };
const values = { ':placed': { S: 'placed' }, ':ten': { N: '10' }, ':twenty': { N: '20' }, ':a': { S: 'a' }, ':pl': { S: 'pl' }, ':one': { N: '1' } };

describe('DynamoDB expressions', () => {
  test.each([
    ['#s = :placed', true],
    ['#s <> :placed', false],
    ['total > :ten AND total < :twenty', true],
    ['total BETWEEN :ten AND :twenty', true],
    ['NOT (total < :ten) OR #s = :a', true],
    ['attribute_exists(id) AND attribute_not_exists(missing)', true],
    ['begins_with(#s, :pl)', true],
    ['contains(tags, :a)', true],
    ['size(lines) = :one', true],
    ['meta.n = :one', true],
    ['#s IN (:a, :placed)', true],
    ['missing = :a', false],
  ])('%s is %s', (expr, expected) => {
    expect(evaluateCondition(expr, item, { names: { '#s': 'status' }, values })).toBe(expected);
  });

  test('attribute_not_exists holds for no item at all', () => {
    expect(evaluateCondition('attribute_not_exists(id)', undefined, {})).toBe(true);
  });

  test('update: SET with arithmetic and if_not_exists, list_append, REMOVE, ADD', () => {
    const out = applyUpdate('SET total = total + :ten, #s = :a, seen = if_not_exists(seen, :one), lines = list_append(lines, :l) REMOVE tags ADD counter :one', structuredClone(item), {
      names: { '#s': 'status' },
      values: { ...values, ':l': { L: [{ S: 'y' }] } },
    });
    expect(out).toMatchObject({ total: { N: '22.5' }, status: { S: 'a' }, seen: { N: '1' }, lines: { L: [{ S: 'x' }, { S: 'y' }] }, counter: { N: '1' } });
    expect(out.tags).toBeUndefined();
  });
});

describe('DynamoDB through @aws-sdk/client-dynamodb', () => {
  const endpoint = new AwsEndpoint();
  let client: DynamoDBClient;
  beforeAll(async () => {
    const url = await endpoint.listen(0);
    const tables = new TableStore([{ stack: 'S', logicalId: 'T', name: 'orders', arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders', partitionKey: 'pk', sortKey: 'sk' }]);
    // Only the table store is used by these calls.
    endpoint.attach({ tables } as unknown as Parameters<AwsEndpoint['attach']>[0]);
    client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  test('put, conditional put, get, update, query, scan with pagination', async () => {
    for (let i = 0; i < 5; i++) await client.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'c-1' }, sk: { N: String(i) }, v: { S: `v${i}` } } }));
    await expect(client.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'c-1' }, sk: { N: '0' } }, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const got = await client.send(new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'c-1' }, sk: { N: '3' } } }));
    expect(got.Item?.v).toEqual({ S: 'v3' });
    const updated = await client.send(new UpdateItemCommand({ TableName: 'orders', Key: { pk: { S: 'c-1' }, sk: { N: '3' } }, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :old', ExpressionAttributeValues: { ':v': { S: 'new' }, ':old': { S: 'v3' } }, ReturnValues: 'ALL_NEW' }));
    expect(updated.Attributes?.v).toEqual({ S: 'new' });
    const q = await client.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'pk = :p AND sk >= :two', ExpressionAttributeValues: { ':p': { S: 'c-1' }, ':two': { N: '2' } }, ScanIndexForward: false }));
    expect(q.Items!.map((i) => i.sk.N)).toEqual(['4', '3', '2']);
    const first = await client.send(new ScanCommand({ TableName: 'orders', Limit: 3 }));
    const rest = await client.send(new ScanCommand({ TableName: 'orders', ExclusiveStartKey: first.LastEvaluatedKey }));
    expect([...first.Items!, ...rest.Items!].map((i) => i.sk.N)).toEqual(['0', '1', '2', '3', '4']);
    expect(rest.LastEvaluatedKey).toBeUndefined();
  });
});
