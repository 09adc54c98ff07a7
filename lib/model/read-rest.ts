/**
 * `AWS::ApiGateway::RestApi` and its `Resource`, `Method`, `Stage`/`Deployment`, `Model`,
 * `RequestValidator` and `GatewayResponse` -> {@link RestApiModel}. Authorizers, API keys and
 * usage plans are read in read-rest-access.ts.
 */
import { numberProp, referencedLogicalId, resourcesOfType, type StackContext } from './context';
import type { CfnResource } from './intrinsics';
import { restAuthOf, usagePlansOf } from './read-rest-access';
import type { GatewayResponseModel, RestApiModel, RestIntegrationModel, RestIntegrationResponseModel, RestMethodModel, RestStageModel } from './types';

/** REST APIs' default (and, without a quota increase, maximum) integration timeout. */
export const REST_INTEGRATION_TIMEOUT_MS = 29_000;

/** Maps a function ARN (plain, qualified, or inside an invocation URI) to its logical id. */
export type FunctionOf = (arn: string) => string | undefined;

/**
 * Reads the REST APIs of one stack. APIs defined by an OpenAPI `Body` and APIs without a stage
 * are skipped with a reason; methods whose integration cannot run locally are kept, marked
 * `NOT_SERVED`, so that they answer 501 saying why instead of looking absent.
 */
export function readRestApis(ctx: StackContext, functionOf: FunctionOf, skipped: string[]): RestApiModel[] {
  const apis: RestApiModel[] = [];
  for (const [apiLogicalId, api] of resourcesOfType(ctx, 'AWS::ApiGateway::RestApi')) {
    const p = api.Properties ?? {};
    const where = `${ctx.stack.id}/${apiLogicalId}`;
    if (p.Body !== undefined || p.BodyS3Location !== undefined) {
      skipped.push(`${where}: REST API defined by an OpenAPI definition (Body/BodyS3Location); only APIs declared with Resource and Method resources run locally`);
      continue;
    }
    const stages = stagesOf(ctx, apiLogicalId);
    if (!stages.length) {
      skipped.push(`${where}: REST API without a stage (no Stage or Deployment with a StageName), so it has no invoke URL`);
      continue;
    }
    const owned = (type: string) => resourcesOfType(ctx, type).filter(([, r]) => referencedLogicalId(r.Properties?.RestApiId) === apiLogicalId);
    const paths = resourcePaths(ctx, apiLogicalId, owned('AWS::ApiGateway::Resource'));
    const validators = new Map(owned('AWS::ApiGateway::RequestValidator'));
    const methods = owned('AWS::ApiGateway::Method').map(([id, m]) => methodOf(ctx, id, m, paths, validators, functionOf, skipped));
    const name = p.Name === undefined ? apiLogicalId : ctx.resolver.resolveString(p.Name);
    apis.push({
      stack: ctx.stack.id,
      logicalId: apiLogicalId,
      name,
      apiId: ctx.attributes.ref(apiLogicalId),
      stages,
      methods,
      binaryMediaTypes: stringList(ctx, p.BinaryMediaTypes),
      apiKeySource: p.ApiKeySourceType !== undefined && ctx.resolver.resolveString(p.ApiKeySourceType) === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
      models: Object.fromEntries(owned('AWS::ApiGateway::Model').map(([id, m]) => [ctx.attributes.ref(id), schemaOf(ctx, m)])),
      gatewayResponses: owned('AWS::ApiGateway::GatewayResponse').map(([, r]) => gatewayResponseOf(ctx, r)),
      usagePlans: usagePlansOf(ctx, apiLogicalId),
    });
    for (const m of methods) if (m.integration.type === 'NOT_SERVED') skipped.push(`${name} ${m.httpMethod} ${m.resourcePath}: ${m.integration.description}`);
  }
  return apis;
}

/** Stage resources of the API, plus the legacy `Deployment.StageName` form. */
function stagesOf(ctx: StackContext, apiLogicalId: string): RestStageModel[] {
  const stages: RestStageModel[] = [];
  for (const [, s] of resourcesOfType(ctx, 'AWS::ApiGateway::Stage')) {
    if (referencedLogicalId(s.Properties?.RestApiId) !== apiLogicalId) continue;
    stages.push({ name: ctx.resolver.resolveString(s.Properties?.StageName), variables: stringMap(ctx, s.Properties?.Variables) });
  }
  for (const [, d] of resourcesOfType(ctx, 'AWS::ApiGateway::Deployment')) {
    const dp = d.Properties ?? {};
    if (referencedLogicalId(dp.RestApiId) !== apiLogicalId || dp.StageName === undefined) continue;
    const name = ctx.resolver.resolveString(dp.StageName);
    if (stages.some((s) => s.name === name)) continue;
    stages.push({ name, variables: stringMap(ctx, (dp.StageDescription as { Variables?: unknown } | undefined)?.Variables) });
  }
  return stages;
}

