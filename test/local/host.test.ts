import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryLedger, FunctionHost, FunctionNotFoundError, HotReloader, ThrottledError, type FunctionLogRecord, type InvokeResult, type ReloadRecord } from '../../lib/local';
import type { FunctionModel } from '../../lib/model';

const HANDLERS = path.join(__dirname, 'fixtures', 'handlers');

function fn(name: string, handler: string, extra: Partial<FunctionModel> = {}): FunctionModel {
  return {
    stack: 'S',
    logicalId: `${name}Logical`,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: HANDLERS,
    handler,
    runtime: 'nodejs24.x',
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    asyncConfig: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60 },
    ...extra,
  };
}

const parse = (r: InvokeResult) => JSON.parse(r.payload);
const bodyOf = (r: InvokeResult) => JSON.parse(parse(r).body);

let host: FunctionHost;
beforeAll(() => {
  host = new FunctionHost(
    [
      fn('cjs', 'cjs.handler', { environment: { STYLE: 'callback' } }),
      fn('http', 'http.handler', { environment: { GREETING: 'hi' } }),
      fn('slow', 'slow.handler', { reservedConcurrency: 1, timeoutSeconds: 1 }),
      fn('crash', 'crash.handler'),
      fn('missing-module', 'nope.handler'),
      fn('missing-export', 'http.nothing'),
    ],
    { awsEndpointUrl: 'http://127.0.0.1:1', region: 'eu-west-1' },
  );
});
afterAll(() => host.stop());

