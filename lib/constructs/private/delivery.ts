import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeliveryOptions } from '../subscriptions';
import { checkDuration, checkRange } from './validation';

/** What {@link deliverToFunction} wired. */
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

/**
 * Adds `fn` as a target of `rule` with a bounded retry policy and a dead-letter queue that
 * catches both failures of the path: EventBridge failing to deliver (the target's DLQ, with a
 * queue policy scoped to this rule) and the function failing after Lambda's async retries
 * (the function's on-failure destination).
 */
export function deliverToFunction(scope: Construct, rule: events.Rule, fn: lambda.IFunction, options: DeliveryOptions = {}): Delivery {
  const { retryAttempts, maxEventAge } = retryOf(scope, options);
  const delivery = deadLettersFor(scope, fn, options);
  const deadLetterQueue = delivery.deadLetterQueue;
  rule.addTarget(new targets.LambdaFunction(fn, { deadLetterQueue, retryAttempts, maxEventAge }));

  configureFunctionRetries(fn, retryAttempts, maxEventAge, deadLetterQueue);
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
 * The dead-letter queue of an async target: the one given, or a new SQS queue (SSE-SQS or the
 * app's key, TLS enforced, 14 days' retention) with an alarm on any message.
 */
export function deadLettersFor(scope: Construct, fn: lambda.IFunction, options: DeliveryOptions): Delivery {
  if (options.deadLetterQueue) return { deadLetterQueue: options.deadLetterQueue };
  const queue = new sqs.Queue(scope, 'DeadLetters', {
    // SSE-SQS, or a customer-managed key: EventBridge cannot write to a queue encrypted with
    // the AWS managed KMS key (its key policy cannot be changed to let events.amazonaws.com in).
    ...(options.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: options.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const deadLetterAlarm = new cloudwatch.Alarm(scope, 'DeadLettersAlarm', {
    alarmDescription: `Events for ${fn.node.path} failed and are kept in ${queue.node.path}`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { deadLetterQueue: queue, deadLetterAlarm };
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
