/**
 * Queues, tables and streams as `switchyard cost` and `switchyard diagram` read them: an app
 * using each, synthesized as the CLI synthesizes, read back through lib/model.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { EventApp } from '../../lib';
import { readAppModel } from '../../lib/model';
import { type OpsApp, estimateCost, loadPriceTable, mermaidDiagram, pricesFor, readOpsApp } from '../../lib/ops';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-sources-'));
let ops!: OpsApp;
beforeAll(() => {
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Sources');
  const shop = new EventApp(stack, 'Shop', { monitoring: false });
  shop.addQueue('Orders', { handler: { entry: HELLO }, batchSize: 50, maxBatchingWindow: Duration.seconds(2) });
  shop.addQueue('Payments', { handler: OTHER, fifo: true });
  shop.addSubscription('BufferOrders', { pattern: { source: ['shop.orders'] }, queue: 'Orders' });
  shop.addRoute('POST /payments', { queue: 'Payments', messageGroupId: 'all' });
  shop.addTable('Items', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  shop.addTableStream('IndexItems', { table: 'Items', handler: { entry: OTHER, deployment: true } });
  app.synth();
  ops = readOpsApp(readAppModel(outdir).model);
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const byName = (name: string) => ops.queues.find((q) => q.name === name)!;
const fnNamed = (name: string) => ops.functions.find((f) => f.name === name)!;

describe('facts', () => {
  test('queues by their declared names, FIFO or not, with their redrive', () => {
    expect(ops.queues.map((q) => q.name).sort()).toEqual(['BufferOrders DLQ', 'IndexItems DLQ', 'Orders', 'Orders DLQ', 'Payments', 'Payments DLQ']);
    expect(byName('Orders')).toMatchObject({ fifo: false, deadLetterQueue: byName('Orders DLQ').logicalId, maxReceiveCount: 5 });
    expect(byName('Payments')).toMatchObject({ fifo: true, deadLetterQueue: byName('Payments DLQ').logicalId });
  });

  test('event source mappings: which queue or table, which function (through its alias), batching, on-failure queue', () => {
    const items = ops.tables.find((t) => t.name === 'Items')!;
    expect(items).toMatchObject({ billing: 'on-demand', stream: true, extraReplicas: 0 });
    const sources = ops.eventSources.map((s) => ({ ...s, logicalId: undefined }));
    expect(sources).toEqual(expect.arrayContaining([
      { logicalId: undefined, kind: 'sqs', sourceLogicalId: byName('Orders').logicalId, functionLogicalId: fnNamed('Orders').logicalId, batchSize: 50, batchingWindowSeconds: 2, enabled: true, onFailureQueue: undefined },
      { logicalId: undefined, kind: 'sqs', sourceLogicalId: byName('Payments').logicalId, functionLogicalId: fnNamed('Payments').logicalId, batchSize: 10, batchingWindowSeconds: 0, enabled: true, onFailureQueue: undefined },
      { logicalId: undefined, kind: 'dynamodb', sourceLogicalId: items.logicalId, functionLogicalId: fnNamed('IndexItems').logicalId, batchSize: 100, batchingWindowSeconds: 0, enabled: true, onFailureQueue: byName('IndexItems DLQ').logicalId },
    ]));
    expect(sources).toHaveLength(3);
  });

  test('a route and a rule that send to a queue', () => {
    expect(ops.routes).toContainEqual(expect.objectContaining({ key: 'POST /payments', queueLogicalId: byName('Payments').logicalId }));
    const rule = ops.rules.find((r) => r.name === 'BufferOrders')!;
    expect(rule.targets).toEqual([{ functionLogicalId: undefined, queueLogicalId: byName('Orders').logicalId, deadLetterQueue: byName('BufferOrders DLQ').logicalId }]);
  });

  test('code and asset sizes come from the assembly', () => {
    expect(ops.functions.every((f) => f.codeBytes > 0)).toBe(true);
    expect(ops.assetBytes).toBeGreaterThanOrEqual(ops.functions.reduce((n, f) => n + f.codeBytes, 0));
  });
});

test('cost: queue messages and stream records invoke their consumers', () => {
  const prices = pricesFor(loadPriceTable(), 'us-east-1');
  const r = estimateCost(ops, { queues: { Orders: { messagesPerMonth: 5000 }, Payments: { messagesPerMonth: 300 } }, tables: { Items: { writesPerMonth: 70 } } }, prices);
  const invocations = Object.fromEntries(r.functions.map((f) => [f.name, f.invocations]));
  // Orders: batches of 50 with a window: 5000 / 50 = 100. Payments: one by one. IndexItems: one per write.
  expect(invocations).toEqual({ Orders: 100, Payments: 300, IndexItems: 70 });
});

describe('diagram', () => {
  const node = (d: string, text: string) => new RegExp(`(\\w+)\\W+"${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(d)?.[1];

  test('queues feed their consumers in batches, the table its consumer through its stream', () => {
    const d = mermaidDiagram(ops);
    const [orders, payments, ordersFn, paymentsFn, items, indexFn] = [node(d, 'Orders'), node(d, 'Payments (FIFO)'), node(d, 'λ Orders'), node(d, 'λ Payments'), node(d, 'Items (DynamoDB)'), node(d, 'λ IndexItems')];
    expect([orders, payments, ordersFn, paymentsFn, items, indexFn].every(Boolean)).toBe(true);
    expect(d).toContain(`  ${orders} -- "batches of 50" --> ${ordersFn}\n`);
    expect(d).toContain(`  ${payments} -- "batches of 10" --> ${paymentsFn}\n`);
    expect(d).toContain(`  ${items} -- "stream" --> ${indexFn}\n`);
  });

  test('a rule and a route send to queues; failures go to dead-letter queues', () => {
    const d = mermaidDiagram(ops);
    const [orders, payments, rule, route, ordersDlq, indexFn, indexDlq] = [node(d, 'Orders'), node(d, 'Payments (FIFO)'), node(d, 'BufferOrders<br/>shop.orders'), node(d, 'POST /payments'), node(d, 'Orders DLQ'), node(d, 'λ IndexItems'), node(d, 'IndexItems DLQ')];
    expect(d).toContain(`  ${rule} --> ${orders}\n`);
    expect(d).toContain(`  ${route} --> ${payments}\n`);
    expect(d).toContain(`  ${orders} -. "after 5 receives" .-> ${ordersDlq}\n`);
    expect(d).toContain(`  ${indexFn} -. failed batches .-> ${indexDlq}\n`);
  });
});
