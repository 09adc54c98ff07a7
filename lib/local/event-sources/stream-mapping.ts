/**
 * A DynamoDB stream event source mapping, read as Lambda reads a shard ("Using Lambda with
 * DynamoDB", "Error handling"):
 *
 * - The stream's records are split into `ParallelizationFactor` lanes by partition key, so each
 *   item's records stay in order while lanes run concurrently. A lane takes up to `BatchSize` of
 *   its records after its position, waiting up to `MaximumBatchingWindowInSeconds` for more.
 * - Records no filter matches are skipped. A batch that succeeds moves the lane past it. With
 *   `ReportBatchItemFailures`, the lane moves past the records before the first reported failure
 *   and retries from there. A failed invocation is retried, halved first with
 *   `BisectBatchOnFunctionError` (a split is not a retry), until it succeeds, its retries
 *   (`MaximumRetryAttempts`) run out, or its oldest record is older than
 *   `MaximumRecordAgeInSeconds`; then Lambda's failure record goes to the on-failure destination
 *   and the lane moves past the batch. The defaults (-1) retry until the record leaves the
 *   stream after 24 hours, holding the lane back meanwhile, as in AWS.
 *
 * Retries wait 1, 2, 4 ... up to 60 seconds (scaled by timeScale) rather than Lambda's immediate
 * retries, so that a failing function does not take a core for a day.
 */
import type { EventSourceMappingModel, FunctionModel } from '../../model';
import type { StreamRecordData, StreamStore, TableStream } from '../dynamodb/streams';
import { STREAM_RETENTION_MS } from '../dynamodb/streams';
import type { QueueStore } from '../sqs/queue-store';
import { readBatchResponse, RecordFilter } from './batch';
import { endBatch, invokeBatch, Wakeup, type BatchInvocation, type PollerContext } from './context';
import { dynamoDbEventRecord, streamFailureRecord, type StreamFailureCondition } from './records';

/** Where each lane of a mapping stands: every record of the lane up to this sequence is done. */
export type LanePositions = number[];

/** Keeps lane positions across restarts (see lib/local/state). */
export interface PositionJournal {
  saved(mapping: EventSourceMappingModel, positions: LanePositions): void;
}

const MAX_RETRY_DELAY_MS = 60_000;

/** Reads one table stream for one function. */
export class StreamMapping {
  private readonly filter: RecordFilter;
  private readonly wakeup = new Wakeup();
  private readonly positions: LanePositions;
  private lanes: Promise<void>[] = [];

  constructor(
    readonly mapping: EventSourceMappingModel,
    readonly fn: FunctionModel,
    private readonly stream: TableStream,
    private readonly streams: StreamStore,
    private readonly queues: QueueStore,
    private readonly ctx: PollerContext,
    kept: LanePositions | undefined,
    private readonly journal?: PositionJournal,
  ) {
    this.filter = new RecordFilter(mapping.filters);
    const n = Math.max(1, mapping.parallelizationFactor);
    this.positions = kept?.length === n ? [...kept] : Array.from({ length: n }, () => this.startingPosition(kept));
    // Readers are registered at once: from now on the table's writes are captured and kept for them.
    this.positions.forEach((p, lane) => streams.advance(stream, this.reader(lane), p));
    streams.on('record', (s) => s === stream && this.wakeup.wake());
  }

  /** Starts a loop per lane. */
  start(): void {
    this.lanes = this.positions.map((_, lane) => this.run(lane));
  }

  /** Resolves once every lane has finished its batch (the app's signal stops them). */
  async stopped(): Promise<void> {
    this.wakeup.wake();
    await Promise.all(this.lanes);
  }

  /** Where a lane starts without a kept position (or after ParallelizationFactor changed: from the oldest kept one). */
  private startingPosition(kept: LanePositions | undefined): number {
    if (kept?.length) return Math.min(...kept);
    const { startingPosition: at, startingPositionTimestamp: ts } = this.mapping;
    if (at === 'TRIM_HORIZON') return 0;
    if (at === 'AT_TIMESTAMP' && ts !== undefined) return this.stream.records.filter((r) => r.createdAt < ts * 1000).at(-1)?.seq ?? 0;
    return this.streams.head;
  }

  private reader(lane: number): string {
    return `${this.mapping.uuid}#${lane}`;
  }

  private async run(lane: number): Promise<void> {
    while (!this.ctx.signal.aborted) {
      const taken = await this.collect(lane);
      if (!taken || this.ctx.signal.aborted) continue;
      const passed = taken.records.filter((r) => this.filter.passes(dynamoDbEventRecord(this.stream, r, this.ctx.region)));
      const done = passed.length ? await this.deliver(passed, taken.records.length - passed.length, 0) : true;
      if (done) this.moveTo(lane, taken.through);
    }
  }

  /** The lane's next records, once there are any (and the batching window passed or the batch is full). */
  private async collect(lane: number): Promise<{ records: StreamRecordData[]; through: number } | undefined> {
    let firstSeenAt: number | undefined;
    for (;;) {
      if (this.ctx.signal.aborted) return undefined;
      const taken = this.take(lane);
      if (taken.records.length) {
        firstSeenAt ??= Date.now();
        const left = firstSeenAt + this.mapping.maximumBatchingWindowInSeconds * 1000 - Date.now();
        if (taken.records.length >= this.mapping.batchSize || left <= 0) return taken;
        await this.wakeup.wait(left, this.ctx.signal);
      } else {
        // Nothing of this lane yet: the lane is done up to the head.
        if (taken.through > this.positions[lane]) this.moveTo(lane, taken.through);
        await this.wakeup.wait(Infinity, this.ctx.signal);
      }
    }
  }

