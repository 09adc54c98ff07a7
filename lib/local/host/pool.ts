/**
 * The instance pool of one function. Two limits apply, as in AWS plus one for this machine:
 *
 * - concurrency, which AWS enforces: the function's reserved concurrency, or for a function
 *   without it the account's (when one is configured). Over it, a synchronous call is throttled
 *   (429) and an asynchronous one waits, as Lambda's internal queue does;
 * - the host's instance cap, which AWS does not have: over it a call waits for an instance
 *   (a warm one of this function, or a slot given up by another function's idle instance).
 *
 * Warm instances are reused, most recently used first; a crashed one leaves the pool when it
 * dies, so it is never handed a call.
 */
import type { HostCapacity, CapacityClient } from './capacity';
import { HostStoppedError, ThrottledError } from './errors';
import { FunctionInstance, type InstanceLog, type InstanceOutcome } from './instance';
import type { MemoryWatch } from './memory-watch';
import type { InstanceInit, LambdaErrorPayload, StreamMessage } from './protocol';

/** How a call waits when the function is at its concurrency: `throttle` (synchronous callers, 429) or `wait` (asynchronous ones). */
export type OverflowMode = 'throttle' | 'wait';

/** What a pool needs to start instances. */
export interface PoolOptions {
  readonly init: InstanceInit;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** The function's reserved concurrency; undefined: it shares the account's. */
  readonly reservedConcurrency?: number;
  /** The node binary for the function's runtime. @default process.execPath */
  readonly nodeBinary?: string;
  readonly capacity: HostCapacity;
  readonly memory: MemoryWatch;
  readonly onLog: (log: InstanceLog) => void;
  /** Part of a streaming handler's response. */
  readonly onStream?: (msg: StreamMessage) => void;
}

/** The result of running one invocation through the pool. */
export interface PoolOutcome {
  readonly outcome: InstanceOutcome;
  /** True when a new instance was started for this call. */
  readonly cold: boolean;
}

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (err: Error) => void;
}

type Acquired = { instance: FunctionInstance; cold: boolean };

/** Instances of one function. */
export class FunctionPool implements CapacityClient {
  private readonly idle: Array<{ instance: FunctionInstance; at: number }> = [];
  private readonly all = new Set<FunctionInstance>();
  private readonly instanceWaiters: Array<Waiter<Acquired>> = [];
  private readonly admissionWaiters: Array<Waiter<void>> = [];
  private readonly retired = new WeakSet<FunctionInstance>();
  /** Instances started ahead of calls (see {@link prewarm}) that are still initializing. */
  private readonly warming = new Set<FunctionInstance>();
  private slotRequests = 0;
  private reservedInFlight = 0;
  private stopped = false;

  constructor(private options: PoolOptions) {
    options.capacity.register(this);
  }

  /** Instances alive now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  /** Runs one invocation on a warm instance, or a cold one. Rejects with ThrottledError or HostStoppedError. */
  async run(requestId: string, payload: string, overflow: OverflowMode, clientContext?: string): Promise<PoolOutcome> {
    await this.admit(overflow);
    try {
      const { instance, cold } = await this.acquire();
      try {
        await instance.ready;
      } catch (initError) {
        this.discard(instance);
        return { cold, outcome: { ok: false, error: initError as LambdaErrorPayload, instanceDied: true } };
      }
      const outcome = await instance.invoke(requestId, payload, this.options.timeoutMs, clientContext);
      if (instance.alive && !this.retired.has(instance)) this.release(instance);
      else this.discard(instance);
      return { outcome, cold };
    } finally {
      this.finish();
    }
  }

  /**
   * Replaces the code: idle instances stop now, busy ones when their call ends; new calls start
   * fresh. With `prewarm`, a function that had instances gets one of the new code started at
   * once (when a slot is free), as Lambda initializes environments ahead of invocations: the
   * first call after a hot reload then finds it ready.
   */
  replace(options: PoolOptions, prewarm = false): void {
    const hadInstances = this.all.size > 0;
    this.options = options;
    for (const { instance } of [...this.idle]) this.discard(instance);
    // Busy instances run the old code to the end of their call, then are discarded.
    for (const i of this.all) this.retired.add(i);
    if (prewarm && hadInstances) this.prewarm();
  }

  /** Stops every instance and fails waiting calls. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of [...this.admissionWaiters.splice(0), ...this.instanceWaiters.splice(0)]) w.reject(new HostStoppedError());
    const all = [...this.all];
    this.idle.length = 0;
    await Promise.all(all.map((i) => i.terminate()));
  }

  /** @internal CapacityClient */
  oldestIdleAt(): number | undefined {
    return this.idle[0]?.at;
  }

