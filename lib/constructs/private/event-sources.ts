import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { checkDuration, checkRange } from './validation';

/**
 * The rules Lambda and SQS apply to queue and stream event sources, checked at synth so that a
 * bad combination fails with the fix rather than at deploy. Sources: the Lambda developer
 * guide ("Using Lambda with Amazon SQS", "... with DynamoDB", `CreateEventSourceMapping`) and
 * the SQS developer guide (dead-letter queues, visibility timeout).
 */

/** Most messages a FIFO queue hands Lambda at once; also a standard queue's without a batching window. */
export const SQS_MAX_UNBATCHED = 10;
/** Most records one batch of a standard queue or a DynamoDB stream may hold. */
export const MAX_BATCH_SIZE = 10_000;
/** Longest batching window Lambda accepts. */
export const MAX_BATCHING_WINDOW = Duration.minutes(5);
/** Longest visibility timeout SQS accepts. */
export const MAX_VISIBILITY_TIMEOUT = Duration.hours(12);
/** AWS advises a visibility timeout of at least this many times the consumer's timeout (plus the batching window). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

function invalid(scope: IConstruct, problem: string, value: unknown, fix: string): never {
  throw new SwitchyardError({ code: ErrorCode.INVALID_EVENT_SOURCE, problem, scope, value, fix });
}

/** What decides whether an SQS event source is valid. */
export interface QueueSourceSettings {
  readonly fifo: boolean;
  readonly batchSize: number;
  readonly maxBatchingWindow?: Duration;
  readonly maxConcurrency?: number;
  readonly maxReceiveCount: number;
  readonly retentionPeriod?: Duration;
}

/** Throws for an SQS event source Lambda or SQS would refuse. */
export function checkQueueSource(scope: IConstruct, s: QueueSourceSettings): void {
  checkDuration(scope, 'maxBatchingWindow', s.maxBatchingWindow, Duration.seconds(0), MAX_BATCHING_WINDOW);
  checkRange(scope, 'maxConcurrency', s.maxConcurrency, 2, 1000);
  checkRange(scope, 'maxReceiveCount', s.maxReceiveCount, 1, 1000);
  checkDuration(scope, 'retentionPeriod', s.retentionPeriod, Duration.seconds(60), Duration.days(14));
  if (s.fifo && s.maxBatchingWindow !== undefined) {
    invalid(scope, 'A FIFO queue takes no batching window', s.maxBatchingWindow.toHumanString(), 'remove maxBatchingWindow: Lambda invokes a FIFO queue\'s consumer as soon as messages are available, in order');
  }
  if (Token.isUnresolved(s.batchSize)) return;
  const most = s.fifo ? SQS_MAX_UNBATCHED : MAX_BATCH_SIZE;
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > most) {
    invalid(scope, `batchSize is outside 1-${most} for a ${s.fifo ? 'FIFO' : 'standard'} queue`, s.batchSize, `set batchSize from 1 to ${most}${s.fifo ? ' (FIFO queues hand Lambda at most 10 messages at a time)' : ''}`);
  }
  const windowSeconds = s.maxBatchingWindow?.isUnresolved() ? 1 : (s.maxBatchingWindow?.toSeconds() ?? 0);
  if (s.batchSize > SQS_MAX_UNBATCHED && windowSeconds < 1) {
    invalid(scope, `A batch of more than ${SQS_MAX_UNBATCHED} messages needs a batching window of at least 1 second`, s.batchSize, `set maxBatchingWindow (e.g. Duration.seconds(5)), or batchSize to ${SQS_MAX_UNBATCHED} or less`);
  }
}

/**
 * Throws unless a queue's dead-letter queue is of the same type: SQS requires a FIFO queue's
 * dead-letter queue to be FIFO, and a standard queue's to be standard.
 */
