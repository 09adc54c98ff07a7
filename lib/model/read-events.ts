/**
 * `AWS::Events::EventBus`, `AWS::Events::Rule`, `AWS::SQS::Queue` and `AWS::DynamoDB::Table` -> models.
 */
import { numberProp, resourcesOfType, type StackContext } from './context';
import { busNameOf } from './physical';
import { readRole } from './read-permissions';
import type { EventBusModel, QueueModel, QueueRedriveModel, RuleModel, RuleTargetModel, StreamViewType, TableModel, TableStreamModel } from './types';
import { targetNotServed, type UnservedIndex } from './unserved';

/** EventBridge's target retry defaults. */
const TARGET_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } as const;

/** Reads the custom event buses of one stack. */
export function readEventBuses(ctx: StackContext): EventBusModel[] {
  return resourcesOfType(ctx, 'AWS::Events::EventBus').map(([logicalId]) => ({
    stack: ctx.stack.id,
    logicalId,
    name: ctx.attributes.name(logicalId),
    arn: ctx.attributes.getAtt(logicalId, 'Arn'),
  }));
}

/** Reads the rules of one stack, with their targets (those the local runtime cannot deliver to say why, from `unserved`). */
export function readRules(ctx: StackContext, unserved: UnservedIndex = new Map()): RuleModel[] {
  return resourcesOfType(ctx, 'AWS::Events::Rule').map(([logicalId, r]) => {
    const p = r.Properties ?? {};
    const pattern = p.EventPattern === undefined ? undefined : ctx.resolver.resolve(p.EventPattern);
    const bus = p.EventBusName === undefined ? 'default' : ctx.resolver.resolveString(p.EventBusName);
    return {
      stack: ctx.stack.id,
      logicalId,
      name: ctx.attributes.name(logicalId),
      arn: ctx.attributes.ruleArn(logicalId),
      eventBusName: busNameOf(bus),
      eventBusArn: bus.startsWith('arn:') ? bus : `arn:${ctx.env.partition}:events:${ctx.env.region}:${ctx.env.accountId}:event-bus/${bus}`,
      eventPattern: (typeof pattern === 'string' ? JSON.parse(pattern) : pattern) as Record<string, unknown> | undefined,
      scheduleExpression: p.ScheduleExpression === undefined ? undefined : ctx.resolver.resolveString(p.ScheduleExpression),
      state: p.State === undefined || ctx.resolver.resolveString(p.State) === 'ENABLED' ? 'ENABLED' : 'DISABLED',
      description: p.Description === undefined ? undefined : ctx.resolver.resolveString(p.Description),
      targets: (Array.isArray(p.Targets) ? p.Targets : []).map((t) => targetOf(ctx, t as Record<string, unknown>, unserved)),
    };
  });
}

