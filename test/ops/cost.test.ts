import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  IDLE_POLLS_PER_MONTH,
  type OpsApp,
  type OpsEventSource,
  type OpsFunction,
  type OpsRule,
  type OpsTable,
  type Usage,
  UsageError,
  estimateCost,
  firingsPerMonth,
  loadPriceTable,
  pricesFor,
  PriceTableError,
  readUsage,
  tieredCost,
} from '../../lib/ops';

const prices = pricesFor(loadPriceTable(), 'us-east-1');

const fn = (over: Partial<OpsFunction> = {}): OpsFunction => ({
  stack: 'S', logicalId: 'F', name: 'F', arn: 'arn:aws:lambda:us-east-1:1:function:f', memoryMb: 512, architecture: 'arm64',
  logRetentionDays: 30, provisionedConcurrency: 0, publishesTo: [], codeBytes: 0, ...over,
});
const app = (over: Partial<OpsApp> = {}): OpsApp => ({
  region: 'us-east-1', functions: [fn()], apis: [], routes: [], buses: [], busLabels: {}, rules: [], queues: [], tables: [], eventSources: [], assetBytes: 0, alarmMetrics: 0, alarms: 0, dashboards: 0, ...over,
});
const noLogs: Usage['defaults'] = { logKbPerInvocation: 0 };
const service = (a: OpsApp, u: Usage) => estimateCost(a, u, prices).byService;

