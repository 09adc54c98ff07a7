/**
 * `switchyard dev`'s durable state: the deliveries in progress (with their attempts, next attempt
 * times and payloads), the ledger's history, the SQS queues' messages and the DynamoDB tables,
 * kept in `<stateDir>/<app key>/` (see app-key.ts) and restored at the next start.
 *
 *   store/      LevelDB (see store.ts, whose KEY_PREFIX gives each kind its key prefix):
 *               deliveries, unmatched events, queue messages, Scheduler API schedules and
 *               groups, stream records and mappings' positions; run and ledger meta under `m!`
 *   dynamodb/   LevelDB of dynalite's tables
 *
 * A start after a run that did not stop (killed, crashed) is recognized by the run record
 * still saying `running`; the deliveries whose attempt was in flight then are listed, and
 * delivered again, as EventBridge and Lambda do (delivery is at least once).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppModel } from '../../model';
import type { StreamStore } from '../dynamodb/streams';
import type { TableStore } from '../dynamodb/table-store';
import type { Deliverer } from '../events/delivery';
import type { DeliveryLedger, DeliveryRecord } from '../events/ledger';
import type { ScheduleStore } from '../schedule/store';
import type { QueueStore } from '../sqs/queue-store';
import { appStateKey } from './app-key';
import { keepLedger, loadLedger, loadUnmatched } from './deliveries';
import { QueueKeeper } from './queues';
import { ScheduleKeeper } from './schedules';
import { LocalStateError, StateStore } from './store';
import { StreamKeeper, type RestoredStreams } from './streams';

/** Version of what the store holds; another version is not read (start with `fresh`). */
const FORMAT = 1;
const RUN = 'm!run';

/** The run record: whether the last run stopped. */
interface RunRecord {
  readonly format: number;
  readonly running: boolean;
  readonly pid: number;
  readonly startedAt: number;
  readonly stoppedAt?: number;
}

/** What the state holds, by kind. */
export interface StateSummary {
  /** The app's state folder. */
  readonly dir: string;
  /** Deliveries not yet attempted, waiting for a retry, and with an attempt in flight. */
  readonly deliveries: { readonly pending: number; readonly retrying: number; readonly inFlight: number };
  /** Messages in the queues that are some target's or function's dead-letter queue or failure destination. */
  readonly deadLetters: { readonly messages: number; readonly queues: number };
  /** Messages in the other queues. */
  readonly messages: { readonly messages: number; readonly queues: number };
  readonly tables: { readonly tables: number; readonly items: number };
  /** Ended deliveries the ledger lists. */
  readonly history: number;
  /** Events that matched no rule, kept in the ledger for `switchyard why`. */
  readonly unmatched: number;
}

/** What a start restored. */
export interface RestoredState extends StateSummary {
  /** False when the last run never stopped (killed or crashed). */
  readonly cleanStop: boolean;
  /** True when there was nothing to restore (a first start, or `fresh`). */
  readonly fresh: boolean;
  /** The deliveries whose attempt was in flight when the last run ended, as they were then: delivered again. */
  readonly interrupted: readonly DeliveryRecord[];
  /** What was not restored as it was, and why. */
  readonly notes: readonly string[];
}

/** The parts of a running app whose state is kept. */
export interface KeptParts {
  readonly ledger: DeliveryLedger;
  readonly queues: QueueStore;
  readonly tables: TableStore;
  /** EventBridge Scheduler's schedules (those created through the API are kept). */
  readonly schedules: ScheduleStore;
}

/** The durable state of one app. */
export class LocalState {
  /**
   * Opens the app's state under `stateDir`, emptied first when `fresh`.
   * @throws LocalStateError when another process uses it or it cannot be read
   */
  static async open(stateDir: string, model: AppModel, options: { readonly fresh?: boolean } = {}): Promise<LocalState> {
    const dir = path.join(stateDir, appStateKey(model));
    // The store's lock is taken first: a `fresh` start must not empty a folder another dev uses.
    const store = await StateStore.open(path.join(dir, 'store'));
    const run = await store.get<RunRecord>(RUN);
    if (run && run.format !== FORMAT && !options.fresh) {
      await store.close();
      throw new LocalStateError('StateUnreadable', `${dir} holds state of another switchyard version (format ${run.format}, this one reads ${FORMAT}). Fix: start with --fresh (LocalAppOptions.fresh) to discard it.`);
    }
    if (options.fresh) {
      await store.clear();
      fs.rmSync(path.join(dir, 'dynamodb'), { recursive: true, force: true });
    }
    return new LocalState(store, dir, model, options.fresh ? undefined : run);
  }

  private readonly deadLetterArns: Set<string>;

