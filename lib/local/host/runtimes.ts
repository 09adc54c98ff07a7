/**
 * Lambda's Node.js runtimes and the node binaries that run them here. By default every
 * function runs on the host's node; a binary can be configured per runtime (`--node
 * nodejs22.x=/path/to/node`). Where the two differ, or a runtime is deprecated in Lambda,
 * `dev` says so once per runtime at start-up.
 */
import { execFileSync } from 'node:child_process';

/** A Lambda Node.js runtime's major version and its deprecation schedule (ISO dates, from the Lambda runtimes page). */
export interface LambdaNodeRuntime {
  readonly major: number;
  /** No more security patches from this date. */
  readonly deprecated: string;
  /** Creating functions on it is blocked from this date. */
  readonly blockCreate: string;
}

/**
 * Lambda's published schedule (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 * AWS has moved these dates before; the table is what `dev` warns from, not a gate.
 */
export const LAMBDA_NODE_RUNTIMES: Readonly<Record<string, LambdaNodeRuntime>> = {
  'nodejs24.x': { major: 24, deprecated: '2028-04-30', blockCreate: '2028-06-01' },
  'nodejs22.x': { major: 22, deprecated: '2027-04-30', blockCreate: '2027-06-01' },
  'nodejs20.x': { major: 20, deprecated: '2026-04-30', blockCreate: '2027-02-01' },
  'nodejs18.x': { major: 18, deprecated: '2025-09-01', blockCreate: '2026-02-03' },
  'nodejs16.x': { major: 16, deprecated: '2024-06-12', blockCreate: '2026-02-28' },
  'nodejs14.x': { major: 14, deprecated: '2023-12-04', blockCreate: '2024-01-09' },
  'nodejs12.x': { major: 12, deprecated: '2023-03-31', blockCreate: '2023-03-31' },
  'nodejs10.x': { major: 10, deprecated: '2021-07-30', blockCreate: '2021-07-30' },
};

/** The newest runtime in the table: what a deprecation notice recommends. */
const NEWEST = Object.keys(LAMBDA_NODE_RUNTIMES)[0];

/** A node binary configured for a runtime, with the version it reported. */
export interface NodeBinary {
  readonly path: string;
  /** `process.version` of that binary, e.g. `v22.11.0`. */
  readonly version: string;
}

/** A configured binary that does not run. */
export class NodeBinaryError extends Error {
  /** Stable code. */
  readonly code = 'InvalidNodeBinary';
  constructor(readonly runtime: string, readonly binary: string, reason: string) {
    super(`The node binary configured for ${runtime} (${binary}) ${reason}. Fix: pass --node ${runtime}=<path to a node ${LAMBDA_NODE_RUNTIMES[runtime]?.major ?? ''} binary>.`);
    this.name = 'NodeBinaryError';
  }
}

/** Checks each configured binary (unknown runtime, does not start) and reads its version. */
export function resolveNodeBinaries(configured: Readonly<Record<string, string>> = {}): Map<string, NodeBinary> {
  const out = new Map<string, NodeBinary>();
  for (const [runtime, binary] of Object.entries(configured)) {
    if (!LAMBDA_NODE_RUNTIMES[runtime]) throw new NodeBinaryError(runtime, binary, `is for a runtime Lambda does not have (known: ${Object.keys(LAMBDA_NODE_RUNTIMES).join(', ')})`);
    let version: string;
    try {
      version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch (err) {
      throw new NodeBinaryError(runtime, binary, `does not run (${(err as Error).message.split('\n')[0]})`);
    }
    out.set(runtime, { path: binary, version });
  }
  return out;
}

/**
 * One line per runtime worth a word: functions that will run on a node of another major than
 * their runtime's, and runtimes Lambda has deprecated or is about to block.
 */
export function runtimeNotices(runtimes: ReadonlyMap<string, number>, binaries: ReadonlyMap<string, NodeBinary>, hostVersion = process.version, today = new Date()): string[] {
  const notices: string[] = [];
  const date = today.toISOString().slice(0, 10);
  for (const [runtime, count] of [...runtimes].sort(([a], [b]) => a.localeCompare(b))) {
    const info = LAMBDA_NODE_RUNTIMES[runtime];
    if (!info) continue;
    const parts: string[] = [];
    const binary = binaries.get(runtime);
    const version = binary?.version ?? hostVersion;
    if (majorOf(version) !== info.major) {
      parts.push(binary ? `runs on the configured ${binary.path}, which is Node ${version}, not Node ${info.major}` : `runs on this machine's Node ${version}, not Node ${info.major} (to match Lambda: --node ${runtime}=/path/to/node${info.major})`);
    }
    if (info.deprecated <= date) {
      const block = info.blockCreate <= date ? `creating functions on it is blocked since ${info.blockCreate}` : `creating functions on it is blocked from ${info.blockCreate}`;
      parts.push(`deprecated in Lambda since ${info.deprecated} (no security patches); ${block}: move to ${NEWEST}`);
    }
    if (parts.length) notices.push(`${runtime} (${count} function${count === 1 ? '' : 's'}): ${parts.join('; ')}.`);
  }
  return notices;
}

function majorOf(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1]);
}

