/**
 * Messages between the host and a function instance (a child process). The instance side is
 * `worker.mjs` for Node.js runtimes, plain JavaScript because it runs outside any TypeScript
 * loader, over Node's IPC channel; `bootstrap.py` for Python runtimes, the same messages as
 * newline-delimited JSON over two pipes (see python-process.ts).
 */

/**
 * The error payload Lambda returns for a failed invocation. Its shape is the runtime's: Node.js
 * gives `errorType`, `errorMessage`, `trace`; Python gives `errorMessage`, `errorType`,
 * `requestId` and `stackTrace` (one string per frame), in that order.
 */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  /** Node.js runtimes: the stack, one line per entry. */
  readonly trace?: readonly string[];
  /** Python runtimes: the request id (empty for an init error). */
  readonly requestId?: string;
  /** Python runtimes: the traceback, one formatted frame per entry. */
  readonly stackTrace?: readonly string[];
}

/** Sent once to a new instance, in its first message. */
export interface InstanceInit {
  /** The staged task root the handler is loaded from (the instance's `/var/task`). */
  readonly codeDir: string;
  readonly handler: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /**
   * Open an inspector on a free port of 127.0.0.1 before loading the handler (`dev --inspect`);
   * its URL comes back in `ready`. The host's inspector proxy is what debuggers attach to.
   */
  readonly inspect?: boolean;
}

/** Host -> instance: the first message. */
export interface InitMessage {
  readonly type: 'init';
  readonly init: InstanceInit;
}

/** One invocation to run. */
export interface InvokeRequest {
  readonly requestId: string;
  /** The event as JSON text, as Lambda receives it. */
  readonly payload: string;
  readonly clientContext?: string;
}

/**
 * Instance -> host: part of a streaming handler's response (`awslambda.streamifyResponse`), sent
 * before the invocation's `result`: `start` first, then its content type and chunks in order.
 */
export interface StreamMessage {
  readonly type: 'stream';
  readonly requestId: string;
  /** The handler is a streaming one: what it writes is the response. */
  readonly start?: true;
  /** `responseStream.setContentType(...)`. */
  readonly contentType?: string;
  /** A written chunk, base64. */
  readonly chunk?: string;
}

/**
 * Host -> instance: invocations to run one at a time, in order, after any already queued. Each
 * gets `timeoutMs` from when it starts (for `getRemainingTimeInMillis`); the instance answers
 * each with its own `result` or `error` as soon as it ends, before starting the next.
 */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly timeoutMs: number;
  readonly invocations: readonly InvokeRequest[];
}

/**
 * Host -> instance: a debugger held the process paused for `heldMs` while `requestId` ran; its
 * deadline (`getRemainingTimeInMillis`) moves by as much, as the host's timeout did.
 */
export interface ResumedMessage {
  readonly type: 'resumed';
  readonly requestId: string;
  readonly heldMs: number;
}

/** Instance -> host messages. */
export type InstanceMessage =
  | StreamMessage
  | { readonly type: 'ready'; readonly inspectorUrl?: string }
  | { readonly type: 'init-error'; readonly error: LambdaErrorPayload }
  | { readonly type: 'result'; readonly requestId: string; readonly payload: string }
  | { readonly type: 'error'; readonly requestId: string; readonly error: LambdaErrorPayload }
  | { readonly type: 'log'; readonly requestId?: string; readonly level: string; readonly text: string; readonly once?: boolean }
  | { readonly type: 'crash'; readonly requestId?: string; readonly error: LambdaErrorPayload };
