/**
 * Hot reload end to end: a running local app (`watch: true`) over a copy of the fixture project
 * `fixtures/reload-project`, edited as a user edits, and its routes called over HTTP.
 *
 *   alpha  <- own-alpha.ts, lib/shared.ts
 *   beta   <- lib/shared.ts, @aws-sdk/client-sqs (external, as the constructs bundle it)
 *   gamma  <- own-gamma.ts
 *
 * Every function first answers with the deployed code; a rebuilt one answers with its sources.
 * (test/local/host.test.ts reloads a function whose folder is watched recursively.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApp, type InvokeResult, type ReloadBatch, type ReloadRecord } from '../../lib/local';
import { FunctionBuild } from '../../lib/local/watch/function-build';
import { RELOAD_PROJECT_FUNCTIONS as FUNCTIONS, copyReloadProject } from './helpers';

let project: string;
let app: LocalApp;
const names: Record<string, string> = {};
const invocations: InvokeResult[] = [];
const reloads: ReloadRecord[] = [];

beforeAll(async () => {
  // Handlers beside their own dependencies (`npm install` in the handlers' folder): that folder
  // is watched on its own and the folders the bundles read (src/lib) each, not the tree below.
  const copy = copyReloadProject('reload-', (dir) => fs.mkdirSync(path.join(dir, 'src', 'node_modules')));
  project = copy.project;
  app = await LocalApp.start(copy.assembly, { httpPort: 0, awsPort: 0, schedules: false, watch: true, projectDir: project });
  for (const fn of app.model.functions) names[fn.logicalId] = fn.name;
  app.host.on('invocation', (r) => invocations.push(r));
  app.reloader!.on('reload', (r) => reloads.push(r));
  await app.reloader!.ready();
});

afterAll(async () => {
  await app?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

async function get(fn: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${app.urls[0]}/${fn.toLowerCase()}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Writes a project file and resolves with the reload round whose changes include it. */
function edit(file: string, text: string): Promise<ReloadBatch> {
  const absolute = path.join(project, file);
  const batch = new Promise<ReloadBatch>((resolve) => {
    const onBatch = (b: ReloadBatch) => {
      if (!b.changed.includes(absolute)) return;
      app.reloader!.off('batch', onBatch);
      resolve(b);
    };
    app.reloader!.on('batch', onBatch);
  });
  fs.writeFileSync(absolute, text);
  return batch;
}

const rebuilt = (...ids: string[]) => ids.map((id) => names[id]).sort();

/** This process's children (the instances and their spares), from /proc: their ids and arguments. */
function childProcesses(): Array<{ pid: number; args: string[] }> {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      // The parent's id is the fourth field of stat, after the name in parentheses (which may hold spaces).
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) return [];
      return [{ pid: Number(d), args: fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0') }];
    } catch {
      return []; // ended meanwhile
    }
  });
}

/** A process's working directory ('' once it has ended). */
function cwdOf(pid: number): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/** Polls until `probe` finds something; gives up after 30 s (a bound for a loaded machine, not a timing). */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('waited 30 s and found nothing');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the first builds learn which files each bundle holds, without changing the code served', async () => {
  expect(app.reloader!.dependentsOf(path.join(project, 'src', 'lib', 'shared.ts')).sort()).toEqual(rebuilt('Alpha', 'Beta'));
  expect(app.reloader!.dependentsOf(path.join(project, 'src', 'own-alpha.ts'))).toEqual(rebuilt('Alpha'));
  expect(app.reloader!.dependentsOf(path.join(project, 'src', 'NOTES.md'))).toEqual([]);
  for (const id of FUNCTIONS) expect(await get(id)).toEqual({ deployed: true });
});

test("an edit to a module one function holds rebuilds only that function, which serves the new code", async () => {
  const gammaBefore = app.host.instanceCount(names.Gamma);
  expect(gammaBefore).toBeGreaterThan(0);
  const batch = await edit('src/own-alpha.ts', "export const own: string = 'alpha v2';\n");
  expect(batch.functions).toEqual(rebuilt('Alpha'));
  // The new code runs from its own task root, which is the instance's working directory and LAMBDA_TASK_ROOT.
  const taskRoot = app.host.find(names.Alpha)!.codeDir;
  expect(await get('Alpha')).toEqual({ fn: 'alpha', own: 'alpha v2', shared: 'shared v1', cwd: taskRoot, taskRoot });
  expect(await get('Beta')).toEqual({ deployed: true });
  // Gamma's instance was not replaced: its next call is warm.
  invocations.length = 0;
  expect(await get('Gamma')).toEqual({ deployed: true });
  expect(invocations.find((r) => r.functionName === names.Gamma)?.cold).toBe(false);
});

test('an edit to a shared module rebuilds exactly the functions that hold it', async () => {
  const batch = await edit('src/lib/shared.ts', "export const shared: string = 'shared v2';\n");
  expect(batch.functions).toEqual(rebuilt('Alpha', 'Beta'));
  expect(await get('Alpha')).toMatchObject({ fn: 'alpha', own: 'alpha v2', shared: 'shared v2', taskRoot: app.host.find(names.Alpha)!.codeDir });
  expect(await get('Beta')).toEqual({ fn: 'beta', shared: 'shared v2', region: 'us-east-1' });
  expect(await get('Gamma')).toEqual({ deployed: true });
});

