import type { PutEventsCommandOutput, PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import {
  EventValidationError,
  METADATA_KEY,
  PublishError,
  defineEvent,
  publish,
  withInvocationContext,
  type PutEventsClient,
} from '../../lib/runtime';
import { captureLogs, lambdaContext, thrown } from './support/lambda';

const OrderPlaced = defineEvent({
  source: 'shop.orders',
  detailType: 'OrderPlaced',
  schema: z.object({ orderId: z.string(), amount: z.number().positive() }),
});

const Anything = defineEvent({ source: 'shop.misc', detailType: 'Anything', schema: z.any() });

type Answer = PutEventsResultEntry | 'ok';

/** A client whose answer per entry is decided by `decide`; records every call. */
function fakeClient(decide: (entry: PutEventsRequestEntry, call: number) => Answer | Error = () => 'ok') {
  const calls: PutEventsRequestEntry[][] = [];
  let ids = 0;
  const client: PutEventsClient = {
    async send(command) {
      const entries = command.input.Entries ?? [];
      const call = calls.push(entries) - 1;
      const answers = entries.map((entry) => decide(entry, call));
      const callError = answers.find((a): a is Error => a instanceof Error);
      if (callError) throw callError;
      const results = answers.map((a) => (a === 'ok' ? { EventId: `id-${++ids}` } : (a as PutEventsResultEntry)));
      const output: PutEventsCommandOutput = { $metadata: {}, FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
      return output;
    },
  };
  return { client, calls };
}

const orders = (n: number) => Array.from({ length: n }, (_, i) => ({ orderId: `o-${i}`, amount: i + 1 }));
const detailOf = (entry: PutEventsRequestEntry) => JSON.parse(entry.Detail!) as Record<string, unknown>;
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

afterEach(() => {
  delete process.env.SWITCHYARD_BUS_NAME;
  delete process.env._X_AMZN_TRACE_ID;
});

describe('publish: entries', () => {
  it('sends one entry with source, detail type, default bus and the envelope', async () => {
    const { client, calls } = fakeClient();
    const result = await publish(OrderPlaced, { orderId: 'o-1', amount: 5 }, { client });
    expect(result).toEqual({ eventIds: ['id-1'], attempts: 1 });
    expect(calls).toHaveLength(1);
    const [entry] = calls[0]!;
    expect(entry).toMatchObject({ Source: 'shop.orders', DetailType: 'OrderPlaced', EventBusName: 'default' });
    expect(detailOf(entry!)).toEqual({ orderId: 'o-1', amount: 5, [METADATA_KEY]: { correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  });

  const otherApp = { busArn: 'arn:aws:events:eu-west-1:222222222222:event-bus/billing' };
  it.each([
    ['the environment', { env: 'shop-bus' }, 'shop-bus'],
    ['the option, over the environment', { env: 'shop-bus', option: 'other-bus' }, 'other-bus'],
    ["another app's endpoints, by ARN, over both", { env: 'shop-bus', option: 'other-bus', app: otherApp }, otherApp.busArn],
  ])('takes the bus name from %s', async (_name, { env, option, app }: { env: string; option?: string; app?: { busArn: string } }, expected) => {
    process.env.SWITCHYARD_BUS_NAME = env;
    const { client, calls } = fakeClient();
    await publish(OrderPlaced, { orderId: 'o-1', amount: 5 }, { client, eventBusName: option, app });
    expect(calls[0]![0]!.EventBusName).toBe(expected);
  });

  it('adds resources and the X-Ray trace header', async () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-abc;Parent=def;Sampled=1';
    const { client, calls } = fakeClient();
    await publish(OrderPlaced, { orderId: 'o-1', amount: 5 }, { client, resources: ['arn:aws:s3:::bucket'] });
    expect(calls[0]![0]).toMatchObject({ Resources: ['arn:aws:s3:::bucket'], TraceHeader: 'Root=1-abc;Parent=def;Sampled=1' });
  });

  it('shares one correlation id across the events of a call outside an invocation', async () => {
    const { client, calls } = fakeClient();
    await publish(OrderPlaced, orders(3), { client });
    const ids = new Set(calls[0]!.map((e) => (detailOf(e)[METADATA_KEY] as { correlationId: string }).correlationId));
    expect(ids.size).toBe(1);
  });

  it.each([
    ['the invocation', undefined, 'corr-from-invocation'],
    ['the option, over the invocation', 'corr-option', 'corr-option'],
  ])('takes the correlation id from %s', async (_name, option, expected) => {
    const { client, calls } = fakeClient();
    await withInvocationContext(lambdaContext(), { correlationId: 'corr-from-invocation' }, () =>
      publish(OrderPlaced, { orderId: 'o-1', amount: 5 }, { client, correlationId: option }),
    );
    expect(detailOf(calls[0]![0]!)[METADATA_KEY]).toEqual({ correlationId: expected });
  });

  it('sends nothing for an empty list', async () => {
    const { client, calls } = fakeClient();
    await expect(publish(OrderPlaced, [], { client })).resolves.toEqual({ eventIds: [], attempts: 0 });
    expect(calls).toHaveLength(0);
  });
});

describe('publish: validation before sending', () => {
  it('lists every invalid detail and sends nothing', async () => {
    const { client, calls } = fakeClient();
    const details = [{ orderId: 'o-0', amount: 1 }, { orderId: 'o-1', amount: -1 }, { orderId: 'o-2', amount: 1 }, { amount: 3 }];
    const error = await thrown(() => publish(OrderPlaced, details as { orderId: string; amount: number }[], { client }));
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).invalid.map((i) => i.index)).toEqual([1, 3]);
    expect((error as EventValidationError).message).toMatch(/\[1\] amount: .*\[3\] orderId: /);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['an array', [1, 2], /must be a JSON object/],
    ['a string', 'text', /must be a JSON object/],
    ['a value JSON cannot hold', { n: 1n }, /not serializable as JSON/],
    ['an entry over 256 KiB', { blob: 'x'.repeat(256 * 1024) }, /a PutEvents request carries at most 262144/],
  ])('rejects %s even when the schema accepts it', async (_name, detail, message) => {
    const { client, calls } = fakeClient();
    const error = await thrown(() => publish(Anything, detail, { client }));
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as Error).message).toMatch(message);
    expect(calls).toHaveLength(0);
  });
});

