import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';

/** HTTP APIs cache a preflight answer for at most a day. */
export const MAX_CORS_MAX_AGE = Duration.days(1);

// scheme://host[:port], no path, query or trailing slash: what browsers send in `Origin`.
// A `*.` before the host allows its subdomains, which HTTP APIs support.
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/i;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Checks an HTTP API's CORS settings before deploy, where API Gateway or browsers would
 * reject them later: a wildcard origin with credentials (browsers refuse it, and it would
 * allow any site to send a user's cookies), an origin that is not `scheme://host[:port]`
 * (browsers send exactly that, so anything else never matches), bad header names, a max age
 * over a day.
 */
export function checkCors(scope: IConstruct, cors: apigwv2.CorsPreflightOptions): void {
  const fail = (problem: string, value: unknown, fix: string): never => {
    throw new SwitchyardError({ code: ErrorCode.INVALID_CORS, problem, scope, value, fix });
  };
  const origins = cors.allowOrigins ?? [];
  if (cors.allowCredentials && origins.includes('*')) {
    fail(
      'CORS allows credentials from any origin ("*"); browsers reject that, and it would let any site send your users\' cookies',
      origins,
      'list the exact origins allowed to send credentials in cors.allowOrigins (e.g. "https://app.example.com"), or set allowCredentials: false',
    );
  }
  for (const origin of origins) {
    if (origin === '*') continue;
    if (!ORIGIN.test(origin)) {
      fail(
        'CORS origin is not a URL origin (scheme://host[:port], no path or trailing slash)',
        origin,
        'write origins as browsers send them, e.g. "https://app.example.com" or "http://localhost:5173"',
      );
    }
  }
  for (const header of [...(cors.allowHeaders ?? []), ...(cors.exposeHeaders ?? [])]) {
    if (header !== '*' && !HEADER.test(header)) fail('CORS header is not a valid header name', header, 'use header names such as "content-type" or "authorization"');
  }
  if (cors.maxAge && !cors.maxAge.isUnresolved() && cors.maxAge.toSeconds() > MAX_CORS_MAX_AGE.toSeconds()) {
    fail('CORS max age is over the one day HTTP APIs allow', cors.maxAge.toHumanString(), 'set cors.maxAge to at most Duration.days(1)');
  }
  if (cors.allowMethods?.length === 0) fail('CORS allows no method', [], 'list the methods, or leave allowMethods out');
}
