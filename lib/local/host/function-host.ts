/**
 * The function host: one {@link FunctionPool} per function of the app model, lookup by name,
 * ARN or logical id, each function's environment, and a stream of invocation records for logs.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FunctionModel } from '../../model';
import { HostCapacity, defaultMaxInstances } from './capacity';
import { InvocationClock } from './clock';
import { FunctionNotFoundError } from './errors';
import { InspectorProxy } from './inspector-proxy';
import { MemoryWatch } from './memory-watch';
import { FunctionPool, type PoolOptions, type PoolOutcome, type SparePreload } from './pool';
import type { LambdaErrorPayload } from './protocol';
import { isProvided, missingPackageHint, missingPackageOf } from './provided-modules';
import { ResponseStreams, type StreamedResponse } from './response-stream';
import { isPythonRuntime, resolveNodeBinaries, resolvePythonInterpreters, runtimeNotices, type NodeBinary, type PythonInterpreter } from './runtimes';
import { layerEnvironment } from './layers';
import { TaskRoots, type StagedFunction } from './task-root';
import { FUNCTION_SECRET_ACCESS_KEY, FUNCTION_SESSION_TOKEN, functionAccessKeyId } from '../iam/credentials';
import type { CodeUpdate, FunctionHostEvents, FunctionHostOptions, InvokeRequest, InvokeResult, PreloadPackages } from './function-host-types';

export type { CodeUpdate, FunctionHostEvents, FunctionHostOptions, FunctionLogRecord, InvokeRequest, InvokeResult, PreloadPackages } from './function-host-types';

/**
 * Runs the app's functions, each instance a process (see instance.ts): node for Node.js
 * runtimes, python3 for Python runtimes.
 *
 * @example
 * const host = new FunctionHost(model.functions, { awsEndpointUrl, region: model.region });
 * const r = await host.invoke('my-fn', { payload: '{}', overflow: 'throttle' });
 */
export class FunctionHost extends EventEmitter<FunctionHostEvents> {
  /** The instance cap and account concurrency the functions share. */
  readonly capacity: HostCapacity;
  /**
   * One line per runtime whose node or Python differs from Lambda's, that Lambda deprecated, or
   * that cannot run here (no python3), for `dev`'s start-up.
   */
  readonly runtimeNotices: readonly string[];
  private readonly pools = new Map<string, FunctionPool>();
  private readonly byRef = new Map<string, FunctionModel>();
  private readonly memory = new MemoryWatch();
  private readonly taskRoots: TaskRoots;
  private readonly nodeBinaries: ReadonlyMap<string, NodeBinary>;
  private readonly pythons: ReadonlyMap<string, PythonInterpreter>;
  private readonly shownOnce = new Set<string>();
  private readonly streams = new ResponseStreams();
  private readonly proxies: InspectorProxy[] = [];
  /** Functions whose instance a debugger holds paused now. */
  private readonly paused = new Set<string>();
  /** Callers' timers per function (see {@link callerTimer}), which stand still with it. */
  private readonly callerClocks = new Map<string, Set<InvocationClock>>();

  constructor(functions: readonly FunctionModel[], private readonly options: FunctionHostOptions) {
    super();
    this.nodeBinaries = resolveNodeBinaries(options.nodeBinaries);
    const runtimes = countBy(functions.map((f) => f.runtime));
    const pythons = resolvePythonInterpreters(runtimes, options.python);
    this.pythons = pythons.byRuntime;
    this.runtimeNotices = [...runtimeNotices(runtimes, this.nodeBinaries), ...pythons.notices];
    const reservedTotal = functions.reduce((n, f) => n + (f.reservedConcurrency ?? 0), 0);
    this.capacity = new HostCapacity({ maxInstances: options.maxInstances ?? defaultMaxInstances(functions.length), accountConcurrency: options.accountConcurrency, reservedTotal });
    this.taskRoots = new TaskRoots({ projectDir: options.projectDir ?? process.cwd(), assemblyDir: options.assemblyDir, baseDir: options.stagingDir });
    for (const fn of functions) {
      for (const ref of refsOf(fn)) this.byRef.set(ref, fn);
      this.pools.set(fn.name, new FunctionPool(this.poolOptions(fn, this.taskRoots.stage(stagedOf(fn)))));
      if (this.debugged(fn)) this.proxies.push(this.inspectorOf(fn));
    }
  }

  /** The debugger port of each function under `inspect` (listening once {@link startInspectors} resolved), in model order. */
  get inspectors(): readonly InspectorProxy[] {
    return this.proxies;
  }

