/**
 * The instance pool of one function: warm reuse, cold starts up to the concurrency limit,
 * throttling of synchronous calls over it, and a FIFO wait for asynchronous ones.
 */
import { HostStoppedError, ThrottledError } from './errors';
import { FunctionInstance, type InstanceLog, type InstanceOutcome } from './instance';
import type { InstanceInit, LambdaErrorPayload } from './protocol';

/** How a call waits when every instance is busy and the pool is full. */
export type OverflowMode = 'throttle' | 'wait';

/** What a pool needs to start instances. */
export interface PoolOptions {
  readonly init: InstanceInit;
  readonly env: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly heapMb?: number;
  readonly onLog: (log: InstanceLog) => void;
}

/** The result of running one invocation through the pool. */
export interface PoolOutcome {
  readonly outcome: InstanceOutcome;
  /** True when a new instance was started for this call. */
  readonly cold: boolean;
}

/** Instances of one function. */
export class FunctionPool {
  private readonly idle: FunctionInstance[] = [];
  private readonly all = new Set<FunctionInstance>();
  private readonly waiters: Array<{ resolve: (i: { instance: FunctionInstance; cold: boolean }) => void; reject: (e: Error) => void }> = [];
  private readonly retired = new WeakSet<FunctionInstance>();
  private stopped = false;

  constructor(private options: PoolOptions) {}

  /** Instances alive now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  /** Runs one invocation on a warm instance, or a cold one. */
  async run(requestId: string, payload: string, overflow: OverflowMode, clientContext?: string): Promise<PoolOutcome> {
    const { instance, cold } = await this.acquire(overflow);
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
  }

  /** Replaces the code: idle instances stop now, busy ones when their call ends; new calls start fresh. */
  replace(options: PoolOptions): void {
    this.options = options;
    for (const i of this.idle.splice(0)) this.discard(i);
    // Busy instances run the old code to the end of their call, then are discarded.
    for (const i of this.all) this.retired.add(i);
  }

  /** Stops every instance and fails waiting calls. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters.splice(0)) w.reject(new HostStoppedError());
    const all = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(all.map((i) => i.terminate()));
  }

  private acquire(overflow: OverflowMode): Promise<{ instance: FunctionInstance; cold: boolean }> {
    if (this.stopped) return Promise.reject(new HostStoppedError());
    const warm = this.idle.pop();
    if (warm) return Promise.resolve({ instance: warm, cold: false });
    if (this.all.size < this.options.concurrency) return Promise.resolve({ instance: this.start(), cold: true });
    if (overflow === 'throttle') return Promise.reject(new ThrottledError(this.options.init.functionName, this.options.concurrency));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(instance: FunctionInstance): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ instance, cold: false });
    else this.idle.push(instance);
  }

  private discard(instance: FunctionInstance): void {
    this.all.delete(instance);
    void instance.terminate();
    // A slot freed: a waiting call gets a fresh instance.
    if (!this.stopped && this.waiters.length && this.all.size < this.options.concurrency) {
      this.waiters.shift()!.resolve({ instance: this.start(), cold: true });
    }
  }

  private start(): FunctionInstance {
    const instance = new FunctionInstance({ init: this.options.init, env: this.options.env, heapMb: this.options.heapMb, onLog: this.options.onLog });
    this.all.add(instance);
    return instance;
  }
}
