/**
 * REST (v1) API authorization as API Gateway applies it before the integration:
 *
 * - Lambda TOKEN authorizers get `{ type, authorizationToken, methodArn }`; a missing token, or
 *   one not matching `identityValidationExpression`, is 401 without calling them. REQUEST
 *   authorizers get the request's proxy event with `type` and `methodArn`; with caching on, a
 *   missing identity source is 401. The answer (`principalId`, `policyDocument`, `context`,
 *   `usageIdentifierKey`) is cached per identity-source values for the TTL, and the cached policy
 *   is evaluated against each request's method ARN (so a policy naming only the first method
 *   denies the others, as in AWS). An `Unauthorized` error is 401, an explicit or implicit deny
 *   403, anything else (a failing or malformed authorizer) 500 `{"message":null}`.
 * - Cognito user pool authorizers verify the token against the pool's issuer: an ID token, or an
 *   access token carrying one of the method's scopes when it has `AuthorizationScopes`.
 * - IAM: a SigV4 signature by credentials the local runtime knows; unsigned is 403
 *   `Missing Authentication Token`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from './jose';
import type { RestCognitoAuthModel, RestLambdaAuthModel } from '../../model';
import type { FunctionHost } from '../host/function-host';
import type { RestFailure } from '../http/rest-errors';
import type { RequestParts } from './decision';
import { verifySigV4 } from './iam';
import type { JwtVerifier } from './jwt';
import { evaluatePolicy } from './policy';

/** What a REST authorizer sees of a request. */
export interface RestAuthRequest {
  /** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`. */
  readonly methodArn: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** `$context` values an identity source may name (`identity.sourceIp`, ...). */
  readonly context: Readonly<Record<string, string>>;
  /** The request's proxy event, for REQUEST authorizers. */
  readonly event: () => Record<string, unknown>;
  /** The request as signed, for IAM (path with the stage). */
  readonly signed: RequestParts;
}

/** An authorizer's verdict for a REST request. */
export type RestAuthResult =
  | {
      readonly allowed: true;
      /** `requestContext.authorizer`. */
      readonly authorizer?: Readonly<Record<string, unknown>>;
      /** Fields of `requestContext.identity` (the IAM caller). */
      readonly identity?: Readonly<Record<string, unknown>>;
      /** The API key a Lambda authorizer names (for `apiKeySource: AUTHORIZER`). */
      readonly usageIdentifierKey?: string;
    }
  | { readonly allowed: false; readonly failure: RestFailure };

interface CachedAnswer {
  readonly answer: Record<string, unknown>;
  readonly expiresAt: number;
}

const UNAUTHORIZED: RestAuthResult = { allowed: false, failure: { type: 'UNAUTHORIZED', message: 'Unauthorized' } };
/** API Gateway's answer to an authorizer it could not use (500, no message); `reason` is for the request log. */
function configurationError(reason: string): RestAuthResult {
  return { allowed: false, failure: { type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null, reason } };
}

/** The REST APIs' authorizers, with the Lambda authorizers' cache. */
export class RestAuthorizers {
  private readonly cache = new Map<string, CachedAnswer>();

  constructor(
    private readonly host: FunctionHost,
    private readonly jwt: () => Promise<JwtVerifier>,
    private readonly iam: { readonly accountId: string; readonly credentials?: Readonly<Record<string, string>> },
  ) {}

  /** How many authorizer answers are cached. */
  get cachedCount(): number {
    return this.cache.size;
  }

  /** Runs a Lambda TOKEN or REQUEST authorizer (or answers from its cache). */
  async lambda(auth: RestLambdaAuthModel, req: RestAuthRequest): Promise<RestAuthResult> {
    const values = auth.identitySource.map((s) => identityValue(s, req));
    if (auth.type === 'TOKEN') {
      const token = values[0];
      if (!token) return UNAUTHORIZED;
      if (auth.identityValidationExpression !== undefined && !new RegExp(`^(?:${auth.identityValidationExpression})$`).test(token)) return UNAUTHORIZED;
    } else if (auth.ttlSeconds > 0 && values.some((v) => !v)) {
      return UNAUTHORIZED;
    }
    const cacheable = auth.ttlSeconds > 0 && values.length > 0;
    const key = `${auth.authorizerLogicalId}\u0000${JSON.stringify(values)}`;
    const hit = cacheable ? this.cache.get(key) : undefined;
    const started = performance.now();
    let answer = hit && hit.expiresAt > Date.now() ? hit.answer : undefined;
    if (!answer) {
      const event = auth.type === 'TOKEN' ? { type: 'TOKEN', authorizationToken: values[0], methodArn: req.methodArn } : { type: 'REQUEST', methodArn: req.methodArn, ...req.event() };
      const invoked = await this.invoke(auth, event);
      if ('refused' in invoked) return invoked.refused;
      answer = invoked.answer;
      if (cacheable) this.cache.set(key, { answer, expiresAt: Date.now() + auth.ttlSeconds * 1000 });
    }
    return verdictOf(answer, req.methodArn, Math.round(performance.now() - started));
  }

