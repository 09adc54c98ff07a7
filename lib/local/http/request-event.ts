/**
 * HTTP request -> Lambda proxy event, in API Gateway HTTP API payload format 2.0 or 1.0.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Routable, RouteMatch } from './routes';

/** What the gateway knows about one request. */
export interface GatewayRequest {
  readonly method: string;
  /** Path without the stage prefix and query string, still percent-encoded. */
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: IncomingHttpHeaders;
  /** The headers as received (`req.rawHeaders`), so repeated headers keep every value. */
  readonly rawHeaders?: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly localPort: number;
  readonly stage: string;
  readonly apiId: string;
  readonly accountId: string;
  /**
   * The request's one id: `requestContext.requestId` of its event and its authorizer's event,
   * the `apigw-requestid` response header, the request log line.
   */
  readonly requestId: string;
  /** When the request arrived (`requestContext.time`). */
  readonly time: Date;
}

/** Content types API Gateway passes as text; every other body is base64-encoded. */
const TEXT_TYPE = /^(text\/|application\/(json|javascript|xml|[\w.+-]+\+(json|xml))\b)/i;

/** Builds a payload format 2.0 event (a function URL's too, whose route is always `$default`). */
export function eventV2(req: GatewayRequest, match: RouteMatch<Routable>): Record<string, unknown> {
  const { headers, cookies } = joinedHeaders(req);
  const query = parseQuery(req.rawQueryString);
  const now = req.time;
  const body = bodyOf(req);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: match.route.route.routeKey,
    rawPath: req.stage === '$default' ? req.rawPath : `/${req.stage}${req.rawPath}`,
    rawQueryString: req.rawQueryString,
  };
  if (cookies.length) event.cookies = cookies;
  event.headers = headers;
  if (query.size) event.queryStringParameters = Object.fromEntries([...query].map(([k, v]) => [k, v.join(',')]));
  event.requestContext = {
    accountId: req.accountId,
    apiId: req.apiId,
    domainName: headers.host ?? `localhost:${req.localPort}`,
    domainPrefix: (headers.host ?? 'localhost').split('.')[0],
    http: { method: req.method, path: event.rawPath, protocol: 'HTTP/1.1', sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
    requestId: req.requestId,
    routeKey: match.route.route.routeKey,
    stage: req.stage,
    time: clfTime(now),
    timeEpoch: now.getTime(),
  };
  if (Object.keys(match.pathParameters).length) event.pathParameters = match.pathParameters;
  if (body) event.body = body.text;
  event.isBase64Encoded = body?.base64 ?? false;
  return event;
}

/** Builds a payload format 1.0 event (REST-API-style proxy event). */
export function eventV1(req: GatewayRequest, match: RouteMatch): Record<string, unknown> {
  const multiValueHeaders = Object.fromEntries(headerValues(req));
  const query = parseQuery(req.rawQueryString);
  const now = req.time;
  const body = bodyOf(req);
  const path = req.stage === '$default' ? req.rawPath : `/${req.stage}${req.rawPath}`;
  const resource = match.route.path === '$default' ? '$default' : match.route.path;
  return {
    version: '1.0',
    resource,
    path,
    httpMethod: req.method,
    headers: Object.fromEntries(Object.entries(multiValueHeaders).map(([k, v]) => [k, v[v.length - 1]])),
    multiValueHeaders,
    queryStringParameters: query.size ? Object.fromEntries([...query].map(([k, v]) => [k, v[v.length - 1]])) : null,
    multiValueQueryStringParameters: query.size ? Object.fromEntries(query) : null,
    requestContext: {
      accountId: req.accountId,
      apiId: req.apiId,
      domainName: req.headers.host ?? `localhost:${req.localPort}`,
      domainPrefix: (req.headers.host ?? 'localhost').split('.')[0],
      // API Gateway's payload 1.0 examples carry the one id in both fields.
      extendedRequestId: req.requestId,
      httpMethod: req.method,
      identity: { sourceIp: req.sourceIp, userAgent: req.headers['user-agent'] ?? '', accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, user: null, userArn: null },
      path,
      protocol: 'HTTP/1.1',
      requestId: req.requestId,
      requestTime: clfTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: match.route.route.routeKey,
      resourcePath: resource,
      stage: req.stage,
    },
    pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : null,
    stageVariables: null,
    body: body?.text ?? null,
    isBase64Encoded: body?.base64 ?? false,
  };
}

/** Headers as 2.0 gives them: lower-case names, repeated values comma-joined, cookies split out, forwarding headers added. */
function joinedHeaders(req: GatewayRequest): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [k, v] of headerValues(req)) {
    if (k === 'cookie') {
      cookies = v.flatMap((c) => c.split(';')).map((c) => c.trim()).filter(Boolean);
      continue;
    }
    headers[k] = v.join(',');
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-port'] = String(req.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  return { headers, cookies };
}

/**
 * Each header's values as the client sent them, names lower-cased (or as first sent, with
 * `keepCase`). Node joins repeated headers with ", " in `req.headers`; API Gateway joins with ",".
 */
export function headerValues(req: Pick<GatewayRequest, 'headers' | 'rawHeaders'>, keepCase = false): Array<[string, string[]]> {
  if (!req.rawHeaders) return Object.entries(req.headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v : [v!]]);
  const byName = new Map<string, [string, string[]]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const entry = byName.get(name.toLowerCase());
    if (entry) entry[1].push(req.rawHeaders[i + 1]);
    else byName.set(name.toLowerCase(), [keepCase ? name : name.toLowerCase(), [req.rawHeaders[i + 1]]]);
  }
  return [...byName.values()];
}

/** Query parameters with every value of each, in order. */
export function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  for (const [k, v] of new URLSearchParams(raw)) {
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

function bodyOf(req: GatewayRequest): { text: string; base64: boolean } | undefined {
  if (!req.body.length) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  // Without a content type, a body that is valid UTF-8 is passed as text.
  const text = type ? TEXT_TYPE.test(type) : isUtf8(req.body);
  return text ? { text: req.body.toString('utf8'), base64: false } : { text: req.body.toString('base64'), base64: true };
}

/** True when the bytes are valid UTF-8. */
export function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** A new request id in API Gateway's shape. */
export function requestIdOf(): string {
  // API Gateway request ids look like `JKJaXmPLvHcESHA=`; a UUID-derived one is as unique.
  return Buffer.from(randomUUID().replace(/-/g, '').slice(0, 20), 'hex').toString('base64');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the time format API Gateway uses. */
export function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
