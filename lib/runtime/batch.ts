/**
 * What the SQS and DynamoDB stream batch handlers share: processing records one by one (or a
 * few at a time), and answering Lambda's partial batch response, so that only the records that
 * failed are retried (the event source mapping needs `ReportBatchItemFailures`, which the
 * constructs turn on by default; without it Lambda ignores the answer and a batch that returns
 * counts as a success).
 *
 * Orders, per AWS's semantics:
 * - standard queue: records are independent; every failed one is reported;
 * - FIFO queue: a message group must stay in order, so at the first failure processing stops
 *   and that message and every later one of the batch are reported (or, with
 *   `skipGroupOnError`, every later one of the same group, the others going on);
 * - stream: Lambda retries from the lowest sequence number reported, so processing stops at the
 *   first failure and reports that record; the records after it come again in the retry.
 */
import type { Context } from 'aws-lambda';
import { withCorrelationId, withInvocationContext } from './context';
import { summarizeIssues } from './events';
import { logger } from './logger';
import type { ValidationIssue } from './schema';

/** One record Lambda should retry. */
export interface BatchItemFailure {
  /** The SQS message id, or the stream record's sequence number. */
  readonly itemIdentifier: string;
}

/** Lambda's partial batch response. */
export interface BatchResponse {
  /** The records that failed; empty when all succeeded. */
  readonly batchItemFailures: BatchItemFailure[];
}

/** What every batch handler takes. */
export interface BatchHandlerOptions {
  /**
   * When every record of a batch failed, throw {@link BatchFailedError} rather than answer
   * them all as failed: the function's Errors metric and alarm then see it, and Lambda backs
   * off as for any failed invocation.
   * @default true
   */
  readonly throwOnFullBatchFailure?: boolean;
}

/** Code of {@link InvalidRecordError}. */
export const INVALID_RECORD_ERROR_CODE = 'SWITCHYARD_INVALID_RECORD';
/** Code of {@link BatchFailedError}. */
export const BATCH_FAILED_ERROR_CODE = 'SWITCHYARD_BATCH_FAILED';

/** A record's body or image is not what its schema describes; it is reported as failed, so it ends in the dead-letter queue or on-failure destination after the retries. */
export class InvalidRecordError extends Error {
  /** Always {@link INVALID_RECORD_ERROR_CODE}. */
  readonly code = INVALID_RECORD_ERROR_CODE;
  override readonly name = 'InvalidRecordError';
  constructor(
    /** The message id or sequence number. */
    readonly itemIdentifier: string,
    /** What is wrong. */
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`Invalid record ${itemIdentifier}: ${summarizeIssues(issues)}`);
  }
}

/** One failed record and why. */
export interface RecordFailure {
  /** The message id or sequence number. */
  readonly itemIdentifier: string;
  /** What the record's processing threw (or `undefined` when it was not processed, after an earlier failure). */
  readonly error: unknown;
}

/** Every record of a batch failed (with `throwOnFullBatchFailure`). */
export class BatchFailedError extends Error {
  /** Always {@link BATCH_FAILED_ERROR_CODE}. */
  readonly code = BATCH_FAILED_ERROR_CODE;
  override readonly name = 'BatchFailedError';
  constructor(
    /** Each record and its error. */
    readonly failures: readonly RecordFailure[],
  ) {
    const first = failures.find((f) => f.error !== undefined)?.error;
    super(`All ${failures.length} records of the batch failed; first error: ${(first as Error)?.message ?? String(first)}`, { cause: first });
  }
}

/** One record, ready to process. */
export interface RecordWork {
  /** What Lambda identifies it by in a partial batch response. */
  readonly itemIdentifier: string;
  /** The FIFO message group, for FIFO ordering. */
  readonly group?: string;
  /** The correlation id its logs and published events carry. */
  readonly correlationId: string;
  /** Processes it; throws to fail it. */
  readonly run: () => Promise<void>;
}

/** How a batch is ordered (see the module's comment). */
export type BatchOrder = { readonly kind: 'independent'; readonly concurrency: number } | { readonly kind: 'fifo'; readonly skipGroupOnError: boolean } | { readonly kind: 'stream' };

/**
 * Runs the records of a batch inside the invocation's context and answers the partial batch
 * response, or throws {@link BatchFailedError} when every record failed.
 */
export async function processBatch(context: Context | undefined, works: readonly RecordWork[], order: BatchOrder, options: BatchHandlerOptions): Promise<BatchResponse> {
  const failures = await withInvocationContext(context, {}, () => (order.kind === 'independent' ? runIndependent(works, order.concurrency) : runOrdered(works, order)));
  if (failures.length > 0 && failures.length === works.length && (options.throwOnFullBatchFailure ?? true)) throw new BatchFailedError(failures);
  return { batchItemFailures: failures.map(({ itemIdentifier }) => ({ itemIdentifier })) };
}

async function runOne(work: RecordWork): Promise<RecordFailure | undefined> {
  try {
    await withCorrelationId(work.correlationId, work.run);
    return undefined;
  } catch (error) {
    logger.error('Record failed', { itemIdentifier: work.itemIdentifier, correlationId: work.correlationId, error });
    return { itemIdentifier: work.itemIdentifier, error };
  }
}

/** Every record, at most `concurrency` at a time; every failure reported, in the batch's order. */
async function runIndependent(works: readonly RecordWork[], concurrency: number): Promise<RecordFailure[]> {
  const outcomes = new Array<RecordFailure | undefined>(works.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < works.length) {
      const i = next++;
      outcomes[i] = await runOne(works[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, works.length)) }, worker));
  return outcomes.filter((o): o is RecordFailure => o !== undefined);
}

/** One record at a time, in order, stopping as FIFO queues or streams require. */
async function runOrdered(works: readonly RecordWork[], order: BatchOrder): Promise<RecordFailure[]> {
  const failures: RecordFailure[] = [];
  const stoppedGroups = new Set<string | undefined>();
  for (const [i, work] of works.entries()) {
    if (order.kind === 'fifo' && order.skipGroupOnError && stoppedGroups.has(work.group)) {
      failures.push({ itemIdentifier: work.itemIdentifier, error: undefined });
      continue;
    }
    const failure = await runOne(work);
    if (!failure) continue;
    failures.push(failure);
    if (order.kind === 'stream') break;
    if (order.kind === 'fifo' && order.skipGroupOnError) {
      stoppedGroups.add(work.group);
      continue;
    }
    // FIFO: nothing after a failure may run before it, in any group of this batch.
    failures.push(...works.slice(i + 1).map(({ itemIdentifier }) => ({ itemIdentifier, error: undefined })));
    break;
  }
  return failures;
}
