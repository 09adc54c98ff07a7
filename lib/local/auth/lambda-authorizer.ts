/**
 * Lambda (`REQUEST`) authorizers as HTTP APIs run them: every identity source must be present
 * and non-empty, else 401 without invoking the authorizer; answers are cached per authorizer
 * and identity-source values for the TTL (allow and deny alike); `isAuthorized: false` (or a
 * policy without an Allow for the route) is 403; an authorizer that fails or answers something
 * unusable is 500.
 */
import type { LambdaAuthModel } from '../../model';
import type { FunctionHost } from '../host/function-host';
import { type AuthDecision, type RequestParts, authorizerFailure, deny, identityValues } from './decision';
import { evaluatePolicy } from './policy';

interface Cached {
  readonly decision: AuthDecision;
  readonly expiresAt: number;
}

/** Runs Lambda authorizers with their result cache. */
export class LambdaAuthorizers {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly host: FunctionHost) {}

  /**
   * Authorizes one request.
   * @param event the authorizer's event without its authorizer fields (built by the gateway for the authorizer's payload version)
   * @param routeArn the route's `execute-api` ARN
   */
  async authorize(auth: LambdaAuthModel, request: RequestParts, event: Record<string, unknown>, routeArn: string): Promise<AuthDecision> {
    const values = identityValues(auth.identitySource, request);
    if (auth.identitySource.length && values.some((v) => v === undefined)) return deny(401, 'Unauthorized');
    // Without identity sources there is nothing to key a cache on, so API Gateway does not cache.
    const key = `${auth.authorizerLogicalId}\u0000${JSON.stringify(values)}`;
    const cacheable = auth.ttlSeconds > 0 && auth.identitySource.length > 0;
    const hit = cacheable ? this.cache.get(key) : undefined;
    if (hit && hit.expiresAt > Date.now()) return hit.decision;

    const decision = await this.invoke(auth, { ...event, ...authorizerFields(auth, values as string[], routeArn) }, routeArn);
    // A failing authorizer is not cached: the next request tries again.
    if (cacheable && (decision.allowed || decision.response.statusCode !== 500)) this.cache.set(key, { decision, expiresAt: Date.now() + auth.ttlSeconds * 1000 });
    return decision;
  }

  /** How many cached answers are held (for tests and `dev` output). */
  get cachedCount(): number {
    return this.cache.size;
  }

  private async invoke(auth: LambdaAuthModel, event: Record<string, unknown>, routeArn: string): Promise<AuthDecision> {
    const fn = auth.functionLogicalId ? this.host.find(auth.functionLogicalId) : undefined;
    if (!fn) return authorizerFailure(`the Lambda authorizer ${auth.authorizerLogicalId}'s function is not served locally`);
    const fail = (why: string) => authorizerFailure(`the Lambda authorizer ${fn.name} ${why}`);
    let result: unknown;
    try {
      const r = await this.host.invoke(fn.name, { payload: JSON.stringify(event), overflow: 'throttle' });
      if (r.error) return fail(`(request ${r.requestId}) failed: ${r.error.errorType}: ${r.error.errorMessage}`);
      result = JSON.parse(r.payload);
    } catch (err) {
      return fail(`could not be used: ${(err as Error).message}`);
    }
    if (result === null || typeof result !== 'object') return fail(`answered ${JSON.stringify(result)}, not an object`);
    const answer = result as Record<string, unknown>;
    if (auth.simpleResponses && auth.payloadFormatVersion === '2.0') {
      if (typeof answer.isAuthorized !== 'boolean') return fail('answered without a boolean isAuthorized (it has simple responses)');
      return answer.isAuthorized ? { allowed: true, context: { lambda: contextOf(answer.context) } } : deny(403, 'Forbidden');
    }
    const verdict = evaluatePolicy(answer.policyDocument, routeArn);
    if (verdict === undefined) return fail('answered without a valid policyDocument');
    if (verdict !== 'allow') return deny(403, 'Forbidden');
    const context = contextOf(answer.context);
    return { allowed: true, context: auth.payloadFormatVersion === '2.0' ? { lambda: context } : { ...context, principalId: answer.principalId } };
  }
}

function authorizerFields(auth: LambdaAuthModel, values: string[], routeArn: string): Record<string, unknown> {
  return auth.payloadFormatVersion === '2.0'
    ? { version: '2.0', type: 'REQUEST', routeArn, identitySource: values }
    : { version: '1.0', type: 'REQUEST', methodArn: routeArn, identitySource: values.join(',') };
}

function contextOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
