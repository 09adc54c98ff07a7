import { Duration, Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/** What a rule hands to a queue, and what it does when it cannot. */
export interface QueueTargetProps {
  /** Where undeliverable events go. */
  readonly deadLetterQueue: sqs.IQueue;
  /** EventBridge's retries of an event it could not deliver. */
  readonly retryAttempts: number;
  /** How long EventBridge keeps trying. */
  readonly maxEventAge: Duration;
  /** The message group of every event, for a FIFO queue. */
  readonly messageGroupId?: string;
}

/**
 * A rule target that sends each event to an SQS queue, with a queue policy letting only this
 * rule send (`aws:SourceArn`), whatever the queue's encryption.
 *
 * Written here rather than using aws-events-targets' `SqsQueue`: for a queue encrypted with a
 * customer-managed key, `SqsQueue` (aws-cdk-lib 2.276) scopes the queue policy to the account,
 * or not at all without the `eventsTargetQueueSameAccount` feature flag, so any rule could send
 * to the queue. The key's own policy lets EventBridge use it (see `encryption.ts`).
 */
export class QueueTarget implements events.IRuleTarget {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly props: QueueTargetProps,
  ) {}

  /** Adds the queue policies and answers the target's configuration. */
  public bind(rule: events.IRule): events.RuleTargetConfig {
    const { deadLetterQueue, retryAttempts, maxEventAge, messageGroupId } = this.props;
    allowRuleToSend(rule, this.queue);
    allowRuleToSend(rule, deadLetterQueue);
    return {
      arn: this.queue.queueArn,
      targetResource: this.queue,
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
      retryPolicy: { maximumRetryAttempts: retryAttempts, maximumEventAgeInSeconds: maxEventAge.toSeconds({ integral: true }) },
      sqsParameters: messageGroupId ? { messageGroupId } : undefined,
    };
  }
}

/** `sqs:SendMessage` on the queue for EventBridge, from this rule only. */
function allowRuleToSend(rule: events.IRule, queue: sqs.IQueue): void {
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      // One statement per rule: a queue several rules send to gets one for each.
      sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
}
