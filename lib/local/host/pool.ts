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
 *
 * When calls wait for an instance (every instance busy, none can be started), an instance that
 * comes free takes its share of them at once, up to {@link PIPELINE_DEPTH}: they go to its
 * process in one write and run there one after another, as they would have one by one. It
 * takes more only when its queue is down to the call running, so it never waits idle between
 * batches. A call queued behind one that crashes or times out never started; it runs on
 * another instance.
 */
import * as path from 'node:path';
import type { HostCapacity, CapacityClient } from './capacity';
import { HostStoppedError, ThrottledError } from './errors';
import { FunctionInstance, SpareProcess, type InstanceLog, type InstanceOutcome } from './instance';
import type { MemoryWatch } from './memory-watch';
import { NextProcess, type SparePreload } from './next-process';
import type { InstanceInit, LambdaErrorPayload, StreamMessage } from './protocol';

export type { SparePreload } from './next-process';

/**
 * Calls an instance holds at most (the one running and those queued behind it). A write to an
 * instance's process, which wakes it, costs far more than the call it carries (~0.2 ms of the
 * host's CPU on a busy 2-core VM: bench/local-events measured 110, 85 and 65 us of host CPU
 * per delivery at depths 8, 16 and 32). An instance takes no more than its share of the
 * waiting calls, so a call is queued behind a slow one only when every instance has a queue.
 */
