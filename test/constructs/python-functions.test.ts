/**
 * Python functions in the constructs: `addFunction(name, { entry: '.../app.py' })` makes a
 * Python function with the defaults Node.js functions get, packaged from the entry's folder
 * and the requirements beside it (installed by pip for Lambda's platform, from a local wheel:
 * PyPI is not reachable from these machines), cached by content.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EventApp, type AppFunctionProps } from '../../lib';

const REPORT = 'test/fixtures/python/report/app.py';
const WITH_DEPS = 'test/fixtures/python/with-deps/app.py';

let cacheDir: string;
let outRoot: string;
const savedCache = process.env.SWITCHYARD_CACHE_DIR;
beforeAll(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-pycache-'));
  outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-pyout-'));
  process.env.SWITCHYARD_CACHE_DIR = cacheDir;
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.SWITCHYARD_CACHE_DIR;
  else process.env.SWITCHYARD_CACHE_DIR = savedCache;
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.rmSync(outRoot, { recursive: true, force: true });
});

/** Synthesizes an app with one function; returns its template and the files of its deployed asset. */
function synth(props: AppFunctionProps) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(outRoot, 'out-')), context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Test');
  new EventApp(stack, 'Shop').addFunction('Report', props);
  const template = Template.fromStack(stack);
  const [, resource] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.includes('Report'))!;
  const assetDir = path.join(app.outdir, (resource as { Metadata: Record<string, string> }).Metadata['aws:asset:path']);
  const files = fs.readdirSync(assetDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(assetDir, path.join(e.parentPath, e.name))).sort();
  return { template, resource: resource as { Properties: Record<string, unknown>; Metadata: Record<string, unknown> }, assetDir, files };
}

test('a .py entry makes a Python function on python3.14, arm64, with the defaults Node.js functions get', () => {
  const { template, resource } = synth({ entry: REPORT });
  expect(resource.Properties).toMatchObject({
    Runtime: 'python3.14',
    Architectures: ['arm64'],
    Handler: 'app.lambda_handler',
    MemorySize: 256,
    Timeout: 10,
    TracingConfig: { Mode: 'Active' },
    LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/ReportLogs/) } },
  });
  expect(resource.Metadata['switchyard:entry']).toBe(REPORT);
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('Report') } }] });
});

test('handler names the function in the module; runtime and architecture pass through', () => {
  const { resource } = synth({ entry: REPORT, handler: 'weekly', runtime: lambda.Runtime.PYTHON_3_12, architecture: lambda.Architecture.X86_64 });
  expect(resource.Properties).toMatchObject({ Handler: 'app.weekly', Runtime: 'python3.12', Architectures: ['x86_64'] });
});

test("an app-wide Node.js runtime in functionDefaults does not apply to a Python entry", () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(outRoot, 'out-')) });
  const stack = new Stack(app, 'Test');
  const shop = new EventApp(stack, 'Shop', { functionDefaults: { runtime: lambda.Runtime.NODEJS_22_X } });
  shop.addFunction('Report', REPORT);
  shop.addFunction('Hello', 'test/fixtures/handlers/hello.ts');
  const runtimes = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((r) => (r as { Properties: { Runtime: string } }).Properties.Runtime).sort();
  expect(runtimes).toEqual(['nodejs22.x', 'python3.14']);
});

test('the package is the entry folder without tests and caches', () => {
  expect(synth({ entry: REPORT }).files).toEqual(['app.py', 'helpers.py']);
});

test('requirements.txt is installed into the package for Lambda (a local wheel), and the handler imports it', () => {
  const { files, assetDir } = synth({ entry: WITH_DEPS });
  expect(files).toEqual(expect.arrayContaining(['app.py', 'requirements.txt', path.join('greeting', '__init__.py'), path.join('greeting-1.0.0.dist-info', 'METADATA')]));
  // The deployed package runs as Lambda runs it: the task root on sys.path, the handler called.
  const out = execFileSync('python3', ['-c', 'import json, sys; sys.path.insert(0, sys.argv[1]); import app; print(json.dumps(app.lambda_handler({"name": "ada"}, None)))', assetDir], { encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ message: 'hello, ada' });
});

test('packages are cached by content: an unchanged folder runs no pip (none on PATH), an edit makes a new package', () => {
  const project = fs.mkdtempSync(path.join(outRoot, 'project-'));
  fs.cpSync(path.join('test/fixtures/python'), project, { recursive: true });
  const entry = path.join(project, 'with-deps', 'app.py');
  const first = synth({ entry });
  const savedPath = process.env.PATH;
  process.env.PATH = '';
  try {
    expect(synth({ entry }).files).toEqual(first.files);
  } finally {
    process.env.PATH = savedPath;
  }
  fs.appendFileSync(entry, '\n# edited\n');
  const edited = synth({ entry });
  expect(edited.resource.Properties.Code).not.toEqual(first.resource.Properties.Code);
  expect(fs.readFileSync(path.join(edited.assetDir, 'app.py'), 'utf8')).toContain('# edited');
});

test('a Python entry can be given wherever a handler is: a route by its path', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(outRoot, 'out-')) });
  const stack = new Stack(app, 'Test');
  new EventApp(stack, 'Shop').addRoute('GET /report', REPORT);
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Runtime: 'python3.14', Handler: 'app.lambda_handler' });
});
