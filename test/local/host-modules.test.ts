/**
 * Bundles load as Lambda loads them from /var/task: with the module type their own files
 * declare, never the project's, and with the SDK that Lambda provides found wherever the
 * project installed it, and nothing else of the project.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient, LogType } from '@aws-sdk/client-lambda';
import { LocalApp } from '../../lib/local';
import { writeAssembly } from './fixtures/cloud-assembly';
import { clientConfig } from './helpers';

const HOST = path.join(__dirname, 'fixtures', 'host');
const REPO = path.join(__dirname, '..', '..');
const ESM_PROJECT = path.join(__dirname, 'fixtures', 'esm-project');

async function invoke(app: LocalApp, id: string) {
  const lambda = new LambdaClient(clientConfig(app));
  try {
    const fn = app.model.functions.find((f) => f.logicalId === id)!;
    const out = await lambda.send(new InvokeCommand({ FunctionName: fn.name, Payload: Buffer.from('{}'), LogType: LogType.Tail }));
    return { functionError: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload!).toString()), log: Buffer.from(out.LogResult ?? '', 'base64').toString() };
  } finally {
    lambda.destroy();
  }
}

describe('in a project whose package.json says "type": "module"', () => {
  let app: LocalApp;
  beforeAll(async () => {
    // Where `switchyard dev` synthesizes to: under the project, below its package.json.
    const assembly = writeAssembly(path.join(ESM_PROJECT, '.switchyard', 'cdk.out'), {
      functions: [
        { id: 'Cjs', assetDir: path.join(HOST, 'cjs'), handler: 'index.handler' },
        { id: 'EsmJs', assetDir: path.join(HOST, 'esm-js'), handler: 'index.handler' },
      ],
      routes: { 'GET /cjs': 'Cjs', 'GET /esm': 'EsmJs' },
    });
    app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, projectDir: ESM_PROJECT });
  });
  afterAll(() => app.stop());

  test('a CommonJS bundle runs as CommonJS, in its own task root outside the project', async () => {
    const res = await fetch(`${app.urls[0]}/cjs`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { moduleType: string; cwd: string; taskRoot: string };
    expect(body.moduleType).toBe('object');
    expect(fs.realpathSync(body.cwd)).toBe(fs.realpathSync(body.taskRoot));
    expect(path.relative(ESM_PROJECT, body.taskRoot).startsWith('..')).toBe(true);
  });

  test("an asset whose own package.json says ESM runs as ESM", async () => {
    const res = await fetch(`${app.urls[0]}/esm`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { moduleType: string }).moduleType).toBe('undefined');
  });
});

describe('with the assembly outside the project (dev --assembly /tmp/...)', () => {
  let app: LocalApp;
  let assemblyRoot: string;
  beforeAll(async () => {
    assemblyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-outside-'));
    const assembly = writeAssembly(path.join(assemblyRoot, 'cdk.out'), {
      functions: [
        { id: 'Sdk', assetDir: path.join(HOST, 'sdk'), handler: 'index.handler' },
        { id: 'External', assetDir: path.join(HOST, 'external'), handler: 'index.handler' },
        { id: 'MissingSdk', assetDir: path.join(HOST, 'missing-sdk'), handler: 'index.handler' },
      ],
    });
    app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, projectDir: REPO });
  });
  afterAll(async () => {
    await app.stop();
    fs.rmSync(assemblyRoot, { recursive: true, force: true });
  });

  test("an SDK client the bundle left external is the project's, and talks to the local endpoint", async () => {
    const r = await invoke(app, 'Sdk');
    expect(r.functionError).toBeUndefined();
    expect(typeof r.payload.queues).toBe('number');
    expect(fs.realpathSync(r.payload.sdkPath).startsWith(fs.realpathSync(path.join(REPO, 'node_modules', '@aws-sdk', 'client-sqs')))).toBe(true);
  });

  test('a package that is not the SDK, left external, fails as in Lambda although the project has it', async () => {
    expect(fs.existsSync(path.join(REPO, 'node_modules', 'zod'))).toBe(true);
    const r = await invoke(app, 'External');
    expect(r.functionError).toBe('Unhandled');
    expect(r.payload.errorType).toBe('Runtime.ImportModuleError');
    expect(r.payload.errorMessage).toMatch(/^Error: Cannot find module 'zod'/);
    expect(r.log).toMatch(/zod is not in the bundle and Lambda does not provide it/);
  });

  test('an SDK client the project lacks: Lambda\'s ImportModuleError, and the command that installs it', async () => {
    const r = await invoke(app, 'MissingSdk');
    expect(r.functionError).toBe('Unhandled');
    expect(r.payload.errorType).toBe('Runtime.ImportModuleError');
    expect(r.payload.errorMessage).toMatch(/Cannot find package '@aws-sdk\/client-xyz'/);
    expect(r.log).toContain('npm install --save-dev @aws-sdk/client-xyz');
  });
});

test('an SDK installed beside the function sources (lambdas/node_modules) is found for the functions there', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-beside-'));
  const project = path.join(root, 'project');
  // The project as its owner left it: the SDK installed under lambdas/, none at the root.
  const installed = path.join(project, 'lambdas', 'node_modules', '@aws-sdk');
  fs.mkdirSync(installed, { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules', '@aws-sdk', 'client-sqs'), path.join(installed, 'client-sqs'), 'junction');
  const assembly = writeAssembly(path.join(root, 'cdk.out'), {
    functions: [
      { id: 'Beside', assetDir: path.join(HOST, 'sdk'), handler: 'index.handler', entry: 'lambdas/list-queues.ts' },
      { id: 'Elsewhere', assetDir: path.join(HOST, 'sdk'), handler: 'index.handler' },
    ],
  });
  const app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, projectDir: project });
  try {
    const beside = await invoke(app, 'Beside');
    expect(beside.functionError).toBeUndefined();
    expect(typeof beside.payload.queues).toBe('number');
    // A function whose source is not there has no SDK in this project, as the log says.
    const elsewhere = await invoke(app, 'Elsewhere');
    expect(elsewhere.payload.errorType).toBe('Runtime.ImportModuleError');
    expect(elsewhere.log).toContain('npm install --save-dev @aws-sdk/client-sqs');
  } finally {
    await app.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
