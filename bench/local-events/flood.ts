/**
 * PutEvents flood: K clients (the real @aws-sdk/client-eventbridge, each its own connection
 * pool) send N events in batches of 10 as fast as they are answered, at `dev` running the
 * 100-rule app in a process of its own. Prints, per variant of `dev` in the same run: events/s
 * accepted, the time until every delivery ended, `dev`'s RSS idle and at its peak (VmHWM), the
 * highest RSS sampled while each quarter of the events was accepted (flat when memory is
 * bounded), the ThrottlingException answers the SDK retried, the batches re-sent after the
 * SDK's attempts ran out (as `publish` does), and whether every accepted event was delivered.
 *
 *   npx tsx bench/local-events/flood.ts [--events 100000] [--clients 32] [--variants unbounded,bounded,durable] [--before DIR]
 *
 * Variants: `unbounded` is `dev` without admission control (every accepted event waits in
 * memory for an instance, as before backpressure); `bounded` admits at most the default backlog
 * and answers ThrottlingException past it; `durable` adds the on-disk state `switchyard dev`
 * keeps. `--before DIR` adds `before`: the same run against the code in DIR, a checkout of an
 * earlier commit with its node_modules (`git worktree add DIR main`; serve.ts is copied there).
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
    case 'before':
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

/** The serve.ts that runs a variant: this one, or a copy in the earlier checkout for `before`. */
function serveScript(name: string, before: string | undefined): string {
  if (name !== 'before') return path.join(__dirname, 'serve.ts');
  if (!before) throw new Error('the before variant needs --before DIR');
  const script = path.join(path.resolve(before), 'bench', 'local-events', 'serve.ts');
  fs.mkdirSync(path.dirname(script), { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'serve.ts'), script);
  return script;
}

interface FloodResult {
  readonly seconds: number;
  readonly drainedSeconds: number;
  readonly throttled: number;
  readonly resent: number;
  readonly idleRssMb: number;
  readonly peakRssMb: number;
  /** Highest RSS sampled while each quarter of the events was being accepted: flat when bounded. */
  readonly quarterPeaksMb: number[];
  readonly missing: number;
  readonly deliveries: number;
}

async function runVariant(name: string, assembly: string, total: number, clients: number, before: string | undefined): Promise<FloodResult> {
  const options = variantOptions(name);
  const child = fork(serveScript(name, before), [assembly, JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { endpoint } = await message<{ endpoint: string }>(child, 'ready');
    const idleRssMb = memoryOf(child.pid!, 'VmRSS') / MB;
    const started = performance.now();
    const quarterPeaksMb = [0, 0, 0, 0];
    let accepted = 0;
    const sampler = setInterval(() => {
      const q = Math.min(3, Math.floor((accepted / total) * 4));
      quarterPeaksMb[q] = Math.max(quarterPeaksMb[q], memoryOf(child.pid!, 'VmRSS') / MB);
    }, 250);
    const { eventIds, throttled, resent } = await flood(endpoint, total, clients, (n) => (accepted = n)).finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    child.send({ type: 'account', eventIds });
    const accounted = await message<{ missing: number; deliveries: number }>(child, 'accounted');
    const drainedSeconds = (performance.now() - started) / 1000;
    const peakRssMb = memoryOf(child.pid!, 'VmHWM') / MB;
    return { seconds, drainedSeconds, throttled, resent, idleRssMb, peakRssMb, quarterPeaksMb, missing: accounted.missing, deliveries: accounted.deliveries };
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
    if (typeof options.stateDir === 'string') fs.rmSync(options.stateDir, { recursive: true, force: true });
  }
}

/** Sends `total` events from `clients` clients; returns the accepted event ids and what was throttled. */
async function flood(endpoint: string, total: number, clients: number, progress: (accepted: number) => void) {
  const eventIds: string[] = [];
  let next = 0;
  let throttled = 0;
  let resent = 0;
  const client = async () => {
    const eb = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    // Each attempt's answer, inside the SDK's retry loop: counts the throttles it saw.
    eb.middlewareStack.add(
      (nextHandler) => async (args) => {
        try {
          return await nextHandler(args);
        } catch (err) {
          if ((err as Error).name === 'ThrottlingException') throttled++;
          throw err;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'countThrottles' },
    );
    while (next < total) {
      const base = next;
      next += 10;
      for (let resend = 0; ; resend++) {
        try {
          const out = await eb.send(new PutEventsCommand({ Entries: batchAt(base, total) }));
          if (out.FailedEntryCount) throw new Error(`${out.FailedEntryCount} entries failed: ${JSON.stringify(out.Entries)}`);
          eventIds.push(...out.Entries!.map((e) => e.EventId!));
          progress(eventIds.length);
          break;
        } catch (err) {
          // The SDK's attempts ran out: send the batch again after a backoff, as `publish` does
          // (100 ms doubling to 3 s, full jitter).
          if ((err as Error).name !== 'ThrottlingException') throw err;
          resent++;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(3000, 100 * 2 ** resend)));
        }
      }
    }
    eb.destroy();
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { eventIds, throttled, resent };
}

/** Resident set size of a process now (VmRSS) or at its peak (VmHWM), in bytes (Linux). */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
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
  const { values } = parseArgs({
    options: { events: { type: 'string', default: '100000' }, clients: { type: 'string', default: '32' }, variants: { type: 'string' }, before: { type: 'string' } },
  });
  const variants = (values.variants ?? `${values.before ? 'before,' : ''}unbounded,bounded,durable`).split(',');
  const total = Number(values.events);
  const clients = Number(values.clients);
  const assembly = writeEventsAssembly('local-events-flood');
  console.log(`${total} events in batches of 10 from ${clients} concurrent clients; ${deliveriesOf(total)} deliveries through 100 rules to 10 functions`);
  const rows: string[][] = [['variant', 'events/s accepted', 'drained in', 'RSS idle', 'peak RSS', 'RSS by quarter', 'throttled (SDK retried)', 'batches re-sent', 'accounted']];
  for (const name of variants) {
    const r = await runVariant(name, assembly, total, clients, values.before);
    const ok = r.missing === 0 && r.deliveries === deliveriesOf(total);
    const mb = (n: number) => `${n.toFixed(0)} MB`;
    rows.push([name, (total / r.seconds).toFixed(0), `${r.drainedSeconds.toFixed(1)} s`, mb(r.idleRssMb), mb(r.peakRssMb), r.quarterPeaksMb.map((n) => n.toFixed(0)).join('/'), String(r.throttled), String(r.resent), ok ? 'all' : `MISSING ${r.missing} events, ${r.deliveries} deliveries`]);
    console.log(rows[rows.length - 1].join('  '));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\n${rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n')}`);
  const base = rows.find((r) => r[0] === 'before') ?? rows.find((r) => r[0] === 'unbounded');
  for (const r of rows.slice(1)) {
    if (base && r !== base) console.log(`${r[0]}: peak RSS ${(parseFloat(r[4]) / parseFloat(base[4])).toFixed(2)}x ${base[0]}'s, drained in ${(parseFloat(r[2]) / parseFloat(base[2])).toFixed(2)}x the time`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