// Each expectation is worked out by hand from prices.json (us-east-1, 2025-06-01).
describe('hand-computed cases', () => {
  test('arm64 function behind a route, inside the Lambda free tier', () => {
    // 2M requests x $0.20/M = 0.40; 2M x 0.1 s x 0.5 GB = 100,000 GB-s x 0.0000133334 = 1.33334;
    // free tier: 1M requests (0.20) and all 100,000 GB-s (1.33334); HTTP API 2M x $1/M.
    const a = app({ routes: [{ key: 'GET /x', api: 'A', functionLogicalId: 'F' }] });
    const r = estimateCost(a, { routes: { 'GET /x': { requestsPerMonth: 2e6 } }, functions: { F: { avgDurationMs: 100 } }, defaults: noLogs }, prices);
    expect(r.functions[0]).toMatchObject({ invocations: 2e6, gbSeconds: 100_000, durationFrom: 'usage' });
    expect(r.functions[0].requestsCost).toBeCloseTo(0.4, 10);
    expect(r.functions[0].durationCost).toBeCloseTo(1.33334, 10);
    expect(r.byService.Lambda).toBeCloseTo(0.2, 10);
    expect(r.byService['API Gateway']).toBeCloseTo(2, 10);
    expect(r.total).toBeCloseTo(2.2, 10);
  });

  test('x86 function on a rule: duration rounded up to the ms, 64 KB event chunks', () => {
    // 10M x 0.201 s x 1 GB = 2,010,000 GB-s x 0.0000166667 = 33.500067; requests 2.00;
    // free tier 0.20 + 400,000 x 0.0000166667 = 6.86668. Events of 100 KB are 2 chunks: 20M x $1/M.
    const a = app({
      functions: [fn({ architecture: 'x86_64', memoryMb: 1024 })],
      buses: ['b'],
      rules: [{ logicalId: 'R', name: 'R', bus: 'b', pattern: { source: ['s'] }, enabled: true, targets: [{ functionLogicalId: 'F' }] }],
    });
    const r = estimateCost(a, { rules: { R: { eventsPerMonth: 1e7, eventKb: 100 } }, functions: { F: { avgDurationMs: 200.4 } }, defaults: noLogs }, prices);
    expect(r.functions[0].gbSeconds).toBeCloseTo(2_010_000, 6);
    expect(r.byService.Lambda).toBeCloseTo(2 + 33.500067 - 6.86668, 6);
    expect(r.byService.EventBridge).toBeCloseTo(20, 10);
  });

  test.each([
    // [requests, payload KB, metered requests, cost]: 512 KB increments, $1.00/M to 300M then $0.90/M
    [1e6, 512, 1e6, 1],
    [1e6, 513, 2e6, 2],
    [2e8, 600, 4e8, 300 + 90],
  ])('HTTP API: %d requests of %d KB meter as %d requests', (requests, kb, metered, cost) => {
    const a = app({ routes: [{ key: 'POST /x', api: 'A', functionLogicalId: 'F' }] });
    const r = estimateCost(a, { routes: { 'POST /x': { requestsPerMonth: requests, payloadKb: kb } }, defaults: noLogs }, prices);
    const line = r.lines.find((l) => l.service === 'API Gateway')!;
    expect(line.quantity).toBe(metered);
    expect(line.cost).toBeCloseTo(cost, 8);
  });

  test('logs: ingestion plus a month of storage at 30 days retention, less the free 5 GB', () => {
    // 1M x 1 KB = 1e6/1048576 GB = 0.953674 GB; x 0.50 = 0.476837; storage 0.953674 x (30/30.41667) x 0.03 = 0.028218
    const r = estimateCost(app(), { functions: { F: { invocationsPerMonth: 1e6, avgDurationMs: 1 } } }, prices);
    expect(r.functions[0].logsCost).toBeCloseTo(0.476837 + 0.028218, 5);
    expect(r.byService['CloudWatch Logs']).toBeCloseTo(0.028218, 5);
  });

  test('provisioned concurrency: every second of the month, invocations at the provisioned duration price', () => {
    // 2 x 1 GB x 730 h x 3600 s = 5,256,000 GB-s x 0.0000033334 = 17.5203504; 100,000 GB-s x 0.0000077778 = 0.77778
    const a = app({ functions: [fn({ memoryMb: 1024, provisionedConcurrency: 2 })] });
    const r = estimateCost(a, { functions: { F: { invocationsPerMonth: 1e6, avgDurationMs: 100 } }, defaults: noLogs }, prices);
    expect(r.functions[0].provisionedCost).toBeCloseTo(17.5203504, 6);
    expect(r.functions[0].durationCost).toBeCloseTo(0.77778, 6);
    // Provisioned GB-seconds are not free-tier GB-seconds: only the requests are credited.
    expect(r.byService.Lambda).toBeCloseTo(17.5203504 + 0.77778 + 0.2 - 0.2, 6);
  });

  test('SQS: three requests per dead-lettered message beyond the free million', () => {
    const a = app({ queues: [{ logicalId: 'Q', name: 'Q', fifo: false }] });
    expect(service(a, { queues: { Q: { messagesPerMonth: 500_000 } } }).SQS).toBeCloseTo(0.2, 10);
  });

  test('CloudWatch: alarm metrics and dashboards beyond the free ones', () => {
    expect(service(app({ alarms: 24, alarmMetrics: 25, dashboards: 4 }), {}).CloudWatch).toBeCloseTo(1.5 + 3, 10);
  });

  test('published events: identical patterns counted once, or as the usage file says', () => {
    const rule = (name: string) => ({ logicalId: name, name, bus: 'b', pattern: { 'detail-type': ['X'] }, enabled: true, targets: [{ functionLogicalId: 'F' }] });
    const a = app({ buses: ['b'], rules: [rule('A'), rule('B')] });
    const rules = { A: { eventsPerMonth: 1e6 }, B: { eventsPerMonth: 1e6 } };
    expect(service(a, { rules }).EventBridge).toBeCloseTo(1, 10);
    expect(service(a, { rules, eventsPublishedPerMonth: 5e6 }).EventBridge).toBeCloseTo(5, 10);
    // ...while both targets are invoked.
    expect(estimateCost(a, { rules }, prices).functions[0].invocations).toBe(2e6);
  });

  test('published events: the same pattern on two buses is two events, each billed', () => {
    const rule = (name: string, bus: string) => ({ logicalId: name, name, bus, pattern: { 'detail-type': ['X'] }, enabled: true, targets: [{ functionLogicalId: 'F' }] });
    const a = app({ buses: ['a', 'b'], rules: [rule('A', 'a'), rule('B', 'b')] });
    expect(service(a, { rules: { A: { eventsPerMonth: 1e6 }, B: { eventsPerMonth: 1e6 } } }).EventBridge).toBeCloseTo(2, 10);
  });

  test('forwarded events: billed again on the bus they are forwarded to, as many as the rules with the same pattern see unless the usage file says', () => {
    const pattern = { 'detail-type': ['X'] };
    const a = app({
      buses: ['a', 'b'],
      rules: [
        { logicalId: 'A', name: 'A', bus: 'a', pattern, enabled: true, targets: [{ functionLogicalId: 'F' }] },
        { logicalId: 'Fwd', name: 'Fwd', bus: 'a', pattern, enabled: true, targets: [{ busName: 'b' }] },
        { logicalId: 'B', name: 'B', bus: 'b', pattern, enabled: true, targets: [{ functionLogicalId: 'F' }] },
      ],
    });
    const rules = { A: { eventsPerMonth: 1e6 }, B: { eventsPerMonth: 5e5 } };
    // Bus a: 1M put. Bus b: the 1M Fwd forwards (its rule B sees half of them): 2M x $1/M.
    const r = estimateCost(a, { rules }, prices);
    expect(r.byService.EventBridge).toBeCloseTo(2, 10);
    expect(r.notes).toContainEqual(expect.stringContaining('Rule Fwd forwards 1,000,000 events a month to bus b'));
    // The usage file's count for the forwarding rule: 3M events on bus a match it, all forwarded to b.
    expect(service(a, { rules: { ...rules, Fwd: { eventsPerMonth: 3e6 } } }).EventBridge).toBeCloseTo(6, 10);
    // What the app puts, as the usage file says, plus what is forwarded.
    expect(service(a, { rules, eventsPublishedPerMonth: 3e6 }).EventBridge).toBeCloseTo(4, 10);
    // A disabled forwarding rule forwards nothing.
    const off = app({ ...a, rules: a.rules.map((x) => (x.name === 'Fwd' ? { ...x, enabled: false } : x)) });
    expect(service(off, { rules }).EventBridge).toBeCloseTo(1.5, 10);
  });

  test('durations: the usage file, then what `switchyard dev` measured, then the default', () => {
    const a = app({ functions: [fn({ logicalId: 'A', name: 'A' }), fn({ logicalId: 'B', name: 'B' }), fn({ logicalId: 'C', name: 'C' })] });
    const measured = { version: 1 as const, measuredAt: '2025-06-01T00:00:00Z', functions: { A: { invocations: 3, avgMs: 7 }, B: { invocations: 3, avgMs: 9 } } };
    const r = estimateCost(a, { functions: { A: { avgDurationMs: 50 } } }, prices, measured);
    expect(r.functions.map((f) => [f.avgDurationMs, f.durationFrom])).toEqual([[50, 'usage'], [9, 'measured'], [100, 'default']]);
  });
});

