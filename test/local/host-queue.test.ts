/**
 * Calls that wait for an instance are handed to one several at a time (one write to its
 * process): Lambda's semantics must hold all the same. Each call runs alone in its instance,
 * in the order the calls came, with its own timeout; one that ends its instance (an exit, a
 * timeout) fails alone, and the calls queued behind it run on a new instance.
 *
 * One instance for the whole app (`maxInstances: 1`) makes every concurrent call queue.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LocalApp, type FunctionLogRecord } from '../../lib/local';
import { writeAssembly } from './fixtures/cloud-assembly';
import { clientConfig } from './helpers';

let app: LocalApp;
let lambda: LambdaClient;
let root: string;
const logs: FunctionLogRecord[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-queue-'));
  const assembly = writeAssembly(path.join(root, 'cdk.out'), {
    functions: [{ id: 'Sequence', assetDir: path.join(__dirname, 'fixtures', 'handlers'), handler: 'sequence.handler', timeoutSeconds: 2 }],
  });
  app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, maxInstances: 1 });
  app.host.on('log', (l) => logs.push(l));
  lambda = new LambdaClient(clientConfig(app));
});
afterAll(async () => {
  lambda.destroy();
  await app.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

interface Answer {
  readonly requestId: string;
  readonly error?: string;
  readonly body: { n: number; pid: number; position: number; maxInFlight: number; errorType?: string; errorMessage?: string };
}

async function invoke(event: object): Promise<Answer> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: app.model.functions[0].name, Payload: Buffer.from(JSON.stringify(event)) }));
  return { requestId: out.$metadata.requestId!, error: out.FunctionError, body: JSON.parse(Buffer.from(out.Payload!).toString()) };
}

/** `count` concurrent calls numbered 0..count-1; `special` gives some of them a mode. */
async function burst(count: number, ms: number, special: Record<number, object> = {}): Promise<Answer[]> {
  // One call first, so that the instance exists and every later call waits for it.
  await invoke({ n: -1 });
  return Promise.all(Array.from({ length: count }, (_, n) => invoke({ n, ms, ...special[n] })));
}

test('queued calls run one at a time, in the order they came, each with its own timeout', async () => {
  // 12 calls of 400 ms on one instance take ~5 s: far over the 2 s timeout, were it counted from when a call was queued.
  const answers = await burst(12, 400);
  expect(answers.map((a) => a.error)).toEqual(Array(12).fill(undefined));
  expect(new Set(answers.map((a) => a.body.pid)).size).toBe(1);
  expect(Math.max(...answers.map((a) => a.body.maxInFlight))).toBe(1);
  const positions = answers.map((a) => a.body.position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  // Each call's log line is in its own request's stream.
  for (const a of answers) expect(logs.filter((l) => l.requestId === a.requestId).map((l) => l.text)).toEqual([`running ${a.body.n}`]);
});

test('a call that ends its instance fails alone; the calls queued behind it run on a new instance', async () => {
  const answers = await burst(10, 20, { 4: { mode: 'exit' } });
  expect(answers[4].error).toBe('Unhandled');
  expect(answers[4].body).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${answers[4].requestId} Error: Runtime exited with error: exit status 2` });
  const ok = answers.filter((_, n) => n !== 4);
  expect(ok.map((a) => a.error)).toEqual(Array(9).fill(undefined));
  expect(ok.map((a) => a.body.n)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
  // The calls after the exit ran once each, on another process than the calls before it.
  const before = new Set(answers.slice(0, 4).map((a) => a.body.pid));
  for (const a of answers.slice(5)) expect(before.has(a.body.pid)).toBe(false);
});

test('a call that times out fails alone; the calls queued behind it run on a new instance', async () => {
  const answers = await burst(6, 20, { 2: { ms: 10_000 } });
  expect(answers[2].body).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${answers[2].requestId} Error: Task timed out after 2.00 seconds` });
  expect(answers.filter((_, n) => n !== 2).map((a) => [a.body.n, a.error])).toEqual([0, 1, 3, 4, 5].map((n) => [n, undefined]));
  const before = new Set(answers.slice(0, 2).map((a) => a.body.pid));
  for (const a of answers.slice(3)) expect(before.has(a.body.pid)).toBe(false);
});

test('a thrown error fails its call alone and keeps the instance', async () => {
  const answers = await burst(6, 5, { 1: { mode: 'throw' } });
  expect(answers[1].body).toMatchObject({ errorType: 'Error', errorMessage: 'failing 1' });
  expect(new Set(answers.filter((_, n) => n !== 1).map((a) => a.body.pid)).size).toBe(1);
});

test('stopping the app ends the call running and the calls queued behind it', async () => {
  await invoke({ n: -1 });
  const fn = app.model.functions[0].name;
  const started = logs.length;
  // n=0 takes the instance; when it ends, 1..6 are handed to it at once: 1 runs, 2..6 wait in its queue.
  const calls = Promise.allSettled(Array.from({ length: 7 }, (_, n) => app.host.invoke(fn, { payload: JSON.stringify({ n, ms: n === 0 ? 50 : 60_000 }), overflow: 'wait' })));
  while (!logs.slice(started).some((l) => l.text === 'running 1')) await new Promise((r) => setTimeout(r, 5));
  await app.stop();
  const settled = await calls;
  expect(settled[0].status === 'fulfilled' && settled[0].value.error).toBe(undefined);
  for (const s of settled.slice(1)) {
    if (s.status === 'fulfilled') expect(s.value.error?.errorType).toBe('Runtime.ExitError');
    else expect(s.reason).toBeInstanceOf(Error);
  }
});

describe('the instance cap, shared by the functions', () => {
  let shared: LocalApp;
  const name = (id: string) => shared.model.functions.find((f) => f.logicalId === id)!.name;
  const call = (id: string, ms: number) => shared.host.invoke(name(id), { payload: JSON.stringify({ n: 0, ms }), overflow: 'wait' });
  beforeAll(async () => {
    const handlers = path.join(__dirname, 'fixtures', 'handlers');
    const assembly = writeAssembly(path.join(root, 'cap', 'cdk.out'), {
      functions: ['A', 'B', 'C'].map((id) => ({ id, assetDir: handlers, handler: 'sequence.handler' })),
    });
    shared = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, maxInstances: 3 });
  });
  afterAll(() => shared.stop());

  test('a function without an instance takes the slot of an idle one, from the function with the most', async () => {
    // C has one instance, idle longest; A scales to two; the cap (3) is reached.
    expect((await call('C', 0)).cold).toBe(true);
    expect((await Promise.all([call('A', 200), call('A', 200)])).map((r) => r.cold)).toEqual([true, true]);
    // B takes one of A's, not C's only one (which would then start cold at its next call).
    expect((await call('B', 0)).cold).toBe(true);
    expect(['A', 'B', 'C'].map((id) => shared.host.instanceCount(name(id)))).toEqual([1, 1, 1]);
    expect((await call('C', 0)).cold).toBe(false);
  });

  test('at the cap, a function that has an instance queues its calls on it rather than taking another function\'s', async () => {
    const calls = await Promise.all(Array.from({ length: 8 }, () => call('B', 20)));
    expect(calls.filter((r) => r.cold)).toEqual([]);
    expect(['A', 'B', 'C'].map((id) => shared.host.instanceCount(name(id)))).toEqual([1, 1, 1]);
  });
});
