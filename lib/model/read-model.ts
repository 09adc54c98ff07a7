/**
 * Cloud assembly -> {@link AppModel}: loads every stack, builds each one's intrinsic resolver
 * and runs the resource readers.
 */
import * as path from 'node:path';
import type { LoadedStack } from './assembly';
import { unqualifiedFunctionArn, type StackContext } from './context';
import { IntrinsicResolver } from './intrinsics';
import { StackAttributes, type LocalEnvironment } from './physical';
import { readEventBuses, readQueues, readRules, readTables } from './read-events';
import { readEventSourceMappings } from './read-event-sources';
import { assertLocalNamesUnique, loadAssemblies, stackEnvironment } from './read-environments';
import { readGlobalEndpoints } from './read-endpoints';
import { readFunctions } from './read-functions';
import { readFunctionUrls } from './read-function-urls';
import { layerIndex, layerNotes } from './read-layers';
import { readParameters, readSecrets } from './read-parameters';
import { readResourcePolicies } from './read-permissions';
import { readHttpApis } from './read-http';
import { readRestApis } from './read-rest';
import { readScheduleGroups, readSchedules } from './read-scheduler';
import { displayNames, type NameSource } from './names';
import { noteCustomResourceAttributes, readCustomResources } from './read-custom-resources';
import { referencedIds } from './references';
import { isCustomResourceType } from './resource-types';
import type { AppModel, EventBusModel, OutputModel, ScheduleModel } from './types';
import { countNothingToRun, printedNames, readUnserved, unservedIndex, type UnservedIndex } from './unserved';

/** Options for {@link readAppModel}. */
export interface ReadAppModelOptions {
  /**
   * Region of the stacks not bound to one (`AWS::Region`); a stack whose environment names a
   * region keeps its own. @default 'us-east-1'
   */
  readonly region?: string;
  /** Account id of the stacks not bound to one (`AWS::AccountId`). @default '000000000000' */
  readonly accountId?: string;
  /** Base URL of the local AWS endpoint that queue URLs point at. @default 'http://127.0.0.1:4010' */
  readonly endpointUrl?: string;
  /** Folder that `switchyard:entry` metadata paths are relative to. @default process.cwd() */
  readonly projectDir?: string;
}

/** The model plus what could not be served locally, each with its reason. */
export interface ReadAppModelResult {
  readonly model: AppModel;
  /**
   * Parts of served resources that are not served (a route with an HTTP integration, a function
   * with inline code), one line each. Whole resources that are not served are in `model.unserved`.
   */
  readonly skipped: readonly string[];
}

/**
 * Reads a synthesized cloud assembly (or several, run together as one app) into an app model.
 * Each stack's resources are named in its own account and region (the manifest's environment,
 * else the defaults of `options`).
 *
 * @example
 * const { model } = readAppModel('cdk.out', { region: 'eu-west-1' });
 * model.functions.map((f) => f.name);
 * @throws AssemblyError when two assemblies hold stacks of the same id, or two stacks the same
 *   name in one account and region
 */
