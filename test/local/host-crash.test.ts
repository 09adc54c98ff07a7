/**
 * An instance that dies idle (a timer throws after the handler returned, a rejection nobody
 * handles, process.exit) is replaced before it is handed another call, and what killed it is
 * logged against the request that ran there last, as Lambda logs it in that request's stream.
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
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-crash-'));
  const assembly = writeAssembly(path.join(root, 'cdk.out'), { functions: [{ id: 'Late', assetDir: path.join(__dirname, 'fixtures', 'host', 'crash-idle'), handler: 'index.handler' }] });
  app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false });
  app.host.on('log', (l) => logs.push(l));
  lambda = new LambdaClient(clientConfig(app));
});
afterAll(async () => {
  lambda.destroy();
  await app.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function invoke(event: object) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: app.model.functions[0].name, Payload: Buffer.from(JSON.stringify(event)) }));
  return { requestId: out.$metadata.requestId!, functionError: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload!).toString()) };
}

/** Resolves once the instance is gone (it exits a few ms after answering). */
async function instanceGone(): Promise<void> {
  while (app.host.instanceCount(app.model.functions[0].name) > 0) await new Promise((r) => setTimeout(r, 5));
}

test.each([
  ['throw', /^Uncaught Exception .*"errorType":"Error","errorMessage":"late boom after first-throw"/, 'exit status 129'],
  ['reject', /^Unhandled Promise Rejection .*"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: late rejection after first-reject"/, 'exit status 128'],
  ['exit', undefined, 'exit status 7'],
])('a %s after the handler returned: the next call gets a fresh instance, and the log says what happened', async (mode, cause, exit) => {
  const first = await invoke({ mode, id: `first-${mode}` });
  expect(first.functionError).toBeUndefined();
  expect(first.payload.answered).toBe(`first-${mode}`);
  await instanceGone();

  const second = await invoke({ id: 'second' });
  expect(second.functionError).toBeUndefined();
  expect(second.payload.pid).not.toBe(first.payload.pid);

  const ofFirst = logs.filter((l) => l.requestId === first.requestId).map((l) => l.text);
  if (cause) expect(ofFirst).toContainEqual(expect.stringMatching(cause));
  expect(ofFirst).toContain(`RequestId: ${first.requestId} Error: Runtime exited with error: ${exit}\tRuntime.ExitError`);
  expect(logs.filter((l) => l.requestId === second.requestId && l.level === 'ERROR')).toEqual([]);
});
