/**
 * CORS as an HTTP API answers it from its `CorsConfiguration`: API Gateway answers preflight
 * requests itself and sets the CORS headers on every response, over the integration's own.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CorsModel } from '../../model';
import type { GatewayResponse } from './response';

/** True for a CORS preflight: OPTIONS with an Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

/** The answer to a preflight: 204, with CORS headers when the origin (and method) are allowed. */
export function preflightResponse(cors: CorsModel, headers: IncomingHttpHeaders): GatewayResponse {
  const out: Record<string, string> = {};
  const origin = allowedOrigin(cors, String(headers.origin));
  const method = String(headers['access-control-request-method']).toUpperCase();
  const methodAllowed = cors.allowMethods.includes('*') || cors.allowMethods.includes(method);
  if (origin && methodAllowed) {
    out['access-control-allow-origin'] = origin;
    out['access-control-allow-methods'] = cors.allowMethods.join(',');
    const requested = String(headers['access-control-request-headers'] ?? '');
    if (cors.allowHeaders.includes('*')) out['access-control-allow-headers'] = requested || '*';
    else if (cors.allowHeaders.length) out['access-control-allow-headers'] = cors.allowHeaders.join(',');
    if (cors.maxAge !== undefined) out['access-control-max-age'] = String(cors.maxAge);
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  }
  return { statusCode: 204, headers: out, body: Buffer.alloc(0) };
}

/** Adds the CORS response headers for an allowed origin. */
export function withCorsHeaders(cors: CorsModel, requestHeaders: IncomingHttpHeaders, response: GatewayResponse): GatewayResponse {
  const origin = requestHeaders.origin === undefined ? undefined : allowedOrigin(cors, String(requestHeaders.origin));
  if (!origin) return response;
  const headers: Record<string, string | string[]> = { ...response.headers, 'access-control-allow-origin': origin };
  if (cors.exposeHeaders.length) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  return { ...response, headers };
}

/** The value of Access-Control-Allow-Origin for a request origin, or undefined when not allowed. */
function allowedOrigin(cors: CorsModel, origin: string): string | undefined {
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
  const match = cors.allowOrigins.find((o) => o === origin || (o.includes('*') && new RegExp(`^${o.split('*').map(escapeRe).join('[^.]+')}$`).test(origin)));
  return match ? origin : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
