/**
 * Type tests for typed event filters and detail types. Not run by jest: `tsc --noEmit` checks
 * this file (tsconfig includes test/**), and each `@ts-expect-error` fails the check if the line
 * below it compiles.
 */
import { z } from 'zod';
import {
  defineEvent,
  eventHandler,
  eventPattern,
  httpHandler,
  publish,
  type DetailFilter,
  type DetailInputOf,
  type DetailOf,
  type RawParameters,
} from '../../lib/runtime';

const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  schema: z.object({
    orderId: z.string(),
    amount: z.number(),
    status: z.enum(['new', 'paid']),
    express: z.boolean(),
    note: z.string().nullable(),
    coupon: z.string().optional(),
    customer: z.object({ tier: z.enum(['gold', 'silver']), ip: z.string(), age: z.number().optional() }),
    items: z.array(z.object({ sku: z.string(), qty: z.number() })),
    tags: z.array(z.string()),
    quantity: z.number().default(1),
  }),
});

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// Detail types: output for handlers (defaults applied), input for publishers.
type Detail = DetailOf<typeof OrderPlaced>;
type Input = DetailInputOf<typeof OrderPlaced>;
assertType<Equal<Detail['amount'], number>>();
assertType<Equal<Detail['status'], 'new' | 'paid'>>();
assertType<Equal<Detail['quantity'], number>>();
assertType<Equal<Input['quantity'], number | undefined>>();
assertType<Equal<Detail['items'], { sku: string; qty: number }[]>>();

type Where = DetailFilter<Input>;

// Valid filters.
export const valid: Where[] = [
  { amount: [{ numeric: ['>', 100] }] },
  { amount: [{ numeric: ['>=', 0, '<', 10] }], status: ['paid'] },
  { amount: [5, 10, { 'anything-but': [0] }] },
  { orderId: [{ prefix: 'o-' }, { suffix: '-x' }, { 'equals-ignore-case': 'O-1' }, { wildcard: 'o-*' }] },
  { orderId: [{ prefix: { 'equals-ignore-case': 'O-' } }, { 'anything-but': { prefix: 'test-' } }] },
  { express: [true] },
  { note: [null, { exists: false }] },
  { coupon: [{ exists: true }] },
  { customer: { tier: ['gold'], ip: [{ cidr: '10.0.0.0/24' }], age: [{ numeric: ['>', 18] }] } },
  { items: { sku: ['A-1'], qty: [{ numeric: ['>', 1] }] } },
  { tags: ['vip'] },
  { $or: [{ amount: [{ numeric: ['>', 1000] }] }, { customer: { tier: ['gold'] } }] },
];
export const pattern = eventPattern(OrderPlaced, { amount: [{ numeric: ['>', 100] }] });
assertType<Equal<(typeof pattern)['source'], string[]>>();

// Invalid filters.
// @ts-expect-error a field the detail does not have
export const unknownField: Where = { nope: ['x'] };
// @ts-expect-error numeric on a string field
export const numericOnString: Where = { orderId: [{ numeric: ['>', 1] }] };
// @ts-expect-error exact value of the wrong type
export const wrongExact: Where = { amount: ['100'] };
// @ts-expect-error a literal outside the enum
export const wrongLiteral: Where = { status: ['cancelled'] };
// @ts-expect-error prefix on a number field
export const prefixOnNumber: Where = { amount: [{ prefix: '1' }] };
// @ts-expect-error cidr on a number field
export const cidrOnNumber: Where = { amount: [{ cidr: '10.0.0.0/8' }] };
// @ts-expect-error a leaf given where the field is an object
export const leafForObject: Where = { customer: ['gold'] };
// @ts-expect-error an unknown nested field
export const unknownNested: Where = { customer: { level: ['gold'] } };
// @ts-expect-error numeric with a bad operator
export const badOperator: Where = { amount: [{ numeric: ['>>', 1] }] };
// @ts-expect-error a leaf given as a bare value instead of a list
export const bareValue: Where = { amount: 5 };
// @ts-expect-error null on a field that is never null
export const nullOnNonNull: Where = { orderId: [null] };
// @ts-expect-error an unknown field inside $or
export const badOr: Where = { $or: [{ nope: ['x'] }, { amount: [1] }] };
// @ts-expect-error eventPattern checks its filter too
eventPattern(OrderPlaced, { nope: ['x'] });
// @ts-expect-error eventPattern: numeric on a string field
eventPattern(OrderPlaced, { orderId: [{ numeric: ['>', 1] }] });

// httpHandler infers its input from the schemas given.
export const typedHttp = httpHandler(
  { body: z.object({ sku: z.string() }), query: z.object({ page: z.coerce.number() }) },
  ({ body, query, params }) => {
    assertType<Equal<typeof body, { sku: string }>>();
    assertType<Equal<typeof query, { page: number }>>();
    assertType<Equal<typeof params, RawParameters>>();
    // @ts-expect-error not a field of the body schema
    return body.nope;
  },
);
export const untypedHttp = httpHandler({}, ({ body }) => {
  assertType<Equal<typeof body, undefined>>();
  return null;
});

// eventHandler and publish use the definition's types.
export const typedConsumer = eventHandler(OrderPlaced, (detail) => {
  assertType<Equal<typeof detail, Detail>>();
  // @ts-expect-error not a field of the detail
  return detail.nope;
});
export async function typedPublisher(): Promise<void> {
  const detail: Input = {
    orderId: 'o-1', amount: 1, status: 'new', express: false, note: null,
    customer: { tier: 'gold', ip: '10.0.0.1' }, items: [], tags: [],
  };
  await publish(OrderPlaced, detail);
  await publish(OrderPlaced, [detail, detail]);
  // @ts-expect-error amount must be a number
  await publish(OrderPlaced, { ...detail, amount: '1' });
}
