import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeliveryOptions } from '../subscriptions';
import { createDeadLetters } from './dead-letters';
import { QueueTarget } from './queue-target';
import { checkDuration, checkRange } from './validation';

/** What {@link deliver} wired. */
export interface Delivery {
  /** The dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The alarm on the queue's depth, when the queue was created here. */
  readonly deadLetterAlarm?: cloudwatch.Alarm;
}

const DEFAULT_RETRY_ATTEMPTS = 3;
const DEFAULT_MAX_EVENT_AGE = Duration.hours(1);
const LAMBDA_MAX_RETRIES = 2;
const LAMBDA_MAX_EVENT_AGE = Duration.hours(6);

/** What a rule delivers to: a function, or a queue (whose consumer then reads at its own pace). */
export type DeliveryTarget =
  | { readonly function: lambda.IFunction }
  | { readonly queue: sqs.IQueue; readonly messageGroupId?: string };

/**
 * Adds a target to `rule` with a bounded retry policy and a dead-letter queue.
 *
 * For a function, the queue catches both failures of the path: EventBridge failing to deliver
 * (the target's DLQ, with a queue policy scoped to this rule) and the function failing after
 * Lambda's async retries (the function's on-failure destination). For a queue, EventBridge's
 * delivery is the only step here; the queue's own redrive policy covers its consumer.
 */
export function deliver(scope: Construct, rule: events.Rule, target: DeliveryTarget, options: DeliveryOptions = {}): Delivery {
  const { retryAttempts, maxEventAge } = retryOf(scope, options);
  const delivery = deadLettersFor(scope, target, options, 'an EventBridge target');
  const deadLetterQueue = delivery.deadLetterQueue;
  if ('function' in target) {
    rule.addTarget(new targets.LambdaFunction(target.function, { deadLetterQueue, retryAttempts, maxEventAge }));
    configureFunctionRetries(target.function, retryAttempts, maxEventAge, deadLetterQueue);
  } else {
    rule.addTarget(new QueueTarget(target.queue, { deadLetterQueue, retryAttempts, maxEventAge, messageGroupId: target.messageGroupId }));
  }
  return delivery;
}

/** The retry policy of an async target: the options' or the defaults, checked against AWS's ranges. */
export function retryOf(scope: Construct, options: DeliveryOptions): { retryAttempts: number; maxEventAge: Duration } {
  const retryAttempts = options.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
  const maxEventAge = options.maxEventAge ?? DEFAULT_MAX_EVENT_AGE;
  checkRange(scope, 'retryAttempts', retryAttempts, 0, 185);
  checkDuration(scope, 'maxEventAge', maxEventAge, Duration.minutes(1), Duration.hours(24));
  return { retryAttempts, maxEventAge };
}

/**
 * The dead-letter queue of an async target: the one given, or a new one (see
 * `createDeadLetters`) with an alarm on any message. `sender` names who writes to it besides a
 * function's on-failure destination (`an EventBridge target`, `an EventBridge Scheduler target`).
 */
export function deadLettersFor(scope: Construct, target: DeliveryTarget, options: DeliveryOptions, sender: string): Delivery {
  if (options.deadLetterQueue) return { deadLetterQueue: options.deadLetterQueue };
  const isFunction = 'function' in target;
  const created = createDeadLetters(scope, {
    holds: `Events for ${(isFunction ? target.function : target.queue).node.path}`,
    encryptionKey: options.encryptionKey,
    deadLetterQueueOf: isFunction ? `${sender} and a Lambda on-failure destination` : sender,
  });
  return { deadLetterQueue: created.queue, deadLetterAlarm: created.alarm };
}

/**
 * Lambda's own async retries of the function, bounded by the target's, with failures sent to
 * the same dead-letter queue. A function has one async invoke config; the first async source
 * to reach it sets it.
 */
export function configureFunctionRetries(fn: lambda.IFunction, retryAttempts: number, maxEventAge: Duration, deadLetterQueue: sqs.IQueue): void {
  if (fn.node.tryFindChild('EventInvokeConfig')) return;
  const lambdaMaxAge = Math.min(maxEventAge.toSeconds(), LAMBDA_MAX_EVENT_AGE.toSeconds());
  fn.configureAsyncInvoke({
    retryAttempts: Math.min(retryAttempts, LAMBDA_MAX_RETRIES),
    maxEventAge: Duration.seconds(lambdaMaxAge),
    onFailure: new destinations.SqsDestination(deadLetterQueue),
  });
}
