/**
 * An ES module CDK project (fixtures/esm-app: `"type": "module"`, the app run by `npx tsx` from
 * cdk.json) with a CommonJS and an ES module bundle, an `AwsCustomResource` seeding a table and a
 * Provider-framework custom resource, run by `switchyard dev` in a child process as its user
 * runs it, and driven from outside through what dev prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { printedOutputs } from './support';

const PROJECT = path.join(__dirname, 'fixtures', 'esm-app');
const CLI = path.join(__dirname, '..', '..', 'bin', 'switchyard.js');
let dev: ChildProcess;
let output = '';
let exited: Promise<number | null>;
let outputs: Record<string, string>;
let sdk: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

beforeAll(async () => {
  // `detached`: its own process group, so that Ctrl-C (SIGINT to the group) reaches it as in a terminal.
  dev = spawn(process.execPath, [CLI, 'dev', '--http-port', '0', '--aws-port', '0', '--console-port', '0', '--no-watch'], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  dev.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  dev.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  exited = new Promise((resolve) => dev.once('exit', resolve));
  await Promise.race([until(() => /\nReady\./.test(output)), exited.then((code) => Promise.reject(new Error(`dev exited with ${code}:\n${output}`)))]);
  outputs = printedOutputs(output);
  const endpoint = /AWS endpoint +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (!endpoint) throw new Error(`dev printed no AWS endpoint:\n${output}`);
  sdk = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}, 240_000);

afterAll(async () => {
  if (dev?.exitCode === null) {
    process.kill(-dev.pid!, 'SIGINT');
    await exited;
  }
});

async function until(done: () => boolean, ms = 220_000): Promise<void> {
  for (const deadline = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`timed out; dev printed:\n${output}`);
  }
}

async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, json: await res.json() };
}

test('dev creates the custom resources at start-up and says so; the provider-made token is printed as an output', () => {
  expect(output).toMatch(/\nSeedGreeting +Custom::AWS +created \(physical id greeting-seed\)\n/);
  expect(output).toMatch(/\nApiToken +AWS::CloudFormation::CustomResource +created \(physical id tok-[0-9a-f]{12}\)\n/);
  expect(outputs.Token).toMatch(/^tok-[0-9a-f]{12}$/);
  expect(output).toContain(`(physical id ${outputs.Token})`);
  expect(output).not.toMatch(/ ERROR /);
});

test('the CommonJS and the ES module bundle both run in a "type": "module" project, and read what the seed wrote', async () => {
  expect(await getJson(`${outputs.ApiUrl}cjs`)).toEqual({ status: 200, json: { format: 'commonjs', greeting: 'hello from the seed' } });
  expect(await getJson(`${outputs.ApiUrl}esm`)).toEqual({ status: 200, json: { format: 'esm', moduleUrl: true, greeting: 'hello from the seed' } });
});

test('the printed function name and table name work with the real SDK clients', async () => {
  const out = await new LambdaClient(sdk).send(new InvokeCommand({ FunctionName: outputs.EsmFunctionName, Payload: '{}' }));
  expect(out.FunctionError).toBeUndefined();
  expect(JSON.parse(JSON.parse(Buffer.from(out.Payload!).toString('utf8')).body)).toMatchObject({ format: 'esm' });

  const db = DynamoDBDocumentClient.from(new DynamoDBClient(sdk));
  expect((await db.send(new GetCommand({ TableName: outputs.TableName, Key: { id: 'greeting' } }))).Item).toEqual({ id: 'greeting', text: 'hello from the seed' });
});

test('Ctrl-C stops dev cleanly', async () => {
  process.kill(-dev.pid!, 'SIGINT');
  expect(await exited).toBe(0);
  expect(output).toMatch(/\nDeliveries: 0 delivered, 0 dead-lettered, 0 still retrying, 0 dropped, 0 undeliverable/);
});
