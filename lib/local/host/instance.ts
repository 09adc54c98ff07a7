/**
 * One function instance: a process that loads the handler once and then runs one invocation at
 * a time, like a Lambda execution environment. For a Node.js runtime it is node running
 * worker.mjs; for a Python runtime, python3 running bootstrap.py (see python-process.ts). Both
 * speak the messages of protocol.ts, and everything below (queueing, timeouts, memory, exits)
 * is the same for both.
 *
 * Why a process per instance rather than a worker thread: Lambda holds an environment to its
 * memory size, heap and Buffers alike, and a worker's `resourceLimits` bound only the V8 heap
 * (a 256 MB function could hold 2 GB of Buffers in the host's own process). A process has its
 * own RSS to measure and to kill, so an instance over its memory ends as Lambda's does
 * ("signal: killed") while the host stays healthy. It also gets what /var/task gives in Lambda
 * and a thread cannot: its own working directory, `NODE_OPTIONS` from the function's
 * environment, and any node binary (one per runtime). What it costs was measured
 * (bench/local-host): ~18 MB of private memory per instance with two SDK clients loaded (the
 * node binary's pages are shared), as much as a worker, and 15-40 ms more per cold start.
 *
 * Invocations can be queued on an instance (the pool does so when calls wait for one): the
 * process still runs them one at a time, in order, but several travel in one IPC write, so a
 * flood costs a few writes and wake-ups per batch rather than two per invocation. The clock of
 * an invocation starts when it reaches the head of the queue (the previous one's result is in),
 * and one timer per instance, re-armed, serves every invocation it runs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { InvocationClock } from './clock';
import type { InstanceInit, InstanceMessage, InvokeMessage, InvokeRequest, LambdaErrorPayload, ResumedMessage, StreamMessage } from './protocol';
import { startPythonProcess, type InstanceChannel, type RuntimeProcess } from './python-process';

const WORKER_FILE = path.join(__dirname, 'worker.mjs');

/** An invocation sent to the process and not answered yet. */
interface Pending {
  readonly requestId: string;
  readonly resolve: (outcome: InstanceOutcome) => void;
}

/** Node flags of the host process that instances keep. */
const INHERITED_FLAGS = ['--enable-source-maps', '--stack-trace-limit', '--no-warnings'];

/**
 * What node's inspector writes to stderr (its address, the help link, attach and detach
 * notices): the host says where to attach itself, and these are not the function's output.
 */
const INSPECTOR_NOTICE = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org\/|Debugger attached\.|Debugger ending on ws:|Waiting for the debugger to disconnect)/;

/**
 * The outcome of one invocation on an instance. `notStarted`: the instance died (a crash, a
 * timeout or a memory kill of the invocation before it in its queue) before this one began;
 * it never ran and can be run on another instance.
 */
export type InstanceOutcome =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload; readonly instanceDied: boolean; readonly notStarted?: boolean };

/** A log line from an instance. */
export interface InstanceLog {
  readonly requestId?: string;
  readonly level: string;
  readonly text: string;
  /** A process warning: shown once per function, however many instances emit it. */
  readonly once?: boolean;
}

/** How to start an instance's process. */
export interface WorkerProcessOptions {
  readonly env: Readonly<Record<string, string>>;
  /** The node binary that runs the instance. @default process.execPath */
  readonly nodeBinary?: string;
  /** The Python interpreter, for a Python function: the instance runs bootstrap.py on it. @default a Node.js instance */
  readonly python?: string;
  readonly memoryMb: number;
  /** The working directory: the task root (the worker moves to the one its init names). */
  readonly cwd: string;
  /** The instance will open an inspector (`dev --inspect`): stack traces follow source maps. @default false */
  readonly inspect?: boolean;
  /**
   * A module the process loads while no init has come (a spare's, see TaskRoots.preloadModule):
   * the packages the code it is started for will import from outside its bundle. Node.js only.
   * @default none
   */
  readonly preload?: string;
}

/**
 * A process started ahead of its instance, before its code is staged: hot reload starts one
 * while the new code builds, so that node's own start-up is not added to the reload. It holds
 * no code until an instance adopts it (the init message names the task root, which the worker
 * makes its working directory and LAMBDA_TASK_ROOT before loading the handler).
 */
export class SpareProcess {
  private process?: RuntimeProcess;

