/**
 * The cost of an app deployed to two regions (`MultiRegionApp`, or any assembly whose stacks
 * name two regions, or a stack with an EventBridge global endpoint): the primary region's stacks
 * are estimated as usual, and the secondary region runs the same app with the part of the
 * traffic that reaches it.
 *
 * What reaches the secondary (each a share of the usage file's figures):
 * - HTTP requests and direct invocations: `secondary.requestShare` (0 with failover routing, the
 *   default: the secondary waits; about 0.5 with latency routing);
 * - events, and what they feed (queue messages, table reads and writes): all of them when the
 *   global endpoint replicates (the secondary's rules process replicated events too), else the
 *   request share (events its own handlers publish). Replicated events are custom events of the
 *   secondary's bus, billed as such;
 * - schedules fire in both regions (each stack has them), and each region has its own alarms,
 *   dashboard and deployment assets.
 *
 * Free tiers (Lambda, SQS, CloudWatch, Logs, Scheduler) are the account's, not the region's: they
 * are applied once, in the primary's lines (DynamoDB's free storage is per region, and stays).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAssembly, type AppModel, type CfnResource } from '../model';
import { estimateCost, type CostLine, type CostReport, type FunctionCost } from './cost';
import type { OpsApp } from './facts';
import type { RegionPrices } from './prices';
import type { MeasuredDurations, Usage } from './usage';

/** Where an assembly's stacks run. */
export interface RegionLayout {
  /** The region estimated as the app's own. */
  readonly primary: string;
  /** The region the app fails over to, when there is one. */
  readonly secondary?: string;
  /** True when a global endpoint replicates events to the secondary. */
  readonly replication: boolean;
  /** Artifact ids of the primary region's stacks (all stacks when the assembly has one region). */
  readonly primaryStacks: ReadonlySet<string>;
}

/**
 * Reads the regions of the assembly's stacks (their manifest environments) and its global
 * endpoint. The primary is the global endpoint's region, else `preferred` when a stack is there,
 * else the first stack's; stacks without a concrete region count as the primary's.
 */
export function regionLayout(model: AppModel, preferred: string): RegionLayout {
  const stacks = loadAssembly(model.assemblyDir).map((s) => ({ id: s.id, region: regionOf(s.dir, s.id), resources: Object.values((s.template.Resources ?? {}) as Record<string, CfnResource>) }));
  const endpoint = stacks.flatMap((s) => s.resources.filter((r) => r.Type === 'AWS::Events::Endpoint').map((r) => ({ region: s.region, props: r.Properties as EndpointProps | undefined })))[0];
  const regions = [...new Set(stacks.map((s) => s.region).filter((r): r is string => r !== undefined))];
  const primary = endpoint?.region ?? (regions.includes(preferred) || regions.length === 0 ? preferred : regions[0]!);
  const route = endpoint?.props?.RoutingConfig?.FailoverConfig?.Secondary?.Route;
  const secondary = typeof route === 'string' ? route : regions.find((r) => r !== primary);
  return {
    primary,
    secondary,
    replication: endpoint !== undefined && endpoint.props?.ReplicationConfig?.State !== 'DISABLED',
    primaryStacks: new Set(stacks.filter((s) => s.region === undefined || s.region === primary).map((s) => s.id)),
  };
}

interface EndpointProps {
  readonly RoutingConfig?: { readonly FailoverConfig?: { readonly Secondary?: { readonly Route?: unknown } } };
  readonly ReplicationConfig?: { readonly State?: string };
}

/** `aws://<account>/<region>` of the stack artifact, when concrete. */
function regionOf(assemblyDir: string, artifactId: string): string | undefined {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8')) as { artifacts?: Record<string, { environment?: string }> };
  const region = /^aws:\/\/[^/]+\/(.+)$/.exec(manifest.artifacts?.[artifactId]?.environment ?? '')?.[1];
  return region && region !== 'unknown-region' ? region : undefined;
}