  /**
   * Opens the debugger ports (`inspect`), consecutive from the first, and starts an instance of
   * every function for a debugger to attach to before a call comes. Rejects with
   * InspectPortInUseError when a port is taken.
   */
  async startInspectors(): Promise<void> {
    const first = this.options.inspect?.port ?? 0;
    for (const [i, proxy] of this.proxies.entries()) await proxy.listen(first === 0 ? 0 : first + i);
    for (const pool of this.pools.values()) pool.warm();
  }

  /**
   * The function a name, ARN (qualified or not), partial ARN (`<account>:function:<name>`),
   * logical id or display name (what `switchyard dev` prints) refers to.
   */
  find(ref: string): FunctionModel | undefined {
    const direct = this.byRef.get(ref);
    if (direct) return direct;
    // `name:qualifier`, `arn:...:function:name:qualifier` and `<account>:function:name[:qualifier]`; only $LATEST exists locally.
    const m = /^(?:arn:[^:]+:lambda:[^:]*:[^:]*:function:|\d{12}:function:)?([^:]+)(?::(.+))?$/.exec(ref);
    return m ? this.byRef.get(m[1]) : undefined;
  }

  /** The display names of the functions, for messages that list what exists. */
  get names(): string[] {
    return [...this.pools.keys()].map((name) => this.byRef.get(name)!).map((fn) => fn.displayName ?? fn.name);
  }

  /** Invokes a function. Rejects with FunctionNotFoundError or ThrottledError; a function error resolves with `error` set. */
  async invoke(ref: string, request: InvokeRequest): Promise<InvokeResult> {
    const fn = this.find(ref);
    if (!fn) throw new FunctionNotFoundError(ref);
    const requestId = request.requestId ?? randomUUID();
    const started = performance.now();
    // The invocation's response stream is open while it runs (see response-stream.ts).
    this.streams.begin(requestId, request.responseStream);
    let ran: PoolOutcome;
    let stream: StreamedResponse;
    try {
      ran = await this.pools.get(fn.name)!.run(requestId, request.payload, request.overflow, request.clientContext);
    } finally {
      stream = this.streams.end(requestId);
    }
    const { outcome, cold } = ran;
    if (!outcome.ok) this.explainMissingPackage(fn, requestId, outcome.error);
    // Built field by field, in one shape, rather than spread from a common part: one per call.
    const result: InvokeResult = {
      requestId,
      functionName: fn.name,
      cold,
      durationMs: performance.now() - started,
      streamed: stream.streamed || undefined,
      payload: !outcome.ok ? JSON.stringify(outcome.error) : stream.streamed ? stream.payload ?? '' : outcome.payload,
      error: outcome.ok ? undefined : outcome.error,
    };
    this.emit('invocation', result);
    return result;
  }

  /**
   * New code for a function is being built (hot reload): when it is in use, the process of its
   * next instance starts now, to take the code when {@link replaceCode} (with `prewarm`) comes.
   * `preload` names the packages the code imports from outside its bundle (the SDK): the
   * process loads them while it waits, so that the new code's init loads only the bundle.
   */
  prepareReplace(ref: string, preload?: PreloadPackages): void {
    const fn = this.find(ref);
    if (!fn) return;
    this.pools.get(fn.name)!.prepare(this.sparePreloadOf(fn, preload));
  }

  /**
   * Keeps a process started for a function's next code (hot reload keeps the functions being
   * edited so), with `preload`'s packages loaded: the next {@link prepareReplace} finds it ready.
   * `undefined` stops keeping one. See FunctionPool.standby.
   */
  standby(ref: string, preload: PreloadPackages | undefined): void {
    const fn = this.find(ref);
    if (!fn || isPythonRuntime(fn.runtime)) return;
    this.pools.get(fn.name)!.standby(preload && this.sparePreloadOf(fn, preload));
  }

  /** Points a function at new code (hot reload): new calls start instances of it, calls in flight end on the old. */
  replaceCode(ref: string, code: CodeUpdate): void {
    const fn = this.find(ref);
    if (!fn) throw new FunctionNotFoundError(ref);
    // Staged again: the new bundle runs from its own task root, as a deployment would.
    const taskDir = this.taskRoots.stage(stagedOf(fn), code.codeDir, code.files, code.dependencies);
    const updated: FunctionModel = { ...fn, codeDir: taskDir, handler: code.handler ?? fn.handler };
    for (const r of refsOf(fn)) this.byRef.set(r, updated);
    this.pools.get(fn.name)!.replace(this.poolOptions(updated, taskDir), code.prewarm, code.dependencies?.key);
  }