  constructor(options: WorkerProcessOptions) {
    const started = startProcess(options);
    this.process = started;
    // A spare that cannot start, or dies, is simply not used.
    started.child.on('error', () => undefined);
    started.child.once('exit', () => {
      if (this.process === started) this.process = undefined;
    });
  }

  /** The process, once, if it is still running. */
  take(): RuntimeProcess | undefined {
    const started = this.process;
    this.process = undefined;
    return started;
  }

  /** Ends the process if no instance took it. */
  dispose(): void {
    this.take()?.child.kill('SIGKILL');
  }
}

/** Options for {@link FunctionInstance}. */
export interface FunctionInstanceOptions {
  readonly init: InstanceInit;
  readonly env: Readonly<Record<string, string>>;
  /** The function's timeout, for every invocation run here. */
  readonly timeoutMs: number;
  /** The node binary that runs the instance. @default process.execPath */
  readonly nodeBinary?: string;
  /** The Python interpreter, for a Python function. @default a Node.js instance */
  readonly python?: string;
  readonly onLog: (log: InstanceLog) => void;
  /** Part of a streaming handler's response. */
  readonly onStream?: (msg: StreamMessage) => void;
  /** A process started for this instance ahead of time, used if it is still running. @default a new one */
  readonly spare?: SpareProcess;
  /** Called once when the process has ended, for whatever reason. */
  readonly onExit?: (instance: FunctionInstance) => void;
}

/** A process-backed Lambda execution environment. */
export class FunctionInstance {
  /** False once the process has exited, crashed or been terminated. */
  alive = true;
  /** Resolves when the handler is loaded; rejects with the init error payload. */
  readonly ready: Promise<void>;
  /** The last request run here: output after a handler returned belongs to it, as in Lambda. */
  lastRequestId?: string;
  /** The inspector's WebSocket URL, once the handler is loaded, when the init asked for one (`dev --inspect`). */
  inspectorUrl?: string;
  private readonly child: ChildProcess;
  /** Messages to and from the runtime in the process. */
  private readonly channel: InstanceChannel;
  /** Invocations sent and not answered, in order: the first is running. */
  private readonly queue: Pending[] = [];
  /** Invocations to send with the next write. */
  private outbox: InvokeRequest[] = [];
  /** Times the invocation at the head of the queue. */
  private readonly clock: InvocationClock;
  private initError?: LambdaErrorPayload;
  /** Set when the host ends the process itself (stop, timeout, reload): not a crash to report. */
  private terminating = false;
  private outOfMemory = false;
  private dead = false;
  private loaded = false;

  constructor(private readonly options: FunctionInstanceOptions) {
    const { init } = options;
    this.clock = new InvocationClock(options.timeoutMs, () => this.onTimeout());
    // A spare started for this code (while it was built) takes the code with its init message.
    const started = options.spare?.take() ?? startProcess({ env: options.env, nodeBinary: options.nodeBinary, python: options.python, memoryMb: init.memoryMb, cwd: init.codeDir, inspect: init.inspect });
    this.child = started.child;
    this.channel = started.channel;
    this.forwardLines(this.child.stdout!, 'INFO');
    this.forwardLines(this.child.stderr!, 'ERROR');
    this.ready = new Promise<void>((resolve, reject) => {
      this.channel.on('message', (msg: InstanceMessage) => {
        if (msg.type === 'ready') {
          this.loaded = true;
          this.inspectorUrl = msg.inspectorUrl;
          resolve();
        }
        else if (msg.type === 'init-error') {
          this.initError = msg.error;
          reject(msg.error);
          void this.terminate();
        } else this.onMessage(msg);
      });
      this.child.on('error', (err) => this.onDeath({ errorType: 'Runtime.ExitError', errorMessage: `Runtime failed to start: ${err.message}` }, reject));
      this.child.on('exit', (code, signal) => this.onExit(code, signal, reject));
    });
    // The pool awaits `ready`; an init failure must not also surface as an unhandled rejection.
    this.ready.catch(() => undefined);
    this.send({ type: 'init', init });
  }

  /** The process id (for memory sampling). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the handler loads (Lambda's init phase) or an invocation runs or waits here. */
  get busy(): boolean {
    return this.queue.length > 0 || !this.loaded;
  }

  /** True once the handler has loaded (the init succeeded). */
  get initialized(): boolean {
    return this.loaded;
  }