/** True for Lambda's Python runtimes (`python3.12`). */
export function isPythonRuntime(runtime: string): boolean {
  return /^python\d+\.\d+$/.test(runtime);
}

/** A Python interpreter that runs a runtime's functions, as probed at start-up. */
export interface PythonInterpreter {
  /** The command it was found as (`python3`, `python3.12`). */
  readonly command: string;
  /**
   * The interpreter's own executable (`sys.executable`), which instances run: not a wrapper
   * such as pyenv's shims, which would add their start-up to every cold start and their
   * variables to the function's environment.
   */
  readonly executable: string;
  /** Its version, e.g. `3.11.7`. */
  readonly version: string;
}

/**
 * Runs an interpreter once and reads its version and executable; undefined when it does not
 * run. (Whether it has boto3 is said when a handler fails to import it: see FunctionHost.)
 */
export function probePython(command: string): PythonInterpreter | undefined {
  const script = 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)';
  try {
    const [version, executable] = execFileSync(command, ['-c', script], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    return /^\d+\.\d+\.\d+$/.test(version) ? { command, executable: executable || command, version } : undefined;
  } catch {
    // Not installed (ENOENT), or a shim for a version that is not (pyenv exits 127).
    return undefined;
  }
}

/** The interpreters for the app's Python runtimes, and a line for each runtime worth a word. */
export interface PythonInterpreters {
  /** By runtime; a runtime without one has no python3 on this machine. */
  readonly byRuntime: ReadonlyMap<string, PythonInterpreter>;
  readonly notices: readonly string[];
}

/**
 * Finds an interpreter for each Python runtime: the `configured` one if given, else one of the
 * runtime's own version on PATH (`python3.12`), else the host's `python3` (Lambda's version is
 * not always installed); says once per runtime when its functions run on another version or
 * cannot run at all.
 */
export function resolvePythonInterpreters(runtimes: ReadonlyMap<string, number>, configured?: string, probe: (command: string) => PythonInterpreter | undefined = probePython): PythonInterpreters {
  const fallback = configured ?? 'python3';
  const byRuntime = new Map<string, PythonInterpreter>();
  const notices: string[] = [];
  const probed = new Map<string, PythonInterpreter | undefined>();
  const probeOnce = (command: string) => {
    if (!probed.has(command)) probed.set(command, probe(command));
    return probed.get(command);
  };
  for (const [runtime, count] of [...runtimes].filter(([r]) => isPythonRuntime(r)).sort(([a], [b]) => a.localeCompare(b))) {
    const wanted = runtime.slice('python'.length);
    const own = configured ? undefined : probeOnce(runtime);
    const interpreter = own && minorOf(own.version) === wanted ? own : probeOnce(fallback);
    const which = `${runtime} (${count} function${count === 1 ? '' : 's'})`;
    if (!interpreter) {
      const missing = configured ? `the Python interpreter ${configured} does not run` : 'no python3 on this machine';
      notices.push(`${which}: ${missing}, so these functions fail with Runtime.ExitError (the other functions run): install Python 3 (e.g. apt-get install python3 python3-boto3).`);
      continue;
    }
    byRuntime.set(runtime, interpreter);
    if (minorOf(interpreter.version) !== wanted) {
      notices.push(`${which}: runs on this machine's Python ${interpreter.version} (${interpreter.command}), not Python ${wanted} (to match Lambda: install ${runtime} on PATH).`);
    }
  }
  return { byRuntime, notices };
}

function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
