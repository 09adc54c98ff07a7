/**
 * What the functions of one host share: the account's concurrency (AWS throttles there, when a
 * limit is configured) and this machine's capacity for instances (a local cap, which queues
 * calls and never throttles them: AWS would have run them).
 */
import * as os from 'node:os';

/** A pool's side of the instance cap: its idle instances can be reclaimed for other functions. */
export interface CapacityClient {
  /** Instances of the function alive now (busy or idle). */
  readonly size: number;
  /** When its least recently used idle instance was last used (undefined: none idle). */
  oldestIdleAt(): number | undefined;
  /** Stops that instance; its slot comes back through {@link HostCapacity.releaseSlot}. */
  evictOldestIdle(): void;
}

/** Options for {@link HostCapacity}. */
export interface HostCapacityOptions {
  /** Instances alive at once across the host. @default {@link defaultMaxInstances} for no functions */
  readonly maxInstances?: number;
  /** The account's concurrent executions; unset: none (no account-level throttling). */
  readonly accountConcurrency?: number;
  /** Sum of the functions' reserved concurrency, which the account limit sets aside. */
  readonly reservedTotal?: number;
}

/**
 * The default cap: four instances per core, or one per function when the app has more, and no
 * more than half of the machine's memory at 256 MB each; at least two. Instances are
 * processes; past the cores they only add memory. But below one per function, functions in use
 * at once take each other's instances in turn, a cold start each time (a flood through ten
 * functions on two cores spent most of its CPU starting instances).
 */
export function defaultMaxInstances(functionCount = 0): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const byMemory = Math.floor(os.totalmem() / 2 / (256 * 1024 * 1024));
  return Math.max(2, Math.min(Math.max(cores * 4, functionCount), byMemory));
}

/** Instance slots and account concurrency, shared by the pools of a host. */
export class HostCapacity {
  /** The local instance cap. */
  readonly maxInstances: number;
  /** Concurrency available to functions without reserved concurrency; undefined: unlimited. */
  readonly unreservedConcurrency?: number;
  private live = 0;
  private unreservedInFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly admissionWaiters: Array<() => void> = [];
  private readonly clients = new Set<CapacityClient>();

  constructor(readonly options: HostCapacityOptions = {}) {
    this.maxInstances = options.maxInstances ?? defaultMaxInstances();
    this.unreservedConcurrency = options.accountConcurrency === undefined ? undefined : Math.max(0, options.accountConcurrency - (options.reservedTotal ?? 0));
  }

  /** Instances holding a slot now. */
  get liveInstances(): number {
    return this.live;
  }

  /** True when a new instance could start now, without waiting or reclaiming another's. */
  get hasFreeSlot(): boolean {
    return this.live < this.maxInstances && this.slotWaiters.length === 0;
  }

  /** True when calls are waiting for an instance slot (an idle instance should give its slot up). */
  get slotsWanted(): boolean {
    return this.slotWaiters.length > 0;
  }

  /** Registers a pool whose idle instances may be reclaimed. */
  register(client: CapacityClient): void {
    this.clients.add(client);
  }

  /** Resolves when a slot for a new instance is held: at once under the cap, else after an idle instance is reclaimed or a busy one ends. */
  acquireSlot(): Promise<void> {
    return new Promise((resolve) => this.requestSlot(resolve));
  }

  /**
   * Calls `onSlot` once a slot for a new instance is held (see {@link acquireSlot}); returns a
   * function that withdraws the request while it still waits (true when it did).
   */
  requestSlot(onSlot: () => void): () => boolean {
    this.slotWaiters.push(onSlot);
    this.pumpSlots();
    return () => {
      const i = this.slotWaiters.indexOf(onSlot);
      if (i >= 0) this.slotWaiters.splice(i, 1);
      return i >= 0;
    };
  }

  /** Takes a slot only when one is free now and no call waits for one (an instance started ahead of calls). */
  tryAcquireSlot(): boolean {
    if (this.live >= this.maxInstances || this.slotWaiters.length > 0) return false;
    this.live += 1;
    return true;
  }

  /** Gives a slot back (an instance ended, or a slot was not needed after all). */
  releaseSlot(): void {
    this.live -= 1;
    this.pumpSlots();
  }

  /** Admits a call of a function without reserved concurrency; false when the account is at its limit. */
  tryAdmitUnreserved(): boolean {
    if (this.unreservedConcurrency !== undefined && this.unreservedInFlight >= this.unreservedConcurrency) return false;
    this.unreservedInFlight += 1;
    return true;
  }

  /** Waits for account concurrency (asynchronous calls, which AWS queues rather than throttles). */
  waitAdmitUnreserved(): Promise<void> {
    if (this.tryAdmitUnreserved()) return Promise.resolve();
    return new Promise((resolve) => this.admissionWaiters.push(resolve));
  }

  /** Ends an admitted call of a function without reserved concurrency. */
  finishUnreserved(): void {
    const next = this.admissionWaiters.shift();
    // The slot passes straight to a waiting call.
    if (next) next();
    else this.unreservedInFlight -= 1;
  }

  private pumpSlots(): void {
    while (this.slotWaiters.length && this.live < this.maxInstances) {
      this.live += 1;
      this.slotWaiters.shift()!();
    }
    if (this.slotWaiters.length) this.reclaimIdle();
  }

  /** An instance went idle: if a call waits for a slot, an idle instance may now give its own up. */
  idleAvailable(): void {
    if (this.slotWaiters.length) this.reclaimIdle();
  }

  /**
   * Stops an idle instance, freeing its slot for a waiting call: one of the function with the
   * most instances (a function down to one would start cold at its next call, and take another
   * function's instance for it, round and round), its least recently used.
   */
  private reclaimIdle(): void {
    let chosen: { client: CapacityClient; at: number; size: number } | undefined;
    for (const client of this.clients) {
      const at = client.oldestIdleAt();
      if (at === undefined) continue;
      const size = client.size;
      if (!chosen || size > chosen.size || (size === chosen.size && at < chosen.at)) chosen = { client, at, size };
    }
    chosen?.client.evictOldestIdle();
  }
}