/** Resource logical id -> full path (`/items/{id}`); the root resource id maps to `/`. */
function resourcePaths(ctx: StackContext, apiLogicalId: string, resources: Array<[string, CfnResource]>): Map<string, string> {
  const byId = new Map(resources);
  const paths = new Map<string, string>();
  const pathOf = (id: string, depth: number): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const r = byId.get(id);
    if (!r || depth > 64) return '/';
    const parent = r.Properties?.ParentId;
    const parentId = referencedLogicalId(parent);
    const parentPath = parentId === undefined || parentId === apiLogicalId ? '' : pathOf(parentId, depth + 1).replace(/\/$/, '');
    const path = `${parentPath}/${ctx.resolver.resolveString(r.Properties?.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  for (const id of byId.keys()) pathOf(id, 0);
  return paths;
}

function methodOf(
  ctx: StackContext,
  logicalId: string,
  m: CfnResource,
  paths: Map<string, string>,
  validators: Map<string, CfnResource>,
  functionOf: FunctionOf,
  skipped: string[],
): RestMethodModel {
  const p = m.Properties ?? {};
  const resourceLogicalId = referencedLogicalId(p.ResourceId);
  const isRoot = resourceLogicalId === undefined || !paths.has(resourceLogicalId);
  const resourcePath = isRoot ? '/' : paths.get(resourceLogicalId)!;
  const httpMethod = ctx.resolver.resolveString(p.HttpMethod).toUpperCase();
  const validator = validators.get(referencedLogicalId(p.RequestValidatorId) ?? '')?.Properties;
  const requiredParameters = Object.entries((ctx.resolver.resolve(p.RequestParameters ?? {}) ?? {}) as Record<string, unknown>)
    .filter(([, required]) => required === true || required === 'true')
    .map(([name]) => name);
  return {
    stack: ctx.stack.id,
    logicalId,
    resourceId: isRoot ? ctx.resolver.resolveString(p.ResourceId) : ctx.attributes.ref(resourceLogicalId),
    resourcePath,
    httpMethod,
    routeKey: `${httpMethod} ${resourcePath}`,
    integration: integrationOf(ctx, p.Integration as Record<string, unknown> | undefined, functionOf),
    auth: restAuthOf(ctx, p, functionOf, skipped, `${ctx.stack.id}/${logicalId} (${httpMethod} ${resourcePath})`),
    apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
    validator: validator && { body: validator.ValidateRequestBody === true, parameters: validator.ValidateRequestParameters === true },
    requiredParameters,
    requestModels: stringMap(ctx, p.RequestModels),
  };
}

function integrationOf(ctx: StackContext, integration: Record<string, unknown> | undefined, functionOf: FunctionOf): RestIntegrationModel {
  if (!integration) return { type: 'NOT_SERVED', description: 'method without an integration (API Gateway refuses to deploy it)' };
  const type = ctx.resolver.resolveString(integration.Type ?? '');
  const uri = integration.Uri === undefined ? '' : safeString(ctx, integration.Uri);
  if (type === 'AWS_PROXY' && uri.includes(':lambda:path/')) {
    const fn = functionOf(uri);
    if (fn) return { type: 'AWS_PROXY', functionLogicalId: fn, timeoutMs: numberProp(ctx, integration.TimeoutInMillis, REST_INTEGRATION_TIMEOUT_MS) };
    return { type: 'NOT_SERVED', description: `Lambda proxy integration to ${functionArnIn(uri)}, which is not a function of this app with local code` };
  }
  if (type === 'MOCK') {
    return {
      type: 'MOCK',
      requestTemplates: stringMap(ctx, integration.RequestTemplates),
      integrationResponses: ((ctx.resolver.resolve(integration.IntegrationResponses ?? []) ?? []) as Array<Record<string, unknown>>).map(integrationResponseOf),
    };
  }
  const target = uri ? ` to ${type === 'AWS' && uri.includes(':lambda:path/') ? functionArnIn(uri) : uri}` : '';
  const kind = type === 'AWS' && uri.includes(':lambda:path/') ? 'Lambda (non-proxy) integration' : `${type} integration`;
  return { type: 'NOT_SERVED', description: `${kind}${target}` };
}

function integrationResponseOf(r: Record<string, unknown>): RestIntegrationResponseModel {
  const strings = (v: unknown) => Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  return {
    statusCode: String(r.StatusCode ?? '200'),
    selectionPattern: r.SelectionPattern === undefined || r.SelectionPattern === '' ? undefined : String(r.SelectionPattern),
    responseParameters: strings(r.ResponseParameters),
    responseTemplates: strings(r.ResponseTemplates),
  };
}

function gatewayResponseOf(ctx: StackContext, r: CfnResource): GatewayResponseModel {
  const p = r.Properties ?? {};
  return {
    responseType: ctx.resolver.resolveString(p.ResponseType),
    statusCode: p.StatusCode === undefined ? undefined : Number(ctx.resolver.resolve(p.StatusCode)),
    responseParameters: stringMap(ctx, p.ResponseParameters),
    responseTemplates: stringMap(ctx, p.ResponseTemplates),
  };
}

function schemaOf(ctx: StackContext, m: CfnResource): Record<string, unknown> {
  const schema = ctx.resolver.resolve(m.Properties?.Schema ?? {});
  // CloudFormation also takes the schema as a JSON string.
  if (typeof schema === 'string') return JSON.parse(schema) as Record<string, unknown>;
  return (schema ?? {}) as Record<string, unknown>;
}

/** The function ARN inside an `arn:aws:apigateway:<region>:lambda:path/.../functions/<arn>/invocations` URI. */
function functionArnIn(uri: string): string {
  return /\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? uri;
}

function safeString(ctx: StackContext, value: unknown): string {
  try {
    return ctx.resolver.resolveString(value);
  } catch {
    return JSON.stringify(value);
  }
}

function stringMap(ctx: StackContext, value: unknown): Record<string, string> {
  const resolved = (ctx.resolver.resolve(value ?? {}) ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(resolved).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

function stringList(ctx: StackContext, value: unknown): string[] {
  const resolved = ctx.resolver.resolve(value ?? []);
  return Array.isArray(resolved) ? resolved.map(String) : [];
}
