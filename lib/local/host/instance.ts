/**
 * One function instance: a worker thread that loads the handler once and then runs one
 * invocation at a time, like a Lambda execution environment.
 *
 * Why worker threads rather than child processes: each worker gets its own `process.env`
 * (the `env` option), its own module graph and globals, and `process.exit` in it ends only
 * that worker; starting one costs a few milliseconds against tens for a process, and messages
 * are structured-cloned in memory instead of serialized over a pipe. What a worker does not
 * isolate (shared process cwd, native addons that are not context-aware) is documented.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InstanceInit, InstanceMessage, LambdaErrorPayload } from './protocol';

const WORKER_FILE = path.join(__dirname, 'worker.mjs');

/** Node flags of the host process that instances keep. */
const INHERITED_FLAGS = ['--enable-source-maps', '--stack-trace-limit', '--no-warnings', '--max-old-space-size'];

/** The outcome of one invocation on an instance. */
export type InstanceOutcome =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload; readonly instanceDied: boolean };

/** A log line from an instance. */
export interface InstanceLog {
  readonly requestId?: string;
  readonly level: string;
  readonly text: string;
}

/** Options for {@link FunctionInstance}. */
export interface FunctionInstanceOptions {
  readonly init: InstanceInit;
  readonly env: Readonly<Record<string, string>>;
  /** V8 old-generation limit, from the function's memory size. */
  readonly heapMb?: number;
  readonly onLog: (log: InstanceLog) => void;
}

/** A worker-thread Lambda execution environment. */
export class FunctionInstance {
  /** False once the worker has exited, crashed or been terminated. */
  alive = true;
  /** Resolves when the handler is loaded; rejects with the init error payload. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private pending?: { requestId: string; resolve: (o: InstanceOutcome) => void; timer?: NodeJS.Timeout };
  private initError?: LambdaErrorPayload;
  /** The last request run here: stream output can arrive just after its result. */
  private lastRequestId?: string;

  constructor(private readonly options: FunctionInstanceOptions) {
    this.worker = new Worker(WORKER_FILE, {
      workerData: options.init,
      env: { ...options.env },
      // Not the host's loaders (`--import tsx`, jest's): a function runs on plain Node, as on Lambda.
      execArgv: process.execArgv.filter((a) => INHERITED_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))),
      resourceLimits: options.heapMb ? { maxOldGenerationSizeMb: options.heapMb } : undefined,
      // Output that bypasses console (process.stdout.write, loggers with their own Console)
      // becomes log lines of the invocation in flight, as CloudWatch would attribute it.
      stdout: true,
      stderr: true,
    });
    this.forwardLines(this.worker.stdout, 'INFO');
    this.forwardLines(this.worker.stderr, 'ERROR');
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (msg: InstanceMessage) => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'init-error') {
          this.initError = msg.error;
          reject(msg.error);
          void this.terminate();
        } else this.onMessage(msg);
      });
      this.worker.on('error', (err) => this.onDeath({ errorType: err.name || 'Error', errorMessage: err.message, trace: err.stack?.split('\n') }, reject));
      this.worker.on('exit', (code) => this.onDeath(this.exitError(code), reject));
    });
    // The pool awaits `ready`; an init failure must not also surface as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Runs one invocation; resolves with the outcome, never rejects. */
  invoke(requestId: string, payload: string, timeoutMs: number, clientContext?: string): Promise<InstanceOutcome> {
    if (!this.alive) return Promise.resolve({ ok: false, error: this.initError ?? this.exitError(1), instanceDied: true });
    return new Promise<InstanceOutcome>((resolve) => {
      const timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.settle({ ok: false, instanceDied: true, error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds` } });
        // Lambda resets the execution environment after a timeout; so do we.
        void this.terminate();
      }, timeoutMs);
      this.pending = { requestId, resolve, timer };
      this.lastRequestId = requestId;
      this.worker.postMessage({ type: 'invoke', requestId, payload, deadline: Date.now() + timeoutMs, clientContext });
    });
  }

  /** Stops the worker. Safe to call more than once. */
  async terminate(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }

  private forwardLines(stream: NodeJS.ReadableStream, level: string): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const text of lines) if (text) this.options.onLog({ requestId: this.pending?.requestId ?? this.lastRequestId, level, text });
    });
    stream.on('end', () => partial && this.options.onLog({ requestId: this.pending?.requestId ?? this.lastRequestId, level, text: partial }));
  }

  private onMessage(msg: InstanceMessage): void {
    switch (msg.type) {
      case 'log':
        this.options.onLog({ requestId: msg.requestId, level: msg.level, text: msg.text });
        return;
      case 'result':
        if (this.pending?.requestId === msg.requestId) this.settle({ ok: true, payload: msg.payload });
        return;
      case 'error':
        if (this.pending?.requestId === msg.requestId) this.settle({ ok: false, error: msg.error, instanceDied: false });
        return;
      case 'crash':
        this.settle({ ok: false, error: msg.error, instanceDied: true });
        return;
    }
  }

  private onDeath(error: LambdaErrorPayload, rejectReady: (e: LambdaErrorPayload) => void): void {
    this.alive = false;
    rejectReady(this.initError ?? error);
    this.settle({ ok: false, error, instanceDied: true });
  }

  private settle(outcome: InstanceOutcome): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    if (!outcome.ok && outcome.instanceDied) this.alive = false;
    p.resolve(outcome);
  }

  private exitError(code: number): LambdaErrorPayload {
    const requestId = this.pending?.requestId ?? '';
    return code === 0
      ? { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited without providing a reason` }
      : { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}` };
  }
}
