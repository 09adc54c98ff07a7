/**
 * IAM in the template -> the functions' {@link RoleModel}s and the resources'
 * {@link ResourcePolicyModel}s, intrinsics resolved by the stack's resolver so that a policy's
 * `Fn::GetAtt [Orders, Arn]` is the ARN the local table answers to.
 */
import { referencedLogicalId, resourcesOfType, type StackContext } from './context';
import type { CfnResource } from './intrinsics';
import { referencedIds } from './references';
import type { PolicyModel, ResourcePolicyModel, RoleModel } from './types-iam';

/** Reads a function's execution role from its `Role` property. */
export function readRole(ctx: StackContext, roleProperty: unknown): RoleModel | undefined {
  if (roleProperty === undefined) return undefined;
  const logicalId = referencedLogicalId(roleProperty);
  const resources = ctx.stack.template.Resources ?? {};
  const role = logicalId === undefined ? undefined : resources[logicalId];
  if (!role || role.Type !== 'AWS::IAM::Role' || logicalId === undefined) {
    // A role the template names by ARN: its policies live elsewhere and are not known here.
    const arn = tryResolve(ctx, roleProperty);
    if (typeof arn !== 'string') return undefined;
    return { arn, name: arn.slice(arn.lastIndexOf('/') + 1), policies: [], managedPolicyArns: [arn], tags: {} };
  }
  const p = role.Properties ?? {};
  const name = ctx.attributes.name(logicalId);
  const rolePath = typeof p.Path === 'string' ? p.Path : '/';
  const { partition, accountId } = ctx.env;
  const fromManaged = managedPolicies(ctx, logicalId, p.ManagedPolicyArns);
  return {
    arn: `arn:${partition}:iam::${accountId}:role${rolePath}${name}`,
    name,
    declaredAt: { stack: ctx.stack.id, logicalId },
    policies: [...inlinePolicies(ctx, logicalId, p.Policies), ...attachedPolicies(ctx, logicalId), ...fromManaged.declared],
    managedPolicyArns: fromManaged.byArn,
    tags: tagsOf(ctx, p.Tags),
  };
}

/** The role's own `Policies` (inline, in the role resource). */
function inlinePolicies(ctx: StackContext, roleId: string, policies: unknown): PolicyModel[] {
  const list = Array.isArray(policies) ? (policies as Array<{ PolicyName?: unknown; PolicyDocument?: unknown }>) : [];
  return list.map((policy, i) => resolvedPolicy(ctx, `${ctx.stack.id}/${roleId} (inline policy ${typeof policy.PolicyName === 'string' ? policy.PolicyName : i + 1})`, policy.PolicyDocument));
}

/** `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` resources whose `Roles`/`RoleName` name the role. */
function attachedPolicies(ctx: StackContext, roleId: string): PolicyModel[] {
  const out: PolicyModel[] = [];
  for (const [id, r] of Object.entries(ctx.stack.template.Resources ?? {})) {
    const p = r.Properties ?? {};
    const attached =
      r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy' ? referencedIds(p.Roles).has(roleId)
      : r.Type === 'AWS::IAM::RolePolicy' ? referencedIds(p.RoleName).has(roleId)
      : false;
    if (attached) out.push(resolvedPolicy(ctx, `${ctx.stack.id}/${id}`, p.PolicyDocument));
  }
  return out;
}

/**
 * `ManagedPolicyArns`: a managed policy of the template (`Ref` to an `AWS::IAM::ManagedPolicy`
 * that does not itself list the role) is read from the template; any other ARN is kept as one.
 */
function managedPolicies(ctx: StackContext, roleId: string, arns: unknown): { declared: PolicyModel[]; byArn: string[] } {
  const declared: PolicyModel[] = [];
  const byArn: string[] = [];
  const resources = ctx.stack.template.Resources ?? {};
  for (const entry of Array.isArray(arns) ? arns : []) {
    const id = referencedLogicalId(entry);
    const r: CfnResource | undefined = id === undefined ? undefined : resources[id];
    if (id !== undefined && r?.Type === 'AWS::IAM::ManagedPolicy') {
      // Listed both ways, it is attached once: attachedPolicies() has it already.
      if (!referencedIds(r.Properties?.Roles).has(roleId)) declared.push(resolvedPolicy(ctx, `${ctx.stack.id}/${id}`, r.Properties?.PolicyDocument));
      continue;
    }
    const arn = tryResolve(ctx, entry);
    byArn.push(typeof arn === 'string' ? arn : JSON.stringify(entry));
  }
  return { declared, byArn };
}

