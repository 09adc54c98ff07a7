/**
 * Lambda function URLs (`fn.addFunctionUrl()`, `AWS::Lambda::Url`) on this machine: one HTTP
 * server per URL on 127.0.0.1, each on its own port, so that the whole path belongs to the
 * function as it does at `https://<url-id>.lambda-url.<region>.on.aws/` (a shared port would
 * have to take a path prefix or a host name from it).
 *
 * A request goes as Lambda's front end takes it: CORS preflight answered from the URL's
 * configuration, `AWS_IAM` URLs checked for a SigV4 signature (service `lambda`), the payload
 * format 2.0 event of function URLs (route `$default`, `accountId` `anonymous` without IAM, the
 * IAM caller in `requestContext.authorizer.iam`), Lambda's 6 MB request limit, then the function,
 * with no timeout but its own. The answer is its response, read as HTTP APIs read a 2.0 response
 * (`BUFFERED`), or written as it streams (`RESPONSE_STREAM`, for handlers wrapped by
 * `awslambda.streamifyResponse`; see function-url-stream.ts).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { FunctionUrlModel } from '../../model';
import type { AuthDecision } from '../auth/decision';
import { verifySigV4 } from '../auth/iam';
import { SYNC_REQUEST_MAX_BYTES, isResponseTooLarge } from '../aws/lambda-limits';
import { ThrottledError } from '../host/errors';
import type { FunctionHost, InvokeResult } from '../host/function-host';
import { BodyTooLargeError, endRefusedUpload, readBody } from '../read-body';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { StreamedUrlResponse } from './function-url-stream';
import type { HttpRequestRecord } from './gateway';
import { eventV2, type GatewayRequest } from './request-event';
import { responseFromLambda, type GatewayResponse } from './response';
import { compileRoutes, type RouteMatch, type Routable } from './routes';
import { PortServers, requestTarget } from './serve';

/** Options for {@link FunctionUrlGateway}. */
export interface FunctionUrlGatewayOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly accountId: string;
  /** Access key id -> secret accepted for `AWS_IAM` URLs. @default the local credentials */
  readonly iamCredentials?: Readonly<Record<string, string>>;
}

/** One served function URL. */
export interface ServedFunctionUrl {
  readonly url: FunctionUrlModel;
  /** The local URL, e.g. `http://127.0.0.1:3002/` (a trailing slash, as AWS's). */
  readonly localUrl: string;
  readonly port: number;
}

/** Typed events of the gateway: each finished request, for `dev`'s log. */
export interface FunctionUrlGatewayEvents {
  request: [HttpRequestRecord];
}

/** A function URL's route: every request is `$default`. */
const DEFAULT_ROUTE: RouteMatch<Routable> = { route: compileRoutes<Routable>([{ routeKey: '$default' }])[0], pathParameters: {} };

/**
 * Lambda's own answers on a function URL. 403 `{"Message":"Forbidden"}` is what an `AWS_IAM` URL
 * answers an unsigned request; the texts of the others are Lambda's Invoke errors for the same
 * conditions, as AWS does not document the function URL bodies word for word.
 */
const ANSWERS = {
  forbidden: json(403, { Message: 'Forbidden' }),
  tooLarge: json(413, { Message: `Request must be smaller than ${SYNC_REQUEST_MAX_BYTES} bytes for the InvokeFunction operation` }),
  throttled: json(429, { Message: 'Rate Exceeded.' }),
  functionError: { statusCode: 502, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('Internal Server Error') },
} satisfies Record<string, GatewayResponse>;

/** Serves an app's function URLs. */
export class FunctionUrlGateway extends EventEmitter<FunctionUrlGatewayEvents> {
  private readonly servers: PortServers<ServedFunctionUrl>;

  constructor(private readonly urls: readonly FunctionUrlModel[], private readonly host: FunctionHost, private readonly options: FunctionUrlGatewayOptions) {
    super();
    this.servers = new PortServers(options.host ?? '127.0.0.1');
  }

