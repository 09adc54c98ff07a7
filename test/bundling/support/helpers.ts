import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BundledCode, BundlingOptions, BundlingSession } from '../../../lib/bundling';

/** A fresh temporary folder, removed by {@link cleanUp}. */
export function tempDir(prefix = 'sy-bundling-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  CREATED.push(dir);
  return dir;
}

const CREATED: string[] = [];

/** Removes every folder {@link tempDir} created. */
export function cleanUp(): void {
  for (const dir of CREATED.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path -> content) under `dir` and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A function to synthesize: its id, entry and bundling options. */
export interface FunctionSpec {
  readonly id: string;
  readonly entry: string;
  readonly bundling?: BundlingOptions;
}

/** What {@link synth} gives back. */
export interface Synthesized {
  readonly session: BundlingSession;
  readonly outdir: string;
  /** The staged asset folder of each function, by id. */
  readonly assetDirs: Record<string, string>;
  /** The main bundle file's text of each function, by id. */
  readonly code: Record<string, string>;
}

/** Synthesizes one stack with a plain `lambda.Function` per spec, bundled by `BundledCode`. */
export function synth(functions: FunctionSpec[], context: Record<string, unknown> = {}): Synthesized {
  // Asset metadata (`aws:asset:path`) is what the CDK CLI asks for; it tells where each asset is staged.
  // Template validation costs seconds and has nothing to do with bundling.
  const app = new App({
    outdir: tempDir('sy-cdkout-'),
    context: { 'aws:cdk:enable-asset-metadata': true, ...context },
    builtinCloudFormationValidation: false,
  });
  const stack = new Stack(app, 'Test');
  const codes: Record<string, BundledCode> = {};
  for (const spec of functions) {
    const code = new BundledCode(spec.entry, spec.bundling);
    codes[spec.id] = code;
    new lambda.Function(stack, spec.id, { code, handler: code.handlerFor(), runtime: lambda.Runtime.NODEJS_24_X });
  }
  const assembly = app.synth();
  const template = assembly.getStackByName('Test').template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
  const assetDirs: Record<string, string> = {};
  const code: Record<string, string> = {};
  for (const spec of functions) {
    const resource = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(spec.id))?.[1];
    const assetPath = resource?.Metadata?.['aws:asset:path'];
    if (!assetPath) throw new Error(`no asset path on ${spec.id}`);
    assetDirs[spec.id] = path.join(assembly.directory, assetPath);
    code[spec.id] = fs.readFileSync(path.join(assetDirs[spec.id], codes[spec.id].outputFileName), 'utf8');
  }
  return { session: BundlingSession.of(stack), outdir: assembly.directory, assetDirs, code };
}

/** Sets `SWITCHYARD_CACHE_DIR` to a fresh folder for each test and restores it after. */
export function isolateCache(): { readonly dir: () => string } {
  let current = '';
  const saved = process.env.SWITCHYARD_CACHE_DIR;
  beforeEach(() => {
    current = tempDir('sy-cache-');
    process.env.SWITCHYARD_CACHE_DIR = current;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SWITCHYARD_CACHE_DIR;
    else process.env.SWITCHYARD_CACHE_DIR = saved;
  });
  afterAll(cleanUp);
  return { dir: () => current };
}
