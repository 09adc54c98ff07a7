/**
 * The parts of the cost estimate about data: SQS queues (Lambda's polling included), DynamoDB
 * tables and their streams, and the storage of code and artifacts; and the invocations that
 * queues and streams cause. Pure arithmetic over the app's facts, the usage file and the
 * price table.
 *
 * Billing rules applied (from the AWS pricing pages, see prices.json):
 * - SQS: every API request, each 64 KB of its payload one request; FIFO queues at their own
 *   price; 1M requests a month free. A queue Lambda consumes costs a send per message, a
 *   receive and a delete per batch (at most 10 messages a request), and Lambda's long polls
 *   while it is empty: 5 pollers with a 20-second wait each, about 657,000 requests a month
 *   (AWS documents that Lambda polls with 5 parallel long polls at first; it scales pollers up
 *   under load, which the message-driven receives stand for). Any other queue (a dead-letter
 *   queue) costs a send, a receive and a delete per message. A queue's messages are the usage
 *   file's, else what the app sends it (see {@link queueMessagesPerMonth}).
 * - DynamoDB on-demand: a write request unit per KB written, a read request unit per 4 KB read
 *   strongly consistent (half for eventually consistent), storage per GB-month beyond 25 GB
 *   free; a global table's writes are repeated in every other replica region. Streams: the
 *   GetRecords calls of Lambda triggers are free; other consumers' read requests are billed
 *   beyond 2.5M free. Provisioned capacity and the Standard-IA class are not estimated (a note
 *   says so).
 * - Lambda code storage is not billed (a 75 GB quota per region, checked); the assets `cdk
 *   deploy` uploads stay in the CDK bootstrap bucket, S3 Standard storage.
 */
import type { OpsApp, OpsEventSource, OpsRule } from './facts';
import type { RegionPrices } from './prices';
import { HOURS_PER_MONTH, firingsPerMonth } from './schedule-rate';
import type { Usage } from './usage';

/** A priced quantity, as `cost.ts` lists them. */
export interface DataCostLine {
  readonly service: 'SQS' | 'DynamoDB' | 'S3' | 'Lambda';
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly cost: number;
}

/** Lines and the notes that qualify them. */
export interface DataCost {
  readonly lines: readonly DataCostLine[];
  readonly notes: readonly string[];
}

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** Lambda's SQS pollers while a queue is empty: 5, each one 20-second long poll at a time. */
export const IDLE_POLLS_PER_MONTH = 5 * (SECONDS_PER_MONTH / 20);
const SQS_BATCH_LIMIT = 10;
const DEAD_LETTER_REQUESTS_PER_MESSAGE = 3;
const BYTES_PER_GB = 1024 ** 3;
const BYTES_PER_MB = 1024 ** 2;

/**
 * What an enabled rule delivers to each of its targets in a month: its schedule's firings (none
 * for a one-time `at()`, which runs in one month only), else the usage file's `eventsPerMonth`.
 */
export function ruleEventsPerMonth(rule: OpsRule, usage: Usage): number {
  if (!rule.enabled || rule.schedule?.startsWith('at(')) return 0;
  return rule.schedule ? (firingsPerMonth(rule.schedule) ?? 0) : (usage.rules?.[rule.name]?.eventsPerMonth ?? 0);
}

/** A queue's messages a month, and when the usage file did not give them, what sends them. */
export interface QueueMessages {
  readonly messages: number;
  /** The rules and routes the messages were counted from; absent when the usage file gave them. */
  readonly from?: readonly string[];
}

/**
 * Messages a month each queue receives, by queue name: the usage file's `messagesPerMonth` when
 * it gives one, else what the app sends it, the events of the rules and schedules that target
 * it and the requests of the HTTP routes that send to it. What fails into a dead-letter queue
 * is not derived: failures are not in the usage file.
 */
export function queueMessagesPerMonth(app: OpsApp, usage: Usage): Map<string, QueueMessages> {
  const derived = new Map<string, { messages: number; from: string[] }>();
  const add = (queueLogicalId: string | undefined, n: number, from: string) => {
    const name = nameOfQueue(app, queueLogicalId);
    if (!name || n <= 0) return;
    const q = derived.get(name) ?? derived.set(name, { messages: 0, from: [] }).get(name)!;
    q.messages += n;
    if (!q.from.includes(from)) q.from.push(from);
  };
  for (const rule of app.rules) for (const t of rule.targets) add(t.queueLogicalId, ruleEventsPerMonth(rule, usage), `rule ${rule.name}`);
  for (const route of app.routes) add(route.queueLogicalId, usage.routes?.[route.key]?.requestsPerMonth ?? 0, `route ${route.key}`);
  const out = new Map<string, QueueMessages>();
  for (const q of app.queues) {
    const given = usage.queues?.[q.name]?.messagesPerMonth;
    out.set(q.name, given !== undefined ? { messages: given } : (derived.get(q.name) ?? { messages: 0 }));
  }
  return out;
}