function targetOf(ctx: StackContext, t: Record<string, unknown>, unserved: UnservedIndex): RuleTargetModel {
  const arn = ctx.resolver.resolveString(t.Arn);
  const retry = (t.RetryPolicy ?? {}) as Record<string, unknown>;
  const transformer = t.InputTransformer as { InputPathsMap?: unknown; InputTemplate?: unknown } | undefined;
  return {
    id: ctx.resolver.resolveString(t.Id),
    arn,
    maximumRetryAttempts: numberProp(ctx, retry.MaximumRetryAttempts, TARGET_DEFAULTS.maximumRetryAttempts),
    maximumEventAgeInSeconds: numberProp(ctx, retry.MaximumEventAgeInSeconds, TARGET_DEFAULTS.maximumEventAgeInSeconds),
    deadLetterArn: (t.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn === undefined
      ? undefined
      : ctx.resolver.resolveString((t.DeadLetterConfig as { Arn: unknown }).Arn),
    input: t.Input === undefined ? undefined : ctx.resolver.resolveString(t.Input),
    inputPath: t.InputPath === undefined ? undefined : ctx.resolver.resolveString(t.InputPath),
    inputTransformer: transformer
      ? {
          inputPathsMap: (ctx.resolver.resolve(transformer.InputPathsMap) ?? {}) as Record<string, string>,
          inputTemplate: ctx.resolver.resolveString(transformer.InputTemplate),
        }
      : undefined,
    messageGroupId: (t.SqsParameters as { MessageGroupId?: unknown } | undefined)?.MessageGroupId === undefined
      ? undefined
      : ctx.resolver.resolveString((t.SqsParameters as { MessageGroupId: unknown }).MessageGroupId),
    roleArn: t.RoleArn === undefined ? undefined : ctx.resolver.resolveString(t.RoleArn),
    role: t.RoleArn === undefined ? undefined : readRole(ctx, t.RoleArn),
    notServed: targetNotServed(ctx, unserved, t, arn),
  };
}

/** Reads the SQS queues of one stack. */
export function readQueues(ctx: StackContext): QueueModel[] {
  return resourcesOfType(ctx, 'AWS::SQS::Queue').map(([logicalId, r]) => {
    const p = r.Properties ?? {};
    return {
      stack: ctx.stack.id,
      logicalId,
      name: ctx.attributes.name(logicalId),
      arn: ctx.attributes.getAtt(logicalId, 'Arn'),
      visibilityTimeoutSeconds: numberProp(ctx, p.VisibilityTimeout, 30),
      messageRetentionSeconds: numberProp(ctx, p.MessageRetentionPeriod, 345_600),
      maximumMessageSizeBytes: numberProp(ctx, p.MaximumMessageSize, 1_048_576),
      fifo: p.FifoQueue === true || p.FifoQueue === 'true',
      contentBasedDeduplication: p.ContentBasedDeduplication === true || p.ContentBasedDeduplication === 'true',
      redrive: redriveOf(ctx, p.RedrivePolicy),
    };
  });
}

/** A `RedrivePolicy`, given as an object (what CDK writes) or as its JSON text (as SetQueueAttributes takes it). */
function redriveOf(ctx: StackContext, value: unknown): QueueRedriveModel | undefined {
  if (value === undefined) return undefined;
  const resolved = ctx.resolver.resolve(value);
  const policy = (typeof resolved === 'string' ? JSON.parse(resolved) : resolved) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
  if (!policy || policy.deadLetterTargetArn === undefined) return undefined;
  return { deadLetterTargetArn: String(policy.deadLetterTargetArn), maxReceiveCount: Number(policy.maxReceiveCount ?? 10) };
}

/** The table's stream, when its `StreamSpecification` enables one. */
function streamOf(ctx: StackContext, logicalId: string, spec: unknown): TableStreamModel | undefined {
  const viewType = (ctx.resolver.resolve(spec) as { StreamViewType?: string } | undefined)?.StreamViewType;
  if (viewType === undefined) return undefined;
  return { viewType: viewType as StreamViewType, arn: ctx.attributes.getAtt(logicalId, 'StreamArn') };
}

/** Reads the DynamoDB tables of one stack with their key schema. */
export function readTables(ctx: StackContext): TableModel[] {
  return [...resourcesOfType(ctx, 'AWS::DynamoDB::Table'), ...resourcesOfType(ctx, 'AWS::DynamoDB::GlobalTable')].map(([logicalId, r]) => {
    const keys = (ctx.resolver.resolve(r.Properties?.KeySchema) ?? []) as Array<{ AttributeName: string; KeyType: string }>;
    return {
      stack: ctx.stack.id,
      logicalId,
      name: ctx.attributes.name(logicalId),
      arn: ctx.attributes.getAtt(logicalId, 'Arn'),
      partitionKey: keys.find((k) => k.KeyType === 'HASH')?.AttributeName ?? 'id',
      sortKey: keys.find((k) => k.KeyType === 'RANGE')?.AttributeName,
      keySchema: keys,
      attributeDefinitions: (ctx.resolver.resolve(r.Properties?.AttributeDefinitions) ?? []) as TableModel['attributeDefinitions'],
      globalSecondaryIndexes: ctx.resolver.resolve(r.Properties?.GlobalSecondaryIndexes) as TableModel['globalSecondaryIndexes'],
      localSecondaryIndexes: ctx.resolver.resolve(r.Properties?.LocalSecondaryIndexes) as TableModel['localSecondaryIndexes'],
      stream: streamOf(ctx, logicalId, r.Properties?.StreamSpecification),
    };
  });
}
