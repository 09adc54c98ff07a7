/**
 * Hot reload with packages bundled apart, end to end: a running local app (`watch: true`) over a
 * copy of `fixtures/reload-deps`, whose handler imports an ES module package by two subpaths that
 * share a module (greet) and a CommonJS package (legacy), from the copy's node_modules. Its route
 * is called over HTTP; what the instances did is read from the files they leave (the task root,
 * greet's log of its evaluations).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { LocalApp, type ReloadBatch, type ReloadRecord } from '../../lib/local';
import { writeAssembly } from './fixtures/cloud-assembly';

const FIXTURE = path.join(__dirname, 'fixtures', 'reload-deps');

let project: string;
let app: LocalApp;
let greetLog: string;
const reloads: ReloadRecord[] = [];

interface Answer {
  version: number;
  greeting: string;
  loud: string;
  whisper?: string;
  oneCopy: boolean;
  evaluations: number;
  legacy: string;
  pid: number;
  taskRoot: string;
}

beforeAll(async () => {
  // Under the repository, as copyReloadProject's copies: a project on its own, with the packages
  // installed as npm would install them.
  const root = path.join(__dirname, '..', '..', '.switchyard', 'test-projects');
  fs.mkdirSync(root, { recursive: true });
  project = fs.mkdtempSync(path.join(root, 'reload-deps-'));
  fs.cpSync(FIXTURE, project, { recursive: true });
  greetLog = path.join(project, 'greet-evaluations.log');
  fs.writeFileSync(greetLog, '');
  for (const pkg of ['greet', 'legacy']) fs.cpSync(path.join(project, 'packages', pkg), path.join(project, 'node_modules', pkg), { recursive: true });
  const shared = path.join(project, 'node_modules', 'greet', 'shared.js');
  fs.writeFileSync(shared, fs.readFileSync(shared, 'utf8').replace('__GREET_LOG__', greetLog));
  const assembly = writeAssembly(path.join(project, 'cdk.out'), {
    functions: [{
      id: 'Delta',
      assetDir: path.join(__dirname, 'fixtures', 'reload-project', 'deployed'),
      handler: 'index.handler',
      entry: 'src/delta.mjs',
      bundling: { format: 'esm', minify: true, sourceMap: false, externalModules: ['@aws-sdk/*'], target: 'node20' },
    }],
    routes: { 'GET /delta': 'Delta' },
  });
  app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false, watch: true, projectDir: project });
  app.reloader!.on('reload', (r) => reloads.push(r));
  await app.reloader!.ready();
});

afterAll(async () => {
  await app?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

async function call(): Promise<Answer> {
  const res = await fetch(`${app.urls[0]}/delta`);
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

/** Writes a file of the project and resolves once the round that rebuilt Delta for it has ended. */
function edit(file: string, text: string): Promise<ReloadBatch> {
  const batch = new Promise<ReloadBatch>((resolve) => {
    const onBatch = (b: ReloadBatch) => {
      if (!b.changed.includes(path.join(project, file))) return;
      app.reloader!.off('batch', onBatch);
      resolve(b);
    };
    app.reloader!.on('batch', onBatch);
  });
  fs.writeFileSync(path.join(project, file), text);
  return batch;
}

/** The processes that have evaluated greet's shared module, in order, one line each. */
const evaluations = () => fs.readFileSync(greetLog, 'utf8').split('\n').filter(Boolean).map(Number);

async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting');
}

test('an edit serves the new code with the ES module packages bundled apart: left out of the bundle, linked into the task root, one copy of each module', async () => {
  expect(await call()).toEqual({ deployed: true });
  const batch = await edit('src/version.mjs', 'export const version = 2;\n');
  expect(batch.functions).toHaveLength(1);
  expect(reloads.at(-1)).toMatchObject({ bundledApart: ['greet', 'greet/loud'] });
  const answer = await call();
  expect(answer).toMatchObject({ version: 2, greeting: 'hello you', loud: 'HELLO YOU!', oneCopy: true, evaluations: 1, legacy: 'legacy-cjs-marker' });
  const bundle = fs.readFileSync(path.join(answer.taskRoot, 'index.mjs'), 'utf8');
  // greet is imported, not held; the CommonJS package is held, as deployed.
  expect(bundle).not.toContain('greet-package-marker');
  expect(bundle).toMatch(/from\s*"greet"/);
  expect(bundle).toContain('legacy-cjs-marker');
  expect(fs.lstatSync(path.join(answer.taskRoot, 'node_modules', 'greet')).isSymbolicLink()).toBe(true);
  expect(fs.existsSync(path.join(answer.taskRoot, 'node_modules', 'legacy'))).toBe(false);
});

