/**
 * Who may call a REST API method: its authorizer (`AWS::ApiGateway::Authorizer`: Lambda TOKEN or
 * REQUEST, Cognito user pools) or IAM, and the API keys and usage plans (`ApiKey`, `UsagePlan`,
 * `UsagePlanKey`) that gate `apiKeyRequired` methods.
 */
import { numberProp, referencedLogicalId, resourcesOfType, type StackContext } from './context';
import type { ApiKeyModel, RestAuthModel, ThrottleModel, UsagePlanModel } from './types';

/** API Gateway's default authorizer cache TTL, in seconds. */
const DEFAULT_AUTHORIZER_TTL = 300;

/**
 * The method's authorization. A Lambda authorizer whose function is not local cannot run, so the
 * method is served refusing every request (500, as API Gateway answers an authorizer it cannot
 * call) rather than open: never fail open.
 */
export function restAuthOf(
  ctx: StackContext,
  methodProps: Record<string, unknown>,
  functionOf: (arn: string) => string | undefined,
  skipped: string[],
  where: string,
): RestAuthModel | undefined {
  const type = methodProps.AuthorizationType === undefined ? 'NONE' : ctx.resolver.resolveString(methodProps.AuthorizationType);
  if (type === 'NONE') return undefined;
  if (type === 'AWS_IAM') return { type: 'AWS_IAM' };
  const authorizerLogicalId = referencedLogicalId(methodProps.AuthorizerId) ?? '';
  const ap = ctx.stack.template.Resources?.[authorizerLogicalId]?.Properties ?? {};
  const authorizerType = ap.Type === undefined ? type : ctx.resolver.resolveString(ap.Type);
  const identitySource = ap.IdentitySource === undefined ? [] : ctx.resolver.resolveString(ap.IdentitySource).split(',').map((s) => s.trim()).filter(Boolean);
  if (authorizerType === 'COGNITO_USER_POOLS') {
    const arns = (ctx.resolver.resolve(ap.ProviderARNs ?? []) as unknown[]).map(String);
    const poolIds = new Set(arns.map((arn) => arn.split('/').pop()));
    const clientIds = resourcesOfType(ctx, 'AWS::Cognito::UserPoolClient')
      .filter(([, c]) => poolIds.has(ctx.resolver.resolveString(c.Properties?.UserPoolId)))
      .map(([id]) => ctx.attributes.ref(id));
    return {
      type: 'COGNITO_USER_POOLS',
      authorizerLogicalId,
      issuers: arns.map((arn) => issuerOfPool(arn)),
      clientIds,
      identitySource: identitySource.length ? identitySource : ['method.request.header.Authorization'],
      scopes: methodProps.AuthorizationScopes === undefined ? [] : (ctx.resolver.resolve(methodProps.AuthorizationScopes) as unknown[]).map(String),
    };
  }
  const uri = ap.AuthorizerUri === undefined ? '' : ctx.resolver.resolveString(ap.AuthorizerUri);
  const functionLogicalId = functionOf(/\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? '') ?? '';
  if (!functionLogicalId) skipped.push(`${where}: Lambda authorizer ${uri || authorizerLogicalId} is not a local function; the method refuses every request`);
  return {
    type: authorizerType === 'REQUEST' ? 'REQUEST' : 'TOKEN',
    authorizerLogicalId,
    functionLogicalId,
    identitySource: identitySource.length || authorizerType === 'REQUEST' ? identitySource : ['method.request.header.Authorization'],
    identityValidationExpression: ap.IdentityValidationExpression === undefined ? undefined : ctx.resolver.resolveString(ap.IdentityValidationExpression),
    ttlSeconds: numberProp(ctx, ap.AuthorizerResultTtlInSeconds, DEFAULT_AUTHORIZER_TTL),
  };
}

/** `arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>` -> the pool's token issuer URL. */
export function issuerOfPool(poolArn: string): string {
  const m = /^arn:[^:]+:cognito-idp:([^:]+):[^:]*:userpool\/(.+)$/.exec(poolArn);
  return m ? `https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}` : poolArn;
}

/** The usage plans that cover a stage of the API, each with the API keys attached to it. */
export function usagePlansOf(ctx: StackContext, apiLogicalId: string): UsagePlanModel[] {
  const keys = resourcesOfType(ctx, 'AWS::ApiGateway::UsagePlanKey');
  const plans: UsagePlanModel[] = [];
  for (const [planId, plan] of resourcesOfType(ctx, 'AWS::ApiGateway::UsagePlan')) {
    const p = plan.Properties ?? {};
    const apiStages = ((p.ApiStages ?? []) as Array<Record<string, unknown>>).filter((s) => referencedLogicalId(s.ApiId) === apiLogicalId);
    if (!apiStages.length) continue;
    const apiKeys = keys
      .filter(([, k]) => referencedLogicalId(k.Properties?.UsagePlanId) === planId)
      .map(([, k]) => referencedLogicalId(k.Properties?.KeyId))
      .filter((id): id is string => id !== undefined && ctx.stack.template.Resources?.[id]?.Type === 'AWS::ApiGateway::ApiKey')
      .map((id) => apiKeyOf(ctx, id));
    const quota = p.Quota === undefined ? undefined : (ctx.resolver.resolve(p.Quota) as Record<string, unknown>);
    plans.push({
      stack: ctx.stack.id,
      logicalId: planId,
      name: p.UsagePlanName === undefined ? planId : ctx.resolver.resolveString(p.UsagePlanName),
      stages: apiStages.map((s) => ({
        stage: ctx.resolver.resolveString(s.Stage),
        methodThrottles: Object.fromEntries(Object.entries((ctx.resolver.resolve(s.Throttle ?? {}) ?? {}) as Record<string, unknown>).map(([k, t]) => [k, throttleOf(t)!])),
      })),
      throttle: throttleOf(p.Throttle === undefined ? undefined : ctx.resolver.resolve(p.Throttle)),
      quota: quota && {
        limit: Number(quota.Limit ?? 0),
        period: quota.Period === 'WEEK' || quota.Period === 'MONTH' ? quota.Period : 'DAY',
        offset: Number(quota.Offset ?? 0),
      },
      apiKeys,
    });
  }
  return plans;
}

function apiKeyOf(ctx: StackContext, logicalId: string): ApiKeyModel {
  const p = ctx.stack.template.Resources?.[logicalId]?.Properties ?? {};
  return {
    stack: ctx.stack.id,
    logicalId,
    id: ctx.attributes.ref(logicalId),
    name: p.Name === undefined ? logicalId : ctx.resolver.resolveString(p.Name),
    value: p.Value === undefined ? undefined : ctx.resolver.resolveString(p.Value),
    // CloudFormation's default is a disabled key; CDK sets `Enabled: true`.
    enabled: p.Enabled === true || p.Enabled === 'true',
  };
}

function throttleOf(value: unknown): ThrottleModel | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const t = value as Record<string, unknown>;
  // An unset limit is unlimited in a usage plan.
  return { rateLimit: t.RateLimit === undefined ? Infinity : Number(t.RateLimit), burstLimit: t.BurstLimit === undefined ? Infinity : Number(t.BurstLimit) };
}
