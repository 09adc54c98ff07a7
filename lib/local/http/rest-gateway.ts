/**
 * The local REST (v1) API gateway: one HTTP server per REST API on 127.0.0.1, each stage under
 * its name (`http://127.0.0.1:PORT/prod/items`, as the invoke URL has it). A request goes through
 * what API Gateway does, in its order: resource and method selection (403 `Missing Authentication
 * Token` when none), the authorizer (Lambda, Cognito, IAM), the API key and usage plan, the
 * request validator, then the integration (Lambda proxy, MOCK; others answer 501 saying they
 * are not served). API Gateway's own answers go through the API's gateway responses.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { RestApiModel, RestMethodModel } from '../../model';
import type { RestAuthorizers, RestAuthRequest, RestAuthResult } from '../auth/rest-authorizers';
import type { FunctionHost } from '../host/function-host';
import { BodyTooLargeError, endRefusedUpload, readBody } from '../read-body';
import { MAX_PAYLOAD_BYTES, type HttpGatewayEvents } from './gateway';
import { gatewayResponse, type RestFailure } from './rest-errors';
import { newRequestIds, restEvent, type RestRequest } from './rest-event';
import { runMock } from './rest-mock';
import { firstMediaType, isBinary, restProxyResponse } from './rest-response';
import type { TemplateScope } from './rest-templates';
import type { UsagePlanLimiter } from './rest-usage';
import { RestValidator } from './rest-validate';
import type { GatewayResponse } from './response';
import { compileRoutes, selectRoute, type CompiledRoute, type RouteMatch } from './routes';
import { PortServers, invokeIntegration, requestTarget } from './serve';

/** Options for {@link RestGateway}. */
export interface RestGatewayOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly accountId: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Authorizers; without them methods with authorization answer 500 (never open). */
  readonly authorizers?: RestAuthorizers;
  /** API keys and usage plans. */
  readonly limiter: UsagePlanLimiter;
}

/** One served REST API. */
export interface ServedRestApi {
  readonly api: RestApiModel;
  readonly port: number;
  /** The first stage's base URL, e.g. `http://127.0.0.1:3001/prod`. */
  readonly url: string;
  /** Base URL of every stage, by stage name. */
  readonly stageUrls: Readonly<Record<string, string>>;
}

interface ApiState {
  readonly api: RestApiModel;
  readonly routes: CompiledRoute<RestMethodModel>[];
  readonly validator: RestValidator;
}


/** Serves the REST APIs of an app. */
export class RestGateway extends EventEmitter<HttpGatewayEvents> {
  private readonly servers: PortServers<ServedRestApi>;

  constructor(private readonly apis: readonly RestApiModel[], private readonly host: FunctionHost, private readonly options: RestGatewayOptions) {
    super();
    this.servers = new PortServers(options.host ?? '127.0.0.1');
  }

  /** The APIs being served, with their URLs. */
  get apisServed(): readonly ServedRestApi[] {
    return this.servers.served;
  }

  /** Starts one server per API from `port` on (the next free ports; 0 picks any free port). */
  start(port: number): Promise<readonly ServedRestApi[]> {
    return this.servers.start(this.apis, port, {
      create: (api) => {
        const state: ApiState = { api, routes: compileRoutes(api.methods), validator: new RestValidator(api) };
        return http.createServer((req, res) => void this.handle(state, req, res));
      },
      describe: (api, port, hostname) => {
        const stageUrls = Object.fromEntries(api.stages.map((s) => [s.name, `http://${hostname}:${port}/${s.name}`]));
        return { api, port, url: stageUrls[api.stages[0].name], stageUrls };
      },
    });
  }

  /** Stops every server and closes open connections. */
  stop(): Promise<void> {
    return this.servers.stop();
  }

