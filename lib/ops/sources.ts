/**
 * What the cost estimate and the diagram read about queues, tables and event source mappings
 * straight from the templates (the app model carries queues and tables for the local runtime,
 * not how they are consumed): each `AWS::Lambda::EventSourceMapping`, each table's billing and
 * stream, each queue's redrive, and routes and rule targets that send to a queue.
 */
import type { CfnResource } from '../model';

/** A table of the app. */
export interface OpsTable {
  readonly logicalId: string;
  /** The construct id it was declared with, else its logical id. */
  readonly name: string;
  /** On-demand (`PAY_PER_REQUEST`) or provisioned capacity. */
  readonly billing: 'on-demand' | 'provisioned';
  /** Whether the table has a stream. */
  readonly stream: boolean;
  /** `STANDARD_INFREQUENT_ACCESS` tables have other prices. */
  readonly infrequentAccess: boolean;
  /** Regions the table is replicated to, beyond its own (global tables). */
  readonly extraReplicas: number;
}

/** A Lambda event source mapping reading a queue or a table's stream. */
export interface OpsEventSource {
  readonly logicalId: string;
  readonly kind: 'sqs' | 'dynamodb';
  /** Logical id of the queue or table read; undefined for one outside the app. */
  readonly sourceLogicalId?: string;
  /** Logical id of the function invoked. */
  readonly functionLogicalId?: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly enabled: boolean;
  /** Logical id of the queue failed stream batches are described in. */
  readonly onFailureQueue?: string;
}

/** Where a queue's messages go after their last receive. */
export interface OpsRedrive {
  readonly deadLetterQueue: string;
  readonly maxReceiveCount: number;
}

type Resources = Readonly<Record<string, CfnResource>>;
type Props = Record<string, any>;

// Lambda's defaults when the mapping leaves them out.
const DEFAULT_BATCH = { sqs: 10, dynamodb: 100 } as const;

/** The tables of one template (`AWS::DynamoDB::Table` and `GlobalTable`). */
export function readTables(resources: Resources, nameOf: (id: string) => string): OpsTable[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')
    .map(([logicalId, r]) => {
      const p = (r.Properties ?? {}) as Props;
      const replicas = Array.isArray(p.Replicas) ? p.Replicas.length : 1;
      return {
        logicalId,
        name: nameOf(logicalId),
        billing: p.BillingMode === 'PAY_PER_REQUEST' ? 'on-demand' : 'provisioned',
        stream: p.StreamSpecification?.StreamViewType !== undefined,
        infrequentAccess: p.TableClass === 'STANDARD_INFREQUENT_ACCESS' || (Array.isArray(p.Replicas) && p.Replicas.some((x: Props) => x.TableClass === 'STANDARD_INFREQUENT_ACCESS')),
        extraReplicas: Math.max(0, replicas - 1),
      };
    });
}

/** The event source mappings of one template that read SQS queues or DynamoDB streams. */
export function readEventSources(resources: Resources): OpsEventSource[] {
  const out: OpsEventSource[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const p = (r.Properties ?? {}) as Props;
    const source = getAttOf(p.EventSourceArn);
    const kind = kindOf(source ? resources[source.logicalId]?.Type : undefined, p.EventSourceArn);
    if (!kind) continue;
    out.push({
      logicalId,
      kind,
      sourceLogicalId: source && resources[source.logicalId] ? source.logicalId : undefined,
      functionLogicalId: functionOf(resources, p.FunctionName),
      batchSize: typeof p.BatchSize === 'number' ? p.BatchSize : DEFAULT_BATCH[kind],
      batchingWindowSeconds: typeof p.MaximumBatchingWindowInSeconds === 'number' ? p.MaximumBatchingWindowInSeconds : 0,
      enabled: p.Enabled !== false,
      onFailureQueue: getAttOf(p.DestinationConfig?.OnFailure?.Destination)?.logicalId,
    });
  }
  return out;
}

/** A queue or a table's stream, from the source's resource type or, outside the template, its ARN. */
function kindOf(type: string | undefined, arn: unknown): OpsEventSource['kind'] | undefined {
  if (type === 'AWS::SQS::Queue' || (type === undefined && /^arn:[^:]+:sqs:/.test(String(arn)))) return 'sqs';
  if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable' || (type === undefined && /^arn:[^:]+:dynamodb:.*\/stream\//.test(String(arn)))) return 'dynamodb';
  return undefined;
}

/** Each queue's redrive policy, by queue logical id. */
export function readRedrives(resources: Resources): Map<string, OpsRedrive> {
  const out = new Map<string, OpsRedrive>();
  for (const [logicalId, r] of Object.entries(resources)) {
    const redrive = r.Type === 'AWS::SQS::Queue' ? ((r.Properties ?? {}) as Props).RedrivePolicy : undefined;
    const target = getAttOf(redrive?.deadLetterTargetArn)?.logicalId;
    if (target) out.set(logicalId, { deadLetterQueue: target, maxReceiveCount: Number(redrive.maxReceiveCount ?? 0) });
  }
  return out;
}

/** The queue each HTTP API route sends to (SQS-SendMessage integrations), by route logical id. */
export function readQueueRoutes(resources: Resources): Array<{ readonly api: string; readonly key: string; readonly queueLogicalId: string }> {
  return Object.values(resources).flatMap((route) => {
    if (route.Type !== 'AWS::ApiGatewayV2::Route') return [];
    const p = (route.Properties ?? {}) as Props;
    const integrationId = typeof p.Target === 'string' ? undefined : refIn(p.Target);
    const integration = integrationId ? resources[integrationId] : undefined;
    const ip = (integration?.Properties ?? {}) as Props;
    if (ip.IntegrationSubtype !== 'SQS-SendMessage') return [];
    const queue = refIn(ip.RequestParameters?.QueueUrl);
    const api = refIn(p.ApiId);
    return queue && api ? [{ api, key: String(p.RouteKey), queueLogicalId: queue }] : [];
  });
}

/** The queue a rule target's ARN names (`Fn::GetAtt [queue, Arn]`), when it is a queue of this template. */
export function queueTargetOf(resources: Resources, arn: unknown): string | undefined {
  const target = getAttOf(arn);
  return target && resources[target.logicalId]?.Type === 'AWS::SQS::Queue' ? target.logicalId : undefined;
}

/** The function a mapping invokes: a `Ref` to it, or to its alias (`<name>:live` joins read the alias's ARN). */
function functionOf(resources: Resources, value: unknown): string | undefined {
  const id = refIn(value);
  if (!id) return undefined;
  const r = resources[id];
  if (r?.Type === 'AWS::Lambda::Alias') return refIn(((r.Properties ?? {}) as Props).FunctionName);
  return r?.Type === 'AWS::Lambda::Function' ? id : undefined;
}

/** The first `Ref` (or `Fn::GetAtt` target) found anywhere in an intrinsic. */
function refIn(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = getAttOf(v);
  if (att) return att.logicalId;
  for (const inner of Array.isArray(value) ? value : Object.values(v)) {
    const found = refIn(inner);
    if (found) return found;
  }
  return undefined;
}

function getAttOf(value: unknown): { logicalId: string; attribute: string } | undefined {
  const att = value && typeof value === 'object' ? (value as Record<string, unknown>)['Fn::GetAtt'] : undefined;
  return Array.isArray(att) && typeof att[0] === 'string' ? { logicalId: att[0], attribute: String(att[1]) } : undefined;
}
