/**
 * `switchyard/runtime`: handler-side helpers bundled into Lambda functions. Typed events shared
 * with the construct side, publish with batching and partial-failure retry, EventBridge and
 * HTTP API handlers with validation, SQS and DynamoDB stream batch handlers with partial batch
 * responses, idempotency backed by DynamoDB, typed HTTP errors, structured logs with
 * correlation ids.
 *
 * Never imports aws-cdk-lib or constructs; has no top-level side effects, so a bundle keeps
 * only what a handler uses. `@aws-sdk/client-eventbridge` is loaded on first publish, the
 * Secrets Manager and SSM clients on the first `getSecret`, `@aws-sdk/client-dynamodb` on the
 * first idempotent call, `@aws-sdk/util-dynamodb` on the first stream batch.
 */
export { BATCH_FAILED_ERROR_CODE, BatchFailedError, INVALID_RECORD_ERROR_CODE, InvalidRecordError } from './batch';
export type { BatchHandlerOptions, BatchItemFailure, BatchResponse, RecordFailure } from './batch';
export { MAX_ENTRIES_PER_CALL, MAX_REQUEST_BYTES, batchEntries, entrySize } from './batching';
export { currentInvocation, getCorrelationId, withInvocationContext } from './context';
export type { InvocationContext, InvocationOptions } from './context';
export type {
  DetailFilter,
  EqualsIgnoreCase,
  EventPattern,
  ExistsMatcher,
  FieldFilter,
  LeafMatcher,
  NumberMatcher,
  NumericOperator,
  NumericRange,
  Scalar,
  StringMatcher,
} from './detail-filter';
export {
  DEFAULT_DISCOVERY_NAMESPACE,
  DISCOVERY_ERROR_CODE,
  DISCOVERY_NAMESPACE_ENV,
  DiscoveryError,
  clearDiscoveryCache,
  discoverApp,
  discoveryLayout,
  pathSafe,
} from './discovery';
export type { AppEndpoints, DiscoverAppOptions, GetParametersByPathClient, PublishedEvent } from './discovery';
export { INVALID_EVENT_ERROR_CODE, InvalidEventError, eventHandler } from './event-handler';
export type { EventBridgeLambdaHandler, EventHandlerContext, IncomingEvent } from './event-handler';
export {
  EVENT_VALIDATION_ERROR_CODE,
  EventValidationError,
  METADATA_KEY,
  defineEvent,
  eventPattern,
  splitMetadata,
} from './events';
export type {
  DetailInputOf,
  DetailOf,
  EventDefinition,
  EventDefinitionProps,
  EventMetadata,
  InvalidDetail,
  JsonSchemaOptions,
} from './events';
export {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HTTP_ERROR_CODE,
  HttpError,
  NotFoundError,
  RequestValidationError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableEntityError,
} from './http-errors';
export type { RequestIssue, RequestLocation } from './http-errors';
export { httpHandler, json } from './http-handler';
export {
  IDEMPOTENCY_KEY_ERROR_CODE,
  IDEMPOTENCY_STORE_ERROR_CODE,
  IDEMPOTENCY_TABLE_ENV,
  IdempotencyInProgressError,
  IdempotencyKeyError,
  IdempotencyStoreError,
  IdempotencyValidationError,
  idempotent,
} from './idempotency';
export type { IdempotencyClient, IdempotentOptions } from './idempotency';
export type { HttpHandlerContext, HttpInput, HttpLambdaHandler, HttpResponse, HttpSchemas, RawParameters } from './http-handler';
export { createLogger, levelFromEnvironment, logger } from './logger';
export type { LogFields, LogLevel, Logger, LoggerOptions } from './logger';
export { PUBLISH_ERROR_CODE, PublishError, publish } from './publish';
export { SECRETS_ENV, SECRET_ERROR_CODE, SecretError, clearSecretCache, getSecret, getSecretJson } from './secrets';
export { sqsBatchHandler } from './sqs-batch';
export type { SqsBatchHandlerOptions, SqsBatchLambdaHandler, SqsRecordContext } from './sqs-batch';
export { streamBatchHandler } from './stream-batch';
export type { StreamBatchHandlerOptions, StreamBatchLambdaHandler, StreamChange, StreamRecordContext } from './stream-batch';
export type { GetSecretOptions, SecretLocator } from './secrets';
export type { FailedEntry, PublishOptions, PublishResult, PutEventsClient, RetryOptions } from './publish';
export { isStandardSchema } from './schema';
export type {
  InferInput,
  InferOutput,
  JsonSchemaTarget,
  StandardIssue,
  StandardResult,
  StandardSchemaProps,
  StandardSchemaV1,
  ValidationIssue,
  ValidationResult,
} from './schema';