  private async handle(state: ApiState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const { method, rawPath: fullPath, rawQueryString } = requestTarget(req);
    const ids = newRequestIds();
    let routeKey: string | undefined;
    let response: GatewayResponse;
    let tooLarge = false;
    // Why the gateway answered a 5xx of its own, and the integration's invocation, for the request log.
    let error: string | undefined;
    let functionRequestId: string | undefined;
    try {
      // Refused as it arrives (declared or chunked); the rest of the upload is discarded.
      const body = await readBody(req, { limit: MAX_PAYLOAD_BYTES, res }).catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) return undefined;
        throw err;
      });
      tooLarge = body === undefined;
      const [, stageName = '', ...rest] = fullPath.split('/');
      const stage = state.api.stages.find((s) => s.name === stageName);
      if (!stage) {
        // Outside any stage there is no API to customize the answer: API Gateway's plain 403.
        response = plain(403, { message: 'Forbidden' });
      } else {
        const rreq: RestRequest = {
          method,
          path: `/${rest.join('/')}`,
          rawQueryString,
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body: body ?? Buffer.alloc(0),
          sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
          localPort: req.socket.localPort ?? 0,
          apiId: state.api.apiId,
          accountId: this.options.accountId,
          stage: stage.name,
          stageVariables: stage.variables,
          ...ids,
        };
        const match = selectRoute(state.routes, method, rreq.path);
        routeKey = match?.route.route.routeKey;
        const scope: TemplateScope = { req: rreq, pathParameters: match?.pathParameters ?? {}, resourcePath: match?.route.route.resourcePath, resourceId: match?.route.route.resourceId };
        if (tooLarge) {
          response = gatewayResponse(state.api, { type: 'REQUEST_TOO_LARGE', message: `HTTP content length exceeded ${MAX_PAYLOAD_BYTES} bytes.` }, scope);
        } else if (!match) {
          response = gatewayResponse(state.api, { type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' }, scope);
        } else {
          ({ response, error, functionRequestId } = await this.run(state, match, rreq, scope));
        }
      }
    } catch (err) {
      error = `the local gateway failed: ${(err as Error).stack ?? String(err)}`;
      response = plain(500, { message: 'Internal server error' });
    }
    res.statusCode = response.statusCode;
    for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
    res.setHeader('content-length', response.body.length);
    res.setHeader('x-amzn-RequestId', ids.requestId);
    res.setHeader('x-amz-apigw-id', ids.extendedRequestId);
    res.end(response.body);
    if (tooLarge) endRefusedUpload(req, res);
    this.emit('request', { api: state.api.name, method, path: fullPath, routeKey, statusCode: response.statusCode, durationMs: performance.now() - started, requestId: ids.requestId, functionRequestId, error });
  }

  /**
   * Authorizer, API key, validator, integration: the first that refuses answers, with the reason
   * of a failure and the request id of the integration's invocation, if it was invoked.
   */
  private async run(state: ApiState, match: RouteMatch<RestMethodModel>, req: RestRequest, scope: TemplateScope): Promise<{ response: GatewayResponse } & RestTrace> {
    const trace: RestTrace = {};
    const response = await this.answer(state, match, req, scope, trace);
    return { response, ...trace };
  }

  private async answer(state: ApiState, match: RouteMatch<RestMethodModel>, req: RestRequest, scope: TemplateScope, trace: RestTrace): Promise<GatewayResponse> {
    const { api } = state;
    const method = match.route.route;
    const binaryBody = isBinary(api.binaryMediaTypes, firstMediaType(String(req.headers['content-type'] ?? '')));
    const eventParts = { method, pathParameters: match.pathParameters, binaryBody };
    const auth = await this.authorize(method, req, () => restEvent(req, eventParts));
    const authorizer = auth.allowed ? auth.authorizer : undefined;
    const fail = (failure: RestFailure) => {
      if (failure.reason) trace.error = failure.reason;
      return gatewayResponse(api, failure, { ...scope, authorizer });
    };
    if (!auth.allowed) return fail(auth.failure);

    let identity = auth.identity;
    if (method.apiKeyRequired) {
      const key = api.apiKeySource === 'AUTHORIZER' ? auth.usageIdentifierKey : headerOf(req, 'x-api-key');
      const admitted = this.options.limiter.admit(api, req.stage, method, key);
      if ('type' in admitted) return fail(admitted);
      identity = { ...identity, apiKey: key, apiKeyId: admitted.apiKeyId };
    }
    const query = new URLSearchParams(req.rawQueryString);
    const invalid = state.validator.validate(method, { headers: req.headers, query, pathParameters: match.pathParameters, body: req.body });
    if (invalid) return fail(invalid);

    const integration = method.integration;
    if (integration.type === 'MOCK') {
      const mocked = runMock(integration, { ...scope, authorizer });
      return 'type' in mocked ? fail(mocked) : mocked;
    }
    if (integration.type === 'NOT_SERVED') {
      return plain(501, { message: `Not served by switchyard dev: ${method.httpMethod} ${method.resourcePath} has a ${integration.description}` });
    }
    const event = restEvent(req, { ...eventParts, authorizer, identity });
    // Lambda's own request id, which API Gateway's is not: the request log links the two.
    trace.functionRequestId = randomUUID();
    const outcome = await invokeIntegration(this.host, integration.functionLogicalId, event, integration.timeoutMs, trace.functionRequestId);
    switch (outcome.kind) {
      case 'result': {
        const reason = `the function's response is not a Lambda proxy response: ${outcome.payload.slice(0, 200)}`;
        return restProxyResponse(outcome.payload, api.binaryMediaTypes, headerOf(req, 'accept')) ?? fail({ type: 'DEFAULT_5XX', message: 'Internal server error', status: 502, reason });
      }
      case 'function-error':
        return fail({ type: 'DEFAULT_5XX', message: 'Internal server error', status: 502, reason: outcome.reason });
      case 'timeout':
        return fail({ type: 'INTEGRATION_TIMEOUT', message: 'Endpoint request timed out', reason: outcome.reason });
      default:
        // Lambda refused the invocation (throttled, or no such function): API Gateway answers 500.
        return fail({ type: 'DEFAULT_5XX', message: 'Internal server error', status: 500, reason: outcome.reason });
    }
  }

  private async authorize(method: RestMethodModel, req: RestRequest, event: () => Record<string, unknown>): Promise<RestAuthResult> {
    const auth = method.auth;
    if (!auth) return { allowed: true };
    const authorizers = this.options.authorizers;
    if (!authorizers) return { allowed: false, failure: { type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null, reason: `${method.httpMethod} ${method.resourcePath} has an authorizer, and the gateway was started without authorizers` } };
    const request: RestAuthRequest = {
      methodArn: `arn:aws:execute-api:${this.options.region ?? 'us-east-1'}:${req.accountId}:${req.apiId}/${req.stage}/${req.method}${req.path}`,
      headers: req.headers,
      query: new URLSearchParams(req.rawQueryString),
      stageVariables: req.stageVariables,
      context: { 'identity.sourceIp': req.sourceIp, stage: req.stage, requestId: req.requestId, httpMethod: req.method },
      event,
      signed: { method: req.method, rawPath: `/${req.stage}${req.path}`, rawQueryString: req.rawQueryString, headers: req.headers, body: req.body },
    };
    if (auth.type === 'AWS_IAM') return authorizers.sigv4(request);
    if (auth.type === 'COGNITO_USER_POOLS') return authorizers.cognito(auth, request);
    return authorizers.lambda(auth, request);
  }
}

function headerOf(req: RestRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function plain(statusCode: number, body: unknown): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

/** What a request's log record says of it besides its answer: why it failed, and the integration's invocation. */
interface RestTrace {
  error?: string;
  functionRequestId?: string;
}
