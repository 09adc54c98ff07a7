/**
 * eventHandler(): a Lambda handler for one defined EventBridge event. It checks the event is the
 * one expected, validates the detail, and hands the typed detail to the user's function inside
 * an invocation context carrying the event's correlation id.
 *
 * What happens to an invalid event, and why (Lambda and EventBridge documentation):
 * - EventBridge invokes a Lambda target asynchronously. Its own retry policy and the rule
 *   target's dead-letter queue cover only failures to hand the event to Lambda (throttling,
 *   missing permission, deleted function); once Lambda accepted the event, EventBridge is done.
 * - Lambda then runs the function from its asynchronous queue. A function error is retried up to
 *   `MaximumRetryAttempts` times (0 to 2, default 2), then the event goes to the function's
 *   on-failure destination or dead-letter queue (`DeadLetterConfig`). The DLQ message is the
 *   event unchanged, with the error in its attributes: `ErrorMessage` (truncated to 1 KB).
 * - A function cannot mark one error as not retryable. Returning normally would drop the event
 *   silently. So the only way to get an invalid event into the DLQ with its validation error is
 *   to fail the invocation: this handler throws {@link InvalidEventError}, whose message (kept
 *   under 1 KB) names the event id and lists the issues, and whose `errorType` tells it apart in
 *   an on-failure destination record.
 * - The retries Lambda makes are not pointless work: validation runs before the user's function,
 *   so a retry of an invalid event costs milliseconds and has no side effects. The construct side
 *   sets the async invoke config (`retryAttempts`, `onFailure`/DLQ) per function; it cannot be
 *   narrowed per error type, so it is a trade-off with genuinely transient failures.
 * - Errors thrown by the user's function are logged and rethrown unchanged: those are the
 *   failures Lambda's retries exist for.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { withInvocationContext } from './context';
import { splitMetadata, summarizeIssues, type EventDefinition } from './events';
import { logger as sharedLogger, type Logger } from './logger';
import { runValidation, type ValidationIssue, type ValidationResult } from './schema';

/** An EventBridge event as delivered to a Lambda function, its detail not yet validated. */
export type IncomingEvent = EventBridgeEvent<string, unknown>;

/** The second argument of an {@link eventHandler} function. */
export interface EventHandlerContext {
  /** The EventBridge event as received (detail unvalidated, envelope included). */
  readonly event: IncomingEvent;
  /** The Lambda context. */
  readonly context: Context;
  /** The shared logger; its records carry this invocation's ids. */
  readonly logger: Logger;
  /** The correlation id: the publisher's, or this event's id when the publisher set none. */
  readonly correlationId: string;
}

/** A Lambda handler for EventBridge events. */
export type EventBridgeLambdaHandler<TResult> = (event: IncomingEvent, context: Context) => Promise<TResult>;

/** Code of {@link InvalidEventError}. */
export const INVALID_EVENT_ERROR_CODE = 'SWITCHYARD_INVALID_EVENT';

// Lambda keeps the error message, truncated to 1 KB, in the DLQ message's ErrorMessage attribute.
const DLQ_MESSAGE_LIMIT = 1000;

/**
 * The received event is not the defined event, or its detail does not satisfy the schema.
 * Thrown (after a structured log line) so that Lambda sends the event to the function's DLQ or
 * on-failure destination with this message attached.
 */
export class InvalidEventError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = INVALID_EVENT_ERROR_CODE;
  override readonly name = 'InvalidEventError';

  constructor(
    /** The EventBridge event id. */
    readonly eventId: string | undefined,
    /** `source/detailType` expected. */
    readonly eventType: string,
    /** What is wrong. */
    readonly issues: readonly ValidationIssue[],
  ) {
    super(truncate(`Invalid event ${eventId ?? '(no id)'} for '${eventType}': ${summarizeIssues(issues)}`, DLQ_MESSAGE_LIMIT));
  }
}

/**
 * Wraps a function as the Lambda handler of one defined event.
 *
 * @example
 * export const handler = eventHandler(OrderPlaced, async (order, { logger }) => {
 *   logger.info('reserving stock', { orderId: order.orderId });
 *   await publish(StockReserved, { orderId: order.orderId }); // carries the correlation id
 * });
 */
export function eventHandler<TDetail, TInput, TResult>(
  def: EventDefinition<TDetail, TInput>,
  fn: (detail: TDetail, ctx: EventHandlerContext) => TResult | Promise<TResult>,
): EventBridgeLambdaHandler<TResult> {
  const eventType = `${def.source}/${def.detailType}`;
  return async (event, context) => {
    const { detail, metadata } = splitMetadata(event?.detail);
    const correlationId = metadata?.correlationId ?? event?.id ?? context?.awsRequestId;
    return withInvocationContext(context, { correlationId }, async () => {
      const checked = await checkEvent(def, event, detail);
      if (!checked.success) {
        const error = new InvalidEventError(event?.id, eventType, checked.issues);
        sharedLogger.error('Invalid event: failing the invocation so that Lambda sends it to the DLQ', {
          errorCode: error.code,
          eventId: event?.id,
          eventType,
          receivedSource: event?.source,
          receivedDetailType: event?.['detail-type'],
          issues: checked.issues,
        });
        throw error;
      }
      try {
        return await fn(checked.value, { event, context, logger: sharedLogger, correlationId });
      } catch (error) {
        sharedLogger.error('Event handler failed', { eventId: event.id, eventType, error });
        throw error;
      }
    });
  };
}

/**
 * Checks a received EventBridge event against a definition: that it is the defined event, then
 * its detail (without the `_switchyard` envelope, given as `detail`) against the schema. Issue
 * paths are the event's (`detail.total`). Shared with the queue batch handler, whose messages
 * can be EventBridge events a rule sent to the queue.
 */
export async function checkEvent<TDetail>(def: EventDefinition<TDetail, unknown>, event: IncomingEvent | undefined, detail: unknown): Promise<ValidationResult<TDetail>> {
  const issues = identityIssues(event, def);
  if (issues.length > 0) return { success: false, issues };
  const result = await runValidation(def.schema, detail);
  if (result.success) return result;
  return { success: false, issues: result.issues.map((issue) => ({ path: `detail${issue.path ? `.${issue.path}` : ''}`, message: issue.message })) };
}

/** Problems with the event's envelope: not an EventBridge event, or another event than defined. */
function identityIssues(event: IncomingEvent | undefined, def: EventDefinition<unknown, unknown>): ValidationIssue[] {
  if (typeof event !== 'object' || event === null) return [{ path: '', message: 'not an EventBridge event' }];
  const issues: ValidationIssue[] = [];
  if (event.source !== def.source) issues.push({ path: 'source', message: `expected '${def.source}', got ${JSON.stringify(event.source)}` });
  if (event['detail-type'] !== def.detailType) {
    issues.push({ path: 'detail-type', message: `expected '${def.detailType}', got ${JSON.stringify(event['detail-type'])}` });
  }
  return issues;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes (Lambda counts bytes), marking the cut. */
function truncate(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // '…' is 3 bytes; a multi-byte character cut in half decodes to U+FFFD, dropped here.
  const head = Buffer.from(text, 'utf8').subarray(0, maxBytes - 3).toString('utf8').replace(/\uFFFD$/, '');
  return `${head}…`;
}
