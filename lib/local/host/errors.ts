/**
 * Errors of the function host, each with the code the Lambda API uses for it.
 */

/** The function does not exist locally (Lambda: 404 ResourceNotFoundException). */
export class FunctionNotFoundError extends Error {
  /** Lambda API error code. */
  readonly code = 'ResourceNotFoundException';
  constructor(readonly functionRef: string) {
    super(`Function not found: ${functionRef}`);
    this.name = 'FunctionNotFoundError';
  }
}

/** Why Lambda throttled a call: the function's reserved concurrency, or the account's. */
export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

/** A synchronous invocation over the function's or the account's concurrency (Lambda: 429 TooManyRequestsException). */
export class ThrottledError extends Error {
  /** Lambda API error code. */
  readonly code = 'TooManyRequestsException';
  constructor(
    readonly functionName: string,
    readonly concurrency: number,
    /** Lambda's reason for the throttle. */
    readonly reason: ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded',
  ) {
    super(`Rate Exceeded. ${functionName} is at ${reason === 'ConcurrentInvocationLimitExceeded' ? "the account's" : 'its reserved'} concurrency limit (${concurrency})`);
    this.name = 'ThrottledError';
  }
}

/** The host was stopped while a call waited for an instance. */
export class HostStoppedError extends Error {
  /** Stable code. */
  readonly code = 'HostStopped';
  constructor() {
    super('The local function host was stopped');
    this.name = 'HostStoppedError';
  }
}

/** `dev --inspect`: a function's debugger port is taken (by another process, or another `dev`). */
export class InspectPortInUseError extends Error {
  /** Stable code. */
  readonly code = 'InspectPortInUse';
  constructor(readonly port: number, readonly functionName: string) {
    super(`port ${port} (the debugger port of ${functionName}) is already in use; choose another first port with --inspect=PORT (functions take consecutive ports)`);
    this.name = 'InspectPortInUseError';
  }
}