export function readAppModel(assemblyDir: string | readonly string[], options: ReadAppModelOptions = {}): ReadAppModelResult {
  const env: LocalEnvironment = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    partition: 'aws',
    endpointUrl: options.endpointUrl ?? 'http://127.0.0.1:4010',
  };
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const assemblies = typeof assemblyDir === 'string' ? [assemblyDir] : assemblyDir;
  const stacks = loadAssemblies(assemblies);
  const exports = new Map<string, string>();
  const ssmParameters = new Map<string, string>();
  const contexts = stacks.map((stack) => contextOf(stack, stackEnvironment(stack, env), projectDir, exports, ssmParameters));
  // Exports first, so that Fn::ImportValue in later stacks resolves.
  for (const ctx of contexts) {
    for (const output of Object.values(ctx.stack.template.Outputs ?? {})) {
      if (output.Export?.Name === undefined) continue;
      try {
        exports.set(ctx.resolver.resolveString(output.Export.Name), ctx.resolver.resolveString(output.Value));
      } catch {
        // An output nothing local needs may use intrinsics we do not serve; imports of it fail loudly later.
      }
    }
    // SSM parameters of the app by name, so that another stack's SSM-typed parameters resolve to them.
    for (const r of Object.values(ctx.stack.template.Resources ?? {})) {
      if (r.Type !== 'AWS::SSM::Parameter' || r.Properties?.Name === undefined) continue;
      const name = tryResolve(ctx, r.Properties.Name).value;
      const value = tryResolve(ctx, r.Properties.Value).value;
      if (name !== undefined && value !== undefined) ssmParameters.set(name, value);
    }
  }

  const skipped: string[] = [];
  const layers = layerIndex(contexts);
  const functions = contexts.flatMap((ctx) => readFunctions(ctx, layers));
  const byArn = new Map(functions.map((f) => [f.arn, f.logicalId]));
  const resolveFn = new Map<string, string>();
  for (const ctx of contexts) {
    for (const [id, r] of Object.entries(ctx.stack.template.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Alias' && r.Type !== 'AWS::Lambda::Version') continue;
      const qualified = ctx.attributes.ref(id);
      const fnId = byArn.get(unqualifiedFunctionArn(qualified));
      if (fnId) resolveFn.set(qualified, fnId);
    }
  }
  for (const [arn, id] of byArn) resolveFn.set(arn, id);
  // Integration URIs may be a function ARN, a qualified one, or API Gateway's invocation URI.
  const functionOf = (arn: string) => resolveFn.get(arn) ?? resolveFn.get(unqualifiedFunctionArn(arn));

  const unserved = unservedIndex(contexts, functions);
  const customBuses = contexts.flatMap(readEventBuses);
  const namedFunctions = named(contexts, functions, 'FunctionName');
  const rules = named(contexts, contexts.flatMap((ctx) => readRules(ctx, unserved)), 'Name');
  const queues = named(contexts, contexts.flatMap(readQueues), 'QueueName');
  const tables = contexts.flatMap(readTables);
  assertLocalNamesUnique('function', functions);
  assertLocalNamesUnique('queue', queues);
  assertLocalNamesUnique('table', tables);
  const model: AppModel = {
    assemblyDir: path.resolve(assemblies[0]),
    assemblyDirs: assemblies.length > 1 ? assemblies.map((a) => path.resolve(a)) : undefined,
    region: env.region,
    accountId: env.accountId,
    functions: namedFunctions,
    httpApis: contexts.flatMap((ctx) => readHttpApis(ctx, functionOf, skipped)),
    restApis: contexts.flatMap((ctx) => readRestApis(ctx, functionOf, skipped)),
    eventBuses: named(contexts, [...defaultBuses(env, contexts), ...customBuses.filter((b) => b.name !== 'default')], 'Name'),
    rules,
    schedules: scheduleNames(named(contexts, contexts.flatMap(readSchedules), 'Name')),
    scheduleGroups: contexts.flatMap(readScheduleGroups),
    queues,
    tables,
    eventSourceMappings: contexts.flatMap((ctx) => readEventSourceMappings(ctx, { queues, tables, functionOf }, skipped)),
    outputs: contexts.flatMap((ctx) => readOutputs(ctx, unserved)),
    customResources: contexts.flatMap((ctx) => readCustomResources(ctx, functionOf, skipped)),
    functionUrls: contexts.flatMap((ctx) => readFunctionUrls(ctx, functionOf)),
    parameters: contexts.flatMap((ctx) => readParameters(ctx, skipped)),
    secrets: contexts.flatMap((ctx) => readSecrets(ctx, skipped)),
    resourcePolicies: contexts.flatMap(readResourcePolicies),
    globalEndpoints: contexts.flatMap(readGlobalEndpoints),
    unserved: readUnserved(contexts, unserved, printedNames(namedFunctions, rules)),
    nothingToRun: countNothingToRun(contexts),
  };
  for (const ctx of contexts) noteCustomResourceAttributes(ctx, namedFunctions, skipped);
  skipped.push(...layerNotes(namedFunctions, layers));
  return { model, skipped };
}

/**
 * The default bus of every account and region the app's stacks are in (the defaults' first, even
 * when no stack is there: a PutEvents without a bus name goes to it), as each account has one.
 */
