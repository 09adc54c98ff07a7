/**
 * What `switchyard dev` does not serve, resource by resource, and what that means for the rest
 * of the app: the rules whose targets cannot be delivered to, the functions whose calls to an
 * unserved service fail, the alarms that notify it, the functions it would invoke in AWS and
 * the outputs that have no local value. Read from the templates, by reference, without
 * resolving anything; the types' treatment comes from the one list in resource-types.ts.
 */
import { referencedLogicalId, resourcesOfType, unqualifiedFunctionArn, type StackContext } from './context';
import type { CfnResource } from './intrinsics';
import { displayNames } from './names';
import { notRunReason } from './read-functions';
import { grantsOn, referencedIds, refersTo } from './references';
import { resourceTypeEntry, treatmentOf } from './resource-types';
import type { UnservedResourceModel } from './types-inventory';
import type { FunctionModel, RuleModel } from './types';

/** A resource of the app that is not served: its type, the name `dev` prints, and why. */
export interface UnservedEntry {
  readonly type: string;
  readonly displayName: string;
  readonly reason: string;
}

/** Not-served resources by stack id, then logical id. */
export type UnservedIndex = ReadonlyMap<string, ReadonlyMap<string, UnservedEntry>>;

/**
 * Every resource that is not served: resources of not-served types, and functions the local
 * runtime cannot run (`served` holds the logical ids of those it runs, by stack).
 */
export function unservedIndex(contexts: readonly StackContext[], functions: readonly FunctionModel[]): UnservedIndex {
  const running = new Set(functions.map((f) => `${f.stack}/${f.logicalId}`));
  const found: Array<{ ctx: StackContext; logicalId: string; resource: CfnResource; reason: string }> = [];
  for (const ctx of contexts) {
    for (const [logicalId, resource] of Object.entries(ctx.stack.template.Resources ?? {})) {
      if (resource.Type === 'AWS::Lambda::Function') {
        if (!running.has(`${ctx.stack.id}/${logicalId}`)) found.push({ ctx, logicalId, resource, reason: notRunReason(ctx, resource) ?? 'its code is not in the assembly (only asset code is run locally)' });
      } else if (resource.Type === 'AWS::Lambda::Url') {
        const reason = urlNotServed(ctx, resource, functions);
        if (reason) found.push({ ctx, logicalId, resource, reason });
      } else if (treatmentOf(resource.Type) === 'not-served') {
        found.push({ ctx, logicalId, resource, reason: resourceTypeEntry(resource.Type).locally });
      }
    }
  }
  const index = new Map<string, Map<string, UnservedEntry>>();
  for (const type of new Set(found.map((f) => f.resource.Type))) {
    const ofType = found.filter((f) => f.resource.Type === type);
    const nameProperty = type === 'AWS::Lambda::Function' ? 'FunctionName' : resourceTypeEntry(type).nameProperty ?? 'Name';
    const names = displayNames(ofType.map((f) => ({ name: f.logicalId, logicalId: f.logicalId, resource: f.resource })), nameProperty);
    ofType.forEach((f, i) => {
      const stack = index.get(f.ctx.stack.id) ?? new Map<string, UnservedEntry>();
      stack.set(f.logicalId, { type, displayName: nameOf(f.ctx, f.resource, nameProperty) ?? names[i], reason: f.reason });
      index.set(f.ctx.stack.id, stack);
    });
  }
  return index;
}

/** Why a function URL is not served: its function is not one the local runtime runs. */
function urlNotServed(ctx: StackContext, url: CfnResource, functions: readonly FunctionModel[]): string | undefined {
  const target = url.Properties?.TargetFunctionArn;
  let arn: string;
  try {
    arn = unqualifiedFunctionArn(ctx.attributes.functionArn(ctx.resolver.resolveString(target)));
  } catch (err) {
    return `its function cannot be resolved locally (${(err as Error).message})`;
  }
  if (functions.some((f) => f.arn === arn)) return undefined;
  const own = referencedLogicalId(target);
  return own !== undefined && ctx.stack.template.Resources?.[own]?.Type === 'AWS::Lambda::Function'
    ? `its function ${own} is not run locally`
    : `its function ${arn} is not part of the app`;
}

/**
 * Why a rule target cannot be delivered to locally, or undefined for a function or queue (of
 * the app or not: a missing one fails as in AWS, through the target's retry policy and DLQ).
 */