export const PIPELINE_DEPTH = 32;

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
  /** The Python interpreter, for a Python function (its instances run bootstrap.py). @default Node.js instances */
  readonly python?: string;
  readonly capacity: HostCapacity;
  readonly memory: MemoryWatch;
  readonly onLog: (log: InstanceLog) => void;
  /** Part of a streaming handler's response. */
  readonly onStream?: (msg: StreamMessage) => void;
  /**
   * Instances of this function alive at once, old code's included (`dev --inspect` sets 1: every
   * call runs in the one process the debugger is attached to, in order). Calls over it wait.
   * @default no bound but the host's
   */
  readonly maxInstances?: number;
  /**
   * Keep an instance started, as provisioned concurrency does: one is started by
   * {@link FunctionPool.warm}, and again after one that served calls ends (a timeout, a crash,
   * new code), so that a debugger is attached before the next call arrives. An instance that
   * fails its init is not restarted until a call asks for one.
   * @default false
   */
  readonly keepWarm?: boolean;
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
  /** Calls each live instance holds: running, queued in its process, or handed to it and about to be. */
  private readonly held = new Map<FunctionInstance, number>();
  /** A process started while new code builds (see {@link prepare}), or kept for the next build (see {@link standby}). */
  private readonly next = new NextProcess((preload) => this.spawnSpare(preload));
  /** Instances started ahead of calls (see {@link prewarm}) that are still initializing. */
  private readonly warming = new Set<FunctionInstance>();
  /** This pool's requests for instance slots that wait (at the host's cap). */
  private readonly slotRequests: Array<{ withdraw: () => boolean }> = [];
  private reservedInFlight = 0;
  private stopped = false;

  constructor(private options: PoolOptions) {
    options.capacity.register(this);
  }

  /** Instances alive now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  /** Instances alive and idle now (warm, waiting for a call). */
  get idleCount(): number {
    return this.idle.length;
  }

  /** The instance a debugger attaches to: the newest one that opened an inspector and is alive. */
  get inspectable(): FunctionInstance | undefined {
    return [...this.all].reverse().find((i) => i.alive && i.inspectorUrl !== undefined);
  }

  /** Starts an instance now when the function has none (see `keepWarm`). */
  warm(): void {
    if (this.all.size === 0 && this.slotRequests.length === 0) this.prewarm();
  }

  /** Runs one invocation on a warm instance, or a cold one. Rejects with ThrottledError or HostStoppedError. */
  async run(requestId: string, payload: string, overflow: OverflowMode, clientContext?: string): Promise<PoolOutcome> {
    // Awaited only when there is something to wait for: a flood runs thousands of calls through
    // here, and each await of a settled promise is one more turn and one more promise.
    const admitted = this.admit(overflow);
    if (admitted) await admitted;
    try {
      for (;;) {
        const { instance, cold } = await this.acquire();
        try {
          if (!instance.initialized) await instance.ready;
        } catch (initError) {
          this.discard(instance);
          return { cold, outcome: { ok: false, error: initError as LambdaErrorPayload, instanceDied: true } };
        }
        const outcome = await instance.invoke(requestId, payload, clientContext);
        this.callEnded(instance);
        // Queued behind a call that ended its instance: it never ran, so it runs elsewhere
        // (unless the host is stopping, which ends every call).
        if (!outcome.ok && outcome.notStarted && !this.stopped) continue;
        return { outcome, cold };
      }
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
  replace(options: PoolOptions, prewarm = false, dependencies?: string): void {
    const hadInstances = this.all.size > 0;
    this.options = options;
    this.next.expect(dependencies);
    for (const { instance } of [...this.idle]) this.discard(instance);
    // Busy instances run the old code to the end of the calls they hold, then are discarded.
    for (const i of this.all) this.retired.add(i);
    if ((prewarm && hadInstances) || options.keepWarm) this.prewarm();
    this.next.drop();
    // No instance to wait for (none was started): the next spare starts now.
    if (this.warming.size === 0) this.next.refill();
  }

  /**
   * Keeps a spare process started for this function's next code, with `preload` loaded, so
   * that the next {@link prepare} finds one ready: hot reload keeps the functions being edited
   * on standby, and an edit then costs its build and the new code's init, not node's start-up
   * and the SDK's loading, which would also compete with the build for the CPU. The spare
   * starts once the instance of the current code is initialized (the reload it would slow
   * down is over) and lives until the next code takes it, or 10 minutes without one (see
   * next-process.ts). `undefined` ends the standby and its spare.
   */
  standby(preload: SparePreload | undefined): void {
    this.next.standby(preload);
    if (preload && this.warming.size === 0) this.next.refill();
  }

  /**
   * New code for this function is being built: when it has instances (it is in use), start the
   * process of the next one now, so that node's start-up overlaps the build, and with it the
   * loading of `preload` (a module importing the packages the code loads from outside its
   * bundle, see TaskRoots.preloadModule). `replace` with `prewarm` gives it the code. Not for
   * functions with NODE_OPTIONS, which node reads at start relative to the working directory,
   * not known until the code is staged.
   */
  prepare(preload: SparePreload = {}): void {
    this.next.prepare(preload);
  }

  /** Stops every instance and fails waiting calls. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.next.stop();
    for (const request of this.slotRequests.splice(0)) request.withdraw();
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

  /** Admits a call now (undefined), or the promise of its admission; throws or rejects when it is refused. */
  private admit(overflow: OverflowMode): Promise<void> | undefined {
    if (this.stopped) throw new HostStoppedError();
    const reserved = this.options.reservedConcurrency;
    const { capacity, init } = this.options;
    if (reserved !== undefined) {
      if (this.reservedInFlight < reserved) {
        this.reservedInFlight += 1;
        return undefined;
      }
      if (overflow === 'throttle') throw new ThrottledError(init.functionName, reserved, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      return new Promise((resolve, reject) => this.admissionWaiters.push({ resolve, reject }));
    }
    if (capacity.tryAdmitUnreserved()) return undefined;
    if (overflow === 'wait') return capacity.waitAdmitUnreserved();
    throw new ThrottledError(init.functionName, capacity.unreservedConcurrency ?? 0, 'ConcurrentInvocationLimitExceeded');
  }

  private finish(): void {
    if (this.options.reservedConcurrency === undefined) return this.options.capacity.finishUnreserved();
    const next = this.admissionWaiters.shift();
    // The concurrency passes straight to a waiting call.
    if (next) next.resolve();
    else this.reservedInFlight -= 1;
  }

  private acquire(): Promise<Acquired> {
    if (this.stopped) return Promise.reject(new HostStoppedError());
    for (let warm = this.idle.pop(); warm; warm = this.idle.pop()) {
      if (!warm.instance.alive) continue;
      this.held.set(warm.instance, 1);
      return Promise.resolve({ instance: warm.instance, cold: false });
    }
    return new Promise((resolve, reject) => {
      this.instanceWaiters.push({ resolve, reject });
      this.requestSlots();
    });
  }

  /**
   * Asks for as many new instances as waiting calls that no instance being started will serve,
   * while slots are free (scaling out, as Lambda does). At the host's cap, a function that has
   * instances leaves its calls waiting for them rather than taking another function's idle
   * instance: handing instances back and forth costs a cold start each time.
   */
  private requestSlots(): void {
    const { capacity } = this.options;
    while (!this.stopped && this.slotRequests.length + this.warming.size < this.instanceWaiters.length) {
      if (this.atInstanceLimit) return;
      if (!capacity.hasFreeSlot && this.all.size + this.slotRequests.length > 0) return;
      this.requestSlot();
    }
  }

  /** Starts an instance ahead of calls, in a slot free now; once initialized it serves a waiting call or idles. */
  private prewarm(): void {
    if (this.stopped || this.atInstanceLimit || !this.options.capacity.tryAcquireSlot()) return;
    const instance = this.start(this.next.take());
    this.warming.add(instance);
    instance.ready.then(
      () => {
        this.warming.delete(instance);
        if (instance.alive && !this.retired.has(instance) && !this.stopped) this.release(instance);
        else this.discard(instance);
        if (this.warming.size === 0) this.next.refill();
      },
      (error: LambdaErrorPayload) => {
        this.warming.delete(instance);
        const replaced = this.stopped || this.retired.has(instance);
        this.discard(instance);
        if (this.warming.size === 0) this.next.refill();
        if (replaced) return;
        // No call is waiting for this init: say now what the next call will be told.
        this.options.onLog({ level: 'ERROR', text: `Init error of the new code: ${error.errorType}: ${error.errorMessage}` });
        this.requestSlots();
      },
    );
  }

  private requestSlot(): void {
    const request = { withdraw: (): boolean => false };
    this.slotRequests.push(request);
    request.withdraw = this.options.capacity.requestSlot(() => {
      this.slotRequests.splice(this.slotRequests.indexOf(request), 1);
      const waiter = this.instanceWaiters.shift();
      // Served meanwhile by an instance that came free, or stopped: the slot goes back.
      if (!waiter || this.stopped) {
        this.options.capacity.releaseSlot();
        waiter?.reject(new HostStoppedError());
        return;
      }
      const instance = this.start();
      this.held.set(instance, 1);
      waiter.resolve({ instance, cold: true });
    });
  }

  /**
   * Withdraws requests for instances no waiting call needs any more (served by instances that
   * came free): a request left waiting would take the slot of some function's idle instance
   * later, for nothing, and that function would start cold the next time.
   */
  private withdrawSlotRequests(): void {
    while (this.slotRequests.length > Math.max(0, this.instanceWaiters.length - this.warming.size)) {
      if (!this.slotRequests[this.slotRequests.length - 1].withdraw()) return;
      this.slotRequests.pop();
    }
  }

  /** A call on `instance` has ended: it takes more calls, idles, or (ended, retired) leaves. */
  private callEnded(instance: FunctionInstance): void {
    // Already discarded (it died, or the pool stopped): nothing to count.
    if (!this.all.has(instance)) return;
    const held = (this.held.get(instance) ?? 1) - 1;
    this.held.set(instance, held);
    if (!instance.alive) this.discard(instance);
    else if (this.retired.has(instance)) {
      if (held === 0) this.discard(instance);
    } else if (held <= 1) this.release(instance);
  }

  /**
   * An instance can take calls: waiting calls go to it, its share of them (those waiting and
   * those it holds, split over the function's instances) up to what it may hold; with none, it
   * idles (or gives its slot to another function that waits for one).
   */
  private release(instance: FunctionInstance): void {
    let held = this.held.get(instance) ?? 0;
    this.withdrawSlotRequests();
    // A function without an instance waits for a slot: one that has others gives this one up
    // (once its last call ends) rather than keep it busy, so that instances do not pass from
    // function to function, a cold start each time.
    if (this.options.capacity.slotsWanted && this.all.size > 1) {
      if (held === 0) this.discard(instance);
      return;
    }
    const share = Math.ceil((this.instanceWaiters.length + held) / Math.max(1, this.all.size));
    const take = Math.min(PIPELINE_DEPTH, Math.max(1, share));
    for (let waiter = held < take ? this.instanceWaiters.shift() : undefined; waiter; waiter = held < take ? this.instanceWaiters.shift() : undefined) {
      held += 1;
      waiter.resolve({ instance, cold: false });
    }
    this.held.set(instance, held);
    this.withdrawSlotRequests();
    if (held > 0) return;
    this.idle.push({ instance, at: performance.now() });
    // Another function waits for a slot: the host takes one from the function with the most instances.
    this.options.capacity.idleAvailable();
  }

  /** Removes an instance (ended, crashed, retired or reclaimed) and gives its slot back. Idempotent. */
  private discard(instance: FunctionInstance): void {
    if (!this.all.delete(instance)) return;
    this.held.delete(instance);
    const i = this.idle.findIndex((e) => e.instance === instance);
    if (i >= 0) this.idle.splice(i, 1);
    this.options.memory.remove(instance);
    void instance.terminate();
    this.options.capacity.releaseSlot();
    // Calls that were waiting for this instance (retired, or it died) may need a new one.
    this.requestSlots();
    // One that served calls is replaced at once; one that failed its init would only fail again.
    if (this.options.keepWarm && instance.initialized && instance.lastRequestId !== undefined) this.warm();
  }

  /** True when the function has as many instances (or requests for one) as `maxInstances` allows. */
  private get atInstanceLimit(): boolean {
    const max = this.options.maxInstances;
    return max !== undefined && this.all.size + this.slotRequests.length >= max;
  }

  /**
   * A spare process for the function's next code, loading `preload`; none when the pool is
   * stopped or unused (no instance: nobody is calling it), or when the function has
   * NODE_OPTIONS (see {@link prepare}).
   */
  private spawnSpare(preload: string | undefined): SpareProcess | undefined {
    if (this.stopped || this.all.size === 0 || this.options.env.NODE_OPTIONS !== undefined) return undefined;
    const { env, nodeBinary, python, init } = this.options;
    return new SpareProcess({ env, nodeBinary, python, memoryMb: init.memoryMb, cwd: path.dirname(init.codeDir), inspect: init.inspect, preload });
  }

  private start(spare?: SpareProcess): FunctionInstance {
    const { init, env, nodeBinary, python, onLog, onStream, memory } = this.options;
    // A crash while idle (a timer throwing after the handler returned) removes it at once.
    const instance = new FunctionInstance({ init, env, timeoutMs: this.options.timeoutMs, nodeBinary, python, onLog, onStream, spare, onExit: (dead) => this.discard(dead) });
    this.all.add(instance);
    memory.add(instance, init.memoryMb);
    return instance;
  }
}
