import { Arn, ArnFormat, Names, PhysicalName, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { EventForwarding, ForwardedEventsOptions, ForwardEventsOptions, ForwardingAccount, ForwardingSource, ForwardingTarget } from '../cross-app';
import { ImportedEventApp } from '../discovery';
import type { AnyEventDefinition } from '../schemas';
import { createDeadLetters } from './dead-letters';
import { checkEventPattern, renderEventPattern } from './pattern';

/** The side of an EventApp that forwards or receives: its construct, its bus, and what its rules get. */
export interface ForwardingApp {
  readonly scope: Construct;
  readonly bus: events.IEventBus;
  readonly encryptionKey?: kms.IKey;
  readonly addAlarm?: (alarm: cloudwatch.Alarm) => void;
}

/**
 * A rule on the producer's bus that forwards the events named to another bus, in any account
 * and region: it sends with a role of its own, which only EventBridge acting for this rule may
 * assume (`aws:SourceAccount` and `aws:SourceArn` in its trust policy) and which may put events
 * on that bus alone. A role is what EventBridge requires for a bus in another region, and for
 * one in the same account; across accounts it also lets the consumer's bus admit this role
 * rather than the whole account. Events it cannot deliver go to a dead-letter queue (alarmed).
 * When the consumer is an EventApp of this CDK app in another account, its bus policy admits
 * the role, in its own stack, deployed after the producer's (the role must exist first).
 */
export function forwardEvents(producer: ForwardingApp, id: string, options: ForwardEventsOptions, consumer?: ForwardingApp): EventForwarding {
  const scope = new Construct(producer.scope, id);
  const pattern = forwardedPattern(scope, options);
  const stack = Stack.of(scope);
  const target = consumer ? consumerBus(scope, consumer) : targetBus(scope, options.to);
  if (target === producer.bus || target.eventBusArn === producer.bus.eventBusArn) {
    // Every forwarded event would match the rule again, for ever.
    throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: 'Events forwarded to the bus they come from would loop', scope, value: producer.bus.node.path, fix: 'forward to another app\'s bus ("to")' });
  }
  // Named here, so the role's trust policy can name the rule's ARN without a dependency cycle
  // (the rule's target already refers to the role).
  const ruleName = Names.uniqueResourceName(scope, { maxLength: 64, separator: '-' });
  const busName = producer.bus.eventBusName;
  const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: busName === 'default' ? ruleName : `${busName}/${ruleName}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': ruleArn } } }),
    roleName: options.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
    description: `Lets EventBridge forward the events of ${scope.node.path} to another bus`,
  });
  const rule = new events.Rule(scope, 'Rule', { eventBus: producer.bus, eventPattern: pattern, ruleName, description: `Forwards events to another app's bus (${scope.node.path})` });
  let deadLetterQueue = options.deadLetterQueue;
  if (!deadLetterQueue) {
    const created = createDeadLetters(scope, { holds: `Events forwarded by ${scope.node.path}`, encryptionKey: producer.encryptionKey, deadLetterQueueOf: 'an EventBridge target' });
    producer.addAlarm?.(created.alarm);
    deadLetterQueue = created.queue;
  }
  rule.addTarget(new targets.EventBus(target, { role, deadLetterQueue }));
  const rendered = renderEventPattern(scope, pattern);
  let policy: events.CfnEventBusPolicy | undefined;
  if (consumer && Stack.of(consumer.scope).account !== stack.account) {
    policy = admit(consumer, `${id}Policy`, role.roleArn, rendered);
    Stack.of(consumer.scope).addStackDependency(stack, `the bus policy of ${consumer.scope.node.path} admits the role of ${scope.node.path}`);
  }
  return { rule, role, deadLetterQueue, policy, pattern: rendered, path: scope.node.path };
}

/**
 * The consumer's side of a forwarding declared by another CDK app: its bus's policy admits the
 * producer's forwarding role (or, without it, the producer's account) for exactly the sources and
 * detail types forwarded. Nothing is added when the producer is in the consumer's account: its
 * role's own policy is enough there.
 */
export function receiveFromOutside(consumer: ForwardingApp, id: string, from: ImportedEventApp | ForwardingAccount, options: ForwardedEventsOptions): EventForwarding {
  const scope = new Construct(consumer.scope, id);
  const pattern = renderEventPattern(scope, forwardedPattern(scope, options));
  const account = from.account;
  if (!(from instanceof ImportedEventApp) && !Token.isUnresolved(account) && !/^\d{12}$/.test(account)) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: 'receiveEvents\' from.account is not an AWS account id', scope, value: account, fix: 'give the producer\'s 12-digit account id' });
  }
  if (account === Stack.of(scope).account) return { pattern, path: scope.node.path };
  const roleArn = from instanceof ImportedEventApp ? undefined : (from as ForwardingAccount).roleArn;
  const principal = roleArn ?? Stack.of(scope).formatArn({ service: 'iam', region: '', account, resource: 'root', arnFormat: ArnFormat.NO_RESOURCE_NAME });
  const policy = admit({ ...consumer, scope }, 'Policy', principal, pattern);
  return { policy, pattern, path: scope.node.path };
}