export function checkDeadLetterType(scope: IConstruct, fifo: boolean, deadLetterQueue: sqs.IQueue): void {
  if (deadLetterQueue.fifo === fifo) return;
  invalid(
    scope,
    `The dead-letter queue of a ${fifo ? 'FIFO' : 'standard'} queue must be ${fifo ? 'a FIFO' : 'a standard'} queue`,
    deadLetterQueue.node.path,
    fifo ? 'give a FIFO queue (fifo: true, a name ending in .fifo) as deadLetterQueue, or leave it out to have one created' : 'give a standard queue as deadLetterQueue, or leave it out to have one created',
  );
}

/**
 * The visibility timeout AWS advises for a queue consumed by Lambda: at least six times the
 * function's timeout, plus the batching window (a message is in flight from the first receive
 * of its batch's window until the function returns, and Lambda may retry a throttled batch).
 */
export function advisedVisibilityTimeout(functionTimeout: Duration, maxBatchingWindow?: Duration): Duration {
  return Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * functionTimeout.toSeconds() + (maxBatchingWindow?.toSeconds() ?? 0));
}

/** Throws when a given visibility timeout is out of SQS's range or shorter than AWS advises. */
export function checkVisibilityTimeout(scope: IConstruct, given: Duration, advised: Duration | undefined, functionTimeout: Duration | undefined): void {
  checkDuration(scope, 'visibilityTimeout', given, Duration.seconds(0), MAX_VISIBILITY_TIMEOUT);
  if (!advised || given.isUnresolved() || given.toSeconds() >= advised.toSeconds()) return;
  throw new SwitchyardError({
    code: ErrorCode.VISIBILITY_TIMEOUT_TOO_SHORT,
    problem: `visibilityTimeout is shorter than ${VISIBILITY_TIMEOUT_FACTOR} times the consumer's timeout (${functionTimeout?.toHumanString()}) plus the batching window`,
    scope,
    value: given.toHumanString(),
    fix: `set visibilityTimeout to at least ${advised.toHumanString()} (or leave it out: that is the default), or lower the function's timeout; otherwise a message still being processed becomes visible again and is processed twice`,
  });
}

/** What decides whether a DynamoDB stream event source is valid. */
export interface StreamSourceSettings {
  readonly batchSize: number;
  readonly startingPosition: lambda.StartingPosition;
  readonly maxBatchingWindow?: Duration;
  readonly retryAttempts: number;
  readonly maxRecordAge?: Duration;
  readonly parallelizationFactor?: number;
  readonly tumblingWindow?: Duration;
}

/** Throws for a DynamoDB stream event source Lambda would refuse. */
export function checkStreamSource(scope: IConstruct, s: StreamSourceSettings): void {
  checkDuration(scope, 'maxBatchingWindow', s.maxBatchingWindow, Duration.seconds(0), MAX_BATCHING_WINDOW);
  checkRange(scope, 'retryAttempts', s.retryAttempts, -1, 10_000);
  checkDuration(scope, 'maxRecordAge', s.maxRecordAge, Duration.seconds(60), Duration.days(7));
  checkRange(scope, 'parallelizationFactor', s.parallelizationFactor, 1, 10);
  checkDuration(scope, 'tumblingWindow', s.tumblingWindow, Duration.seconds(0), Duration.minutes(15));
  if (s.startingPosition === lambda.StartingPosition.AT_TIMESTAMP) {
    invalid(scope, 'DynamoDB streams cannot start at a timestamp', 'AT_TIMESTAMP', 'use StartingPosition.TRIM_HORIZON (the last 24 hours of changes) or StartingPosition.LATEST (changes from now on)');
  }
  if (!Token.isUnresolved(s.batchSize) && (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > MAX_BATCH_SIZE)) {
    invalid(scope, `batchSize is outside 1-${MAX_BATCH_SIZE} for a DynamoDB stream`, s.batchSize, `set batchSize from 1 to ${MAX_BATCH_SIZE}`);
  }
}
