/**
 * The delivery ledger: every asynchronous delivery (rule target, async invoke, schedule) is
 * recorded from acceptance to its end, so nothing is dropped silently; so is every batch an
 * event source mapping passes to its function, and every message SQS redrives to a DLQ. In memory and listable;
 * what it holds is kept across restarts by lib/local/state (through its `change` and `forget`
 * events) when the app keeps state.
 */
import { EventEmitter } from 'node:events';
import type { LambdaErrorPayload } from '../host/protocol';
import { EventLog, type EventLogOptions } from './event-log';
import { Fifo } from './fifo';

/**
 * Where a delivery is. `dropped` means it ended without delivery or DLQ (AWS would lose it);
 * `undeliverable` that its target is not served locally (an SNS topic, a state machine), which
 * AWS would have delivered to. `failed` is a batch of an event source mapping whose invocation
 * failed, or some of whose records the function reported failed: its records go back to their
 * source (`outcome` says how) and come again in a later batch.
 */
export type DeliveryState = 'pending' | 'retrying' | 'delivered' | 'failed' | 'dead-lettered' | 'dropped' | 'undeliverable';

/** Every {@link DeliveryState}, in the order a delivery goes through them. */
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'retrying', 'delivered', 'failed', 'dead-lettered', 'dropped', 'undeliverable'];

/**
 * What started a delivery: a rule, a schedule, an async invoke; an event source mapping's batch
 * from a queue (`sqs-batch`) or a table stream (`stream-batch`); SQS moving a message to its
 * queue's dead-letter queue (`redrive`).
 */
export type DeliveryKind = 'rule' | 'schedule' | 'async-invoke' | 'sqs-batch' | 'stream-batch' | 'redrive';

/** The batch an event source mapping passed to its function in one invocation. */
export interface BatchInfo {
  /** The mapping's UUID. */
  readonly mappingId: string;
  /** The ids of the records, in order: SQS message ids, or stream sequence numbers. */
  readonly records: readonly string[];
  /** Records the filter criteria left out (SQS deletes them; a stream skips them). */
  readonly filteredOut?: number;
  /** Records that failed (the function reported them, or all of them when it failed). */
  failedItems?: readonly string[];
}

/** One delivery of one event to one target. */
export interface DeliveryRecord {
  /** Unique id of this delivery. */
  readonly id: string;
  /** The event id (EventBridge event id, or the async invoke's request id). */
  readonly eventId: string;
  readonly kind: DeliveryKind;
  /** Rule ARN for rule and schedule deliveries. */
  readonly ruleArn?: string;
  /** Target ARN (a function or a queue). */
  readonly targetArn: string;
  state: DeliveryState;
  /** Attempts made so far. */
  attempts: number;
  readonly acceptedAt: number;
  updatedAt: number;
  /** When the next attempt is due, while retrying. */
  nextAttemptAt?: number;
  /** When the attempt in progress started (an invocation under way); unset between attempts. */
  inFlightSince?: number;
  /**
   * Attempts that were in flight when `dev` stopped or was killed, and were made again at the
   * next start (delivery is at least once, as in AWS: the handler may have seen the event).
   */
  interruptions?: number;
  lastError?: LambdaErrorPayload;
  /** ARN of the DLQ or failure destination it went to. */
  deadLetterArn?: string;
  /** The message id it got in that queue, so that the message can be traced back to it (and redriven). */
  deadLetterMessageId?: string;
  /** The delivery this one redrives: a dead letter of it sent back to its target. */
  readonly redriveOf?: string;
  /** Why it was dropped. */
  droppedReason?: string;
  /** Why its target is not served locally. */
  undeliverableReason?: string;
  /** The queue or stream an event source mapping's batch (or a redriven message) came from. */
  readonly sourceArn?: string;
  /** An event source mapping's batch: which records, and which failed. */
  readonly batch?: BatchInfo;
  /** What became of a batch's records, in a sentence ("returned to the queue", "retried", "bisected", ...). */
  outcome?: string;
}

/**
 * What an open delivery needs to be resumed after a restart: the event of a rule or schedule
 * delivery, or an async invoke's payload, and the Lambda request id its attempts share.
 */
export type DeliveryPayload = { readonly event: Record<string, unknown>; readonly requestId: string } | { readonly payload: string; readonly requestId: string };

/** Counts of ended deliveries by final state. */
export type EndedCounts = Record<'delivered' | 'failed' | 'dead-lettered' | 'dropped' | 'undeliverable', number>;