describe('function host', () => {
  test('a warm instance is reused: module state survives, the second call is warm', async () => {
    const a = await host.invoke('cjs', { payload: '{}', overflow: 'throttle' });
    const b = await host.invoke('cjs', { payload: '{}', overflow: 'throttle' });
    expect([a.cold, b.cold]).toEqual([true, false]);
    expect(bodyOf(b).count).toBe(bodyOf(a).count + 1);
  });

  test('concurrent calls start a second (cold) instance', async () => {
    const calls = await Promise.all([1, 2, 3].map(() => host.invoke('http', { payload: '{}', overflow: 'throttle' })));
    expect(host.instanceCount('http')).toBe(3);
    expect(calls.filter((c) => c.cold)).toHaveLength(3);
  });

  test('each function sees only its own environment, with the Lambda variables and no host variables', async () => {
    const env = bodyOf(await host.invoke('http', { payload: '{}', overflow: 'throttle' })).env;
    expect(env).toMatchObject({ GREETING: 'hi', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_LAMBDA_FUNCTION_NAME: 'http' });
    expect(env.HOME).toBeUndefined();
    expect(env.STYLE).toBeUndefined();
    const cjsEnv = await host.invoke('cjs', { payload: '{}', overflow: 'throttle' });
    expect(bodyOf(cjsEnv).style).toBe('callback');
  });

  test('console output and raw stdout become log records of the invocation', async () => {
    const logs: FunctionLogRecord[] = [];
    const onLog = (l: FunctionLogRecord) => logs.push(l);
    host.on('log', onLog);
    const logged = await host.invoke('http', { payload: '{"queryStringParameters":{"mode":"log"}}', overflow: 'throttle' });
    const rawLine = new Promise<FunctionLogRecord>((resolve) => host.on('log', (l) => l.text.startsWith('raw line') && resolve(l)));
    const raw = await host.invoke('http', { payload: '{"queryStringParameters":{"mode":"stdout"}}', overflow: 'throttle' });
    const line = await rawLine;
    host.off('log', onLog);
    expect(logs).toContainEqual({ functionName: 'http', requestId: logged.requestId, level: 'INFO', text: 'hello from http' });
    expect(line).toEqual({ functionName: 'http', requestId: raw.requestId, level: 'INFO', text: `raw line from ${raw.requestId}` });
  });

  test('functions are found by name, ARN (qualified or not) and logical id', () => {
    expect(host.find('arn:aws:lambda:us-east-1:000000000000:function:http:$LATEST')?.name).toBe('http');
    expect(host.find('httpLogical')?.name).toBe('http');
    expect(host.find('http:$LATEST')?.name).toBe('http');
    return expect(host.invoke('nope', { payload: '{}', overflow: 'throttle' })).rejects.toBeInstanceOf(FunctionNotFoundError);
  });

  test('over the concurrency limit, synchronous calls are throttled and asynchronous ones wait', async () => {
    const first = host.invoke('slow', { payload: '{"ms":300}', overflow: 'wait' });
    await expect(host.invoke('slow', { payload: '{"ms":1}', overflow: 'throttle' })).rejects.toBeInstanceOf(ThrottledError);
    const waited = host.invoke('slow', { payload: '{"ms":1}', overflow: 'wait' });
    expect(parse(await first)).toEqual({ slept: 300 });
    const second = await waited;
    expect(parse(second)).toEqual({ slept: 1 });
    expect(second.cold).toBe(false);
  });

  test('the timeout is enforced and the instance replaced', async () => {
    const r = await host.invoke('slow', { payload: '{"ms":5000}', overflow: 'wait' });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${r.requestId} Error: Task timed out after 1.00 seconds` });
    const next = await host.invoke('slow', { payload: '{"ms":1}', overflow: 'wait' });
    expect(next.cold).toBe(true);
  });

  test.each([
    ['throw', 'OrderError', 'order 42 is invalid'],
    ['exit', 'Runtime.ExitError', 'Runtime exited with error: exit status 3'],
    ['reject', 'Runtime.UnhandledPromiseRejection', 'Error: nobody awaited me'],
  ])('a handler failing by %s reports %s and only that instance is affected', async (mode, errorType, message) => {
    const r = await host.invoke('crash', { payload: JSON.stringify({ mode }), overflow: 'throttle' });
    expect(r.error?.errorType).toBe(errorType);
    expect(r.error?.errorMessage).toContain(message);
    expect((await host.invoke('crash', { payload: '{"mode":"ok"}', overflow: 'throttle' })).error).toBeUndefined();
  });

  test.each([
    ['missing-module', 'Runtime.ImportModuleError'],
    ['missing-export', 'Runtime.HandlerNotFound'],
  ])('%s fails with %s', async (name, errorType) => {
    const r = await host.invoke(name, { payload: '{}', overflow: 'throttle' });
    expect(r.error?.errorType).toBe(errorType);
  });
});

describe('hot reload', () => {
  test('a source change is rebundled and new calls run the new code', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-reload-'));
    const src = path.join(project, 'src');
    const asset = path.join(project, 'asset');
    fs.mkdirSync(src);
    fs.mkdirSync(asset);
    fs.writeFileSync(path.join(src, 'greeting.ts'), "export const greeting: string = 'v1';\n");
    fs.writeFileSync(path.join(src, 'handler.ts'), "import { greeting } from './greeting';\nexport const handler = async () => greeting;\n");
    fs.writeFileSync(path.join(asset, 'index.mjs'), "export const handler = async () => 'deployed';\n");
    const model = fn('reload', 'index.handler', { codeDir: asset, source: { entry: path.join(src, 'handler.ts'), bundling: { minify: true } } });
    const reloadHost = new FunctionHost([model], { awsEndpointUrl: 'http://127.0.0.1:1', region: 'us-east-1' });
    const reloader = new HotReloader([model], reloadHost, { projectDir: project });
    try {
      expect(parse(await reloadHost.invoke('reload', { payload: '{}', overflow: 'throttle' }))).toBe('deployed');
      reloader.start();
      const reloaded = new Promise<ReloadRecord>((resolve) => reloader.once('reload', resolve));
      fs.writeFileSync(path.join(src, 'greeting.ts'), "export const greeting: string = 'v2';\n");
      const record = await reloaded;
      expect(record.functionName).toBe('reload');
      expect(record.error).toBeUndefined();
      expect(parse(await reloadHost.invoke('reload', { payload: '{}', overflow: 'throttle' }))).toBe('v2');
      fs.writeFileSync(path.join(src, 'handler.ts'), 'export const handler = async () => {');
      const failed = await reloader.rebuild(model);
      expect(failed.error).toMatch(/Unexpected end of file/);
      // A failed build keeps the last good code, in warm and in new instances alike.
      const calls = await Promise.all([1, 2, 3].map(() => reloadHost.invoke('reload', { payload: '{}', overflow: 'throttle' })));
      expect(calls.some((c) => c.cold)).toBe(true);
      expect(calls.map(parse)).toEqual(['v2', 'v2', 'v2']);
    } finally {
      await reloader.stop();
      await reloadHost.stop();
    }
  });
});

describe('delivery ledger', () => {
  test('keeps at most maxEnded ended deliveries listable, counts all, and always keeps open ones', () => {
    const ledger = new DeliveryLedger({ maxEnded: 2 });
    const payload = { payload: '{}', requestId: 'r' };
    const open = ledger.accept({ eventId: 'open', kind: 'rule', targetArn: 'arn:t' }, payload);
    for (const id of ['a', 'b', 'c']) ledger.update(ledger.accept({ eventId: id, kind: 'rule', targetArn: 'arn:t' }, payload), { state: 'delivered' });
    ledger.update(open, { state: 'retrying', attempts: 1 });
    expect(ledger.list().map((r) => r.eventId)).toEqual(['open', 'b', 'c']);
    expect(ledger.counts()).toEqual({ pending: 0, retrying: 1, delivered: 3, failed: 0, 'dead-lettered': 0, dropped: 0, undeliverable: 0 });
    expect(() => ledger.update(ledger.list({ eventId: 'c' })[0], { state: 'dropped' })).toThrow(/already delivered/);
  });

  test('past maxEnded, forgets ended deliveries oldest first, however many ended before', () => {
    const ledger = new DeliveryLedger({ maxEnded: 1500 });
    const forgotten: string[] = [];
    ledger.on('forget', (id) => forgotten.push(id));
    const payload = { payload: '{}', requestId: 'r' };
    for (let i = 0; i < 5000; i++) ledger.update(ledger.accept({ eventId: `e${i}`, kind: 'rule', targetArn: 'arn:t' }, payload), { state: i % 2 ? 'delivered' : 'dropped' });
    expect(ledger.list().map((r) => r.eventId)).toEqual(Array.from({ length: 1500 }, (_, i) => `e${3500 + i}`));
    expect(forgotten).toEqual(Array.from({ length: 3500 }, (_, i) => `d-${i + 1}`));
    expect(ledger.forgottenCounts()).toMatchObject({ delivered: 1750, dropped: 1750 });
    expect(ledger.counts()).toMatchObject({ delivered: 2500, dropped: 2500 });
  });
});
