/**
 * The durable state's pieces on their own: the group-committed LevelDB store, the ledger kept in
 * it (history past maxEnded still counted after a restart), and the app key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryLedger } from '../../lib/local/events/ledger';
import { appStateKey } from '../../lib/local/state/app-key';
import { QueueStore } from '../../lib/local/sqs/queue-store';
import { keepLedger, loadLedger } from '../../lib/local/state/deliveries';
import { QueueKeeper } from '../../lib/local/state/queues';
import { KEY_PREFIX, StateStore } from '../../lib/local/state/store';
import type { AppModel, QueueModel } from '../../lib/model';

const dirs: string[] = [];
const tempDir = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'sy-store-')));
  return dirs[dirs.length - 1];
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('StateStore', () => {
  test('writes the latest value of each key changed before flushed(), and they are there after a reopen', async () => {
    const dir = tempDir();
    const store = await StateStore.open(dir);
    const record = { state: 'pending', attempts: 0 };
    store.put('d!1', record);
    // Changed again before the batch is written: written as it is by then.
    record.state = 'delivered';
    record.attempts = 1;
    store.put('d!2', { state: 'pending' });
    store.del('d!2');
    store.put('q!a!1', 'body');
    await store.flushed();
    // Written: a put now goes to the next batch, which flushed() waits for too.
    store.put('q!a!2', 'second');
    const flushed = store.flushed();
    await store.close();
    await flushed;

    const reopened = await StateStore.open(dir);
    expect(await reopened.get('d!1')).toEqual({ state: 'delivered', attempts: 1 });
    expect(await reopened.get('d!2')).toBeUndefined();
    expect(await reopened.entries('q!')).toEqual([
      ['q!a!1', 'body'],
      ['q!a!2', 'second'],
    ]);
    await reopened.clear();
    expect(await reopened.entries('')).toEqual([]);
    await reopened.close();
  });

  test('a second open of a folder in use fails with StateInUse; a folder that is not a store with StateUnreadable', async () => {
    const dir = tempDir();
    const store = await StateStore.open(dir);
    await expect(StateStore.open(dir)).rejects.toMatchObject({ name: 'LocalStateError', code: 'StateInUse' });
    await store.close();
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'not a folder');
    await expect(StateStore.open(file)).rejects.toMatchObject({ code: expect.stringMatching(/^State/) });
  });
});

describe('the ledger kept in the store', () => {
  test('restores deliveries in order with their payloads while open, and counts the ones it forgot', async () => {
    const dir = tempDir();
    const store = await StateStore.open(dir);
    const ledger = new DeliveryLedger({ maxEnded: 2 });
    keepLedger(ledger, store);
    const payload = (n: number) => ({ payload: `{"n":${n}}`, requestId: `r${n}` });
    const open = ledger.accept({ eventId: 'e0', kind: 'async-invoke', targetArn: 'arn:fn' }, payload(0));
    for (let n = 1; n <= 4; n++) ledger.update(ledger.accept({ eventId: `e${n}`, kind: 'async-invoke', targetArn: 'arn:fn' }, payload(n)), { state: n % 2 ? 'delivered' : 'dead-lettered', attempts: 1 });
    ledger.update(open, { state: 'retrying', attempts: 1, nextAttemptAt: 123 });
    await store.close();

    const again = await StateStore.open(dir);
    const { kept, forgotten } = await loadLedger(again);
    expect(kept.map((k) => [k.record.id, k.record.state, k.payload?.requestId])).toEqual([
      ['d-1', 'retrying', 'r0'],
      ['d-4', 'delivered', undefined],
      ['d-5', 'dead-lettered', undefined],
    ]);
    expect(forgotten).toEqual({ delivered: 1, failed: 0, 'dead-lettered': 1, dropped: 0, undeliverable: 0 });
    const restored = new DeliveryLedger({ maxEnded: 2 });
    restored.restore(kept, forgotten);
    expect(restored.counts()).toEqual({ pending: 0, retrying: 1, delivered: 2, failed: 0, 'dead-lettered': 2, dropped: 0, undeliverable: 0 });
    expect(restored.inProgress).toBe(1);
    expect(restored.payloadOf(restored.list({ state: 'retrying' })[0])).toEqual(payload(0));
    // Ids go on after the restored ones.
    expect(restored.accept({ eventId: 'e5', kind: 'rule', targetArn: 'arn:q' }, payload(5)).id).toBe('d-6');
    await again.close();
  });
});

describe('queue messages kept in the store', () => {
  const queue = (name: string, messageRetentionSeconds: number): QueueModel => ({ stack: 'S', logicalId: name, name, arn: `arn:aws:sqs:us-east-1:000000000000:${name}`, visibilityTimeoutSeconds: 30, messageRetentionSeconds, fifo: false });

  test('come back in order with their state; those of a queue gone from the app, or past their retention period, are deleted and noted', async () => {
    const dir = tempDir();
    let store = await StateStore.open(dir);
    const before = new QueueStore([queue('jobs', 3600), queue('old', 3600)], 'http://127.0.0.1:1', '000000000000');
    await new QueueKeeper(store).restore(before);
    for (const body of ['a', 'b', 'c']) before.send('jobs', body);
    before.send('old', 'x');
    const [received] = await before.receive('jobs');
    expect(before.delete('jobs', (await before.receive('jobs'))[0].receiptHandle!)).toBe(true);
    await store.close();

    // Restarted an hour and a second later, with a 2-hour retention on jobs and no queue `old`.
    store = await StateStore.open(dir);
    const after = new QueueStore([queue('jobs', 7200)], 'http://127.0.0.1:1', '000000000000');
    expect((await new QueueKeeper(store).restore(after, Date.now() + 3_601_000)).notes).toEqual(['queue old is no longer in the app: its 1 kept message(s) were deleted']);
    expect([...after.get('jobs').messages.values()].map((m) => [m.body, m.receiveCount, m.receiptHandle])).toEqual([
      ['a', 1, received.receiptHandle],
      ['c', 0, undefined],
    ]);
    await store.close();

    // With a retention of an hour, both jobs are past it.
    store = await StateStore.open(dir);
    const short = new QueueStore([queue('jobs', 3600)], 'http://127.0.0.1:1', '000000000000');
    expect((await new QueueKeeper(store).restore(short, Date.now() + 3_601_000)).notes).toEqual(['2 message(s) of queue jobs were older than its retention period (3600 s) and were deleted, as SQS does']);
    expect(short.get('jobs').messages.size).toBe(0);
    await store.close();
  });
});

describe('appStateKey', () => {
  const model = (stacks: string[], region = 'us-east-1') =>
    ({ accountId: '000000000000', region, functions: stacks.map((stack) => ({ stack })), queues: [], tables: [], rules: [], eventBuses: [{ name: 'default' }], httpApis: [], restApis: [] }) as unknown as AppModel;

  test.each<[string, AppModel, string | RegExp]>([
    ['one stack', model(['ShopStack']), 'ShopStack-000000000000-us-east-1'],
    ['stacks in name order, once each', model(['B', 'A', 'B']), 'A+B-000000000000-us-east-1'],
    ['another region is another app', model(['ShopStack'], 'eu-west-1'), 'ShopStack-000000000000-eu-west-1'],
    ['nested stage ids are made safe for a folder name', model(['Prod/Shop']), 'Prod_Shop-000000000000-us-east-1'],
    ['a long name is cut and made unique by a hash', model(Array.from({ length: 12 }, (_, i) => `Stack${i}WithALongName`)), /^Stack0WithALongName\+.{50,}-[0-9a-f]{12}$/],
  ])('%s', (_, m, expected) => {
    const key = appStateKey(m);
    if (typeof expected === 'string') expect(key).toBe(expected);
    else expect(key).toMatch(expected);
    expect(key.length).toBeLessThanOrEqual(100);
  });
});

test("no kind of record's key prefix starts another's (a range read by prefix sees one kind only)", () => {
  const prefixes = Object.values(KEY_PREFIX);
  expect(new Set(prefixes).size).toBe(prefixes.length);
  for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
});
