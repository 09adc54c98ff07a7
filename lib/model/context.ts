/**
 * The per-stack context the resource readers share: the loaded stack, its intrinsic resolver and
 * the local names of its resources.
 */
import * as path from 'node:path';
import type { LoadedStack } from './assembly';
import type { CfnResource, IntrinsicResolver } from './intrinsics';
import type { LocalEnvironment, StackAttributes } from './physical';

/** What every resource reader of one stack needs. */
export interface StackContext {
  readonly stack: LoadedStack;
  readonly resolver: IntrinsicResolver;
  readonly attributes: StackAttributes;
  readonly env: LocalEnvironment;
  /** The directory `switchyard:entry` paths are relative to (the cdk.json folder). */
  readonly projectDir: string;
}

/** The resources of a stack of one CloudFormation type, as `[logicalId, resource]` pairs. */
export function resourcesOfType(ctx: StackContext, type: string): Array<[string, CfnResource]> {
  return Object.entries(ctx.stack.template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** The logical id a property names through `{ Ref: id }` (or `Fn::GetAtt [id, ...]`), without resolving it. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

/** A property as a number, or the default when absent. */
export function numberProp(ctx: StackContext, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(ctx.resolver.resolve(value));
  return Number.isFinite(n) ? n : fallback;
}

/** Strips a version or alias qualifier from a function ARN. */
export function unqualifiedFunctionArn(arn: string): string {
  const m = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(:.+)?$/.exec(arn);
  if (m) return m[1];
  // API Gateway's REST-style invocation URI wraps the function ARN.
  const wrapped = /functions\/(arn:[^/]+)\/invocations/.exec(arn);
  return wrapped ? unqualifiedFunctionArn(wrapped[1]) : arn;
}

/**
 * The asset a function's `Code` (or a layer's `Content`) deploys: from `aws:asset:path` metadata
 * if the CDK CLI added it, else through the asset manifest.
 */
export function assetDirOf(ctx: StackContext, logicalId: string, r: CfnResource, property: 'Code' | 'Content'): string | undefined {
  const assetPath = r.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return path.resolve(ctx.stack.dir, assetPath);
  const code = r.Properties?.[property] as { S3Key?: unknown } | undefined;
  if (code?.S3Key === undefined) return undefined;
  let key: string;
  try {
    key = ctx.resolver.resolveString(code.S3Key);
  } catch {
    throw new Error(`${ctx.stack.id}/${logicalId}: cannot resolve ${property}.S3Key ${JSON.stringify(code.S3Key)}`);
  }
  return ctx.stack.assetsByObjectKey.get(key) ?? ctx.stack.assetsByObjectKey.get(path.basename(key));
}
