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
  const retryAttempts = options.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
  const maxEventAge = options.maxEventAge ?? DEFAULT_MAX_EVENT_AGE;
  checkRange(scope, 'retryAttempts', retryAttempts, 0, 185);
  checkDuration(scope, 'maxEventAge', maxEventAge, Duration.minutes(1), Duration.hours(24));

  let deadLetterQueue = options.deadLetterQueue;
  let deadLetterAlarm: cloudwatch.Alarm | undefined;
  if (!deadLetterQueue) {
    const queue = new sqs.Queue(scope, 'DeadLetters', {
      // SSE-SQS, or a customer-managed key: EventBridge cannot write to a queue encrypted with
      // the AWS managed KMS key (its key policy cannot be changed to let events.amazonaws.com in).
      ...(options.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: options.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    deadLetterQueue = queue;
    deadLetterAlarm = new cloudwatch.Alarm(scope, 'DeadLettersAlarm', {
      alarmDescription: `Events for ${fn.node.path} failed and are kept in ${queue.node.path}`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  rule.addTarget(new targets.LambdaFunction(fn, { deadLetterQueue, retryAttempts, maxEventAge }));

  // A function has one async invoke config; the first async source to reach it sets it.
  if (!fn.node.tryFindChild('EventInvokeConfig')) {
    const lambdaMaxAge = Math.min(maxEventAge.toSeconds(), LAMBDA_MAX_EVENT_AGE.toSeconds());
    fn.configureAsyncInvoke({
      retryAttempts: Math.min(retryAttempts, LAMBDA_MAX_RETRIES),
      maxEventAge: Duration.seconds(lambdaMaxAge),
      onFailure: new destinations.SqsDestination(deadLetterQueue),
    });
  }
  return { deadLetterQueue, deadLetterAlarm };
}
