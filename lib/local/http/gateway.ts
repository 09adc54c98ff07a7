/**
 * The local HTTP gateway: one HTTP server per HTTP API of the app model, on 127.0.0.1, routing
 * requests to functions as API Gateway does.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpApiModel } from '../../model';
import type { LocalAuth } from '../auth';
import type { FunctionHost } from '../host/function-host';
import { readBody } from '../read-body';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { eventV1, eventV2, type GatewayRequest } from './request-event';
import { errorResponse, responseFromLambda, type GatewayResponse } from './response';
import { compileRoutes, selectRoute, type CompiledRoute } from './routes';
import { closeAll, invokeIntegration, listen } from './serve';

/** Options for {@link HttpGateway}. */
export interface HttpGatewayOptions {
  /** Port of the first API; further APIs take the following ports. 0 picks free ports. @default 3000 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly accountId: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Authorizes routes that have `auth` in the model; without it such routes answer 500 (never open). */
  readonly auth?: LocalAuth;
}

/** HTTP APIs refuse request payloads over 10 MB. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** One served API. */
export interface ServedApi {
  readonly api: HttpApiModel;
  /** Base URL, e.g. `http://127.0.0.1:3000` (with `/<stage>` when the API has no `$default` stage). */
  readonly url: string;
  readonly port: number;
}

/** A finished HTTP request, for logs. */
export interface HttpRequestRecord {
  readonly api: string;
  readonly method: string;
  readonly path: string;
  readonly routeKey?: string;
  readonly statusCode: number;
  readonly durationMs: number;
}

/** Typed events of the gateway. */
export interface HttpGatewayEvents {
  request: [HttpRequestRecord];
}

/** Serves the HTTP APIs of an app. */
export class HttpGateway extends EventEmitter<HttpGatewayEvents> {
  private readonly servers: http.Server[] = [];
  private served: ServedApi[] = [];

  constructor(private readonly apis: readonly HttpApiModel[], private readonly host: FunctionHost, private readonly options: HttpGatewayOptions) {
    super();
  }

  /** The APIs being served, with their URLs. */
  get apisServed(): readonly ServedApi[] {
    return this.served;
  }

  /** Starts one server per API. */
  async start(): Promise<readonly ServedApi[]> {
    const hostname = this.options.host ?? '127.0.0.1';
    let port = this.options.port ?? 3000;
    for (const api of this.apis) {
      const routes = compileRoutes(api.routes);
      const server = http.createServer((req, res) => void this.handle(api, routes, req, res));
      server.keepAliveTimeout = 60_000;
      await listen(server, port, hostname);
      this.servers.push(server);
      const actual = (server.address() as AddressInfo).port;
      const stagePrefix = api.stages.includes('$default') ? '' : `/${api.stages[0]}`;
      this.served.push({ api, port: actual, url: `http://${hostname}:${actual}${stagePrefix}` });
      if (port !== 0) port = actual + 1;
    }
    return this.served;
  }

  /** Stops every server and closes open connections. */
  async stop(): Promise<void> {
    await closeAll(this.servers);
    this.servers.length = 0;
    this.served = [];
  }

  private async handle(api: HttpApiModel, routes: CompiledRoute[], req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let rawPath = q < 0 ? url : url.slice(0, q);
    const rawQueryString = q < 0 ? '' : url.slice(q + 1);
    let routeKey: string | undefined;
    let response: GatewayResponse;
    try {
      // Refused before reading when the length is declared; counted after reading when chunked.
      if (Number(req.headers['content-length'] ?? 0) > MAX_PAYLOAD_BYTES) {
        res.setHeader('connection', 'close');
        response = tooLarge();
        write(res, response);
        this.emit('request', { api: api.name, method, path: rawPath, statusCode: response.statusCode, durationMs: performance.now() - started });
        return;
      }
      const body = await readBody(req);
      const stage = body.length > MAX_PAYLOAD_BYTES ? undefined : stageOf(api, rawPath);
      if (body.length > MAX_PAYLOAD_BYTES) {
        response = tooLarge();
      } else if (stage === undefined) {
        response = errorResponse(404);
      } else {
        if (stage !== '$default') rawPath = rawPath.slice(stage.length + 1) || '/';
        if (api.cors && isPreflight(method, req.headers)) {
          response = preflightResponse(api.cors, req.headers);
        } else {
          const match = selectRoute(routes, method, rawPath);
          routeKey = match?.route.route.routeKey;
          if (!match) {
            response = errorResponse(404);
          } else {
            const gwReq: GatewayRequest = {
              method,
              rawPath,
              rawQueryString,
              headers: req.headers,
              rawHeaders: req.rawHeaders,
              body,
              sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
              localPort: req.socket.localPort ?? 0,
              stage,
              apiId: api.apiId,
              accountId: this.options.accountId,
            };
            const version = match.route.route.payloadFormatVersion;
            const eventFor = (v: '1.0' | '2.0') => (v === '1.0' ? eventV1(gwReq, match) : eventV2(gwReq, match));
            const decision = await this.authorize(api, match.route, gwReq, eventFor);
            if (!decision.allowed) {
              response = decision.response;
            } else {
              const event = eventFor(version);
              if (match.route.route.auth) (event.requestContext as Record<string, unknown>).authorizer = decision.context;
              response = await this.invoke(match.route, event);
            }
          }
          if (api.cors) response = withCorsHeaders(api.cors, req.headers, response);
        }
      }
    } catch {
      response = errorResponse(500);
    }
    write(res, response);
    this.emit('request', { api: api.name, method, path: rawPath, routeKey, statusCode: response.statusCode, durationMs: performance.now() - started });
  }

  private async authorize(api: HttpApiModel, route: CompiledRoute, req: GatewayRequest, eventFor: (v: '1.0' | '2.0') => Record<string, unknown>) {
    if (!route.route.auth) return { allowed: true, context: {} } as const;
    if (!this.options.auth) return { allowed: false, response: errorResponse(500) } as const;
    const routeArn = `arn:aws:execute-api:${this.options.region ?? 'us-east-1'}:${this.options.accountId}:${api.apiId}/${req.stage}/${req.method}${req.rawPath}`;
    return this.options.auth.authorize(route.route, {
      method: req.method,
      rawPath: req.stage === '$default' ? req.rawPath : `/${req.stage}${req.rawPath}`,
      rawQueryString: req.rawQueryString,
      headers: req.headers,
      body: req.body,
      context: { 'identity.sourceIp': req.sourceIp },
      routeArn,
      eventFor,
    });
  }

  private async invoke(route: CompiledRoute, event: Record<string, unknown>): Promise<GatewayResponse> {
    const outcome = await invokeIntegration(this.host, route.route.functionLogicalId, event, route.route.timeoutMs);
    if (outcome.kind === 'result') return responseFromLambda(outcome.payload, route.route.payloadFormatVersion);
    return errorResponse(outcome.kind === 'timeout' ? 503 : outcome.kind === 'throttled' ? 429 : 500);
  }
}

function stageOf(api: HttpApiModel, rawPath: string): string | undefined {
  for (const s of api.stages) if (s !== '$default' && (rawPath === `/${s}` || rawPath.startsWith(`/${s}/`))) return s;
  return api.stages.includes('$default') ? '$default' : undefined;
}


function tooLarge(): GatewayResponse {
  return { statusCode: 413, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ message: 'Request Entity Too Large' })) };
}

function write(res: http.ServerResponse, r: GatewayResponse): void {
  res.statusCode = r.statusCode;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.setHeader('content-length', r.body.length);
  res.setHeader('apigw-requestid', Math.random().toString(36).slice(2, 14));
  res.end(r.body);
}
