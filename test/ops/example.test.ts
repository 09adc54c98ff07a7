import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { App } from 'aws-cdk-lib';
import { ShopStack } from '../../bin/shop-stack';
import { readAppModel } from '../../lib/model';
import { type OpsApp, UsageError, mermaidDiagram, readOpsApp, readUsage, runCost, runDiagram } from '../../lib/ops';

// One synth of the example, read back through lib/model as the CLI does.
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-'));
let ops!: OpsApp;
beforeAll(() => {
  // Path metadata, as the CDK CLI and `switchyard` synthesize with, gives the declared names.
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  new ShopStack(app, 'Shop');
  app.synth();
  ops = readOpsApp(readAppModel(outdir).model);
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const collect = () => {
  const chunks: string[] = [];
  const out = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  return { out, text: () => chunks.join('') };
};

describe('facts read from the example template', () => {
  test('functions by their declared names, with memory, architecture and retention', () => {
    expect(ops.functions.map((f) => f.name).sort()).toEqual(['GetOrdersId', 'NightlyReport', 'NotifyCustomer', 'PlaceOrder', 'PrepareShipment', 'ReserveStock']);
    expect(ops.functions.every((f) => f.architecture === 'arm64' && f.memoryMb === 256 && f.logRetentionDays === 30)).toBe(true);
  });

  test('a route to a live alias is the function behind it', () => {
    const byId = new Map(ops.functions.map((f) => [f.logicalId, f.name]));
    expect(ops.routes.map((r) => [r.key, byId.get(r.functionLogicalId!)]).sort()).toEqual([['GET /orders/{id}', 'GetOrdersId'], ['POST /orders', 'PlaceOrder']]);
  });

  test('rules, their targets and dead-letter queues', () => {
    const byId = new Map(ops.functions.map((f) => [f.logicalId, f.name]));
    const nightly = ops.rules.find((r) => r.name === 'Nightly')!;
    expect(nightly.schedule).toBe('cron(0 2 * * ? *)');
    expect(byId.get(nightly.targets[0].functionLogicalId!)).toBe('NightlyReport');
    expect(ops.queues.map((q) => q.name)).toContain('Nightly DLQ');
    expect(ops.rules.every((r) => r.targets.every((t) => t.deadLetterQueue))).toBe(true);
  });

  test('alarms and the dashboard monitoring added', () => {
    expect(ops.alarms).toBe(25); // 6 functions x 2, 3 rules, 2 on the schedule group, 5 DLQs, 2 API, the queue's oldest message
    expect(ops.alarmMetrics).toBe(26); // the 5xx rate reads two metrics
    expect(ops.dashboards).toBe(1);
  });
});

describe('diagram', () => {
  test('routes, functions, bus, rules, the queue, schedule and DLQs, wired', () => {
    const d = mermaidDiagram(ops);
    expect(d.startsWith('flowchart LR\n')).toBe(true);
    const node = (text: string) => new RegExp(`(\\w+)\\W+"${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(d)?.[1];
    const [route, place, reserve, notify, bus, rule, queue, queueDlq] = ['POST /orders', 'λ PlaceOrder', 'λ ReserveStock', 'λ NotifyCustomer', 'Bus (EventBridge)', 'ReserveStockOnOrderPlaced<br/>OrderPlaced', 'StockReservations', 'StockReservations DLQ'].map(node);
    expect([route, place, reserve, notify, bus, rule, queue, queueDlq].every(Boolean)).toBe(true);
    expect(d).toContain(`${route} --> ${place}`);
    expect(d).toContain(`${place} -. publishes .-> ${bus}`);
    expect(d).toContain(`${bus} --> ${rule}`);
    // OrderPlaced reaches ReserveStock through the queue, in batches; what keeps failing stays in the queue's DLQ.
    expect(d).toContain(`${rule} --> ${queue}\n`);
    expect(d).toContain(`${queue} -- "batches of 10" --> ${reserve}\n`);
    expect(d).toContain(`${queue} -. "after 5 receives" .-> ${queueDlq}\n`);
    expect(d).not.toMatch(new RegExp(`${rule} --> ${reserve}\\n|${reserve} -\\. failed`));
    expect(d).toMatch(/"⏰ Nightly<br\/>cron\(0 2 \* \* \? \*\)"/);
    expect(d).toMatch(new RegExp(`${notify} -\\. failed \\.-> \\w+`));
  });

  test('--out FILE.md writes a fenced block', () => {
    const file = path.join(outdir, 'diagram.md');
    const io = collect();
    expect(runDiagram({ assembly: outdir, projectDir: outdir, outFile: file, out: io.out })).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^```mermaid\nflowchart LR\n[\s\S]*```\n$/);
  });
});

describe('cost command', () => {
  test('prints per function and per service with the price date, measured durations preferred', () => {
    fs.mkdirSync(path.join(outdir, '.switchyard'), { recursive: true });
    const placeOrder = ops.functions.find((f) => f.name === 'PlaceOrder')!.logicalId;
    fs.writeFileSync(path.join(outdir, '.switchyard', 'durations.json'), JSON.stringify({ version: 1, measuredAt: '2025-06-01T00:00:00Z', functions: { [placeOrder]: { invocations: 5, avgMs: 42 } } }));
    fs.writeFileSync(path.join(outdir, 'usage.json'), JSON.stringify({ routes: { 'POST /orders': { requestsPerMonth: 1000 } } }));
    const io = collect();
    expect(runCost({ assembly: outdir, projectDir: outdir, usageFile: 'usage.json', out: io.out })).toBe(0);
    expect(io.text()).toContain('USD list prices of 2025-06-01');
    expect(io.text()).toMatch(/PlaceOrder\s+arm64\s+256\s+1,000\s+42 \(dev\)/);
    expect(io.text()).toMatch(/Total\s+\$\d+\.\d\d/);
  });

  test('a usage file with a non-number is refused with the path to fix', () => {
    const file = path.join(outdir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ routes: { 'POST /orders': { requestsPerMonth: '1M' } } }));
    expect(() => readUsage(file)).toThrow(UsageError);
    expect(() => readUsage(file)).toThrow(/routes\.POST \/orders\.requestsPerMonth must be a non-negative number/);
  });
});