/** True for what `receiveEvents` takes as another CDK app's producer (not an EventApp of this one). */
export function isOutsideSource(from: ForwardingSource): from is ImportedEventApp | ForwardingAccount {
  return from instanceof ImportedEventApp || !('bus' in from);
}

/**
 * A statement of the consumer bus's policy: `events:PutEvents` on that bus, by that principal,
 * for the sources and detail types the pattern names (when it names them as plain values: a
 * prefix or other matcher cannot be a policy condition, so it is left to the rule).
 */
function admit(consumer: ForwardingApp, id: string, principal: string, pattern: Readonly<Record<string, unknown>>): events.CfnEventBusPolicy {
  const conditions: Record<string, string[]> = {};
  for (const [field, key] of [['source', 'events:source'], ['detail-type', 'events:detail-type']] as const) {
    const values = plainValues(pattern, field);
    if (values) conditions[key] = values;
  }
  const statementId = Names.uniqueResourceName(new Construct(consumer.scope, id), { maxLength: 64, separator: '-' });
  return new events.CfnEventBusPolicy(consumer.scope, `${id}Statement`, {
    eventBusName: consumer.bus.eventBusName,
    statementId,
    statement: {
      Sid: statementId,
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: 'events:PutEvents',
      Resource: consumer.bus.eventBusArn,
      ...(Object.keys(conditions).length > 0 ? { Condition: { StringEquals: conditions } } : {}),
    },
  });
}

/**
 * The plain values a pattern allows for an envelope field, over its `$or` branches too; undefined
 * when any branch leaves the field open or constrains it by a matcher (then no condition can say it).
 */
function plainValues(pattern: Readonly<Record<string, unknown>>, field: string): string[] | undefined {
  const or = pattern.$or;
  const branches = Array.isArray(or) && pattern[field] === undefined ? (or as Record<string, unknown>[]) : [pattern];
  const values: string[] = [];
  for (const branch of branches) {
    const given = branch[field];
    if (!Array.isArray(given) || given.length === 0 || !given.every((v) => typeof v === 'string')) return undefined;
    values.push(...(given as string[]));
  }
  return unique(values);
}

/** The forwarded pattern: `pattern`, or the sources and detail types of `events`. */
function forwardedPattern(scope: IConstruct, options: ForwardedEventsOptions): events.EventPattern {
  const defined = options.events ?? [];
  if ((defined.length > 0) === (options.pattern !== undefined)) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: options.pattern ? 'Forwarded events take either "events" or "pattern", not both' : 'Forwarded events need "events" or "pattern"',
      scope,
      value: { events: defined.map((e) => `${e.source}@${e.detailType}`), pattern: options.pattern },
      fix: 'give events: [OrderPlaced, ...] (defined events), or a pattern: { source: [...], detailType: [...] }',
    });
  }
  const pattern = options.pattern ?? patternOfEvents(defined);
  checkEventPattern(scope, pattern);
  return pattern;
}

/**
 * Exactly the events named: one source with its detail types, or, across sources, an `$or` of
 * one branch per source (a plain pattern of every source and every detail type would also
 * match a detail type of one source coming from another).
 */
function patternOfEvents(defined: readonly AnyEventDefinition[]): events.EventPattern {
  const bySource = new Map<string, string[]>();
  for (const event of defined) bySource.set(event.source, unique([...(bySource.get(event.source) ?? []), event.detailType]));
  const branches = [...bySource].map(([source, detailTypes]) => ({ source: [source], 'detail-type': detailTypes }));
  if (branches.length === 1) return { source: branches[0]!.source, detailType: branches[0]!['detail-type'] };
  // aws-events' EventPattern has no $or; EventBridge takes it, and the rule renders it as given.
  return { $or: branches } as events.EventPattern;
}

/**
 * The consumer's bus as the producer's stack may name it. In another account or region, by an
 * ARN built from the bus's name: CloudFormation cannot reference across environments, and the
 * name EventApp's bus gets by default is fixed at synth, so the ARN is known without one.
 */
function consumerBus(scope: Construct, consumer: ForwardingApp): events.IEventBus {
  const here = Stack.of(scope);
  const there = Stack.of(consumer.scope);
  if (here.account === there.account && here.region === there.region) return consumer.bus;
  const cfn = consumer.bus.node.defaultChild;
  const name = cfn instanceof events.CfnEventBus ? there.resolve(cfn.name) : undefined;
  if (typeof name !== 'string' || Token.isUnresolved(there.account) || Token.isUnresolved(there.region)) return consumer.bus;
  const arn = Arn.format({ service: 'events', account: there.account, region: there.region, resource: 'event-bus', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, here);
  return events.EventBus.fromEventBusArn(scope, 'Target', arn);
}

function targetBus(scope: Construct, to: ForwardingTarget): events.IEventBus {
  if (typeof to !== 'string') return to.bus;
  if (!Token.isUnresolved(to) && !/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/.test(to)) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: 'forwardEvents\' "to" is not an event bus ARN', scope, value: to, fix: 'give the ARN of the other app\'s bus: arn:aws:events:<region>:<account>:event-bus/<name>' });
  }
  return events.EventBus.fromEventBusArn(scope, 'Target', to);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