  /** @internal CapacityClient */
  evictOldestIdle(): void {
    const oldest = this.idle[0];
    if (oldest) this.discard(oldest.instance);
  }

  private admit(overflow: OverflowMode): Promise<void> {
    if (this.stopped) return Promise.reject(new HostStoppedError());
    const reserved = this.options.reservedConcurrency;
    const { capacity, init } = this.options;
    if (reserved !== undefined) {
      if (this.reservedInFlight < reserved) {
        this.reservedInFlight += 1;
        return Promise.resolve();
      }
      if (overflow === 'throttle') return Promise.reject(new ThrottledError(init.functionName, reserved, 'ReservedFunctionConcurrentInvocationLimitExceeded'));
      return new Promise((resolve, reject) => this.admissionWaiters.push({ resolve, reject }));
    }
    if (overflow === 'wait') return capacity.waitAdmitUnreserved();
    if (capacity.tryAdmitUnreserved()) return Promise.resolve();
    return Promise.reject(new ThrottledError(init.functionName, capacity.unreservedConcurrency ?? 0, 'ConcurrentInvocationLimitExceeded'));
  }

  private finish(): void {
    if (this.options.reservedConcurrency === undefined) return this.options.capacity.finishUnreserved();
    const next = this.admissionWaiters.shift();
    // The concurrency passes straight to a waiting call.
    if (next) next.resolve();
    else this.reservedInFlight -= 1;
  }

  private acquire(): Promise<Acquired> {
    for (let warm = this.idle.pop(); warm; warm = this.idle.pop()) {
      if (warm.instance.alive) return Promise.resolve({ instance: warm.instance, cold: false });
    }
    return new Promise((resolve, reject) => {
      this.instanceWaiters.push({ resolve, reject });
      this.requestSlots();
    });
  }

  /** Asks for as many new instances as waiting calls that no instance being started will serve. */
  private requestSlots(): void {
    while (!this.stopped && this.slotRequests + this.warming.size < this.instanceWaiters.length) this.requestSlot();
  }

  /** Starts an instance ahead of calls, in a slot free now; once initialized it serves a waiting call or idles. */
  private prewarm(): void {
    if (this.stopped || !this.options.capacity.tryAcquireSlot()) return;
    const instance = this.start();
    this.warming.add(instance);
    instance.ready.then(
      () => {
        this.warming.delete(instance);
        if (instance.alive && !this.retired.has(instance) && !this.stopped) this.release(instance);
        else this.discard(instance);
      },
      (error: LambdaErrorPayload) => {
        this.warming.delete(instance);
        const replaced = this.stopped || this.retired.has(instance);
        this.discard(instance);
        if (replaced) return;
        // No call is waiting for this init: say now what the next call will be told.
        this.options.onLog({ level: 'ERROR', text: `Init error of the new code: ${error.errorType}: ${error.errorMessage}` });
        this.requestSlots();
      },
    );
  }

  private requestSlot(): void {
    this.slotRequests += 1;
    void this.options.capacity.acquireSlot().then(() => {
      this.slotRequests -= 1;
      const waiter = this.instanceWaiters.shift();
      // Served meanwhile by an instance that came free, or stopped: the slot goes back.
      if (!waiter || this.stopped) {
        this.options.capacity.releaseSlot();
        waiter?.reject(new HostStoppedError());
        return;
      }
      waiter.resolve({ instance: this.start(), cold: true });
    });
  }

  private release(instance: FunctionInstance): void {
    const waiter = this.instanceWaiters.shift();
    if (waiter) return waiter.resolve({ instance, cold: false });
    // Another function waits for a slot: this idle instance gives its slot up.
    if (this.options.capacity.slotsWanted) return this.discard(instance);
    this.idle.push({ instance, at: performance.now() });
  }

  /** Removes an instance (ended, crashed, retired or reclaimed) and gives its slot back. Idempotent. */
  private discard(instance: FunctionInstance): void {
    if (!this.all.delete(instance)) return;
    const i = this.idle.findIndex((e) => e.instance === instance);
    if (i >= 0) this.idle.splice(i, 1);
    this.options.memory.remove(instance);
    void instance.terminate();
    this.options.capacity.releaseSlot();
  }

  private start(): FunctionInstance {
    const { init, env, nodeBinary, onLog, onStream, memory } = this.options;
    // A crash while idle (a timer throwing after the handler returned) removes it at once.
    const instance = new FunctionInstance({ init, env, nodeBinary, onLog, onStream, onExit: (dead) => this.discard(dead) });
    this.all.add(instance);
    memory.add(instance, init.memoryMb);
    return instance;
  }
}