/** Invocations per function caused by queue messages and stream records, by function logical id. */
export function eventSourceInvocations(app: OpsApp, usage: Usage): Map<string, number> {
  const byFunction = new Map<string, number>();
  const messages = queueMessagesPerMonth(app, usage);
  for (const source of app.eventSources) {
    if (!source.enabled || !source.functionLogicalId) continue;
    const perInvocation = (given: number | undefined) => Math.max(1, given ?? (source.batchingWindowSeconds > 0 ? source.batchSize : 1));
    let invocations = 0;
    if (source.kind === 'sqs') {
      const queue = nameOfQueue(app, source.sourceLogicalId);
      invocations = (messages.get(queue)?.messages ?? 0) / perInvocation(usage.queues?.[queue]?.messagesPerInvocation);
    } else {
      const u = usage.tables?.[nameOfTable(app, source.sourceLogicalId)];
      invocations = (u?.streamRecordsPerMonth ?? u?.writesPerMonth ?? 0) / perInvocation(u?.recordsPerInvocation);
    }
    byFunction.set(source.functionLogicalId, (byFunction.get(source.functionLogicalId) ?? 0) + Math.ceil(invocations));
  }
  return byFunction;
}

/** SQS requests of every queue: sends, Lambda's receives and deletes in batches and its idle polls, dead-letter traffic. */
export function sqsCost(app: OpsApp, usage: Usage, prices: RegionPrices, defaultKb: number): DataCost {
  const chunks = (kb: number) => Math.max(1, Math.ceil(kb / prices.sqs.chunkKb));
  const requests = { standard: 0, fifo: 0 };
  let polled = 0;
  const perQueue = queueMessagesPerMonth(app, usage);
  const derivedNotes: string[] = [];
  for (const q of app.queues) {
    const u = usage.queues?.[q.name];
    const { messages, from } = perQueue.get(q.name)!;
    if (from) derivedNotes.push(`${q.name} gets ${Math.round(messages).toLocaleString('en-US')} messages a month from ${from.join(' and ')}; set queues.${q.name}.messagesPerMonth to change it.`);
    const kb = u?.messageKb ?? defaultKb;
    const consumers = app.eventSources.filter((s) => s.kind === 'sqs' && s.sourceLogicalId === q.logicalId && s.enabled);
    let n = 0;
    if (consumers.length === 0) {
      n = messages * DEAD_LETTER_REQUESTS_PER_MESSAGE * chunks(kb);
    } else {
      const perRequest = Math.min(SQS_BATCH_LIMIT, Math.max(...consumers.map((c) => c.batchSize)));
      const batches = Math.ceil(messages / perRequest);
      n = messages * chunks(kb) + batches * chunks(kb * perRequest) + batches;
      const idle = u?.pollingRequestsPerMonth ?? IDLE_POLLS_PER_MONTH * consumers.length;
      n += idle;
      polled += idle;
    }
    requests[q.fifo ? 'fifo' : 'standard'] += n;
  }
  if (app.queues.length === 0) return { lines: [], notes: [] };
  // AWS's free million covers both kinds: standard requests first here, then FIFO.
  const freeStandard = Math.min(prices.sqs.freeRequests, requests.standard);
  const freeFifo = Math.min(prices.sqs.freeRequests - freeStandard, requests.fifo);
  const cost = ((requests.standard - freeStandard) / 1e6) * prices.sqs.standardPerMillion + ((requests.fifo - freeFifo) / 1e6) * prices.sqs.fifoPerMillion;
  const notes = [...derivedNotes, ...(polled > 0 ? [`SQS counts ${Math.round(polled).toLocaleString('en-US')} requests of Lambda's long polling while queues are empty; set queues.<name>.pollingRequestsPerMonth to change it.`] : [])];
  return { lines: [{ service: 'SQS', item: 'requests (sends, receives, deletes, Lambda polling), 1M free', quantity: requests.standard + requests.fifo, unit: 'requests', cost }], notes };
}

