/**
 * streamBatchHandler(): a Lambda handler for a DynamoDB stream that hands each change, its
 * images unmarshalled to plain objects and validated, to a function, in order, and answers the
 * first failure so that Lambda retries from there (partial batch response).
 */
import type { AttributeValue as StreamAttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type BatchHandlerOptions, type BatchResponse, InvalidRecordError, type RecordWork, processBatch } from './batch';
import { logger as sharedLogger, type Logger } from './logger';
import { once } from './once';
import { runValidation, type InferOutput, type StandardSchemaV1, type ValidationIssue } from './schema';

/** One change of an item, as the function of {@link streamBatchHandler} gets it. */
export interface StreamChange<TItem> {
  /** What happened to the item. */
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The item's key attributes, unmarshalled. */
  readonly keys: Record<string, unknown>;
  /** The item after the change (INSERT, MODIFY), when the stream carries new images. */
  readonly newImage?: TItem;
  /** The item before the change (MODIFY, REMOVE), when the stream carries old images. */
  readonly oldImage?: TItem;
}

/** The second argument of a change function of {@link streamBatchHandler}. */
export interface StreamRecordContext {
  /** The record as Lambda delivered it (images as DynamoDB attribute values). */
  readonly record: DynamoDBRecord;
  /** Its position in the batch. */
  readonly index: number;
  /** The Lambda context. */
  readonly context: Context;
  /** The shared logger; its records carry this record's event id. */
  readonly logger: Logger;
  /** The record's event id. */
  readonly correlationId: string;
}

/** Options of {@link streamBatchHandler}. */
export interface StreamBatchHandlerOptions extends BatchHandlerOptions {
  /**
   * A Standard Schema (zod, valibot, ...) every image of the item must satisfy; an image that
   * does not fails the record (it reaches the on-failure destination after the retries).
   * @default - images are not validated
   */
  readonly image?: StandardSchemaV1;
}

/** A Lambda handler for DynamoDB stream events answering a partial batch response. */
export type StreamBatchLambdaHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<BatchResponse>;

/**
 * Handles each change of a DynamoDB stream, in order; at the first change that throws, the rest
 * of the batch waits for Lambda's retry (which starts at that record). Images are unmarshalled
 * with `@aws-sdk/util-dynamodb` (numbers become numbers, sets `Set`s; binary values stay the
 * base64 text the event carries) and validated by `image` when given.
 *
 * @example
 * export const handler = streamBatchHandler({ image: Order }, async ({ eventName, newImage }) => {
 *   if (eventName === 'INSERT') await notify(newImage!);
 * });
 */
export function streamBatchHandler<S extends StandardSchemaV1>(
  options: StreamBatchHandlerOptions & { readonly image: S },
  fn: (change: StreamChange<InferOutput<S>>, ctx: StreamRecordContext) => unknown,
): StreamBatchLambdaHandler;
/** Handles each change with its images unmarshalled but not validated. */
export function streamBatchHandler(options: StreamBatchHandlerOptions, fn: (change: StreamChange<Record<string, unknown>>, ctx: StreamRecordContext) => unknown): StreamBatchLambdaHandler;
export function streamBatchHandler(options: StreamBatchHandlerOptions, fn: (change: never, ctx: StreamRecordContext) => unknown): StreamBatchLambdaHandler {
  return async (event, context) => {
    const records = event?.Records;
    if (!Array.isArray(records)) throw new TypeError('streamBatchHandler: the event has no Records array; is the function invoked by a DynamoDB stream event source?');
    const { unmarshall } = await loadUtil();
    const works = records.map((record, index): RecordWork => {
      const itemIdentifier = record.dynamodb?.SequenceNumber ?? record.eventID ?? String(index);
      const correlationId = record.eventID ?? itemIdentifier;
      return {
        itemIdentifier,
        correlationId,
        run: async () => {
          const change = await toChange(record, itemIdentifier, unmarshall, options.image);
          await fn(change as never, { record, index, context, logger: sharedLogger, correlationId });
        },
      };
    });
    return processBatch(context, works, { kind: 'stream' }, options);
  };
}

type Unmarshall = (item: Record<string, StreamAttributeValue>) => Record<string, unknown>;

async function toChange(record: DynamoDBRecord, id: string, unmarshall: Unmarshall, schema: StandardSchemaV1 | undefined): Promise<StreamChange<unknown>> {
  const data = record.dynamodb ?? {};
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY' && record.eventName !== 'REMOVE') {
    throw new InvalidRecordError(id, [{ path: 'eventName', message: `expected INSERT, MODIFY or REMOVE, got ${JSON.stringify(record.eventName)}` }]);
  }
  const issues: ValidationIssue[] = [];
  const image = async (key: 'NewImage' | 'OldImage'): Promise<unknown> => {
    const raw = data[key];
    if (raw === undefined) return undefined;
    let value: unknown;
    try {
      value = unmarshall(raw);
    } catch (error) {
      issues.push({ path: `dynamodb.${key}`, message: (error as Error).message });
      return undefined;
    }
    if (!schema) return value;
    const result = await runValidation(schema, value);
    if (result.success) return result.value;
    issues.push(...result.issues.map((issue) => ({ path: `dynamodb.${key}${issue.path ? `.${issue.path}` : ''}`, message: issue.message })));
    return undefined;
  };
  const change = { eventName: record.eventName, keys: data.Keys ? unmarshall(data.Keys) : {}, newImage: await image('NewImage'), oldImage: await image('OldImage') };
  if (issues.length > 0) throw new InvalidRecordError(id, issues);
  return change;
}

type Util = { readonly unmarshall: Unmarshall };

// Loaded on first use: only stream handlers pay for it. The Node.js runtime ships SDK v3 (this
// package included), so bundles leave it external.
const loadUtil = /* @__PURE__ */ once(async (): Promise<Util> => {
  const util = await import('@aws-sdk/util-dynamodb');
  return { unmarshall: (item) => util.unmarshall(item as Parameters<typeof util.unmarshall>[0]) };
});