  /** Invocations sent here and not answered yet (the first of them is running). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Runs one invocation after those already queued here; resolves with the outcome, never
   * rejects. Calls made in the same turn of the event loop go to the process in one write.
   */
  invoke(requestId: string, payload: string, clientContext?: string): Promise<InstanceOutcome> {
    if (!this.alive) return Promise.resolve({ ok: false, error: this.initError ?? this.exitError(1, null), instanceDied: true, notStarted: true });
    return new Promise<InstanceOutcome>((resolve) => {
      this.queue.push({ requestId, resolve });
      if (this.queue.length === 1) this.startClock();
      if (this.outbox.length === 0) setImmediate(() => this.flush());
      this.outbox.push({ requestId, payload, clientContext });
    });
  }

  /** Ends the instance as Lambda ends one over its memory size: SIGKILL, reported as `Runtime.OutOfMemory`. */
  killForMemory(): void {
    if (!this.alive || this.terminating) return;
    this.outOfMemory = true;
    this.child.kill('SIGKILL');
  }

  /** A debugger has paused the process: the running invocation's time stops until {@link debuggerResumed}. */
  debuggerPaused(): void {
    this.clock.suspend();
  }

  /** The paused process runs again: the invocation's timeout and its deadline move by the time it was held. */
  debuggerResumed(): void {
    const heldMs = this.clock.resume();
    const head = this.queue[0];
    if (head && heldMs > 0) this.send({ type: 'resumed', requestId: head.requestId, heldMs } satisfies ResumedMessage);
  }

  /** Stops the process. Safe to call more than once; resolves when it has exited. */
  async terminate(): Promise<void> {
    this.terminating = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    this.alive = false;
  }

  private send(msg: object): void {
    if (this.channel.connected) this.channel.send(msg, (err) => err && undefined);
  }

  private flush(): void {
    const invocations = this.outbox;
    this.outbox = [];
    if (invocations.length) this.send({ type: 'invoke', timeoutMs: this.options.timeoutMs, invocations } satisfies InvokeMessage);
  }

  /** The head of the queue starts (as far as the host can tell: the previous result is in) and its clock with it. */
  private startClock(): void {
    this.lastRequestId = this.queue[0].requestId;
    this.clock.start();
  }