  /** Verifies a Cognito user pool token. */
  async cognito(auth: RestCognitoAuthModel, req: RestAuthRequest): Promise<RestAuthResult> {
    const raw = identityValue(auth.identitySource[0], req);
    if (!raw) return UNAUTHORIZED;
    const token = raw.replace(/^Bearer\s+/i, '').trim();
    const verifier = await this.jwt();
    for (const issuer of auth.issuers) {
      const verified = await verifier.verify(token, issuer);
      if ('failure' in verified || verified.payload.iss !== issuer) continue;
      const claims = verified.payload;
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      const ok = auth.scopes.length ? claims.token_use === 'access' && auth.scopes.some((s) => scopes.includes(s)) : claims.token_use === 'id';
      if (!ok) return UNAUTHORIZED;
      return { allowed: true, authorizer: { claims: restClaims(claims) } };
    }
    return UNAUTHORIZED;
  }

  /** Checks a SigV4 signature. */
  async sigv4(req: RestAuthRequest): Promise<RestAuthResult> {
    if (req.headers.authorization === undefined) return { allowed: false, failure: { type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' } };
    const decision = await verifySigV4(req.signed, this.iam);
    if (!decision.allowed) {
      const message = (JSON.parse(decision.response.body.toString()) as { message: string }).message;
      return { allowed: false, failure: { type: 'INVALID_SIGNATURE', message } };
    }
    const iam = decision.context.iam as Record<string, unknown>;
    return { allowed: true, identity: { accessKey: iam.accessKey, accountId: iam.accountId, caller: iam.callerId, user: iam.userId, userArn: iam.userArn } };
  }

  private async invoke(auth: RestLambdaAuthModel, event: Record<string, unknown>): Promise<{ answer: Record<string, unknown> } | { refused: RestAuthResult }> {
    const fn = auth.functionLogicalId ? this.host.find(auth.functionLogicalId) : undefined;
    if (!fn) return { refused: configurationError(`the Lambda authorizer ${auth.authorizerLogicalId}'s function is not served locally`) };
    try {
      const r = await this.host.invoke(fn.name, { payload: JSON.stringify(event), overflow: 'throttle' });
      if (r.error) return { refused: r.error.errorMessage === 'Unauthorized' ? UNAUTHORIZED : configurationError(`the Lambda authorizer ${fn.name} (request ${r.requestId}) failed: ${r.error.errorType}: ${r.error.errorMessage}`) };
      const answer = JSON.parse(r.payload) as unknown;
      return isValidAnswer(answer) ? { answer } : { refused: configurationError(`the Lambda authorizer ${fn.name} answered without a principalId and a policyDocument: ${r.payload.slice(0, 200)}`) };
    } catch (err) {
      return { refused: configurationError(`the Lambda authorizer ${fn.name} could not be used: ${(err as Error).message}`) };
    }
  }
}

function verdictOf(answer: Record<string, unknown>, methodArn: string, latencyMs: number): RestAuthResult {
  const verdict = evaluatePolicy(answer.policyDocument, methodArn);
  if (verdict === undefined) return configurationError('the Lambda authorizer answered a policyDocument that is not valid');
  if (verdict === 'explicit-deny') return { allowed: false, failure: { type: 'ACCESS_DENIED', message: 'User is not authorized to access this resource with an explicit deny' } };
  if (verdict === 'implicit-deny') return { allowed: false, failure: { type: 'ACCESS_DENIED', message: 'User is not authorized to access this resource' } };
  const context = (answer.context ?? {}) as Record<string, unknown>;
  return {
    allowed: true,
    authorizer: { ...context, principalId: String(answer.principalId), integrationLatency: latencyMs },
    usageIdentifierKey: typeof answer.usageIdentifierKey === 'string' ? answer.usageIdentifierKey : undefined,
  };
}

/** An authorizer answer API Gateway accepts: a `principalId`, a policy, and a flat `context` of scalars. */
function isValidAnswer(answer: unknown): answer is Record<string, unknown> {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return false;
  const a = answer as Record<string, unknown>;
  if (a.principalId === undefined || a.principalId === null || evaluatePolicy(a.policyDocument, '') === undefined) return false;
  if (a.context === undefined || a.context === null) return true;
  if (typeof a.context !== 'object' || Array.isArray(a.context)) return false;
  return Object.values(a.context).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}

/** The value of a REST identity source: `method.request.header.X`, `method.request.querystring.x`, `stageVariables.x`, `context.x`. */
function identityValue(source: string | undefined, req: RestAuthRequest): string | undefined {
  if (!source) return undefined;
  let value: string | string[] | undefined | null;
  if (source.startsWith('method.request.header.')) value = req.headers[source.slice('method.request.header.'.length).toLowerCase()];
  else if (source.startsWith('method.request.querystring.')) value = req.query.get(source.slice('method.request.querystring.'.length));
  else if (source.startsWith('stageVariables.')) value = req.stageVariables[source.slice('stageVariables.'.length)];
  else if (source.startsWith('context.')) value = req.context[source.slice('context.'.length)];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text ? text : undefined;
}

/** Claims as a REST Cognito authorizer passes them: every value a string, times as Java's `Date.toString()`. */
function restClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (['exp', 'iat', 'auth_time', 'nbf'].includes(k) && typeof v === 'number') out[k] = javaDate(new Date(v * 1000));
    else out[k] = typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : JSON.stringify(v);
  }
  return out;
}

/** `Fri Jun 04 13:20:11 UTC 2021`. */
function javaDate(d: Date): string {
  const [dow, day, mon, year, time] = d.toUTCString().replace(',', '').split(' ');
  return `${dow} ${mon} ${day} ${time} UTC ${year}`;
}
