/**
 * Hot reload: from an edit saved to the new code served. Writes a source file, then polls the
 * routes of the functions that import it until each answers with the new text; many edits,
 * median and p90. Run from the repository root:
 *
 *   npx tsx bench/hot-reload/run.ts [--functions 8] [--edits 15] [--baseline main]
 *
 * Measured, in the same run, on the same generated app (see project.ts):
 *
 * - this tree's `switchyard dev --watch` (its own process, as dev runs);
 * - with `--baseline REF`, the same with the `lib/` of another commit (e.g. the one before a change);
 * - the peer floor: `esbuild --watch` alone (esbuild's own watch mode on one entry, writing the
 *   bundle to disk and serving nothing), edit to bundle written.
 *
 * Three kinds of edit: `fn0`'s own module (one function holds it), a shared module (half the
 * functions hold it: served means every one of them answers with it), and an edit of the own
 * module followed, a second after its rebuilds ended (a person switching to the browser), by one
 * call: its latency says whether an instance of the new code was ready for it, and the CPU the
 * app and its children (esbuild, instances) spent from the edit to that answer is the cost of a
 * reload, which a busy machine does not inflate as it does wall-clock times.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { baselineLib } from '../baseline';
import { LocalProcess } from '../local-process';
import type { Stats } from '../serve-local';
import { moduleText, resetProject, writeProject, type BenchProject } from './project';

const ROOT = path.resolve(__dirname, '..', '..');
// Each poll is a call to the function (host and instance CPU): every 10 ms keeps the measurement
// from slowing the reload it measures, at a resolution of 10 ms.
const POLL_MS = 10;

type Kind = 'own' | 'shared' | 'first call';

interface VariantResult {
  readonly name: string;
  readonly ms: Record<Kind, number[]>;
  /** CPU ms per reload (the `first call` edits). */
  readonly cpuMs: number[];
  /** Resident memory of esbuild's service at the end (the contexts' cached files), in MB. */
  esbuildRssMb?: number;
  /** Functions rebuilt per edit (from the reloader's records). */
  readonly rebuiltPerEdit: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { functions: { type: 'string', default: '8' }, edits: { type: 'string', default: '15' }, baseline: { type: 'string' } } });
  const edits = Number(values.edits);
  const project = writeProject(path.join(ROOT, 'bench', '.out', 'hot-reload'), Number(values.functions));
  const results: VariantResult[] = [];
  if (values.baseline) {
    const base = baselineLib(values.baseline);
    results.push(await measureDev(`baseline ${values.baseline} (${base.commit})`, project, edits, base.dir));
  }
  results.push(await measureDev('this tree', project, edits));
  const floor = await measureEsbuildWatch(project, edits);
  report(results, floor, project);
}

/** Runs the app with --watch and times `edits` edits of each kind. */
async function measureDev(name: string, project: BenchProject, edits: number, lib?: string): Promise<VariantResult> {
  resetProject(project);
  const dev = await LocalProcess.start({ assembly: project.assembly, projectDir: ROOT, watch: true, lib });
  const result: VariantResult = { name, ms: { own: [], shared: [], 'first call': [] }, cpuMs: [], rebuiltPerEdit: [] };
  let reloads = 0;
  let batches = 0;
  dev.on('RELOAD', () => reloads++);
  dev.on('BATCH', () => batches++);
  const url = (fn: string) => `${dev.urls[0]}/${fn}`;
  /**
   * Waits until every rebuild of an edit has ended: a reloader that emits batches says so; one
   * of before batches (an old baseline) rebuilds every function of the folder, each on its own.
   */
  const settled = async (reloadsBefore: number, batchesBefore: number) => {
    while (batches === batchesBefore && reloads - reloadsBefore < project.functions.length) await sleep(10);
  };
  try {
    // Every function has a warm instance, as in a session where the routes were used.
    for (const fn of project.functions) await fetch(url(fn)).then((r) => r.text());
    for (let i = 1; i <= edits; i++) {
      for (const kind of ['own', 'shared', 'first call'] as const) {
        const marker = `${kind.replace(' ', '-')}-${i}`;
        const file = kind === 'shared' ? project.sharedModule : project.ownModule;
        const targets = kind === 'shared' ? project.sharedDependents : ['fn0'];
        const before = reloads;
        const batchesBefore = batches;
        const cpuBefore = kind === 'first call' ? cpuOf(await dev.stats()) : 0;
        const started = performance.now();
        fs.writeFileSync(file, moduleText(kind === 'shared' ? 'shared' : 'own', marker));
        if (kind === 'first call') {
          await settled(before, batchesBefore);
          await sleep(1000);
          const t = performance.now();
          const body = await fetch(url('fn0')).then((r) => r.text());
          if (!body.includes(marker)) throw new Error(`${name}: the first call after the reload answered ${body}`);
          result.ms[kind].push(performance.now() - t);
          result.cpuMs.push(cpuOf(await dev.stats()) - cpuBefore);
        } else {
          for (const fn of targets) await until(url(fn), marker);
          result.ms[kind].push(performance.now() - started);
          await settled(before, batchesBefore);
        }
        result.rebuiltPerEdit.push(reloads - before);
        await sleep(100);
      }
    }
    result.esbuildRssMb = (await dev.stats()).children.filter((c) => c.kind === 'esbuild').reduce((n, c) => n + c.rssBytes, 0) / 1024 / 1024;
  } finally {
    await dev.stop();
  }
  return result;
}

