/**
 * Shared setup for the local-runtime end-to-end tests: synthesize the plain-CDK fixture app
 * into a temp folder and start it on ephemeral ports.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { synthesizeApp } from '../../lib/cli/synth';
import { LocalApp, type LocalAppOptions } from '../../lib/local';
import type { DeliveryRecord } from '../../lib/local/events/ledger';
import { writeAssembly } from './fixtures/cloud-assembly';
import type { PlainAppOptions } from './fixtures/plain-app';

/**
 * Synthesizes the fixture app (once per content of the fixture sources and options; the result
 * is cached) and returns the assembly dir. It goes under the repository (in the git-ignored
 * `.switchyard/`) so that handlers resolve `@aws-sdk/*` from the project's node_modules, as
 * they would from the SDK the Lambda runtime provides.
 */
export function synthPlainApp(options: Omit<PlainAppOptions, 'outdir'> = {}): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const sources = [path.join(fixtures, 'plain-app.ts'), ...fs.readdirSync(path.join(fixtures, 'handlers')).sort().map((f) => path.join(fixtures, 'handlers', f))];
  return synthCached('plain', sources, [path.join(fixtures, 'synth-plain-app.ts'), JSON.stringify(options)]);
}

/** Synthesizes the plain aws-cdk-lib NodejsFunction fixture (bundled by esbuild); cached likewise. */
export function synthNodejsFunctionApp(): string {
  const fixtures = path.join(__dirname, 'fixtures');
  return synthCached('nodejs', [path.join(fixtures, 'nodejs-function-app.ts'), path.join(fixtures, 'nodejs-fn', 'handler.ts')], [path.join(fixtures, 'nodejs-function-app.ts')]);
}

/**
 * Synthesizes the EventBridge Scheduler fixture (plain aws-cdk-lib `Schedule` and `CfnSchedule`)
 * with its one-time schedule at `atIso`; cached per content and time.
 */
export function synthSchedulerApp(atIso: string): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const handlers = path.join(fixtures, 'scheduler-fn');
  const app = path.join(fixtures, 'scheduler-app.ts');
  return synthCached('scheduler', [app, ...fs.readdirSync(handlers).sort().map((f) => path.join(handlers, f))], [app, atIso]);
}

/** Synthesizes the event source mappings fixture (plain aws-cdk-lib SqsEventSource and DynamoEventSource); cached likewise. */
export function synthEventSourcesApp(): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const handlers = path.join(fixtures, 'event-source-handlers');
  const app = path.join(fixtures, 'event-sources-app.ts');
  return synthCached('event-sources', [app, ...fs.readdirSync(handlers).sort().map((f) => path.join(handlers, f))], [app]);
}

/** Synthesizes the permissions fixture (plain aws-cdk-lib grants, a Deny, conditions, a queue policy); cached likewise. */
export function synthIamApp(): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const handlers = path.join(fixtures, 'iam-handlers');
  const app = path.join(fixtures, 'iam-app.ts');
  return synthCached('iam', [app, ...fs.readdirSync(handlers).sort().map((f) => path.join(handlers, f))], [app]);
}

/**
 * Synthesizes the Python fixture (plain aws-cdk-lib `lambda.Function`s on PYTHON_3_12); cached
 * likewise. `codeDir`: the handlers' folder (a copy the test may edit). @default fixtures/python-fn
 */
export function synthPythonApp(codeDir?: string): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const dir = codeDir ?? path.join(fixtures, 'python-fn');
  const app = path.join(fixtures, 'python-app.ts');
  const sources = [app, ...fs.readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => path.join(dir, f))];
  return synthCached(codeDir ? 'python-copy' : 'python', sources, codeDir ? [app, codeDir] : [app]);
}

/** Synthesizes the REST API fixture (plain aws-cdk-lib `RestApi`, handlers not bundled); cached likewise. */
export function synthRestApp(): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const handlers = path.join(fixtures, 'rest-handlers');
  const app = path.join(fixtures, 'rest-app.ts');
  return synthCached('rest', [app, ...fs.readdirSync(handlers).sort().map((f) => path.join(handlers, f))], [app]);
}

/**
 * Synthesizes the repository's example app (bin/app.ts) through cdk.json, as `switchyard dev`
 * does; cached per content of the sources it is built from.
 */
