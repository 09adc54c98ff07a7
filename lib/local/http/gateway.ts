/**
 * The local HTTP gateway: one HTTP server per HTTP API of the app model, on 127.0.0.1, routing
 * requests to functions as API Gateway does.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpApiModel } from '../../model';
import type { LocalAuth } from '../auth';
import { authorizerFailure, type AuthDecision } from '../auth/decision';
import type { FunctionHost } from '../host/function-host';
import { BodyTooLargeError, endRefusedUpload, readBody } from '../read-body';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { eventV1, eventV2, requestIdOf, type GatewayRequest } from './request-event';
import { errorResponse, responseFromLambda, type GatewayResponse } from './response';
import { compileRoutes, selectRoute, type CompiledRoute, type RouteMatch } from './routes';
import { PortServers, invokeIntegration, requestTarget } from './serve';

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

/** HTTP APIs refuse request payloads over 10 MB ("Payload size", HTTP API quotas). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** HTTP APIs refuse a request whose request line and header values total more (HTTP API quotas). */
export const MAX_REQUEST_HEAD_BYTES = 10240;

/** Node's parser limit on a request head: above API Gateway's, which names and framing do not count toward. */
const NODE_MAX_HEADER_BYTES = 32 * 1024;

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
  /** The request's id: its event's `requestContext.requestId` and its response's request id header. */
  readonly requestId?: string;
  /** The Lambda request id of the invocation the request caused, if any (a function URL's is its `requestId`). */
  readonly functionRequestId?: string;
  /** Why the gateway answered an error of its own (a 5xx): what failed, for the log. */
  readonly error?: string;
}

/** Typed events of the gateway. */
export interface HttpGatewayEvents {
  request: [HttpRequestRecord];
}

/** Serves the HTTP APIs of an app. */
export class HttpGateway extends EventEmitter<HttpGatewayEvents> {
  private readonly servers: PortServers<ServedApi>;

  constructor(private readonly apis: readonly HttpApiModel[], private readonly host: FunctionHost, private readonly options: HttpGatewayOptions) {
    super();
    this.servers = new PortServers(options.host ?? '127.0.0.1');
  }

  /** The APIs being served, with their URLs. */
  get apisServed(): readonly ServedApi[] {
    return this.servers.served;
  }

