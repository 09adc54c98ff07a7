/**
 * The on-disk store of `switchyard dev`'s durable state: deliveries with their payloads, the
 * ledger's history, and SQS messages, as JSON values under string keys.
 *
 * Why LevelDB (classic-level) and not a hand-written append-only journal: it is the engine
 * dynalite already keeps the tables in (one engine, and prebuilt binaries that npm 11 installs
 * without running install scripts); its write-ahead log makes each batch atomic and survives a
 * killed process; and its background compaction bounds the disk use of state that rewrites
 * the same keys thousands of times a second under load (a delivery is written when accepted,
 * when each attempt starts and when it ends). A JSONL journal would need all three by hand.
 *
 * Writes are group-committed: changes are collected in memory (the latest value per key wins)
 * and written as one batch per turn of the event loop, one batch at a time. {@link flushed}
 * resolves once everything changed before the call is in LevelDB's log: the AWS endpoint waits
 * for it before answering, so an accepted event or a sent message is on disk before its id is.
 * Batches are written without fsync: they survive the process being killed (the OS holds
 * them), not the machine losing power, which is the trade a development tool should make.
 */
import * as fs from 'node:fs';
import { ClassicLevel } from 'classic-level';

/**
 * The key prefix of each kind of record in the store, in one place: a range read by prefix
 * (`entries`) must never see another kind's keys, so no prefix may start another.
 */
export const KEY_PREFIX = {
  deliveries: 'd!',
  unmatchedEvents: 'u!',
  queueMessages: 'q!',
  schedules: 'sch!',
  scheduleGroups: 'sg!',
  streamRecords: 'sr!',
  streamPositions: 'sp!',
} as const;

/** The state folder cannot be used: another `dev` holds it, or it is not this version's. */
export class LocalStateError extends Error {
  constructor(
    /** Stable code: `StateInUse` or `StateUnreadable`. */
    readonly code: 'StateInUse' | 'StateUnreadable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalStateError';
  }
}

/** A deferred promise: the completion of one batch. */
interface Batch {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function batch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // A failed write is reported to whoever waits for it (the endpoint answers 500); a batch
  // nobody waits for must not become an unhandled rejection that ends the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Group-committed JSON key-value store over LevelDB. */
export class StateStore {
  /**
   * Opens (creating) the store in `dir`.
   * @throws LocalStateError when another process holds the folder or it cannot be read.
   */
  static async open(dir: string): Promise<StateStore> {
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      fs.mkdirSync(dir, { recursive: true });
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new LocalStateError('StateInUse', `${dir} is in use by another switchyard dev (or a test's LocalApp). Fix: stop that one first; two cannot share one state.`, { cause: err });
      }
      throw new LocalStateError('StateUnreadable', `Cannot open the local state in ${dir}: ${(err as Error).message}. Fix: start with --fresh (LocalAppOptions.fresh) to discard it.`, { cause: err });
    }
    return new StateStore(db);
  }

  /** Changes not yet in a batch: the latest value per key, `undefined` to delete. */
  private pending = new Map<string, unknown>();
  /** The batch that will write {@link pending}, once the one being written is done. */
  private next?: Batch;
  /** The batch being written. */
  private writing?: Batch;
  private closed = false;

  private constructor(private readonly db: ClassicLevel<string, string>) {}

  /** Every entry whose key starts with `prefix`, in key order. */
  async entries<T>(prefix: string): Promise<Array<[string, T]>> {
    const out: Array<[string, T]> = [];
    for await (const [key, value] of this.db.iterator({ gte: prefix, lt: `${prefix}\xff` })) out.push([key, JSON.parse(value) as T]);
    return out;
  }

  /** One value, or undefined. */
  async get<T>(key: string): Promise<T | undefined> {
    const value = await this.db.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /**
   * Puts a value in the next batch. It is serialized when the batch is written, so a record
   * changed several times before then is written once, as it is by then.
   */
  put(key: string, value: unknown): void {
    this.change(key, value);
  }

  /** Deletes a key in the next batch. */
  del(key: string): void {
    this.change(key, undefined);
  }

  /** Resolves once every change made before this call is written; rejects if that write failed. */
  flushed(): Promise<void> {
    return (this.next ?? this.writing)?.promise ?? Promise.resolve();
  }

  /** Deletes every entry (what is pending included). */
  async clear(): Promise<void> {
    await this.flushed().catch(() => undefined);
    this.pending.clear();
    await this.db.clear();
  }

  /** Writes what is pending and closes LevelDB. Changes made after this are not kept. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushed().catch(() => undefined);
    this.closed = true;
    await this.db.close();
  }

  private change(key: string, value: unknown): void {
    // Only a stopped app changes state after close: what it changes then is not kept.
    if (this.closed) return;
    this.pending.set(key, value);
    if (this.next) return;
    this.next = batch();
    // One batch per turn of the event loop: everything a burst of requests changed goes together.
    setImmediate(() => this.write());
  }

  private write(): void {
    // One batch at a time, so batches land in the order their changes were made; the batch
    // being written starts the next one when it is done.
    if (this.writing || !this.next) return;
    const current = (this.writing = this.next);
    this.next = undefined;
    const ops = [...this.pending].map(([key, value]) => (value === undefined ? { type: 'del' as const, key } : { type: 'put' as const, key, value: JSON.stringify(value) }));
    this.pending = new Map();
    this.db.batch(ops).then(current.resolve, current.reject).finally(() => {
      this.writing = undefined;
      this.write();
    });
  }
}
