/**
 * Hot reload on the example itself: a copy of the repository's example app (its git-tracked
 * files, this checkout's node_modules), synthesized through its cdk.json and run by `dev` with
 * --watch; `lambdas/get-order.ts` edited again and again, and the function invoked through
 * the local Lambda API every 10 ms (its route needs a JWT; the instance pool is the same)
 * until it answers with the edit. Its bundle holds zod and the runtime's sources, and every
 * call makes a DynamoDB request: heavier than run.ts's generated handlers. Run from the
 * repository root:
 *
 *   npx tsx bench/hot-reload/example.ts [--edits 15] [--baseline REF]
 *
 * Prints, per variant, edit-to-served median / p90, the reloader's own build-and-stage time, and
 * how long `dev` took from its start to the end of every function's first build (what
 * bundling packages apart adds to start-up, in the background of a ready `dev`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { synthesizeApp } from '../../lib/cli/synth';
import { readAppModel } from '../../lib/model';
import { baselineLib } from '../baseline';
import { LocalProcess } from '../local-process';
import { copyExample } from '../../test/quickstart/support/clean-copy';

const ROOT = path.resolve(__dirname, '..', '..');
const POLL_MS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { edits: { type: 'string', default: '15' }, baseline: { type: 'string' } } });
  const dir = copyExample(ROOT, 'sy-reload-example-');
  try {
    const assembly = await synthesizeApp({ projectDir: dir, output: new PassThrough() });
    const fn = readAppModel(assembly).model.functions.find((f) => f.logicalId.includes('GetOrdersId'))!.name;
    const rows: string[][] = [['variant', 'edit to served, median / p90', 'build and stage, median', 'start to first builds done']];
    const variants: Array<{ name: string; lib?: string }> = [{ name: 'this tree' }];
    if (values.baseline) {
      const base = baselineLib(values.baseline);
      variants.unshift({ name: `baseline ${values.baseline} (${base.commit})`, lib: base.dir });
    }
    for (const v of variants) {
      const { served, built, startMs } = await measure(dir, assembly, fn, Number(values.edits), v.lib);
      rows.push([v.name, `${quantile(served, 0.5).toFixed(0)} / ${quantile(served, 0.9).toFixed(0)} ms`, `${quantile(built, 0.5).toFixed(0)} ms`, `${startMs.toFixed(0)} ms`]);
    }
    console.log(`\nhot reload of the example's GetOrdersId (lambdas/get-order.ts), load average ${os.loadavg()[0].toFixed(2)}:`);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string, assembly: string, fn: string, edits: number, lib?: string): Promise<{ served: number[]; built: number[]; startMs: number }> {
  const file = path.join(dir, 'lambdas', 'get-order.ts');
  const original = fs.readFileSync(file, 'utf8');
  const launched = performance.now();
  // Resolves once every function's first build has ended (see LocalProcess.start).
  const dev = await LocalProcess.start({ assembly, lib, projectDir: dir, watch: true });
  const startMs = performance.now() - launched;
  const built: number[] = [];
  dev.on('RELOAD', (r: { durationMs: number }) => built.push(r.durationMs));
  const invoke = async () => {
    const res = await fetch(`${dev.awsEndpoint}/2015-03-31/functions/${fn}/invocations`, { method: 'POST', body: JSON.stringify({ pathParameters: { id: '00000000-0000-4000-8000-000000000000' } }) });
    return res.text();
  };
  const served: number[] = [];
  try {
    await invoke(); // a warm instance, as in a session where the route was used
    for (let i = 1; i <= edits; i++) {
      const marker = `edit-${i}`;
      const started = performance.now();
      fs.writeFileSync(file, original.replace('not found`', `not found (${marker})\``));
      while (!(await invoke()).includes(marker)) await sleep(POLL_MS);
      served.push(performance.now() - started);
      await sleep(1500);
    }
  } finally {
    fs.writeFileSync(file, original);
    await dev.stop();
  }
  return { served, built, startMs };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
