/**
 * Function host memory, measured against peers in the same run:
 *
 * 1. per warm instance: N instances of a handler that loads two SDK clients, as Switchyard runs
 *    them (a process each), against the same handler in N worker threads of one process (how
 *    the host ran instances before) and in one plain `node` process (Lambda's own model);
 * 2. a 256 MB function allocating 2 GB of Buffers: how far it got and what the host held.
 *
 *   npx tsx bench/local-host/run.ts [--instances 10]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalApp } from '../../lib/local';
import { writeAssembly } from '../local-http/assembly';

const HANDLER_DIR = __dirname;
const MB = 1024 * 1024;

/** Resident and private (not shared with other processes) memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rss: number; private: number } {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('Rss'), private: kb('Private_Clean') + kb('Private_Dirty') };
}

function childPids(): number[] {
  return fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

async function switchyardPerInstance(n: number): Promise<{ rss: number; private: number }> {
  const assembly = writeAssembly(path.resolve(__dirname, '..', '.out', 'local-host'), { handlerDir: HANDLER_DIR, functions: [{ id: 'Fn', handler: 'handler.handler' }] });
  const app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, maxInstances: n, projectDir: path.resolve(__dirname, '..', '..') });
  try {
    const name = app.model.functions[0].name;
    await Promise.all(Array.from({ length: n }, () => app.invoke(name, { ms: 200 })));
    const pids = childPids();
    const each = pids.map(memoryOf);
    return { rss: each.reduce((s, m) => s + m.rss, 0) / pids.length, private: each.reduce((s, m) => s + m.private, 0) / pids.length };
  } finally {
    await app.stop();
  }
}

/** N worker threads loading the handler, in a plain node process of their own: its RSS growth per worker. */
async function workersPerInstance(n: number): Promise<number> {
  const handler = JSON.stringify(path.join(HANDLER_DIR, 'handler.js'));
  const script = `
    const { Worker } = require('node:worker_threads');
    const before = process.memoryUsage.rss();
    const source = "require(" + JSON.stringify(${handler}) + "); require('node:worker_threads').parentPort.postMessage('ready'); setInterval(() => {}, 1000);";
    Promise.all(Array.from({ length: ${n} }, () => new Promise((resolve) => new Worker(source, { eval: true }).once('message', resolve))))
      .then(() => setTimeout(() => { process.send((process.memoryUsage.rss() - before) / ${n}); process.exit(0); }, 500));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  return new Promise((resolve) => child.once('message', (m) => resolve(Number(m))));
}

async function plainProcess(): Promise<{ rss: number; private: number }> {
  const script = `require(${JSON.stringify(path.join(HANDLER_DIR, 'handler.js'))}); process.send('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  const m = memoryOf(child.pid!);
  child.kill();
  return m;
}

async function outOfMemory(): Promise<void> {
  const assembly = writeAssembly(path.resolve(__dirname, '..', '.out', 'local-host-oom'), { handlerDir: HANDLER_DIR, functions: [{ id: 'Hog', handler: 'handler.handler' }] });
  const template = path.join(assembly, 'Bench.template.json');
  const t = JSON.parse(fs.readFileSync(template, 'utf8'));
  t.Resources.Hog.Properties.MemorySize = 256;
  t.Resources.Hog.Properties.Timeout = 60;
  fs.writeFileSync(template, JSON.stringify(t));
  const app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, projectDir: path.resolve(__dirname, '..', '..') });
  let hostPeak = 0;
  const sample = setInterval(() => (hostPeak = Math.max(hostPeak, process.memoryUsage.rss())), 5);
  try {
    const before = process.memoryUsage.rss();
    const started = performance.now();
    const r = await app.invoke(app.model.functions[0].name, { mb: 2048 });
    const ms = performance.now() - started;
    console.log(`256 MB function asked for 2048 MB of Buffers: ${r.error?.errorType} "${r.error?.errorMessage}" after ${ms.toFixed(0)} ms`);
    console.log(`  host RSS: ${(before / MB).toFixed(0)} MB before, peak ${(hostPeak / MB).toFixed(0)} MB during (it never holds the function's memory)`);
  } finally {
    clearInterval(sample);
    await app.stop();
  }
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('This benchmark reads /proc: run it on Linux.');
  const { values } = parseArgs({ options: { instances: { type: 'string', default: '10' } } });
  const n = Number(values.instances);
  const worker = await workersPerInstance(n);
  const sy = await switchyardPerInstance(n);
  const plain = await plainProcess();
  console.log(`memory per warm instance (${n} instances, handler loading 2 SDK clients):`);
  console.log(`  switchyard (process per instance): ${(sy.private / MB).toFixed(1)} MB private, ${(sy.rss / MB).toFixed(1)} MB RSS (what memorySize is checked against)`);
  console.log(`  worker thread (the earlier host):  ${(worker / MB).toFixed(1)} MB (growth of its host's RSS) -> ratio ${(sy.private / worker).toFixed(2)}`);
  console.log(`  plain node process (Lambda-like):  ${(plain.private / MB).toFixed(1)} MB private, ${(plain.rss / MB).toFixed(1)} MB RSS -> ratio ${(sy.private / plain.private).toFixed(2)}`);
  await outOfMemory();
}

void main();