function defaultBuses(env: LocalEnvironment, contexts: readonly StackContext[]): EventBusModel[] {
  const arns = [env, ...contexts.map((c) => c.env)].map((e) => `arn:${e.partition}:events:${e.region}:${e.accountId}:event-bus/default`);
  return [...new Set(arns)].map((arn) => ({ name: 'default', arn }));
}

/** The items of one kind with their display names (see names.ts). */
function named<T extends { name: string; arn: string; logicalId?: string; stack?: string }>(contexts: readonly StackContext[], items: readonly T[], nameProperty: string): T[] {
  const resourceOf = (x: T) => contexts.find((c) => c.stack.id === x.stack)?.stack.template.Resources?.[x.logicalId ?? ''];
  const sources: NameSource[] = items.map((x) => ({ name: x.name, arn: x.arn, logicalId: x.logicalId ?? x.name, resource: resourceOf(x) }));
  const names = displayNames(sources, nameProperty);
  return items.map((x, i) => ({ ...x, displayName: names[i] }));
}

/**
 * The stack's outputs with their values resolved; one that cannot be resolved says why: it
 * names a resource that is not served, or is an attribute of a custom resource, known once the
 * local runtime has created it.
 */
function readOutputs(ctx: StackContext, unserved: UnservedIndex): OutputModel[] {
  return Object.entries(ctx.stack.template.Outputs ?? {}).map(([key, output]) => {
    const base = { stack: ctx.stack.id, key, description: output.Description, exportName: output.Export?.Name === undefined ? undefined : tryResolve(ctx, output.Export.Name).value };
    const notServed = [...referencedIds(output.Value)].map((id) => unserved.get(ctx.stack.id)?.get(id)).find((e) => e !== undefined);
    if (notServed) return { ...base, unresolved: `${notServed.type} ${notServed.displayName} is not served by switchyard dev` };
    const attribute = customResourceAttribute(ctx, output.Value);
    if (attribute) return { ...base, customResourceAttribute: attribute, unresolved: `attribute ${attribute.attribute} of custom resource ${attribute.logicalId}, known once it is created` };
    return { ...base, ...tryResolve(ctx, output.Value) };
  });
}

/** `Fn::GetAtt [Id, Attribute]` of a custom resource. */
function customResourceAttribute(ctx: StackContext, value: unknown): { logicalId: string; attribute: string } | undefined {
  const att = (value as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  const [logicalId, attribute] = Array.isArray(att) ? att.map(String) : typeof att === 'string' ? [att.slice(0, att.indexOf('.')), att.slice(att.indexOf('.') + 1)] : [];
  const type = logicalId === undefined ? undefined : ctx.stack.template.Resources?.[logicalId]?.Type;
  return type && isCustomResourceType(type) ? { logicalId, attribute } : undefined;
}

function tryResolve(ctx: StackContext, value: unknown): { value?: string; unresolved?: string } {
  try {
    return { value: ctx.resolver.resolveString(value) };
  } catch (err) {
    return { unresolved: (err as Error).message };
  }
}

function contextOf(stack: LoadedStack, env: LocalEnvironment, projectDir: string, exports: Map<string, string>, ssmParameters: Map<string, string>): StackContext {
  const attributes = new StackAttributes(stack.stackName, stack.template.Resources ?? {}, env);
  const resolver = new IntrinsicResolver(
    stack.template,
    { region: env.region, accountId: env.accountId, stackName: stack.stackName, partition: env.partition, urlSuffix: 'amazonaws.com' },
    attributes,
    exports,
    ssmParameters,
  );
  attributes.resolver = resolver;
  return { stack, resolver, attributes, env, projectDir };
}

/**
 * A schedule the template names is shown as `group/name` outside the `default` group, as
 * Scheduler's console lists it: the same name may exist in two groups. One CDK names for you is
 * shown by the id it was declared with, like every other resource (names.ts keeps those unique).
 */
function scheduleNames(schedules: ScheduleModel[]): ScheduleModel[] {
  return schedules.map((s) => (s.groupName !== 'default' && s.displayName === s.name ? { ...s, displayName: `${s.groupName}/${s.name}` } : s));
}
