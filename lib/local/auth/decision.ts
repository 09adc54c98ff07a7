/**
 * What every local authorizer answers, and the request parts identity sources select from.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayResponse } from '../http/response';

/** The request as authorizers see it. */
export interface RequestParts {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `$context.*` values an identity source may name (e.g. `identity.sourceIp`). */
  readonly context?: Readonly<Record<string, string>>;
}

/** An authorizer's verdict: allowed with what the integration sees in `requestContext.authorizer`, or the response to send. */
export type AuthDecision =
  | { readonly allowed: true; readonly context: Readonly<Record<string, unknown>> }
  /** `reason`: why, for the request log, when the answer does not say (an authorizer that failed). */
  | { readonly allowed: false; readonly response: GatewayResponse; readonly reason?: string };

/** A denial with API Gateway's JSON body (`{"message":"Unauthorized"}`) and extra headers. */
export function deny(statusCode: number, message: string, headers: Readonly<Record<string, string>> = {}): AuthDecision {
  return {
    allowed: false,
    response: { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify({ message })) },
  };
}

/** API Gateway's 500 for an authorizer it could not use, with the reason the request log gives. */
export function authorizerFailure(reason: string): AuthDecision {
  return { ...deny(500, 'Internal Server Error'), reason } as AuthDecision;
}

/**
 * The value of each identity source (`$request.header.X`, `$request.querystring.X`,
 * `$context.X`), undefined when absent or empty; headers are matched case-insensitively.
 */
export function identityValues(sources: readonly string[], request: RequestParts): (string | undefined)[] {
  const query = new URLSearchParams(request.rawQueryString);
  return sources.map((source) => {
    let value: string | string[] | undefined;
    if (source.startsWith('$request.header.')) value = request.headers[source.slice('$request.header.'.length).toLowerCase()];
    else if (source.startsWith('$request.querystring.')) value = query.getAll(source.slice('$request.querystring.'.length)).join(',') || undefined;
    else if (source.startsWith('$context.')) value = request.context?.[source.slice('$context.'.length)];
    const text = Array.isArray(value) ? value.join(',') : value;
    return text === undefined || text === '' ? undefined : text;
  });
}