  private onTimeout(): void {
    const head = this.queue[0];
    // The clock of an invocation that has ended since fires for nothing.
    if (!head || !this.alive) return;
    const seconds = (this.options.timeoutMs / 1000).toFixed(2);
    this.options.onLog({ requestId: head.requestId, level: 'ERROR', text: `Task timed out after ${seconds} seconds` });
    this.settle({ ok: false, instanceDied: true, error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${head.requestId} Error: Task timed out after ${seconds} seconds` } });
    // Lambda resets the execution environment after a timeout; so do we.
    void this.terminate();
  }

  private forwardLines(stream: NodeJS.ReadableStream, level: string): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const text of lines) if (text && !this.fromInspector(text)) this.options.onLog({ requestId: this.lastRequestId, level, text });
    });
    stream.on('end', () => partial && !this.fromInspector(partial) && this.options.onLog({ requestId: this.lastRequestId, level, text: partial }));
  }

  private fromInspector(text: string): boolean {
    return this.options.init.inspect === true && INSPECTOR_NOTICE.test(text);
  }

  private onMessage(msg: InstanceMessage): void {
    switch (msg.type) {
      case 'log':
        this.options.onLog({ requestId: msg.requestId, level: msg.level, text: msg.text, once: msg.once });
        return;
      case 'stream':
        // Only the running invocation's (what a handler writes after its result is not its response).
        if (this.queue[0]?.requestId === msg.requestId) this.options.onStream?.(msg);
        return;
      case 'result':
        if (this.queue[0]?.requestId === msg.requestId) this.settle({ ok: true, payload: msg.payload });
        return;
      case 'error':
        if (this.queue[0]?.requestId === msg.requestId) this.settle({ ok: false, error: msg.error, instanceDied: false });
        return;
      case 'crash':
        this.alive = false;
        this.settle({ ok: false, error: msg.error, instanceDied: true });
        return;
    }
  }

  /**
   * The process has ended, but answers it wrote before may still be unread in the IPC channel
   * (the exit can be seen first): the calls are settled once the channel is drained and closed.
   */
  private onExit(code: number | null, signal: NodeJS.Signals | null, rejectReady: (e: LambdaErrorPayload) => void): void {
    this.alive = false;
    // Named after the call running when the answers are in, which the error message names.
    const drained = () => this.onDeath(this.exitError(code, signal), rejectReady);
    if (!this.channel.connected) return drained();
    this.channel.once('disconnect', drained);
    // A channel held open by another process (a handler's own child) must not hold the calls.
    setTimeout(drained, 1000).unref();
  }

  private onDeath(error: LambdaErrorPayload, rejectReady: (e: LambdaErrorPayload) => void): void {
    if (this.dead) return;
    this.dead = true;
    this.alive = false;
    rejectReady(this.initError ?? error);
    // Lambda's platform line, in the log stream of the request in flight or, when the instance
    // died idle (a timer threw after the handler returned), of the request that ran last.
    if (!this.terminating) this.options.onLog({ requestId: this.lastRequestId, level: 'ERROR', text: `${error.errorMessage}\t${error.errorType}` });
    this.settle({ ok: false, error, instanceDied: true });
    this.clock.dispose();
    this.options.onExit?.(this);
  }

  /** Ends the invocation at the head of the queue; when it ended the instance, those behind it never started. */
  private settle(outcome: InstanceOutcome): void {
    const head = this.queue.shift();
    if (!head) return;
    if (!outcome.ok && outcome.instanceDied) {
      this.alive = false;
      this.outbox = [];
      const error = outcome.error;
      for (const behind of this.queue.splice(0)) behind.resolve({ ok: false, error, instanceDied: true, notStarted: true });
    } else if (this.queue.length) {
      this.startClock();
    } else {
      this.clock.stop();
    }
    head.resolve(outcome);
  }

  private exitError(code: number | null, signal: NodeJS.Signals | null): LambdaErrorPayload {
    const prefix = `RequestId: ${this.lastRequestId ?? ''} Error: Runtime exited`;
    if (this.outOfMemory) return { errorType: 'Runtime.OutOfMemory', errorMessage: `${prefix} with error: signal: killed` };
    if (signal) return { errorType: 'Runtime.ExitError', errorMessage: `${prefix} with error: signal: ${SIGNAL_TEXT[signal] ?? signal}` };
    return code === 0
      ? { errorType: 'Runtime.ExitError', errorMessage: `${prefix} without providing a reason` }
      : { errorType: 'Runtime.ExitError', errorMessage: `${prefix} with error: exit status ${code}` };
  }
}

/** How Lambda's platform (Go's os.ProcessState) names the signals a runtime dies of. */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGTERM: 'terminated',
  SIGBUS: 'bus error (core dumped)',
  SIGILL: 'illegal instruction (core dumped)',
  SIGFPE: 'floating point exception (core dumped)',
};

/** Starts the process of an instance: bootstrap.py for a Python function, worker.mjs on node otherwise. */
function startProcess(options: WorkerProcessOptions): RuntimeProcess {
  if (options.python) return startPythonProcess({ python: options.python, env: options.env, cwd: options.cwd });
  const child = forkWorker(options);
  return { child, channel: child };
}

function forkWorker(options: WorkerProcessOptions): ChildProcess {
  return fork(WORKER_FILE, options.preload ? [options.preload] : [], {
    execPath: options.nodeBinary ?? process.execPath,
    execArgv: [...inheritedFlags(options.inspect), ...memoryFlags(options.memoryMb)],
    env: { ...options.env },
    // Lambda starts the runtime in /var/task.
    cwd: options.cwd,
    // Output that bypasses console (process.stdout.write, loggers with their own Console)
    // becomes log lines of the invocation in flight, as CloudWatch would attribute it.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
}

function inheritedFlags(inspect = false): string[] {
  // Not the host's loaders (`--import tsx`, jest's): a function runs on plain Node, as on Lambda.
  const flags = process.execArgv.filter((a) => INHERITED_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)));
  // Debug builds carry source maps: stack traces then name the TypeScript lines the debugger shows.
  return inspect && !flags.includes('--enable-source-maps') ? [...flags, '--enable-source-maps'] : flags;
}

/** The V8 limits Lambda's Node.js bootstrap derives from the memory size: a tenth for the new space, the rest for the old. */
export function memoryFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`, `--max-old-space-size=${memoryMb - newSpace}`];
}
