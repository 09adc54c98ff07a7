import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeQueueFindings } from './nag';

/** A dead-letter queue Switchyard created, with the alarm on its depth. */
export interface DeadLetters {
  /** The queue. */
  readonly queue: sqs.Queue;
  /** Raised by any message in the queue. */
  readonly alarm: cloudwatch.Alarm;
}

/** How {@link createDeadLetters} makes the queue. */
export interface DeadLettersOptions {
  /** What ends up in the queue, for the alarm's description: `Events for <path>`, `Messages of <path>`. */
  readonly holds: string;
  /** A customer-managed key; SSE-SQS otherwise. */
  readonly encryptionKey?: kms.IKey;
  /** A FIFO queue (the dead-letter queue of a FIFO queue must be one). */
  readonly fifo?: boolean;
  /** Why cdk-nag's findings on a dead-letter queue do not apply, in words (`an EventBridge target and a Lambda on-failure destination`). */
  readonly deadLetterQueueOf: string;
}

// Longest SQS keeps a message: the dead-letter queue keeps failures as long as it can.
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * An encrypted, TLS-only queue keeping failures for 14 days, with an alarm on any message in
 * it: the one shape of every dead-letter queue of an app (rule targets, Lambda on-failure
 * destinations, queue redrive, stream on-failure destinations), as `<scope>/DeadLetters`.
 */
export function createDeadLetters(scope: Construct, options: DeadLettersOptions): DeadLetters {
  const queue = new sqs.Queue(scope, 'DeadLetters', {
    // SSE-SQS, or a customer-managed key: EventBridge cannot write to a queue encrypted with
    // the AWS managed KMS key (its key policy cannot be changed to let events.amazonaws.com in).
    ...(options.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: options.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
    fifo: options.fifo || undefined,
  });
  acknowledgeQueueFindings(queue, options.deadLetterQueueOf);
  const alarm = new cloudwatch.Alarm(scope, 'DeadLettersAlarm', {
    alarmDescription: `${options.holds} failed and are kept in ${queue.node.path}`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
}