/** The secondary region's share of the traffic, from the usage file. */
export interface SecondaryUsage {
  /**
   * Share (0 to 1) of HTTP requests and direct invocations the secondary serves.
   * @default 0 (failover routing: the secondary serves only during a failover)
   */
  readonly requestShare?: number;
}

/**
 * The primary's estimate plus the secondary's lines and functions, each marked with its region,
 * and totals of both. Without a secondary, the primary's estimate as is.
 */
export function estimateRegions(app: OpsApp, usage: Usage, prices: RegionPrices, layout: RegionLayout, secondaryPrices: RegionPrices | undefined, measured?: MeasuredDurations): CostReport {
  const primary = estimateCost(app, usage, prices, measured);
  const region = layout.secondary;
  if (!region) return primary;
  const share = usage.secondary?.requestShare ?? 0;
  const eventShare = layout.replication ? 1 : share;
  const second = estimateCost(app, scaleUsage(usage, share, eventShare), withoutFreeTiers(secondaryPrices ?? prices), measured);
  const mark = (item: string) => `${item} (${region})`;
  const lines: CostLine[] = second.lines
    .filter((l) => !(l.cost === 0 && /free tier/.test(l.item)))
    .map((l) => ({ ...l, item: mark(l.service === 'EventBridge' && layout.replication && /^custom events/.test(l.item) ? `replicated ${l.item}` : l.item) }));
  const functions: FunctionCost[] = second.functions.map((f) => ({ ...f, name: mark(f.name) }));
  const byService = { ...primary.byService };
  for (const l of lines) byService[l.service] += l.cost;
  const notes = [
    ...primary.notes,
    `${region} runs the same app with ${Math.round(share * 100)}% of HTTP requests (usage secondary.requestShare) and ${layout.replication ? 'every event (the global endpoint replicates them)' : `${Math.round(share * 100)}% of events`}; its schedules fire too. Free tiers are applied once, in ${layout.primary}.`,
    ...(secondaryPrices ? [] : [`No prices for ${region} in the price table: priced at ${primary.region}'s.`]),
  ];
  return { ...primary, secondaryRegion: region, functions: [...primary.functions, ...functions], lines: [...primary.lines, ...lines], byService, total: primary.total + sum(lines.map((l) => l.cost)), notes };
}

/** The usage file's figures as the secondary sees them. */
function scaleUsage(usage: Usage, share: number, eventShare: number): Usage {
  const scale = <T extends object>(map: Readonly<Record<string, T>> | undefined, factor: number, keys: readonly (keyof T)[]) =>
    map && Object.fromEntries(Object.entries(map).map(([name, u]) => [name, { ...u, ...Object.fromEntries(keys.filter((k) => typeof u[k] === 'number').map((k) => [k, (u[k] as number) * factor])) }]));
  return {
    ...usage,
    routes: scale(usage.routes, share, ['requestsPerMonth']),
    functions: scale(usage.functions, share, ['invocationsPerMonth']),
    rules: scale(usage.rules, eventShare, ['eventsPerMonth']),
    queues: scale(usage.queues, eventShare, ['messagesPerMonth']),
    tables: scale(usage.tables, eventShare, ['readsPerMonth', 'writesPerMonth', 'streamRecordsPerMonth', 'streamReadRequestsPerMonth']),
    eventsPublishedPerMonth: usage.eventsPublishedPerMonth === undefined ? undefined : usage.eventsPublishedPerMonth * eventShare,
  };
}

/** A region's prices with the account-wide free allowances already used up (by the primary). */
function withoutFreeTiers(prices: RegionPrices): RegionPrices {
  return {
    ...prices,
    lambda: { ...prices.lambda, freeRequests: 0, freeGbSeconds: 0 },
    logs: { ...prices.logs, freeGb: 0 },
    cloudWatch: { ...prices.cloudWatch, freeAlarmMetrics: 0, freeDashboards: 0 },
    scheduler: { ...prices.scheduler, freeInvocations: 0 },
    sqs: { ...prices.sqs, freeRequests: 0 },
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