test('the process kept ready for the next edit has loaded the packages bundled apart; the new code uses those modules, evaluated once', async () => {
  const current = (await call()).pid;
  // The standby process preloads greet: a line from a process that is not the one serving.
  const standby = await waitFor(() => evaluations().find((pid) => pid !== current));
  await edit('src/version.mjs', 'export const version = 3;\n');
  const answer = await call();
  expect(answer).toMatchObject({ version: 3, pid: standby, evaluations: 1, oneCopy: true });
  expect(evaluations().filter((pid) => pid === standby)).toHaveLength(1);
});

test('an import of another subpath of a package bundled apart is served', async () => {
  const source = fs.readFileSync(path.join(project, 'src', 'delta.mjs'), 'utf8');
  const edited = source
    .replace("import { legacy } from 'legacy';", "import { legacy } from 'legacy';\nimport { whisper } from 'greet/quiet';")
    .replace('    legacy,\n', "    legacy,\n    whisper: whisper('you'),\n");
  expect(edited).not.toEqual(source);
  await edit('src/delta.mjs', edited);
  expect(await call()).toMatchObject({ version: 3, whisper: '(hello you)', greeting: 'hello you', oneCopy: true, evaluations: 1 });
  // That build bundled everything to choose again; from the next edit on, the new subpath is bundled apart with the others.
  await edit('src/version.mjs', 'export const version = 3.5;\n');
  const answer = await call();
  expect(answer).toMatchObject({ version: 3.5, whisper: '(hello you)', oneCopy: true, evaluations: 1 });
  const served = JSON.parse(fs.readFileSync(path.join(answer.taskRoot, 'node_modules', 'greet', 'package.json'), 'utf8')) as { exports: Record<string, string> };
  expect(Object.keys(served.exports).sort()).toEqual(['.', './loud', './quiet']);
  expect(fs.readFileSync(path.join(answer.taskRoot, 'index.mjs'), 'utf8')).not.toContain('(hello ');
});

test('a package bundled apart that npm install changed is bundled again at the next edit', async () => {
  // What `npm install greet@1.1.0` leaves: the package's files and its package.json rewritten.
  const greet = path.join(project, 'node_modules', 'greet');
  fs.writeFileSync(path.join(greet, 'index.js'), fs.readFileSync(path.join(greet, 'index.js'), 'utf8').replace('hello ${name}', 'good day, ${name}'));
  const manifest = JSON.parse(fs.readFileSync(path.join(greet, 'package.json'), 'utf8')) as { version: string };
  fs.writeFileSync(path.join(greet, 'package.json'), JSON.stringify({ ...manifest, version: '1.1.0' }, null, 2));
  await edit('src/version.mjs', 'export const version = 4;\n');
  expect(await call()).toMatchObject({ version: 4, greeting: 'good day, you', loud: 'HELLO YOU!', oneCopy: true, evaluations: 1 });
});

test('with separateDependencies off, a rebuild holds its packages, as deployed', async () => {
  const off = await LocalApp.start(path.join(project, 'cdk.out'), { httpPort: 0, awsPort: 0, schedules: false, watch: true, projectDir: project, separateDependencies: false });
  try {
    await off.reloader!.ready();
    const fn = off.model.functions[0];
    const record = await off.reloader!.rebuild(fn);
    expect(record.error).toBeUndefined();
    expect(record.bundledApart).toBeUndefined();
    const res = await fetch(`${off.urls[0]}/delta`);
    const answer = (await res.json()) as Answer;
    expect(answer).toMatchObject({ version: 4, greeting: 'good day, you', evaluations: 1 });
    const bundle = fs.readFileSync(path.join(answer.taskRoot, 'index.mjs'), 'utf8');
    expect(bundle).toContain('greet-package-marker');
    expect(fs.existsSync(path.join(answer.taskRoot, 'node_modules', 'greet'))).toBe(false);
  } finally {
    await off.stop();
  }
});

test('dev --bundle-as-deployed rebuilds whole bundles, and says nothing of packages apart', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  let stop!: () => void;
  const until = new Promise<void>((r) => (stop = r));
  const running = main(['dev', '--assembly', path.join(project, 'cdk.out'), '--http-port', '0', '--aws-port', '0', '--console-port', '0', '--bundle-as-deployed'], { out, err: out, cwd: project, until });
  try {
    await waitFor(() => (/^Ready\. .*Watching 1 function/m.test(text) ? true : undefined));
    const url = /GET +(http:\/\/127\.0\.0\.1:\d+)\/delta/.exec(text)![1];
    fs.writeFileSync(path.join(project, 'src', 'version.mjs'), 'export const version = 6;\n');
    await waitFor(() => (/reloaded \S*delta\.mjs/.test(text) ? true : undefined));
    const answer = (await (await fetch(`${url}/delta`)).json()) as Answer;
    expect(answer).toMatchObject({ version: 6, greeting: 'good day, you' });
    expect(fs.readFileSync(path.join(answer.taskRoot, 'index.mjs'), 'utf8')).toContain('greet-package-marker');
    expect(text).not.toMatch(/bundles the ES module packages/);
  } finally {
    stop();
    expect(await running).toBe(0);
  }
});
