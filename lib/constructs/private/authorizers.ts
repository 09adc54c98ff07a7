import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { HttpAuthorization, JwtAuthorization, LambdaAuthorization, RouteDefinition, RouteOptions } from '../auth';
import type { FunctionSource } from '../function';

/** What a route ends up with. */
export interface ResolvedRouteAuth {
  /** `open` when no authorization applies at all (no default, no route setting). */
  readonly kind: 'open' | 'none' | 'iam' | 'jwt' | 'lambda';
  /** The authorizer to attach, if any. */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /** The route's JWT scopes, if any. */
  readonly scopes?: string[];
}

/** Turns a function source into a function (the app's own resolution of names and entries). */
export type ResolveFunction = (source: FunctionSource, name: string) => lambda.IFunction;

const DEFAULT_IDENTITY = '$request.header.Authorization';
const DEFAULT_CACHE_TTL = Duration.minutes(5);
const MAX_CACHE_TTL = Duration.hours(1);
const IDENTITY_SOURCE = /^\$(request\.header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|request\.querystring\.[^\s]+|context\.[A-Za-z0-9.]+|stageVariables\.[A-Za-z0-9_]+)$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** True for the map form of a route: `{ function, auth?, scopes? }` or `{ queue, messageGroupId?, auth?, scopes? }`. */
export function isRouteDefinition(value: unknown): value is RouteDefinition {
  return typeof value === 'object' && value !== null && ('function' in value || 'queue' in value) && !('functionArn' in value) && !('entry' in value);
}

const ROUTE_DEFINITION_KEYS = new Set(['function', 'queue', 'messageGroupId', 'auth', 'scopes']);

/**
 * Throws when a route in the `routes` map carries more than `function` or `queue` (with
 * `messageGroupId`), `auth` and `scopes`: options of the function itself (`publishes`,
 * `secrets`, ...) would otherwise be dropped without a word, since the map form cannot tell them
 * from a typo. Answers which target the route has (exactly one of them).
 */
export function checkRouteDefinition(scope: IConstruct, key: string, route: RouteDefinition): 'function' | 'queue' {
  const extra = Object.keys(route).filter((name) => !ROUTE_DEFINITION_KEYS.has(name) && (route as unknown as Record<string, unknown>)[name] !== undefined);
  if (extra.length > 0) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: `Route "${key}" takes function or queue (with messageGroupId), auth and scopes; the rest would be ignored`,
      scope,
      value: extra,
      fix: `declare the function with its options first (functions: { Name: { function: ..., ${extra.join(', ')} } } or { entry: ..., ${extra.join(', ')} }) and give its name as the route's function`,
    });
  }
  if ((route.function === undefined) === (route.queue === undefined)) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: `Route "${key}" needs exactly one of function and queue`,
      scope,
      value: Object.keys(route),
      fix: 'give "function" (a function to invoke) or "queue" (a queue to send the body to)',
    });
  }
  return route.queue === undefined ? 'function' : 'queue';
}

/**
 * The authorizers of one HTTP API: one per distinct JWT issuer and audience or Lambda
 * authorizer function, shared by the routes that use it, and explicit per-route resolution of
 * the default, so a route is public only when it says `auth: 'none'` or no default exists.
 */
export class RouteAuthorizers {
  private readonly cache = new Map<string, apigwv2.IHttpRouteAuthorizer>();
  // The same handler (an entry path or props object) makes one authorizer function, not one per route.
  private readonly handlers = new Map<FunctionSource, lambda.IFunction>();

  constructor(
    private readonly scope: Construct,
    private readonly defaultAuth: HttpAuthorization | undefined,
    private readonly resolve: ResolveFunction | undefined,
  ) {
    if (defaultAuth !== undefined) this.check(scope, 'http.auth', defaultAuth);
  }

