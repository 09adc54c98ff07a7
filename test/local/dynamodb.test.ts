import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { AwsEndpoint } from '../../lib/local/aws/server';
import { TableStore } from '../../lib/local/dynamodb/table-store';
import { ORDERS } from './fixtures/tables';

describe('DynamoDB through @aws-sdk/client-dynamodb against the local endpoint', () => {
  const endpoint = new AwsEndpoint();
  const tables = new TableStore([ORDERS]);
  let client: DynamoDBClient;
  beforeAll(async () => {
    const url = await endpoint.listen(0);
    // Only the table store is used by these calls.
    endpoint.attach({ tables } as unknown as Parameters<AwsEndpoint['attach']>[0]);
    client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    for (let i = 0; i < 5; i++) {
      await client.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'c-1' }, sk: { N: String(i) }, v: { S: `v${i}` }, status: { S: i % 2 ? 'placed' : 'shipped' } } }));
    }
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
    await tables.stop();
  });

  test('conditional put fails with the named exception', async () => {
    await expect(
      client.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'c-1' }, sk: { N: '0' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  test('get and conditional update', async () => {
    const got = await client.send(new GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'c-1' }, sk: { N: '3' } } }));
    expect(got.Item?.v).toEqual({ S: 'v3' });
    const updated = await client.send(
      new UpdateItemCommand({
        TableName: 'orders',
        Key: { pk: { S: 'c-1' }, sk: { N: '3' } },
        UpdateExpression: 'SET v = :v ADD hits :one',
        ConditionExpression: 'v = :old',
        ExpressionAttributeValues: { ':v': { S: 'new' }, ':old': { S: 'v3' }, ':one': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes).toMatchObject({ v: { S: 'new' }, hits: { N: '1' } });
  });

  test('query by key, backwards, and scan with pagination', async () => {
    const q = await client.send(
      new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'pk = :p AND sk >= :two', ExpressionAttributeValues: { ':p': { S: 'c-1' }, ':two': { N: '2' } }, ScanIndexForward: false }),
    );
    expect(q.Items!.map((i) => i.sk.N)).toEqual(['4', '3', '2']);
    const first = await client.send(new ScanCommand({ TableName: 'orders', Limit: 3 }));
    const rest = await client.send(new ScanCommand({ TableName: 'orders', ExclusiveStartKey: first.LastEvaluatedKey }));
    expect([...first.Items!, ...rest.Items!].map((i) => i.sk.N).sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(rest.LastEvaluatedKey).toBeUndefined();
  });

  test('global secondary indexes from the template are queryable', async () => {
    const placed = await client.send(
      new QueryCommand({ TableName: 'orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'placed' } } }),
    );
    expect(placed.Items!.map((i) => i.sk.N).sort()).toEqual(['1', '3']);
  });

  test('a table can be named by its ARN', async () => {
    const got = await client.send(new GetItemCommand({ TableName: ORDERS.arn, Key: { pk: { S: 'c-1' }, sk: { N: '1' } } }));
    expect(got.Item?.v).toEqual({ S: 'v1' });
  });

  test('a malformed expression is a ValidationException with DynamoDB\'s reason', async () => {
    await expect(client.send(new ScanCommand({ TableName: 'orders', FilterExpression: 'v = = :x', ExpressionAttributeValues: { ':x': { S: 'a' } } }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Invalid FilterExpression'),
    });
  });

  test('an unknown table is a ResourceNotFoundException', async () => {
    await expect(client.send(new GetItemCommand({ TableName: 'nope', Key: { pk: { S: 'x' }, sk: { N: '1' } } }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
