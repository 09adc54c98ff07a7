/**
 * Hot reload of Python functions end to end: the Python fixture app synthesized from a copy of
 * its handlers' folder (as a user's project holds it), run with `watch: true`, the copy edited
 * as a user edits, and the route called over HTTP. Nothing records where a plain CDK app's
 * asset came from: the watcher finds the folder by its content (see python-sources.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApp, type ReloadBatch } from '../../lib/local';
import { synthPythonApp } from './helpers';

let project: string;
let handlers: string;
let app: LocalApp;
const batches: ReloadBatch[] = [];

beforeAll(async () => {
  // A fixed folder, so that the synthesized assembly is cached between runs (the path is part of it).
  project = path.join(__dirname, '..', '..', '.switchyard', 'test-projects', 'python-reload');
  fs.rmSync(project, { recursive: true, force: true });
  handlers = path.join(project, 'handlers');
  fs.mkdirSync(project, { recursive: true });
  fs.cpSync(path.join(__dirname, 'fixtures', 'python-fn'), handlers, { recursive: true });
  app = await LocalApp.start(synthPythonApp(handlers), { httpPort: 0, awsPort: 0, schedules: false, watch: true, projectDir: project });
  app.reloader!.on('batch', (b) => batches.push(b));
  await app.reloader!.ready();
});

afterAll(async () => {
  await app?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

async function get(): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.urls[0]}/py/reload`);
  const text = await res.text();
  return { status: res.status, body: res.ok ? JSON.parse(text) : text };
}

/** Writes a file of the project and resolves with the reload round it causes. */
function edit(file: string, change: (text: string) => string): Promise<ReloadBatch> {
  const seen = batches.length;
  const target = path.join(handlers, file);
  fs.writeFileSync(target, change(fs.readFileSync(target, 'utf8')));
  return new Promise((resolve) => {
    const check = () => (batches.length > seen ? resolve(batches[seen]) : setTimeout(check, 10));
    check();
  });
}

test("every Python function is watched, at the project folder its asset was copied from", () => {
  const python = app.model.functions.filter((f) => f.runtime.startsWith('python'));
  expect(python).toHaveLength(6);
  expect(app.reloader!.watched.map((f) => f.name).sort()).toEqual(python.map((f) => f.name).sort());
});

test('editing a .py file restarts the instances of the functions that deploy it: the next call runs the new code', async () => {
  const before = await get();
  expect(before.body.version).toBe('v1');
  const batch = await edit('app.py', (t) => t.replace('VERSION = "v1"', 'VERSION = "v2"'));
  expect(batch.changed).toEqual([path.join(handlers, 'app.py')]);
  // The six functions deploy the same folder, so all of them get the edit, as a deployment would give it.
  expect(batch.functions).toHaveLength(6);
  const after = await get();
  expect(after.body.version).toBe('v2');
  expect(after.body.pid).not.toBe(before.body.pid);
  expect(after.body.cwd).not.toBe(before.body.cwd);
});

test('an edit that breaks the module fails the calls as Lambda would; the fix serves again', async () => {
  await edit('app.py', (t) => t.replace('def lambda_handler(event, context):', 'def lambda_handler(event, context)'));
  const broken = await get();
  expect(broken.status).toBe(500);
  const invoked = await app.invoke(app.model.functions.find((f) => f.logicalId.startsWith('Http'))!.logicalId, {});
  expect(invoked.error).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError', errorMessage: expect.stringMatching(/^Syntax error in module 'app': /) });
  await edit('app.py', (t) => t.replace('def lambda_handler(event, context)\n', 'def lambda_handler(event, context):\n'));
  expect((await get()).body.version).toBe('v2');
});
