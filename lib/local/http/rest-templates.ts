/**
 * API Gateway's mapping templates (Velocity, VTL) and parameter mappings for REST APIs: the
 * `$input`, `$context`, `$util` and `$stageVariables` a template sees, rendered by velocityjs
 * (the VTL engine of the JavaScript world, also used by serverless-offline) rather than a
 * hand-written interpreter. Used by MOCK integrations and gateway responses.
 */
import { render } from 'velocityjs';
import { jsonPath } from '../events/input';
import { clfTime } from './request-event';
import type { RestRequest } from './rest-event';

/** What a template or parameter mapping may refer to. */
export interface TemplateScope {
  readonly req: RestRequest;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly resourcePath?: string;
  readonly resourceId?: string;
  readonly authorizer?: Readonly<Record<string, unknown>>;
  /** `$context.error.*` of a gateway response. */
  readonly error?: { readonly message: string | null; readonly responseType: string; readonly validationErrorString?: string };
}

/** A rendered template and what it set in `$context.responseOverride`. */
export interface Rendered {
  readonly body: string;
  readonly status?: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Renders a VTL template. A template that does not parse or fails renders as its error message, as API Gateway would not deploy it. */
export function renderTemplate(template: string, scope: TemplateScope): Rendered {
  const override = { status: undefined as unknown, header: {} as Record<string, unknown> };
  const context = { ...contextOf(scope), responseOverride: override };
  const body = render(template, { input: inputOf(scope), context, util: UTIL, stageVariables: { ...scope.req.stageVariables } }, {});
  const status = Number(override.status);
  return {
    body,
    status: Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined,
    headers: Object.fromEntries(Object.entries(override.header).map(([k, v]) => [k, String(v)])),
  };
}

/**
 * The value of a parameter mapping expression: `'literal'`, `method.request.header.X`,
 * `method.request.querystring.x`, `method.request.path.x`, `stageVariables.x`, `context.x.y`;
 * undefined when the source is absent.
 */
export function parameterValue(expression: string, scope: TemplateScope): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const params = paramsOf(scope);
  const m = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(expression);
  if (m) return m[1] === 'header' ? params.header.get(m[2]) : m[1] === 'querystring' ? params.querystring.get(m[2]) : params.path.get(m[2]);
  if (expression.startsWith('stageVariables.')) return scope.req.stageVariables[expression.slice('stageVariables.'.length)];
  if (expression.startsWith('context.')) {
    const v = jsonPath(contextOf(scope), `$.${expression.slice('context.'.length)}`);
    return v === undefined || v === null ? undefined : String(v);
  }
  return undefined;
}

/** A parameter map with Java-like `get`, as `$input.params()` gives (`header` lookups ignore case). */
class ParamMap {
  constructor(private readonly values: Record<string, string>, private readonly ignoreCase = false) {}
  get(name: string): string | undefined {
    if (!this.ignoreCase) return this.values[name];
    const key = Object.keys(this.values).find((k) => k.toLowerCase() === String(name).toLowerCase());
    return key === undefined ? undefined : this.values[key];
  }
  keySet(): string[] {
    return Object.keys(this.values);
  }
}

function paramsOf(scope: TemplateScope): { path: ParamMap; querystring: ParamMap; header: ParamMap } {
  const header: Record<string, string> = {};
  for (let i = 0; i + 1 < scope.req.rawHeaders.length; i += 2) header[scope.req.rawHeaders[i]] = scope.req.rawHeaders[i + 1];
  return {
    path: new ParamMap({ ...scope.pathParameters }),
    querystring: new ParamMap(Object.fromEntries(new URLSearchParams(scope.req.rawQueryString))),
    header: new ParamMap(header, true),
  };
}

function inputOf(scope: TemplateScope) {
  const body = scope.req.body.toString('utf8');
  const parsed = () => {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  };
  return {
    body,
    params(name?: string) {
      const p = paramsOf(scope);
      if (name === undefined) return p;
      return p.path.get(name) ?? p.querystring.get(name) ?? p.header.get(name) ?? '';
    },
    json: (path: string) => JSON.stringify(jsonPath(parsed(), path) ?? null),
    path: (path: string) => jsonPath(parsed(), path),
  };
}

function contextOf(scope: TemplateScope): Record<string, unknown> {
  const { req } = scope;
  const error = scope.error && {
    message: scope.error.message,
    // The message as a JSON string literal, quotes included (`null` when there is none).
    messageString: JSON.stringify(scope.error.message),
    responseType: scope.error.responseType,
    validationErrorString: scope.error.validationErrorString ?? '',
  };
  return {
    accountId: req.accountId,
    apiId: req.apiId,
    authorizer: scope.authorizer ?? {},
    domainName: String(req.headers.host ?? ''),
    error,
    extendedRequestId: req.extendedRequestId,
    httpMethod: req.method,
    identity: { sourceIp: req.sourceIp, userAgent: req.headers['user-agent'] ?? '' },
    path: `/${req.stage}${req.path}`,
    protocol: 'HTTP/1.1',
    requestId: req.requestId,
    requestTime: clfTime(req.time),
    requestTimeEpoch: req.time.getTime(),
    resourceId: scope.resourceId,
    resourcePath: scope.resourcePath,
    stage: req.stage,
  };
}

/** `$util`, as API Gateway documents it. */
const UTIL = {
  escapeJavaScript: (s: unknown) => JSON.stringify(String(s)).slice(1, -1).replace(/'/g, "\\'"),
  parseJson: (s: unknown) => JSON.parse(String(s)) as unknown,
  urlEncode: (s: unknown) => encodeURIComponent(String(s)),
  urlDecode: (s: unknown) => decodeURIComponent(String(s)),
  base64Encode: (s: unknown) => Buffer.from(String(s)).toString('base64'),
  base64Decode: (s: unknown) => Buffer.from(String(s), 'base64').toString('utf8'),
};
