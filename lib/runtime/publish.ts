/**
 * publish(): validated, batched PutEvents that retries only the entries that failed and never
 * loses one silently. PutEvents answers 200 even when entries fail (FailedEntryCount, per-entry
 * ErrorCode): most hand-written publishers never look, and those events are gone.
 */
import type {
  PutEventsCommand,
  PutEventsCommandOutput,
  PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { currentInvocation } from './context';
import { once } from './once';
import { EventValidationError, METADATA_KEY, type EventDefinition, type EventMetadata, type InvalidDetail } from './events';
import { batchEntries, entrySize, MAX_REQUEST_BYTES } from './batching';
import { logger } from './logger';
import { runValidation, type ValidationIssue } from './schema';

/** What publish() needs of a client: an `EventBridgeClient` satisfies it. */
export interface PutEventsClient {
  /** Sends a PutEvents command. */
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

/** How publish() retries failed entries. */
export interface RetryOptions {
  /**
   * Sends per entry, the first included; an entry still failing after this many is reported.
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * The backoff before the first retry; it doubles per retry, with full jitter.
   * @default 100
   */
  readonly baseDelayMs?: number;
  /**
   * The longest backoff between two tries.
   * @default 3000
   */
  readonly maxDelayMs?: number;
  /**
   * Inside a Lambda invocation, stop retrying when less than this would be left after the next
   * wait, so the function fails with a PublishError listing the entries rather than a timeout.
   * @default 1000
   */
  readonly reserveMs?: number;
}

/** Options of {@link publish}. */
export interface PublishOptions {
  /**
   * The bus to publish on (name or ARN).
   * @default - `SWITCHYARD_BUS_NAME` from the environment, else `'default'`
   */
  readonly eventBusName?: string;
  /**
   * Another app to publish on (its bus, by ARN, which works across accounts): what
   * `discoverApp` answers, or `{ busArn }`. Wins over `eventBusName`.
   * @default - `eventBusName`
   */
  readonly app?: { readonly busArn: string };
  /**
   * The client to send with.
   * @default - one `EventBridgeClient` per container, created on first use
   */
  readonly client?: PutEventsClient;
  /**
   * The correlation id written into each event's `_switchyard` envelope.
   * @default - the current invocation's, else a new UUID shared by this call's events
   */
  readonly correlationId?: string;
  /**
   * ARNs of the resources the events concern (`Resources` of each entry).
   * @default - none
   */
  readonly resources?: readonly string[];
  /** How failed entries are retried. */
  readonly retry?: RetryOptions;
  /**
   * The EventBridge global endpoint to send through (PutEvents `EndpointId`, signed with SigV4a
   * by `@aws-sdk/signature-v4a`, loaded then); `''` sends to the bus's region directly.
   * @default - `SWITCHYARD_EVENT_ENDPOINT_ID` from the environment (set by `globalEndpoint`) when
   * publishing on the app's own bus (`SWITCHYARD_BUS_NAME`), else none
   */
  readonly endpointId?: string;
}

/** What publish() answers once every entry is accepted. */
export interface PublishResult {
  /** The EventBridge event ids, in the order of the details given. */
  readonly eventIds: readonly string[];
  /** The most tries any entry needed (1 when nothing failed). */
  readonly attempts: number;
}

/** An entry that was not accepted, and why. */
export interface FailedEntry {
  /** Index in the list of details given. */
  readonly index: number;
  /** The entry as sent. */
  readonly entry: PutEventsRequestEntry;
  /** EventBridge's per-entry ErrorCode, or the name of the error the whole call failed with. */
  readonly errorCode: string;
  /** EventBridge's per-entry ErrorMessage, or the call error's message. */
  readonly errorMessage: string;
  /** How many times the entry was sent. */
  readonly attempts: number;
}

/** Code of {@link PublishError}. */
export const PUBLISH_ERROR_CODE = 'SWITCHYARD_PUBLISH_FAILED';

/**
 * Some entries were still not accepted after the retry budget. The others were published: their
 * ids are in `eventIds`, so a caller can tell exactly which events exist.
 */
export class PublishError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = PUBLISH_ERROR_CODE;
  override readonly name = 'PublishError';

  constructor(
    /** The bus published on. */
    readonly eventBusName: string,
    /** Every entry that failed, with its error. */
    readonly failed: readonly FailedEntry[],
    /** Event ids of the accepted entries, by index; `undefined` where the entry failed. */
    readonly eventIds: readonly (string | undefined)[],
  ) {
    const shown = failed
      .slice(0, 5)
      .map((f) => `[${f.index}] ${f.errorCode}: ${f.errorMessage} (after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'})`);
    if (failed.length > 5) shown.push(`and ${failed.length - 5} more`);
    super(`${failed.length} of ${eventIds.length} events were not published to bus '${eventBusName}': ${shown.join('; ')}`);
  }
}

/**
 * Publishes one or many events of a definition. Every detail is validated first (an
 * {@link EventValidationError} lists the invalid ones, and nothing is sent); then entries go out
 * in PutEvents calls of at most 10 entries and 256 KiB; entries that fail are retried, alone,
 * with jittered exponential backoff; what still fails is thrown as a {@link PublishError}.
 *
 * Delivery is at least once: an entry whose call failed without an answer may have been
 * accepted, and is sent again. Consumers should be idempotent (EventBridge may duplicate too).
 *
 * @example
 * await publish(OrderPlaced, { orderId: 'o-1', amount: 120 });
 * await publish(OrderPlaced, orders.map(toDetail), { eventBusName: 'shop' });
 */
export async function publish<TDetail, TInput>(
  def: EventDefinition<TDetail, TInput>,
  details: TInput | readonly TInput[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  const list: readonly unknown[] = Array.isArray(details) ? details : [details];
  if (list.length === 0) return { eventIds: [], attempts: 0 };

  const eventBusName = options.app?.busArn ?? options.eventBusName ?? process.env.SWITCHYARD_BUS_NAME ?? 'default';
  const metadata: EventMetadata = {
    correlationId: options.correlationId ?? currentInvocation()?.correlationId ?? randomUUID(),
  };
  const pending = await toEntries(def, list, eventBusName, metadata, options.resources);
  // The app's endpoint routes to the app's bus only: another bus is published on directly.
  const ownBus = options.app === undefined && (options.eventBusName === undefined || options.eventBusName === process.env.SWITCHYARD_BUS_NAME);
  const endpointId = options.endpointId ?? (ownBus ? process.env.SWITCHYARD_EVENT_ENDPOINT_ID : undefined);
  if (endpointId) await loadSigV4a();
  const client = options.client ?? (await defaultClient());
  const { PutEventsCommand } = await loadSdk();
  const command: CommandOf = (Entries) => new PutEventsCommand(endpointId ? { Entries, EndpointId: endpointId } : { Entries });
  return sendWithRetries(client, command, pending, eventBusName, options.retry ?? {});
}

interface Pending {
  readonly index: number;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

interface Failure {
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly retryable: boolean;
}

type Outcome = { readonly eventId: string } | Failure;

/** Builds the PutEvents command of a batch (with the endpoint id, when sending through one). */
type CommandOf = (entries: PutEventsRequestEntry[]) => PutEventsCommand;

// EventBridge's documented non-retryable per-entry codes, and the call-level errors that a retry
// cannot fix. Anything else (InternalFailure, ThrottlingException, unknown codes, network
// errors) is retried: a retry is safe, and the budget bounds it.
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
  'ValidationException',
  'ResourceNotFoundException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);

const MAX_CONCURRENT_CALLS = 4;

async function toEntries(
  def: EventDefinition<unknown, unknown>,
  list: readonly unknown[],
  eventBusName: string,
  metadata: EventMetadata,
  resources: readonly string[] | undefined,
): Promise<Pending[]> {
  const traceHeader = process.env._X_AMZN_TRACE_ID;
  const invalid: InvalidDetail[] = [];
  const pending: Pending[] = [];
  for (const [index, detail] of list.entries()) {
    const result = await runValidation(def.schema, detail);
    if (!result.success) {
      invalid.push({ index, issues: result.issues });
      continue;
    }
    const serialized = serialize(detail, metadata);
    if (typeof serialized !== 'string') {
      invalid.push({ index, issues: [serialized] });
      continue;
    }
    const entry: PutEventsRequestEntry = {
      Source: def.source,
      DetailType: def.detailType,
      Detail: serialized,
      EventBusName: eventBusName,
      ...(resources && resources.length > 0 ? { Resources: [...resources] } : {}),
      ...(traceHeader ? { TraceHeader: traceHeader } : {}),
    };
    const size = entrySize(entry);
    if (size > MAX_REQUEST_BYTES) {
      invalid.push({
        index,
        issues: [{ path: '', message: `the entry is ${size} bytes; a PutEvents request carries at most ${MAX_REQUEST_BYTES}. Store large payloads elsewhere (S3) and publish a reference.` }],
      });
      continue;
    }
    pending.push({ index, entry, size });
  }
  if (invalid.length > 0) throw new EventValidationError(`${def.source}/${def.detailType}`, invalid);
  return pending;
}

/**
 * The entry's Detail: the detail as given plus the envelope, or why it cannot go on the wire
 * although it passed its schema. The detail as given, not the schema's output, is sent: it is
 * the wire form the schema's input describes, and consumers validate it with the same schema,
 * so transforms and defaults apply there.
 */
function serialize(detail: unknown, metadata: EventMetadata): string | ValidationIssue {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { path: '', message: 'an EventBridge detail must be a JSON object' };
  }
  try {
    return JSON.stringify({ ...detail, [METADATA_KEY]: metadata });
  } catch (error) {
    return { path: '', message: `the detail is not serializable as JSON: ${(error as Error).message}` };
  }
}

async function sendWithRetries(
  client: PutEventsClient,
  command: CommandOf,
  entries: readonly Pending[],
  eventBusName: string,
  retry: RetryOptions,
): Promise<PublishResult> {
  const maxAttempts = Math.max(1, retry.maxAttempts ?? 5);
  const baseDelayMs = retry.baseDelayMs ?? 100;
  const maxDelayMs = retry.maxDelayMs ?? 3000;
  const reserveMs = retry.reserveMs ?? 1000;
  // toEntries throws on any invalid detail, so entries cover every index given.
  const eventIds = new Array<string | undefined>(entries.length).fill(undefined);
  const failed: FailedEntry[] = [];
  let pending: readonly Pending[] = entries;
  let attempt = 0;

  while (pending.length > 0) {
    attempt += 1;
    const outcomes = await sendRound(client, command, pending);
    const again: { item: Pending; outcome: Failure }[] = [];
    for (const [i, item] of pending.entries()) {
      const outcome = outcomes[i]!;
      if ('eventId' in outcome) eventIds[item.index] = outcome.eventId;
      else if (outcome.retryable && attempt < maxAttempts) again.push({ item, outcome });
      else failed.push(toFailed(item, outcome, attempt));
    }
    if (again.length === 0) break;

    const delay = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const remaining = currentInvocation()?.remainingTimeMs?.();
    if (remaining !== undefined && remaining - delay < reserveMs) {
      const note = ` (retries stopped: ${Math.round(remaining)} ms left in the invocation)`;
      for (const { item, outcome } of again) failed.push(toFailed(item, { ...outcome, errorMessage: outcome.errorMessage + note }, attempt));
      break;
    }
    logger.warn('PutEvents entries failed; retrying them', {
      eventBusName,
      attempt,
      failedEntries: again.length,
      errorCodes: [...new Set(again.map(({ outcome }) => outcome.errorCode))],
      delayMs: Math.round(delay),
    });
    await sleep(delay);
    pending = again.map(({ item }) => item);
  }

  if (failed.length > 0) {
    failed.sort((a, b) => a.index - b.index);
    logger.error('PutEvents entries not published', {
      eventBusName,
      failed: failed.map(({ index, errorCode, errorMessage, attempts }) => ({ index, errorCode, errorMessage, attempts })),
    });
    throw new PublishError(eventBusName, failed, eventIds);
  }
  return { eventIds: eventIds as string[], attempts: attempt };
}

function toFailed(item: Pending, outcome: Failure, attempts: number): FailedEntry {
  return { index: item.index, entry: item.entry, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage, attempts };
}

/** Sends one try of every pending entry, in batches, a few calls at a time. */
async function sendRound(client: PutEventsClient, command: CommandOf, pending: readonly Pending[]): Promise<Outcome[]> {
  const batches = batchEntries(pending);
  const results: Outcome[][] = new Array<Outcome[]>(batches.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const i = next++;
      results[i] = await sendBatch(client, command, batches[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_CALLS, batches.length) }, worker));
  return results.flat();
}

async function sendBatch(client: PutEventsClient, command: CommandOf, batch: readonly Pending[]): Promise<Outcome[]> {
  let output: PutEventsCommandOutput;
  try {
    output = await client.send(command(batch.map((item) => item.entry)));
  } catch (error) {
    // The whole call failed after the SDK's own retries: every entry in it failed the same way.
    const { name, message, retryable } = describeCallError(error);
    return batch.map(() => ({ errorCode: name, errorMessage: message, retryable }));
  }
  const results = output.Entries ?? [];
  return batch.map((_item, i) => {
    const result = results[i];
    if (result?.EventId && !result.ErrorCode) return { eventId: result.EventId };
    const errorCode = result?.ErrorCode ?? 'MissingResult';
    return {
      errorCode,
      errorMessage: result?.ErrorMessage ?? (result ? 'no error message' : 'PutEvents answered no result for this entry'),
      retryable: !PERMANENT_CODES.has(errorCode),
    };
  });
}

function describeCallError(error: unknown): { name: string; message: string; retryable: boolean } {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const clientFault = status !== undefined && status >= 400 && status < 500 && status !== 429;
  return { name, message, retryable: !PERMANENT_CODES.has(name) && !clientFault };
}

type Sdk = typeof import('@aws-sdk/client-eventbridge');

// Loaded on first publish, not at import: handlers that never publish (most HTTP routes) do not
// pay for loading the SDK client during their cold start. The Node.js runtime ships SDK v3, so
// bundles leave it external.
const loadSdk = /* @__PURE__ */ once((): Promise<Sdk> => import('@aws-sdk/client-eventbridge'));
// Registers the JavaScript SigV4a signer with the SDK (no native CRT needed); only functions that
// publish through a global endpoint load it, and only their bundles include it.
const loadSigV4a = /* @__PURE__ */ once((): Promise<unknown> => import('@aws-sdk/signature-v4a'));
// One client per container: it keeps its connections warm across invocations.
const defaultClient = /* @__PURE__ */ once(async (): Promise<PutEventsClient> => new (await loadSdk()).EventBridgeClient({}));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
