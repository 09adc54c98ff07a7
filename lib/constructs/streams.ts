import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import type { StreamRecordFilter } from './filters';
import type { FunctionSource } from './function';
import { createDeadLetters } from './private/dead-letters';
import { checkStreamSource } from './private/event-sources';
import { checkFilters } from './private/filters';

/** How a table's stream reaches its consumer; shared by `addTableStream` and `AppTableStream`. */
export interface TableStreamSettings {
  /**
   * Where a new mapping starts reading: `TRIM_HORIZON` (every change the stream still holds,
   * up to 24 hours) or `LATEST` (changes from now on). DynamoDB streams have no `AT_TIMESTAMP`.
   * @default lambda.StartingPosition.TRIM_HORIZON (no change written before the mapping exists is missed)
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Most records per invocation (1 to 10,000).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking (0 to 5 minutes).
   * @default - none
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Lambda filter criteria, in EventBridge's pattern language, on the stream record:
   * `{ eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: ['shipped'] } } } }`.
   * Records no filter matches are skipped. At most 5.
   * @default - every record
   */
  readonly filters?: readonly StreamRecordFilter[];
  /**
   * When the consumer fails, split the batch in two and retry each half, to isolate a bad record.
   * @default true
   */
  readonly bisectOnError?: boolean;
  /**
   * Retries of a failing batch before it goes to the on-failure destination (-1 retries until
   * the record expires from the stream, 24 hours; up to 10,000).
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Oldest record Lambda still sends to the consumer (60 seconds to 7 days).
   * @default - until the record expires from the stream (24 hours)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Batches processed concurrently per shard (1 to 10); records of one item stay in order.
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Let the consumer return `{ batchItemFailures: [{ itemIdentifier }] }` (as
   * `streamBatchHandler` of `switchyard/runtime` does) so that Lambda retries from the first
   * failed record rather than the whole batch.
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Aggregate records in tumbling windows of this length (0 to 15 minutes).
   * @default - no windows
   */
  readonly tumblingWindow?: Duration;
  /**
   * Where Lambda sends a description of a batch it gave up on (the shard, sequence numbers
   * and error; not the records themselves, which stay readable in the stream for 24 hours).
   * @default - a new queue with SSE, TLS enforced and 14 days' retention, with an alarm on any message
   */
  readonly onFailure?: sqs.IQueue;
  /**
   * Whether Lambda reads the stream.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * A customer-managed KMS key for the on-failure queue created here.
   * @default - SSE-SQS
   */
  readonly encryptionKey?: kms.IKey;
}

/** A table stream declared with `EventApp.addTableStream`. */
export interface TableStreamOptions extends TableStreamSettings {
  /** The table: the name of a table declared with `addTable`, or any table with a stream. */
  readonly table: string | dynamodb.ITable;
  /** The consumer: a declared function's name, an entry path, props, or a function. */
  readonly handler: FunctionSource;
  /**
   * Raise an alarm when the consumer's iterator age (how far it lags behind the newest
   * change) exceeds this, with the app's monitoring.
   * @default Duration.minutes(15)
   */
  readonly iteratorAgeAlarm?: Duration;
}

/** Props of an {@link AppTableStream}. */
export interface AppTableStreamProps extends TableStreamSettings {
  /** The table, which must have a stream. */
  readonly table: dynamodb.ITable;
  /** The function Lambda invokes with the stream's records (a function, or its live alias). */
  readonly consumer: lambda.IFunction;
}

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_RETRY_ATTEMPTS = 3;

/**
 * A DynamoDB table's stream consumed by a Lambda function: bounded retries, bisection of a
 * failing batch, partial batch responses, and an on-failure destination (an SQS queue with
 * an alarm on its depth), so that a bad record neither blocks the shard for a day nor
 * disappears. `EventApp.addTableStream` declares one; it also stands on its own.
 *
 * @example
 * new AppTableStream(stack, 'ShipOrders', { table: orders, consumer: fn, filters: [{ eventName: ['INSERT'] }] });
 */
export class AppTableStream extends Construct {
  /** The event source (its mapping's id and ARN). */
  public readonly eventSource: sources.DynamoEventSource;
  /** Where Lambda describes the batches it gave up on. */
  public readonly onFailureQueue: sqs.IQueue;
  /** The alarm on the on-failure queue's depth, when it was created here. */
  public readonly onFailureAlarm?: cloudwatch.Alarm;
  /** The table read. */
  public readonly table: dynamodb.ITable;
  /** The function Lambda invokes. */
  public readonly consumer: lambda.IFunction;

  constructor(scope: Construct, id: string, props: AppTableStreamProps) {
    super(scope, id);
    this.table = props.table;
    this.consumer = props.consumer;
    const settings = {
      ...props,
      batchSize: props.batchSize ?? DEFAULT_BATCH_SIZE,
      startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      retryAttempts: props.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
    };
    checkStreamSource(this, settings);
    checkFilters(this, 'dynamodb', props.filters);
    this.checkTableHasStream(props.table);

    const created = props.onFailure
      ? undefined
      : createDeadLetters(this, { holds: `Batches of ${props.table.node.path}'s stream for ${props.consumer.node.path}`, encryptionKey: props.encryptionKey, deadLetterQueueOf: 'a DynamoDB stream event source (its on-failure destination)' });
    this.onFailureQueue = props.onFailure ?? created!.queue;
    this.onFailureAlarm = created?.alarm;
    this.eventSource = new sources.DynamoEventSource(props.table, {
      startingPosition: settings.startingPosition,
      batchSize: settings.batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      filters: props.filters?.map((filter) => lambda.FilterCriteria.filter(filter)),
      bisectBatchOnError: props.bisectOnError ?? true,
      retryAttempts: settings.retryAttempts,
      maxRecordAge: props.maxRecordAge,
      parallelizationFactor: props.parallelizationFactor,
      reportBatchItemFailures: props.reportBatchItemFailures ?? true,
      tumblingWindow: props.tumblingWindow,
      onFailure: new OnFailureQueue(this.onFailureQueue),
      enabled: props.enabled,
    });
    props.consumer.addEventSource(this.eventSource);
  }

  private checkTableHasStream(table: dynamodb.ITable): void {
    // A TableV2 answers its StreamArn attribute whether it has a stream or not: ask its resource.
    const resource = table.node.defaultChild;
    const v2WithoutStream = resource instanceof dynamodb.CfnGlobalTable && Stack.of(table).resolve(resource.streamSpecification) === undefined;
    if (table.tableStreamArn && !v2WithoutStream) return;
    throw new SwitchyardError({
      code: ErrorCode.INVALID_EVENT_SOURCE,
      problem: 'The table has no stream',
      scope: this,
      value: table.node.path,
      fix: 'declare the table with app.addTable (streams on by default), set dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES on a TableV2 (stream on a Table), or import it with tableStreamArn',
    });
  }
}

/**
 * An SQS on-failure destination granting the consumer exactly what sending to it takes:
 * `sqs:SendMessage`, and for a queue encrypted with a customer-managed key `kms:GenerateDataKey`
 * and `kms:Decrypt` (aws-event-sources' `SqsDlq` grants `grantSendMessages`, whose key actions
 * are wildcards cdk-nag refuses).
 */
class OnFailureQueue implements lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  public bind(_mapping: lambda.IEventSourceMapping, consumer: lambda.IFunction): lambda.DlqDestinationConfig {
    consumer.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    const key = this.queue.encryptionMasterKey;
    if (key) consumer.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    return { destination: this.queue.queueArn };
  }
}
