/**
 * A Lambda proxy result -> HTTP response, as a REST (v1) API reads it: `statusCode`, `headers`,
 * `multiValueHeaders` (merged; a header in both keeps the `multiValueHeaders` values), `body` (a
 * string) and `isBase64Encoded`. Anything else is a malformed proxy response (502). A base64
 * body is decoded only when the client's first `Accept` type is one of the API's binary media
 * types; otherwise the client gets the base64 text, as API Gateway sends it.
 */
import type { GatewayResponse } from './response';

/** The only fields a REST proxy response may have. */
const PROXY_FIELDS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Parses a proxy result; undefined when it is malformed (API Gateway answers 502
 * `{"message": "Internal server error"}`).
 */
export function restProxyResponse(payload: string, binaryMediaTypes: readonly string[], accept: string | undefined): GatewayResponse | undefined {
  let result: unknown;
  try {
    result = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const r = result as Record<string, unknown>;
  if (Object.keys(r).some((k) => !PROXY_FIELDS.has(k))) return undefined;
  const statusCode = typeof r.statusCode === 'number' ? r.statusCode : typeof r.statusCode === 'string' && /^\d{3}$/.test(r.statusCode) ? Number(r.statusCode) : NaN;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return undefined;
  if (r.isBase64Encoded !== undefined && typeof r.isBase64Encoded !== 'boolean') return undefined;
  const headers = mergedHeaders(r.headers, r.multiValueHeaders);
  if (!headers) return undefined;
  const text = typeof r.body === 'string' ? r.body : '';
  const decode = r.isBase64Encoded === true && isBinary(binaryMediaTypes, firstMediaType(accept));
  return { statusCode, headers, body: decode ? Buffer.from(text, 'base64') : Buffer.from(text) };
}

/** `headers` and `multiValueHeaders` merged; undefined when either is not a map of scalars (or lists of them). */
function mergedHeaders(single: unknown, multi: unknown): Record<string, string | string[]> | undefined {
  if (!isMapOrAbsent(single) || !isMapOrAbsent(multi)) return undefined;
  const out = new Map<string, [string, string[]]>();
  for (const [k, v] of Object.entries((single ?? {}) as Record<string, unknown>)) {
    if (!isScalar(v)) return undefined;
    out.set(k.toLowerCase(), [k, [String(v)]]);
  }
  for (const [k, v] of Object.entries((multi ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(v) || !v.every(isScalar)) return undefined;
    out.set(k.toLowerCase(), [k, v.map(String)]);
  }
  return Object.fromEntries([...out.values()].map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
}

function isMapOrAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The first media type of an `Accept` or `Content-Type` value, lower-cased, without parameters. */
export function firstMediaType(value: string | undefined): string {
  return (value ?? '').split(',')[0].split(';')[0].trim().toLowerCase();
}

/** True when `mediaType` is one of the binary media types (which may use `*` wildcards, like `image/*`). */
export function isBinary(binaryMediaTypes: readonly string[], mediaType: string): boolean {
  if (!mediaType) return false;
  return binaryMediaTypes.some((pattern) => {
    const p = pattern.toLowerCase();
    if (!p.includes('*')) return p === mediaType;
    return new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^]*')}$`).test(mediaType);
  });
}