  /** The URLs being served, with their local URLs. */
  get urlsServed(): readonly ServedFunctionUrl[] {
    return this.servers.served;
  }

  /** Starts one server per URL, from `port` up (0: free ports). */
  start(port: number): Promise<readonly ServedFunctionUrl[]> {
    return this.servers.start(this.urls, port, {
      create: (url) => {
        const server = http.createServer((req, res) => void this.handle(url, req, res));
        // A function runs up to 15 minutes: the request may take as long.
        server.requestTimeout = 0;
        return server;
      },
      describe: (url, port, hostname) => ({ url, port, localUrl: `http://${hostname}:${port}/` }),
    });
  }

  /** Stops every server and closes open connections. */
  stop(): Promise<void> {
    return this.servers.stop();
  }

  private async handle(url: FunctionUrlModel, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const { method, rawPath, rawQueryString } = requestTarget(req);
    // Lambda's request id: the event's `requestContext.requestId`, the response header, the invocation's, the log line's.
    const trace: UrlTrace = { requestId: randomUUID(), time: new Date() };
    const { requestId } = trace;
    let statusCode: number;
    try {
      const body = await readBody(req, { limit: SYNC_REQUEST_MAX_BYTES, res });
      const gwReq = gatewayRequest(url, req, { method, rawPath, rawQueryString, body, requestId, time: trace.time });
      statusCode = await this.respond(url, gwReq, trace, res);
    } catch (err) {
      const answer = err instanceof BodyTooLargeError ? ANSWERS.tooLarge : ANSWERS.functionError;
      if (!(err instanceof BodyTooLargeError)) trace.error = `the local function URL failed: ${(err as Error).stack ?? String(err)}`;
      statusCode = res.headersSent ? res.statusCode : write(res, this.decorated(url, req, answer, requestId));
      if (err instanceof BodyTooLargeError) endRefusedUpload(req, res);
    }
    const functionRequestId = trace.invoked ? requestId : undefined;
    this.emit('request', { api: url.displayName, method, path: rawPath, routeKey: '$default', statusCode, durationMs: performance.now() - started, requestId, functionRequestId, error: trace.error });
  }

  /** Preflight, authorization, the event, then the function; resolves with the status sent. */
  private async respond(url: FunctionUrlModel, req: GatewayRequest, trace: UrlTrace, res: http.ServerResponse): Promise<number> {
    const { requestId } = trace;
    const answer = (r: GatewayResponse) => write(res, this.decorated(url, req, r, requestId));
    // Lambda answers the preflight only when the URL configures CORS; otherwise the function gets it.
    if (url.cors && isPreflight(req.method, req.headers)) return write(res, preflightResponse(url.cors, req.headers));
    const auth = await this.authorize(url, req);
    if (!auth.allowed) return answer(ANSWERS.forbidden);
    // The caller's account for IAM (with the caller under `authorizer.iam`), `anonymous` otherwise.
    const iam = (auth.context as { iam?: { accountId: string } }).iam;
    const event = eventV2({ ...req, accountId: iam?.accountId ?? 'anonymous' }, DEFAULT_ROUTE);
    if (iam) Object.assign(event.requestContext as Record<string, unknown>, { authorizer: auth.context });
    const payload = JSON.stringify(event);
    if (Buffer.byteLength(payload) > SYNC_REQUEST_MAX_BYTES) return answer(ANSWERS.tooLarge);
    if (url.invokeMode === 'RESPONSE_STREAM') return this.stream(url, req, trace, payload, res);
    const result = await this.invoke(url, trace, payload);
    return answer(result ?? ANSWERS.functionError);
  }

  /** A buffered invocation's response; undefined for a function error. */
  private async invoke(url: FunctionUrlModel, trace: UrlTrace, payload: string): Promise<GatewayResponse | undefined> {
    let result: InvokeResult;
    try {
      result = await this.host.invoke(url.functionLogicalId, { payload, requestId: trace.requestId, overflow: 'throttle' });
      trace.invoked = true;
    } catch (err) {
      if (err instanceof ThrottledError) return ANSWERS.throttled;
      throw err;
    }
    return usable(result, trace);
  }

