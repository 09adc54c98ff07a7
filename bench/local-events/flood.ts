/**
 * PutEvents flood: K clients (the real @aws-sdk/client-eventbridge, each its own connection
 * pool) send N events in batches of 10 as fast as they are answered, at `dev` running the
 * 100-rule app in a process of its own. Prints, per variant of `dev` in the same run: events/s
 * accepted, deliveries/s ended, `dev`'s peak RSS (VmHWM), the ThrottlingException answers the
 * SDK retried, the entries the SDK gave up on (re-sent by the client, as `publish` does), and
 * whether every accepted event ended delivered or dead-lettered.
 *
 *   npx tsx bench/local-events/flood.ts [--events 100000] [--clients 32] [--variants unbounded,bounded,durable]
 *
 * Variants: `unbounded` is `dev` without admission control (how it ran before: every accepted
 * event waits in memory for an instance); `bounded` admits at most the default backlog and
 * answers ThrottlingException past it; `durable` adds the on-disk state `switchyard dev` keeps.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { batchAt, deliveriesOf, writeEventsAssembly } from './app';

const MB = 1024 * 1024;

/** LocalAppOptions per variant (null: no bound; JSON has no Infinity). */
function variantOptions(name: string): Record<string, unknown> {
  switch (name) {
    case 'unbounded':
      return { maxBacklog: null };
    case 'bounded':
      return {};
    case 'durable':
      return { stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sy-flood-state-')) };
    default:
      throw new Error(`unknown variant ${name} (unbounded, bounded, durable)`);
  }
}

interface FloodResult {
  readonly seconds: number;
  readonly drainedSeconds: number;
  readonly throttled: number;
  readonly resent: number;
  readonly peakRssMb: number;
  readonly missing: number;
  readonly deliveries: number;
}

async function runVariant(name: string, assembly: string, total: number, clients: number): Promise<FloodResult> {
  const options = variantOptions(name);
  const child = fork(path.join(__dirname, 'serve.ts'), [assembly, JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { endpoint } = await message<{ endpoint: string }>(child, 'ready');
    const started = performance.now();
    const { eventIds, throttled, resent } = await flood(endpoint, total, clients);
    const seconds = (performance.now() - started) / 1000;
    child.send({ type: 'account', eventIds });
    const accounted = await message<{ missing: number; deliveries: number }>(child, 'accounted');
    const drainedSeconds = (performance.now() - started) / 1000;
    const peakRssMb = peakRss(child.pid!) / MB;
    return { seconds, drainedSeconds, throttled, resent, peakRssMb, missing: accounted.missing, deliveries: accounted.deliveries };
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
    if (typeof options.stateDir === 'string') fs.rmSync(options.stateDir, { recursive: true, force: true });
  }
}

/** Sends `total` events from `clients` clients; returns the accepted event ids and what was throttled. */
async function flood(endpoint: string, total: number, clients: number) {
  const eventIds: string[] = [];
  let next = 0;
  let throttled = 0;
  let resent = 0;
  const client = async () => {
    const eb = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    // Each attempt's answer, before the SDK's retry decides: counts the throttled ones it retried.
    eb.middlewareStack.add((nextHandler) => async (args) => {
      try {
        return await nextHandler(args);
      } catch (err) {
        if ((err as Error).name === 'ThrottlingException') throttled++;
        throw err;
      }
    }, { step: 'deserialize', name: 'countThrottles' });
    while (next < total) {
      const base = next;
      next += 10;
      for (;;) {
        try {
          const out = await eb.send(new PutEventsCommand({ Entries: batchAt(base, total) }));
          if (out.FailedEntryCount) throw new Error(`${out.FailedEntryCount} entries failed: ${JSON.stringify(out.Entries)}`);
          eventIds.push(...out.Entries!.map((e) => e.EventId!));
          break;
        } catch (err) {
          // The SDK gave up after its attempts: send the batch again, as `publish` would.
          if ((err as Error).name !== 'ThrottlingException') throw err;
          resent++;
        }
      }
    }
    eb.destroy();
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { eventIds, throttled, resent };
}

/** Peak resident set size of a process (Linux: VmHWM). */
function peakRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

function message<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { type: string } & T) => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`dev exited (${code}) before '${type}'`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, clients: { type: 'string', default: '32' }, variants: { type: 'string', default: 'unbounded,bounded,durable' } } });
  const total = Number(values.events);
  const clients = Number(values.clients);
  const assembly = writeEventsAssembly('local-events-flood');
  console.log(`${total} events in batches of 10 from ${clients} concurrent clients; ${deliveriesOf(total)} deliveries through 100 rules to 10 functions`);
  const rows: string[][] = [['variant', 'events/s accepted', 'drained in', 'peak RSS', 'throttled (SDK retried)', 'batches re-sent', 'accounted']];
  for (const name of values.variants.split(',')) {
    const r = await runVariant(name, assembly, total, clients);
    const ok = r.missing === 0 && r.deliveries === deliveriesOf(total);
    rows.push([name, (total / r.seconds).toFixed(0), `${r.drainedSeconds.toFixed(1)} s`, `${r.peakRssMb.toFixed(0)} MB`, String(r.throttled), String(r.resent), ok ? 'all' : `MISSING ${r.missing} events, ${r.deliveries} deliveries`]);
    console.log(rows[rows.length - 1].join('  '));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\n${rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n')}`);
  const base = rows.find((r) => r[0] === 'unbounded');
  for (const r of rows.slice(1)) if (base && r !== base) console.log(`${r[0]}: peak RSS ${(parseFloat(r[3]) / parseFloat(base[3])).toFixed(2)}x unbounded's, events/s ${(parseFloat(r[1]) / parseFloat(base[1])).toFixed(2)}x`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
