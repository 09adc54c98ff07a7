/**
 * Lambda result -> HTTP response, as API Gateway HTTP APIs interpret it for each payload format.
 */

/** An HTTP response ready to write. */
export interface GatewayResponse {
  readonly statusCode: number;
  /** Header name -> value(s); `set-cookie` may hold several. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** API Gateway's answer when the integration failed or returned something it cannot use. */
export function errorResponse(statusCode: 500 | 502 | 503 | 504 | 404 | 429, message?: string): GatewayResponse {
  const text = message ?? DEFAULT_MESSAGES[statusCode];
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ message: text })) };
}

const DEFAULT_MESSAGES: Record<number, string> = {
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Service Unavailable',
};

/**
 * Maps a successful invocation's JSON payload to a response.
 * Format 2.0 infers a 200 JSON response when the result has no `statusCode`; format 1.0
 * requires the proxy response shape. A result API Gateway cannot use (not JSON, a bad status
 * code, a body that is not a string) is answered with 502, as the Lambda developer guide
 * documents ("Handling Lambda errors with an API Gateway API"); `malformed` gives that answer
 * in another service's words (a function URL's).
 */
export function responseFromLambda(payload: string, version: '1.0' | '2.0', malformed: () => GatewayResponse = () => errorResponse(502)): GatewayResponse {
  let result: unknown;
  try {
    result = JSON.parse(payload);
  } catch {
    return malformed();
  }
  const structured = result !== null && typeof result === 'object' && !Array.isArray(result) && 'statusCode' in result;
  if (!structured) {
    if (version === '1.0') return malformed();
    const body = typeof result === 'string' ? result : payload;
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const r = result as Record<string, unknown>;
  const statusCode = typeof r.statusCode === 'number' ? r.statusCode : typeof r.statusCode === 'string' && /^\d{3}$/.test(r.statusCode) ? Number(r.statusCode) : NaN;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return malformed();
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return malformed();
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(asRecord(r.headers))) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(asRecord(r.multiValueHeaders))) {
    if (Array.isArray(v)) headers[k.toLowerCase()] = k.toLowerCase() === 'set-cookie' ? v.map(String) : v.map(String).join(',');
  }
  if (version === '2.0' && Array.isArray(r.cookies)) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...r.cookies.map(String)];
  }
  const bodyText = typeof r.body === 'string' ? r.body : '';
  const body = r.isBase64Encoded === true ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText);
  if (version === '2.0' && headers['content-type'] === undefined && bodyText) headers['content-type'] = 'application/json';
  return { statusCode, headers, body };
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
