/**
 * The app's event source mappings: a poller per enabled mapping (SQS queues, table streams),
 * the ledger's records of what SQS redrives to dead-letter queues, and what a restart finds of
 * batches that were in flight.
 */
import type { AppModel, EventSourceMappingModel } from '../../model';
import type { StreamStore } from '../dynamodb/streams';
import type { DeliveryLedger } from '../events/ledger';
import type { FunctionHost } from '../host/function-host';
import type { QueueStore } from '../sqs/queue-store';
import { interruptedOutcome, type PollerContext } from './context';
import { DEFAULT_SQS_CONCURRENCY, SqsMapping } from './sqs-mapping';
import { StreamMapping, type LanePositions, type PositionJournal } from './stream-mapping';

export { DEFAULT_SQS_CONCURRENCY } from './sqs-mapping';
export type { LanePositions, PositionJournal } from './stream-mapping';

/** Options for {@link EventSourceMappings}. */
export interface EventSourceMappingsOptions {
  /** Multiplies retry delays and record ages. @default 1 */
  readonly timeScale?: number;
  /** Resolves once the ledger's changes so far are kept. @default nothing to wait for */
  readonly kept?: () => Promise<void>;
  /** Lane positions of stream mappings kept from an earlier run, by mapping UUID. */
  readonly positions?: ReadonlyMap<string, LanePositions>;
  /** Keeps stream mappings' positions across restarts. */
  readonly journal?: PositionJournal;
}

/** One mapping as `dev` lists it. */
export interface MappingSummary {
  readonly mapping: EventSourceMappingModel;
  /** The source's display name: `queue Orders`, `stream of table orders`. */
  readonly source: string;
  readonly functionName: string;
  /** Batches in flight at once (SQS), or lanes (streams). */
  readonly concurrency: number;
  /** The on-failure destination's display name (streams), when it is a queue of the app. */
  readonly onFailure?: string;
}

/** Runs the app's event source mappings. */
export class EventSourceMappings {
  private readonly pollers: Array<SqsMapping | StreamMapping> = [];
  private readonly stopping = new AbortController();
  private readonly ctx: PollerContext;

  constructor(
    private readonly model: AppModel,
    host: FunctionHost,
    queues: QueueStore,
    streams: StreamStore,
    private readonly ledger: DeliveryLedger,
    options: EventSourceMappingsOptions = {},
  ) {
    this.ctx = { host, ledger, region: model.region, signal: this.stopping.signal, timeScale: options.timeScale ?? 1, kept: options.kept ?? (() => Promise.resolve()) };
    for (const mapping of model.eventSourceMappings ?? []) {
      const fn = model.functions.find((f) => f.logicalId === mapping.functionLogicalId && f.stack === mapping.stack);
      if (!fn || !mapping.enabled) continue;
      if (mapping.kind === 'sqs') this.pollers.push(new SqsMapping(mapping, fn, queues.get(mapping.eventSourceArn), queues, this.ctx));
      else this.pollers.push(new StreamMapping(mapping, fn, streams.get(mapping.eventSourceArn)!, streams, queues, this.ctx, options.positions?.get(mapping.uuid), options.journal));
    }
    queues.on('redrive', (source, deadLetter, message) => {
      const record = ledger.accept({ eventId: message.messageId, kind: 'redrive', targetArn: deadLetter.model.arn, sourceArn: source.model.arn });
      const outcome = `received ${source.model.redrive?.maxReceiveCount} times without being deleted: moved to ${deadLetter.model.displayName ?? deadLetter.model.name}`;
      ledger.update(record, { state: 'dead-lettered', deadLetterArn: deadLetter.model.arn, outcome });
    });
  }

  /** Every mapping of the app (disabled ones too), as `dev` lists them. */
  list(): MappingSummary[] {
    return (this.model.eventSourceMappings ?? []).map((mapping) => {
      const fn = this.model.functions.find((f) => f.logicalId === mapping.functionLogicalId && f.stack === mapping.stack);
      const queue = this.model.queues.find((q) => q.arn === mapping.eventSourceArn);
      const table = this.model.tables.find((t) => t.stream?.arn === mapping.eventSourceArn);
      return {
        mapping,
        source: queue ? `queue ${queue.displayName ?? queue.name}` : `stream of table ${table?.name ?? mapping.eventSourceArn}`,
        functionName: fn?.displayName ?? fn?.name ?? mapping.functionLogicalId,
        concurrency: mapping.kind === 'sqs' ? (mapping.maximumConcurrency ?? DEFAULT_SQS_CONCURRENCY) : mapping.parallelizationFactor,
        onFailure: mapping.onFailureArn && this.queueName(mapping.onFailureArn),
      };
    });
  }

  private queueName(arn: string): string {
    const q = this.model.queues.find((x) => x.arn === arn);
    return q ? (q.displayName ?? q.name) : arn;
  }

  /**
   * Ends the ledger records of batches that were in flight when the last run stopped: their
   * records were not deleted (SQS) nor passed (streams), so they come again in a later batch.
   */
  endInterrupted(): void {
    for (const record of this.ledger.list()) {
      if ((record.kind !== 'sqs-batch' && record.kind !== 'stream-batch') || (record.state !== 'pending' && record.state !== 'retrying')) continue;
      this.ledger.update(record, { state: 'failed', inFlightSince: undefined, interruptions: (record.interruptions ?? 0) + 1, outcome: interruptedOutcome(record.kind) });
    }
  }

  /** Starts polling. */
  start(): void {
    for (const p of this.pollers) p.start();
  }

  /** Stops polling; resolves once the batches in flight have ended. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.pollers.map((p) => p.stopped()));
  }
}
