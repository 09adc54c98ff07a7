/**
 * What the cost estimate and the diagram need to know about an app, read from the synthesized
 * assembly: the app model (lib/model) plus a few template properties the model does not carry
 * (architecture, log retention, provisioned concurrency, alarms, construct paths for names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAssembly, type AppModel, type CfnResource } from '../model';
import { type OpsEventSource, type OpsTable, queueTargetOf, readEventSources, readQueueRoutes, readRedrives, readTables } from './sources';

export type { OpsEventSource, OpsTable } from './sources';

/** A function, named as in the app (`PlaceOrder`), not by its physical name. */
export interface OpsFunction {
  readonly stack: string;
  readonly logicalId: string;
  /** The construct id it was declared with, else its logical id. */
  readonly name: string;
  readonly arn: string;
  readonly memoryMb: number;
  readonly architecture: 'x86_64' | 'arm64';
  /** Days its log group keeps logs; undefined when they never expire. */
  readonly logRetentionDays?: number;
  /** Provisioned concurrency on its alias (0 when none). */
  readonly provisionedConcurrency: number;
  /** Names of the custom buses it publishes to (its environment names them). */
  readonly publishesTo: readonly string[];
  /** Logical id of the queue its failed async invocations go to. */
  readonly onFailureQueue?: string;
  /** Bytes of its deployed code (the asset folder, unzipped). */
  readonly codeBytes: number;
}

/** An HTTP route, to a function or (SQS-SendMessage) to a queue. */
export interface OpsRoute {
  readonly key: string;
  readonly api: string;
  readonly functionLogicalId?: string;
  readonly queueLogicalId?: string;
}

/** A rule: on a bus with a pattern, or a schedule. */
export interface OpsRule {
  readonly logicalId: string;
  /** The subscription or schedule name it was declared with, else its logical id. */
  readonly name: string;
  readonly bus: string;
  readonly pattern?: Readonly<Record<string, unknown>>;
  readonly schedule?: string;
  /** True for an EventBridge Scheduler schedule (billed per invocation), false or absent for a rule. */
  readonly scheduler?: boolean;
  readonly enabled: boolean;
  readonly targets: ReadonlyArray<OpsRuleTarget>;
}

/** Where a rule delivers: a function, a queue, or another event bus (forwarding), with the dead-letter queue of failed deliveries. */
export interface OpsRuleTarget {
  readonly functionLogicalId?: string;
  readonly queueLogicalId?: string;
  /** The name of the event bus the rule forwards its events to. */
  readonly busName?: string;
  readonly deadLetterQueue?: string;
}

/** An SQS queue. */
export interface OpsQueue {
  readonly logicalId: string;
  readonly name: string;
  readonly fifo: boolean;
  /** Where its messages go after `maxReceiveCount` receives. */
  readonly deadLetterQueue?: string;
  readonly maxReceiveCount?: number;
}

/** An HTTP API and its access log retention. */
export interface OpsApi {
  readonly logicalId: string;
  readonly name: string;
  /** Days access logs are kept; undefined when there are none or they never expire. */
  readonly accessLogRetentionDays?: number;
  readonly accessLogs: boolean;
}

/** Everything operations tooling reads, as plain data. */
export interface OpsApp {
  readonly region: string;
  readonly functions: readonly OpsFunction[];
  readonly apis: readonly OpsApi[];
  readonly routes: readonly OpsRoute[];
  /** Names of the custom buses. */
  readonly buses: readonly string[];
  /** How to show each custom bus: its construct id (`Bus`) and name. */
  readonly busLabels: Readonly<Record<string, string>>;
  readonly rules: readonly OpsRule[];
  readonly queues: readonly OpsQueue[];
  readonly tables: readonly OpsTable[];
  /** Lambda event source mappings reading queues and table streams. */
  readonly eventSources: readonly OpsEventSource[];
  /** Bytes of every asset of the assembly (what `cdk deploy` uploads to the bootstrap bucket). */
  readonly assetBytes: number;
  /** CloudWatch bills alarms per metric: a metric-math alarm counts each metric it reads. */
  readonly alarmMetrics: number;
  readonly alarms: number;
  readonly dashboards: number;
}

type Resources = Record<string, CfnResource>;

/**
 * Reads {@link OpsApp} from a model and the assembly it was read from; with `only`, from those
 * stacks (artifact ids) alone, e.g. one region's of an app deployed to two.
 */
