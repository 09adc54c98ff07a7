/**
 * The local console's server: the browser UI's files (the build's `dist/console/`) and the JSON
 * API under `/api/` (api-routes.ts), with the activity stream as server-sent events. Loopback
 * only, like every port of `dev`; it answers only requests addressed to it by a loopback name
 * (no DNS rebinding) and refuses cross-origin POSTs, so that a web page the developer visits
 * can neither read it nor drive it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { LocalApp } from '../local-app';
import { readBody, BodyTooLargeError } from '../read-body';
import { closeAll, listenFrom, requestTarget } from '../http/serve';
import { ActivityBuffer, matches, type ActivityFilter } from './activity-buffer';
import { ApiRoutes } from './api-routes';
import type { ActivityEntry } from './api-types';
import { ApiProblem, MAX_BODY_BYTES, sameOrigin } from './http-util';
import { ActivityRecorder } from './recorder';

/** `switchyard dev`'s console port unless `--console-port` says otherwise. */
export const DEFAULT_CONSOLE_PORT = 4020;

/** How often an idle stream gets a comment line, so that proxies and browsers keep it open. */
export const HEARTBEAT_MS = 15_000;

/** Bytes a slow stream client may fall behind before it is cut off (it reconnects with Last-Event-ID). */
const MAX_STREAM_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Options of {@link ConsoleServer}. */
export interface ConsoleServerOptions {
  /** Entries the activity keeps. @default 10000 */
  readonly activityCapacity?: number;
  /** The UI's built files. @default the package's `dist/console/` */
  readonly assetsDir?: string;
  /** How often an idle stream gets a comment line. @default HEARTBEAT_MS */
  readonly heartbeatMs?: number;
}

/** The console of a running app. */
export class ConsoleServer {
  /** The recent activity the API pages through and streams. */
  readonly activity: ActivityBuffer;
  private readonly recorder: ActivityRecorder;
  private readonly routes: ApiRoutes;
  private readonly server: http.Server;
  private readonly streams = new Set<() => void>();
  private readonly assetsDir: string | undefined;
  private readonly heartbeatMs: number;
  private origins: readonly string[] = [];
  private hosts: readonly string[] = [];
  private address?: string;

