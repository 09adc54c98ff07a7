/**
 * Switchyard from the outside: the packed tarball, installed into a project made by the pinned
 * CDK CLI's own `cdk init app --language typescript`, used the way its user would use it.
 *
 * One install serves every check (`cdk init --generate-only`, then a single `npm install` of
 * the generated dependencies, the tarball and what the README tells users to add), so the
 * whole file costs about one npm install plus one synth on CI's 2 cores. It needs the npm
 * registry, as any user does.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyTracked } from '../quickstart/support/clean-copy';

const REPO = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'consumer');
const CDK = path.join(REPO, 'node_modules', '.bin', 'cdk');

let work: string;
let project: string;
let tarball: string;

/** The environment of a user's shell: none of this jest run's own variables. */
function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('JEST') || key === 'NODE_OPTIONS' || key === 'NODE_ENV') delete env[key];
  return { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true', npm_config_update_notifier: 'false' };
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-consumer-'));
  // Packed from what git tracks, as a fresh clone would publish it. `npm pack` runs `prepare`
  // (the build) first, as publishing does: in the copy, since a build in the repository itself
  // replaces the dist/ that the other test files running beside this one use.
  const source = path.join(work, 'source');
  copyTracked(REPO, source);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], source).stdout) as { filename: string }[];
  tarball = path.join(work, packed[0].filename);

  project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  run(CDK, ['init', 'app', '--language', 'typescript', '--generate-only'], project);
  fs.cpSync(FIXTURE, project, { recursive: true });
  // As the README's install section says: the package, the SDK client `publish` uses (Lambda
  // provides it in AWS, so a dev dependency), and a Standard Schema validator for events.
  run('npm', ['install', '--no-audit', '--no-fund', tarball, 'zod'], project);
  run('npm', ['install', '--no-audit', '--no-fund', '--save-dev', '@aws-sdk/client-eventbridge'], project);
}, 420_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the built library, README, LICENSE and CHANGELOG, and no sources, tests, benchmarks or CI scripts', () => {
  const files = run('tar', ['-tzf', tarball], work).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/switchyard.js',
    'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map',
    'dist/runtime/index.js', 'dist/runtime/index.mjs', 'dist/testing/index.js', 'dist/patterns/index.js',
    'dist/cli/main.js', 'dist/local/host/worker.mjs', 'dist/local/host/bootstrap.py', 'dist/ops/prices.json',
    'dist/console/index.html',
  ]));
  // The console's page names its script and stylesheet (content-hashed); every module the script
  // loads, however deep (Mermaid's chunks, loaded lazily), is packed.
  const assets = consoleAssets(fs.readFileSync(path.join(project, 'node_modules', 'switchyard', 'dist', 'console', 'index.html'), 'utf8'));
  expect(assets).toEqual([expect.stringMatching(/^console-\w+\.js$/), expect.stringMatching(/^style-\w+\.css$/), 'favicon.svg']);
  expect(missingModules(files, `dist/console/${assets[0]}`)).toEqual([]);
  for (const asset of assets.slice(1)) expect(files).toContain(`dist/console/${asset}`);
  const stray = files.filter((f) => /^(test|bench|\.ci|scripts|lib|lambdas)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
  expect(stray).toEqual([]);
  const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'switchyard', 'package.json'), 'utf8'));
  expect(manifest.dependencies).not.toHaveProperty('@aws-sdk/client-eventbridge');
  expect(manifest.peerDependenciesMeta['@aws-sdk/client-eventbridge']).toEqual({ optional: true });
});

test('cdk synth works with the cdk.json that cdk init generated, type-checking with its tsc', () => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(project, 'cdk.json'), 'utf8'));
  expect(cdkJson.app).toBe('npx tsc && npx tsx bin/consumer.ts');
  run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], project);
  const template = JSON.parse(fs.readFileSync(path.join(project, 'cdk.out', 'ConsumerStack.template.json'), 'utf8'));
  const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
  expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(2);
  expect(types).toContain('AWS::Events::Rule');
  expect(types).toContain('AWS::ApiGatewayV2::Route');
});

