/**
 * `AWS::ApiGatewayV2::Api` (HTTP), `Route`, `Integration`, `Stage` -> {@link HttpApiModel}.
 */
import { numberProp, referencedLogicalId, resourcesOfType, type StackContext } from './context';
import type { CorsModel, HttpApiModel, RouteModel } from './types';

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
  for (const [apiLogicalId, api] of resourcesOfType(ctx, 'AWS::ApiGatewayV2::Api')) {
    const p = api.Properties ?? {};
    if (p.ProtocolType !== 'HTTP') continue;
    const apiRoutes: RouteModel[] = [];
    for (const [routeId, route] of routes) {
      const rp = route.Properties ?? {};
      if (referencedLogicalId(rp.ApiId) !== apiLogicalId) continue;
      const routeKey = ctx.resolver.resolveString(rp.RouteKey);
      const target = rp.Target === undefined ? '' : ctx.resolver.resolveString(rp.Target);
      const integrationId = target.replace(/^integrations\//, '');
      const integration = integrations.get(integrationId);
      const ip = integration?.Properties ?? {};
      if (!integration || ip.IntegrationType !== 'AWS_PROXY') {
        skipped.push(`${ctx.stack.id}/${routeId} (${routeKey}): only Lambda proxy integrations run locally`);
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

function corsOf(ctx: StackContext, value: unknown): CorsModel | undefined {
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
