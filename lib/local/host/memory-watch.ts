/**
 * Holds each instance to its function's memory size, as Lambda does: the resident memory of
 * the instance's process (V8 heap, Buffers and ArrayBuffers, native memory alike) is sampled,
 * and an instance over its limit is killed with SIGKILL, which Lambda reports as
 * `Runtime.OutOfMemory`. Busy instances are sampled often (a handler allocating in a loop grows
 * by a few GB/s); idle ones, whose timers may still run, less often.
 */
import * as fs from 'node:fs';
import type { FunctionInstance } from './instance';

/** Milliseconds between samples of busy instances; idle ones every tenth tick. */
const BUSY_INTERVAL_MS = 20;
const IDLE_EVERY = 10;

interface Watched {
  readonly instance: FunctionInstance;
  readonly limitBytes: number;
  peakBytes: number;
}

/** Samples instances' resident memory and kills those over their limit. */
export class MemoryWatch {
  private readonly watched = new Map<FunctionInstance, Watched>();
  private timer?: NodeJS.Timeout;
  private ticks = 0;
  private sampling = false;

  /** Watches an instance until it exits. */
  add(instance: FunctionInstance, limitMb: number): void {
    this.watched.set(instance, { instance, limitBytes: limitMb * 1024 * 1024, peakBytes: 0 });
    this.timer ??= setInterval(() => void this.tick(), BUSY_INTERVAL_MS).unref();
  }

  /** Stops watching an instance; returns its peak resident memory in MB (as Lambda's `Max Memory Used`). */
  remove(instance: FunctionInstance): number {
    const w = this.watched.get(instance);
    this.watched.delete(instance);
    if (this.watched.size === 0) this.stop();
    return w ? Math.ceil(w.peakBytes / 1024 / 1024) : 0;
  }

  /** The highest resident memory sampled for an instance, in MB. */
  peakMb(instance: FunctionInstance): number {
    const w = this.watched.get(instance);
    return w ? Math.ceil(w.peakBytes / 1024 / 1024) : 0;
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    // A slow sampler (ps on macOS) must not pile up calls.
    if (this.sampling) return;
    this.sampling = true;
    try {
      const all = this.ticks++ % IDLE_EVERY === 0;
      const due = [...this.watched.values()].filter((w) => w.instance.alive && w.instance.pid !== undefined && (all || w.instance.busy));
      if (!due.length) return;
      const rss = await residentBytes(due.map((w) => w.instance.pid!));
      for (const w of due) {
        const bytes = rss.get(w.instance.pid!);
        if (bytes === undefined) continue;
        w.peakBytes = Math.max(w.peakBytes, bytes);
        if (bytes > w.limitBytes) w.instance.killForMemory();
      }
    } finally {
      this.sampling = false;
    }
  }
}

/**
 * Resident set sizes by pid. On Linux, read from /proc by hand: one small synchronous read per
 * process, no file descriptor kept open and no child process, which matters at 50 samples a
 * second. Elsewhere, pidusage (ps on macOS, WMI on Windows).
 */
async function residentBytes(pids: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (process.platform === 'linux') {
    for (const pid of pids) {
      try {
        const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) out.set(pid, Number(m[1]) * 1024);
      } catch {
        // The process has just exited.
      }
    }
    return out;
  }
  const { default: pidusage } = await import('pidusage');
  const stats = await pidusage([...pids]).catch(() => ({}) as Record<string, undefined>);
  for (const pid of pids) {
    const s = stats[String(pid)];
    if (s) out.set(pid, s.memory);
  }
  return out;
}
