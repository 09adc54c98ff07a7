import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { AppMonitoring } from '../monitoring';
import { AppQueue, type QueueOptions, type QueueSource } from '../queues';
import { AppTableStream, type TableStreamOptions } from '../streams';
import type { AppTableProps } from '../tables';
import type { FunctionRegistry } from './function-registry';
import { checkName } from './validation';

/** What {@link AppSources} works with. */
export interface AppSourcesProps {
  /** The app: the parent of queues and streams, where errors point. */
  readonly app: Construct;
  /** The app's functions, to resolve consumers. */
  readonly fns: FunctionRegistry;
  /** The app's alarms, unless turned off. */
  readonly monitoring?: AppMonitoring;
  /** The app's customer-managed key, for queues and tables. */
  readonly encryptionKey?: kms.IKey;
}

// A queue's age alarm never fires before this, however short its redrive window.
const MIN_AGE_ALARM = Duration.minutes(15);
const DEFAULT_ITERATOR_AGE_ALARM = Duration.minutes(15);

/**
 * The queues, tables and table streams of an `EventApp`: each consumer resolved like any
 * handler (invoked through its live alias when it has one), dead-letter alarms joined to the
 * app's alarms, and the queue's and stream's own alarms and dashboard rows.
 */
export class AppSources {
  /** Every queue declared with `addQueue`, by name. */
  public readonly queues: Record<string, AppQueue> = {};
  /** Every table declared with `addTable`, by name. */
  public readonly tables: Record<string, dynamodb.TableV2> = {};
  /** Every table stream declared with `addTableStream`, by name. */
  public readonly streams: Record<string, AppTableStream> = {};

  private tableScope?: Construct;

  constructor(private readonly props: AppSourcesProps) {}

  /** A queue consumed by a function. */
  public addQueue(name: string, options: QueueOptions): AppQueue {
    const { fns, monitoring, app } = this.props;
    const fn = fns.resolve(options.handler, name);
    const { handler: _handler, oldestMessageAlarm, ...settings } = options;
    const queue = new AppQueue(app, name, {
      encryptionKey: this.props.encryptionKey,
      ...settings,
      consumer: fns.invokeTarget(fn),
      consumerTimeout: fns.timeoutOf(fn),
    });
    if (queue.deadLetterAlarm) monitoring?.addAlarm(queue.deadLetterAlarm);
    const redrive = queue.redriveWindow.toSeconds();
    monitoring?.monitorQueue(name, queue, oldestMessageAlarm ?? Duration.seconds(Math.max(MIN_AGE_ALARM.toSeconds(), redrive)));
    this.queues[name] = queue;
    return queue;
  }

  /** A table the app owns, with a stream unless `stream: false`. */
  public addTable(name: string, props: AppTableProps): dynamodb.TableV2 {
    checkName(this.props.app, 'table', name, new Set(Object.keys(this.tables)));
    this.tableScope ??= new Construct(this.props.app, 'Tables');
    const { stream, ...tableProps } = props;
    // The app's encryptionKey is not applied: a TableV2 with a customer-managed key needs the
    // stack's region (aws-cdk-lib 2.276), so a table's encryption is its own `encryption` prop.
    const table = new dynamodb.TableV2(this.tableScope, name, {
      // Point-in-time recovery unless said otherwise: the app's data, not a cache.
      pointInTimeRecoverySpecification: props.pointInTimeRecovery === undefined ? { pointInTimeRecoveryEnabled: true } : undefined,
      ...tableProps,
      dynamoStream: stream === false ? undefined : (stream ?? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES),
    });
    this.tables[name] = table;
    return table;
  }

  /** A table's stream consumed by a function. */
  public addTableStream(name: string, options: TableStreamOptions): AppTableStream {
    const { fns, monitoring, app } = this.props;
    const table = typeof options.table === 'string' ? this.tableByName(options.table) : options.table;
    const fn = fns.resolve(options.handler, name);
    const { handler: _handler, table: _table, iteratorAgeAlarm, ...settings } = options;
    const stream = new AppTableStream(app, name, { encryptionKey: this.props.encryptionKey, ...settings, table, consumer: fns.invokeTarget(fn) });
    if (stream.onFailureAlarm) monitoring?.addAlarm(stream.onFailureAlarm);
    monitoring?.monitorStream(name, stream, iteratorAgeAlarm ?? DEFAULT_ITERATOR_AGE_ALARM);
    this.streams[name] = stream;
    return stream;
  }

  /** The queue a subscription or route sends to, and whether it is FIFO. */
  public resolveQueue(scope: IConstruct, source: QueueSource): sqs.IQueue {
    if (source instanceof AppQueue) return source.queue;
    if (typeof source !== 'string') return source;
    const declared = this.queues[source];
    if (declared) return declared.queue;
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'Unknown queue name',
      scope,
      value: source,
      fix: `declare it first with addQueue("${source}", { handler: ... }) or in props.queues (queues are declared before routes and subscriptions); declared: ${Object.keys(this.queues).join(', ') || '(none)'}`,
    });
  }

  private tableByName(name: string): dynamodb.ITable {
    const table = this.tables[name];
    if (table) return table;
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'Unknown table name',
      scope: this.props.app,
      value: name,
      fix: `declare it first with addTable("${name}", { partitionKey: ... }) or in props.tables, or pass the table itself; declared: ${Object.keys(this.tables).join(', ') || '(none)'}`,
    });
  }
}
