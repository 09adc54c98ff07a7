/**
 * The current invocation: request id, function name, cold-start flag and correlation id, kept
 * in AsyncLocalStorage so that code far from the handler (a repository calling `publish()`, a
 * library calling `logger.info`) sees the invocation it runs for, even when a container serves
 * interleaved async work.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

/** What the runtime knows about the invocation in progress. */
export interface InvocationContext {
  /** The Lambda request id (`context.awsRequestId`). */
  readonly requestId: string | undefined;
  /** The function's name. */
  readonly functionName: string | undefined;
  /** True only for the first invocation in this container (never with provisioned concurrency). */
  readonly coldStart: boolean;
  /** Ties together a request and the events it causes, across functions. */
  readonly correlationId: string | undefined;
  /** Milliseconds left before the invocation times out, when known. */
  readonly remainingTimeMs: (() => number) | undefined;
}

/** Options of {@link withInvocationContext}. */
export interface InvocationOptions {
  /**
   * The correlation id to carry into logs and published events.
   * @default - the Lambda request id
   */
  readonly correlationId?: string;
}

// Pure: unused when a bundle imports only types or defineEvent, so esbuild may drop it.
const storage = /* @__PURE__ */ new AsyncLocalStorage<InvocationContext>();

// Module state lives as long as the container: the first invocation to read it is the cold one.
let coldStart = true;

/** The invocation in progress, or `undefined` outside a handler. */
export function currentInvocation(): InvocationContext | undefined {
  return storage.getStore();
}

/** The correlation id of the invocation in progress, or `undefined` outside a handler. */
export function getCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/**
 * Runs `fn` as the given Lambda invocation: logs and `publish()` inside it carry its request id,
 * cold-start flag and correlation id. `eventHandler` and `httpHandler` do this for you; use it in
 * handlers of other event sources (schedules, SQS).
 *
 * @example
 * export const handler = (event: ScheduledEvent, context: Context) =>
 *   withInvocationContext(context, {}, () => publish(DailyReport, build()));
 */
export function withInvocationContext<T>(context: Context | undefined, options: InvocationOptions, fn: () => T): T {
  // A provisioned-concurrency container was initialized ahead of traffic: no request waited for
  // its init, so its first invocation is not reported as a cold start.
  const isCold = coldStart && process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  coldStart = false;
  const invocation: InvocationContext = {
    requestId: context?.awsRequestId,
    functionName: context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME,
    coldStart: isCold,
    correlationId: options.correlationId ?? context?.awsRequestId,
    remainingTimeMs: typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined,
  };
  return storage.run(invocation, fn);
}

/**
 * Runs `fn` as part of the invocation in progress, with another correlation id: each record of
 * a batch carries its own (the publisher's, or its message id), while the request id and the
 * cold-start flag stay the invocation's. Outside an invocation it starts none.
 */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  const current = storage.getStore();
  return current ? storage.run({ ...current, correlationId }, fn) : fn();
}
