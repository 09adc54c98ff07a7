import type { Duration } from 'aws-cdk-lib';
import type { FunctionSource } from './function';
import type { QueueSource } from './queues';

/** A JWT authorizer: API Gateway checks the token's signature against the issuer's JWKS, its issuer, audience and expiry, and the route's scopes. */
export interface JwtAuthorization {
  /** Who issues the tokens and for whom. */
  readonly jwt: {
    /** The issuer URL (`iss`), e.g. `https://cognito-idp.eu-west-1.amazonaws.com/<pool id>`; API Gateway reads its JWKS through OpenID discovery. */
    readonly issuer: string;
    /** Accepted audiences: the token's `aud` (or `client_id` when it has no `aud`) must be one of them. */
    readonly audience: readonly string[];
    /**
     * Where the token is read from.
     * @default '$request.header.Authorization'
     */
    readonly identitySource?: string;
  };
  /**
   * Scopes a token must carry at least one of (from its `scope` or `scp` claim).
   * @default - none: any valid token
   */
  readonly scopes?: readonly string[];
}

/** A Lambda request authorizer with simple responses (`{ isAuthorized, context }`). */
export interface LambdaAuthorization {
  /** The authorizer function and how its answers are cached. */
  readonly lambda: {
    /** The authorizer: a declared function's name, an entry path, props, or a function. */
    readonly handler: FunctionSource;
    /**
     * Request parts that identify the caller: API Gateway answers 401 without invoking the
     * authorizer when one is missing, and caches answers per their values.
     * @default ['$request.header.Authorization']
     */
    readonly identitySource?: readonly string[];
    /**
     * How long an answer is cached per identity (0 turns caching off; at most 1 hour).
     * @default Duration.minutes(5)
     */
    readonly resultsCacheTtl?: Duration;
  };
}

/**
 * Who may call a route: `'none'` (public, stated explicitly), `'iam'` (SigV4-signed requests
 * from principals allowed `execute-api:Invoke`), a JWT authorizer, or a Lambda authorizer.
 *
 * @example
 * const users = { jwt: { issuer: 'https://auth.example.com', audience: ['shop-api'] } };
 * new EventApp(stack, 'Shop', { http: { auth: users } });
 * app.addRoute('POST /orders', 'PlaceOrder', { scopes: ['orders:write'] });
 * app.addRoute('GET /health', 'Health', { auth: 'none' });
 */
export type HttpAuthorization = 'none' | 'iam' | JwtAuthorization | LambdaAuthorization;

/** Options of one route. */
export interface RouteOptions {
  /**
   * Who may call the route; `'none'` makes it public even when the API has a default.
   * @default - the API's default (`http.auth`); public only when there is none
   */
  readonly auth?: HttpAuthorization;
  /**
   * Scopes a JWT must carry at least one of, replacing those of the JWT authorization in effect.
   * @default - the scopes of the JWT authorization in effect
   */
  readonly scopes?: readonly string[];
}

/**
 * A route in the `routes` map of `EventAppProps` with its options, to a function
 * (`{ function: 'PlaceOrder', scopes: ['orders:write'] }`) or to a queue (`{ queue: 'Orders' }`).
 */
export interface RouteDefinition extends RouteOptions {
  /**
   * The function: a declared function's name, an entry path, props, or a function.
   * @default - none: give `function` or `queue`
   */
  readonly function?: FunctionSource;
  /**
   * A queue the request body is sent to as a message (API Gateway's SQS-SendMessage
   * integration): a queue declared with `addQueue` (by name), or any queue.
   * @default - none: give `function` or `queue`
   */
  readonly queue?: QueueSource;
  /**
   * With `queue`, for a FIFO queue: the message group, fixed or a request value such as
   * `$request.header.x-message-group`.
   * @default - none
   */
  readonly messageGroupId?: string;
}
