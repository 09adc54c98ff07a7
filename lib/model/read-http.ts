/**
 * `AWS::ApiGatewayV2::Api` (HTTP), `Route`, `Integration`, `Stage` -> {@link HttpApiModel}.
 */
import { numberProp, referencedLogicalId, resourcesOfType, type StackContext } from './context';
import type { CorsModel, HttpApiModel, RouteAuthModel, RouteModel } from './types';

/** HTTP APIs' integration timeout default (and maximum), in milliseconds. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * Reads the HTTP APIs of one stack. `functionOf` maps a function ARN to its logical id so that integrations resolve to functions; integrations that are not Lambda proxies are skipped.
 */
export function readHttpApis(ctx: StackContext, functionOf: (arn: string) => string | undefined, skipped: string[]): HttpApiModel[] {
  const apis: HttpApiModel[] = [];
  const integrations = new Map(resourcesOfType(ctx, 'AWS::ApiGatewayV2::Integration'));
  const routes = resourcesOfType(ctx, 'AWS::ApiGatewayV2::Route');
  const stages = resourcesOfType(ctx, 'AWS::ApiGatewayV2::Stage');
  const authorizers = new Map(resourcesOfType(ctx, 'AWS::ApiGatewayV2::Authorizer'));
  for (const [apiLogicalId, api] of resourcesOfType(ctx, 'AWS::ApiGatewayV2::Api')) {
    const p = api.Properties ?? {};
    if (p.ProtocolType !== 'HTTP') {
      const kind = p.ProtocolType === 'WEBSOCKET' ? 'WebSocket API' : `API of protocol ${String(p.ProtocolType)}`;
      skipped.push(`${ctx.stack.id}/${apiLogicalId}: ${kind}; only HTTP APIs are served, so its routes never invoke their functions`);
      continue;
    }
    const apiRoutes: RouteModel[] = [];
    for (const [routeId, route] of routes) {
      const rp = route.Properties ?? {};
      if (referencedLogicalId(rp.ApiId) !== apiLogicalId) continue;
      const routeKey = ctx.resolver.resolveString(rp.RouteKey);
      const target = rp.Target === undefined ? '' : ctx.resolver.resolveString(rp.Target);
      const integrationId = target.replace(/^integrations\//, '');
      const integration = integrations.get(integrationId);
      const ip = integration?.Properties ?? {};
      // An AWS service integration (SQS-SendMessage, ...) is AWS_PROXY too, with a subtype and no URI.
      if (!integration || ip.IntegrationType !== 'AWS_PROXY' || ip.IntegrationSubtype !== undefined) {
        const what = ip.IntegrationSubtype === undefined ? '' : ` (this one is ${ctx.resolver.resolveString(ip.IntegrationSubtype)})`;
        skipped.push(`${ctx.stack.id}/${routeId} (${routeKey}): only Lambda proxy integrations run locally${what}`);
        continue;
      }
      const uri = ctx.resolver.resolveString(ip.IntegrationUri);
      const fnLogicalId = functionOf(uri);
      if (!fnLogicalId) {
        skipped.push(`${ctx.stack.id}/${routeId} (${routeKey}): integration target ${uri} is not a local function`);
        continue;
      }
      apiRoutes.push({
        stack: ctx.stack.id,
        logicalId: routeId,
        routeKey,
        functionLogicalId: fnLogicalId,
        payloadFormatVersion: ip.PayloadFormatVersion === undefined || ctx.resolver.resolveString(ip.PayloadFormatVersion) === '1.0' ? '1.0' : '2.0',
        timeoutMs: numberProp(ctx, ip.TimeoutInMillis, DEFAULT_INTEGRATION_TIMEOUT_MS),
        auth: authOf(ctx, rp, authorizers, functionOf, skipped, `${ctx.stack.id}/${routeId} (${routeKey})`),
      });
    }
    const apiStages = stages
      .filter(([, s]) => referencedLogicalId(s.Properties?.ApiId) === apiLogicalId)
      .map(([, s]) => ctx.resolver.resolveString(s.Properties?.StageName));
    apis.push({
      stack: ctx.stack.id,
      logicalId: apiLogicalId,
      name: p.Name === undefined ? apiLogicalId : ctx.resolver.resolveString(p.Name),
      apiId: ctx.attributes.ref(apiLogicalId),
      stages: apiStages.length ? apiStages : ['$default'],
      routes: apiRoutes,
      cors: corsOf(ctx, p.CorsConfiguration),
    });
  }
  return apis;
}

type Resource = { Properties?: Record<string, unknown> };

/**
 * The route's authorization. A Lambda authorizer whose function is not local cannot run, so the
 * route is served denying every request (500, as API Gateway answers a failing authorizer)
 * rather than open: never fail open.
 */
function authOf(
  ctx: StackContext,
  rp: Record<string, unknown>,
  authorizers: Map<string, Resource>,
  functionOf: (arn: string) => string | undefined,
  skipped: string[],
  where: string,
): RouteAuthModel | undefined {
  const type = rp.AuthorizationType === undefined ? 'NONE' : ctx.resolver.resolveString(rp.AuthorizationType);
  if (type === 'NONE') return undefined;
  if (type === 'AWS_IAM') return { type: 'AWS_IAM' };
  const authorizerLogicalId = referencedLogicalId(rp.AuthorizerId) ?? '';
  const ap = authorizers.get(authorizerLogicalId)?.Properties ?? {};
  const list = (v: unknown) => (v === undefined ? [] : (ctx.resolver.resolve(v) as unknown[]).map(String));
  const identitySource = list(ap.IdentitySource);
  if (type === 'JWT') {
    const jwt = (ctx.resolver.resolve(ap.JwtConfiguration ?? {}) ?? {}) as Record<string, unknown>;
    return {
      type: 'JWT',
      authorizerLogicalId,
      issuer: String(jwt.Issuer ?? ''),
      audience: Array.isArray(jwt.Audience) ? jwt.Audience.map(String) : [],
      identitySource: identitySource.length ? identitySource : ['$request.header.Authorization'],
      scopes: list(rp.AuthorizationScopes),
    };
  }
  // AuthorizerUri: arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations
  const uri = ap.AuthorizerUri === undefined ? '' : ctx.resolver.resolveString(ap.AuthorizerUri);
  const fnArn = /\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? '';
  const functionLogicalId = functionOf(fnArn) ?? '';
  if (!functionLogicalId) skipped.push(`${where}: Lambda authorizer ${uri || authorizerLogicalId} is not a local function; the route denies every request`);
  return {
    type: 'CUSTOM',
    authorizerLogicalId,
    functionLogicalId,
    identitySource,
    ttlSeconds: numberProp(ctx, ap.AuthorizerResultTtlInSeconds, 300),
    simpleResponses: ap.EnableSimpleResponses === true,
    payloadFormatVersion: ap.AuthorizerPayloadFormatVersion === undefined || ctx.resolver.resolveString(ap.AuthorizerPayloadFormatVersion) !== '2.0' ? '1.0' : '2.0',
  };
}

/** A `CorsConfiguration` (an HTTP API's) or `Cors` (a function URL's): both use the same fields. */
export function corsOf(ctx: StackContext, value: unknown): CorsModel | undefined {
  if (value === undefined) return undefined;
  const c = ctx.resolver.resolve(value) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    allowOrigins: list(c.AllowOrigins),
    allowMethods: list(c.AllowMethods).map((m) => m.toUpperCase()),
    allowHeaders: list(c.AllowHeaders).map((h) => h.toLowerCase()),
    exposeHeaders: list(c.ExposeHeaders).map((h) => h.toLowerCase()),
    allowCredentials: c.AllowCredentials === true,
    maxAge: c.MaxAge === undefined ? undefined : Number(c.MaxAge),
  };
}