/** On-demand reads and writes, storage and stream reads of every table. */
export function dynamoDbCost(app: OpsApp, usage: Usage, prices: RegionPrices): DataCost {
  if (app.tables.length === 0) return { lines: [], notes: [] };
  const p = prices.dynamoDb;
  const notes: string[] = [];
  let wru = 0;
  let rru = 0;
  let storageGb = 0;
  let streamReads = 0;
  for (const t of app.tables) {
    const u = usage.tables?.[t.name] ?? {};
    const kb = u.itemKb ?? 1;
    storageGb += (u.storageGb ?? 0) * (1 + t.extraReplicas);
    streamReads += u.streamReadRequestsPerMonth ?? 0;
    if (t.infrequentAccess) notes.push(`Table ${t.name} uses the Standard-IA class; it is priced as Standard.`);
    if (t.billing === 'provisioned') {
      if (u.readsPerMonth || u.writesPerMonth) notes.push(`Table ${t.name} has provisioned capacity, which is not estimated; its reads and writes are left out.`);
      continue;
    }
    wru += (u.writesPerMonth ?? 0) * Math.ceil(kb) * (1 + t.extraReplicas);
    rru += (u.readsPerMonth ?? 0) * Math.ceil(kb / 4) * (u.consistentReads ? 1 : 0.5);
    if (t.extraReplicas > 0) notes.push(`Table ${t.name} is replicated to ${t.extraReplicas} more region(s): its writes and storage are counted once per replica.`);
  }
  const lines: DataCostLine[] = [
    { service: 'DynamoDB', item: 'write request units (on-demand)', quantity: wru, unit: 'WRU', cost: (wru / 1e6) * p.writeRequestUnitsPerMillion },
    { service: 'DynamoDB', item: 'read request units (on-demand)', quantity: rru, unit: 'RRU', cost: (rru / 1e6) * p.readRequestUnitsPerMillion },
    { service: 'DynamoDB', item: `storage, ${p.freeStorageGb} GB free`, quantity: storageGb, unit: 'GB', cost: Math.max(0, storageGb - p.freeStorageGb) * p.storagePerGbMonth },
  ];
  const triggers = app.eventSources.filter((s) => s.kind === 'dynamodb').length;
  if (triggers > 0 || streamReads > 0) {
    const billed = Math.max(0, streamReads - p.freeStreamReadRequests);
    lines.push({ service: 'DynamoDB', item: 'stream read requests (Lambda triggers read free)', quantity: streamReads, unit: 'requests', cost: (billed / 1e5) * p.streamReadRequestsPer100k });
  }
  return { lines, notes };
}

/** Lambda code storage against its quota, and the assets kept in the CDK bootstrap bucket. */
export function storageCost(app: OpsApp, usage: Usage, prices: RegionPrices): DataCost {
  const codeBytes = app.functions.reduce((n, f) => n + f.codeBytes, 0) * (usage.storage?.codeVersionsKept ?? 1);
  const assetBytes = app.assetBytes * (usage.storage?.assetVersionsKept ?? 1);
  const notes = usage.storage?.assetVersionsKept === undefined ? ["Assets are counted once; the bootstrap bucket keeps every version uploaded until cdk gc removes it: set storage.assetVersionsKept."] : [];
  if (codeBytes / BYTES_PER_GB > prices.lambda.codeStorageQuotaGb) {
    notes.push(`Lambda code storage (${(codeBytes / BYTES_PER_GB).toFixed(1)} GB) is over the ${prices.lambda.codeStorageQuotaGb} GB quota of a region: deploys fail until old versions are deleted or the quota is raised.`);
  }
  return {
    lines: [
      { service: 'Lambda', item: `code storage (not billed; ${prices.lambda.codeStorageQuotaGb} GB quota)`, quantity: codeBytes / BYTES_PER_MB, unit: 'MB', cost: 0 },
      { service: 'S3', item: 'CDK assets in the bootstrap bucket (Standard)', quantity: assetBytes / BYTES_PER_MB, unit: 'MB', cost: (assetBytes / BYTES_PER_GB) * prices.s3.standardPerGbMonth },
    ],
    notes,
  };
}

function nameOfQueue(app: OpsApp, logicalId: OpsEventSource['sourceLogicalId'] | undefined): string {
  return app.queues.find((q) => q.logicalId === logicalId)?.name ?? '';
}

function nameOfTable(app: OpsApp, logicalId: OpsEventSource['sourceLogicalId']): string {
  return app.tables.find((t) => t.logicalId === logicalId)?.name ?? '';
}