  /**
   * Runs `onExpire` after `ms` of the time a call to the function may take, which stands still
   * while a debugger holds the function paused (`inspect`): for a caller's own timeout, such as
   * an API's integration timeout, which would otherwise end a request a developer is stepping
   * through. Returns the timer's cancel.
   */
  callerTimer(ref: string, ms: number, onExpire: () => void): () => void {
    const name = this.find(ref)?.name;
    if (!this.proxies.length || name === undefined) {
      const timer = setTimeout(onExpire, ms);
      return () => clearTimeout(timer);
    }
    const clock = new InvocationClock(ms, onExpire);
    if (this.paused.has(name)) clock.suspend();
    clock.start();
    const clocks = this.callerClocks.get(name) ?? new Set<InvocationClock>();
    this.callerClocks.set(name, clocks.add(clock));
    return () => {
      clock.dispose();
      clocks.delete(clock);
    };
  }

  /** Live instances of a function (for tests and the CLI). */
  instanceCount(ref: string): number {
    const fn = this.find(ref);
    return fn ? this.pools.get(fn.name)!.size : 0;
  }

  /** A function's instances now: alive in all, and of those idle (warm); zeros for an unknown function. */
  instances(ref: string): { alive: number; idle: number } {
    const fn = this.find(ref);
    const pool = fn && this.pools.get(fn.name);
    return pool ? { alive: pool.size, idle: pool.idleCount } : { alive: 0, idle: 0 };
  }

  /** Stops every instance and removes the staged task roots. */
  async stop(): Promise<void> {
    await Promise.all([...this.proxies.map((p) => p.close()), ...[...this.pools.values()].map((p) => p.stop())]);
    this.memory.stop();
    this.taskRoots.dispose();
  }

  /** What a spare process of `fn` loads ahead of its code (see TaskRoots.preloadModule); nothing for Python or nothing to load. */
  private sparePreloadOf(fn: FunctionModel, preload: PreloadPackages | undefined): SparePreload {
    if (!preload?.packages.length || isPythonRuntime(fn.runtime)) return {};
    return { module: this.taskRoots.preloadModule(stagedOf(fn), preload.packages, preload.format, preload.dependencies), dependencies: preload.dependencies?.key };
  }

  /**
   * A package the code could not load: Lambda's error is the caller's, and the log says what to
   * do. An SDK package installed since start-up is linked for the next instance.
   */
  private explainMissingPackage(fn: FunctionModel, requestId: string, error: LambdaErrorPayload): void {
    if (isPythonRuntime(fn.runtime)) return this.explainMissingBoto3(fn, requestId, error);
    const pkg = missingPackageOf(error);
    if (!pkg) return;
    const layer = fn.layers?.find((l) => l.providedScopes?.some((scope) => pkg.startsWith(`${scope}/`)));
    if (isProvided(pkg) || layer) this.taskRoots.linkProvided(stagedOf(fn));
    this.emit('log', { functionName: fn.name, requestId, level: 'WARN', text: missingPackageHint(pkg, layer && `The layer ${layer.arn}`) });
  }

  /** boto3 (or botocore) missing from this machine's Python: said once per run, as the fix is the machine's, not the function's. */
  private explainMissingBoto3(fn: FunctionModel, requestId: string, error: LambdaErrorPayload): void {
    const missing = error.errorType === 'Runtime.ImportModuleError' && /No module named '(boto3|botocore)'/.exec(error.errorMessage)?.[1];
    if (!missing || !this.firstOf('', 'boto3')) return;
    const python = this.pythonOf(fn);
    const text = `${missing}, which Lambda's Python runtime provides, is not installed for ${python} on this machine: install it (pip install boto3, or apt-get install python3-boto3); new instances load it.`;
    this.emit('log', { functionName: fn.name, requestId, level: 'WARN', text });
  }

  /** The interpreter a Python function runs on (the fallback when none was found, which fails to start). */
  private pythonOf(fn: FunctionModel): string {
    return this.pythons.get(fn.runtime)?.executable ?? this.options.python ?? 'python3';
  }

  /** True the first time a function logs this `once` line (a process warning every cold start repeats). */
  private firstOf(functionName: string, text: string): boolean {
    const key = `${functionName}\n${text}`;
    if (this.shownOnce.has(key)) return false;
    this.shownOnce.add(key);
    return true;
  }

