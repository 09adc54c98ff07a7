/**
 * An SQS event source mapping, polled as Lambda polls it ("Using Lambda with Amazon SQS"):
 *
 * - Up to `MaximumConcurrency` batches in flight at once (5 without it: the pollers Lambda starts
 *   with; AWS then scales up to 1,250, which one machine does not need). Each poller long-polls
 *   the queue, then gathers up to `BatchSize` messages for up to `MaximumBatchingWindowInSeconds`.
 * - Received messages are hidden for the queue's visibility timeout while the function runs. On
 *   success they are deleted; with `ReportBatchItemFailures` the ones the function reports stay;
 *   when the invocation fails, all stay. What stays becomes visible again when its visibility
 *   timeout ends (sooner under `timeScale`), is received again with a higher receive count, and
 *   once received `maxReceiveCount` times, SQS redrives it to the queue's dead-letter queue.
 * - FIFO queues: a message group with a message in flight is not received from (the queue store
 *   enforces it), so each group has one batch in flight and its messages arrive in order.
 * - Messages that match none of the filter criteria are deleted without an invocation, as AWS
 *   deletes them.
 */
import type { EventSourceMappingModel, FunctionModel } from '../../model';
import type { LocalQueue, QueueStore, StoredMessage } from '../sqs/queue-store';
import { readBatchResponse, RecordFilter, sqsFilterView } from './batch';
import { endBatch, invokeBatch, type BatchInvocation, type PollerContext } from './context';
import { sqsEventRecord, type SqsEventRecord } from './records';

/** Batches in flight at once without `ScalingConfig.MaximumConcurrency`: the five pollers Lambda starts with. */
export const DEFAULT_SQS_CONCURRENCY = 5;
/** SQS's longest long poll. */
const LONG_POLL_SECONDS = 20;

/** Polls one queue for one function. */
export class SqsMapping {
  private readonly filter: RecordFilter;
  private workers: Promise<void>[] = [];

  constructor(
    readonly mapping: EventSourceMappingModel,
    readonly fn: FunctionModel,
    private readonly queue: LocalQueue,
    private readonly queues: QueueStore,
    private readonly ctx: PollerContext,
  ) {
    this.filter = new RecordFilter(mapping.filters);
  }

  /** Starts the pollers: one per batch the mapping may have in flight at once. */
  start(): void {
    for (let i = 0; i < (this.mapping.maximumConcurrency ?? DEFAULT_SQS_CONCURRENCY); i++) this.workers.push(this.poll());
  }

  /** Resolves once every poller has finished its batch (the app's signal stops them). */
  async stopped(): Promise<void> {
    await Promise.all(this.workers);
  }

  private async poll(): Promise<void> {
    while (!this.ctx.signal.aborted) {
      const batch = await this.collect();
      if (batch.length && !this.ctx.signal.aborted) await this.process(batch);
    }
  }

  /** Waits for a message, then gathers up to BatchSize for up to the batching window. */
  private async collect(): Promise<StoredMessage[]> {
    const { batchSize, maximumBatchingWindowInSeconds: window } = this.mapping;
    const batch = await this.queues.receive(this.queue.model.arn, { maxNumberOfMessages: batchSize, waitTimeSeconds: LONG_POLL_SECONDS }, this.ctx.signal);
    if (!batch.length || window <= 0) return batch;
    const deadline = Date.now() + window * 1000;
    while (batch.length < batchSize && !this.ctx.signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      // Long polls wait whole seconds; the last part of the window is waited out with a short poll.
      const more = await this.queues.receive(this.queue.model.arn, { maxNumberOfMessages: batchSize - batch.length, waitTimeSeconds: Math.min(left / 1000, LONG_POLL_SECONDS) }, this.ctx.signal);
      batch.push(...more);
    }
    return batch;
  }

  /** Filters, invokes, then deletes what succeeded and leaves the rest for another receive. */
  private async process(batch: StoredMessage[]): Promise<void> {
    const receivedAt = Date.now();
    const all = batch.map((m) => sqsEventRecord(m, this.queue.model.arn, this.ctx.region));
    const records = all.filter((r) => this.filter.passes(sqsFilterView(r)));
    // Messages no filter matches are deleted, as Lambda deletes them.
    for (const r of all) if (!records.includes(r)) this.queues.delete(this.queue.model.arn, r.receiptHandle);
    if (!records.length) return;
    const ids = records.map((r) => r.messageId);
    const inv = await invokeBatch(this.ctx, this.mapping, this.fn, records, ids, all.length - records.length);
    const failed = this.failedOf(inv, ids);
    for (const r of records) if (!failed.includes(r.messageId)) this.queues.delete(this.queue.model.arn, r.receiptHandle);
    this.returnSooner(records.filter((r) => failed.includes(r.messageId)), receivedAt);
    endBatch(this.ctx, inv, failed, failed.length ? this.returnedOutcome(inv, failed.length, records.length) : `${records.length} deleted from the queue`);
  }

  /** The ids that failed: all of them when the invocation failed or its partial batch response is invalid. */
  private failedOf(inv: BatchInvocation, ids: readonly string[]): readonly string[] {
    if (inv.error || !inv.result) return ids;
    if (!this.mapping.reportBatchItemFailures) return [];
    const verdict = readBatchResponse(inv.result.payload, ids);
    return verdict === 'all' ? ids : verdict.failed;
  }

  /** Under a timeScale below 1, failed messages come back as much sooner as retry delays do. */
  private returnSooner(failed: readonly SqsEventRecord[], receivedAt: number): void {
    if (this.ctx.timeScale >= 1) return;
    const visibleAt = receivedAt + this.queue.model.visibilityTimeoutSeconds * 1000 * this.ctx.timeScale;
    for (const r of failed) this.queues.changeVisibility(this.queue.model.arn, r.receiptHandle, Math.max(0, (visibleAt - Date.now()) / 1000));
  }

  private returnedOutcome(inv: BatchInvocation, failed: number, total: number): string {
    const why = inv.error ? `the invocation failed (${inv.error.errorType})` : failed === total ? 'the function reported every record failed' : `the function reported ${failed} of ${total} failed`;
    const redrive = this.queue.model.redrive;
    const then = redrive
      ? `, then redriven to ${redrive.deadLetterTargetArn} once received ${redrive.maxReceiveCount} times`
      : ' (the queue has no redrive policy: until it is deleted or its retention ends)';
    const rest = inv.error ? '' : `; the other ${total - failed} were deleted`;
    return `${why}: ${failed} stay in the queue and are received again after the visibility timeout${then}${rest}`;
  }
}
