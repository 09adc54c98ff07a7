/**
 * sqsBatchHandler(): a Lambda handler for an SQS queue that processes each message on its own,
 * typed and validated, and answers which ones failed (partial batch response), with FIFO order
 * kept when the queue is FIFO.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { type BatchHandlerOptions, type BatchResponse, InvalidRecordError, type RecordWork, processBatch } from './batch';
import { checkEvent, type IncomingEvent } from './event-handler';
import { splitMetadata, type EventDefinition } from './events';
import { logger as sharedLogger, type Logger } from './logger';
import { runValidation, type InferOutput, type StandardSchemaV1, type ValidationIssue } from './schema';

/** The second argument of a record function of {@link sqsBatchHandler}. */
export interface SqsRecordContext {
  /** The message as Lambda delivered it (body unparsed). */
  readonly record: SQSRecord;
  /** Its position in the batch. */
  readonly index: number;
  /** The Lambda context. */
  readonly context: Context;
  /** The shared logger; its records carry this message's correlation id. */
  readonly logger: Logger;
  /** The publisher's correlation id (an EventBridge event's `_switchyard` envelope), else the message id. */
  readonly correlationId: string;
}

/** Options of {@link sqsBatchHandler}. */
export interface SqsBatchHandlerOptions extends BatchHandlerOptions {
  /**
   * The queue is FIFO: process in order and stop at a failure.
   * @default - FIFO when the messages carry a `MessageGroupId` attribute
   */
  readonly fifo?: boolean;
  /**
   * FIFO only: after a failure, fail only the later messages of the same message group and go
   * on with the others (AWS keeps order per group), rather than stop the whole batch.
   * @default false
   */
  readonly skipGroupOnError?: boolean;
  /**
   * Messages of a standard queue processed at once.
   * @default 1
   */
  readonly concurrency?: number;
}

/** A Lambda handler for SQS events answering a partial batch response. */
export type SqsBatchLambdaHandler = (event: SQSEvent, context: Context) => Promise<BatchResponse>;

/** What a record function returns (ignored). */
type RecordResult = unknown;

/**
 * Handles each message's JSON body, validated by `body` (a Standard Schema such as a zod
 * schema). A body that is not JSON or not valid fails that message only, with the issues
 * logged; after the queue's `maxReceiveCount` it is in the dead-letter queue.
 *
 * @example
 * export const handler = sqsBatchHandler({ body: Order }, async (order, { logger }) => {
 *   await ship(order); // throw to fail this message only
 * });
 */
export function sqsBatchHandler<S extends StandardSchemaV1>(
  options: SqsBatchHandlerOptions & { readonly body: S },
  fn: (body: InferOutput<S>, ctx: SqsRecordContext) => RecordResult | Promise<RecordResult>,
): SqsBatchLambdaHandler;
/**
 * Handles messages that are events of a defined type, sent to the queue by an EventBridge rule
 * (a subscription with `queue`): the event is checked and its detail validated as
 * `eventHandler` does, and the function gets the typed detail.
 */
export function sqsBatchHandler<TDetail, TInput>(
  options: SqsBatchHandlerOptions & { readonly event: EventDefinition<TDetail, TInput> },
  fn: (detail: TDetail, ctx: SqsRecordContext) => RecordResult | Promise<RecordResult>,
): SqsBatchLambdaHandler;
/** Handles each message's body as the text it is. */
export function sqsBatchHandler(
  options: SqsBatchHandlerOptions,
  fn: (body: string, ctx: SqsRecordContext) => RecordResult | Promise<RecordResult>,
): SqsBatchLambdaHandler;
export function sqsBatchHandler(
  options: SqsBatchHandlerOptions & { readonly body?: StandardSchemaV1; readonly event?: EventDefinition<unknown, unknown> },
  fn: (value: never, ctx: SqsRecordContext) => RecordResult | Promise<RecordResult>,
): SqsBatchLambdaHandler {
  if (options.body && options.event) throw new TypeError('sqsBatchHandler: give "body" (a schema of the message body) or "event" (a defined event a rule sends), not both.');
  return async (event, context) => {
    const records = event?.Records;
    if (!Array.isArray(records)) throw new TypeError('sqsBatchHandler: the event has no Records array; is the function invoked by an SQS event source?');
    const fifo = options.fifo ?? records.some((r) => r.attributes?.MessageGroupId !== undefined);
    const works = records.map((record, index): RecordWork => {
      const read = readMessage(record, options);
      return {
        itemIdentifier: record.messageId,
        group: record.attributes?.MessageGroupId,
        correlationId: read.correlationId,
        run: async () => {
          const value = await read.value();
          await fn(value as never, { record, index, context, logger: sharedLogger, correlationId: read.correlationId });
        },
      };
    });
    const order = fifo ? { kind: 'fifo' as const, skipGroupOnError: options.skipGroupOnError ?? false } : { kind: 'independent' as const, concurrency: options.concurrency ?? 1 };
    return processBatch(context, works, order, options);
  };
}

/** A message's correlation id, known before processing, and its value, checked when processed. */
function readMessage(record: SQSRecord, options: { readonly body?: StandardSchemaV1; readonly event?: EventDefinition<unknown, unknown> }) {
  const id = record.messageId;
  if (!options.body && !options.event) return { correlationId: id, value: async () => record.body };
  const parsed = parseJson(record.body);
  if (!options.event) {
    return {
      correlationId: id,
      value: async () => {
        if (!parsed.ok) throw new InvalidRecordError(id, [{ path: 'body', message: parsed.message }]);
        const result = await runValidation(options.body!, parsed.value);
        if (!result.success) throw new InvalidRecordError(id, prefixed(result.issues));
        return result.value;
      },
    };
  }
  const envelope = parsed.ok ? (parsed.value as IncomingEvent) : undefined;
  const { detail, metadata } = splitMetadata(envelope?.detail);
  return {
    correlationId: metadata?.correlationId ?? envelope?.id ?? id,
    value: async () => {
      if (!parsed.ok) throw new InvalidRecordError(id, [{ path: 'body', message: parsed.message }]);
      const result = await checkEvent(options.event!, envelope, detail);
      if (!result.success) throw new InvalidRecordError(id, prefixed(result.issues));
      return result.value;
    },
  };
}

function prefixed(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({ path: issue.path ? `body.${issue.path}` : 'body', message: issue.message }));
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `not JSON (${(error as Error).message})` };
  }
}
