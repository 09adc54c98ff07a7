/**
 * Values of the CLI's flags, checked: a bad value is an {@link ArgumentError} naming the flag,
 * the value and what it takes, never a silent default.
 */
import { DEFAULT_CONSOLE_PORT } from '../local/console/server';
import { DEFAULT_INSPECT_PORT } from '../local/local-app';
import { IAM_MODES, type IamMode } from '../local/iam';
import { ArgumentError } from './errors';

/** The ports `dev` listens on and the client commands look for, with the variables that set them. */
export const PORTS = {
  'http-port': { env: 'SWITCHYARD_HTTP_PORT', default: 3000 },
  'aws-port': { env: 'SWITCHYARD_AWS_PORT', default: 4010 },
  'console-port': { env: 'SWITCHYARD_CONSOLE_PORT', default: DEFAULT_CONSOLE_PORT },
} as const;

/** A port: the flag, else its environment variable, else the default. 0 picks a free port. */
export function portOf(flag: keyof typeof PORTS, value: string | undefined, env: NodeJS.ProcessEnv): number {
  const { env: variable, default: fallback } = PORTS[flag];
  const [given, from] = value !== undefined ? [value, `--${flag}`] : env[variable] ? [env[variable]!, variable] : [undefined, ''];
  if (given === undefined) return fallback;
  const n = Number(given);
  if (given.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new ArgumentError(`${from} must be a port number from 0 to 65535 (0: any free port), got '${given}'`);
  return n;
}

/** `--time-scale`: a positive factor on retry delays and event ages (0.01 makes a minute 0.6 s). */
export function timeScaleOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ArgumentError(`--time-scale must be a positive number such as 0.01 (retries 100 times sooner), got '${value}'`);
  return n;
}

/** `--expires-in`: whole seconds, at least one. */
export function secondsOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) throw new ArgumentError(`--${flag} must be a whole number of seconds, got '${value}'`);
  return n;
}

/** `--max-instances`, `--account-concurrency`: a whole number of at least `min`. */
export function countOf(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new ArgumentError(`--${flag} must be a whole number of at least ${min}, got '${value}'`);
  return n;
}

/** `--node nodejs22.x=/path/to/node` (repeatable) -> `{ 'nodejs22.x': '/path/to/node' }`. */
export function nodeBinariesOf(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new ArgumentError(`--node must be RUNTIME=PATH (e.g. --node nodejs22.x=/opt/node22/bin/node), got '${value}'`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

/**
 * `--inspect[=[127.0.0.1:]PORT]` (node's own form; a bare `--inspect` arrives as `''`): the first
 * function's debugger port. Only 127.0.0.1: whoever reaches the port can run code in the functions.
 */
export function inspectPortOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === '') return DEFAULT_INSPECT_PORT;
  const m = /^(?:(127\.0\.0\.1|localhost):)?(\d{1,5})$/.exec(value);
  if (/^[^:]+:/.test(value) && !m) throw new ArgumentError(`--inspect listens on 127.0.0.1 only (whoever reaches the port can run code in the functions): give --inspect=PORT, got '${value}'`);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new ArgumentError(`--inspect takes the first debugger port, from 0 to 65535 (--inspect=9229; 0: free ports), got '${value}'`);
  return port;
}

/** `--iam enforce|warn|off`. */
export function iamModeOf(value: string | undefined): IamMode | undefined {
  if (value === undefined) return undefined;
  if (!(IAM_MODES as readonly string[]).includes(value)) throw new ArgumentError(`--iam must be one of ${IAM_MODES.join(', ')}, got '${value}'`);
  return value as IamMode;
}
