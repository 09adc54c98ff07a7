/**
 * Holds each instance to its function's memory size, as Lambda does: the resident memory of
 * the instance's process (V8 heap, Buffers and ArrayBuffers, native memory alike) is sampled,
 * and an instance over its limit is killed with SIGKILL, which Lambda reports as
 * `Runtime.OutOfMemory`. Busy instances are sampled often (a handler allocating in a loop grows
 * by a few GB/s); idle ones, whose timers may still run, less often.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
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
 * second. The one-line `statm` (resident pages: what `status` shows as VmRSS) rather than
 * `status`, which the kernel builds from some fifty fields on every read. Elsewhere, pidusage
 * (ps on macOS, WMI on Windows).
 */
async function residentBytes(pids: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (process.platform === 'linux') {
    const page = pageBytes();
    for (const pid of pids) {
      try {
        const resident = Number(fs.readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ', 2)[1]);
        if (Number.isFinite(resident)) out.set(pid, resident * page);
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

let pageSize: number | undefined;

/**
 * The page size statm counts in (4 KiB on x86-64, 4, 16 or 64 KiB on arm64 kernels): Node has
 * no API for it, so it is read once from the process's auxiliary vector (AT_PAGESZ), which the
 * kernel hands every process; 4 KiB if that cannot be read.
 */
function pageBytes(): number {
  if (pageSize !== undefined) return pageSize;
  pageSize = 4096;
  try {
    const auxv = fs.readFileSync('/proc/self/auxv');
    const word = process.arch === 'arm' || process.arch === 'ia32' ? 4 : 8;
    const le = os.endianness() === 'LE';
    const read = (at: number) => (word === 8 ? Number(le ? auxv.readBigUInt64LE(at) : auxv.readBigUInt64BE(at)) : le ? auxv.readUInt32LE(at) : auxv.readUInt32BE(at));
    for (let at = 0; at + 2 * word <= auxv.length; at += 2 * word) {
      if (read(at) === AT_PAGESZ) pageSize = read(at + word);
    }
  } catch {
    // No /proc/self/auxv: keep the common size.
  }
  return pageSize;
}

/** The auxiliary vector's entry type for the page size (elf.h). */
const AT_PAGESZ = 6;