  /** The authorizer and scopes of the route `key`. */
  forRoute(key: string, options: RouteOptions = {}): ResolvedRouteAuth {
    if (options.auth !== undefined) this.check(this.scope, `auth of route "${key}"`, options.auth);
    const auth = options.auth ?? this.defaultAuth;
    if (options.scopes !== undefined) checkScopes(this.scope, `scopes of route "${key}"`, options.scopes);
    if (options.scopes?.length && !isJwt(auth)) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_AUTH,
        problem: `Route "${key}" requires scopes, but its authorization is ${describeKind(auth)}; only JWT authorizers check scopes`,
        scope: this.scope,
        value: options.scopes,
        fix: 'give the route (or http.auth) a JWT authorization, or drop "scopes" and check permissions in the authorizer or handler',
      });
    }
    if (auth === undefined) return { kind: 'open' };
    if (auth === 'none') return { kind: 'none', authorizer: new apigwv2.HttpNoneAuthorizer() };
    if (auth === 'iam') return { kind: 'iam', authorizer: this.shared('iam', () => new HttpIamAuthorizer()) };
    if (isJwt(auth)) {
      const { issuer, audience, identitySource = DEFAULT_IDENTITY } = auth.jwt;
      const id = `jwt ${issuer} ${[...audience].sort().join(',')} ${identitySource}`;
      const authorizer = this.shared(id, () => new HttpJwtAuthorizer(`JwtAuthorizer${this.cache.size + 1}`, issuer, { jwtAudience: [...audience], identitySource: [identitySource] }));
      const scopes = [...(options.scopes ?? auth.scopes ?? [])];
      return { kind: 'jwt', authorizer, scopes: scopes.length ? scopes : undefined };
    }
    return { kind: 'lambda', authorizer: this.lambdaAuthorizer(auth) };
  }

  private lambdaAuthorizer(auth: LambdaAuthorization): apigwv2.IHttpRouteAuthorizer {
    const { handler, identitySource = [DEFAULT_IDENTITY], resultsCacheTtl = DEFAULT_CACHE_TTL } = auth.lambda;
    if (!this.resolve) {
      throw new SwitchyardError({ code: ErrorCode.INVALID_AUTH, problem: 'Lambda authorizers need a function resolver', scope: this.scope, value: 'lambda', fix: 'declare the API through EventApp' });
    }
    let fn = this.handlers.get(handler);
    if (!fn) {
      fn = this.resolve(handler, this.handlers.size ? `Authorizer${this.handlers.size + 1}` : 'Authorizer');
      this.handlers.set(handler, fn);
    }
    const id = `lambda ${fn.node.path} ${identitySource.join(',')} ${resultsCacheTtl.toSeconds()}`;
    return this.shared(id, () =>
      new HttpLambdaAuthorizer(`LambdaAuthorizer${this.cache.size + 1}`, fn, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: [...identitySource],
        resultsCacheTtl,
      }),
    );
  }

  private shared(id: string, create: () => apigwv2.IHttpRouteAuthorizer): apigwv2.IHttpRouteAuthorizer {
    let authorizer = this.cache.get(id);
    if (!authorizer) {
      authorizer = create();
      this.cache.set(id, authorizer);
    }
    return authorizer;
  }

  private check(scope: IConstruct, where: string, auth: HttpAuthorization): void {
    const fail = (problem: string, value: unknown, fix: string): never => {
      throw new SwitchyardError({ code: ErrorCode.INVALID_AUTH, problem: `${where}: ${problem}`, scope, value, fix });
    };
    if (auth === 'none' || auth === 'iam') return;
    if (typeof auth !== 'object' || auth === null) return fail('unknown authorization', auth, "use 'none', 'iam', { jwt: {...} } or { lambda: {...} }");
    if (isJwt(auth)) {
      const { issuer, audience, identitySource } = auth.jwt;
      if (!isHttpsUrl(issuer)) fail('the JWT issuer is not an https URL', issuer, 'set jwt.issuer to the issuer URL your tokens carry in "iss", e.g. "https://auth.example.com/"');
      if (!Array.isArray(audience) || audience.length === 0 || audience.some((a) => typeof a !== 'string' || a === '')) {
        fail('a JWT authorizer needs at least one audience', audience, 'set jwt.audience to the client ids or API identifiers your tokens carry in "aud"');
      }
      if (identitySource !== undefined) checkIdentitySource(fail, identitySource);
      if (auth.scopes !== undefined) checkScopes(scope, `${where} scopes`, auth.scopes);
      return;
    }
    if ('lambda' in auth) {
      const { identitySource, resultsCacheTtl } = auth.lambda;
      if (identitySource !== undefined) {
        if (identitySource.length === 0) fail('a Lambda authorizer needs at least one identity source', identitySource, "list the request parts that identify callers, e.g. ['$request.header.Authorization']");
        identitySource.forEach((s) => checkIdentitySource(fail, s));
      }
      if (resultsCacheTtl !== undefined && !resultsCacheTtl.isUnresolved() && resultsCacheTtl.toSeconds() > MAX_CACHE_TTL.toSeconds()) {
        fail('the authorizer cache TTL is over 1 hour', resultsCacheTtl.toHumanString(), 'set resultsCacheTtl to at most Duration.hours(1), or Duration.seconds(0) to turn caching off');
      }
      return;
    }
    fail('unknown authorization', auth, "use 'none', 'iam', { jwt: {...} } or { lambda: {...} }");
  }
}

/**
 * Acknowledges cdk-nag's API Gateway authorization finding on a route declared public with
 * `auth: 'none'`: the opt-out is explicit, so the finding carries that decision as its reason.
 */
export function acknowledgePublicRoute(route: IConstruct, key: string): void {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: `Route "${key}" is declared public on purpose with auth: 'none'; every other route takes the API's authorization.`,
  });
}

function isJwt(auth: HttpAuthorization | undefined): auth is JwtAuthorization {
  return typeof auth === 'object' && auth !== null && 'jwt' in auth;
}

function describeKind(auth: HttpAuthorization | undefined): string {
  if (auth === undefined) return 'none (no default)';
  if (typeof auth === 'string') return `'${auth}'`;
  return 'lambda' in auth ? 'a Lambda authorizer' : 'JWT';
}

function checkIdentitySource(fail: (problem: string, value: unknown, fix: string) => never, source: string): void {
  if (!IDENTITY_SOURCE.test(source)) {
    fail('invalid identity source', source, 'use $request.header.<name>, $request.querystring.<name>, $context.<variable> or $stageVariables.<name>');
  }
}

function checkScopes(scope: IConstruct, where: string, scopes: readonly string[]): void {
  const bad = scopes.find((s) => typeof s !== 'string' || !SCOPE.test(s));
  if (bad !== undefined) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_AUTH,
      problem: `${where}: a scope is empty or has spaces or quotes (OAuth scope tokens cannot)`,
      scope,
      value: bad,
      fix: 'list each scope as its own string, e.g. ["orders:write", "orders:admin"]',
    });
  }
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}
