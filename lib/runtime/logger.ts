/**
 * Structured JSON logging: one line per record on stdout, carrying the invocation's request id,
 * function name, cold-start flag and correlation id, so CloudWatch Logs Insights can follow a
 * request across functions with one filter on `correlationId`.
 */
import { currentInvocation } from './context';

/** Log levels, least to most severe. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Extra fields of a log record. Errors anywhere in it are logged with name, message and stack. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger. */
export interface Logger {
  /** Logs at DEBUG. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at INFO. */
  info(message: string, fields?: LogFields): void;
  /** Logs at WARN. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at ERROR; pass the error as a field (`{ error }`) to log its stack. */
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record. */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * The minimum level written.
   * @default - the more restrictive of `LOG_LEVEL` and `AWS_LAMBDA_LOG_LEVEL`, else INFO
   */
  readonly level?: LogLevel;
  /** Fields added to every record. */
  readonly fields?: LogFields;
  /**
   * Where lines go.
   * @default - stdout, one JSON document per line
   */
  readonly write?: (line: string) => void;
}

const RANK: Readonly<Record<LogLevel, number>> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/**
 * Creates a structured logger. Most code uses the shared {@link logger}; create one to send
 * lines elsewhere or pin a level.
 *
 * @example
 * const audit = createLogger({ fields: { component: 'audit' } });
 * audit.info('refund approved', { orderId });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? writeStdout;
  const base = options.fields ?? {};
  const log = (level: LogLevel, message: string, fields: LogFields | undefined): void => {
    if (RANK[level] < RANK[options.level ?? levelFromEnvironment()]) return;
    const invocation = currentInvocation();
    const record: Record<string, unknown> = {
      timestamp: new Date().toISOString(),
      level,
      message,
      functionName: invocation?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME,
      requestId: invocation?.requestId,
      coldStart: invocation?.coldStart,
      correlationId: invocation?.correlationId,
    };
    for (const source of [base, fields ?? {}]) {
      for (const [key, value] of Object.entries(source)) {
        // The first three keys are what every log query relies on: a field must not hide them.
        if (key !== 'timestamp' && key !== 'level' && key !== 'message') record[key] = value;
      }
    }
    write(stringify(record));
  };
  return {
    debug: (message, fields) => log('DEBUG', message, fields),
    info: (message, fields) => log('INFO', message, fields),
    warn: (message, fields) => log('WARN', message, fields),
    error: (message, fields) => log('ERROR', message, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/**
 * The shared logger; inside `eventHandler`/`httpHandler` its records carry the invocation's
 * request id, cold-start flag and correlation id.
 *
 * @example
 * logger.info('order stored', { orderId });
 */
export const logger: Logger = /* @__PURE__ */ createLogger();

/**
 * The level from the environment. `AWS_LAMBDA_LOG_LEVEL` is Lambda's application log level:
 * with JSON log format Lambda drops records below it anyway, so the more restrictive of the two
 * wins and nothing is serialized only to be thrown away.
 */
export function levelFromEnvironment(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const levels = [env.LOG_LEVEL, env.AWS_LAMBDA_LOG_LEVEL].map(parseLevel).filter((l): l is LogLevel => l !== undefined);
  if (levels.length === 0) return 'INFO';
  return levels.reduce((a, b) => (RANK[a] >= RANK[b] ? a : b));
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  const upper = value?.trim().toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  // Lambda's TRACE and FATAL map to the nearest level we write.
  if (upper === 'TRACE') return 'DEBUG';
  if (upper === 'FATAL') return 'ERROR';
  return upper !== undefined && upper in RANK ? (upper as LogLevel) : undefined;
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** JSON.stringify that never throws: errors keep their stack, cycles and bigints are marked. */
function stringify(record: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) {
      // Own fields (code, statusCode, issues...) first; name, message and stack are not enumerable.
      const cause: unknown = (value as { cause?: unknown }).cause;
      return { ...value, name: value.name, message: value.message, stack: value.stack, ...(cause !== undefined ? { cause } : {}) };
    }
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}