  constructor(app: LocalApp, options: ConsoleServerOptions = {}) {
    this.activity = new ActivityBuffer(options.activityCapacity);
    this.recorder = new ActivityRecorder(app, this.activity);
    this.routes = new ApiRoutes(app, this.activity);
    this.assetsDir = findAssets(options.assetsDir);
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  /** The console's URL (`http://127.0.0.1:4020/`), once listening. */
  get url(): string {
    if (!this.address) throw new Error('The console is not listening');
    return this.address;
  }

  /** Listens on `port` (the next free one when it is taken; 0 picks one). */
  async listen(port: number, hostname: string): Promise<string> {
    const bound = await listenFrom(this.server, port, hostname);
    this.hosts = [`${hostname}:${bound}`, `127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`];
    this.origins = this.hosts.map((h) => `http://${h}`);
    this.address = `http://${hostname}:${bound}/`;
    return this.address;
  }

  /** Ends the streams, stops listening and stops recording. */
  async stop(): Promise<void> {
    for (const end of [...this.streams]) end();
    this.recorder.stop();
    await closeAll([this.server]);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { method, rawPath, rawQueryString } = requestTarget(req);
    try {
      // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own name as Host.
      if (!this.hosts.includes(req.headers.host ?? '')) throw new ApiProblem(421, 'MisdirectedRequest', `The console answers requests to ${this.hosts[1]} or ${this.hosts[2]} only`);
      if (!rawPath.startsWith('/api/')) return this.serveFile(method, rawPath, res);
      const query = new URLSearchParams(rawQueryString);
      if (method === 'GET' && rawPath === '/api/activity/stream') return this.stream(req, res, this.routes.filterOf(query), query);
      const route = this.routes.match(method, rawPath);
      if (method === 'POST' && !sameOrigin(req, this.origins)) {
        throw new ApiProblem(403, 'CrossOriginRefused', 'The console refuses requests from other origins, so that a web page cannot drive it: call it from its own page, or from a tool that sends no Origin header (curl)');
      }
      const body = method === 'POST' ? await readBody(req, { limit: MAX_BODY_BYTES }) : Buffer.alloc(0);
      const answer = await route.handle({ params: route.params, query, body });
      send(res, 200, answer);
    } catch (err) {
      if (err instanceof ApiProblem) return send(res, err.status, err.body());
      if (err instanceof BodyTooLargeError) return send(res, 413, { error: 'RequestTooLarge', message: err.message });
      send(res, 500, { error: 'InternalError', message: (err as Error).message });
    }
  }

  /**
   * Server-sent events: the entries after `Last-Event-ID` still kept (a `gap` event first when
   * some are not), then each new entry as it comes, and a comment every `heartbeatMs`.
   */
  private stream(req: http.IncomingMessage, res: http.ServerResponse, filter: ActivityFilter, query: URLSearchParams): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    res.write('retry: 2000\n\n');
    const write = (entry: ActivityEntry) => {
      if (!matches(entry, filter)) return;
      res.write(`id: ${entry.id}\ndata: ${JSON.stringify(entry)}\n\n`);
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) end();
    };
    const last = Number(req.headers['last-event-id'] ?? query.get('lastEventId') ?? NaN);
    if (Number.isInteger(last) && last >= 0) {
      const { entries, missed } = this.activity.since(last, filter);
      if (missed) res.write(`event: gap\ndata: ${JSON.stringify({ missed })}\n\n`);
      for (const entry of entries) write(entry);
    }
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), this.heartbeatMs).unref();
    const end = () => {
      clearInterval(heartbeat);
      this.activity.off('entry', write);
      this.streams.delete(end);
      res.end();
    };
    this.activity.on('entry', write);
    this.streams.add(end);
    req.on('close', end);
  }

  /** The UI's files; without a build, a page that says how to get one (never a stand-in UI). */
  private serveFile(method: string, rawPath: string, res: http.ServerResponse): void {
    if (method !== 'GET' && method !== 'HEAD') throw new ApiProblem(405, 'MethodNotAllowed', `${rawPath} takes GET`);
    if (!this.assetsDir) return sendHtml(res, 503, NOT_BUILT);
    const file = resolveAsset(this.assetsDir, rawPath);
    if (!file) throw new ApiProblem(404, 'NotFound', `No file ${rawPath}`);
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    // index.html names the hashed assets of the build: always asked again; the assets may be kept.
    const cache = file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600';
    const html = type.startsWith('text/html') ? { 'content-security-policy': CONSOLE_CSP } : {};
    res.writeHead(200, { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', ...html });
    if (method === 'HEAD') return void res.end();
    // A file removed meanwhile (a rebuild) ends the answer short rather than the process.
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  }
}

/**
 * The Content-Security-Policy of the console's pages: the page's own scripts, styles, images
 * and API only, no other origin, no framing, no forms, no <base>. A script injected through
 * anything the console shows (an event's detail, a log line) would not run. Inline styles are
 * allowed because Mermaid styles the diagram's SVG inline (see lib/console/diagram.tsx); the
 * UI itself has none.
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Switchyard console: not built</title>
<body><h1>The console's UI is not built</h1>
<p>This copy of Switchyard has no <code>dist/console/</code>: run <code>npm run build</code> in the Switchyard repository (an installed package ships it).</p>
<p>The JSON API works without it: try <a href="/api/app">/api/app</a> or <a href="/api/activity">/api/activity</a> (the README's "Local console" section lists every route).</p></body></html>
`;

/**
 * The folder of the UI's build when it holds one (its index.html): the one given, else the
 * package's `dist/console/`, beside the compiled code or, running from sources, in the
 * repository's `dist/`.
 */
function findAssets(given: string | undefined): string | undefined {
  const candidates = given !== undefined ? [path.resolve(given)] : [path.resolve(__dirname, '..', '..', 'console'), path.resolve(__dirname, '..', '..', '..', 'dist', 'console')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

/** The file a path names inside `dir` (index.html for `/` and for the UI's own paths), never outside it. */
function resolveAsset(dir: string, rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  const file = path.resolve(dir, `.${path.posix.normalize(decoded)}`);
  if (file !== dir && !file.startsWith(dir + path.sep)) return undefined;
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  // A path without an extension is one of the UI's views: its page is index.html.
  return path.extname(decoded) === '' ? path.join(dir, 'index.html') : undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CONSOLE_CSP, 'x-content-type-options': 'nosniff' });
  res.end(html);
}