describe('price table', () => {
  test('tiers split a quantity at their bounds', () => {
    expect(tieredCost([{ upTo: 10, price: 2 }, { upTo: null, price: 1 }], 15)).toBe(25);
    expect(tieredCost([{ upTo: 10, price: 2 }, { upTo: null, price: 1 }], 5, 1, 8)).toBe(2 * 2 + 3);
  });

  test('an unknown region names the regions there are', () => {
    expect(() => pricesFor(loadPriceTable(), 'mars-1')).toThrow(PriceTableError);
    expect(() => pricesFor(loadPriceTable(), 'mars-1')).toThrow(/us-east-1, eu-west-1/);
  });

  test('the table is dated', () => {
    expect(loadPriceTable().date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('schedule rates', () => {
  test.each([
    ['rate(5 minutes)', (730 * 60) / 5],
    ['rate(1 hour)', 730],
    ['rate(1 day)', 730 / 24],
    ['cron(0 2 * * ? *)', 730 / 24],
    ['cron(0/15 9-17 ? * MON-FRI *)', 4 * 9 * (5 / 7) * (730 / 24)],
    ['cron(0 8 1 * ? *)', 1],
    ['cron(0 8 ? * 6#3 *)', 1],
    ['cron(30 6 ? JAN,JUL MON *)', (1 / 7) * (730 / 24) * (2 / 12)],
  ])('%s fires %d times a month', (expression, expected) => {
    expect(firingsPerMonth(expression)).toBeCloseTo(expected as number, 8);
  });

  test('an unreadable expression is undefined, not zero', () => {
    expect(firingsPerMonth('every tuesday')).toBeUndefined();
  });
});

describe('queues, tables and storage (hand-computed)', () => {
  const consumer = (over: Partial<OpsEventSource> = {}): OpsEventSource => ({ logicalId: 'M', kind: 'sqs', sourceLogicalId: 'Q', functionLogicalId: 'F', batchSize: 10, batchingWindowSeconds: 0, enabled: true, ...over });
  const table = (over: Partial<OpsTable> = {}): OpsTable => ({ logicalId: 'T', name: 'T', billing: 'on-demand', stream: true, infrequentAccess: false, extraReplicas: 0, ...over });

  test('a consumed queue: a send per message, a receive and a delete per batch of 10, and the idle polls of 5 pollers', () => {
    // 1M messages of 1 KB: 1,000,000 sends + 100,000 receives + 100,000 deletes + 5 x 2,628,000 s / 20 s = 657,000 polls
    // = 1,857,000 requests; less the free million: 857,000 x $0.40/M = $0.3428. Each message invokes the consumer.
    const a = app({ queues: [{ logicalId: 'Q', name: 'Orders', fifo: false }], eventSources: [consumer()] });
    const r = estimateCost(a, { queues: { Orders: { messagesPerMonth: 1e6 } }, defaults: noLogs }, prices);
    expect(r.lines.find((l) => l.service === 'SQS')).toMatchObject({ quantity: 1_857_000 });
    expect(r.byService.SQS).toBeCloseTo(0.3428, 10);
    expect(r.functions[0].invocations).toBe(1e6);
    expect(IDLE_POLLS_PER_MONTH).toBe(657_000);
  });

  test("a queue's messages are what the app sends it when the usage file does not say: its rules' events and its routes' requests", () => {
    // A rule with 600,000 events a month and a route with 400,000 requests send to the queue: 1M
    // messages, the same 1,857,000 requests as above, and a million invocations of the consumer.
    const rule: OpsRule = { logicalId: 'R', name: 'Reserve', bus: 'B', pattern: {}, enabled: true, targets: [{ queueLogicalId: 'Q' }] };
    const route = { key: 'POST /orders', api: 'A', queueLogicalId: 'Q' };
    const a = app({ queues: [{ logicalId: 'Q', name: 'Orders', fifo: false }], eventSources: [consumer()], rules: [rule], routes: [route] });
    const usage: Usage = { rules: { Reserve: { eventsPerMonth: 600_000 } }, routes: { 'POST /orders': { requestsPerMonth: 400_000 } }, defaults: noLogs };
    const r = estimateCost(a, usage, prices);
    expect(r.lines.find((l) => l.service === 'SQS')).toMatchObject({ quantity: 1_857_000 });
    expect(r.functions[0].invocations).toBe(1e6);
    expect(r.notes).toContain('Orders gets 1,000,000 messages a month from rule Reserve and route POST /orders; set queues.Orders.messagesPerMonth to change it.');
    // The usage file's figure, when it gives one, is the queue's: 200,000 messages.
    const given = estimateCost(a, { ...usage, queues: { Orders: { messagesPerMonth: 200_000 } } }, prices);
    expect(given.functions[0].invocations).toBe(200_000);
    expect(given.notes.some((n) => n.startsWith('Orders gets'))).toBe(false);
    // A disabled rule sends nothing.
    const disabled = estimateCost(app({ ...a, rules: [{ ...rule, enabled: false }] }), usage, prices);
    expect(disabled.functions[0].invocations).toBe(400_000);
  });

  test('with a batching window the consumer is invoked per batch; large messages are billed per 64 KB', () => {
    // 200,000 messages of 100 KB (2 chunks), batches of 100 with a window: sends 400,000;
    // 20,000 receives of 10 x 100 KB = 16 chunks each = 320,000; 20,000 deletes; polls 657,000 = 1,397,000.
    // Invocations: 200,000 / 100 = 2,000.
    const a = app({ queues: [{ logicalId: 'Q', name: 'Orders', fifo: false }], eventSources: [consumer({ batchSize: 100, batchingWindowSeconds: 5 })] });
    const r = estimateCost(a, { queues: { Orders: { messagesPerMonth: 200_000, messageKb: 100 } }, defaults: noLogs }, prices);
    expect(r.lines.find((l) => l.service === 'SQS')!.quantity).toBe(1_397_000);
    expect(r.functions[0].invocations).toBe(2_000);
  });

  test('FIFO requests at the FIFO price, after the free million; polling as the usage file says', () => {
    // 3M messages: 3M sends + 300,000 receives + 300,000 deletes + 0 polls = 3.6M; less 1M free: 2.6M x $0.50/M = $1.30.
    const a = app({ queues: [{ logicalId: 'Q', name: 'Payments', fifo: true }], eventSources: [consumer()] });
    const r = estimateCost(a, { queues: { Payments: { messagesPerMonth: 3e6, pollingRequestsPerMonth: 0 } }, defaults: noLogs }, prices);
    expect(r.byService.SQS).toBeCloseTo(1.3, 10);
  });

  test('DynamoDB on-demand: request units by item size and consistency, storage beyond 25 GB', () => {
    const a = app({ tables: [table({ stream: false })] });
    // Items of 6 KB: a write takes 6 WRU, an eventually consistent read ceil(6/4) = 2 RRU, halved.
    // 1M writes = 6M WRU x $0.625/M = $3.75; 4M reads = 4M RRU x $0.125/M = $0.50;
    // storage 30 GB - 25 free = 5 x $0.25 = $1.25.
    const r = estimateCost(a, { tables: { T: { writesPerMonth: 1e6, readsPerMonth: 4e6, itemKb: 6, storageGb: 30 } } }, prices);
    expect(r.byService.DynamoDB).toBeCloseTo(3.75 + 0.5 + 1.25, 10);
    // Strongly consistent reads take the full 2 RRU: 8M RRU = $1.00.
    const consistent = estimateCost(a, { tables: { T: { writesPerMonth: 1e6, readsPerMonth: 4e6, itemKb: 6, storageGb: 30, consistentReads: true } } }, prices);
    expect(consistent.byService.DynamoDB).toBeCloseTo(3.75 + 1 + 1.25, 10);
  });

  test('a stream: every write invokes its Lambda consumer, whose stream reads are free; other readers pay beyond 2.5M', () => {
    const a = app({ tables: [table()], eventSources: [consumer({ kind: 'dynamodb', sourceLogicalId: 'T', batchSize: 100 })] });
    const r = estimateCost(a, { tables: { T: { writesPerMonth: 500_000, streamReadRequestsPerMonth: 3_000_000 } }, defaults: noLogs }, prices);
    expect(r.functions[0].invocations).toBe(500_000);
    // 500,000 WRU x $0.625/M = $0.3125; stream reads (3M - 2.5M free) x $0.02 per 100,000 = $0.10.
    expect(r.byService.DynamoDB).toBeCloseTo(0.3125 + 0.1, 10);
    expect(r.lines.find((l) => l.item.startsWith('stream read requests'))!.cost).toBeCloseTo(0.1, 10);
  });

  test('a global table writes once per replica; provisioned capacity is left out with a note', () => {
    const a = app({ tables: [table({ logicalId: 'G', name: 'G', extraReplicas: 2, stream: false }), table({ logicalId: 'P', name: 'P', billing: 'provisioned', stream: false })] });
    const r = estimateCost(a, { tables: { G: { writesPerMonth: 1e6 }, P: { writesPerMonth: 1e6, readsPerMonth: 1e6 } } }, prices);
    expect(r.byService.DynamoDB).toBeCloseTo(3 * 0.625, 10);
    expect(r.notes).toEqual(expect.arrayContaining([expect.stringContaining('Table P has provisioned capacity'), expect.stringContaining('Table G is replicated to 2 more region(s)')]));
  });

  test('storage: Lambda code is free within its quota; assets are S3 Standard GB-months', () => {
    // Assets: 2 GiB x 10 versions = 20 GB x $0.023 = $0.46. Code: 2 x 20 GiB x 2 versions = 80 GB, over the 75 GB quota.
    const a = app({ functions: [fn({ logicalId: 'A', name: 'A', codeBytes: 20 * 1024 ** 3 }), fn({ logicalId: 'B', name: 'B', codeBytes: 20 * 1024 ** 3 })], assetBytes: 2 * 1024 ** 3 });
    const r = estimateCost(a, { storage: { assetVersionsKept: 10, codeVersionsKept: 2 } }, prices);
    expect(r.byService.S3).toBeCloseTo(0.46, 10);
    expect(r.lines.find((l) => l.item.startsWith('code storage'))).toMatchObject({ quantity: 80 * 1024, unit: 'MB', cost: 0 });
    expect(r.notes).toContainEqual(expect.stringContaining('over the 75 GB quota'));
  });
});

describe('usage file', () => {
  const write = (content: unknown) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'usage-')), 'usage.json');
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };

  test('takes tables, queues and storage, with consistentReads as the one flag', () => {
    const usage = { tables: { T: { readsPerMonth: 1, consistentReads: true } }, queues: { Q: { messagesPerMonth: 2, messageKb: 3 } }, storage: { assetVersionsKept: 4 } };
    expect(readUsage(write(usage))).toEqual(usage);
  });

  test.each([
    [{ tables: { T: { consistentReads: 'yes' } } }, 'tables.T.consistentReads'],
    [{ queues: { Q: { messagesPerMonth: true } } }, 'queues.Q.messagesPerMonth'],
    [{ storage: { assetVersionsKept: -1 } }, 'storage.assetVersionsKept'],
  ])('refuses %j, naming %s', (usage, at) => {
    expect(() => readUsage(write(usage))).toThrow(UsageError);
    expect(() => readUsage(write(usage))).toThrow(at);
  });
});
