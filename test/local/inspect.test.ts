/**
 * `inspect` (`switchyard dev --inspect`) end to end, as a debugger uses it: the README's VS Code
 * launch configuration gives the port; the test reads the inspector's target list there, speaks
 * the inspector protocol over its WebSocket, sets a breakpoint by the TypeScript file and line
 * (through the bundle's source map, as VS Code does), calls the route over HTTP, and holds the
 * function paused longer than its timeout and its route's integration timeout before resuming it.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, generatedPositionFor, originalPositionFor } from '@jridgewell/trace-mapping';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocket } from 'ws';
import { EventApp } from '../../lib';
import type { InspectorProxy } from '../../lib/local/host/inspector-proxy';
import { startLocalApp, type RunningLocalApp } from '../../lib/testing/local-app';
import { inspectorTargets } from './helpers';

jest.setTimeout(90_000);

const ROOT = path.join(__dirname, '..', '..');
const SOURCE = path.join(__dirname, 'fixtures', 'inspect', 'breakpoint.ts');
/** The function's timeout: the test holds it paused for longer. */
const TIMEOUT_SECONDS = 1;

/** The 1-based line of the source marked `// breakpoint: here`. */
const BREAKPOINT_LINE = fs.readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('// breakpoint: here')) + 1;

interface LaunchConfiguration {
  readonly type: string;
  readonly request: string;
  readonly address: string;
  readonly port: number;
  readonly restart: boolean;
}

/** The `launch.json` of README's "Debugging handlers" section. */
function readmeLaunchConfiguration(): LaunchConfiguration {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Debugging handlers'));
  const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no json block under "Debugging handlers"');
  return (JSON.parse(block) as { configurations: LaunchConfiguration[] }).configurations[0];
}

/** True when nothing listens on the port of 127.0.0.1. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A minimal inspector-protocol client: commands with their answers, notifications to wait for. */
class Cdp {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly events: Array<{ method: string; params: Record<string, unknown> }> = [];
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown> };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result);
      } else if (msg.method) {
        this.events.push({ method: msg.method, params: msg.params ?? {} });
        for (const wake of this.waiters.splice(0)) wake();
      }
    });
  }

  static open(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new Cdp(socket)));
      socket.once('error', reject);
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The first notification of `method` (already received or to come), within `ms`. */
  async event(method: string, ms: number): Promise<Record<string, unknown>> {
    const until = Date.now() + ms;
    for (;;) {
      const found = this.events.find((e) => e.method === method);
      if (found) return found.params;
      if (Date.now() > until) throw new Error(`no ${method} within ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  onClose(listener: () => void): void {
    this.socket.once('close', listener);
  }

  close(): void {
    this.socket.terminate();
  }
}

let local: RunningLocalApp;
let port: number;
/** The function's debugger port. */
let inspector: InspectorProxy;
let functionShown: string;
const sessions: Cdp[] = [];

beforeAll(async () => {
  const launch = readmeLaunchConfiguration();
  expect(launch).toMatchObject({ type: 'node', request: 'attach', address: '127.0.0.1', restart: true });
  // The README's port, unless something else on this machine holds it.
  port = (await isFree(launch.port)) ? launch.port : await freePort();
  const stack = new Stack(new App(), 'Debugging');
  new EventApp(stack, 'Shop').addRoute('GET /hello', { entry: path.relative(ROOT, SOURCE), timeout: Duration.seconds(TIMEOUT_SECONDS) });
  // API Gateway's integration timeout as short as the function's: it stands still while paused too.
  for (const integration of stack.node.findAll().filter((c): c is apigw.CfnIntegration => c instanceof apigw.CfnIntegration)) {
    integration.addPropertyOverride('TimeoutInMillis', TIMEOUT_SECONDS * 1000);
  }
  local = await startLocalApp({ stack }, { inspect: { port } });
  const fn = local.app.model.functions.find((f) => f.source?.entry === SOURCE)!;
  functionShown = fn.displayName ?? fn.name;
  inspector = local.app.host.inspectors.find((p) => p.functionName === functionShown)!;
  // Consecutive ports from the first, in the functions' order.
  expect(inspector.port).toBe(port + local.app.model.functions.indexOf(fn));
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await local?.stop();
});

/** Attaches as a debugger does: the port's target list, then its WebSocket, with the Debugger domain on. */
async function attach(): Promise<{ cdp: Cdp; targetUrl: string }> {
  const [target] = await inspectorTargets(inspector.port);
  expect(target.title).toBe(`${functionShown} (switchyard dev)`);
  expect(target.webSocketDebuggerUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${inspector.port}/`));
  const cdp = await Cdp.open(target.webSocketDebuggerUrl);
  sessions.push(cdp);
  await cdp.send('Debugger.enable');
  return { cdp, targetUrl: target.webSocketDebuggerUrl };
}

