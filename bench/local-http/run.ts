/**
 * HTTP -> Lambda throughput and latency: Switchyard's local runtime against serverless-offline
 * 14 (serverless v3), default worker mode and `--useInProcess`, on the same handler, in the
 * same run, with the same load (autocannon, 10 connections). Prints the ratios. A Python row
 * runs the same handler in Python (handler.py) on Switchyard, against its Node.js row.
 *
 *   npx tsx bench/local-http/run.ts [--duration 10] [--connections 10] [--skip-peer]
 *
 * The peer's packages live in this folder's own package.json/lockfile and are installed on
 * first run; they are never dependencies of the library.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { writeAssembly } from './assembly';

const HERE = __dirname;
const ROOT = path.resolve(HERE, '..', '..');

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, 'skip-peer': { type: 'boolean', default: false } } });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const results: Result[] = [];

  const assembly = writeAssembly(path.join(ROOT, 'bench', '.out', 'local-http'), {
    handlerDir: path.join(HERE, 'handler'),
    functions: [{ id: 'Hello', handler: 'handler.hello' }, { id: 'HelloPy', handler: 'handler.hello', runtime: 'python3.12' }],
    routes: { 'GET /hello': 'Hello', 'GET /hello-py': 'HelloPy' },
  });
  results.push(await measure('switchyard', spawnSwitchyard(assembly, 3451), 'http://127.0.0.1:3451/hello', duration, connections));
  const python = await measure('switchyard (python3.12 handler)', spawnSwitchyard(assembly, 3451), 'http://127.0.0.1:3451/hello-py', duration, connections);

  if (!values['skip-peer']) {
    installPeer();
    results.push(await measure('serverless-offline (default)', spawnOffline(3452, false), 'http://127.0.0.1:3452/hello', duration, connections));
    results.push(await measure('serverless-offline (useInProcess)', spawnOffline(3453, true), 'http://127.0.0.1:3453/hello', duration, connections));
  }
  report(results, python);
}

/** Warms up, then measures one server; always stops it. */
async function measure(name: string, server: ChildProcess, url: string, duration: number, connections: number): Promise<Result> {
  try {
    await waitUntilUp(url, server);
    await autocannon({ url, connections, duration: 2 });
    const r = await autocannon({ url, connections, duration });
    return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  } finally {
    await stop(server);
  }
}

function spawnSwitchyard(assembly: string, port: number): ChildProcess {
  return spawn(process.execPath, [require.resolve('tsx/cli'), path.join(HERE, 'serve-switchyard.ts'), assembly, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
}

function spawnOffline(port: number, inProcess: boolean): ChildProcess {
  const args = [path.join(HERE, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--httpPort', String(port), '--lambdaPort', String(port + 100), '--noTimeout'];
  if (inProcess) args.push('--useInProcess');
  return spawn(process.execPath, args, {
    cwd: HERE,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' },
  });
}

/** Installs the peer from this folder's lockfile (or resolves one on the very first run). */
function installPeer(): void {
  if (fs.existsSync(path.join(HERE, 'node_modules', 'serverless-offline'))) return;
  const lock = fs.existsSync(path.join(HERE, 'package-lock.json'));
  process.stderr.write(`Installing the peer (serverless 3, serverless-offline 14) in ${HERE} ...\n`);
  execFileSync('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: HERE, stdio: 'inherit' });
}

async function waitUntilUp(url: string, server: ChildProcess): Promise<void> {
  let output = '';
  server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`Server exited (${server.exitCode}) before answering:\n${output}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within 120 s:\n${output}`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => server.kill('SIGKILL'), 5000);
    server.once('exit', () => (clearTimeout(kill), resolve()));
    server.kill('SIGTERM');
  });
}

function report(results: readonly Result[], python: Result): void {
  const [ours, ...peers] = results;
  const rows = [...results, python].map((r) => [r.name, r.rps.toFixed(0), `${r.p50} ms`, `${r.p99} ms`, String(r.errors + r.non2xx)]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['runtime', 'req/s', 'p50', 'p99', 'errors'], ...rows].map((r) => r[i].length)));
  for (const row of [['runtime', 'req/s', 'p50', 'p99', 'errors'], ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const p of peers) console.log(`switchyard / ${p.name}: ${(ours.rps / p.rps).toFixed(2)}x requests/s`);
  console.log(`python / node handler on switchyard: ${(python.rps / ours.rps).toFixed(2)}x requests/s, p99 ${python.p99} ms vs ${ours.p99} ms`);
  const bad = [...results, python].filter((r) => r.errors + r.non2xx > 0);
  if (bad.length) console.log(`WARNING: errors in ${bad.map((r) => r.name).join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