test('the generated jest setup runs a templateSerializer snapshot (which a handler edit does not churn) and startLocalApp', () => {
  const results = path.join(work, 'jest-results.json');
  run('npx', ['jest', '--ci=false', '--json', `--outputFile=${results}`], project);
  const summary = JSON.parse(fs.readFileSync(results, 'utf8')) as { numPassedTests: number; testResults: { name: string; status: string }[] };
  expect(summary.testResults.map((r) => [path.basename(r.name), r.status]).sort()).toEqual([['consumer.test.ts', 'passed'], ['local.test.ts', 'passed']]);
  expect(summary.numPassedTests).toBe(2);
  const snapshotFile = path.join(project, 'test', '__snapshots__', 'consumer.test.ts.snap');
  const written = fs.readFileSync(snapshotFile, 'utf8');
  expect(written).toContain("[HASH 1]");
  expect(written).not.toMatch(/[0-9a-f]{64}/);

  // A code change gives the function a new asset hash; the normalized snapshot still matches.
  const handler = path.join(project, 'lambda', 'record-order.ts');
  fs.writeFileSync(handler, fs.readFileSync(handler, 'utf8').replace("'order recorded'", "'order recorded (edited)'"));
  run('npx', ['jest', '--ci'], project);
  expect(fs.readFileSync(snapshotFile, 'utf8')).toBe(written);
});

test('plain Node loads every entry point through require and through import', () => {
  const required = run('node', ['-e', `
    const names = (m) => Object.keys(m).length;
    const root = require('switchyard'), runtime = require('switchyard/runtime');
    const testing = require('switchyard/testing'), patterns = require('switchyard/patterns');
    console.log(JSON.stringify({ EventApp: typeof root.EventApp, publish: typeof runtime.publish,
      templateSerializer: typeof testing.templateSerializer, matches: patterns.matchesEventPattern({ source: ['a'] }, { source: 'a' }),
      counts: [names(root), names(runtime), names(testing), names(patterns)] }));`], project);
  const imported = run('node', ['--input-type=module', '-e', `
    import { EventApp } from 'switchyard';
    import { publish } from 'switchyard/runtime';
    import { templateSerializer } from 'switchyard/testing';
    import { matchesEventPattern } from 'switchyard/patterns';
    console.log(JSON.stringify({ EventApp: typeof EventApp, publish: typeof publish,
      templateSerializer: typeof templateSerializer, matches: matchesEventPattern({ source: ['a'] }, { source: 'a' }) }));`], project);
  const viaRequire = JSON.parse(required.stdout);
  expect(viaRequire).toMatchObject({ EventApp: 'function', publish: 'function', templateSerializer: 'object', matches: true });
  expect(viaRequire.counts.every((n: number) => n > 0)).toBe(true);
  expect(JSON.parse(imported.stdout)).toEqual({ EventApp: 'function', publish: 'function', templateSerializer: 'object', matches: true });
});