export async function synthExampleApp(): Promise<string> {
  const repo = path.join(__dirname, '..', '..');
  const sources = ['bin', 'lambdas', 'lib/constructs', 'lib/bundling', 'lib/runtime', 'lib/patterns'].flatMap((d) => listFiles(path.join(repo, d)));
  return synthThroughCdkJson('example', repo, sources);
}

/**
 * Synthesizes a fixture project (a folder with its own cdk.json) through its `app` command, as
 * `switchyard dev` does; cached per content of the project's files.
 */
export function synthProject(projectDir: string): Promise<string> {
  const sources = listFiles(projectDir).filter((f) => !/[\\/](\.switchyard|node_modules|cdk\.out)[\\/]/.test(path.relative(projectDir, f).replace(/^/, '/')));
  return synthThroughCdkJson(path.basename(projectDir), projectDir, sources);
}

async function synthThroughCdkJson(name: string, projectDir: string, sources: readonly string[]): Promise<string> {
  const { outdir, cached, tmp } = cacheDir(name, sources, []);
  if (cached) return outdir;
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  try {
    await synthesizeApp({ projectDir, outdir: tmp, output });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${Buffer.concat(chunks).toString('utf8')}`);
  }
  return publish(tmp, outdir);
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

/**
 * The cache folder of an assembly: `<name>-<args>-<content>`, the hash of the synth's arguments,
 * then of them and the sources. Test files synthesize the same app with different arguments at
 * the same time (jest workers), so only assemblies of the same name and arguments are older
 * versions of one another (see publish).
 */
function cacheDir(name: string, sources: readonly string[], args: readonly string[]): { outdir: string; cached: boolean; tmp: string } {
  const argsKey = createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 8);
  const hash = createHash('sha256').update(JSON.stringify(args));
  for (const file of sources) hash.update(file).update(fs.readFileSync(file));
  const root = path.join(__dirname, '..', '..', '.switchyard', 'test-assemblies');
  const outdir = path.join(root, `${name}-${argsKey}-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(outdir, 'manifest.json'))) {
    // Its modification time says when it was last used (see publish).
    const now = new Date();
    fs.utimesSync(outdir, now, now);
    return { outdir, cached: true, tmp: '' };
  }
  fs.mkdirSync(root, { recursive: true });
  return { outdir, cached: false, tmp: fs.mkdtempSync(path.join(root, 'tmp-')) };
}