/** Zero of each final state. */
export function noEndedCounts(): EndedCounts {
  return { delivered: 0, failed: 0, 'dead-lettered': 0, dropped: 0, undeliverable: 0 };
}

/** A delivery as kept across restarts: its record and, while it is open, its payload. */
export interface KeptDelivery {
  readonly record: DeliveryRecord;
  readonly payload?: DeliveryPayload;
}

/** Filter for {@link DeliveryLedger.list}. */
export interface LedgerFilter {
  readonly state?: DeliveryState;
  readonly eventId?: string;
  readonly targetArn?: string;
  readonly ruleArn?: string;
}

/** Typed events of the ledger. */
export interface LedgerEvents {
  /** A delivery changed; `changed` names the fields that did (`state`, `attempts`, ...). */
  change: [record: DeliveryRecord, changed: readonly string[]];
  /** An ended delivery is no longer listed (past `maxEnded`); it is still counted. */
  forget: [id: string];
}

/** Options for {@link DeliveryLedger}. */
export interface DeliveryLedgerOptions {
  /**
   * How many ended deliveries (delivered, failed, dead-lettered, dropped, undeliverable) to keep listable; older ones
   * are forgotten, but still counted. Deliveries in progress are always kept.
   * @default 100000
   */
  readonly maxEnded?: number;
  /** Bounds of the event log (recent events, unmatched events). @default - see EventLogOptions */
  readonly events?: EventLogOptions;
}

/** The list of deliveries. */
export class DeliveryLedger extends EventEmitter<LedgerEvents> {
  /** The events put on the buses: the recent ones by id, and those no rule matched (kept). */
  readonly events: EventLog;
  private readonly records = new Map<string, DeliveryRecord>();
  private readonly payloads = new Map<string, DeliveryPayload>();
  /** The ended deliveries still listed, oldest first. */
  private readonly ended = new Fifo<DeliveryRecord>();
  private readonly endedCounts: EndedCounts = noEndedCounts();
  private readonly forgotten: EndedCounts = noEndedCounts();
  private readonly maxEnded: number;
  private open = 0;
  private idleWaiters: Array<() => void> = [];
  private seq = 0;

  constructor(options: DeliveryLedgerOptions = {}) {
    super();
    this.maxEnded = options.maxEnded ?? 100_000;
    this.events = new EventLog(options.events);
  }

  /**
   * Records a new delivery, pending, with what it takes to resume it after a restart. A batch
   * of an event source mapping has no payload: its records stay in their queue or stream.
   */
  accept(init: Pick<DeliveryRecord, 'eventId' | 'kind' | 'ruleArn' | 'targetArn' | 'sourceArn' | 'batch' | 'redriveOf'>, payload?: DeliveryPayload): DeliveryRecord {
    const now = Date.now();
    // Every field a record may get is set here, in one order: records then share one hidden
    // class, and an update assigns fields rather than adding them (a spread of `init`, whose
    // fields vary by kind, and fields added later made each update a shape change). JSON and
    // the `change` event are as before: absent and undefined fields look the same there.
    const record: DeliveryRecord = {
      id: `d-${++this.seq}`,
      eventId: init.eventId,
      kind: init.kind,
      ruleArn: init.ruleArn,
      targetArn: init.targetArn,
      state: 'pending',
      attempts: 0,
      acceptedAt: now,
      updatedAt: now,
      nextAttemptAt: undefined,
      inFlightSince: undefined,
      interruptions: undefined,
      lastError: undefined,
      deadLetterArn: undefined,
      deadLetterMessageId: undefined,
      redriveOf: init.redriveOf,
      droppedReason: undefined,
      undeliverableReason: undefined,
      sourceArn: init.sourceArn,
      batch: init.batch,
      outcome: undefined,
    } satisfies AllFields<DeliveryRecord>;
    this.records.set(record.id, record);
    if (payload) this.payloads.set(record.id, payload);
    this.open++;
    this.emit('change', record, STATE_CHANGED);
    return record;
  }

  /** Moves a delivery to a new state. Final states are final. */
  update(record: DeliveryRecord, change: Partial<Omit<DeliveryRecord, 'id' | 'eventId' | 'kind' | 'acceptedAt'>>): void {
    if (isFinal(record.state)) throw new Error(`Delivery ${record.id} is already ${record.state}`);
    Object.assign(record, change);
    record.updatedAt = Date.now();
    if (isFinal(record.state)) this.end(record);
    this.emit('change', record, Object.keys(change));
  }

