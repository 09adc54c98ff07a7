/**
 * idempotent() with the real @aws-sdk/client-dynamodb against the local AWS endpoint's
 * DynamoDB (what `switchyard dev` serves), on a table shaped as the construct creates it.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AwsEndpoint } from '../../lib/local/aws/server';
import { TableStore } from '../../lib/local/dynamodb/table-store';
import type { TableModel } from '../../lib/model';
import {
  HttpError,
  IDEMPOTENCY_KEY_ERROR_CODE,
  IDEMPOTENCY_STORE_ERROR_CODE,
  IDEMPOTENCY_TABLE_ENV,
  IdempotencyClient,
  IdempotencyInProgressError,
  IdempotencyKeyError,
  IdempotencyStoreError,
  IdempotencyValidationError,
  idempotent,
} from '../../lib/runtime';
import { captureLogs, lambdaContext, thrown } from './support/lambda';

const TABLE: TableModel = {
  stack: 'S',
  logicalId: 'IdempotencyTable',
  name: 'idempotency',
  arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/idempotency',
  partitionKey: 'id',
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
};

const endpoint = new AwsEndpoint();
const tables = new TableStore([TABLE]);
let client: DynamoDBClient;
let clientOptions: { client: IdempotencyClient; tableName: string };

beforeAll(async () => {
  const url = await endpoint.listen(0);
  endpoint.attach({ tables } as unknown as Parameters<AwsEndpoint['attach']>[0]);
  client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  // A DynamoDBClient is what idempotent() takes.
  clientOptions = { client, tableName: 'idempotency' };
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
  await tables.stop();
});

/** A function that counts its runs, made idempotent under a name of its own. */
function counted<A extends unknown[], R>(name: string, body: (...args: A) => R | Promise<R>, options: Parameters<typeof idempotent<A, R>>[1] = {}) {
  const runs: A[] = [];
  const fn = idempotent(async (...args: A) => {
    runs.push(args);
    return body(...args);
  }, { ...clientOptions, name, ...options });
  return { fn, runs };
}

/** The records whose id starts with `idPrefix` (`local.<name>#` outside Lambda). */
const recordOf = async (idPrefix: string) => {
  const { Items } = await client.send(new ScanCommand({ TableName: 'idempotency' }));
  return (Items ?? []).filter((item) => item.id.S!.startsWith(idPrefix));
};

test('a repeat gets the stored result without running again; another input runs', async () => {
  const { fn, runs } = counted('charge', (order: { orderId: string; total: number }) => ({ charged: order.total, at: order.orderId }));
  expect(await fn({ orderId: 'o-1', total: 5 })).toEqual({ charged: 5, at: 'o-1' });
  expect(await fn({ orderId: 'o-1', total: 5 })).toEqual({ charged: 5, at: 'o-1' });
  expect(await fn({ orderId: 'o-2', total: 7 })).toEqual({ charged: 7, at: 'o-2' });
  expect(runs).toHaveLength(2);
});

test('the record is Powertools-shaped: COMPLETED, the result as JSON, expiring after expiresAfterSeconds', async () => {
  const { fn } = counted('layout', (n: number) => n * 2, { expiresAfterSeconds: 120 });
  const before = Math.floor(Date.now() / 1000);
  await fn(21);
  const after = Math.ceil(Date.now() / 1000);
  const [record] = await recordOf('local.layout#');
  expect(record.id.S).toMatch(/^local\.layout#[0-9a-f]{64}$/);
  expect(record.status).toEqual({ S: 'COMPLETED' });
  expect(record.data).toEqual({ S: '42' });
  const expiration = Number(record.expiration.N);
  expect(expiration).toBeGreaterThanOrEqual(before + 120);
  expect(expiration).toBeLessThanOrEqual(after + 120);
});

test('a chosen key makes inputs that differ elsewhere repeats, and object key order does not matter', async () => {
  const { fn, runs } = counted('keyed', (event: { body: { orderId: string }; requestTime: string }) => event.body.orderId, { key: (event) => event.body });
  await fn({ body: { orderId: 'o-9' }, requestTime: 'a' });
  await fn({ requestTime: 'b', body: { orderId: 'o-9' } });
  const { fn: whole, runs: wholeRuns } = counted('whole', (input: Record<string, number>) => Object.keys(input).length);
  await whole({ a: 1, b: 2 });
  await whole({ b: 2, a: 1 });
  expect([runs.length, wholeRuns.length]).toEqual([1, 1]);
});

test('a failed run releases the key: the retry runs again', async () => {
  let attempts = 0;
  const { fn, runs } = counted('flaky', (_input: string) => {
    attempts++;
    if (attempts === 1) throw new Error('transient');
    return 'ok';
  });
  expect(((await thrown(() => fn('same'))) as Error).message).toBe('transient');
  expect(await fn('same')).toBe('ok');
  expect(await fn('same')).toBe('ok');
  expect(runs).toHaveLength(2);
});

test('a repeat while the first run is in progress is refused with 409, and the first still completes', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { fn, runs } = counted('slow', async (id: string) => {
    await gate;
    return `done ${id}`;
  });
  const first = fn('x');
  // Wait until the first call has claimed the key (its record exists) before repeating.
  while ((await recordOf('local.slow#')).length === 0) await new Promise((resolve) => setImmediate(resolve));
  const error = await thrown(() => fn('x'));
  expect(error).toBeInstanceOf(IdempotencyInProgressError);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).statusCode).toBe(409);
  release();
  expect(await first).toBe('done x');
  expect(await fn('x')).toBe('done x');
  expect(runs).toHaveLength(1);
});