export function readOpsApp(whole: AppModel, only?: ReadonlySet<string>): OpsApp {
  const model = only ? ofStacks(whole, only) : whole;
  const stacks = loadAssembly(model.assemblyDir).filter((s) => !only || only.has(s.id));
  const templates = new Map(stacks.map((s) => [s.id, (s.template.Resources ?? {}) as Resources]));
  const resourceOf = (stack: string, id: string): CfnResource | undefined => templates.get(stack)?.[id];
  const functionByArn = new Map(model.functions.map((f) => [f.arn, f.logicalId]));
  const functionOf = (arn: string) => functionByArn.get(arn) ?? functionByArn.get(arn.replace(/^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+):.+$/, '$1'));
  const queueByArn = new Map(model.queues.map((q) => [q.arn, q.logicalId]));
  const customBuses = model.eventBuses.filter((b) => b.logicalId !== undefined).map((b) => b.name);

  const functions: OpsFunction[] = model.functions.map((f) => {
    const r = resourceOf(f.stack, f.logicalId);
    const p = (r?.Properties ?? {}) as Record<string, any>;
    const logGroupId = refOf(p.LoggingConfig?.LogGroup);
    const alias = Object.values(templates.get(f.stack) ?? {}).find((a) => a.Type === 'AWS::Lambda::Alias' && refOf((a.Properties as any)?.FunctionName) === f.logicalId && (a.Properties as any)?.ProvisionedConcurrencyConfig);
    return {
      stack: f.stack,
      logicalId: f.logicalId,
      name: nameOf(r, f.logicalId),
      arn: f.arn,
      memoryMb: f.memoryMb,
      architecture: Array.isArray(p.Architectures) && p.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
      logRetentionDays: retentionOf(logGroupId ? resourceOf(f.stack, logGroupId) : undefined),
      provisionedConcurrency: Number((alias?.Properties as any)?.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions ?? 0),
      publishesTo: customBuses.filter((bus) => Object.values(f.environment).includes(bus)),
      onFailureQueue: f.asyncConfig.onFailureArn ? queueByArn.get(f.asyncConfig.onFailureArn) : undefined,
      codeBytes: sizeOf(f.codeDir),
    };
  });

  const apis: OpsApi[] = model.httpApis.map((api) => {
    const resources = templates.get(api.stack) ?? {};
    const stage = Object.values(resources).find((s) => s.Type === 'AWS::ApiGatewayV2::Stage' && refOf((s.Properties as any)?.ApiId) === api.logicalId);
    const destination = (stage?.Properties as any)?.AccessLogSettings?.DestinationArn;
    return {
      logicalId: api.logicalId,
      name: nameOf(resourceOf(api.stack, api.logicalId), api.logicalId),
      accessLogs: destination !== undefined,
      accessLogRetentionDays: retentionOf(destination ? resources[refOf(destination) ?? ''] : undefined),
    };
  });

  let alarms = 0;
  let alarmMetrics = 0;
  let dashboards = 0;
  for (const resources of templates.values()) {
    for (const r of Object.values(resources)) {
      if (r.Type === 'AWS::CloudWatch::Dashboard') dashboards++;
      if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
      alarms++;
      const metrics = (r.Properties as any)?.Metrics as Array<{ MetricStat?: unknown }> | undefined;
      alarmMetrics += metrics ? metrics.filter((m) => m.MetricStat).length : 1;
    }
  }

  const rules: OpsRule[] = model.rules.map((rule) => ({
    logicalId: rule.logicalId,
    name: nameOf(resourceOf(rule.stack, rule.logicalId), rule.logicalId),
    bus: rule.eventBusName,
    pattern: rule.eventPattern,
    schedule: rule.scheduleExpression,
    enabled: rule.state === 'ENABLED',
    targets: rule.targets.map((t) => ({
      functionLogicalId: functionOf(t.arn),
      queueLogicalId: queueTargetOf(templates.get(rule.stack) ?? {}, targetArnOf(resourceOf(rule.stack, rule.logicalId), t.id)),
      busName: /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(t.arn)?.[1],
      deadLetterQueue: t.deadLetterArn ? queueByArn.get(t.deadLetterArn) : undefined,
    })),
  }));

  return {
    region: model.region,
    functions,
    apis,
    routes: [
      ...model.httpApis.flatMap((api) => api.routes.map((r) => ({ key: r.routeKey, api: api.logicalId, functionLogicalId: r.functionLogicalId }))),
      ...[...templates.values()].flatMap(readQueueRoutes),
    ],
    buses: customBuses,
    busLabels: Object.fromEntries(model.eventBuses.filter((b) => b.logicalId !== undefined).map((b) => [b.name, nameOf(resourceOf(b.stack!, b.logicalId!), b.name)])),
    rules: [...rules, ...(model.schedules ?? []).filter((s) => s.logicalId !== undefined).map((s) => ({
      logicalId: s.logicalId!,
      name: nameOf(resourceOf(s.stack!, s.logicalId!), s.logicalId!),
      bus: 'default',
      schedule: s.expression,
      scheduler: true,
      enabled: s.state === 'ENABLED',
      targets: [{ functionLogicalId: functionOf(s.target.arn), queueLogicalId: queueByArn.get(s.target.arn), deadLetterQueue: s.target.deadLetterArn ? queueByArn.get(s.target.deadLetterArn) : undefined }],
    }))],
    queues: model.queues.map((q) => {
      const redrive = readRedrives(templates.get(q.stack) ?? {}).get(q.logicalId);
      return { logicalId: q.logicalId, name: nameOf(resourceOf(q.stack, q.logicalId), q.logicalId), fifo: q.fifo, deadLetterQueue: redrive?.deadLetterQueue, maxReceiveCount: redrive?.maxReceiveCount };
    }),
    tables: model.tables.flatMap((t) => readTables({ [t.logicalId]: resourceOf(t.stack, t.logicalId)! }, (id) => nameOf(resourceOf(t.stack, id), id))),
    eventSources: [...templates.values()].flatMap(readEventSources),
    assetBytes: sum(stacks.flatMap((s) => [...new Set(s.assetsByObjectKey.values())].map(sizeOf))),
    alarmMetrics,
    alarms,
    dashboards,
  };
}

