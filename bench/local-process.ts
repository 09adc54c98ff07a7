/**
 * The benchmarks' side of serve-local.ts: starts a local app in its own process and talks to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Stats } from './serve-local';

/** How to start the app. */
export interface LocalProcessOptions {
  readonly assembly: string;
  /** Another commit's `lib/` (see baseline.ts). @default this tree's */
  readonly lib?: string;
  readonly projectDir?: string;
  readonly watch?: boolean;
  readonly maxInstances?: number;
  /** Keep the app's state in this folder, as `switchyard dev` does. @default in memory */
  readonly stateDir?: string;
}

/** A running `serve-local.ts`; emits `RELOAD` and `BATCH` with their parsed lines. */
export class LocalProcess extends EventEmitter {
  /** Starts the app; resolves when it is ready (for a watching app, after its first builds). */
  static async start(options: LocalProcessOptions): Promise<LocalProcess> {
    // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=bench/.out/prof' profiles the app process.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const args = [...nodeArgs, '--import', 'tsx', path.join(__dirname, 'serve-local.ts'), '--assembly', options.assembly];
    if (options.lib) args.push('--lib', options.lib);
    if (options.projectDir) args.push('--project', options.projectDir);
    if (options.watch) args.push('--watch');
    if (options.maxInstances) args.push('--max-instances', String(options.maxInstances));
    if (options.stateDir) args.push('--state-dir', options.stateDir);
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const p = new LocalProcess(child);
    const ready = await new Promise<{ urls: string[]; awsEndpoint: string }>((resolve, reject) => {
      p.once('READY', resolve);
      child.once('exit', (code) => reject(new Error(`serve-local exited with ${code} before it was ready`)));
    });
    p.urls = ready.urls;
    p.awsEndpoint = ready.awsEndpoint;
    return p;
  }

  urls: string[] = [];
  awsEndpoint = '';

  private constructor(private readonly child: ChildProcess) {
    super();
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const space = line.indexOf(' ');
      const tag = line.slice(0, space);
      if (/^[A-Z]+$/.test(tag)) this.emit(tag, JSON.parse(line.slice(space + 1)));
    });
  }

  /** The app process's id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Memory and CPU of the app and its children now; resets the instances' peak. */
  stats(): Promise<Stats> {
    const answer = new Promise<Stats>((resolve) => this.once('STATS', resolve));
    this.child.stdin!.write('stats\n');
    return answer;
  }

  /** Resolves with the ledger's counts once no delivery is pending or retrying (ask after the last PutEvents answered). */
  idle(): Promise<Record<string, number>> {
    const answer = new Promise<Record<string, number>>((resolve) => this.once('IDLE', resolve));
    this.child.stdin!.write('idle\n');
    return answer;
  }

  /** Stops the app and waits for its process to end. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