  /** Starts one server per API, the first on the port asked for (taken: the start fails). */
  start(): Promise<readonly ServedApi[]> {
    return this.servers.start(this.apis, this.options.port ?? 3000, {
      exactPort: true,
      create: (api) => {
        const routes = compileRoutes(api.routes);
        // Node's own header limit sits above API Gateway's, which handle() applies; past it, the
        // client error handler answers as API Gateway does.
        const server = http.createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, (req, res) => void this.handle(api, routes, req, res));
        server.on('clientError', answerClientError);
        return server;
      },
      describe: (api, port, hostname) => ({ api, port, url: `http://${hostname}:${port}${api.stages.includes('$default') ? '' : `/${api.stages[0]}`}` }),
    });
  }

  /** Stops every server and closes open connections. */
  stop(): Promise<void> {
    return this.servers.stop();
  }

  private async handle(api: HttpApiModel, routes: CompiledRoute[], req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    // One id per request, made as it arrives: its events, its answer and its log line share it.
    const trace: RequestTrace = { requestId: requestIdOf(), time: new Date() };
    const { method, rawPath, rawQueryString } = requestTarget(req);
    let outcome: Outcome;
    let refused = false;
    try {
      if (requestHeadBytes(req) > MAX_REQUEST_HEAD_BYTES) {
        refused = true;
        outcome = { path: rawPath, response: tooLarge() };
      } else {
        const body = await readBody(req, { limit: MAX_PAYLOAD_BYTES, res });
        outcome = await this.respond(api, routes, { req, method, rawPath, rawQueryString, body }, trace);
      }
    } catch (err) {
      refused = err instanceof BodyTooLargeError;
      if (!refused) trace.error = `the local gateway failed: ${(err as Error).stack ?? String(err)}`;
      outcome = { path: rawPath, response: refused ? tooLarge() : errorResponse(500) };
    }
    write(res, outcome.response, trace.requestId);
    if (refused) endRefusedUpload(req, res);
    this.emit('request', { api: api.name, method, path: outcome.path, routeKey: outcome.routeKey, statusCode: outcome.response.statusCode, durationMs: performance.now() - started, requestId: trace.requestId, functionRequestId: trace.functionRequestId, error: trace.error });
  }

  /** Stage, CORS preflight, route, then the route's authorization and integration. */
  private async respond(api: HttpApiModel, routes: CompiledRoute[], r: ReadRequest, trace: RequestTrace): Promise<Outcome> {
    const stage = stageOf(api, r.rawPath);
    if (stage === undefined) return { path: r.rawPath, response: errorResponse(404) };
    const rawPath = stage === '$default' ? r.rawPath : r.rawPath.slice(stage.length + 1) || '/';
    if (api.cors && isPreflight(r.method, r.req.headers)) return { path: rawPath, response: preflightResponse(api.cors, r.req.headers) };
    const match = selectRoute(routes, r.method, rawPath);
    let response: GatewayResponse;
    if (!match) {
      response = errorResponse(404);
    } else {
      const gwReq: GatewayRequest = {
        method: r.method,
        rawPath,
        rawQueryString: r.rawQueryString,
        headers: r.req.headers,
        rawHeaders: r.req.rawHeaders,
        body: r.body,
        sourceIp: (r.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        localPort: r.req.socket.localPort ?? 0,
        stage,
        apiId: api.apiId,
        accountId: this.options.accountId,
        requestId: trace.requestId,
        time: trace.time,
      };
      response = await this.integrate(api, match, gwReq, trace);
    }
    if (api.cors) response = withCorsHeaders(api.cors, r.req.headers, response);
    return { path: rawPath, routeKey: match?.route.route.routeKey, response };
  }

  private async integrate(api: HttpApiModel, match: RouteMatch, gwReq: GatewayRequest, trace: RequestTrace): Promise<GatewayResponse> {
    // Built once per payload version: the authorizer's event and the integration's are the same request's.
    const built = new Map<'1.0' | '2.0', Record<string, unknown>>();
    const eventFor = (v: '1.0' | '2.0') => built.get(v) ?? built.set(v, v === '1.0' ? eventV1(gwReq, match) : eventV2(gwReq, match)).get(v)!;
    const decision = await this.authorize(api, match.route, gwReq, eventFor);
    if (!decision.allowed) {
      trace.error = decision.reason;
      return decision.response;
    }
    // A copy: the authorizer's event (already sent) keeps no integration-only field.
    const event = { ...eventFor(match.route.route.payloadFormatVersion) };
    if (match.route.route.auth) event.requestContext = { ...(event.requestContext as object), authorizer: decision.context };
    return this.invoke(match.route, event, trace);
  }

  private async authorize(api: HttpApiModel, route: CompiledRoute, req: GatewayRequest, eventFor: (v: '1.0' | '2.0') => Record<string, unknown>): Promise<AuthDecision> {
    if (!route.route.auth) return { allowed: true, context: {} };
    if (!this.options.auth) return authorizerFailure(`route ${route.route.routeKey} has authorization, and the gateway was started without authorizers`);
    const routeArn = `arn:aws:execute-api:${this.options.region ?? 'us-east-1'}:${this.options.accountId}:${api.apiId}/${req.stage}/${req.method}${req.rawPath}`;
    return this.options.auth.authorize(route.route, {
      method: req.method,
      rawPath: req.stage === '$default' ? req.rawPath : `/${req.stage}${req.rawPath}`,
      rawQueryString: req.rawQueryString,
      headers: req.headers,
      body: req.body,
      context: { 'identity.sourceIp': req.sourceIp, requestId: req.requestId },
      routeArn,
      eventFor,
    });
  }

  private async invoke(route: CompiledRoute, event: Record<string, unknown>, trace: RequestTrace): Promise<GatewayResponse> {
    // Lambda's request id differs from API Gateway's, as in AWS; the record links the two.
    trace.functionRequestId = randomUUID();
    const outcome = await invokeIntegration(this.host, route.route.functionLogicalId, event, route.route.timeoutMs, trace.functionRequestId);
    if (outcome.kind === 'result') {
      return responseFromLambda(outcome.payload, route.route.payloadFormatVersion, () => {
        trace.error = `the function's response is not one API Gateway can use (payload format ${route.route.payloadFormatVersion}): ${outcome.payload.slice(0, 200)}`;
        return errorResponse(502);
      });
    }
    trace.error = outcome.reason;
    // A response over Lambda's limit is answered 502, as a malformed one is.
    if (outcome.kind === 'function-error' && outcome.responseTooLarge) return errorResponse(502);
    return errorResponse(outcome.kind === 'timeout' ? 503 : outcome.kind === 'throttled' ? 429 : 500);
  }
}

/** The one id of a request, when it arrived, and why it failed if it did. */
interface RequestTrace {
  readonly requestId: string;
  readonly time: Date;
  error?: string;
  /** The Lambda request id of the integration's invocation. */
  functionRequestId?: string;
}

function stageOf(api: HttpApiModel, rawPath: string): string | undefined {
  for (const s of api.stages) if (s !== '$default' && (rawPath === `/${s}` || rawPath.startsWith(`/${s}/`))) return s;
  return api.stages.includes('$default') ? '$default' : undefined;
}


/** A request once its body is read. */
interface ReadRequest {
  readonly req: http.IncomingMessage;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly body: Buffer;
}

/** What a request came to, for the response and the request log. */
interface Outcome {
  readonly response: GatewayResponse;
  /** The path without the stage prefix, once the stage is known. */
  readonly path: string;
  readonly routeKey?: string;
}

/** The request line and header values, as API Gateway sizes a request against its 10240-byte quota. */
function requestHeadBytes(req: http.IncomingMessage): number {
  let bytes = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  for (let i = 1; i < req.rawHeaders.length; i += 2) bytes += Buffer.byteLength(req.rawHeaders[i]);
  return bytes;
}

/**
 * Answers what Node's parser refuses before a request exists (a head past Node's limit, bad
 * syntax) in API Gateway's form. A listener replaces Node's default answer, so every case writes
 * one.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] = err.code === 'HPE_HEADER_OVERFLOW' ? ['413 Request Entity Too Large', 'Request Entity Too Large'] : ['400 Bad Request', 'Bad Request'];
  const body = JSON.stringify({ message });
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function tooLarge(): GatewayResponse {
  return { statusCode: 413, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ message: 'Request Entity Too Large' })) };
}

function write(res: http.ServerResponse, r: GatewayResponse, requestId: string): void {
  res.statusCode = r.statusCode;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.setHeader('content-length', r.body.length);
  res.setHeader('apigw-requestid', requestId);
  res.end(r.body);
}
