/**
 * The monthly cost estimate: app facts x usage x price table. Pure arithmetic, no I/O, so that
 * a table test can check it against hand-computed cases.
 *
 * Billing rules applied (from the AWS pricing pages, see prices.json):
 * - Lambda: requests, plus GB-seconds at the function's memory and architecture, the average
 *   duration rounded up to the millisecond; duration tiers apply to the month's GB-seconds per
 *   architecture, and a function's share of a tiered cost is proportional to its GB-seconds.
 *   The always-free 1M requests and 400,000 GB-seconds are one credit line (shared by both
 *   architectures in proportion to their GB-seconds); per-function figures are before it.
 *   Provisioned concurrency is billed for every second of the month, and the function's
 *   invocations are assumed to run on it (at the provisioned duration price).
 * - HTTP API: requests, each metered in 512 KB increments of its payload, tiered per month.
 *   The 12-month free tier of new accounts is not applied.
 * - EventBridge: events put on custom buses, each 64 KB chunk one event, and events a rule
 *   forwards to another bus, billed again there as custom events; schedule events and
 *   deliveries to other targets are free.
 * - SQS, DynamoDB, and the storage of code and artifacts: see cost-data.ts. Queue messages and
 *   stream records also invoke their consumers (per batch with a batching window, else one by one).
 * - CloudWatch Logs: ingestion, and storage at steady state (a month's logs times the
 *   retention in months; logs that never expire are counted for 12 months), 5 GB free.
 * - CloudWatch: alarms per metric they read, dashboards, beyond the free ones.
 */
import { dynamoDbCost, eventSourceInvocations, ruleEventsPerMonth, sqsCost, storageCost } from './cost-data';
import type { OpsApp, OpsFunction, OpsRule } from './facts';
import { type Architecture, type RegionPrices, tieredCost } from './prices';
import { HOURS_PER_MONTH, firingsPerMonth } from './schedule-rate';
import { type MeasuredDurations, type Usage, type UsageDefaults, USAGE_DEFAULTS } from './usage';

/** The services an estimate is broken down by. */
export type Service = 'Lambda' | 'API Gateway' | 'EventBridge' | 'EventBridge Scheduler' | 'SQS' | 'DynamoDB' | 'S3' | 'CloudWatch Logs' | 'CloudWatch';

/** One function's month. */
export interface FunctionCost {
  readonly name: string;
  readonly architecture: Architecture;
  readonly memoryMb: number;
  readonly invocations: number;
  readonly avgDurationMs: number;
  /** Where the duration came from. */
  readonly durationFrom: 'usage' | 'measured' | 'default';
  readonly gbSeconds: number;
  readonly requestsCost: number;
  readonly durationCost: number;
  readonly provisionedCost: number;
  readonly logsCost: number;
  /** Before the free tier credit. */
  readonly total: number;
}

/** A priced quantity. */
export interface CostLine {
  readonly service: Service;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly cost: number;
}

/** The estimate. */
export interface CostReport {
  readonly region: string;
  /** The second region the app runs in, whose lines and functions are marked with it (see regions.ts). */
  readonly secondaryRegion?: string;
  readonly functions: readonly FunctionCost[];
  readonly lines: readonly CostLine[];
  readonly byService: Readonly<Record<Service, number>>;
  readonly total: number;
  /** Assumptions worth reading next to the figures. */
  readonly notes: readonly string[];
}

const GB_PER_KB = 1 / (1024 * 1024);
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const NEVER_EXPIRES_MONTHS = 12;

