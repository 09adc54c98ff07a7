import { createLogger, levelFromEnvironment, withInvocationContext, type LogLevel } from '../../lib/runtime';
import { lambdaContext } from './support/lambda';

function memoryLogger(level?: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('levelFromEnvironment', () => {
  it.each([
    [{}, 'INFO'],
    [{ LOG_LEVEL: 'debug' }, 'DEBUG'],
    [{ LOG_LEVEL: 'WARNING' }, 'WARN'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, 'ERROR'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'TRACE' }, 'DEBUG'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, 'ERROR'],
    [{ LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'WARN' }, 'WARN'],
    [{ LOG_LEVEL: 'ERROR', AWS_LAMBDA_LOG_LEVEL: 'INFO' }, 'ERROR'],
    [{ LOG_LEVEL: 'loud' }, 'INFO'],
  ])('%j -> %s', (env, level) => {
    expect(levelFromEnvironment(env)).toBe(level);
  });
});

describe('createLogger', () => {
  it.each([
    ['DEBUG', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['INFO', ['INFO', 'WARN', 'ERROR']],
    ['WARN', ['WARN', 'ERROR']],
    ['ERROR', ['ERROR']],
  ] as const)('at %s writes %j', (level, written) => {
    const { logger, lines } = memoryLogger(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => l.level)).toEqual(written);
  });

  it('reads the level from the environment when none is given', () => {
    process.env.LOG_LEVEL = 'ERROR';
    try {
      const { logger, lines } = memoryLogger();
      logger.warn('dropped');
      logger.error('kept');
      expect(lines.map((l) => l.message)).toEqual(['kept']);
    } finally {
      delete process.env.LOG_LEVEL;
    }
  });

  it('writes the invocation fields on every line, and fields cannot hide the core keys', async () => {
    const { logger, lines } = memoryLogger('DEBUG');
    await withInvocationContext(lambdaContext({ awsRequestId: 'req-42', functionName: 'pay' }), { correlationId: 'corr-7' }, async () => {
      logger.info('charged', { amount: 5, level: 'nope', message: 'nope', timestamp: 'nope' });
    });
    expect(lines).toEqual([
      {
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: 'INFO',
        message: 'charged',
        functionName: 'pay',
        requestId: 'req-42',
        coldStart: expect.any(Boolean),
        correlationId: 'corr-7',
        amount: 5,
      },
    ]);
  });

  it('outside an invocation, writes the function name from the environment only', () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'from-env';
    try {
      const { logger, lines } = memoryLogger();
      logger.info('init');
      expect(lines[0]).toEqual({ timestamp: expect.any(String), level: 'INFO', message: 'init', functionName: 'from-env' });
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });

  it('serializes errors with stack, own fields and cause; cycles and bigints do not throw', () => {
    const { logger, lines } = memoryLogger();
    const cause = new Error('root cause');
    const error = Object.assign(new Error('failed', { cause }), { code: 'E_FAIL' });
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    logger.error('boom', { error, cyclic });
    expect(lines[0]).toMatchObject({
      error: { name: 'Error', message: 'failed', code: 'E_FAIL', stack: expect.stringContaining('logger.test.ts'), cause: { message: 'root cause' } },
      cyclic: { n: '1', self: '[Circular]' },
    });
  });

  it('child loggers add their fields', () => {
    const { logger, lines } = memoryLogger();
    logger.child({ component: 'billing' }).child({ step: 2 }).info('x', { extra: true });
    expect(lines[0]).toMatchObject({ component: 'billing', step: 2, extra: true });
  });
});

describe('cold start', () => {
  afterEach(() => {
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  });

  /** Three invocations in a fresh "container" (a fresh copy of the runtime module). */
  async function coldStartFlags(): Promise<(boolean | undefined)[]> {
    let runtime: typeof import('../../lib/runtime') | undefined;
    jest.isolateModules(() => {
      runtime = jest.requireActual<typeof import('../../lib/runtime')>('../../lib/runtime');
    });
    const { withInvocationContext: run, currentInvocation } = runtime!;
    const flags: (boolean | undefined)[] = [];
    for (let i = 0; i < 3; i++) flags.push(await run(lambdaContext(), {}, async () => currentInvocation()?.coldStart));
    return flags;
  }

  it.each([
    ['on demand', undefined, [true, false, false]],
    ['with provisioned concurrency (initialized ahead of traffic)', 'provisioned-concurrency', [false, false, false]],
  ])('%s', async (_name, initializationType, expected) => {
    if (initializationType) process.env.AWS_LAMBDA_INITIALIZATION_TYPE = initializationType;
    expect(await coldStartFlags()).toEqual(expected);
  });
});
