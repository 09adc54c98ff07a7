/**
 * The limits of a function as AWS applies them: its memory size (heap and Buffers alike), its
 * reserved concurrency and the account's, and no other throttling: this machine's instance cap
 * makes calls wait, never fail.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { LocalApp, type LocalAppOptions } from '../../lib/local';
import { writeAssembly, type AssemblySpec } from './fixtures/cloud-assembly';
import { clientConfig } from './helpers';

const HOST = path.join(__dirname, 'fixtures', 'host');
const HANDLERS = path.join(__dirname, 'fixtures', 'handlers');
const roots: string[] = [];

async function start(spec: AssemblySpec, options: LocalAppOptions = {}): Promise<LocalApp> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-limits-'));
  roots.push(root);
  return LocalApp.start(writeAssembly(path.join(root, 'cdk.out'), spec), { httpPort: 0, awsPort: 0, schedules: false, ...options });
}
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

const fnName = (app: LocalApp, id: string) => app.model.functions.find((f) => f.logicalId === id)!.name;
const statuses = (responses: readonly Response[]) => responses.map((r) => r.status).sort();

describe('memorySize', () => {
  let app: LocalApp;
  beforeAll(async () => {
    app = await start({
      functions: [
        { id: 'Hog', assetDir: path.join(HOST, 'memory'), handler: 'index.handler', memoryMb: 256, timeoutSeconds: 60 },
        { id: 'Other', assetDir: path.join(HOST, 'cjs'), handler: 'index.handler' },
      ],
      routes: { 'GET /hog': 'Hog', 'GET /other': 'Other' },
    });
  });
  afterAll(() => app.stop());

  test('a 256 MB function allocating 2 GB of Buffers is ended as out of memory; the host keeps its memory and serves on', async () => {
    const lambda = new LambdaClient(clientConfig(app));
    const rssBefore = process.memoryUsage.rss();
    try {
      const out = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'Hog'), Payload: Buffer.from(JSON.stringify({ mb: 2048 })) }));
      expect(out.FunctionError).toBe('Unhandled');
      expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({
        errorType: 'Runtime.OutOfMemory',
        errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: signal: killed`,
      });
    } finally {
      lambda.destroy();
    }
    // The 2 GB were never the host's: its own memory barely moved.
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(128 * 1024 * 1024);
    expect((await fetch(`${app.urls[0]}/other`)).status).toBe(200);
    // The next call gets a fresh instance, and memory within the limit is fine.
    const next = await fetch(`${app.urls[0]}/hog?mb=64`);
    expect(next.status).toBe(200);
    expect(await next.json()).toEqual({ heldMb: 64, memoryLimitInMB: '256' });
  });

  test('through the HTTP API, an instance out of memory is a 500 as API Gateway answers it', async () => {
    const res = await fetch(`${app.urls[0]}/hog?mb=1024`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });
});

describe('concurrency', () => {
  test('50 concurrent requests to a function without reserved concurrency all succeed; the instance cap queues them', async () => {
    const app = await start({ functions: [{ id: 'Slow', assetDir: HANDLERS, handler: 'slow.handler' }], routes: { 'GET /slow': 'Slow' } }, { maxInstances: 4 });
    try {
      const seen: number[] = [];
      const sample = setInterval(() => seen.push(app.host.instanceCount(fnName(app, 'Slow'))), 5);
      const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${app.urls[0]}/slow?ms=100`)));
      clearInterval(sample);
      expect(statuses(responses)).toEqual(Array(50).fill(200));
      expect(Math.max(...seen)).toBeLessThanOrEqual(4);
    } finally {
      await app.stop();
    }
  });

  describe('with reserved concurrency 2 and an account limit of 5', () => {
    let app: LocalApp;
    beforeAll(async () => {
      app = await start(
        {
          functions: [
            { id: 'Reserved', assetDir: HANDLERS, handler: 'slow.handler', reservedConcurrency: 2, timeoutSeconds: 30 },
            { id: 'Shared', assetDir: HANDLERS, handler: 'slow.handler', timeoutSeconds: 30 },
          ],
          routes: { 'GET /reserved': 'Reserved', 'GET /shared': 'Shared' },
        },
        { accountConcurrency: 5 },
      );
    });
    afterAll(() => app.stop());

    // The calls that run sleep long enough for every other call to arrive meanwhile, even on a loaded machine.
    test('50 concurrent requests: 2 run, the rest get 429 at the gateway', async () => {
      const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${app.urls[0]}/reserved?ms=6000`)));
      expect(statuses(responses)).toEqual([...Array(2).fill(200), ...Array(48).fill(429)]);
      expect(await responses.find((r) => r.status === 429)!.json()).toEqual({ message: 'Too Many Requests' });
    });

    test("functions without reserved concurrency share the account's rest (5 - 2): Lambda's TooManyRequestsException over it", async () => {
      const responses = Promise.all(Array.from({ length: 3 }, () => fetch(`${app.urls[0]}/shared?ms=8000`)));
      // Awaited below; a failure before that must not surface as an unhandled rejection.
      responses.catch(() => undefined);
      while (app.host.instanceCount(fnName(app, 'Shared')) < 3) await new Promise((r) => setTimeout(r, 10));
      const lambda = new LambdaClient(clientConfig(app));
      try {
        const err = await lambda.send(new InvokeCommand({ FunctionName: fnName(app, 'Shared'), Payload: Buffer.from('{"ms":1}') })).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TooManyRequestsException);
        expect((err as TooManyRequestsException).Reason).toBe('ConcurrentInvocationLimitExceeded');
      } finally {
        lambda.destroy();
      }
      expect(statuses(await responses)).toEqual([200, 200, 200]);
    });
  });
});
