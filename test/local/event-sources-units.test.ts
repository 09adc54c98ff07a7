/**
 * The rules under the event source mappings, as tables: partial batch responses, filters on SQS
 * bodies, per-item locks, stream records per view type, FIFO queues and redrive.
 */
import { readBatchResponse, RecordFilter, sqsFilterView } from '../../lib/local/event-sources/batch';
import { KeyLocks } from '../../lib/local/dynamodb/stream-capture';
import { StreamStore } from '../../lib/local/dynamodb/streams';
import { QueueStore } from '../../lib/local/sqs/queue-store';
import type { QueueModel, StreamViewType, TableModel } from '../../lib/model';
import { ORDERS } from './fixtures/tables';

describe('partial batch responses, as Lambda reads them', () => {
  const ids = ['m1', 'm2', 'm3'];
  test.each([
    ['no answer', '', { failed: [] }],
    ['null', 'null', { failed: [] }],
    ['an object without the field', '{"ok":true}', { failed: [] }],
    ['an empty list', '{"batchItemFailures":[]}', { failed: [] }],
    ['a null list', '{"batchItemFailures":null}', { failed: [] }],
    ['a string answer', '"done"', { failed: [] }],
    ['two failures', '{"batchItemFailures":[{"itemIdentifier":"m3"},{"itemIdentifier":"m1"}]}', { failed: ['m3', 'm1'] }],
    ['not JSON', '{batchItemFailures', 'all'],
    ['an unknown id', '{"batchItemFailures":[{"itemIdentifier":"m9"}]}', 'all'],
    ['an empty id', '{"batchItemFailures":[{"itemIdentifier":""}]}', 'all'],
    ['a null id', '{"batchItemFailures":[{"itemIdentifier":null}]}', 'all'],
    ['a misspelled key', '{"batchItemFailures":[{"itemIdentifer":"m1"}]}', 'all'],
    ['a list that is not one', '{"batchItemFailures":{"itemIdentifier":"m1"}}', 'all'],
  ])('%s', (_, payload, verdict) => {
    expect(readBatchResponse(payload, ids)).toEqual(verdict);
  });
});

describe('filter criteria on SQS records: the body is matched as JSON when it is JSON', () => {
  const record = (body: string) => sqsFilterView({ body, attributes: { ApproximateReceiveCount: '1' } });
  test.each([
    [{ body: { kind: ['order'] } }, '{"kind":"order"}', true],
    [{ body: { kind: ['order'] } }, '{"kind":"refund"}', false],
    [{ body: { kind: [{ 'anything-but': ['x'] }] } }, '{"other":1}', false],
    [{ body: ['plain text'] }, 'plain text', true],
    [{ body: { kind: ['order'] } }, 'kind=order', false],
    [{ body: [{ prefix: '{not' }] }, '{not json', true],
    [{ attributes: { ApproximateReceiveCount: ['1'] } }, 'x', true],
  ])('%j on %s: %s', (pattern, body, passes) => {
    expect(new RecordFilter([pattern]).passes(record(body))).toBe(passes);
  });

  test('several filters are alternatives; none lets every record through', () => {
    const f = new RecordFilter([{ body: { a: [1] } }, { body: { b: [2] } }]);
    expect([f.passes(record('{"a":1}')), f.passes(record('{"b":2}')), f.passes(record('{"c":3}'))]).toEqual([true, true, false]);
    expect(new RecordFilter([]).passes(record('anything'))).toBe(true);
  });
});

test('per-item locks: writes to one key run one at a time and in arrival order; other keys do not wait', async () => {
  const locks = new KeyLocks();
  const log: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = locks.run(['a'], async () => {
    log.push('a1 start');
    await held;
    log.push('a1 end');
  });
  const second = locks.run(['a'], async () => void log.push('a2'));
  const both = locks.run(['b', 'a'], async () => void log.push('ab'));
  await locks.run(['b2'], async () => void log.push('b2'));
  expect(log).toEqual(['a1 start', 'b2']);
  release();
  await Promise.all([first, second, both]);
  expect(log).toEqual(['a1 start', 'b2', 'a1 end', 'a2', 'ab']);
  expect(locks.size).toBe(0);
});