test('an in-progress record whose lock ran out, or a completed one past its expiration, no longer blocks', async () => {
  const { fn, runs } = counted('stale', (id: string) => `ran ${id}`);
  await fn('locked');
  await fn('expired');
  const records = await recordOf('local.stale#');
  const locked = records.find((r) => r.data?.S === '"ran locked"')!;
  const expired = records.find((r) => r.data?.S === '"ran expired"')!;
  const past = Date.now() - 60_000;
  // As a crashed run leaves it: in progress, its lock over.
  await client.send(new PutItemCommand({ TableName: 'idempotency', Item: { id: locked.id, status: { S: 'INPROGRESS' }, expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) }, in_progress_expiration: { N: String(past) } } }));
  // Completed, but expired and not yet deleted by time to live.
  await client.send(new PutItemCommand({ TableName: 'idempotency', Item: { ...expired, expiration: { N: String(Math.floor(past / 1000)) } } }));
  expect(await fn('locked')).toBe('ran locked');
  expect(await fn('expired')).toBe('ran expired');
  expect(runs.map(([id]) => id)).toEqual(['locked', 'expired', 'locked', 'expired']);
});

test('the lock lasts what is left of the invocation, read from a Lambda context argument', async () => {
  let inside: number | undefined;
  const held = idempotent(async (_event: { id: string }, _context: unknown) => {
    const [record] = await recordOf('local.held#');
    inside = Number(record.in_progress_expiration.N);
    return 'ok';
  }, { ...clientOptions, name: 'held', key: (event) => event.id });
  const before = Date.now();
  await held({ id: 'e-1' }, lambdaContext({ getRemainingTimeInMillis: () => 5_000 }));
  const after = Date.now();
  expect(inside).toBeGreaterThanOrEqual(before + 5_000);
  expect(inside).toBeLessThanOrEqual(after + 5_000);
});

test('the same key with another payload is refused with 422', async () => {
  const { fn, runs } = counted('pay', (p: { paymentId: string; amount: number }) => p.amount, { key: (p) => p.paymentId, payload: (p) => p.amount });
  await fn({ paymentId: 'p-1', amount: 10 });
  expect(await fn({ paymentId: 'p-1', amount: 10 })).toBe(10);
  const error = await thrown(() => fn({ paymentId: 'p-1', amount: 99 }));
  expect(error).toBeInstanceOf(IdempotencyValidationError);
  expect((error as HttpError).statusCode).toBe(422);
  expect(runs).toHaveLength(1);
});

test('no key in the input: runs unprotected with a warning, or throws when asked', async () => {
  const { fn, runs } = counted('nokey', (e: { id?: string }) => e.id ?? 'none', { key: (e) => e.id });
  const { result, logs } = await captureLogs(async () => [await fn({}), await fn({})]);
  expect(result).toEqual(['none', 'none']);
  expect(runs).toHaveLength(2);
  expect(logs.map((l) => [l.level, l.message])).toEqual([['WARN', 'No idempotency key in the input: running without idempotency'], ['WARN', 'No idempotency key in the input: running without idempotency']]);
  const strict = counted('strict', (e: { id?: string }) => e.id, { key: (e) => e.id, onMissingKey: 'throw' });
  const error = await thrown(() => strict.fn({}));
  expect(error).toBeInstanceOf(IdempotencyKeyError);
  expect((error as IdempotencyKeyError).code).toBe(IDEMPOTENCY_KEY_ERROR_CODE);
  expect(strict.runs).toHaveLength(0);
});

test('the table comes from SWITCHYARD_IDEMPOTENCY_TABLE; without one nothing runs', async () => {
  const saved = process.env[IDEMPOTENCY_TABLE_ENV];
  try {
    process.env[IDEMPOTENCY_TABLE_ENV] = 'idempotency';
    const fromEnv = idempotent(async (n: number) => n + 1, { client, name: 'fromEnv' });
    expect(await fromEnv(1)).toBe(2);
    expect(await recordOf('local.fromEnv#')).toHaveLength(1);
    delete process.env[IDEMPOTENCY_TABLE_ENV];
    const runs: number[] = [];
    const error = await thrown(() => idempotent(async (n: number) => runs.push(n), { client })(1));
    expect(error).toBeInstanceOf(IdempotencyStoreError);
    expect((error as IdempotencyStoreError).code).toBe(IDEMPOTENCY_STORE_ERROR_CODE);
    expect((error as Error).message).toContain('idempotency: true');
    expect(runs).toEqual([]);
  } finally {
    if (saved === undefined) delete process.env[IDEMPOTENCY_TABLE_ENV];
    else process.env[IDEMPOTENCY_TABLE_ENV] = saved;
  }
});

test('a table that does not exist fails before the function runs', async () => {
  const runs: number[] = [];
  const error = await thrown(() => idempotent(async (n: number) => runs.push(n), { client, tableName: 'missing-table' })(1));
  expect(error).toBeInstanceOf(IdempotencyStoreError);
  expect((error as Error).message).toContain('missing-table');
  expect(runs).toEqual([]);
});

test('a function returning nothing is still run once', async () => {
  const { fn, runs } = counted('void', (_n: number) => undefined);
  expect(await fn(1)).toBeUndefined();
  expect(await fn(1)).toBeUndefined();
  expect(runs).toHaveLength(1);
  const [record] = await recordOf('local.void#');
  expect(record.data).toBeUndefined();
  expect(await client.send(new GetItemCommand({ TableName: 'idempotency', Key: { id: record.id } }))).toMatchObject({ Item: { status: { S: 'COMPLETED' } } });
});