  private inspectorOf(fn: FunctionModel): InspectorProxy {
    const proxy = new InspectorProxy(fn.displayName ?? fn.name, () => this.pools.get(fn.name)!.inspectable);
    const note = (text: string) => this.emit('log', { functionName: fn.name, level: 'INFO', text });
    proxy.on('attach', () => note(`Debugger attached on 127.0.0.1:${proxy.port}`));
    proxy.on('detach', () => note(`Debugger detached from 127.0.0.1:${proxy.port}`));
    const held = (paused: boolean) => {
      if (paused) this.paused.add(fn.name);
      else this.paused.delete(fn.name);
      for (const clock of this.callerClocks.get(fn.name) ?? []) {
        if (paused) clock.suspend();
        else clock.resume();
      }
      this.emit('debugger', fn.name, paused);
    };
    proxy.on('pause', () => held(true));
    proxy.on('resume', () => held(false));
    return proxy;
  }

  /** True when the function gets a debugger port (`inspect`): Node.js ones (node's inspector); Python functions run as usual. */
  private debugged(fn: FunctionModel): boolean {
    return this.options.inspect !== undefined && !isPythonRuntime(fn.runtime);
  }

  private poolOptions(fn: FunctionModel, taskDir: string): PoolOptions {
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
    return {
      init: {
        codeDir: taskDir,
        handler: fn.handler,
        functionName: fn.name,
        functionArn: fn.arn,
        memoryMb: fn.memoryMb,
        logGroupName: `/aws/lambda/${fn.name}`,
        logStreamName,
        inspect: this.debugged(fn),
      },
      // One instance, kept started: the one the debugger is attached to runs every call.
      ...(this.debugged(fn) ? { maxInstances: 1, keepWarm: true } : {}),
      env: this.environmentOf(fn, taskDir, logStreamName),
      timeoutMs: fn.timeoutSeconds * 1000,
      reservedConcurrency: fn.reservedConcurrency,
      nodeBinary: this.nodeBinaries.get(fn.runtime)?.path,
      python: isPythonRuntime(fn.runtime) ? this.pythonOf(fn) : undefined,
      capacity: this.capacity,
      memory: this.memory,
      onLog: (log) => {
        if (log.once && !this.firstOf(fn.name, log.text)) return;
        this.emit('log', { ...log, functionName: fn.name });
      },
      onStream: (msg) => this.streams.receive(msg),
    };
  }

  /** Only the function's own variables plus what the Lambda runtime sets; nothing of the host's environment leaks in but PATH. */
  private environmentOf(fn: FunctionModel, taskDir: string, logStreamName: string): Record<string, string> {
    const endpoint = this.options.awsEndpointUrl;
    // NODE_PATH (not for Python, whose bootstrap puts /opt/python on sys.path), PATH and the staged /opt (see layers.ts).
    const { NODE_PATH, ...layerEnv } = layerEnvironment(this.taskRoots.optDir(stagedOf(fn)), fn.runtime, process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin');
    return {
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...(isPythonRuntime(fn.runtime) ? layerEnv : { NODE_PATH, ...layerEnv }),
      LAMBDA_TASK_ROOT: taskDir,
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      _HANDLER: fn.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: this.options.regionOf?.(fn) ?? this.options.region,
      AWS_DEFAULT_REGION: this.options.regionOf?.(fn) ?? this.options.region,
      // Its own key, so that the endpoint tells its calls from others' and checks them against its role.
      AWS_ACCESS_KEY_ID: functionAccessKeyId(fn.name),
      AWS_SECRET_ACCESS_KEY: FUNCTION_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: FUNCTION_SESSION_TOKEN,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      ...fn.environment,
    };
  }
}

function stagedOf(fn: FunctionModel): StagedFunction {
  const layers = fn.layers ?? [];
  return {
    name: fn.name,
    codeDir: fn.codeDir,
    entry: fn.source?.entry,
    inlineCode: fn.inlineCode,
    runtime: fn.runtime,
    layers: layers.flatMap((l) => (l.codeDir === undefined ? [] : [l.codeDir])),
    providedScopes: layers.flatMap((l) => l.providedScopes ?? []),
  };
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Every string a function can be referred to by. */
function refsOf(fn: FunctionModel): string[] {
  return [fn.name, fn.arn, fn.logicalId, fn.displayName].filter((r): r is string => r !== undefined);
}
