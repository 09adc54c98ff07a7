import { z } from 'zod';
import {
  EventValidationError,
  METADATA_KEY,
  defineEvent,
  eventPattern,
  splitMetadata,
  type StandardSchemaV1,
} from '../../lib/runtime';
import { thrown } from './support/lambda';

const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  description: 'A customer placed an order.',
  schema: z.object({
    orderId: z.string(),
    amount: z.number().positive(),
    items: z.array(z.object({ sku: z.string(), qty: z.number().int() })).default([]),
  }),
});

/** A hand-written Standard Schema validator without JSON Schema support (as valibot may be). */
function handWritten(asynchronous: boolean): StandardSchemaV1<{ n: number }> {
  const validate = (value: unknown) =>
    typeof value === 'object' && value !== null && typeof (value as { n?: unknown }).n === 'number'
      ? { value: value as { n: number } }
      : { issues: [{ message: 'n must be a number', path: [{ key: 'n' }] }] };
  return {
    '~standard': {
      version: 1,
      vendor: 'hand',
      validate: asynchronous ? async (value: unknown) => validate(value) : validate,
    },
  };
}

describe('defineEvent', () => {
  it('keeps the identity and description', () => {
    expect(OrderPlaced).toMatchObject({ source: 'shop.orders', detailType: 'OrderPlaced', description: 'A customer placed an order.' });
  });

  it('parses a valid detail into the schema output (defaults applied)', () => {
    expect(OrderPlaced.parse({ orderId: 'o-1', amount: 10 })).toEqual({ orderId: 'o-1', amount: 10, items: [] });
  });

  it.each([
    [{ orderId: 'o-1', amount: -1 }, 'amount'],
    [{ orderId: 1, amount: 5 }, 'orderId'],
    [{ orderId: 'o-1', amount: 5, items: [{ sku: 's', qty: 1.5 }] }, 'items[0].qty'],
  ])('parse throws EventValidationError naming the path for %j', async (detail, path) => {
    const error = await thrown(() => OrderPlaced.parse(detail));
    expect(error).toBeInstanceOf(EventValidationError);
    const e = error as EventValidationError;
    expect(e.code).toBe('SWITCHYARD_INVALID_DETAIL');
    expect(e.eventType).toBe('shop.orders/OrderPlaced');
    expect(e.invalid[0]!.issues.map((i) => i.path)).toContain(path);
    expect(e.message).toContain(path);
  });

  it('validate answers a result instead of throwing, also for async validators', async () => {
    const Async = defineEvent({ source: 'a.b', detailType: 'C', schema: handWritten(true) });
    await expect(Async.validate({ n: 1 })).resolves.toEqual({ success: true, value: { n: 1 } });
    await expect(Async.validate({})).resolves.toEqual({ success: false, issues: [{ path: 'n', message: 'n must be a number' }] });
    expect(() => Async.parse({ n: 1 })).toThrow(/validates asynchronously; use validate\(\)/);
  });

  it.each([
    [{ source: '', detailType: 'X' }, /'source' must be a non-empty string/],
    [{ source: 'a', detailType: ' ' }, /'detailType' must be a non-empty string/],
    [{ source: 'aws.s3', detailType: 'X' }, /reserves for its services/],
  ])('rejects bad identity %j', (props, message) => {
    expect(() => defineEvent({ ...props, schema: z.object({}) })).toThrow(message);
  });

  it('rejects a schema that is not a Standard Schema', () => {
    expect(() => defineEvent({ source: 'a', detailType: 'b', schema: { parse: () => 1 } as unknown as StandardSchemaV1 })).toThrow(
      /not a Standard Schema v1 validator/,
    );
  });
});

describe('jsonSchema', () => {
  it('describes the wire form of a zod detail, with the publish envelope', () => {
    const schema = OrderPlaced.jsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['orderId', 'amount'],
      properties: { orderId: { type: 'string' }, amount: { type: 'number' }, [METADATA_KEY]: { type: 'object' } },
    });
  });

  it('produces draft-04 for the Schema Registry and can leave the envelope out', () => {
    const schema = OrderPlaced.jsonSchema({ target: 'draft-04', metadata: false });
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(Object.keys(schema.properties as object)).toEqual(['orderId', 'amount', 'items']);
  });

  it('throws a clear error for validators without Standard JSON Schema', () => {
    const Hand = defineEvent({ source: 'a.b', detailType: 'C', schema: handWritten(false) });
    expect(() => Hand.jsonSchema()).toThrow(/vendor 'hand'.*does not implement Standard JSON Schema/);
  });
});

describe('eventPattern', () => {
  it('matches source and detail type only', () => {
    expect(eventPattern(OrderPlaced)).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] });
  });

  it('adds the detail filter', () => {
    expect(eventPattern(OrderPlaced, { amount: [{ numeric: ['>', 100] }], items: { sku: [{ prefix: 'B-' }] } })).toEqual({
      source: ['shop.orders'],
      'detail-type': ['OrderPlaced'],
      detail: { amount: [{ numeric: ['>', 100] }], items: { sku: [{ prefix: 'B-' }] } },
    });
  });
});

describe('splitMetadata', () => {
  it.each([
    ['no envelope', { a: 1 }, { a: 1 }, undefined],
    ['an envelope', { a: 1, [METADATA_KEY]: { correlationId: 'c-1' } }, { a: 1 }, { correlationId: 'c-1' }],
    ['a malformed envelope', { a: 1, [METADATA_KEY]: 'x' }, { a: 1 }, {}],
    ['a non-object', 'text', 'text', undefined],
    ['null', null, null, undefined],
  ])('splits %s', (_name, input, detail, metadata) => {
    expect(splitMetadata(input)).toEqual({ detail, metadata });
  });
});
