/**
 * Custom resources (`AWS::CloudFormation::CustomResource`, `Custom::*`) -> {@link CustomResourceModel}:
 * what the local runtime needs to create each one as CloudFormation does, by sending its
 * provider function a `Create` request.
 */
import type { StackContext } from './context';
import { displayNames } from './names';
import { referencedIds } from './references';
import { isCustomResourceType } from './resource-types';
import type { CustomResourceModel } from './types-inventory';

/** Maps a function ARN to its logical id (of a function the local runtime runs). */
type FunctionOf = (arn: string) => string | undefined;

/**
 * Reads the custom resources of one stack, each after those it depends on. One whose
 * properties cannot be resolved locally (an import no stack exports) is skipped with the reason.
 */
export function readCustomResources(ctx: StackContext, functionOf: FunctionOf, skipped: string[]): CustomResourceModel[] {
  const resources = ctx.stack.template.Resources ?? {};
  const ids = Object.keys(resources).filter((id) => isCustomResourceType(resources[id].Type));
  const custom = new Set(ids);
  const read = ids.flatMap((logicalId): CustomResourceModel[] => {
    const r = resources[logicalId];
    const p = r.Properties ?? {};
    let serviceToken: string;
    let properties: Record<string, unknown>;
    try {
      serviceToken = ctx.resolver.resolveString(p.ServiceToken);
      properties = asCloudFormationSends(ctx.resolver.resolve(p));
    } catch (err) {
      skipped.push(`${ctx.stack.id}/${logicalId} (${r.Type}): not created locally: ${(err as Error).message}`);
      return [];
    }
    const dependsOn = [...new Set([...dependsOnOf(r.DependsOn), ...referencedIds(p)])].filter((id) => custom.has(id) && id !== logicalId);
    return [{
      stack: ctx.stack.id,
      logicalId,
      type: r.Type,
      displayName: logicalId,
      stackId: ctx.resolver.resolveString({ Ref: 'AWS::StackId' }),
      serviceToken,
      functionLogicalId: functionOf(serviceToken),
      properties,
      dependsOn,
    }];
  });
  // Shown by the id they were declared with, as functions and rules are (see names.ts).
  const names = displayNames(read.map((c) => ({ name: c.logicalId, logicalId: c.logicalId, resource: resources[c.logicalId] })));
  return inDependencyOrder(read.map((c, i) => ({ ...c, displayName: names[i] })));
}

/**
 * CloudFormation hands a provider every property value as a string (`1` arrives as `"1"`,
 * `true` as `"true"`), keeping the structure of objects and lists.
 */
function asCloudFormationSends(value: unknown): Record<string, unknown> {
  const convert = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(convert);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, convert(x)]));
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  };
  return convert(value) as Record<string, unknown>;
}

function dependsOnOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Template order, except that a resource comes after those it depends on. */
function inDependencyOrder(items: CustomResourceModel[]): CustomResourceModel[] {
  const byId = new Map(items.map((i) => [i.logicalId, i]));
  const done = new Set<string>();
  const out: CustomResourceModel[] = [];
  const visit = (item: CustomResourceModel, path: Set<string>) => {
    if (done.has(item.logicalId) || path.has(item.logicalId)) return;
    path.add(item.logicalId);
    for (const dep of item.dependsOn) {
      const d = byId.get(dep);
      if (d) visit(d, path);
    }
    done.add(item.logicalId);
    out.push(item);
  };
  for (const item of items) visit(item, new Set());
  return out;
}
