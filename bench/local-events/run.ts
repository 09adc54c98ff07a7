/**
 * Event delivery throughput: PutEvents (the real @aws-sdk/client-eventbridge, batches of 10)
 * -> 100 rules with content patterns -> Lambda targets (10 functions), until the ledger says
 * every delivery ended. The app runs in its own process, as `switchyard dev` does; this process
 * is the client. Run from the repository root:
 *
 *   npx tsx bench/local-events/run.ts [--events 20000] [--in-flight 10] [--runs 1] [--baseline main] [--client sdk|raw] [--state]
 *
 * `--client raw` puts the same requests with plain keep-alive HTTP (the JSON body and headers
 * the SDK sends, without its signing and middleware), which costs the client a fraction of the
 * CPU: on a small machine the SDK client can otherwise be what limits the rate. `--state` keeps
 * the app's state on disk (a fresh folder per run), as `switchyard dev` does by default: every
 * change of a delivery is then written too.
 *
 * Prints per variant (this tree, and with `--baseline REF` another commit's lib/, in the same
 * run and alternating when `--runs` > 1): events/s put, deliveries/s ended, the CPU each
 * delivery cost the app and its instances (less sensitive to a busy machine than the rate),
 * and peak memory: the app process's RSS and the instances' total RSS. Checks none was lost.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as http from 'node:http';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { baselineLib } from '../baseline';
import { LocalProcess } from '../local-process';
import type { Stats } from '../serve-local';
import { RULES, batchAt, deliveriesOf, writeEventsAssembly } from './app';

const ROOT = path.resolve(__dirname, '..', '..');
const MB = 1024 * 1024;

interface Run {
  readonly variant: string;
  readonly putPerSecond: number;
  readonly deliveriesPerSecond: number;
  /** CPU of the app process and its instances per delivery, in microseconds. */
  readonly cpuPerDeliveryUs: number;
  /** The part of it spent in the instances. */
  readonly instancesCpuPerDeliveryUs: number;
  /** CPU of this (client) process per event put, in microseconds. */
  readonly clientCpuPerEventUs: number;
  readonly devPeakRssMb: number;
  readonly instancesPeakRssMb: number;
  readonly instances: number;
  readonly coldStarts: number;
  readonly lost: number;
  /** PutEvents calls the app answered with ThrottlingException (its backlog full), sent again. */
  readonly throttled: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '20000' },
      'in-flight': { type: 'string', default: '10' },
      runs: { type: 'string', default: '1' },
      baseline: { type: 'string' },
      'max-instances': { type: 'string' },
      client: { type: 'string', default: 'sdk' },
      state: { type: 'boolean', default: false },
    },
  });
  const assembly = writeEventsAssembly('local-events');
  const variants: Array<{ name: string; lib?: string }> = [{ name: 'this tree' }];
  if (values.baseline) {
    const base = baselineLib(values.baseline);
    variants.unshift({ name: `baseline ${values.baseline} (${base.commit})`, lib: base.dir });
  }
  if (values.client !== 'sdk' && values.client !== 'raw') throw new Error(`--client is sdk or raw, not ${values.client}`);
  const options = { total: Number(values.events), inFlight: Number(values['in-flight']), maxInstances: values['max-instances'] ? Number(values['max-instances']) : undefined, client: values.client as MeasureOptions['client'], state: values.state };
  const runs: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++) for (const v of variants) runs.push(await measure(v.name, assembly, options, v.lib));
  report(runs, variants.map((v) => v.name), options.state);
}

interface MeasureOptions {
  readonly total: number;
  readonly inFlight: number;
  readonly maxInstances?: number;
  readonly client: 'sdk' | 'raw';
  /** Keep the app's state on disk, as `switchyard dev` does. */
  readonly state: boolean;
}

