/**
 * HTTP request -> the Lambda proxy event a REST (v1) API sends: `resource`, `path` (without the
 * stage), `httpMethod`, headers with their case as sent (`headers` keeps a repeated header's last
 * value, `multiValueHeaders` all), query strings likewise, `pathParameters`, `stageVariables`,
 * `requestContext` (with the stage in its `path`), `body` and `isBase64Encoded`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RestMethodModel } from '../../model';
import { clfTime, headerValues, parseQuery, requestIdOf } from './request-event';

/** One request to a REST API, as the gateway parsed it; built once and carried through every step. */
export interface RestRequest {
  readonly method: string;
  /** The path after the stage, still percent-encoded (`/items/42`). */
  readonly path: string;
  readonly rawQueryString: string;
  /** Node's headers (lower-case names), for lookups. */
  readonly headers: IncomingHttpHeaders;
  /** The headers as received, for the event. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly localPort: number;
  readonly apiId: string;
  readonly accountId: string;
  readonly stage: string;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** `requestContext.requestId`, also the `x-amzn-RequestId` response header. */
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly time: Date;
}

/** Builds a {@link RestRequest} id pair and time. */
export function newRequestIds(): Pick<RestRequest, 'requestId' | 'extendedRequestId' | 'time'> {
  return { requestId: randomUUID(), extendedRequestId: requestIdOf(), time: new Date() };
}

/** What the event needs beyond the request: the method, its path parameters and the authorization results. */
export interface RestEventParts {
  readonly method: RestMethodModel;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** `requestContext.authorizer`, absent without an authorizer. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
  /** Fields of `requestContext.identity` an authorizer filled (IAM caller, API key). */
  readonly identity?: Readonly<Record<string, unknown>>;
  /** Whether the body is passed base64-encoded (its Content-Type is one of the API's binary media types). */
  readonly binaryBody: boolean;
}

/** Builds the proxy event (and, without `authorizer`, the body of a REQUEST authorizer's event). */
export function restEvent(req: RestRequest, parts: RestEventParts): Record<string, unknown> {
  const headers = headersOf(req);
  const query = parseQuery(req.rawQueryString);
  const resource = parts.method.resourcePath;
  const hasBody = req.body.length > 0;
  return {
    resource,
    path: req.path,
    httpMethod: req.method,
    headers: Object.fromEntries(headers.map(([k, v]) => [k, v[v.length - 1]])),
    multiValueHeaders: Object.fromEntries(headers),
    queryStringParameters: query.size ? Object.fromEntries([...query].map(([k, v]) => [k, v[v.length - 1]])) : null,
    multiValueQueryStringParameters: query.size ? Object.fromEntries(query) : null,
    pathParameters: Object.keys(parts.pathParameters).length ? parts.pathParameters : null,
    stageVariables: Object.keys(req.stageVariables).length ? req.stageVariables : null,
    requestContext: requestContextOf(req, parts),
    body: hasBody ? req.body.toString(parts.binaryBody ? 'base64' : 'utf8') : null,
    isBase64Encoded: hasBody && parts.binaryBody,
  };
}

function requestContextOf(req: RestRequest, parts: RestEventParts): Record<string, unknown> {
  const host = String(req.headers.host ?? `127.0.0.1:${req.localPort}`);
  const context: Record<string, unknown> = {
    resourceId: parts.method.resourceId,
    resourcePath: parts.method.resourcePath,
    httpMethod: req.method,
    extendedRequestId: req.extendedRequestId,
    requestTime: clfTime(req.time),
    path: `/${req.stage}${req.path}`,
    accountId: req.accountId,
    protocol: 'HTTP/1.1',
    stage: req.stage,
    domainPrefix: host.split('.')[0].split(':')[0],
    requestTimeEpoch: req.time.getTime(),
    requestId: req.requestId,
    identity: {
      cognitoIdentityPoolId: null,
      accountId: null,
      cognitoIdentityId: null,
      caller: null,
      sourceIp: req.sourceIp,
      principalOrgId: null,
      accessKey: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: null,
      userAgent: req.headers['user-agent'] ?? null,
      user: null,
      ...parts.identity,
    },
    domainName: host,
    apiId: req.apiId,
  };
  if (parts.authorizer) context.authorizer = parts.authorizer;
  return context;
}

/**
 * The headers as API Gateway passes them: names with the case the client used, plus the
 * forwarding headers it adds at its edge.
 */
function headersOf(req: RestRequest): Array<[string, string[]]> {
  const headers = headerValues(req, true);
  const has = (name: string) => headers.find(([k]) => k.toLowerCase() === name.toLowerCase());
  const forwardedFor = has('X-Forwarded-For');
  if (forwardedFor) forwardedFor[1] = [`${forwardedFor[1].join(', ')}, ${req.sourceIp}`];
  else headers.push(['X-Forwarded-For', [req.sourceIp]]);
  if (!has('X-Forwarded-Port')) headers.push(['X-Forwarded-Port', [String(req.localPort)]]);
  if (!has('X-Forwarded-Proto')) headers.push(['X-Forwarded-Proto', ['http']]);
  if (!has('X-Amzn-Trace-Id')) headers.push(['X-Amzn-Trace-Id', [`Root=1-${Math.floor(req.time.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`]]);
  return headers;
}
