/**
 * Switchyard: AWS CDK constructs for event-driven serverless applications.
 *
 * `import { EventApp } from 'switchyard'` for the constructs; handler-side helpers are in
 * `switchyard/runtime`, test helpers in `switchyard/testing`, the event-pattern engine in
 * `switchyard/patterns`.
 *
 * Every name here is a decision: `test/api/public-api.json` pins this list, so adding or
 * removing one shows in review. Helpers stay in `constructs/private/` and `bundling/private/`.
 */
export type { HttpAuthorization, JwtAuthorization, LambdaAuthorization, RouteDefinition, RouteOptions } from './constructs/auth';
export type { LiveFunction, ProvisionedConcurrencyOptions, SafeDeploymentOptions } from './constructs/deployment';
export type { EventForwarding, ForwardEventsOptions, ForwardedEventsOptions, ForwardingAccount, ForwardingSource, ForwardingTarget, ReceiveEventsOptions } from './constructs/cross-app';
export { ImportedEventApp } from './constructs/discovery';
export type { AppLookupOptions, DiscoveryOptions, ImportedEventAppAttributes } from './constructs/discovery';
export { EventApp } from './constructs/event-app';
export type { EventArchiveOptions } from './constructs/archive';
export type { EventAppProps } from './constructs/event-app';
export type { AppFunctionProps, ExistingFunctionOptions, FunctionDefaults, FunctionSource } from './constructs/function';
export { ENDPOINT_ID_ENV, GlobalEndpoint } from './constructs/global-endpoint';
export type { GlobalEndpointOptions, GlobalEndpointProps } from './constructs/global-endpoint';
export type { HttpApiOptions } from './constructs/http';
export type { QueueMessageFields, QueueMessageFilter, StreamAttributeValue, StreamRecordFields, StreamRecordFilter } from './constructs/filters';
export { AppMonitoring } from './constructs/monitoring';
export type { FunctionAlarms, MonitoringOptions } from './constructs/monitoring';
export { EventSchemaRegistry } from './constructs/schemas';
export type { AnyEventDefinition, EventSchemaRegistryProps } from './constructs/schemas';
export { AppQueue } from './constructs/queues';
export type { AppQueueProps, QueueOptions, QueueRouteTarget, QueueSettings, QueueSource } from './constructs/queues';
export { MultiRegionApp } from './constructs/regions';
export type { MultiRegionAppProps, RegionalApp, RegionalDomainOptions, RegionInfo } from './constructs/regions';
export type { ParameterByName, SecretByName, SecretSource } from './constructs/secrets';
export { AppTableStream } from './constructs/streams';
export type { AppTableStreamProps, TableStreamOptions, TableStreamSettings } from './constructs/streams';
export type { DeliveryOptions, RuleScheduleOptions, RuleTargetOptions, ScheduleOptions, SubscriptionOptions, TypedSubscriptionOptions } from './constructs/subscriptions';
export type { AppTableProps, IdempotencyOptions } from './constructs/tables';
export { BUNDLE_MANIFEST_FILE, BundledCode, BundlingSession, formatBundleTable, readBundleManifest } from './bundling';
export type { BuildStats, BundleManifest, BundleReport, BundlingEvent, BundlingListener, BundlingOptions, EsbuildPluginReference, JsonValue } from './bundling';
export { ErrorCode, SwitchyardError, WarningCode } from './errors';
export type { SwitchyardErrorDetails } from './errors';