/** The bundle's script and its source map, which names the project's .ts file and carries its text. */
function bundleOf(cdp: Cdp) {
  const script = cdp.events.find((e) => e.method === 'Debugger.scriptParsed' && String(e.params.url).endsWith('/index.mjs') && e.params.sourceMapURL)!.params;
  const mapFile = fileURLToPath(new URL(String(script.sourceMapURL), String(script.url)));
  const map = new TraceMap(fs.readFileSync(mapFile, 'utf8'), mapFile);
  const source = map.resolvedSources.find((s) => s === pathToFileURL(SOURCE).href);
  expect(source).toBeDefined();
  expect(map.sourcesContent?.[map.resolvedSources.indexOf(source!)]).toBe(fs.readFileSync(SOURCE, 'utf8'));
  return { url: String(script.url), map, source: source! };
}

/** Sets a breakpoint on a line of the .ts source, at the bundle position its source map gives (as VS Code does). */
async function setBreakpoint(cdp: Cdp, line: number) {
  const bundle = bundleOf(cdp);
  const generated = generatedPositionFor(bundle.map, { source: bundle.source, line, column: 0, bias: LEAST_UPPER_BOUND });
  expect(generated.line).not.toBeNull();
  const breakpoint = await cdp.send<{ breakpointId: string; locations: unknown[] }>('Debugger.setBreakpointByUrl', { url: bundle.url, lineNumber: generated.line! - 1, columnNumber: generated.column });
  expect(breakpoint.locations).toHaveLength(1);
  return { ...bundle, id: breakpoint.breakpointId };
}

type Paused = { hitBreakpoints: string[]; callFrames: Array<{ location: { lineNumber: number; columnNumber: number } }> };

test('the README launch configuration attaches, a breakpoint in the .ts source is hit, and the timeouts stand still while paused', async () => {
  const { cdp } = await attach();
  const breakpoint = await setBreakpoint(cdp, BREAKPOINT_LINE);

  let answered = false;
  const response = fetch(`${local.urls[0]}/hello?name=debugger`).then((res) => {
    answered = true;
    return res;
  });
  const paused = (await cdp.event('Debugger.paused', 30_000)) as Paused;
  expect(paused.hitBreakpoints).toEqual([breakpoint.id]);
  const { location } = paused.callFrames[0];
  expect(originalPositionFor(breakpoint.map, { line: location.lineNumber + 1, column: location.columnNumber, bias: GREATEST_LOWER_BOUND })).toMatchObject({ source: breakpoint.source, line: BREAKPOINT_LINE });

  // Held for more than twice the function's timeout and the integration's: without their clocks
  // standing still, the call would end in Sandbox.Timedout and the request in a 503.
  await new Promise((resolve) => setTimeout(resolve, TIMEOUT_SECONDS * 2_500));
  expect(answered).toBe(false);
  await cdp.send('Debugger.resume');

  const res = await response;
  expect(res.status).toBe(200);
  const body = (await res.json()) as { greeting: string; remainingMs: number };
  expect(body.greeting).toBe('hello debugger');
  // The deadline moved by the pause: time remains, no more than the timeout.
  expect(body.remainingMs).toBeGreaterThan(0);
  expect(body.remainingMs).toBeLessThanOrEqual(TIMEOUT_SECONDS * 1000);
  cdp.close();
});

test('an instance that times out is replaced at once: the debugger is disconnected, and reattached on the same port it stops in the next instance', async () => {
  const first = await attach();
  const closed = new Promise<void>((resolve) => first.cdp.onClose(resolve));
  // Not paused: the function's timeout runs, and Lambda resets the environment after it.
  const hung = await fetch(`${local.urls[0]}/hello?hang=1`);
  expect(hung.status).not.toBe(200);
  await closed;

  // `"restart": true`: the debugger asks the port again until the next instance is listed.
  let next = first.targetUrl;
  for (let attempt = 0; attempt < 100 && next === first.targetUrl; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    next = (await inspectorTargets(inspector.port))[0].webSocketDebuggerUrl;
  }
  expect(next).not.toBe(first.targetUrl);
  const second = await attach();
  const breakpoint = await setBreakpoint(second.cdp, BREAKPOINT_LINE);
  const response = fetch(`${local.urls[0]}/hello?name=again`);
  expect(((await second.cdp.event('Debugger.paused', 30_000)) as Paused).hitBreakpoints).toEqual([breakpoint.id]);
  await second.cdp.send('Debugger.resume');
  expect(await (await response).json()).toMatchObject({ greeting: 'hello again' });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