export function targetNotServed(ctx: StackContext, index: UnservedIndex, target: Record<string, unknown>, arn: string): string | undefined {
  const own = index.get(ctx.stack.id);
  for (const id of referencedIds(target.Arn)) {
    const entry = own?.get(id);
    if (entry) return `${entry.type} ${entry.displayName} is not served by switchyard dev (${entry.reason})`;
  }
  const service = /^arn:[^:]+:([^:]+):/.exec(arn)?.[1];
  if (service === 'lambda' || service === 'sqs') return undefined;
  // Another bus: delivered through its rules (a bus the app does not have fails over to the DLQ, as in AWS).
  if (service === 'events' && /:event-bus\/[^/]+$/.test(arn)) return undefined;
  return `${describeArn(arn)} is not served by switchyard dev`;
}

/** Names of the app's functions and rules as `dev` prints them, by `stack/logicalId`. */
export interface PrintedNames {
  readonly functions: ReadonlyMap<string, string>;
  readonly rules: ReadonlyMap<string, string>;
}

/** The printed names of the model's functions and rules. */
export function printedNames(functions: readonly FunctionModel[], rules: readonly RuleModel[]): PrintedNames {
  return {
    functions: new Map(functions.map((f) => [`${f.stack}/${f.logicalId}`, f.displayName ?? f.name])),
    rules: new Map(rules.map((r) => [`${r.stack}/${r.logicalId}`, r.displayName ?? r.name])),
  };
}

/** The not-served resources with what each means for the app, by type then name. */
export function readUnserved(contexts: readonly StackContext[], index: UnservedIndex, names: PrintedNames): UnservedResourceModel[] {
  const out: UnservedResourceModel[] = [];
  for (const ctx of contexts) {
    for (const [logicalId, entry] of index.get(ctx.stack.id) ?? []) {
      out.push({ stack: ctx.stack.id, logicalId, ...entry, consequences: consequencesOf(ctx, logicalId, entry, names) });
    }
  }
  return out.sort((a, b) => a.type.localeCompare(b.type) || a.displayName.localeCompare(b.displayName));
}

/** How many resources of each nothing-to-run type the app has. */
export function countNothingToRun(contexts: readonly StackContext[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const ctx of contexts) {
    for (const r of Object.values(ctx.stack.template.Resources ?? {})) {
      if (treatmentOf(r.Type) === 'nothing-to-run') counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    }
  }
  return counts;
}

function consequencesOf(ctx: StackContext, logicalId: string, entry: UnservedEntry, names: PrintedNames): string[] {
  const resources = ctx.stack.template.Resources ?? {};
  const self = resources[logicalId];
  const fnName = (id: string) => names.functions.get(`${ctx.stack.id}/${id}`);
  return [
    ...ruleClauses(ctx, logicalId, names),
    ...callerClauses(ctx, logicalId, entry, fnName),
    ...alarmClauses(ctx, logicalId),
    ...invokedClauses(ctx, self, fnName),
    ...Object.entries(ctx.stack.template.Outputs ?? {}).filter(([, o]) => refersTo(o.Value, logicalId)).map(([key]) => `output ${key} has no local value`),
  ];
}

/** Rules with a target that is this resource. */
function ruleClauses(ctx: StackContext, logicalId: string, names: PrintedNames): string[] {
  return resourcesOfType(ctx, 'AWS::Events::Rule')
    .filter(([, r]) => (Array.isArray(r.Properties?.Targets) ? r.Properties.Targets : []).some((t) => refersTo((t as { Arn?: unknown }).Arn, logicalId)))
    .map(([id]) => `the rule ${names.rules.get(`${ctx.stack.id}/${id}`) ?? id} targeting it will not deliver (its events are recorded in the ledger as undeliverable)`);
}

