/**
 * The function host's public types: its options, an invocation's request and result, new code
 * for a hot reload, and its events.
 */
import type { FunctionModel } from '../../model';
import type { OverflowMode } from './pool';
import type { InstanceLog } from './instance';
import type { ResponseStreamSink } from './response-stream';
import type { SeparateDependencies, StagedFile } from './task-root';
import type { LambdaErrorPayload } from './protocol';

/** Options for {@link FunctionHost}. */
export interface FunctionHostOptions {
  /** Base URL of the local AWS endpoint the functions' SDK clients are pointed at. */
  readonly awsEndpointUrl: string;
  /** The functions' region (`AWS_REGION`). */
  readonly region: string;
  /**
   * Each function's own region when the app spans several (its stack's, as Lambda sets
   * `AWS_REGION`). @default `region` for every function
   */
  readonly regionOf?: (fn: FunctionModel) => string;
  /** The project: where the SDK that Lambda provides is installed. @default process.cwd() */
  readonly projectDir?: string;
  /** The cloud assembly, searched for the SDK after the project. */
  readonly assemblyDir?: string;
  /** Where task roots are staged. @default os.tmpdir() */
  readonly stagingDir?: string;
  /**
   * Instances alive at once across all functions, a bound on this machine's resources: calls
   * over it wait for an instance, they are never throttled.
   * @default four per core or one per function, within half the machine's memory at 256 MB each
   */
  readonly maxInstances?: number;
  /** The account's concurrency limit: functions without reserved concurrency share it minus the reserved total. @default none */
  readonly accountConcurrency?: number;
  /** A node binary per runtime (`{ 'nodejs22.x': '/opt/node22/bin/node' }`). @default the host's node for every runtime */
  readonly nodeBinaries?: Readonly<Record<string, string>>;
  /**
   * Serve a debugger port per function (`dev --inspect`), from `port` on in the functions'
   * order (0: free ports). Each function then runs one instance at a time, kept started, and its
   * timeout stands still while a debugger holds it paused (see inspector-proxy.ts).
   * @default no debugger ports
   */
  readonly inspect?: { readonly port: number };
  /**
   * The interpreter for every Python function.
   * @default for each runtime its own interpreter on PATH (`python3.12`), else `python3`
   */
  readonly python?: string;
}

/** One invocation to run. */
export interface InvokeRequest {
  /** The event as JSON text. */
  readonly payload: string;
  /** @default a new UUID */
  readonly requestId?: string;
  /** `throttle` for synchronous callers (429 when full), `wait` for asynchronous ones. */
  readonly overflow: OverflowMode;
  /** Base64 JSON client context (Lambda's `X-Amz-Client-Context`). */
  readonly clientContext?: string;
  /**
   * Receives a streaming handler's response as it is written (a function URL in
   * `RESPONSE_STREAM` mode); the result's payload is then empty. Without it, a streamed response
   * is collected into the payload, as Lambda buffers one for a buffered invocation.
   */
  readonly responseStream?: ResponseStreamSink;
}

/** What an invocation returned. */
export interface InvokeResult {
  readonly requestId: string;
  readonly functionName: string;
  /** JSON text of the handler's result, or of the error payload when `error` is set. */
  readonly payload: string;
  /** Set when the function failed; Lambda's Node.js runtime reports every failure as `Unhandled`. */
  readonly error?: LambdaErrorPayload;
  /** True when a streaming handler wrote the response (to `responseStream` when one was given). */
  readonly streamed?: boolean;
  readonly cold: boolean;
  readonly durationMs: number;
}

/** New code for a function (hot reload). */
export interface CodeUpdate {
  /** The folder the code is copied from (the deployed asset, so files beside the bundle stay). */
  readonly codeDir: string;
  /** Files written over that copy, relative to it (a rebuilt bundle). @default none */
  readonly files?: readonly StagedFile[];
  /** @default the function's handler */
  readonly handler?: string;
  /**
   * When the function has instances, start one of the new code now rather than at the next
   * call (Lambda also initializes environments ahead of invocations), so the first call after
   * an edit does not wait for an init. An init error is logged at once.
   * @default false
   */
  readonly prewarm?: boolean;
  /** Packages bundled apart from `files`, linked into the new task root's node_modules. @default none */
  readonly dependencies?: SeparateDependencies;
}

/** Packages new code will load from outside its bundle (see {@link FunctionHost.prepareReplace}). */
export interface PreloadPackages {
  /** Bare specifiers, as the bundle imports them (`@aws-sdk/client-dynamodb`). */
  readonly packages: readonly string[];
  /** The bundle's format: whether it `import`s them or `require`s them. */
  readonly format: 'esm' | 'cjs';
  /** Packages bundled apart (some of `packages`), loaded from the files the new code's task root will link. @default none */
  readonly dependencies?: SeparateDependencies;
}

/** A log line from a function, with the function it came from. */
export interface FunctionLogRecord extends InstanceLog {
  readonly functionName: string;
}

/** Typed events of the host. */
export interface FunctionHostEvents {
  invocation: [InvokeResult];
  log: [FunctionLogRecord];
  /** A debugger paused (true) or resumed (false) the instance of a function (`inspect`). */
  debugger: [functionName: string, paused: boolean];
}
