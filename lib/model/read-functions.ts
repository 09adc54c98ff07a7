/**
 * `AWS::Lambda::Function` (+ `AWS::Lambda::EventInvokeConfig`) -> {@link FunctionModel}.
 */
import * as path from 'node:path';
import { assetDirOf, numberProp, resourcesOfType, type StackContext } from './context';
import type { CfnResource } from './intrinsics';
import { functionLayers, type LayerIndex } from './read-layers';
import { readRole } from './read-permissions';
import type { AsyncInvokeConfig, FunctionModel, FunctionSource } from './types';

/** Lambda's async invocation defaults. */
const ASYNC_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600 } as const;

/**
 * Reads the functions of one stack, with asset or inline code. Functions that cannot run locally
 * (container images, runtimes other than Node.js and Python, code missing from the assembly) are left out;
 * the model lists them among the resources it does not serve, with {@link notRunReason}.
 */
export function readFunctions(ctx: StackContext, layers: LayerIndex = new Map()): FunctionModel[] {
  const invokeConfigs = new Map<string, CfnResource>();
  for (const [, cfg] of resourcesOfType(ctx, 'AWS::Lambda::EventInvokeConfig')) {
    invokeConfigs.set(ctx.resolver.resolveString(cfg.Properties?.FunctionName), cfg);
  }
  const functions: FunctionModel[] = [];
  for (const [logicalId, r] of resourcesOfType(ctx, 'AWS::Lambda::Function')) {
    const p = r.Properties ?? {};
    const name = ctx.attributes.name(logicalId);
    if (notRunReason(ctx, r)) continue;
    const inlineCode = inlineCodeOf(ctx, r);
    const codeDir = inlineCode === undefined ? assetDirOf(ctx, logicalId, r, 'Code') : '';
    if (codeDir === undefined) continue;
    const arn = ctx.attributes.getAtt(logicalId, 'Arn');
    const env = (ctx.resolver.resolve((p.Environment as { Variables?: unknown } | undefined)?.Variables) ?? {}) as Record<string, unknown>;
    functions.push({
      stack: ctx.stack.id,
      logicalId,
      name,
      arn,
      codeDir,
      inlineCode,
      handler: ctx.resolver.resolveString(p.Handler ?? 'index.handler'),
      runtime: ctx.resolver.resolveString(p.Runtime ?? 'nodejs24.x'),
      environment: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])),
      timeoutSeconds: numberProp(ctx, p.Timeout, 3),
      memoryMb: numberProp(ctx, p.MemorySize, 128),
      reservedConcurrency: p.ReservedConcurrentExecutions === undefined ? undefined : numberProp(ctx, p.ReservedConcurrentExecutions, 0),
      asyncConfig: asyncConfigOf(ctx, p, invokeConfigs.get(name) ?? invokeConfigs.get(arn)),
      source: sourceOf(ctx, r),
      layers: p.Layers === undefined ? undefined : functionLayers(ctx.resolver.resolve(p.Layers), layers),
      role: readRole(ctx, p.Role),
      inVpc: inVpc(p.VpcConfig) || undefined,
    });
  }
  return functions;
}

/**
 * Why a function cannot run locally, from its template alone; undefined when it can (its asset
 * may still be missing from the assembly).
 */
export function notRunReason(ctx: StackContext, r: CfnResource): string | undefined {
  const p = r.Properties ?? {};
  const code = (p.Code ?? {}) as Record<string, unknown>;
  if (code.ImageUri !== undefined || p.PackageType === 'Image') return 'its code is a container image, which switchyard dev does not run';
  const runtime = p.Runtime === undefined ? 'nodejs24.x' : ctx.resolver.resolveString(p.Runtime);
  if (!/^(nodejs\d+\.x|python\d+\.\d+)$/.test(runtime)) return `its runtime ${runtime} is not run: switchyard dev runs Node.js and Python functions only`;
  return undefined;
}

/** Inline (`ZipFile`) code, resolved (it may be built with `Fn::Join` or `Fn::Sub`). */
function inlineCodeOf(ctx: StackContext, r: CfnResource): string | undefined {
  const zipFile = (r.Properties?.Code as { ZipFile?: unknown } | undefined)?.ZipFile;
  return zipFile === undefined ? undefined : ctx.resolver.resolveString(zipFile);
}

function asyncConfigOf(ctx: StackContext, fnProps: Record<string, unknown>, cfg: CfnResource | undefined): AsyncInvokeConfig {
  const p = cfg?.Properties ?? {};
  const dest = p.DestinationConfig as { OnFailure?: { Destination?: unknown }; OnSuccess?: { Destination?: unknown } } | undefined;
  const dlq = (fnProps.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
  return {
    maximumRetryAttempts: numberProp(ctx, p.MaximumRetryAttempts, ASYNC_DEFAULTS.maximumRetryAttempts),
    maximumEventAgeInSeconds: numberProp(ctx, p.MaximumEventAgeInSeconds, ASYNC_DEFAULTS.maximumEventAgeInSeconds),
    onFailureArn: dest?.OnFailure?.Destination === undefined ? undefined : ctx.resolver.resolveString(dest.OnFailure.Destination),
    onSuccessArn: dest?.OnSuccess?.Destination === undefined ? undefined : ctx.resolver.resolveString(dest.OnSuccess.Destination),
    deadLetterArn: dlq === undefined ? undefined : ctx.resolver.resolveString(dlq),
  };
}

/** True for a `VpcConfig` with subnets (an empty one, which CDK never writes, detaches the function). */
function inVpc(vpcConfig: unknown): boolean {
  const subnets = (vpcConfig as { SubnetIds?: unknown } | undefined)?.SubnetIds;
  return subnets !== undefined && !(Array.isArray(subnets) && subnets.length === 0);
}

/** The source entry the Switchyard constructs record in `switchyard:entry` metadata. */
function sourceOf(ctx: StackContext, r: CfnResource): FunctionSource | undefined {
  const entry = r.Metadata?.['switchyard:entry'];
  if (typeof entry !== 'string') return undefined;
  const bundling = r.Metadata?.['switchyard:bundling'];
  return {
    entry: path.resolve(ctx.projectDir, entry),
    bundling: bundling && typeof bundling === 'object' ? (bundling as Record<string, unknown>) : undefined,
  };
}
