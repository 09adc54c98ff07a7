/**
 * What the local console costs `switchyard dev` in memory: dev runs twice in this run, in its
 * own process, on the same app and the same load (10,000 activity entries: 5,000 HTTP requests,
 * each a request and an invocation with a log line), once with the console open (an SSE client
 * connected throughout, `GET /api/app` and every page of `GET /api/activity` fetched) and once
 * with `--no-console`. Prints each one's resident memory (RSS, from /proc) after the load and
 * its peak, and the difference: issue 15's budget is under 30 MB more. Run from the repository
 * root:
 *
 *   npx tsx bench/console/run.ts [--requests 5000] [--concurrency 8] [--runs 1]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeAssembly } from '../local-http/assembly';
import { sample } from '../proc-stats';

const MB = 1024 * 1024;
const ROOT = path.resolve(__dirname, '..', '..');

/** A `dev` child process and the URLs it printed. */
interface Dev {
  readonly child: ChildProcess;
  readonly api: string;
  readonly console?: string;
}

/** What one variant measured. */
interface Measured {
  readonly variant: string;
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly entriesKept?: number;
  readonly streamed?: number;
}

async function startDev(assembly: string, withConsole: boolean): Promise<Dev> {
  const flags = ['--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch', ...(withConsole ? ['--console-port', '0'] : ['--no-console'])];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'dev.ts'), ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      // Only the start-up table is read; the log lines that follow are drained and dropped.
      if (text.includes('Ready.')) return;
      text += c.toString();
      if (!text.includes('Ready.')) return;
      const api = /^ANY +(http:\/\/127\.0\.0\.1:\d+)\//m.exec(text)?.[1] ?? /(http:\/\/127\.0\.0\.1:\d+)\/hello/.exec(text)?.[1];
      const consoleUrl = /\nConsole +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1];
      if (!api) return reject(new Error(`no API URL in dev's table:\n${text}`));
      resolve({ child, api, console: consoleUrl });
    });
    child.once('exit', (code) => reject(new Error(`dev exited with ${code} before it was ready:\n${text}`)));
  });
}

async function stopDev(dev: Dev): Promise<void> {
  if (dev.child.exitCode !== null) return;
  const exited = new Promise((resolve) => dev.child.once('exit', resolve));
  dev.child.kill('SIGTERM');
  await exited;
}

/** `requests` GETs, `concurrency` at a time over keep-alive connections. */
async function load(api: string, requests: number, concurrency: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const n = next++;
      await new Promise<void>((resolve, reject) => {
        http.get(`${api}/hello?n=${n}`, { agent }, (res) => (res.resume(), res.on('end', resolve))).on('error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
}

/** An SSE client that counts the messages it gets. */
function watch(consoleUrl: string): { count: () => number; close: () => void } {
  let messages = 0;
  const req = http.get(new URL('/api/activity/stream', consoleUrl), (res) => res.on('data', (c: Buffer) => (messages += c.toString().split('\n\n').filter((b) => b.includes('data: ')).length)));
  req.on('error', () => undefined);
  return { count: () => messages, close: () => req.destroy() };
}

/** `GET /api/app` and every page of the activity, as the console's home page and a scroll through it do. */
async function browse(consoleUrl: string): Promise<number> {
  await (await fetch(new URL('/api/app', consoleUrl))).json();
  let kept = 0;
  let before: number | undefined;
  do {
    const page = (await (await fetch(new URL(`/api/activity?limit=1000${before ? `&before=${before}` : ''}`, consoleUrl))).json()) as { entries: unknown[]; next?: number; kept: number };
    kept = page.kept;
    before = page.next;
  } while (before !== undefined);
  return kept;
}

async function measure(assembly: string, withConsole: boolean, requests: number, concurrency: number): Promise<Measured> {
  const dev = await startDev(assembly, withConsole);
  try {
    const stream = dev.console ? watch(dev.console) : undefined;
    await load(dev.api, requests, concurrency);
    const kept = dev.console ? await browse(dev.console) : undefined;
    // Settled: what stays resident, not the garbage of the last requests.
    await new Promise((r) => setTimeout(r, 2000));
    const s = sample(dev.child.pid!)!;
    stream?.close();
    return { variant: withConsole ? 'console open' : '--no-console', rssMb: s.rssBytes / MB, peakRssMb: s.peakRssBytes / MB, entriesKept: kept, streamed: stream?.count() };
  } finally {
    await stopDev(dev);
  }
}

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '8' }, runs: { type: 'string', default: '1' } } });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const assembly = writeAssembly(path.join(ROOT, 'bench', '.out', 'console-app'), { handlerDir: path.join(__dirname, 'handler'), functions: [{ id: 'Hello', handler: 'handler.hello' }], routes: { 'GET /hello': 'Hello' } });
  const results: Measured[] = [];
  // Alternating, so that a machine busier in one half does not favour one variant.
  for (let r = 0; r < Number(values.runs); r++) {
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const withConsole of order) results.push(await measure(assembly, withConsole, requests, concurrency));
  }
  const mean = (variant: string, key: 'rssMb' | 'peakRssMb') => {
    const xs = results.filter((m) => m.variant === variant).map((m) => m[key]);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  console.log(`console memory: ${requests} requests (${requests * 2} activity entries), ${concurrency} at a time, ${values.runs} run(s) per variant`);
  for (const m of results) console.log(`  ${m.variant.padEnd(13)} RSS ${m.rssMb.toFixed(1)} MB, peak ${m.peakRssMb.toFixed(1)} MB${m.entriesKept === undefined ? '' : `; ${m.entriesKept} entries kept, ${m.streamed} streamed`}`);
  const rss = mean('console open', 'rssMb') - mean('--no-console', 'rssMb');
  const peak = mean('console open', 'peakRssMb') - mean('--no-console', 'peakRssMb');
  console.log(`  console open costs ${rss.toFixed(1)} MB RSS (peak ${peak.toFixed(1)} MB) more than --no-console; budget < 30 MB: ${rss < 30 && peak < 30 ? 'met' : 'NOT met'}`);
}

void run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
