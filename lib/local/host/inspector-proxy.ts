/**
 * `dev --inspect`: the port a debugger attaches to for one function, in front of the inspector
 * of whichever instance runs the function now.
 *
 * Why a proxy rather than `node --inspect=<port>` on the instance itself: instances come and go
 * (a timeout or a crash ends one, hot reload replaces it), and the next one would need the port
 * while the last may still hold it. The proxy holds the port for as long as `dev` runs; each
 * instance opens its inspector on a free port (worker.mjs) and the proxy forwards to it. When
 * an instance ends, its debugger connections close, and a debugger told to reconnect (VS Code's
 * `"restart": true`) finds the next instance on the same port. The proxy also reads what it
 * forwards: `Debugger.paused` and `Debugger.resumed` are how the host knows to stop the
 * function's timeout clock while a breakpoint holds it, without a session of its own (which
 * would make a `debugger;` statement stop the process with no debugger attached).
 *
 * It answers the HTTP discovery endpoints (`/json/list`, `/json/version`) that VS Code and
 * Chrome DevTools read, with the instance's own answers, its URLs pointed at this port. Like
 * node's inspector, it refuses requests whose Host is not an IP address or `localhost` (a web
 * page must not reach it through DNS rebinding), and a WebSocket must name the instance's
 * target id, which only the discovery answer gives.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isIP } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { InspectPortInUseError } from './errors';
import type { FunctionInstance } from './instance';

/** Typed events of an {@link InspectorProxy}. */
export interface InspectorProxyEvents {
  /** A debugger connected to the function's instance. */
  attach: [];
  /** A debugger's connection ended (it detached, or the instance ended). */
  detach: [];
  /** A debugger holds the function's instance paused (its timeout stands still). */
  pause: [];
  /** The instance runs again. */
  resume: [];
}

/** Discovery paths forwarded to the instance's inspector. */
const DISCOVERY = new Set(['/json', '/json/list', '/json/version', '/json/protocol']);

/** How the start of a CDP notification reads: `{"method":"Debugger.paused",...` (V8 writes `method` first). */
const PAUSED = '{"method":"Debugger.paused"';
const RESUMED = '{"method":"Debugger.resumed"';

/** The debugger port of one function. */
export class InspectorProxy extends EventEmitter<InspectorProxyEvents> {
  private readonly server = http.createServer((req, res) => void this.onRequest(req, res));
  private readonly sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  /** Connections that have the instance paused, per instance (several debuggers may be attached). */
  private readonly pausedBy = new Map<FunctionInstance, number>();
  private boundPort = 0;

  /**
   * @param functionName the function, shown as the target's title in debuggers
   * @param target the instance that runs the function now, if any
   */
  constructor(readonly functionName: string, private readonly target: () => FunctionInstance | undefined) {
    super();
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  /** The port debuggers attach to (once listening). */
  get port(): number {
    return this.boundPort;
  }

  /** Listens on 127.0.0.1 only: whoever reaches the port can run code in the function. Rejects with InspectPortInUseError. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new InspectPortInUseError(port, this.functionName) : err));
      this.server.listen(port, '127.0.0.1', () => {
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  /** Closes the port and every debugger connection. */
  async close(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0].replace(/\/$/, '') || '/';
    if (!allowedHost(req.headers.host)) return answer(res, 400, 'text/plain', 'Host header is not an IP address or localhost');
    if (req.method !== 'GET' || !DISCOVERY.has(path)) return answer(res, 404, 'text/plain', `Unknown path ${path}: debuggers read /json/list`);
    const instance = this.target();
    const inner = instance?.inspectorUrl ? new URL(instance.inspectorUrl) : undefined;
    if (!inner) {
      // No instance runs now (one is starting): no targets yet, and a debugger asks again.
      if (path === '/json/version') return answer(res, 200, 'application/json', JSON.stringify({ Browser: `node.js/${process.version}`, 'Protocol-Version': '1.1' }));
      return answer(res, 200, 'application/json', '[]');
    }
    try {
      const body = await fetchText(`http://${inner.host}${path}`);
      answer(res, 200, 'application/json', path === '/json/protocol' || path === '/json/version' ? body : this.retarget(body, inner.host, req.headers.host!));
    } catch (err) {
      // The instance ended between the lookup and the request.
      answer(res, 502, 'text/plain', `The instance of ${this.functionName} did not answer (${(err as Error).message}); ask again`);
    }
  }