  /** A `RESPONSE_STREAM` invocation: a streaming handler's chunks go out as they come; any other handler's result is read as buffered. */
  private async stream(url: FunctionUrlModel, req: GatewayRequest, trace: UrlTrace, payload: string, res: http.ServerResponse): Promise<number> {
    const { requestId } = trace;
    const sink = new StreamedUrlResponse(res, (headers) => this.decorated(url, req, { statusCode: 200, headers, body: Buffer.alloc(0) }, requestId).headers);
    let result: InvokeResult;
    try {
      result = await this.host.invoke(url.functionLogicalId, { payload, requestId, overflow: 'throttle', responseStream: sink });
      trace.invoked = true;
    } catch (err) {
      if (err instanceof ThrottledError) return write(res, this.decorated(url, req, ANSWERS.throttled, requestId));
      throw err;
    }
    if (result.streamed && sink.finish(!result.error)) return res.statusCode;
    if (result.streamed && !result.error) trace.error = 'the stream could not be finished';
    const answer = result.streamed && !result.error ? ANSWERS.functionError : (usable(result, trace) ?? ANSWERS.functionError);
    return write(res, this.decorated(url, req, answer, requestId));
  }

  /** SigV4 for `AWS_IAM` URLs, scoped to the `lambda` service as Lambda requires. */
  private async authorize(url: FunctionUrlModel, req: GatewayRequest): Promise<AuthDecision> {
    if (url.authType === 'NONE') return { allowed: true, context: {} };
    const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    if (service !== undefined && service !== 'lambda') return { allowed: false, response: ANSWERS.forbidden };
    return verifySigV4(req, { accountId: this.options.accountId, credentials: this.options.iamCredentials });
  }

  /** A response with the URL's CORS headers (for an allowed origin) and Lambda's request id. */
  private decorated(url: FunctionUrlModel, req: Pick<GatewayRequest, 'headers'>, response: GatewayResponse, requestId: string): GatewayResponse {
    const withCors = url.cors ? withCorsHeaders(url.cors, req.headers, response) : response;
    return { ...withCors, headers: { ...withCors.headers, 'x-amzn-requestid': requestId } };
  }
}

/** The request id of a function URL request, when it arrived, and why it failed if it did. */
interface UrlTrace {
  readonly requestId: string;
  readonly time: Date;
  error?: string;
  /** The function was invoked (with `requestId`, Lambda's request id for a function URL). */
  invoked?: boolean;
}

/** A buffered result as the URL's response; undefined (a 502) for a failure, whose reason goes in `trace`. */
function usable(result: InvokeResult, trace: UrlTrace): GatewayResponse | undefined {
  if (result.error) trace.error = `${result.functionName} failed: ${result.error.errorType}: ${result.error.errorMessage}`;
  else if (isResponseTooLarge(result.payload)) trace.error = `${result.functionName}'s response is over Lambda's response size limit (Function.ResponseSizeTooLarge)`;
  if (trace.error) return undefined;
  return responseFromLambda(result.payload, '2.0', () => {
    trace.error = `${result.functionName}'s response is not one a function URL can use: ${result.payload.slice(0, 200)}`;
    return ANSWERS.functionError;
  });
}

function gatewayRequest(url: FunctionUrlModel, req: http.IncomingMessage, parts: Pick<GatewayRequest, 'method' | 'rawPath' | 'rawQueryString' | 'body' | 'requestId' | 'time'>): GatewayRequest {
  return {
    ...parts,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    localPort: req.socket.localPort ?? 0,
    stage: '$default',
    apiId: url.urlId,
    accountId: 'anonymous',
  };
}

function json(statusCode: number, body: unknown): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

/** Writes a whole response; returns its status. */
function write(res: http.ServerResponse, r: GatewayResponse): number {
  res.statusCode = r.statusCode;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.setHeader('content-length', r.body.length);
  res.end(r.body);
  return r.statusCode;
}
