/**
 * The `switchyard` command's errors: every failure a user can fix is a {@link CliError} with a
 * stable code, printed as one line (`switchyard: [Code] message`) without a stack. Anything
 * else is a bug and keeps its stack.
 */
import { InspectPortInUseError } from '../local/host/errors';
import { NodeBinaryError } from '../local/host/runtimes';
import { LocalStateError } from '../local/state/store';
import { AssemblyError } from '../model';
import { PriceTableError, UsageError } from '../ops';

/** An expected failure of a command: bad arguments, nothing running, a failed synth, ... */
export class CliError extends Error {
  constructor(
    /** Stable code, e.g. `InvalidArgument`, `EndpointUnreachable`, `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A flag or positional argument that cannot be used. */
export class ArgumentError extends CliError {
  constructor(message: string) {
    super('InvalidArgument', message);
    this.name = 'ArgumentError';
  }
}

/**
 * The running `switchyard dev` cannot be reached (`EndpointUnreachable`), or answered with an
 * error (its AWS error code, e.g. `ResourceNotFoundException`).
 */
export class EndpointError extends CliError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'EndpointError';
  }
}

/** Errors of the layers below the CLI that a user can fix: reported like CliErrors, with their own codes. */
const EXPECTED: ReadonlyArray<new (...args: never[]) => Error & { readonly code: string }> = [AssemblyError, UsageError, PriceTableError, NodeBinaryError, LocalStateError, InspectPortInUseError];

/** The CliError an error stands for, or undefined when it is unexpected (a bug: print its stack). */
export function asCliError(err: unknown): CliError | undefined {
  if (err instanceof CliError) return err;
  if (EXPECTED.some((type) => err instanceof type)) {
    const e = err as Error & { code: string };
    return new CliError(e.code, e.message, { cause: err });
  }
  const sys = err as NodeJS.ErrnoException & { port?: number };
  if (sys?.code === 'EADDRINUSE') {
    return new CliError('PortInUse', `port ${sys.port ?? ''} is already in use; choose others with --http-port and --aws-port`, { cause: err });
  }
  return undefined;
}

/** The one line an expected failure prints. */
export function errorLine(err: CliError): string {
  return `switchyard: [${err.code}] ${err.message}`;
}