  /** The instance's target list, titled with the function's name and with its URLs on this port. */
  private retarget(body: string, innerHost: string, outerHost: string): string {
    const targets = JSON.parse(body) as Array<Record<string, unknown>>;
    const moved = (v: unknown) => (typeof v === 'string' ? v.split(innerHost).join(outerHost) : v);
    return JSON.stringify(
      targets.map((t) => ({
        ...t,
        title: `${this.functionName} (switchyard dev)`,
        webSocketDebuggerUrl: moved(t.webSocketDebuggerUrl),
        devtoolsFrontendUrl: moved(t.devtoolsFrontendUrl),
        devtoolsFrontendUrlCompat: moved(t.devtoolsFrontendUrlCompat),
      })),
    );
  }

  private onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const instance = this.target();
    const inner = instance?.inspectorUrl ? new URL(instance.inspectorUrl) : undefined;
    if (!allowedHost(req.headers.host)) return refuse(socket, 400, 'Bad Request');
    // The target id is the instance's: a stale one (an instance that has ended) is refused, and the debugger asks /json/list again.
    if (!instance || !inner || req.url !== inner.pathname) return refuse(socket, 404, 'Not Found');
    const upstream = new WebSocket(inner.href, { perMessageDeflate: false });
    // An error is followed by 'close', which ends the connection (see pipe); unheard, it would end dev.
    upstream.on('error', () => undefined);
    // The instance ended before the connection was made: the debugger asks /json/list again.
    const unreachable = () => refuse(socket, 502, 'Bad Gateway');
    upstream.once('error', unreachable);
    upstream.once('open', () => {
      upstream.off('error', unreachable);
      if (socket.destroyed) return void upstream.terminate();
      this.sockets.handleUpgrade(req, socket, head, (client) => this.pipe(instance, client, upstream));
    });
  }

  /** Forwards both ways, watching the instance's notifications for pauses. */
  private pipe(instance: FunctionInstance, client: WebSocket, upstream: WebSocket): void {
    let paused = false;
    const setPaused = (now: boolean) => {
      if (now === paused) return;
      paused = now;
      this.countPause(instance, now ? 1 : -1);
    };
    this.emit('attach');
    client.on('message', (data: RawData, isBinary: boolean) => upstream.readyState === WebSocket.OPEN && upstream.send(data, { binary: isBinary }));
    upstream.on('message', (data: RawData, isBinary: boolean) => {
      const start = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).subarray(0, 32).toString('utf8');
      if (start.startsWith(PAUSED)) setPaused(true);
      else if (start.startsWith(RESUMED)) setPaused(false);
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    const end = () => {
      // A debugger that goes away while it holds the process lets it run (V8 resumes it).
      setPaused(false);
      client.terminate();
      upstream.terminate();
    };
    client.once('close', end);
    upstream.once('close', end);
    client.on('error', end);
    client.once('close', () => this.emit('detach'));
  }

  /** The instance's clock stands while any connection has it paused. */
  private countPause(instance: FunctionInstance, delta: number): void {
    const before = this.pausedBy.get(instance) ?? 0;
    const after = Math.max(0, before + delta);
    if (after === 0) this.pausedBy.delete(instance);
    else this.pausedBy.set(instance, after);
    if (before === 0 && after > 0) {
      instance.debuggerPaused();
      this.emit('pause');
    }
    if (before > 0 && after === 0) {
      instance.debuggerResumed();
      this.emit('resume');
    }
  }
}

/** Node's inspector rule against DNS rebinding: the Host must be an IP address or `localhost`. */
function allowedHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || isIP(name) !== 0;
}

function answer(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': `${contentType}; charset=UTF-8`, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function refuse(socket: Socket, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}