test("a function's next process loads what its bundle imports from outside itself (the SDK) while the new code builds", () => {
  // Written when the edit of shared.ts was seen (Beta had an instance), in the function's own
  // folder, so that the package resolves to the file the bundle's import will load.
  const root = path.dirname(app.host.find(names.Beta)!.codeDir);
  expect(fs.readFileSync(path.join(root, 'preload.mjs'), 'utf8')).toContain('await import("@aws-sdk/client-sqs")');
  // Alpha imports nothing from outside its bundle: nothing to load ahead.
  expect(fs.existsSync(path.join(path.dirname(app.host.find(names.Alpha)!.codeDir), 'preload.mjs'))).toBe(false);
});

// The processes are found through /proc, which Linux has (CI runs there); elsewhere this one is skipped.
const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux('a function just reloaded keeps a process ready for its next edit, which takes it over', async () => {
  // Beta was reloaded by the edit above: once its new code's instance is up, a process is
  // started for the next edit, loading the SDK (Beta's preload module names it). It waits in
  // Beta's folder of task roots; an instance works in its own task root.
  const root = path.dirname(app.host.find(names.Beta)!.codeDir);
  const preload = path.join(root, 'preload.mjs');
  const spareOf = (skip?: number) => childProcesses().find((c) => c.pid !== skip && c.args.includes(preload) && cwdOf(c.pid) === root);
  const spare = await waitFor(() => spareOf());
  const batch = await edit('src/lib/shared.ts', "export const shared: string = 'shared v2';\n");
  expect(batch.functions).toEqual(rebuilt('Alpha', 'Beta'));
  expect(await get('Beta')).toEqual({ fn: 'beta', shared: 'shared v2', region: 'us-east-1' });
  // That process is Beta's instance now: the worker made the new task root its working directory.
  expect(cwdOf(spare.pid)).toBe(app.host.find(names.Beta)!.codeDir);
  // And another is started for the edit after this one.
  await waitFor(() => spareOf(spare.pid));
});

test('a rebuild keeps the bundling options the template records: the SDK stays external', () => {
  const bundle = fs.readFileSync(path.join(app.host.find(names.Beta)!.codeDir, 'index.mjs'), 'utf8');
  expect(bundle).toMatch(/from\s*"@aws-sdk\/client-sqs"/);
  // The client itself (thousands of lines) is not in the bundle; the handler is a few hundred bytes.
  expect(bundle.length).toBeLessThan(2000);
});

test('a file no bundle holds rebuilds nothing', async () => {
  const batch = await edit('src/NOTES.md', 'Edited notes.\n');
  expect(batch.functions).toEqual([]);
});

test('a failed build keeps the last good code; creating the missing file rebuilds it', async () => {
  const failed = await edit('src/gamma.ts', "import { own } from './missing';\n\nexport const handler = async () => ({ statusCode: 200, body: JSON.stringify({ fn: 'gamma', own }) });\n");
  expect(failed.functions).toEqual(rebuilt('Gamma'));
  expect(reloads[reloads.length - 1]).toMatchObject({ functionName: names.Gamma, error: expect.stringContaining('Could not resolve "./missing"') });
  expect(await get('Gamma')).toEqual({ deployed: true });
  // The new file is in no bundle yet, but the failed function is tried again on any change.
  const fixed = await edit('src/missing.ts', "export const own: string = 'found';\n");
  expect(fixed.functions).toEqual(rebuilt('Gamma'));
  expect(await get('Gamma')).toEqual({ fn: 'gamma', own: 'found' });
});

test('a build whose esbuild context was released (beyond the ones kept) builds afresh, its inputs still known', async () => {
  const build = new FunctionBuild(app.model.functions.find((f) => f.logicalId === 'Alpha')!, project);
  try {
    expect('files' in (await build.build())).toBe(true);
    await build.dispose();
    expect(build.inputs.has(path.join(project, 'src', 'own-alpha.ts'))).toBe(true);
    const again = await build.build();
    const bundle = 'files' in again ? Buffer.from(again.files.find((f) => f.path === 'index.mjs')!.contents).toString() : '';
    expect(bundle).toContain('alpha v2');
  } finally {
    await build.dispose();
  }
});

test('a save in two writes serves the saved file, without reporting the half-written one', async () => {
  const reloadsBefore = reloads.length;
  // What an editor leaves for a moment: the file cut short, which does not compile.
  fs.writeFileSync(path.join(project, 'src', 'own-alpha.ts'), "export const own: string = 'alph");
  await new Promise((r) => setTimeout(r, 5));
  const batch = await edit('src/own-alpha.ts', "export const own: string = 'alpha v3';\n");
  expect(batch.functions).toEqual(rebuilt('Alpha'));
  expect(await get('Alpha')).toMatchObject({ own: 'alpha v3' });
  expect(reloads.slice(reloadsBefore).filter((r) => r.error)).toEqual([]);
});

test('a report of a file as it already was (its attributes changed, its content not) rebuilds nothing', async () => {
  await edit('src/own-alpha.ts', "export const own: string = 'alpha v4';\n");
  const file = path.join(project, 'src', 'own-alpha.ts');
  const batches: ReloadBatch[] = [];
  const onBatch = (b: ReloadBatch) => batches.push(b);
  app.reloader!.on('batch', onBatch);
  try {
    fs.chmodSync(file, 0o600);
    // Longer than the quiet period and a build of Alpha: a round the chmod started would end here.
    await new Promise((r) => setTimeout(r, 1000));
    expect(batches).toEqual([]);
    await edit('src/own-alpha.ts', "export const own: string = 'alpha v5';\n");
    expect(batches.map((b) => b.functions)).toEqual([rebuilt('Alpha')]);
    expect(await get('Alpha')).toMatchObject({ own: 'alpha v5' });
  } finally {
    app.reloader!.off('batch', onBatch);
  }
});
