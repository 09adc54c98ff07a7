import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { MultiRegionApp } from '../../lib';
import { readAppModel } from '../../lib/model';
import { type OpsApp, type OpsFunction, type RegionLayout, type Usage, estimateCost, estimateRegions, formatCostReport, loadPriceTable, pricesFor, readOpsApp, regionLayout } from '../../lib/ops';

const table = loadPriceTable();
const prices = pricesFor(table, 'us-east-1');

const fn: OpsFunction = {
  stack: 'S', logicalId: 'F', name: 'F', arn: 'arn:aws:lambda:us-east-1:1:function:f', memoryMb: 512, architecture: 'arm64',
  logRetentionDays: 30, provisionedConcurrency: 0, publishesTo: [], codeBytes: 0,
};
// A function behind a route and a subscription on the app's bus.
const app: OpsApp = {
  region: 'us-east-1', functions: [fn], apis: [{ logicalId: 'A', name: 'A', accessLogs: false }], routes: [{ key: 'GET /x', api: 'A', functionLogicalId: 'F' }],
  buses: ['b'], busLabels: {}, rules: [{ logicalId: 'R', name: 'R', bus: 'b', pattern: { source: ['s'] }, enabled: true, targets: [{ functionLogicalId: 'F' }] }],
  queues: [], tables: [], eventSources: [], assetBytes: 0, alarmMetrics: 0, alarms: 0, dashboards: 0,
};
const usage: Usage = { routes: { 'GET /x': { requestsPerMonth: 2e6 } }, rules: { R: { eventsPerMonth: 1e6 } }, functions: { F: { avgDurationMs: 100 } }, defaults: { logKbPerInvocation: 0 } };
const layout = (over: Partial<RegionLayout> = {}): RegionLayout => ({ primary: 'us-east-1', secondary: 'us-west-2', replication: true, primaryStacks: new Set(['S']), ...over });

// Worked out by hand from prices.json (us-east-1): Lambda $0.20/M requests and $0.0000133334 per
// arm64 GB-s, HTTP API $1.00/M, custom events $1.00/M.
describe('the secondary region, hand-computed', () => {
  test('failover with replication: no requests reach the secondary, every event does, billed again as custom events, without free tiers', () => {
    // Primary: 3M invocations: 0.60 + 150,000 GB-s x 0.0000133334 = 2.00001, less the free tier
    // (0.20 + 2.00001) = 0.40; API 2.00; events 1.00. Secondary: 1M invocations: 0.20 + 50,000 GB-s
    // = 0.66667, no free tier; replicated events 1.00; no API requests.
    const r = estimateRegions(app, usage, prices, layout(), undefined);
    expect(r.secondaryRegion).toBe('us-west-2');
    expect(r.functions.map((f) => [f.name, f.invocations])).toEqual([['F', 3e6], ['F (us-west-2)', 1e6]]);
    expect(r.byService.Lambda).toBeCloseTo(0.4 + 0.2 + 0.66667, 5);
    expect(r.byService['API Gateway']).toBeCloseTo(2, 10);
    expect(r.byService.EventBridge).toBeCloseTo(2, 10);
    expect(r.lines.find((l) => l.item === 'replicated custom events (64 KB chunks) (us-west-2)')).toMatchObject({ quantity: 1e6, cost: 1 });
    expect(r.lines.filter((l) => l.item.endsWith('(us-west-2)') && /free tier/.test(l.item))).toEqual([]);
    expect(r.total).toBeCloseTo(0.4 + 2 + 1 + 0.86667 + 1, 5);
    expect(r.notes.join(' ')).toContain('No prices for us-west-2');
  });

  test('without replication, the secondary serves its request share of requests and events', () => {
    // Secondary at 50%: 1M requests and 0.5M events: 1.5M invocations: 0.30 + 75,000 GB-s
    // (1.000005); API 1.00; custom events 0.50, not replicated ones.
    const r = estimateRegions(app, { ...usage, secondary: { requestShare: 0.5 } }, prices, layout({ replication: false }), prices);
    expect(r.functions[1]).toMatchObject({ name: 'F (us-west-2)', invocations: 1.5e6 });
    expect(r.byService.Lambda).toBeCloseTo(0.4 + 0.3 + 1.000005, 5);
    expect(r.byService['API Gateway']).toBeCloseTo(3, 10);
    expect(r.lines.find((l) => l.item === 'custom events (64 KB chunks) (us-west-2)')).toMatchObject({ quantity: 5e5, cost: 0.5 });
    expect(r.notes.join(' ')).not.toContain('No prices');
  });

  test('one region: the estimate as before', () => {
    expect(estimateRegions(app, usage, prices, layout({ secondary: undefined }), undefined)).toEqual(estimateCost(app, usage, prices));
  });
});

describe('an assembly of MultiRegionApp', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-regions-cost-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const cdkApp = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  new MultiRegionApp(cdkApp, 'Shop', {
    primaryRegion: 'us-east-1',
    secondaryRegion: 'us-west-2',
    account: '111122223333',
    busName: 'shop',
    define: (shop) => {
      shop.addRoute('POST /orders', { entry: 'test/fixtures/handlers/hello.ts', publishes: true });
      shop.addSubscription('OnPlaced', { pattern: { source: ['shop'] }, handler: 'test/fixtures/handlers/other.ts' });
    },
  });
  cdkApp.synth();
  const { model } = readAppModel(outdir, { region: 'us-east-1', projectDir: outdir });

  test('the layout finds the global endpoint, its secondary and replication, and the primary region\'s stack', () => {
    const found = regionLayout(model, 'eu-west-1');
    expect({ ...found, primaryStacks: [...found.primaryStacks] }).toEqual({ primary: 'us-east-1', secondary: 'us-west-2', replication: true, primaryStacks: [expect.stringContaining('useast1')] });
  });

  test("the estimate counts each region's functions once, the secondary's marked with its region", () => {
    const found = regionLayout(model, 'us-east-1');
    const ops = readOpsApp(model, found.primaryStacks);
    const report = estimateRegions(ops, { routes: { 'POST /orders': { requestsPerMonth: 1e6 } }, rules: { OnPlaced: { eventsPerMonth: 1e6 } } }, prices, found, undefined);
    expect(Object.fromEntries(report.functions.map((f) => [f.name, f.invocations]))).toEqual({
      OnPlaced: 1e6, 'OnPlaced (us-west-2)': 1e6, PostOrders: 1e6, 'PostOrders (us-west-2)': 0,
    });
    expect(report.functions).toHaveLength(4);
    expect(formatCostReport(report, table.date)).toMatch(/^Monthly cost estimate, us-east-1 and us-west-2, /);
    // Each region's own alarms and dashboard.
    expect(report.lines.filter((l) => l.service === 'CloudWatch').map((l) => l.item.endsWith('(us-west-2)'))).toEqual([false, false, true, true]);
  });
});
