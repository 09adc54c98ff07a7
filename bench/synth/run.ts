/**
 * Synth benchmark: Switchyard's bundling against NodejsFunction and against no bundling at all.
 *
 *   npx tsx bench/synth/run.ts [--sizes 10,50,100,200] [--runs 3] [--nodejs-max 100] [--nodejs-runs 3] [--validation off]
 *
 * For each N it generates N handlers (each imports a shared module and the `ms` package),
 * then times, each synth in a fresh process, median of `--runs`:
 *
 * - `cdk-floor`: plain aws-cdk-lib (lambda.Function + HttpApi route + Rule) with pre-built code;
 * - `nodejs`: the same app with NodejsFunction (local esbuild, one process per function);
 * - `sy-floor`: the same EventApp with bundling skipped (stub code): Switchyard's constructs alone;
 * - `sy-cold`: EventApp bundling with an empty cache; `sy-warm`: with the cache of a prior synth.
 *
 * NodejsFunction costs ~0.7 s per function, so it is skipped above `--nodejs-max` functions.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { readBundleManifest } from '../../lib/bundling';
import type { Variant } from './app';

interface Sample {
  readonly ms: number;
  readonly maxRssKb: number;
}

const args = parseArgs(process.argv.slice(2));
const sizes = (args.sizes ?? '10,50,100,200').split(',').map(Number);
const runs = Number(args.runs ?? 3);
const nodejsMax = Number(args['nodejs-max'] ?? 100);
const nodejsRuns = Number(args['nodejs-runs'] ?? runs);
// aws-cdk-lib validates every template at synth unless told not to; it costs every variant alike.
const validation = args.validation !== 'off';
const root = path.resolve(__dirname, '..', '..');
// Inside the repository, so handlers resolve `ms` and NodejsFunction finds esbuild and the lock file.
const base = path.join(root, 'bench', '.out', 'synth');

const rows: string[][] = [];

function printTable(): void {
  const header = ['N', 'cdk floor', 'NodejsFunction', 'sy floor', 'sy cold', 'sy warm', 'cold/floor', 'warm/floor', 'Nodejs/cold', 'sy floor/cdk floor', 'peak RSS MB (cdk/nodejs/floor/cold/warm)'];
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

/** Median wall time (spawn to exit, process start included) and peak RSS of the samples. */
function summarize(name: string, n: number, samples: Sample[]): Sample | undefined {
  if (samples.length === 0) return undefined;
  process.stderr.write(`N=${n} ${name}: ${samples.map((s) => (s.ms / 1000).toFixed(2)).join(' ')} s\n`);
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  return { ms: sorted[Math.floor(sorted.length / 2)].ms, maxRssKb: Math.max(...samples.map((s) => s.maxRssKb)) };
}