/** Estimates a month of `app` under `usage`. */
export function estimateCost(app: OpsApp, usage: Usage, prices: RegionPrices, measured?: MeasuredDurations): CostReport {
  const d: UsageDefaults = { ...USAGE_DEFAULTS, ...usage.defaults };
  const notes: string[] = [];
  const lines: CostLine[] = [];
  const line = (service: Service, item: string, quantity: number, unit: string, cost: number) => lines.push({ service, item, quantity, unit, cost });

  // Invocations per function, from what triggers it.
  const invocations = new Map<string, number>(app.functions.map((f) => [f.logicalId, usage.functions?.[f.name]?.invocationsPerMonth ?? 0]));
  const add = (fn: string | undefined, n: number) => fn && invocations.has(fn) && invocations.set(fn, invocations.get(fn)! + n);
  for (const route of app.routes) add(route.functionLogicalId, usage.routes?.[route.key]?.requestsPerMonth ?? 0);
  let schedulerInvocations = 0;
  for (const rule of app.rules) {
    if (!rule.enabled) continue;
    // A one-time at() schedule runs once, in one month: not a monthly cost.
    const oneTime = rule.schedule?.startsWith('at(') === true;
    const firings = ruleEventsPerMonth(rule, usage);
    if (rule.schedule && !oneTime && firingsPerMonth(rule.schedule) === undefined) notes.push(`Schedule of ${rule.name} (${rule.schedule}) could not be read; counted as 0 firings.`);
    for (const target of rule.targets) add(target.functionLogicalId, firings);
    if (rule.scheduler) schedulerInvocations += firings * rule.targets.length;
  }
  if (app.rules.some((r) => r.scheduler)) {
    const s = prices.scheduler;
    line('EventBridge Scheduler', `invocations (${s.freeInvocations / 1e6}M free a month)`, schedulerInvocations, 'invocations', (Math.max(0, schedulerInvocations - s.freeInvocations) / 1e6) * s.invocationsPerMillion);
  }
  for (const [fn, n] of eventSourceInvocations(app, usage)) add(fn, n);

  // Lambda duration: on-demand GB-seconds per architecture are tiered together.
  const gbs = (f: OpsFunction, ms: number) => invocations.get(f.logicalId)! * (Math.ceil(ms) / 1000) * (f.memoryMb / 1024);
  const durations = new Map(app.functions.map((f) => [f.logicalId, durationOf(f, usage, measured, d)]));
  const onDemand: Record<Architecture, number> = { x86_64: 0, arm64: 0 };
  for (const f of app.functions) if (f.provisionedConcurrency === 0) onDemand[f.architecture] += gbs(f, durations.get(f.logicalId)!.ms);
  const tierCost: Record<Architecture, number> = {
    x86_64: tieredCost(prices.lambda.gbSecond.x86_64, onDemand.x86_64),
    arm64: tieredCost(prices.lambda.gbSecond.arm64, onDemand.arm64),
  };

  const functions: FunctionCost[] = app.functions.map((f) => {
    const n = invocations.get(f.logicalId)!;
    const { ms, from } = durations.get(f.logicalId)!;
    const gbSeconds = gbs(f, ms);
    const arch = f.architecture;
    const provisioned = f.provisionedConcurrency > 0;
    const durationCost = provisioned
      ? gbSeconds * prices.lambda.provisionedDurationGbSecond[arch]
      : onDemand[arch] > 0 ? (gbSeconds / onDemand[arch]) * tierCost[arch] : 0;
    const provisionedCost = f.provisionedConcurrency * (f.memoryMb / 1024) * SECONDS_PER_MONTH * prices.lambda.provisionedGbSecond[arch];
    const logKb = usage.functions?.[f.name]?.logKbPerInvocation ?? d.logKbPerInvocation;
    const logsCost = logCost(n * logKb * GB_PER_KB, f.logRetentionDays, prices);
    const requestsCost = (n / 1e6) * prices.lambda.requestsPerMillion;
    return {
      name: f.name, architecture: arch, memoryMb: f.memoryMb, invocations: n, avgDurationMs: ms, durationFrom: from, gbSeconds,
      requestsCost, durationCost, provisionedCost, logsCost, total: requestsCost + durationCost + provisionedCost + logsCost,
    };
  });
  if (app.functions.some((f) => f.logRetentionDays === undefined)) notes.push(`Logs that never expire are counted as ${NEVER_EXPIRES_MONTHS} months of storage.`);

  const totalInvocations = sum(functions.map((f) => f.invocations));
  line('Lambda', 'requests', totalInvocations, 'requests', sum(functions.map((f) => f.requestsCost)));
  for (const arch of ['arm64', 'x86_64'] as const) {
    const fs = functions.filter((f) => f.architecture === arch);
    if (fs.length) line('Lambda', `duration (${arch})`, sum(fs.map((f) => f.gbSeconds)), 'GB-s', sum(fs.map((f) => f.durationCost)));
  }
  const provisioned = functions.filter((f) => f.provisionedCost > 0);
  if (provisioned.length) line('Lambda', 'provisioned concurrency', sum(app.functions.map((f) => f.provisionedConcurrency)), 'environments', sum(provisioned.map((f) => f.provisionedCost)));
  const freeRequests = Math.min(prices.lambda.freeRequests, totalInvocations);
  const totalOnDemand = onDemand.x86_64 + onDemand.arm64;
  const freeGbs = Math.min(prices.lambda.freeGbSeconds, totalOnDemand);
  const gbsCredit = totalOnDemand === 0 ? 0 : (['x86_64', 'arm64'] as const).reduce((c, a) => c + freeGbs * (onDemand[a] / totalOnDemand) * prices.lambda.gbSecond[a][0].price, 0);
  line('Lambda', 'free tier (1M requests, 400,000 GB-s)', freeGbs, 'GB-s', -((freeRequests / 1e6) * prices.lambda.requestsPerMillion + gbsCredit));
  const storage = storageCost(app, usage, prices);
  lines.push(...storage.lines);
  notes.push(...storage.notes);

  // HTTP API requests, metered per 512 KB of payload.
  const metered = sum(app.routes.map((r) => {
    const u = usage.routes?.[r.key];
    return (u?.requestsPerMonth ?? 0) * Math.max(1, Math.ceil((u?.payloadKb ?? d.payloadKb) / prices.httpApi.meteringKb));
  }));
  if (app.routes.length) line('API Gateway', 'HTTP API requests (512 KB metering)', metered, 'requests', tieredCost(prices.httpApi.perMillion, metered, 1e6));
  const requests = sum(app.routes.map((r) => usage.routes?.[r.key]?.requestsPerMonth ?? 0));
  const accessLogs = app.apis.filter((a) => a.accessLogs);
  if (accessLogs.length) {
    const gb = requests * d.accessLogKb * GB_PER_KB;
    line('CloudWatch Logs', 'HTTP API access logs', gb, 'GB', logCost(gb, accessLogs[0].accessLogRetentionDays, prices));
  }

  // EventBridge custom events, per 64 KB chunk.
  const published = customEvents(app, usage, d, prices.eventBridge.chunkKb, notes);
  if (app.buses.length) line('EventBridge', 'custom events (64 KB chunks)', published, 'events', (published / 1e6) * prices.eventBridge.customEventsPerMillion);

  // Queues and tables.
  for (const part of [sqsCost(app, usage, prices, d.eventKb), dynamoDbCost(app, usage, prices)]) {
    lines.push(...part.lines);
    notes.push(...part.notes);
  }

  // Function logs, then the free 5 GB against ingestion.
  const ingested = sum(functions.map((f) => f.invocations * (usage.functions?.[f.name]?.logKbPerInvocation ?? d.logKbPerInvocation) * GB_PER_KB)) + (accessLogs.length ? requests * d.accessLogKb * GB_PER_KB : 0);
  line('CloudWatch Logs', 'function logs (ingestion and storage)', ingested - (accessLogs.length ? requests * d.accessLogKb * GB_PER_KB : 0), 'GB', sum(functions.map((f) => f.logsCost)));
  line('CloudWatch Logs', `free tier (${prices.logs.freeGb} GB)`, Math.min(prices.logs.freeGb, ingested), 'GB', -Math.min(prices.logs.freeGb, ingested) * prices.logs.ingestionPerGb);

  const cw = prices.cloudWatch;
  line('CloudWatch', `alarms (${app.alarms} alarms, ${app.alarmMetrics} metrics)`, app.alarmMetrics, 'alarm metrics', Math.max(0, app.alarmMetrics - cw.freeAlarmMetrics) * cw.alarmMetricPerMonth);
  if (app.dashboards) line('CloudWatch', 'dashboards', app.dashboards, 'dashboards', Math.max(0, app.dashboards - cw.freeDashboards) * cw.dashboardPerMonth);

  const byService = { Lambda: 0, 'API Gateway': 0, EventBridge: 0, 'EventBridge Scheduler': 0, SQS: 0, DynamoDB: 0, S3: 0, 'CloudWatch Logs': 0, CloudWatch: 0 } as Record<Service, number>;
  for (const l of lines) byService[l.service] += l.cost;
  return { region: app.region, functions, lines, byService, total: sum(lines.map((l) => l.cost)), notes };
}

