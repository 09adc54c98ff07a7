/**
 * Custom resources (`AWS::CloudFormation::CustomResource`, `Custom::*`) -> {@link CustomResourceModel}:
 * what the local runtime needs to create each one as CloudFormation does, by sending its
 * provider function a `Create` request.
 */
import type { StackContext } from './context';
import { displayNames } from './names';
import { referencedIds } from './references';
import { isCustomResourceType } from './resource-types';
import type { FunctionModel } from './types';
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
 * Functions whose environment reads an attribute of a custom resource: the value exists only
 * once the resource is created, after the model was read, so the variable holds a placeholder
 * locally. Said in `skipped`, so that it is not a silent wrong value.
 */
export function noteCustomResourceAttributes(ctx: StackContext, functions: readonly FunctionModel[], skipped: string[]): void {
  const resources = ctx.stack.template.Resources ?? {};
  for (const fn of functions.filter((f) => f.stack === ctx.stack.id)) {
    const variables = (resources[fn.logicalId]?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const [name, value] of Object.entries(variables)) {
      const custom = [...referencedIds(value)].filter((id) => resources[id] && isCustomResourceType(resources[id].Type));
      if (!custom.length) continue;
      skipped.push(`${fn.displayName ?? fn.name}: environment variable ${name} reads custom resource ${custom.join(', ')}, created only after the function's environment is set: locally it is ${JSON.stringify(fn.environment[name])}`);
    }
  }
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
