/**
 * Which IAM actions on which resources a call to the local endpoint asks for, per the Service
 * Authorization Reference: `dynamodb:PutItem` on the table's ARN, `sqs:SendMessage` on the
 * queue's ARN for `SendMessageBatch`, `events:PutEvents` on each bus an entry names, and so on.
 *
 * An input too malformed to name its resource yields no check: the service refuses it with its
 * validation error anyway. An operation not mapped here is undecidable, never allowed silently.
 */
import type { Undecidable } from '../../iam';
import { dynamodbKeys } from './dynamodb-keys';

/** The services the endpoint serves, by their IAM prefixes. */
export type IamService = 'dynamodb' | 'sqs' | 'events' | 'lambda' | 'secretsmanager' | 'ssm' | 'scheduler';

/** One action on one resource a call needs, with the call's own condition keys. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
  /** Service condition keys of this call (`secretsmanager:VersionStage`); `null` for an absent key. */
  readonly context?: Readonly<Record<string, string | readonly string[] | null>>;
}

/** How local names become ARNs: the app's region and account, and the stores that know the resources. */
export interface ArnResolver {
  readonly region: string;
  readonly accountId: string;
  queueArn(queueUrl: string): string;
  functionArn(nameOrArn: string): string;
  secretArn(id: string): string;
  parameterArn(name: string): string;
  /** The partition key attribute of a table (by name or ARN), when the app has the table. */
  partitionKey?(table: string): string | undefined;
}

/** One call as the endpoint routed it. */
export interface EndpointRequest {
  readonly service: IamService;
  /** The operation (`PutItem`), or for the REST APIs `METHOD path` (`POST /schedules/nightly`). */
  readonly operation: string;
  /** The parsed JSON input; for REST APIs the body's, with `query` beside it. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly query?: URLSearchParams;
}

/** The permissions a call needs, or why they cannot be known. */
export function requiredPermissions(req: EndpointRequest, arns: ArnResolver): RequiredPermission[] | Undecidable {
  switch (req.service) {
    case 'dynamodb':
      return dynamodb(req.operation, req.input, arns);
    case 'sqs':
      return sqs(req.operation, req.input, arns);
    case 'events':
      return events(req.operation, req.input, arns);
    case 'lambda':
      return lambda(req.input, arns);
    case 'secretsmanager':
      return secretsManager(req.operation, req.input, arns);
    case 'ssm':
      return ssm(req.operation, req.input, arns);
    case 'scheduler':
      return scheduler(req, arns);
  }
}

function unmapped(service: string, operation: string): Undecidable {
  return { undecidable: `switchyard does not know which IAM action ${service} ${operation} needs` };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length ? v : undefined);
const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function arn(arns: ArnResolver, service: string, resource: string, region = arns.region): string {
  return `arn:aws:${service}:${region}:${arns.accountId}:${resource}`;
}

// --- DynamoDB ---------------------------------------------------------------------------------

/** Operations that act on the table named by `TableName` (an index's ARN for Query/Scan with `IndexName`). */
const TABLE_OPERATIONS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'DescribeTable', 'CreateTable', 'DeleteTable', 'UpdateTable',
  'DescribeTimeToLive', 'UpdateTimeToLive', 'DescribeContinuousBackups', 'UpdateContinuousBackups',
]);
/** Operations on no particular resource. */
const ACCOUNT_OPERATIONS = new Set(['ListTables', 'DescribeLimits', 'DescribeEndpoints']);

function tableArn(arns: ArnResolver, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn : arn(arns, 'dynamodb', `table/${nameOrArn}`);
}