function publish(tmp: string, outdir: string): string {
  try {
    fs.renameSync(tmp, outdir);
  } catch {
    // Another jest worker got there first with the same content.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // Assemblies of older sources with the same arguments are never used again (every worker
  // hashes the same sources); another file's, made with other arguments, may be in use by a
  // worker now, so it goes only once unused for a day (arguments such as a time make new ones).
  const base = path.basename(outdir);
  const sameArgs = base.replace(/-[0-9a-f]{16}$/, '-');
  const sameName = base.replace(/-[0-9a-f]{8}-[0-9a-f]{16}$/, '-');
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const old of fs.readdirSync(path.dirname(outdir))) {
    if (old === base || !old.startsWith(sameName)) continue;
    const dir = path.join(path.dirname(outdir), old);
    const stale = old.startsWith(sameArgs) || (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < dayAgo;
    if (stale) fs.rmSync(dir, { recursive: true, force: true });
  }
  return outdir;
}

/** Runs `tsx <script> <outdir> ...args` once per content of `sources` and `args`. */
function synthCached(name: string, sources: readonly string[], [script, ...args]: readonly string[]): string {
  const { outdir, cached, tmp } = cacheDir(name, sources, args);
  if (cached) return outdir;
  execFileSync(process.execPath, [require.resolve('tsx/cli'), script, tmp, ...args], { stdio: 'pipe' });
  return publish(tmp, outdir);
}

/** Starts the fixture app on ephemeral ports. */
export async function startPlainApp(options: LocalAppOptions & { app?: Omit<PlainAppOptions, 'outdir'> } = {}): Promise<LocalApp> {
  const { app, ...rest } = options;
  return LocalApp.start(synthPlainApp(app), { httpPort: 0, awsPort: 0, schedules: false, ...rest });
}

/** The delivery of an event once it has ended (delivered, dead-lettered, dropped: no longer pending or retrying). */
export function deliveryEnded(app: LocalApp, eventId: string): Promise<DeliveryRecord> {
  return new Promise((resolve) => {
    const check = () => {
      const [d] = app.ledger.list({ eventId });
      if (d && !['pending', 'retrying'].includes(d.state)) {
        app.ledger.off('change', check);
        resolve(d);
      }
    };
    app.ledger.on('change', check);
    check();
  });
}

/** Dummy credentials and the endpoint for SDK clients. */
export function clientConfig(app: LocalApp) {
  return { endpoint: app.awsEndpoint, region: app.model.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** The fixture function named by its construct id (`HttpFn`, ...). */
export function fnName(app: LocalApp, id: string): string {
  const fn = app.model.functions.find((f) => f.logicalId.startsWith(id));
  if (!fn) throw new Error(`No function ${id}`);
  return fn.name;
}

/** The answer of a raw call to the local AWS endpoint. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: any;
}

/**
 * Calls the local AWS endpoint with a raw body, as no SDK would send it (wrong shapes, nulls,
 * malformed JSON). `target` is the `X-Amz-Target` (e.g. `AmazonSQS.SendMessage`); `path`
 * defaults to `/`.
 */
export async function rawCall(app: LocalApp, target: string | undefined, body: string | Uint8Array, options: { path?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', ...options.headers };
  if (target) headers['x-amz-target'] = target;
  const res = await fetch(`${app.awsEndpoint}${options.path ?? '/'}`, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the text is the body.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** An inspector target as a debugger port lists it (`/json/list`). */
export interface InspectorTarget {
  readonly title: string;
  readonly webSocketDebuggerUrl: string;
}

/** The targets a debugger port (`inspect`) lists, asked again (bounded) while its instance starts, as a debugger does. */
export async function inspectorTargets(port: number): Promise<InspectorTarget[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as InspectorTarget[];
    if (list.length) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no inspector target on port ${port}`);
}

/** The functions of `fixtures/reload-project`, each served on the route `GET /<id in lower case>`. */
export const RELOAD_PROJECT_FUNCTIONS = ['Alpha', 'Beta', 'Gamma'] as const;

/**
 * A copy of the fixture project `fixtures/reload-project` (hot reload and `inspect` edit it as a
 * user would), under the repository so that the SDK resolves from its node_modules as from
 * Lambda's; `prepare` changes the copy before its assembly is written. Every function is the
 * deployed `deployed/index.mjs` with its source entry and the bundling options the EventApp
 * constructs record.
 */
export function copyReloadProject(prefix: string, prepare: (project: string) => void = () => undefined): { project: string; assembly: string } {
  const root = path.join(__dirname, '..', '..', '.switchyard', 'test-projects');
  fs.mkdirSync(root, { recursive: true });
  const project = fs.mkdtempSync(path.join(root, prefix));
  fs.cpSync(path.join(__dirname, 'fixtures', 'reload-project'), project, { recursive: true });
  prepare(project);
  const assembly = writeAssembly(path.join(project, 'cdk.out'), {
    functions: RELOAD_PROJECT_FUNCTIONS.map((id) => ({
      id,
      assetDir: path.join(project, 'deployed'),
      handler: 'index.handler',
      entry: `src/${id.toLowerCase()}.ts`,
      // What the EventApp constructs record: ESM, minified, the SDK left external.
      bundling: { format: 'esm', minify: true, sourceMap: false, externalModules: ['@aws-sdk/*'], target: 'node20' },
    })),
    routes: Object.fromEntries(RELOAD_PROJECT_FUNCTIONS.map((id) => [`GET /${id.toLowerCase()}`, id])),
  });
  return { project, assembly };
}

/**
 * Synthesizes the several-apps fixture (stacks in two regions and two accounts): `all` in one
 * assembly, or the `producer` or `consumer` alone, as two apps synthesized apart; cached likewise.
 */
export function synthMultiApp(which: 'all' | 'producer' | 'consumer' = 'all'): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const handlers = path.join(fixtures, 'multi-handlers');
  const app = path.join(fixtures, 'multi-app.ts');
  return synthCached(`multi-${which}`, [app, ...fs.readdirSync(handlers).sort().map((f) => path.join(handlers, f))], [app, which]);
}
