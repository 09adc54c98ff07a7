/**
 * `AWS::Lambda::EventSourceMapping` -> {@link EventSourceMappingModel}, for the sources the local
 * runtime serves: the app's SQS queues and its tables' DynamoDB streams. A mapping from anything
 * else (a Kinesis stream, Kafka, MQ, a queue or stream outside the app) is listed in `skipped`
 * with what that means, and is not polled.
 */
import { createHash } from 'node:crypto';
import { numberProp, resourcesOfType, type StackContext } from './context';
import type { CfnResource } from './intrinsics';
import { displayNames } from './names';
import type { EventSourceKind, EventSourceMappingModel, QueueModel, TableModel } from './types';

/** Lambda's defaults per source (BatchSize; retries and record age apply to streams). */
const DEFAULT_BATCH_SIZE: Readonly<Record<EventSourceKind, number>> = { sqs: 10, dynamodb: 100 };

/** What the readers of mappings need from the rest of the model. */
export interface MappingSources {
  readonly queues: readonly QueueModel[];
  readonly tables: readonly TableModel[];
  /** The logical id of the app's function a name or ARN (qualified or not) designates. */
  readonly functionOf: (nameOrArn: string) => string | undefined;
}

/** Reads the event source mappings of one stack whose source and function are served locally. */
export function readEventSourceMappings(ctx: StackContext, sources: MappingSources, skipped: string[]): EventSourceMappingModel[] {
  const found = resourcesOfType(ctx, 'AWS::Lambda::EventSourceMapping');
  const names = displayNames(found.map(([logicalId, r]) => ({ name: logicalId, logicalId, resource: r })));
  const mappings: EventSourceMappingModel[] = [];
  found.forEach(([logicalId, r], i) => {
    const mapping = readMapping(ctx, logicalId, r, names[i], sources);
    if (typeof mapping === 'string') skipped.push(`event source mapping ${names[i]}: ${mapping}`);
    else mappings.push(mapping);
  });
  return mappings;
}

/** One mapping, or why it is not served. */
function readMapping(ctx: StackContext, logicalId: string, r: CfnResource, displayName: string, sources: MappingSources): EventSourceMappingModel | string {
  const p = r.Properties ?? {};
  const functionName = ctx.resolver.resolveString(p.FunctionName);
  const functionLogicalId = sources.functionOf(ctx.attributes.functionArn(functionName));
  if (!functionLogicalId) return `its function ${functionName} is not a function run locally, so nothing is polled`;
  if (p.EventSourceArn === undefined) return 'it has no EventSourceArn (a Kafka or MQ source), which switchyard dev does not poll';
  const eventSourceArn = ctx.resolver.resolveString(p.EventSourceArn);
  const kind = kindOf(eventSourceArn, sources);
  if (!kind) return `its source ${eventSourceArn} is not an SQS queue or a DynamoDB table stream of the app, so function ${functionName} never gets its records`;
  const filters = filtersOf(ctx, p.FilterCriteria);
  if (typeof filters === 'string') return filters;
  const destination = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
  const scaling = p.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
  const responseTypes = (ctx.resolver.resolve(p.FunctionResponseTypes) ?? []) as unknown[];
  return {
    stack: ctx.stack.id,
    logicalId,
    uuid: stableUuid(`${ctx.stack.stackName}/${logicalId}`),
    displayName,
    kind,
    eventSourceArn,
    functionLogicalId,
    enabled: p.Enabled === undefined || ctx.resolver.resolve(p.Enabled) === true || ctx.resolver.resolve(p.Enabled) === 'true',
    batchSize: numberProp(ctx, p.BatchSize, DEFAULT_BATCH_SIZE[kind]),
    maximumBatchingWindowInSeconds: numberProp(ctx, p.MaximumBatchingWindowInSeconds, 0),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    filters,
    maximumConcurrency: scaling?.MaximumConcurrency === undefined ? undefined : numberProp(ctx, scaling.MaximumConcurrency, 1000),
    startingPosition: p.StartingPosition === undefined ? undefined : ctx.resolver.resolveString(p.StartingPosition),
    startingPositionTimestamp: p.StartingPositionTimestamp === undefined ? undefined : numberProp(ctx, p.StartingPositionTimestamp, 0),
    maximumRetryAttempts: numberProp(ctx, p.MaximumRetryAttempts, -1),
    maximumRecordAgeInSeconds: numberProp(ctx, p.MaximumRecordAgeInSeconds, -1),
    bisectBatchOnFunctionError: ctx.resolver.resolve(p.BisectBatchOnFunctionError) === true,
    parallelizationFactor: numberProp(ctx, p.ParallelizationFactor, 1),
    onFailureArn: destination === undefined ? undefined : ctx.resolver.resolveString(destination),
  };
}

function kindOf(arn: string, sources: MappingSources): EventSourceKind | undefined {
  if (sources.queues.some((q) => q.arn === arn)) return 'sqs';
  if (sources.tables.some((t) => t.stream?.arn === arn)) return 'dynamodb';
  return undefined;
}

/** The filter patterns (`FilterCriteria.Filters[].Pattern`, JSON text), parsed; a reason when one is not JSON. */
function filtersOf(ctx: StackContext, criteria: unknown): Array<Record<string, unknown>> | string {
  const filters = ((ctx.resolver.resolve(criteria) as { Filters?: Array<{ Pattern?: unknown }> } | undefined)?.Filters ?? []);
  const out: Array<Record<string, unknown>> = [];
  for (const f of filters) {
    const pattern = typeof f.Pattern === 'string' ? safeParse(f.Pattern) : f.Pattern;
    if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return `its filter pattern ${JSON.stringify(f.Pattern)} is not a JSON object, which Lambda refuses`;
    out.push(pattern as Record<string, unknown>);
  }
  return out;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A UUID-shaped id derived from `seed`, so that a mapping keeps its id (and its kept position) across runs. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