test('npx switchyard dev serves the route, the event its handler publishes reaches the subscriber, and an edit is served', async () => {
  const dev = spawn('npx', ['switchyard', 'dev', '--http-port', '0', '--aws-port', '0', '--console-port', '0'], { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  dev.stdout.on('data', (c: Buffer) => (output += c.toString()));
  dev.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => dev.on('exit', resolve));
  try {
    await waitFor(() => output.includes('Ready.'), () => `dev did not start:\n${output}`, exited);
    const url = /POST\s+(http:\/\/127\.0\.0\.1:\d+)\/orders/.exec(output)?.[1];
    const aws = /AWS endpoint\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    expect(url).toBeDefined();
    expect(aws).toBeDefined();

    const res = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ total: 12.5 }) });
    expect(res.status).toBe(201);
    const { orderId } = (await res.json()) as { orderId: string };
    await waitFor(() => output.includes(`"message":"order recorded`) && output.includes(orderId), () => `no delivery of ${orderId}:\n${output}`, exited);

    // The console: the UI's page and every asset it references, from the installed package.
    const consoleUrl = /Console\s+(http:\/\/127\.0\.0\.1:\d+)/i.exec(output)?.[1];
    expect(consoleUrl).toBeDefined();
    const page = await fetch(`${consoleUrl}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    const html = await page.text();
    expect(html).toContain('<title>Switchyard console</title>');
    const assets = consoleAssets(html);
    expect(assets).toHaveLength(3);
    const types: Record<string, RegExp> = { '.js': /^text\/javascript/, '.css': /^text\/css/, '.svg': /^image\/svg\+xml/ };
    for (const asset of assets) {
      const res = await fetch(`${consoleUrl}/${asset}`);
      expect([asset, res.status, res.headers.get('content-type')]).toEqual([asset, 200, expect.stringMatching(types[path.extname(asset)])]);
      expect((await res.text()).length).toBeGreaterThan(100);
    }

    // The CLI from the consumer's folder, as its user runs it, sees the delivery.
    const ledger = JSON.parse(run('npx', ['switchyard', 'ledger', '--state', 'delivered', '--aws-port', aws!], project).stdout);
    expect(ledger.deliveries).toEqual([expect.objectContaining({ state: 'delivered', kind: 'rule', targetArn: expect.stringContaining('RecordOrder') })]);

    // Hot reload with the packages installed from the registry and the tarball (zod and
    // switchyard/runtime, bundled apart from the rebuilt handler): the edit is served, and the
    // event the new code publishes is delivered too.
    const handlerFile = path.join(project, 'lambda', 'place-order.ts');
    fs.writeFileSync(handlerFile, fs.readFileSync(handlerFile, 'utf8').replace('json(201, { orderId })', "json(201, { orderId, edited: 'yes' })"));
    await waitFor(() => /reloaded \S*place-order\.ts/.test(output), () => `no reload of place-order.ts:\n${output}`, exited);
    // Said once: which packages the rebuilt bundle imports from beside it, and how to have the deployed shape.
    expect(output).toMatch(/hot reload bundles the ES module packages handlers import apart, built once with the same options \(switchyard\/runtime, zod\); --bundle-as-deployed/);
    const edited = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ total: 7 }) });
    const body = (await edited.json()) as { orderId: string; edited?: string };
    expect([edited.status, body.edited]).toEqual([201, 'yes']);
    await waitFor(() => output.includes(body.orderId) && output.split('"message":"order recorded').length > 2, () => `no delivery of ${body.orderId}:\n${output}`, exited);
    const invalid = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ total: 'seven' }) });
    expect(invalid.status).toBe(400);
  } finally {
    // Ctrl-C reaches the whole process group (npx and the CLI it started).
    process.kill(-dev.pid!, 'SIGINT');
    await exited;
  }
  expect(output).toContain('Deliveries: 2 delivered, 0 dead-lettered');
  expect(output).not.toMatch(/reload of .* failed/);
}, 240_000);

/** The files the console's index.html loads (its script first), relative to it. */
function consoleAssets(html: string): string[] {
  const order = ['.js', '.css', '.svg'];
  return [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]).sort((a, b) => order.indexOf(path.extname(a)) - order.indexOf(path.extname(b)));
}

/** Relative modules that `entry` (a packed file) imports, directly or through other packed modules, and the tarball lacks. */
function missingModules(packed: readonly string[], entry: string): string[] {
  const has = new Set(packed);
  const seen = new Set<string>();
  const missing: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!has.has(file)) return void missing.push(file);
    const source = fs.readFileSync(path.join(project, 'node_modules', 'switchyard', file), 'utf8');
    for (const m of source.matchAll(/(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s*)["'](\.\.?\/[^"']+)["']/g)) visit(path.posix.join(path.posix.dirname(file), m[1]));
  };
  visit(entry);
  return missing;
}

async function waitFor(done: () => boolean, describe: () => string, exited: Promise<unknown>, ms = 90_000): Promise<void> {
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + ms;
  while (!done()) {
    if (ended || Date.now() > deadline) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 100));
  }
}