/** CPU ms of the app, its live children (esbuild, instances) and its children that have exited. */
function cpuOf(stats: Stats): number {
  return stats.dev.cpuMs + stats.exitedChildrenCpuMs + stats.children.reduce((n, c) => n + c.cpuMs, 0);
}

/** Polls a route until its answer holds `marker`. */
async function until(url: string, marker: string): Promise<void> {
  for (;;) {
    const body = await fetch(url).then((r) => r.text());
    if (body.includes(marker)) return;
    await sleep(POLL_MS);
  }
}

/** The peer floor: esbuild's own watch mode on fn0's entry, edit to bundle written. */
async function measureEsbuildWatch(project: BenchProject, edits: number): Promise<number[]> {
  resetProject(project);
  const outfile = path.join(project.dir, 'esbuild-watch', 'index.mjs');
  const ctx = await esbuild.context({ entryPoints: [project.entry('fn0')], outfile, bundle: true, platform: 'node', format: 'esm', minify: true, external: ['@aws-sdk/*'], logLevel: 'silent' });
  const times: number[] = [];
  try {
    await ctx.rebuild();
    await ctx.watch();
    for (let i = 1; i <= edits; i++) {
      const marker = `watch-${i}`;
      const started = performance.now();
      fs.writeFileSync(project.ownModule, moduleText('own', marker));
      while (!fs.readFileSync(outfile, 'utf8').includes(marker)) await sleep(POLL_MS);
      times.push(performance.now() - started);
      await sleep(300);
    }
  } finally {
    await ctx.dispose();
  }
  return times;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const fmt = (values: readonly number[]) => `${quantile(values, 0.5).toFixed(0)} / ${quantile(values, 0.9).toFixed(0)} ms`;

function report(results: readonly VariantResult[], floor: readonly number[], project: BenchProject): void {
  const [load1] = require('node:os').loadavg() as number[];
  console.log(`\nhot reload, ${project.functions.length} functions (shared module held by ${project.sharedDependents.length}), median / p90, load average ${load1.toFixed(2)}:`);
  const rows = [['variant', 'own module', 'shared module', 'call 1 s after reload', 'CPU per reload', 'rebuilt per edit', 'esbuild RSS']];
  for (const r of results) {
    rows.push([r.name, fmt(r.ms.own), fmt(r.ms.shared), fmt(r.ms['first call']), fmt(r.cpuMs), String(quantile(r.rebuiltPerEdit, 0.5)), `${(r.esbuildRssMb ?? 0).toFixed(0)} MB`]);
  }
  rows.push(['esbuild --watch (bundle written, nothing served)', fmt(floor), '', '', '', '1', '']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  const current = results[results.length - 1];
  const median = (v: readonly number[]) => quantile(v, 0.5);
  if (results.length > 1) {
    const base = results[0];
    const ratio = (a: readonly number[], b: readonly number[]) => `${(median(a) / median(b)).toFixed(1)}x`;
    console.log(`\nbaseline / this tree (median): own ${ratio(base.ms.own, current.ms.own)}, shared ${ratio(base.ms.shared, current.ms.shared)}, call after reload ${ratio(base.ms['first call'], current.ms['first call'])}, CPU per reload ${ratio(base.cpuMs, current.cpuMs)}`);
  }
  console.log(`this tree / esbuild --watch (median, own module): ${(median(current.ms.own) / median(floor)).toFixed(2)}x`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