  private constructor(
    private readonly store: StateStore,
    /** The app's state folder. */
    readonly dir: string,
    model: AppModel,
    private readonly lastRun: RunRecord | undefined,
  ) {
    this.deadLetterArns = new Set([
      ...model.rules.flatMap((r) => r.targets.map((t) => t.deadLetterArn)),
      ...model.functions.flatMap((f) => [f.asyncConfig.deadLetterArn, f.asyncConfig.onFailureArn]),
    ].filter((arn): arn is string => arn !== undefined));
  }

  /** Where dynalite keeps the tables. */
  get tablesDir(): string {
    return path.join(this.dir, 'dynamodb');
  }

  /**
   * Puts the kept deliveries and messages back into the app's ledger and queues, keeps every
   * change from now on, and records that a run is under way. Call before anything is served;
   * `tables` must have been opened (their notes are passed in).
   */
  async restore(parts: KeptParts, tableNotes: readonly string[]): Promise<RestoredState> {
    const { kept, forgotten } = await loadLedger(this.store);
    const interrupted = kept.filter((k) => k.record.inFlightSince !== undefined).map((k) => ({ ...k.record }));
    parts.ledger.restore(kept, forgotten);
    await loadUnmatched(this.store, parts.ledger);
    keepLedger(parts.ledger, this.store);
    const { notes } = await new QueueKeeper(this.store).restore(parts.queues);
    notes.push(...(await new ScheduleKeeper(this.store).restore(parts.schedules)));
    const summary = await this.summarize(parts);
    this.store.put(RUN, { format: FORMAT, running: true, pid: process.pid, startedAt: Date.now() } satisfies RunRecord);
    await this.store.flushed();
    return { ...summary, cleanStop: !this.lastRun?.running, fresh: this.lastRun === undefined, interrupted, notes: [...tableNotes, ...notes] };
  }

  /**
   * Puts back the kept stream records (see streams.ts) and returns the mappings' kept positions,
   * with the journal that keeps both from now on. Call before the mappings are made.
   */
  async restoreStreams(streams: StreamStore): Promise<{ keeper: StreamKeeper } & RestoredStreams> {
    const keeper = new StreamKeeper(this.store);
    return { keeper, ...(await keeper.restore(streams)) };
  }

  /**
   * Carries on every restored delivery still in progress: a rule's or an invocation's through
   * Deliverer.resume, a Scheduler firing's through `resumeFiring` (its schedule knows its target).
   */
  resume(ledger: DeliveryLedger, deliverer: Deliverer, model: AppModel, resumeFiring: (record: DeliveryRecord) => void): void {
    for (const record of ledger.list()) {
      if (record.state !== 'pending' && record.state !== 'retrying') continue;
      // A mapping's batch is not resumed: its records are still in their queue or stream (see event-sources).
      if (record.kind === 'sqs-batch' || record.kind === 'stream-batch') continue;
      if (record.kind === 'schedule' && !model.rules.some((r) => r.arn === record.ruleArn)) resumeFiring(record);
      else void deliverer.resume(record, model.rules.find((r) => r.arn === record.ruleArn));
    }
  }

  /** Resolves once every change so far is on disk. */
  kept(): Promise<void> {
    return this.store.flushed();
  }

  /** What the state holds now. */
  async summarize(parts: KeptParts): Promise<StateSummary> {
    let pending = 0;
    let retrying = 0;
    let inFlight = 0;
    let history = 0;
    for (const d of parts.ledger.list()) {
      if (d.inFlightSince !== undefined) inFlight++;
      else if (d.state === 'pending') pending++;
      else if (d.state === 'retrying') retrying++;
      else history++;
    }
    const deadLetters = { messages: 0, queues: 0 };
    const messages = { messages: 0, queues: 0 };
    for (const q of parts.queues.list()) {
      if (!q.messages.size) continue;
      const kind = this.deadLetterArns.has(q.model.arn) ? deadLetters : messages;
      kind.messages += q.messages.size;
      kind.queues++;
    }
    const items = [...(await parts.tables.itemCounts()).values()];
    return { dir: this.dir, deliveries: { pending, retrying, inFlight }, deadLetters, messages, tables: { tables: items.length, items: items.reduce((a, b) => a + b, 0) }, history, unmatched: parts.ledger.events.unmatched().length };
  }

  /** Records a clean stop and closes the store. Call once nothing changes any more. */
  async close(): Promise<void> {
    const run = await this.store.get<RunRecord>(RUN);
    this.store.put(RUN, { format: FORMAT, pid: process.pid, startedAt: run?.startedAt ?? Date.now(), running: false, stoppedAt: Date.now() } satisfies RunRecord);
    await this.store.close();
  }
}