describe('publish: partial failures', () => {
  it('retries only the failed entries and answers ids in input order', async () => {
    const { client, calls } = fakeClient((entry, call) => {
      const id = detailOf(entry).orderId;
      if (call === 0 && id === 'o-1') return { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' };
      if (call === 0 && id === 'o-3') return { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' };
      return 'ok';
    });
    const { result, logs } = await captureLogs(() => publish(OrderPlaced, orders(5), { client, retry: fast }));
    expect(calls.map((c) => c.map((e) => detailOf(e).orderId))).toEqual([['o-0', 'o-1', 'o-2', 'o-3', 'o-4'], ['o-1', 'o-3']]);
    expect(result).toEqual({ eventIds: ['id-1', 'id-4', 'id-2', 'id-5', 'id-3'], attempts: 2 });
    expect(logs).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'PutEvents entries failed; retrying them', failedEntries: 2, errorCodes: ['InternalFailure', 'ThrottlingException'] }),
    ]);
  });

  it('does not retry non-retryable codes, and reports them with what was published', async () => {
    const { client, calls } = fakeClient((entry) =>
      detailOf(entry).orderId === 'o-2' ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad json' } : 'ok',
    );
    const { error, logs } = await captureLogs(() => publish(OrderPlaced, orders(4), { client, retry: fast }));
    expect(error).toBeInstanceOf(PublishError);
    const e = error as PublishError;
    expect(calls).toHaveLength(1);
    expect(e.code).toBe('SWITCHYARD_PUBLISH_FAILED');
    expect(e.failed).toEqual([
      { index: 2, entry: calls[0]![2], errorCode: 'MalformedDetail', errorMessage: 'bad json', attempts: 1 },
    ]);
    expect(e.eventIds).toEqual(['id-1', 'id-2', undefined, 'id-3']);
    expect(e.message).toBe("1 of 4 events were not published to bus 'default': [2] MalformedDetail: bad json (after 1 attempt)");
    expect(logs.at(-1)).toMatchObject({ level: 'ERROR', message: 'PutEvents entries not published', failed: [{ index: 2, errorCode: 'MalformedDetail' }] });
  });

  it('gives up after maxAttempts and lists every entry still failing', async () => {
    const { client, calls } = fakeClient(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'down' }));
    const { error } = await captureLogs(() => publish(OrderPlaced, orders(12), { client, retry: { ...fast, maxAttempts: 3 } }));
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed.map((f) => [f.index, f.attempts])).toEqual(orders(12).map((_, i) => [i, 3]));
    expect(calls.map((c) => c.length)).toEqual([10, 2, 10, 2, 10, 2]);
  });

  it('treats a missing per-entry result as a retryable failure', async () => {
    let first = true;
    const client: PutEventsClient = {
      async send(command) {
        const n = command.input.Entries!.length;
        const entries = first ? [{ EventId: 'a' }] : Array.from({ length: n }, (_, i) => ({ EventId: `b${i}` }));
        first = false;
        return { $metadata: {}, FailedEntryCount: 0, Entries: entries };
      },
    };
    const { result } = await captureLogs(() => publish(OrderPlaced, orders(2), { client, retry: fast }));
    expect(result).toEqual({ eventIds: ['a', 'b0'], attempts: 2 });
  });

  it.each([
    ['a network error is retried', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), 2],
    ['a 5xx is retried', Object.assign(new Error('boom'), { name: 'InternalException', $metadata: { httpStatusCode: 500 } }), 2],
    ['a 429 is retried', Object.assign(new Error('slow'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }), 2],
    ['a 4xx is not retried', Object.assign(new Error('no bus'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }), 1],
  ])('whole-call failure: %s', async (_name, callError, expectedCalls) => {
    const { client, calls } = fakeClient((_entry, call) => (call === 0 || expectedCalls === 1 ? callError : 'ok'));
    const { result, error } = await captureLogs(() => publish(OrderPlaced, orders(2), { client, retry: fast }));
    expect(calls).toHaveLength(expectedCalls);
    if (expectedCalls === 1) {
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).failed.map((f) => f.errorCode)).toEqual([callError.name, callError.name]);
    } else {
      expect(result?.eventIds).toHaveLength(2);
    }
  });

  it('stops retrying when the invocation is about to time out', async () => {
    const { client, calls } = fakeClient(() => ({ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }));
    const context = lambdaContext({ getRemainingTimeInMillis: () => 500 });
    const { error } = await captureLogs(() =>
      withInvocationContext(context, {}, () => publish(OrderPlaced, orders(1), { client, retry: { ...fast, reserveMs: 1000 } })),
    );
    expect(calls).toHaveLength(1);
    expect((error as PublishError).failed[0]).toMatchObject({ attempts: 1, errorMessage: expect.stringContaining('retries stopped: 500 ms left') });
  });
});
