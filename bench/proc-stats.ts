/**
 * A process's memory and CPU, read from /proc (Linux), for the benchmarks that measure a local
 * app in its own process (serve-local.ts, console/run.ts). No side effects on import.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** A process's memory and CPU, from /proc (Linux). */
export interface ProcessSample {
  readonly pid: number;
  /** What it runs: `instance` (a function instance), `esbuild`, or `other`. */
  readonly kind: 'instance' | 'esbuild' | 'other';
  readonly rssBytes: number;
  /** Its peak resident memory (VmHWM). */
  readonly peakRssBytes: number;
  readonly cpuMs: number;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU of a process and of its exited children, in ms. */
export function stat(pid: number | 'self'): { cpuMs: number; childrenCpuMs: number } {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of proc(5), counted from `state` (field 3) at index 0.
  return { cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, childrenCpuMs: (Number(f[13]) + Number(f[14])) * TICK_MS };
}

/** Memory and CPU of one process; undefined when it has just exited. */
export function sample(pid: number): ProcessSample | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { pid, kind: kindOf(pid), rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM'), cpuMs: stat(pid).cpuMs };
  } catch {
    return undefined;
  }
}

/** What each process runs, read once per process (its command line does not change). */
const kinds = new Map<number, ProcessSample['kind']>();

/** What a process runs, from its command line. Throws when it has exited. */
export function kindOf(pid: number): ProcessSample['kind'] {
  let kind = kinds.get(pid);
  if (kind === undefined) {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    kind = cmdline.includes('worker.mjs') ? 'instance' : cmdline.includes('esbuild') ? 'esbuild' : 'other';
    kinds.set(pid, kind);
  }
  return kind;
}

let pageBytes: number | undefined;

/** A process's resident memory now, from the one-line statm (resident pages: VmRSS); 0 when it has exited. */
export function residentBytes(pid: number): number {
  pageBytes ??= Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
  try {
    return Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageBytes;
  } catch {
    return 0;
  }
}