function dynamodb(operation: string, input: Readonly<Record<string, unknown>>, arns: ArnResolver): RequiredPermission[] | Undecidable {
  const action = `dynamodb:${operation}`;
  if (ACCOUNT_OPERATIONS.has(operation)) return [{ action, resource: '*' }];
  if (TABLE_OPERATIONS.has(operation)) {
    const table = text(input.TableName);
    if (!table) return [];
    const index = text(input.IndexName);
    const context = dynamodbKeys(operation, input, arns.partitionKey?.(table));
    return [{ action, resource: index ? `${tableArn(arns, table)}/index/${index}` : tableArn(arns, table), context }];
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.entries(record(input.RequestItems)).map(([t, items]) => ({ action, resource: tableArn(arns, t), context: dynamodbKeys(operation, input, arns.partitionKey?.(t), items) }));
  }
  if (operation === 'TagResource' || operation === 'UntagResource' || operation === 'ListTagsOfResource') {
    const resource = text(input.ResourceArn);
    return resource ? [{ action, resource }] : [];
  }
  // Transactions need the permission of each item's own action (DynamoDB Developer Guide, "Using IAM with DynamoDB transactions").
  if (operation === 'TransactWriteItems') return transactItems(input, arns, { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' });
  if (operation === 'TransactGetItems') return transactItems(input, arns, { Get: 'GetItem' });
  return unmapped('DynamoDB', operation);
}

function transactItems(input: Readonly<Record<string, unknown>>, arns: ArnResolver, actions: Readonly<Record<string, string>>): RequiredPermission[] {
  const out: RequiredPermission[] = [];
  for (const item of list(input.TransactItems)) {
    for (const [kind, body] of Object.entries(record(item))) {
      const table = text(record(body).TableName);
      if (actions[kind] && table) out.push({ action: `dynamodb:${actions[kind]}`, resource: tableArn(arns, table) });
    }
  }
  return out;
}

// --- SQS --------------------------------------------------------------------------------------

/** Batch operations are authorized as their single-message actions. */
const SQS_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};
const SQS_QUEUE_OPERATIONS = new Set([
  'SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch', 'GetQueueAttributes', 'SetQueueAttributes', 'PurgeQueue', 'DeleteQueue', 'ListQueueTags', 'TagQueue', 'UntagQueue',
]);

function sqs(operation: string, input: Readonly<Record<string, unknown>>, arns: ArnResolver): RequiredPermission[] | Undecidable {
  const action = `sqs:${SQS_ACTIONS[operation] ?? operation}`;
  if (operation === 'ListQueues') return [{ action, resource: '*' }];
  if (operation === 'GetQueueUrl') {
    const name = text(input.QueueName);
    const owner = text(input.QueueOwnerAWSAccountId) ?? arns.accountId;
    return name ? [{ action, resource: `arn:aws:sqs:${arns.region}:${owner}:${name}` }] : [];
  }
  if (!SQS_QUEUE_OPERATIONS.has(operation)) return unmapped('SQS', operation);
  const url = text(input.QueueUrl);
  return url ? [{ action, resource: arns.queueArn(url) }] : [];
}

// --- EventBridge ------------------------------------------------------------------------------

function busArn(arns: ArnResolver, nameOrArn: string | undefined): string {
  if (nameOrArn?.startsWith('arn:')) return nameOrArn;
  return arn(arns, 'events', `event-bus/${nameOrArn ?? 'default'}`);
}

function events(operation: string, input: Readonly<Record<string, unknown>>, arns: ArnResolver): RequiredPermission[] | Undecidable {
  const action = `events:${operation}`;
  if (operation === 'PutEvents') {
    // One check per bus, with the sources and detail types of that bus's entries (`events:source`, `events:detail-type`).
    const byBus = new Map<string, { sources: Set<string>; types: Set<string> }>();
    for (const entry of list(input.Entries).map(record)) {
      const bus = busArn(arns, text(entry.EventBusName));
      const keys = byBus.get(bus) ?? { sources: new Set<string>(), types: new Set<string>() };
      if (text(entry.Source)) keys.sources.add(entry.Source as string);
      if (text(entry.DetailType)) keys.types.add(entry.DetailType as string);
      byBus.set(bus, keys);
    }
    return [...byBus].map(([resource, k]) => ({ action, resource, context: { 'events:source': [...k.sources], 'events:detail-type': [...k.types] } }));
  }
  if (operation === 'TestEventPattern' || operation === 'ListRules') return [{ action, resource: '*' }];
  if (operation === 'DescribeRule') {
    const name = text(input.Name);
    if (!name) return [];
    const bus = text(input.EventBusName);
    const busName = bus === undefined ? 'default' : bus.slice(bus.lastIndexOf('/') + 1);
    return [{ action, resource: arn(arns, 'events', `rule/${busName === 'default' ? '' : `${busName}/`}${name}`) }];
  }
  return unmapped('EventBridge', operation);
}

// --- Lambda -----------------------------------------------------------------------------------

function lambda(input: Readonly<Record<string, unknown>>, arns: ArnResolver): RequiredPermission[] {
  const name = text(input.FunctionName);
  if (!name) return [];
  // A qualifier in the name (`fn:live`) or in `Qualifier` makes the resource the qualified ARN.
  const qualifier = text(input.Qualifier);
  const target = arns.functionArn(name);
  return [{ action: 'lambda:InvokeFunction', resource: qualifier && !target.endsWith(`:${qualifier}`) ? `${target}:${qualifier}` : target }];
}

// --- Secrets Manager and SSM ------------------------------------------------------------------

function secretsManager(operation: string, input: Readonly<Record<string, unknown>>, arns: ArnResolver): RequiredPermission[] | Undecidable {
  if (operation !== 'GetSecretValue') return unmapped('Secrets Manager', operation);
  const id = text(input.SecretId);
  if (!id) return [];
  const context = {
    'secretsmanager:SecretId': id,
    'secretsmanager:VersionStage': text(input.VersionStage) ?? null,
    'secretsmanager:VersionId': text(input.VersionId) ?? null,
  };
  return [{ action: 'secretsmanager:GetSecretValue', resource: arns.secretArn(id), context }];
}

function ssm(operation: string, input: Readonly<Record<string, unknown>>, arns: ArnResolver): RequiredPermission[] | Undecidable {
  const action = `ssm:${operation}`;
  if (operation === 'GetParameter') {
    const name = text(input.Name);
    return name ? [{ action, resource: arns.parameterArn(stripSelector(name)) }] : [];
  }
  if (operation === 'GetParameters') return [...new Set(list(input.Names).map(String))].map((n) => ({ action, resource: arns.parameterArn(stripSelector(n)) }));
  if (operation === 'GetParametersByPath') {
    const path = text(input.Path);
    return path ? [{ action, resource: arns.parameterArn(path.replace(/\/+$/, '') || '/'), context: { 'ssm:Recursive': String(input.Recursive === true) } }] : [];
  }
  return unmapped('SSM', operation);
}

/** `name:3` or `name:label` selects a version; the resource is the parameter. */
function stripSelector(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon > 0 && !name.startsWith('arn:') ? name.slice(0, colon) : name;
}

// --- EventBridge Scheduler --------------------------------------------------------------------

function scheduler(req: EndpointRequest, arns: ArnResolver): RequiredPermission[] | Undecidable {
  const m = /^(GET|POST|PUT|DELETE) \/(schedules|schedule-groups)(?:\/([^/]+))?\/?$/.exec(req.operation);
  if (!m) return unmapped('EventBridge Scheduler', req.operation);
  const [, method, collection, encoded] = m;
  let name: string | undefined;
  try {
    name = encoded === undefined ? undefined : decodeURIComponent(encoded);
  } catch {
    return [];
  }
  if (collection === 'schedule-groups') {
    if (name === undefined) return method === 'GET' ? [{ action: 'scheduler:ListScheduleGroups', resource: '*' }] : unmapped('EventBridge Scheduler', req.operation);
    const verb = { GET: 'Get', POST: 'Create', DELETE: 'Delete' }[method as 'GET' | 'POST' | 'DELETE'];
    return verb ? [{ action: `scheduler:${verb}ScheduleGroup`, resource: arn(arns, 'scheduler', `schedule-group/${name}`) }] : unmapped('EventBridge Scheduler', req.operation);
  }
  if (name === undefined) return method === 'GET' ? [{ action: 'scheduler:ListSchedules', resource: '*' }] : unmapped('EventBridge Scheduler', req.operation);
  const group = (method === 'POST' || method === 'PUT' ? text(req.input.GroupName) : req.query?.get('groupName')) ?? 'default';
  const verb = { GET: 'Get', POST: 'Create', PUT: 'Update', DELETE: 'Delete' }[method as 'GET' | 'POST' | 'PUT' | 'DELETE'];
  const out: RequiredPermission[] = [{ action: `scheduler:${verb}Schedule`, resource: arn(arns, 'scheduler', `schedule/${group}/${name}`) }];
  // Creating or updating a schedule passes its target's role to Scheduler.
  const role = text(record(req.input.Target).RoleArn);
  if ((method === 'POST' || method === 'PUT') && role) out.push({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  return out;
}