async function measure(variant: string, assembly: string, options: MeasureOptions, lib?: string): Promise<Run> {
  const stateDir = options.state ? fs.mkdtempSync(path.join(os.tmpdir(), 'sy-events-state-')) : undefined;
  const dev = await LocalProcess.start({ assembly, lib, projectDir: ROOT, maxInstances: options.maxInstances, stateDir });
  const client = options.client === 'sdk' ? sdkClient(dev.awsEndpoint) : rawClient(dev.awsEndpoint, options.inFlight);
  try {
    // Warm-up: every function scales to the instances this load needs, so that cold starts do
    // not dominate the measured run.
    await putAll(client, Math.min(options.total, 5000), options.inFlight);
    const warm = await dev.idle();
    const before = await dev.stats();
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    const { failed, throttled } = await putAll(client, options.total, options.inFlight);
    const putDone = performance.now();
    const counts = await dev.idle();
    const done = performance.now();
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const after = await dev.stats();
    const ended = (c: Record<string, number>) => c.delivered + c['dead-lettered'] + c.dropped;
    const deliveries = ended(counts) - ended(warm);
    const expected = deliveriesOf(options.total);
    const instances = after.children.filter((c) => c.kind === 'instance');
    return {
      variant,
      putPerSecond: (options.total - failed) / ((putDone - started) / 1000),
      deliveriesPerSecond: deliveries / ((done - started) / 1000),
      cpuPerDeliveryUs: ((cpuOf(after, before).dev + cpuOf(after, before).instances) * 1000) / deliveries,
      instancesCpuPerDeliveryUs: (cpuOf(after, before).instances * 1000) / deliveries,
      clientCpuPerEventUs: (clientCpu.user + clientCpu.system) / options.total,
      devPeakRssMb: after.dev.peakRssBytes / MB,
      instancesPeakRssMb: after.peakInstancesRssBytes / MB,
      instances: instances.length,
      coldStarts: after.coldStarts - before.coldStarts,
      lost: expected - deliveries,
      throttled,
    };
  } finally {
    client.close();
    await dev.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Puts one batch of entries; resolves with the failed entry count. */
interface PutClient {
  put(entries: PutEventsRequestEntry[]): Promise<number>;
  close(): void;
}

function sdkClient(endpoint: string): PutClient {
  const eb = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return { put: async (Entries) => (await eb.send(new PutEventsCommand({ Entries }))).FailedEntryCount ?? 0, close: () => eb.destroy() };
}

function rawClient(endpoint: string, sockets: number): PutClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(endpoint);
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents', authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0' };
  const put = (entries: PutEventsRequestEntry[]) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200) return resolve(JSON.parse(body).FailedEntryCount ?? 0);
          const type = String(JSON.parse(body).__type ?? '');
          reject(Object.assign(new Error(`PutEvents answered ${res.statusCode}: ${body}`), { name: type.slice(type.lastIndexOf('#') + 1) || 'Error' }));
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ Entries: entries }));
    });
  return { put, close: () => agent.destroy() };
}

/** CPU ms the app process and its instances spent between two samples (instances started in between count whole). */
function cpuOf(after: Stats, before: Stats): { dev: number; instances: number } {
  const earlier = new Map(before.children.map((c) => [c.pid, c.cpuMs]));
  const live = after.children.filter((c) => c.kind === 'instance').reduce((n, c) => n + c.cpuMs - (earlier.get(c.pid) ?? 0), 0);
  return { dev: after.dev.cpuMs - before.dev.cpuMs, instances: live + (after.exitedChildrenCpuMs - before.exitedChildrenCpuMs) };
}

/** Puts `total` events in batches of 10 with `inFlight` requests at a time; returns failed entries. */
/**
 * Puts `total` events in batches of 10 with `inFlight` requests at a time; returns failed
 * entries and how often the app pushed back (ThrottlingException once its backlog of
 * deliveries is full: the batch is sent again a moment later, as the SDK's retries and
 * `publish` do, so the rate measured is what the app delivers).
 */
async function putAll(client: PutClient, total: number, inFlight: number): Promise<{ failed: number; throttled: number }> {
  let next = 0;
  let failed = 0;
  let throttled = 0;
  const worker = async () => {
    while (next < total) {
      const batch = batchAt(next, total);
      next += 10;
      for (;;) {
        try {
          failed += await client.put(batch);
          break;
        } catch (err) {
          if ((err as Error).name !== 'ThrottlingException') throw err;
          throttled++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { failed, throttled };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function report(runs: readonly Run[], variants: readonly string[], state: boolean): void {
  console.log(`\nevent delivery through ${RULES} rules to 10 functions${state ? ', state kept on disk' : ''}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.availableParallelism()} cores):`);
  const rows = [['variant', 'put events/s', 'deliveries/s', 'CPU us/delivery (instances)', 'client CPU us/event', 'dev peak RSS', 'instances peak RSS', 'instances', 'cold starts', 'throttled', 'lost']];
  for (const r of runs) {
    rows.push([r.variant, r.putPerSecond.toFixed(0), r.deliveriesPerSecond.toFixed(0), `${r.cpuPerDeliveryUs.toFixed(0)} (${r.instancesCpuPerDeliveryUs.toFixed(0)})`, r.clientCpuPerEventUs.toFixed(0), `${r.devPeakRssMb.toFixed(0)} MB`, `${r.instancesPeakRssMb.toFixed(0)} MB`, String(r.instances), String(r.coldStarts), String(r.throttled), String(r.lost)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  if (variants.length < 2) return;
  const of = (v: string, k: 'deliveriesPerSecond' | 'cpuPerDeliveryUs') => median(runs.filter((r) => r.variant === v).map((r) => r[k]));
  const [base, current] = variants;
  console.log(`\nthis tree / baseline (medians): ${(of(current, 'deliveriesPerSecond') / of(base, 'deliveriesPerSecond')).toFixed(2)}x deliveries/s, ${(of(base, 'cpuPerDeliveryUs') / of(current, 'cpuPerDeliveryUs')).toFixed(2)}x less CPU per delivery`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
