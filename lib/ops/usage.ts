/**
 * The usage file of `switchyard cost` and the durations `switchyard dev` measures.
 *
 * Usage (JSON, every part optional; keys are route keys and the names the app declared):
 *
 * ```json
 * {
 *   "routes": { "POST /orders": { "requestsPerMonth": 1000000, "payloadKb": 2 } },
 *   "rules": { "ReserveStockOnOrderPlaced": { "eventsPerMonth": 1000000, "eventKb": 1 } },
 *   "functions": { "PlaceOrder": { "avgDurationMs": 120, "logKbPerInvocation": 1, "invocationsPerMonth": 0 } },
 *   "queues": { "NotifyCustomer DLQ": { "messagesPerMonth": 100 }, "Orders": { "messagesPerMonth": 500000, "messageKb": 2 } },
 *   "tables": { "Orders": { "writesPerMonth": 1000000, "readsPerMonth": 3000000, "itemKb": 2, "storageGb": 4 } },
 *   "storage": { "assetVersionsKept": 20 },
 *   "eventsPublishedPerMonth": 2000000,
 *   "secondary": { "requestShare": 0.5 },
 *   "defaults": { "avgDurationMs": 100, "logKbPerInvocation": 1, "payloadKb": 1, "eventKb": 1, "accessLogKb": 0.5 }
 * }
 * ```
 *
 * Schedules need no usage: their rate comes from the expression. Queues and tables are keyed by
 * the names `switchyard dev` prints (`Orders`, `Nightly DLQ`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SecondaryUsage } from './regions';

/** Usage of one HTTP route. */
export interface RouteUsage {
  readonly requestsPerMonth?: number;
  /** Request size in KB; HTTP APIs meter requests in 512 KB increments. */
  readonly payloadKb?: number;
}

/** Usage of one subscription rule. */
export interface RuleUsage {
  /** Events the rule matches (and delivers to its target) per month. */
  readonly eventsPerMonth?: number;
  /** Event size in KB; EventBridge bills each 64 KB chunk as one event. */
  readonly eventKb?: number;
}

/** Usage of one function beyond what routes and rules send it. */
export interface FunctionUsage {
  /** Average billed duration; defaults to what `switchyard dev` measured, then `defaults`. */
  readonly avgDurationMs?: number;
  readonly logKbPerInvocation?: number;
  /** Invocations from elsewhere (SDK calls, other services). */
  readonly invocationsPerMonth?: number;
}

/** Usage of one queue. */
export interface QueueUsage {
  /**
   * Messages per month. A queue Lambda consumes costs a send per message and a receive and a
   * delete per batch of up to 10; any other queue (a dead-letter queue) a send, a receive and
   * a delete per message.
   */
  readonly messagesPerMonth?: number;
  /** Size of a message in KB; SQS bills each 64 KB of a request as one request. */
  readonly messageKb?: number;
  /**
   * Messages per invocation of the consumer.
   * @default - the batch size with a batching window; 1 without (Lambda invokes as soon as a message arrives)
   */
  readonly messagesPerInvocation?: number;
  /**
   * ReceiveMessage calls Lambda's pollers make on the queue while it is empty.
   * @default - 5 pollers, each a 20-second long poll at a time: 657,000 a month
   */
  readonly pollingRequestsPerMonth?: number;
}

/** Usage of one DynamoDB table. */
export interface TableUsage {
  readonly readsPerMonth?: number;
  readonly writesPerMonth?: number;
  /** Item size in KB: a write takes one write request unit per KB, a read one read request unit per 4 KB. */
  readonly itemKb?: number;
  /** Reads are strongly consistent (a full read request unit; eventually consistent ones take half). */
  readonly consistentReads?: boolean;
  /** Data stored, in GB. */
  readonly storageGb?: number;
  /** Stream records per month for the table's Lambda consumers. @default - writesPerMonth */
  readonly streamRecordsPerMonth?: number;
  /** Stream records per invocation of a consumer. @default - the batch size with a batching window; 1 without */
  readonly recordsPerInvocation?: number;
  /** Stream read requests by consumers other than Lambda triggers (Lambda's are free). */
  readonly streamReadRequestsPerMonth?: number;
}

