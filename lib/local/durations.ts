/**
 * Measured durations per function, written to `.switchyard/durations.json` for
 * `switchyard cost` (format: `MeasuredDurations` in lib/ops/usage.ts, version 1).
 * Warm invocations are what a deployed function mostly runs, so they are preferred; a
 * function that was only ever invoked cold is reported from its cold invocations.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionHost, InvokeResult } from './host/function-host';

/** How many durations per function are kept for the p99 (a sliding window). */
const WINDOW = 1000;

interface Samples {
  invocations: number;
  total: number;
  recent: number[];
}

/** Records invocation durations of a host and writes them as JSON. */
export class DurationRecorder {
  private readonly warm = new Map<string, Samples>();
  private readonly cold = new Map<string, Samples>();
  private readonly listener = (r: InvokeResult) => this.record(r);

  constructor(private readonly host: FunctionHost) {
    host.on('invocation', this.listener);
  }

  /** The file's content now, keyed by logical id. */
  snapshot(): { version: 1; measuredAt: string; functions: Record<string, { invocations: number; avgMs: number; p99Ms: number }> } {
    const functions: Record<string, { invocations: number; avgMs: number; p99Ms: number }> = {};
    for (const key of new Set([...this.warm.keys(), ...this.cold.keys()])) {
      const s = this.warm.get(key) ?? this.cold.get(key)!;
      const sorted = [...s.recent].sort((a, b) => a - b);
      functions[key] = { invocations: s.invocations, avgMs: round(s.total / s.invocations), p99Ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]) };
    }
    return { version: 1, measuredAt: new Date().toISOString(), functions };
  }

  /** Writes `<projectDir>/.switchyard/durations.json` when anything was measured. */
  write(projectDir: string): string | undefined {
    if (this.warm.size + this.cold.size === 0) return undefined;
    const file = path.join(projectDir, '.switchyard', 'durations.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename: a reader never sees half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.snapshot(), null, 2));
    fs.renameSync(`${file}.tmp`, file);
    return file;
  }

  /** Stops listening. */
  stop(): void {
    this.host.off('invocation', this.listener);
  }

  private record(r: InvokeResult): void {
    const fn = this.host.find(r.functionName);
    if (!fn) return;
    const map = r.cold ? this.cold : this.warm;
    const s = map.get(fn.logicalId) ?? { invocations: 0, total: 0, recent: [] };
    s.invocations++;
    s.total += r.durationMs;
    s.recent.push(r.durationMs);
    if (s.recent.length > WINDOW) s.recent.shift();
    map.set(fn.logicalId, s);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