/**
 * Custom events a month, in 64 KB chunks: what the app puts on its buses (the usage file's
 * `eventsPublishedPerMonth`, else estimated from the rules, rules with the same pattern on the
 * same bus counted once), and what rules forward to other buses, which AWS bills again as
 * custom events on those buses. Estimated from the rules, a bus that receives forwarded events
 * counts at least those.
 */
function customEvents(app: OpsApp, usage: Usage, d: UsageDefaults, chunkKb: number, notes: string[]): number {
  const chunks = (kb: number) => Math.max(1, Math.ceil(kb / chunkKb));
  const eventsOf = (rule: OpsRule) => {
    const u = usage.rules?.[rule.name];
    return (u?.eventsPerMonth ?? 0) * chunks(u?.eventKb ?? d.eventKb);
  };
  // Per bus, per pattern: rules with the same pattern on the same bus see the same events.
  const byPattern = new Map<string, Map<string, number>>();
  // A disabled rule's events are still put on its bus: its usage says how many match it.
  for (const rule of app.rules.filter((r) => r.pattern && r.bus !== 'default')) {
    const patterns = byPattern.get(rule.bus) ?? new Map<string, number>();
    byPattern.set(rule.bus, patterns);
    const key = JSON.stringify(rule.pattern);
    patterns.set(key, Math.max(patterns.get(key) ?? 0, eventsOf(rule)));
  }
  const forwarded = new Map<string, number>();
  for (const rule of app.rules.filter((r) => r.enabled && r.pattern && r.targets.some((t) => t.busName))) {
    const given = usage.rules?.[rule.name]?.eventsPerMonth !== undefined;
    // Unless the usage file says, as many as the rules with its pattern on its bus see.
    const n = given ? eventsOf(rule) : (byPattern.get(rule.bus)?.get(JSON.stringify(rule.pattern)) ?? 0);
    for (const target of rule.targets) {
      if (!target.busName) continue;
      forwarded.set(target.busName, (forwarded.get(target.busName) ?? 0) + n);
      notes.push(`Rule ${rule.name} forwards ${n.toLocaleString('en-US')} events a month to bus ${target.busName}, billed again there as custom events${given ? '' : ` (as many as the rules with its pattern see; set rules.${rule.name}.eventsPerMonth to change it)`}.`);
    }
  }
  if (usage.eventsPublishedPerMonth !== undefined) return usage.eventsPublishedPerMonth * chunks(d.eventKb) + sum([...forwarded.values()]);
  const buses = new Set([...byPattern.keys(), ...forwarded.keys()]);
  const published = sum([...buses].map((bus) => Math.max(sum([...(byPattern.get(bus)?.values() ?? [])]), forwarded.get(bus) ?? 0)));
  if (published > 0) notes.push('Events published are estimated from the rules (identical patterns on a bus counted once); set eventsPublishedPerMonth for events no rule matches.');
  return published;
}

function durationOf(f: OpsFunction, usage: Usage, measured: MeasuredDurations | undefined, d: UsageDefaults): { ms: number; from: FunctionCost['durationFrom'] } {
  const given = usage.functions?.[f.name]?.avgDurationMs;
  if (given !== undefined) return { ms: given, from: 'usage' };
  const m = measured?.functions[f.logicalId] ?? measured?.functions[f.name];
  if (m && m.invocations > 0) return { ms: m.avgMs, from: 'measured' };
  return { ms: d.avgDurationMs, from: 'default' };
}

/** Ingestion of `gb` a month plus its steady-state storage under the retention. */
function logCost(gb: number, retentionDays: number | undefined, prices: RegionPrices): number {
  const months = retentionDays === undefined ? NEVER_EXPIRES_MONTHS : retentionDays / DAYS_PER_MONTH;
  return gb * prices.logs.ingestionPerGb + gb * months * prices.logs.storagePerGbMonth;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
