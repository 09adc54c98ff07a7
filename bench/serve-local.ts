/**
 * Runs a local app in a process of its own, as `switchyard dev` does, for the benchmarks that
 * drive it from outside (a load generator must not share its event loop, and its memory and
 * CPU are measured apart from theirs):
 *
 *   node --import tsx bench/serve-local.ts --assembly DIR [--lib DIR] [--project DIR] [--watch] [--max-instances N] [--state-dir DIR]
 *
 * `--lib` runs another commit's `lib/` (see baseline.ts); `--state-dir` keeps the app's state
 * there, as `switchyard dev` keeps it in `.switchyard/state`. Prints `READY {urls, awsEndpoint}`,
 * then `RELOAD {...}` and `BATCH {...}` lines from hot reload; answers a `stats` line on stdin
 * with `STATS {...}` (see {@link Stats}) and an `idle` line, once no delivery is pending or
 * retrying, with `IDLE {counts}`; stops on SIGTERM or when stdin ends.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { localModule } from './baseline';
import { residentBytes, kindOf, sample, stat, type ProcessSample } from './proc-stats';

export { sample, type ProcessSample } from './proc-stats';

/** What `stats` answers. */
export interface Stats {
  readonly dev: ProcessSample;
  /** CPU of the children that have exited (instances replaced or evicted), in ms. */
  readonly exitedChildrenCpuMs: number;
  readonly children: readonly ProcessSample[];
  /** The highest total RSS of the live instances, sampled every 50 ms since start or the last `stats`. */
  readonly peakInstancesRssBytes: number;
  /** Function instances started (cold starts) so far. */
  readonly coldStarts: number;
  readonly invocations: number;
}

/** True when a child is a function instance; false when it is not, or has just exited. */
function instanceOf(pid: number): boolean {
  try {
    return kindOf(pid) === 'instance';
  } catch {
    return false;
  }
}

function childPids(): number[] {
  return fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

function children(): ProcessSample[] {
  return childPids().map(sample).filter((s): s is ProcessSample => s !== undefined);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { assembly: { type: 'string' }, lib: { type: 'string' }, project: { type: 'string' }, watch: { type: 'boolean', default: false }, 'max-instances': { type: 'string' }, 'state-dir': { type: 'string' } } });
  const { LocalApp } = require(localModule(values.lib)) as typeof import('../lib/local');
  const app = await LocalApp.start(values.assembly!, {
    httpPort: 0,
    awsPort: 0,
    schedules: false,
    watch: values.watch,
    projectDir: values.project ?? process.cwd(),
    maxInstances: values['max-instances'] ? Number(values['max-instances']) : undefined,
    stateDir: values['state-dir'],
  });
  const print = (tag: string, value: unknown) => process.stdout.write(`${tag} ${JSON.stringify(value)}\n`);
  let coldStarts = 0;
  let invocations = 0;
  app.host.on('invocation', (r) => {
    invocations++;
    if (r.cold) coldStarts++;
  });
  app.reloader?.on('reload', (r) => print('RELOAD', r));
  (app.reloader as unknown as NodeJS.EventEmitter | undefined)?.on('batch', (b) => print('BATCH', b));
  // Only the reloader of this tree has ready(): wait for its first builds (a baseline has none).
  await (app.reloader as { ready?: () => Promise<void> } | undefined)?.ready?.();
  let peakInstances = 0;
  const sampler = setInterval(() => {
    // statm and a command line read once per process: this sampling runs in the app's process
    // 20 times a second, and reading status and cmdline each time was ~4 us of the app's CPU
    // per delivery in bench/local-events.
    const total = childPids().reduce((n, pid) => n + (instanceOf(pid) ? residentBytes(pid) : 0), 0);
    peakInstances = Math.max(peakInstances, total);
  }, 50).unref();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    await app.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'idle') void app.ledger.whenIdle().then(() => print('IDLE', app.ledger.counts()));
    if (line.trim() !== 'stats') return;
    const self = stat('self');
    const stats: Stats = {
      dev: { ...sample(process.pid)!, cpuMs: self.cpuMs },
      exitedChildrenCpuMs: self.childrenCpuMs,
      children: children(),
      peakInstancesRssBytes: peakInstances,
      coldStarts,
      invocations,
    };
    peakInstances = 0;
    print('STATS', stats);
  });
  lines.on('close', () => void stop());
  print('READY', { urls: app.urls, awsEndpoint: app.awsEndpoint });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