/** The model's resources of the given stacks (resources of no stack, like the default bus, stay). */
function ofStacks(model: AppModel, stacks: ReadonlySet<string>): AppModel {
  const keep = <T extends { readonly stack?: string }>(list: readonly T[] | undefined) => list?.filter((r) => r.stack === undefined || stacks.has(r.stack));
  return {
    ...model,
    functions: keep(model.functions)!,
    httpApis: keep(model.httpApis)!,
    eventBuses: keep(model.eventBuses)!,
    rules: keep(model.rules)!,
    schedules: keep(model.schedules),
    queues: keep(model.queues)!,
    tables: keep(model.tables)!,
  };
}

// Construct ids that say what a resource is rather than which one: name it after its parent.
const GENERIC = new Set(['Resource', 'Rule', 'Api', 'DeadLetters', 'Default']);

/** `Shop/Shop/ReserveStock/Rule/Resource` -> `ReserveStock`; `.../Nightly/DeadLetters/Resource` -> `Nightly DLQ`. */
export function nameOf(resource: CfnResource | undefined, fallback: string): string {
  const cdkPath = resource?.Metadata?.['aws:cdk:path'];
  // Without path metadata, the logical id less CDK's hash suffix is the best name there is.
  if (typeof cdkPath !== 'string') return fallback.replace(/(?<=.)[0-9A-F]{8}$/, '');
  const segments = cdkPath.split('/').filter((s) => s !== 'Resource');
  let last = segments.pop();
  const kind = last;
  while (last && GENERIC.has(last) && segments.length > 1) last = segments.pop();
  if (!last) return fallback;
  return kind === 'DeadLetters' ? `${last} DLQ` : last;
}

function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  }
  return undefined;
}

function retentionOf(logGroup: CfnResource | undefined): number | undefined {
  const days = (logGroup?.Properties as Record<string, unknown> | undefined)?.RetentionInDays;
  return typeof days === 'number' ? days : undefined;
}

/** The ARN given to a rule's target `id`, as written in the template (for a queue: `Fn::GetAtt [queue, Arn]`). */
function targetArnOf(rule: CfnResource | undefined, id: string): unknown {
  const targets = (rule?.Properties as { Targets?: Array<{ Id?: string; Arn?: unknown }> } | undefined)?.Targets ?? [];
  return targets.find((t) => t.Id === id)?.Arn;
}

/** Bytes of a file, or of every file under a folder; 0 when it is gone. */
function sizeOf(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.size;
  return sum(fs.readdirSync(file).map((entry) => sizeOf(path.join(file, entry))));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