/** Functions that call it: granted actions on it, or given its name or ARN in their environment. */
function callerClauses(ctx: StackContext, logicalId: string, entry: UnservedEntry, fnName: (id: string) => string | undefined): string[] {
  const resources = ctx.stack.template.Resources ?? {};
  const grants = grantsOn(resources, logicalId);
  const service = entry.type === 'AWS::Lambda::Function' ? undefined : resourceTypeEntry(entry.type).service;
  const clauses: string[] = [];
  for (const [fnId, fn] of resourcesOfType(ctx, 'AWS::Lambda::Function')) {
    const name = fnName(fnId);
    if (!name || fnId === logicalId) continue;
    const p = fn.Properties ?? {};
    const roleIds = referencedIds(p.Role);
    const actions = [...new Set(grants.filter((g) => roleIds.has(g.roleLogicalId)).flatMap((g) => g.actions))];
    const variables = Object.entries(((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {});
    const envs = variables.filter(([, v]) => refersTo(v, logicalId)).map(([k]) => k);
    if (!actions.length && !envs.length) continue;
    const how = [actions.length ? `granted ${actions.join(', ')}` : '', envs.length ? `env ${envs.join(', ')}` : ''].filter(Boolean).join('; ');
    clauses.push(service ? `calls to ${service} from function ${name} (${how}) fail: the local AWS endpoint does not serve ${service}` : `function ${name} refers to it (${how})`);
  }
  return clauses;
}

/** Alarms whose actions notify it. */
function alarmClauses(ctx: StackContext, logicalId: string): string[] {
  const alarms = [...resourcesOfType(ctx, 'AWS::CloudWatch::Alarm'), ...resourcesOfType(ctx, 'AWS::CloudWatch::CompositeAlarm')];
  const notifying = alarms.filter(([, a]) => ['AlarmActions', 'OKActions', 'InsufficientDataActions'].some((k) => refersTo(a.Properties?.[k], logicalId)));
  if (!notifying.length) return [];
  const names = displayNames(notifying.map(([id, r]) => ({ name: id, logicalId: id, resource: r })), 'AlarmName');
  return [`${names.length === 1 ? 'alarm' : 'alarms'} ${names.join(', ')} ${names.length === 1 ? 'notifies' : 'notify'} it (no alarm fires locally)`];
}

/** Functions it would invoke in AWS (a subscription's endpoint, a state machine's tasks). */
function invokedClauses(ctx: StackContext, self: CfnResource | undefined, fnName: (id: string) => string | undefined): string[] {
  if (!self) return [];
  const p = self.Properties ?? {};
  if (self.Type === 'AWS::Lambda::EventSourceMapping') {
    const fn = [...referencedIds(p.FunctionName)].map(fnName).find(Boolean);
    const source = [...referencedIds(p.EventSourceArn)][0];
    const sourceType = source ? ctx.stack.template.Resources?.[source]?.Type : undefined;
    const stays = sourceType === 'AWS::SQS::Queue' ? ' (they stay in the queue, receivable with the SQS API)' : '';
    return fn ? [`${sourceType === 'AWS::SQS::Queue' ? 'messages' : 'records'} of ${source ?? 'its source'} are not passed to function ${fn}${stays}`] : [];
  }
  const functions = [...referencedIds(p)].map((id) => (ctx.stack.template.Resources?.[id]?.Type === 'AWS::Lambda::Function' ? fnName(id) : undefined));
  return [...new Set(functions.filter((n): n is string => !!n))].map((n) => `function ${n} is never invoked by it`);
}

/** The explicit name a template gives a resource, when it is a plain string. */
function nameOf(ctx: StackContext, resource: CfnResource, nameProperty: string): string | undefined {
  const given = resource.Properties?.[nameProperty];
  if (given === undefined) return undefined;
  try {
    return ctx.resolver.resolveString(given);
  } catch {
    return undefined;
  }
}

/** A target ARN in words: `SNS topic arn:...`, `event bus arn:...`. */
function describeArn(arn: string): string {
  const m = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:([^/:]+)/.exec(arn);
  if (!m) return `target ${arn}`;
  const kinds: Record<string, string> = { 'sns': 'SNS topic', 'states': 'Step Functions state machine', 'kinesis': 'Kinesis stream', 'firehose': 'Firehose stream', 'logs': 'CloudWatch log group', 'ecs': 'ECS task', 'codebuild': 'CodeBuild project', 'batch': 'Batch job queue', 'ssm': 'Systems Manager target' };
  // A bus of the app is served, but not as a target: events are not forwarded from bus to bus.
  if (m[1] === 'events') return m[2] === 'event-bus' ? `forwarding to event bus ${arn}` : `${m[2] === 'api-destination' ? 'API destination' : 'EventBridge target'} ${arn}`;
  return `${kinds[m[1]] ?? `${m[1]} target`} ${arn}`;
}
