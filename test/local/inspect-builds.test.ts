/**
 * What `inspect` serves, without a debugger attached: debug builds of the functions whose
 * sources are known (from the first call, even without `watch`), one instance per function,
 * and the functions whose debug build fails named, running their deployed code. Over a copy of
 * the fixture project `fixtures/reload-project` (see hot-reload.test.ts), in which one handler
 * imports a module the project lacks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalApp } from '../../lib/local';
import { WebSocket } from 'ws';
import { RELOAD_PROJECT_FUNCTIONS as FUNCTIONS, copyReloadProject, inspectorTargets } from './helpers';

let project: string;
let app: LocalApp;
const names: Record<string, string> = {};

beforeAll(async () => {
  // The project as a user may have it mid-edit: Gamma imports a module not written yet.
  const copy = copyReloadProject('inspect-', (dir) => {
    fs.writeFileSync(path.join(dir, 'src', 'gamma.ts'), "import { own } from './missing';\n\nexport const handler = async () => ({ statusCode: 200, body: own });\n");
  });
  project = copy.project;
  app = await LocalApp.start(copy.assembly, { httpPort: 0, awsPort: 0, schedules: false, projectDir: project, inspect: { port: 0 } });
  for (const fn of app.model.functions) names[fn.logicalId] = fn.name;
});

afterAll(async () => {
  await app?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

async function get(fn: string): Promise<unknown> {
  const res = await fetch(`${app.urls[0]}/${fn.toLowerCase()}`);
  expect(res.status).toBe(200);
  return res.json();
}

test('functions with sources are served as debug builds from the first call, though nothing is watched', async () => {
  expect(app.reloader!.watching).toBe(false);
  expect(app.reloader!.watched).toEqual([]);
  expect(await get('Alpha')).toMatchObject({ fn: 'alpha', own: 'alpha v1', shared: 'shared v1' });
  const taskRoot = app.host.find(names.Alpha)!.codeDir;
  const bundle = fs.readFileSync(path.join(taskRoot, 'index.mjs'), 'utf8');
  // Not minified (esbuild marks each module it inlines), and linked to its map.
  expect(bundle).toContain('// src/own-alpha.ts');
  expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  const map = JSON.parse(fs.readFileSync(path.join(taskRoot, 'index.mjs.map'), 'utf8')) as { sourceRoot: string; sources: string[]; sourcesContent: string[] };
  const sources = map.sources.map((s) => new URL(s, map.sourceRoot).href);
  // The project's files, where an editor sets breakpoints, with their text.
  const alpha = sources.indexOf(pathToFileURL(path.join(project, 'src', 'alpha.ts')).href);
  expect(alpha).toBeGreaterThanOrEqual(0);
  expect(map.sourcesContent[alpha]).toBe(fs.readFileSync(path.join(project, 'src', 'alpha.ts'), 'utf8'));
});

test('a function whose debug build fails is named, and runs its deployed code', async () => {
  expect(app.reloader!.failedDebugBuilds).toEqual([expect.objectContaining({ functionName: names.Gamma, error: expect.stringContaining('Could not resolve "./missing"') })]);
  expect(await get('Gamma')).toEqual({ deployed: true });
});

test('each function runs one instance at a time: concurrent calls wait for it rather than start others', async () => {
  const answers = await Promise.all(Array.from({ length: 6 }, () => get('Beta')));
  expect(answers).toEqual(Array.from({ length: 6 }, () => expect.objectContaining({ fn: 'beta' })));
  expect(app.host.instanceCount(names.Beta)).toBe(1);
  // Every function has its instance started, for a debugger to attach to before a call.
  for (const id of FUNCTIONS) expect(app.host.instanceCount(names[id])).toBe(1);
});

test('new code (a reload) is a debug build too, in a new instance on the same debugger port; a debugger attached to the old one is disconnected', async () => {
  const port = app.host.inspectors.find((p) => p.functionName === app.host.find(names.Alpha)!.displayName)!.port;
  const [before] = await inspectorTargets(port);
  const socket = new WebSocket(before.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  fs.writeFileSync(path.join(project, 'src', 'own-alpha.ts'), "export const own: string = 'alpha v2';\n");
  // What a save does under --watch.
  expect(await app.reloader!.rebuild(app.host.find(names.Alpha)!)).not.toHaveProperty('error');
  await closed;
  expect(await get('Alpha')).toMatchObject({ fn: 'alpha', own: 'alpha v2' });
  const taskRoot = app.host.find(names.Alpha)!.codeDir;
  expect(fs.readFileSync(path.join(taskRoot, 'index.mjs'), 'utf8')).toContain('// src/own-alpha.ts');
  expect(fs.existsSync(path.join(taskRoot, 'index.mjs.map'))).toBe(true);
  const [after] = await inspectorTargets(port);
  expect(after.webSocketDebuggerUrl).not.toBe(before.webSocketDebuggerUrl);
  expect(app.host.instanceCount(names.Alpha)).toBe(1);
});