/** The resource-based policies of one stack: queue policies, secrets' resource policies, bus policies and functions' permissions. */
export function readResourcePolicies(ctx: StackContext): ResourcePolicyModel[] {
  const out: ResourcePolicyModel[] = [];
  const source = (kind: string, id: string) => `${kind} ${ctx.stack.id}/${id}`;
  for (const [id, r] of resourcesOfType(ctx, 'AWS::SQS::QueuePolicy')) {
    const queues = Array.isArray(r.Properties?.Queues) ? (r.Properties.Queues as unknown[]) : [];
    out.push(withArns(ctx, source('queue policy', id), queues.map((q) => queueArn(ctx, q)), r.Properties?.PolicyDocument));
  }
  for (const [id, r] of resourcesOfType(ctx, 'AWS::SQS::QueueInlinePolicy')) {
    out.push(withArns(ctx, source('queue policy', id), [queueArn(ctx, r.Properties?.Queue)], r.Properties?.PolicyDocument));
  }
  for (const [id, r] of resourcesOfType(ctx, 'AWS::SecretsManager::ResourcePolicy')) {
    out.push(withArns(ctx, source('secret resource policy', id), [arnOf(ctx, r.Properties?.SecretId)], r.Properties?.ResourcePolicy));
  }
  for (const [id, r] of resourcesOfType(ctx, 'AWS::Events::EventBusPolicy')) {
    const p = r.Properties ?? {};
    const bus = p.EventBusName === undefined ? 'default' : arnOf(ctx, p.EventBusName);
    const busArn = typeof bus === 'string' ? (bus.startsWith('arn:') ? bus : `arn:${ctx.env.partition}:events:${ctx.env.region}:${ctx.env.accountId}:event-bus/${bus}`) : bus;
    out.push(withArns(ctx, source('event bus policy', id), [busArn], p.Policy ?? { Statement: [p.Statement] }));
  }
  for (const [id, r] of resourcesOfType(ctx, 'AWS::Lambda::Permission')) {
    const fnArn = arnOf(ctx, r.Properties?.FunctionName);
    const arn = typeof fnArn === 'string' && !fnArn.startsWith('arn:') ? ctx.attributes.functionArn(fnArn) : fnArn;
    out.push(withArns(ctx, source('function permission', id), [arn], permissionStatement(r.Properties ?? {})));
  }
  return out;
}

/**
 * An `AWS::Lambda::Permission` as the statement Lambda adds to the function's policy: its
 * principal (an account, an ARN or a service), action and source conditions.
 */
function permissionStatement(p: Record<string, unknown>): unknown {
  const principal = p.Principal;
  const isService = typeof principal === 'string' && principal.endsWith('.amazonaws.com');
  const condition: Record<string, Record<string, unknown>> = {};
  if (p.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': p.SourceArn };
  if (p.SourceAccount !== undefined) condition.StringEquals = { 'AWS:SourceAccount': p.SourceAccount };
  if (p.FunctionUrlAuthType !== undefined) (condition.StringEquals ??= {})['lambda:FunctionUrlAuthType'] = p.FunctionUrlAuthType;
  return {
    Statement: [{ Effect: 'Allow', Principal: isService ? { Service: principal } : { AWS: principal }, Action: p.Action, ...(Object.keys(condition).length ? { Condition: condition } : {}) }],
  };
}

/** A queue's ARN from a reference to it (`Ref` answers its URL). */
function queueArn(ctx: StackContext, value: unknown): string | { unresolved: string } {
  const id = referencedLogicalId(value);
  if (id !== undefined && ctx.stack.template.Resources?.[id]?.Type === 'AWS::SQS::Queue') return ctx.attributes.getAtt(id, 'Arn');
  const url = arnOf(ctx, value);
  if (typeof url !== 'string') return url;
  // https://sqs.<region>.amazonaws.com/<account>/<name>, or a local URL of the same shape.
  const m = /\/(\d{12})\/([^/]+)\/?$/.exec(url);
  return m ? `arn:${ctx.env.partition}:sqs:${ctx.env.region}:${m[1]}:${m[2]}` : { unresolved: `the queue URL ${url} names no queue` };
}

function withArns(ctx: StackContext, source: string, arns: ReadonlyArray<string | { unresolved: string }>, document: unknown): ResourcePolicyModel {
  const bad = arns.find((a): a is { unresolved: string } => typeof a !== 'string');
  const resourceArns = arns.filter((a): a is string => typeof a === 'string');
  if (bad) return { resourceArns, source, unresolved: bad.unresolved };
  return { resourceArns, ...resolvedPolicy(ctx, source, document) };
}

function resolvedPolicy(ctx: StackContext, source: string, document: unknown): PolicyModel {
  const resolved = tryResolve(ctx, document);
  return typeof resolved === 'object' && resolved !== null && 'unresolved' in resolved ? { source, unresolved: (resolved as { unresolved: string }).unresolved } : { source, document: resolved };
}

function tagsOf(ctx: StackContext, tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of Array.isArray(tags) ? (tags as Array<{ Key?: unknown; Value?: unknown }>) : []) {
    const key = tryResolve(ctx, t.Key);
    const value = tryResolve(ctx, t.Value);
    if (typeof key === 'string' && typeof value === 'string') out[key] = value;
  }
  return out;
}

/** A value that must resolve to a string (an ARN, a URL, a name), or why it does not. */
function arnOf(ctx: StackContext, value: unknown): string | { unresolved: string } {
  const v = tryResolve(ctx, value);
  if (typeof v === 'string') return v;
  return typeof v === 'object' && v !== null && 'unresolved' in v ? (v as { unresolved: string }) : { unresolved: `${JSON.stringify(v)} is not a string` };
}

/** Resolves a value, or says why it cannot be (the evaluator then treats what depends on it as undecidable). */
function tryResolve(ctx: StackContext, value: unknown): unknown {
  try {
    return ctx.resolver.resolve(value);
  } catch (err) {
    return { unresolved: (err as Error).message };
  }
}
