/**
 * The props of an {@link EventApp}: what the constructor declares at once (every map has a
 * method that declares the same thing) and the app-wide settings.
 */
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { EventArchiveOptions } from './archive';
import type { RouteDefinition } from './auth';
import type { DiscoveryOptions } from './discovery';
import type { EventApp } from './event-app';
import type { AppFunctionProps, ExistingFunctionOptions, FunctionDefaults, FunctionSource } from './function';
import type { GlobalEndpointOptions } from './global-endpoint';
import type { HttpApiOptions } from './http';
import type { MonitoringOptions } from './monitoring';
import type { AnyEventDefinition, EventSchemaRegistryProps } from './schemas';
import type { QueueOptions } from './queues';
import type { TableStreamOptions } from './streams';
import type { RuleScheduleOptions, ScheduleOptions, SubscriptionOptions } from './subscriptions';
import type { AppTableProps, IdempotencyOptions } from './tables';

/** Props of an {@link EventApp}. Every map is optional: the methods declare the same things. */
export interface EventAppProps {
  /**
   * Settings every function starts from.
   * @default - see `FunctionDefaults`
   */
  readonly functionDefaults?: FunctionDefaults;
  /**
   * An existing bus to subscribe to and publish on.
   * @default - a new bus
   */
  readonly bus?: events.IEventBus;
  /**
   * Name of the bus created when `bus` is not given.
   * @default - generated from the construct path
   */
  readonly busName?: string;
  /**
   * Settings of the HTTP API, created with the first route.
   * @default - see `HttpApiOptions`
   */
  readonly http?: HttpApiOptions;
  /**
   * Functions by name, as entry paths, props, or existing functions with the options that
   * still apply: `{ PlaceOrder: { entry: 'lambdas/place-order.ts', publishes: true }, Legacy: { function: legacyFn } }`.
   * @default - none
   */
  readonly functions?: Record<string, string | AppFunctionProps | ExistingFunctionOptions | lambda.IFunction>;
  /**
   * HTTP routes by key: `{ 'POST /orders': 'PlaceOrder' }` (a function name, entry path, props
   * or function), or with options: `{ 'POST /orders': { function: 'PlaceOrder', scopes: ['orders:write'] } }`.
   * @default - none
   */
  readonly routes?: Record<string, FunctionSource | RouteDefinition>;
  /**
   * Event subscriptions by name.
   * @default - none
   */
  readonly subscriptions?: Record<string, SubscriptionOptions>;
  /**
   * Schedules by name (EventBridge Scheduler, or a scheduled rule with `kind: 'rule'`).
   * @default - none
   */
  readonly schedules?: Record<string, ScheduleOptions | RuleScheduleOptions>;
  /**
   * Queues by name, each consumed by its `handler` (declared before routes and subscriptions,
   * which may send to them by name).
   * @default - none
   */
  readonly queues?: Record<string, QueueOptions>;
  /**
   * DynamoDB tables the app owns, by name, with a stream by default.
   * @default - none
   */
  readonly tables?: Record<string, AppTableProps>;
  /**
   * Table streams by name, each consumed by its `handler`; `table` names a table of `tables`
   * or is any table with a stream.
   * @default - none
   */
  readonly streams?: Record<string, TableStreamOptions>;
  /**
   * Idempotency for `idempotent()` of `switchyard/runtime`: `true` gives every function access
   * to a table of idempotency records (time to live on), created here; a function's own
   * `idempotency` decides for it. Options choose which functions and the table.
   * @default - only functions with `idempotency: true` (the table is created with the first)
   */
  readonly idempotency?: boolean | IdempotencyOptions;
  /**
   * Defined events to publish in the Schema Registry besides those subscribed to (for
   * example events only published, for consumers outside the app).
   * @default - none
   */
  readonly events?: AnyEventDefinition[];
  /**
   * Publish a Schema Registry with a JSON Schema per defined event.
   * @default true (created with the first defined event)
   */
  readonly schemaRegistry?: boolean | EventSchemaRegistryProps;
  /**
   * Alarms (function errors and throttles, API 5xx rate and p99 latency, failed rule
   * invocations) with an optional action, and a dashboard; `false` turns them off.
   * @default - on, see `MonitoringOptions`
   */
  readonly monitoring?: MonitoringOptions | false;
  /**
   * A customer-managed KMS key for the dead-letter queues and log groups the app creates (a
   * function's `logEncryptionKey` or the API's `encryptionKey` wins over it). Its key policy
   * gets the grants EventBridge and CloudWatch Logs need to use it.
   * @default - SSE-SQS for queues, CloudWatch Logs' own encryption for logs
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Keep every event on the app's bus in an EventBridge archive, for replay; `true` keeps
   * them indefinitely. The archive is encrypted with `encryptionKey` when one is given.
   * @default - no archive
   */
  readonly archive?: boolean | EventArchiveOptions;
  /**
   * Publish the app's endpoints (bus, API URL, queues, defined events) as SSM parameters under
   * `/switchyard/<appName>/`, for other apps to find by name (`EventApp.lookup`, `discoverApp`).
   * @default - not published
   */
  readonly discovery?: boolean | DiscoveryOptions;
  /**
   * An EventBridge global endpoint for the bus, failing over to `secondaryRegion` (where the app
   * must be deployed too, with the same `busName`: see `MultiRegionApp`). Functions that publish
   * send through it and may put events on the bus of both regions.
   * @default - no global endpoint
   */
  readonly globalEndpoint?: GlobalEndpointOptions;
}