  /** The payload of a delivery still pending or retrying (ended ones no longer need it). */
  payloadOf(record: DeliveryRecord): DeliveryPayload | undefined {
    return this.payloads.get(record.id);
  }

  /** Deliveries pending or retrying: accepted and not yet ended. */
  get inProgress(): number {
    return this.open;
  }

  /** Ended deliveries no longer listed, by final state (they are still in {@link counts}). */
  forgottenCounts(): EndedCounts {
    return { ...this.forgotten };
  }

  /**
   * Puts back deliveries kept from an earlier run, in acceptance order, before any new one is
   * accepted: ids continue after theirs. Emits nothing (they are already kept).
   */
  restore(kept: readonly KeptDelivery[], forgotten: EndedCounts): void {
    if (this.seq > 0) throw new Error('Deliveries can only be restored into an empty ledger');
    for (const key of Object.keys(this.forgotten) as Array<keyof EndedCounts>) {
      this.forgotten[key] += forgotten[key] ?? 0;
      this.endedCounts[key] += forgotten[key] ?? 0;
    }
    for (const { record, payload } of kept) {
      this.records.set(record.id, record);
      this.seq = Math.max(this.seq, sequenceOf(record.id));
      if (isFinal(record.state)) {
        this.endedCounts[record.state as keyof EndedCounts]++;
        this.ended.push(record);
      } else {
        if (payload) this.payloads.set(record.id, payload);
        this.open++;
      }
    }
  }

  /** Deliveries, optionally filtered, in acceptance order. */
  list(filter: LedgerFilter = {}): DeliveryRecord[] {
    return [...this.records.values()].filter(
      (r) =>
        (filter.state === undefined || r.state === filter.state) &&
        (filter.eventId === undefined || r.eventId === filter.eventId) &&
        (filter.targetArn === undefined || r.targetArn === filter.targetArn) &&
        (filter.ruleArn === undefined || r.ruleArn === filter.ruleArn),
    );
  }

  /**
   * One page of {@link list}: at most `limit` deliveries accepted after the delivery `after`
   * (a `nextToken` of an earlier page), and the token of the next page when there is one.
   * Tokens are delivery ids, so deliveries accepted meanwhile never shift a page.
   */
  page(filter: LedgerFilter, limit: number, after?: string): { deliveries: DeliveryRecord[]; nextToken?: string } {
    const from = after === undefined ? 0 : sequenceOf(after);
    const deliveries = this.list(filter).filter((r) => sequenceOf(r.id) > from);
    const page = deliveries.slice(0, limit);
    return { deliveries: page, nextToken: deliveries.length > limit ? page[page.length - 1].id : undefined };
  }

  /** True for a string that {@link page} takes as `after`. */
  static isToken(token: string): boolean {
    return /^d-\d+$/.test(token);
  }

  /** How many deliveries are in each state (ended ones counted even when no longer listed). */
  counts(): Record<DeliveryState, number> {
    const c: Record<DeliveryState, number> = { pending: 0, retrying: 0, ...this.endedCounts };
    for (const r of this.records.values()) if (r.state === 'pending' || r.state === 'retrying') c[r.state]++;
    return c;
  }

  private end(record: DeliveryRecord): void {
    record.nextAttemptAt = undefined;
    record.inFlightSince = undefined;
    this.payloads.delete(record.id);
    this.endedCounts[record.state as keyof EndedCounts]++;
    this.ended.push(record);
    if (this.ended.length > this.maxEnded) {
      const oldest = this.ended.shift()!;
      this.forgotten[oldest.state as keyof EndedCounts]++;
      this.records.delete(oldest.id);
      this.emit('forget', oldest.id);
    }
    this.open--;
    if (this.open === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when no delivery is pending or retrying. */
  whenIdle(): Promise<void> {
    return this.open === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** The acceptance sequence number of a delivery id (`d-42` is 42). */
export function sequenceOf(id: string): number {
  return Number(id.slice(2));
}

/** Every field of T, each given (undefined where unset): a field added to T must be added where this is used. */
type AllFields<T> = { [K in keyof Required<T>]: T[K] };

/** What changed when a delivery is accepted: one array for all, as listeners only read it. */
const STATE_CHANGED: readonly string[] = Object.freeze(['state']);

function isFinal(state: DeliveryState): boolean {
  return state !== 'pending' && state !== 'retrying';
}