function synthOnce(variant: Variant, n: number, work: string, cacheDir: string): Sample {
  const outdir = freshDir(path.join(work, `cdk.out-${variant}`));
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'app.ts'), variant, String(n), work, outdir], {
    cwd: root,
    env: { ...process.env, SWITCHYARD_CACHE_DIR: cacheDir, SWITCHYARD_PROGRESS: '0', ...(validation ? {} : { CDK_VALIDATION: 'false' }) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${variant} N=${n} failed:\n${child.stderr}`);
  const { maxRssKb } = JSON.parse(child.stdout.trim().split('\n').pop()!) as { maxRssKb: number };
  return { ms, maxRssKb };
}

/** Handlers, a shared module, and pre-built bundles for the floors (built here, not timed). */
function generate(n: number): string {
  const work = path.join(base, `n${n}`);
  fs.rmSync(work, { recursive: true, force: true });
  const files: Record<string, string> = { 'shared/http.ts': SHARED };
  for (let i = 0; i < n; i++) files[`handlers/fn${i}.ts`] = handler(i);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    fs.writeFileSync(path.join(work, name), content);
  }
  esbuild.buildSync({
    entryPoints: Array.from({ length: n }, (_, i) => ({ in: path.join(work, 'handlers', `fn${i}.ts`), out: `fn${i}/index` })),
    outdir: path.join(work, 'prebuilt'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return work;
}

/** Bundle size of the same handler: NodejsFunction's defaults against Switchyard's. */
function compareSizes(): void {
  const work = path.join(base, `n${sizes[0]}`);
  const nodejsOut = path.join(work, 'cdk.out-nodejs');
  const syOut = path.join(work, 'cdk.out-switchyard');
  const syBundle = readBundleManifest(syOut)?.bundles.find((b) => b.entry.endsWith('handlers/fn0.ts'));
  const nodejsDir = fs.existsSync(nodejsOut) ? nodejsAssetOf(nodejsOut, 'fn0') : undefined;
  const nodejsSize = nodejsDir ? fs.statSync(path.join(nodejsDir, 'index.js')).size : undefined;
  process.stdout.write(
    `\nBundle of handlers/fn0.ts: NodejsFunction (CJS, not minified) ${nodejsSize ?? '-'} B; ` +
      `Switchyard (ESM, minified) ${syBundle?.size ?? '-'} B\n`,
  );
}

function nodejsAssetOf(outdir: string, id: string): string | undefined {
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Bench0.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  const fn = Object.entries(template.Resources).find(([logicalId, r]) => r.Type === 'AWS::Lambda::Function' && logicalId.startsWith(id));
  const key = fn?.[1].Properties.Code?.S3Key?.replace(/\.zip$/, '');
  return key ? path.join(outdir, `asset.${key}`) : undefined;
}

function handler(i: number): string {
  return `import ms from 'ms';
import { json, parseBody, logger } from '../shared/http';

const log = logger('fn${i}');

export const handler = async (event: { body?: string; detail?: Record<string, unknown> }) => {
  const input = parseBody(event.body) ?? event.detail ?? {};
  log.info('handling', { keys: Object.keys(input) });
  return json(200, { fn: 'fn${i}', ttlMs: ms('${(i % 23) + 1}h'), input });
};
`;
}

const SHARED = `export interface HttpResult { statusCode: number; headers: Record<string, string>; body: string }

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function parseBody(body: string | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function logger(name: string) {
  const write = (level: string, message: string, data?: unknown) =>
    console.log(JSON.stringify({ level, name, message, data, time: new Date().toISOString() }));
  return {
    info: (message: string, data?: unknown) => write('INFO', message, data),
    error: (message: string, data?: unknown) => write('ERROR', message, data),
  };
}

/** Unused by the handlers: tree-shaking should drop it. */
export function problem(statusCode: number, title: string, detail?: string): HttpResult {
  return json(statusCode, { type: 'about:blank', title, status: statusCode, detail });
}
`;

function freshDir(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function seconds(sample: Sample): string {
  return `${(sample.ms / 1000).toFixed(2)} s`;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

function main(): void {
  for (const n of sizes) {
    const work = generate(n);
    const warmCache = path.join(work, 'cache');
    synthOnce('switchyard', n, work, freshDir(warmCache)); // fills the warm cache
    // Round-robin, so load from anything else on the machine falls on every variant alike.
    const variants: Array<[string, Variant, () => string]> = [
      ['cdk-floor', 'cdk-floor', () => freshDir(path.join(work, 'cache-unused'))],
      ['nodejs', 'nodejs', () => freshDir(path.join(work, 'cache-unused'))],
      ['sy-floor', 'switchyard-floor', () => freshDir(path.join(work, 'cache-unused'))],
      ['sy-cold', 'switchyard', () => freshDir(path.join(work, 'cache-cold'))],
      ['sy-warm', 'switchyard', () => warmCache],
    ];
    const samples = new Map<string, Sample[]>(variants.map(([name]) => [name, []]));
    for (let round = 0; round < Math.max(runs, nodejsRuns); round++) {
      for (const [name, variant, cacheDir] of variants) {
        if (name === 'nodejs' ? n > nodejsMax || round >= nodejsRuns : round >= runs) continue;
        samples.get(name)!.push(synthOnce(variant, n, work, cacheDir()));
      }
    }
    const [cdkFloor, nodejs, syFloor, cold, warm] = variants.map(([name]) => summarize(name, n, samples.get(name)!));
    rows.push([
      String(n),
      seconds(cdkFloor!),
      nodejs ? seconds(nodejs) : 'skipped',
      seconds(syFloor!),
      seconds(cold!),
      seconds(warm!),
      ratio(cold!.ms, syFloor!.ms),
      ratio(warm!.ms, syFloor!.ms),
      nodejs ? ratio(nodejs.ms, cold!.ms) : '-',
      ratio(syFloor!.ms, cdkFloor!.ms),
      [cdkFloor, nodejs, syFloor, cold, warm].map((s) => (s ? `${Math.round(s.maxRssKb / 1024)}` : '-')).join(' / '),
    ]);
    printTable();
  }
  compareSizes();
}

main();
