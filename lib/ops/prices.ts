/**
 * The price table `switchyard cost` uses: `prices.json` beside this file, list prices of one
 * date per region. Update the file (and its `date`) rather than the code when AWS changes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A price that falls as monthly volume grows: `upTo` is the tier's upper bound (null: none). */
export interface PriceTier {
  readonly upTo: number | null;
  readonly price: number;
}

/** The two Lambda architectures, named as in `Architectures`. */
export type Architecture = 'x86_64' | 'arm64';

/** Prices of one region. */
export interface RegionPrices {
  readonly lambda: {
    readonly requestsPerMillion: number;
    /** Per GB-second of on-demand duration, tiered on the month's GB-seconds of that architecture. */
    readonly gbSecond: Readonly<Record<Architecture, readonly PriceTier[]>>;
    /** Per GB-second that provisioned concurrency is configured, used or not. */
    readonly provisionedGbSecond: Readonly<Record<Architecture, number>>;
    /** Per GB-second of duration run on provisioned concurrency. */
    readonly provisionedDurationGbSecond: Readonly<Record<Architecture, number>>;
    /** Always-free monthly requests and GB-seconds, shared by both architectures. */
    readonly freeRequests: number;
    readonly freeGbSeconds: number;
    /** Code storage (every version and layer) is not billed; this is the region's quota. */
    readonly codeStorageQuotaGb: number;
  };
  readonly httpApi: { readonly perMillion: readonly PriceTier[]; readonly meteringKb: number };
  readonly eventBridge: { readonly customEventsPerMillion: number; readonly chunkKb: number };
  /** EventBridge Scheduler: per million invocations past the monthly free ones. */
  readonly scheduler: { readonly invocationsPerMillion: number; readonly freeInvocations: number };
  readonly sqs: { readonly standardPerMillion: number; readonly fifoPerMillion: number; readonly chunkKb: number; readonly freeRequests: number };
  /** On-demand capacity, Standard table class. */
  readonly dynamoDb: {
    readonly writeRequestUnitsPerMillion: number;
    readonly readRequestUnitsPerMillion: number;
    readonly storagePerGbMonth: number;
    /** Always free, per region. */
    readonly freeStorageGb: number;
    /** Streams read request units of consumers other than Lambda triggers (whose reads are free). */
    readonly streamReadRequestsPer100k: number;
    readonly freeStreamReadRequests: number;
  };
  readonly s3: { readonly standardPerGbMonth: number };
  readonly logs: { readonly ingestionPerGb: number; readonly storagePerGbMonth: number; readonly freeGb: number };
  readonly cloudWatch: { readonly alarmMetricPerMonth: number; readonly freeAlarmMetrics: number; readonly dashboardPerMonth: number; readonly freeDashboards: number };
}

/** The whole table. */
export interface PriceTable {
  /** The date the prices were read from AWS's pricing pages (YYYY-MM-DD). */
  readonly date: string;
  readonly currency: string;
  readonly sources: readonly string[];
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

/** Thrown for a region the table has no prices for. */
export class PriceTableError extends Error {
  /** Stable code. */
  readonly code = 'UnknownRegion';
}

/** Reads the price table (`file` defaults to the bundled `prices.json`). */
export function loadPriceTable(file = path.join(__dirname, 'prices.json')): PriceTable {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PriceTable;
}

/** The prices of `region`, or a {@link PriceTableError} listing the regions there are. */
export function pricesFor(table: PriceTable, region: string): RegionPrices {
  const prices = table.regions[region];
  if (!prices) {
    throw new PriceTableError(`No prices for region '${region}' in the price table of ${table.date}. Use --region with one of: ${Object.keys(table.regions).join(', ')} (or add the region to lib/ops/prices.json).`);
  }
  return prices;
}

/** The cost of `quantity` units under tiered prices per `unit` units, starting from `before` units already billed this month. */
export function tieredCost(tiers: readonly PriceTier[], quantity: number, unit = 1, before = 0): number {
  let cost = 0;
  let from = before;
  let left = quantity;
  for (const tier of tiers) {
    if (left <= 0) break;
    const room = tier.upTo === null ? left : Math.max(0, tier.upTo - from);
    const used = Math.min(room, left);
    cost += (used / unit) * tier.price;
    from += used;
    left -= used;
  }
  return cost;
}