/** How much the deployments keep. */
export interface StorageUsage {
  /**
   * Versions of each asset kept in the CDK bootstrap bucket (it keeps every upload until
   * `cdk gc` removes it).
   * @default 1
   */
  readonly assetVersionsKept?: number;
  /**
   * Versions of each function's code kept by Lambda (safe deployment publishes one per deploy).
   * @default 1
   */
  readonly codeVersionsKept?: number;
}

/** Fallbacks for what a route, rule or function does not say. */
export interface UsageDefaults {
  readonly avgDurationMs: number;
  readonly logKbPerInvocation: number;
  readonly payloadKb: number;
  readonly eventKb: number;
  /** Bytes of one access log line of the HTTP API, in KB. */
  readonly accessLogKb: number;
}

/** A usage file. */
export interface Usage {
  readonly routes?: Readonly<Record<string, RouteUsage>>;
  readonly rules?: Readonly<Record<string, RuleUsage>>;
  readonly functions?: Readonly<Record<string, FunctionUsage>>;
  readonly queues?: Readonly<Record<string, QueueUsage>>;
  readonly tables?: Readonly<Record<string, TableUsage>>;
  readonly storage?: StorageUsage;
  /**
   * Events put on the app's buses per month (billed once however many rules match).
   * @default - the sum over subscription rules, counting rules with the same pattern once
   */
  readonly eventsPublishedPerMonth?: number;
  /** The secondary region's share of the traffic, for an app deployed to two regions. */
  readonly secondary?: SecondaryUsage;
  readonly defaults?: Partial<UsageDefaults>;
}

/** Defaults of {@link UsageDefaults}: a small JSON API. */
export const USAGE_DEFAULTS: UsageDefaults = { avgDurationMs: 100, logKbPerInvocation: 1, payloadKb: 1, eventKb: 1, accessLogKb: 0.5 };

/**
 * `.switchyard/durations.json`, written by the local runtime: measured durations per function,
 * keyed by logical id (or the declared name). Version 1:
 *
 * ```json
 * { "version": 1, "measuredAt": "2025-06-01T10:00:00Z",
 *   "functions": { "ShopFunctionsPlaceOrder418D3313": { "invocations": 40, "avgMs": 23.4, "p99Ms": 80 } } }
 * ```
 */
export interface MeasuredDurations {
  readonly version: 1;
  readonly measuredAt: string;
  readonly functions: Readonly<Record<string, { readonly invocations: number; readonly avgMs: number; readonly p99Ms?: number }>>;
}

/** Where the local runtime writes measured durations, relative to the project folder. */
export const DURATIONS_FILE = path.join('.switchyard', 'durations.json');

/** Thrown for a usage file that cannot be read. */
export class UsageError extends Error {
  /** Stable code. */
  readonly code = 'InvalidUsage';
}

/** Reads and checks a usage file. */
export function readUsage(file: string): Usage {
  let usage: unknown;
  try {
    usage = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`Cannot read usage file ${file}: ${(err as Error).message}`);
  }
  if (!usage || typeof usage !== 'object' || Array.isArray(usage)) throw new UsageError(`Usage file ${file} must hold a JSON object`);
  checkNumbers(usage, file);
  return usage as Usage;
}

/** Reads the measured durations, when the local runtime has written any. */
export function readMeasuredDurations(projectDir: string): MeasuredDurations | undefined {
  const file = path.join(projectDir, DURATIONS_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as MeasuredDurations;
    return parsed.version === 1 && parsed.functions ? parsed : undefined;
  } catch {
    return undefined; // a half-written file must not break an estimate
  }
}

// Every leaf of a usage file is a number or an object of numbers (and the few flags are
// booleans): catch "1M" and negatives early.
const FLAGS = new Set(['consistentReads']);
function checkNumbers(value: unknown, file: string, at = ''): void {
  if (typeof value === 'boolean' && FLAGS.has(at.split('.').pop()!)) return;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkNumbers(v, file, at ? `${at}.${k}` : k);
  } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`Usage file ${file}: ${at} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
}
