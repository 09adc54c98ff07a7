/**
 * The local runtime: runs a synthesized app on this machine. See docs/ARCHITECTURE.md, "The local runtime".
 */
export { LocalApp, DEFAULT_INSPECT_PORT, type LocalAppOptions } from './local-app';
export { FunctionHost, type FunctionHostOptions, type InvokeRequest, type InvokeResult, type FunctionLogRecord, type CodeUpdate } from './host/function-host';
export { FunctionNotFoundError, ThrottledError, HostStoppedError, InspectPortInUseError, type ThrottleReason } from './host/errors';
export { InspectorProxy, type InspectorProxyEvents } from './host/inspector-proxy';
export { NodeBinaryError, LAMBDA_NODE_RUNTIMES, runtimeNotices, type LambdaNodeRuntime, type NodeBinary } from './host/runtimes';
export { HostCapacity, defaultMaxInstances } from './host/capacity';
export type { LambdaErrorPayload } from './host/protocol';
export { HttpGateway, type ServedApi, type HttpRequestRecord } from './http/gateway';
export { RestGateway, type ServedRestApi } from './http/rest-gateway';
export type { LocalApiKey } from './auth/api-keys';
export { AwsEndpoint } from './aws/server';
export { EventRouter, envelope, type CallerEnvironment, type EventEnvelope, type PutEventsRequestEntry, type PutEventsResultEntry, type RuleVerdict } from './events/event-router';
export { GlobalEndpoints, GlobalEndpointNotFoundError, type EndpointSide, type GlobalEndpointState } from './events/global-endpoints';
export type { EndpointAnswer } from './aws/admin-api';
export { EventLog, type LoggedEvent, type EventLogOptions } from './events/event-log';
export type { WhyAnswer, UnmatchedAnswer } from './aws/why-api';
export { DeliveryLedger, DELIVERY_STATES, type DeliveryRecord, type DeliveryState, type DeliveryKind, type LedgerFilter } from './events/ledger';
export { Deliverer, DeliveryBacklogFullError, DEFAULT_MAX_BACKLOG } from './events/delivery';
export { targetInput, jsonPath } from './events/input';
export { QueueStore, QueueDoesNotExistError, type LocalQueue, type StoredMessage } from './sqs/queue-store';
export { Scheduler, ScheduleNotFoundError, type ScheduledRule } from './schedule/scheduler';
export { parseSchedule, parseSchedulerExpression, InvalidScheduleExpressionError, type Schedule } from './schedule/expression';
export { ScheduleRunner, type ScheduleEntry } from './schedule/runner';
export { ScheduleStore, type StoredSchedule, type StoredGroup } from './schedule/store';
export type { ScheduleFiring } from './schedule/targets';
export { HotReloader, type ReloadRecord, type ReloadBatch, type HotReloaderOptions } from './watch/hot-reload';
export { TableStore } from './dynamodb/table-store';
export { LocalStateError } from './state/store';
export type { StateSummary, RestoredState } from './state/local-state';
export { DurationRecorder } from './durations';
export { describeApp, localOutputs, localValues, type AppDescription, type DescribedResource, type ServedApiOrigin } from './describe';
export { IAM_MODES, IamGate, gapLine, functionAccessKeyId, type IamMode, type PermissionGap } from './iam';
export { ConsoleServer, DEFAULT_CONSOLE_PORT, type ConsoleServerOptions } from './console/server';
export { ActivityBuffer, DEFAULT_ACTIVITY_CAPACITY } from './console/activity-buffer';