  /** Up to BatchSize records of the lane after its position, and the sequence the scan covered. */
  private take(lane: number): { records: StreamRecordData[]; through: number } {
    const from = this.positions[lane];
    const records: StreamRecordData[] = [];
    let through = from;
    for (const r of this.stream.records) {
      if (r.seq <= from) continue;
      if (this.laneOf(r) === lane) {
        if (records.length === this.mapping.batchSize) break;
        records.push(r);
      }
      through = r.seq;
    }
    return { records, through };
  }

  private laneOf(r: StreamRecordData): number {
    const n = this.positions.length;
    if (n === 1) return 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < r.partition.length; i++) h = Math.imul(h ^ r.partition.charCodeAt(i), 0x01000193) >>> 0;
    return h % n;
  }

  private moveTo(lane: number, seq: number): void {
    this.positions[lane] = seq;
    this.streams.advance(this.stream, this.reader(lane), seq);
    this.journal?.saved(this.mapping, this.positions);
  }

  /**
   * Delivers `batch` until it succeeds or is given up on; false when the app stopped first (the
   * lane keeps its position, and the batch is read again at the next start).
   */
  private async deliver(batch: StreamRecordData[], filteredOut: number, retriesBefore: number): Promise<boolean> {
    let retries = retriesBefore;
    for (let invocations = 1; ; invocations++) {
      const records = batch.map((r) => dynamoDbEventRecord(this.stream, r, this.ctx.region));
      const ids = batch.map((r) => r.sequenceNumber);
      const inv = await invokeBatch(this.ctx, this.mapping, this.fn, records, ids, invocations === 1 ? filteredOut : 0);
      const failedIds = this.failedOf(inv, ids);
      if (!failedIds.length) {
        endBatch(this.ctx, inv, [], `${batch.length} records processed`);
        return true;
      }
      const firstFailed = batch.findIndex((r) => failedIds.includes(r.sequenceNumber));
      const rest = batch.slice(firstFailed);
      const giveUp = this.givingUp(rest, retries);
      if (giveUp) {
        this.sendToDestination(inv, rest, giveUp, invocations, failedIds);
        return true;
      }
      if (inv.error && this.mapping.bisectBatchOnFunctionError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        endBatch(this.ctx, inv, failedIds, `the invocation failed (${inv.error.errorType}): bisected into batches of ${half} and ${batch.length - half} records, retried in order`);
        return (await this.deliver(batch.slice(0, half), 0, retries)) && (await this.deliver(batch.slice(half), 0, retries));
      }
      retries++;
      const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(retries - 1, 6)) * this.ctx.timeScale;
      const before = firstFailed > 0 ? `; the ${firstFailed} records before the first failure are done` : '';
      endBatch(this.ctx, inv, failedIds, `${inv.error ? `the invocation failed (${inv.error.errorType})` : `the function reported ${failedIds.length} of ${batch.length} failed`}: retry ${retries} of ${rest.length} records from ${rest[0].sequenceNumber}${before}`);
      await new Wakeup().wait(delay, this.ctx.signal);
      if (this.ctx.signal.aborted) return false;
      batch = rest;
    }
  }

  private failedOf(inv: BatchInvocation, ids: readonly string[]): readonly string[] {
    if (inv.error || !inv.result) return ids;
    if (!this.mapping.reportBatchItemFailures) return [];
    const verdict = readBatchResponse(inv.result.payload, ids);
    return verdict === 'all' ? ids : verdict.failed;
  }

  /** Why to stop retrying `batch` after `retries` retries, if it is time to. */
  private givingUp(batch: readonly StreamRecordData[], retries: number): StreamFailureCondition | undefined {
    const { maximumRetryAttempts: maxRetries, maximumRecordAgeInSeconds: maxAge } = this.mapping;
    if (maxRetries >= 0 && retries >= maxRetries) return 'RetryAttemptsExhausted';
    const ageLimitMs = maxAge >= 0 ? maxAge * 1000 * this.ctx.timeScale : STREAM_RETENTION_MS;
    if (Date.now() - batch[0].createdAt > ageLimitMs) return 'RecordAgeExceeded';
    return undefined;
  }

  /** Sends Lambda's failure record to the on-failure destination (or records the batch as discarded) and ends the batch. */
  private sendToDestination(inv: BatchInvocation, batch: readonly StreamRecordData[], condition: StreamFailureCondition, invocations: number, failedIds: readonly string[]): void {
    const dest = this.mapping.onFailureArn;
    const queue = dest ? this.queues.list().find((q) => q.model.arn === dest) : undefined;
    const why = condition === 'RetryAttemptsExhausted' ? `retries exhausted (${this.mapping.maximumRetryAttempts})` : 'record age exceeded';
    if (!queue) {
      const reason = dest ? `on-failure destination ${dest} is not a queue of this app` : 'no on-failure destination: Lambda discards them';
      endBatch(this.ctx, inv, failedIds, `${why}: ${batch.length} records skipped; ${reason}`, { state: 'dropped', droppedReason: `${why}; ${reason}` });
      return;
    }
    const failure = { requestId: inv.record.eventId, condition, invocations, functionError: inv.error !== undefined };
    this.queues.send(queue.model.arn, streamFailureRecord(this.mapping, this.fn, this.stream, batch, failure));
    endBatch(this.ctx, inv, failedIds, `${why}: ${batch.length} records skipped, their place in the stream sent to ${queue.model.displayName ?? queue.model.name}`, { state: 'dead-lettered', deadLetterArn: queue.model.arn });
  }
}
