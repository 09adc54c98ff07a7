import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { DeliveryOptions } from './subscriptions';
import type { ImportedEventApp } from './discovery';
import type { EventApp } from './event-app';
import type { AnyEventDefinition } from './schemas';

/** Which events cross from one app's bus to another's: defined events, or a pattern. */
export interface ForwardedEventsOptions {
  /**
   * The defined events to forward (the rule matches their sources and detail types, and the
   * consumer's bus policy admits exactly those).
   * @default - `pattern` decides
   */
  readonly events?: AnyEventDefinition[];
  /**
   * Which events to forward, in EventBridge's pattern language.
   * @default - derived from `events`
   */
  readonly pattern?: events.EventPattern;
}

/** Options of `EventApp.forwardEvents`: the producer's side. */
export interface ForwardEventsOptions extends ForwardedEventsOptions, Pick<DeliveryOptions, 'deadLetterQueue'> {
  /**
   * The bus to forward to: another EventApp of this CDK app, an imported app, or a bus ARN (an
   * app of another CDK app, in any account and region).
   */
  readonly to: ForwardingTarget;
  /**
   * The name of the role the rule sends with: give one when the consumer is another CDK app,
   * whose bus policy can then admit this role alone (`from: { account, roleArn }`).
   * @default - generated (and made a fixed name when the consumer is in another environment of this CDK app)
   */
  readonly roleName?: string;
}

/** Options of `EventApp.receiveEvents`: the consumer's side. */
export interface ReceiveEventsOptions extends ForwardedEventsOptions, Pick<DeliveryOptions, 'deadLetterQueue'> {
  /**
   * The app the events come from. An EventApp of this CDK app: the forwarding rule is placed
   * on its bus (in its stack) and this bus's policy admits exactly that rule's role. Another
   * CDK app's (imported, or `{ account }`): this bus's policy admits that account for exactly
   * the events named; the producer declares the forwarding on its side (`forwardEvents`).
   */
  readonly from: ForwardingSource;
}

/** Where forwarded events go: an app of this CDK app, an imported app, or a bus ARN. */
export type ForwardingTarget = EventApp | ImportedEventApp | string;

/**
 * Where forwarded events come from: an app of this CDK app, an imported app, or the account
 * (and optionally the role) another CDK app forwards from.
 */
export type ForwardingSource = EventApp | ImportedEventApp | ForwardingAccount;

/** Another CDK app's account forwarding to this app's bus. */
export interface ForwardingAccount {
  /** The producer's account id. */
  readonly account: string;
  /**
   * The ARN of the role the producer's forwarding rule uses (`forwarding.role.roleArn` on its
   * side): the bus policy then admits that role alone rather than the whole account.
   * @default - any principal of `account`, for the events named only
   */
  readonly roleArn?: string;
}

/**
 * Events crossing from a producer's bus to a consumer's: the rule on the producer's bus (with
 * the role it sends with and its dead-letter queue), the consumer bus's policy statement, and
 * the pattern, which subscriptions that name it (`through`) are checked against at synth.
 */
export interface EventForwarding {
  /** The forwarding rule on the producer's bus (absent on the consumer's side of two CDK apps). */
  readonly rule?: events.Rule;
  /** The role the rule sends with, admitted by the consumer's bus (absent where `rule` is). */
  readonly role?: iam.IRole;
  /** Where events the rule could not deliver are kept (absent where `rule` is). */
  readonly deadLetterQueue?: sqs.IQueue;
  /** The consumer bus's policy admitting the forwarded events (absent within one account). */
  readonly policy?: events.CfnEventBusPolicy;
  /** The forwarded pattern, rendered as EventBridge reads it. */
  readonly pattern: Readonly<Record<string, unknown>>;
  /** The construct path of the forwarding, for messages. */
  readonly path: string;
}