describe('stream records keep what the view type says', () => {
  const table = (viewType: StreamViewType): TableModel => ({ ...ORDERS, stream: { viewType, arn: `${ORDERS.arn}/stream/x` } });
  const keys = { pk: { S: 'c1' }, sk: { N: '1' } };
  const v1 = { ...keys, status: { S: 'placed' } };
  const v2 = { ...keys, status: { S: 'shipped' } };
  test.each([
    ['KEYS_ONLY', [undefined, undefined], [undefined, undefined], [undefined, undefined]],
    ['NEW_IMAGE', [v1, undefined], [v2, undefined], [undefined, undefined]],
    ['OLD_IMAGE', [undefined, undefined], [undefined, v1], [undefined, v2]],
    ['NEW_AND_OLD_IMAGES', [v1, undefined], [v2, v1], [undefined, v2]],
  ] as const)('%s', (viewType, insert, modify, remove) => {
    const streams = new StreamStore([table(viewType)]);
    const stream = streams.ofTable('orders')!;
    const made = [streams.append(stream, keys, undefined, v1), streams.append(stream, keys, v1, { ...v1 }), streams.append(stream, keys, v1, v2), streams.append(stream, keys, v2, undefined)];
    // A write that changed nothing (the same item, whatever its attribute order) makes no record.
    expect(made[1]).toBeUndefined();
    const records = made.filter((r) => r !== undefined);
    expect(records.map((r) => r!.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(records.map((r) => [r!.newImage, r!.oldImage])).toEqual([insert, modify, remove]);
    expect(records.every((r) => r!.keys === keys && r!.sizeBytes > 0)).toBe(true);
    expect(records.map((r) => r!.sequenceNumber)).toEqual([...records.map((r) => r!.sequenceNumber)].sort());
  });

  test('records are kept until every reader has passed them; a table without readers keeps none', () => {
    const streams = new StreamStore([table('KEYS_ONLY')]);
    const stream = streams.ofTable(ORDERS.arn)!;
    streams.append(stream, keys, undefined, v1);
    expect(stream.records).toHaveLength(0);
    streams.advance(stream, 'm#0', streams.head);
    streams.advance(stream, 'm#1', streams.head);
    const a = streams.append(stream, keys, v1, v2)!;
    const b = streams.append(stream, keys, v2, undefined)!;
    streams.advance(stream, 'm#0', b.seq);
    expect(stream.records).toEqual([a, b]);
    streams.advance(stream, 'm#1', a.seq);
    expect(stream.records).toEqual([b]);
    streams.release(stream, 'm#1');
    expect(stream.records).toEqual([]);
  });
});

describe('SQS queues: FIFO groups and redrive', () => {
  const queue = (name: string, extra: Partial<QueueModel> = {}): QueueModel => ({
    stack: 'S',
    logicalId: name,
    name,
    arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
    visibilityTimeoutSeconds: 30,
    messageRetentionSeconds: 345_600,
    fifo: name.endsWith('.fifo'),
    ...extra,
  });

  test('a FIFO queue hands out a group only while none of its messages is in flight, in order; deduplicates for five minutes', async () => {
    const store = new QueueStore([queue('q.fifo', { contentBasedDeduplication: true })], 'http://x', '0');
    const sent = [['a', 1], ['b', 1], ['a', 2], ['b', 2], ['a', 3]].map(([g, n]) => store.send('q.fifo', `${g}${n}`, {}, { messageGroupId: String(g) }));
    // The same body again (content-based deduplication): accepted as the first one, not queued twice.
    expect(store.send('q.fifo', 'a1', {}, { messageGroupId: 'a' }).messageId).toBe(sent[0].messageId);
    expect(store.get('q.fifo').messages.size).toBe(5);
    const first = await store.receive('q.fifo', { maxNumberOfMessages: 2 });
    expect(first.map((m) => m.body)).toEqual(['a1', 'b1']);
    // Both groups are in flight: nothing more until one is deleted.
    expect(await store.receive('q.fifo', { maxNumberOfMessages: 10 })).toEqual([]);
    store.delete('q.fifo', first[0].receiptHandle!);
    expect((await store.receive('q.fifo', { maxNumberOfMessages: 10 })).map((m) => m.body)).toEqual(['a2', 'a3']);
    expect(first.map((m) => m.sequenceNumber)).toEqual([...first.map((m) => m.sequenceNumber)].sort());
  });

  test('a message received maxReceiveCount times is moved to the dead-letter queue by the next receive, keeping its id and body', async () => {
    const store = new QueueStore([queue('dlq'), queue('work', { redrive: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', maxReceiveCount: 2 } })], 'http://x', '0');
    const moved: string[] = [];
    store.on('redrive', (from, to, m) => moved.push(`${from.model.name}->${to.model.name}:${m.messageId}`));
    const sent = store.send('work', 'poison');
    for (let i = 0; i < 2; i++) {
      const [m] = await store.receive('work', { visibilityTimeoutSeconds: 0 });
      expect(m.receiveCount).toBe(i + 1);
    }
    expect(await store.receive('work', {})).toEqual([]);
    expect(moved).toEqual([`work->dlq:${sent.messageId}`]);
    const [dead] = await store.receive('dlq', {});
    expect(dead).toMatchObject({ messageId: sent.messageId, body: 'poison', receiveCount: 1, sentTimestamp: sent.sentTimestamp, deadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:work' });
  });
});
