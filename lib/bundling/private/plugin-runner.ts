import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { BuildOptions, Message, Metafile } from 'esbuild';
import { ErrorCode } from '../../errors';
import type { EsbuildPluginReference } from '../plugins';
import { BundlingProblem } from './errors';

/** What a build returns, the same whichever API ran it. */
export interface BuildOutput {
  readonly outputFiles: ReadonlyArray<{ readonly path: string; readonly contents: Uint8Array }>;
  readonly metafile: Metafile;
}

/** A build that failed, with esbuild's messages (their locations name file and line). */
export class EsbuildFailure extends Error {
  constructor(public readonly errors: Message[]) {
    super(errors.map((e) => e.text).join('\n'));
    this.name = 'EsbuildFailure';
  }
}

/** Resolves a plugin module from the project, as the worker will load it. */
export function resolvePluginModule(ref: EsbuildPluginReference, cwd: string): string {
  const fromProject = createRequire(path.join(cwd, 'package.json'));
  try {
    return fromProject.resolve(ref.module.startsWith('.') ? path.resolve(cwd, ref.module) : ref.module);
  } catch (error) {
    throw new BundlingProblem({
      code: ErrorCode.INVALID_BUNDLING_OPTIONS,
      problem: `esbuild plugin module not found from ${cwd} (${(error as Error).message.split('\n')[0]})`,
      value: ref.module,
      fix: 'install the plugin package, or correct bundling.plugins[].module: a package name or a path relative to the working directory',
    });
  }
}

// Plain CommonJS evaluated in the worker, so it runs the same under node, tsx and jest
// (a worker does not inherit jest's or tsx's TypeScript transform).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const esbuild = require(workerData.esbuildPath);

async function load(ref) {
  const url = pathToFileURL(ref.resolved).href;
  const mod = /\\.[cm]?tsx?$/.test(ref.resolved)
    ? await (await import(workerData.tsxApiUrl)).tsImport(url, url)
    : await import(url);
  const name = ref.export || 'default';
  let value = mod[name];
  // CommonJS and tsx interop may nest the export one level down.
  if (value && typeof value === 'object' && !('setup' in value) && name in value) value = value[name];
  const plugin = typeof value === 'function' ? await value(ref.options) : value;
  if (!plugin || typeof plugin.setup !== 'function' || typeof plugin.name !== 'string') {
    throw new Error('export "' + name + '" of ' + ref.module + ' is neither an esbuild plugin nor a function returning one');
  }
  return plugin;
}

parentPort.on('message', async ({ options, plugins, signal, port }) => {
  let reply;
  try {
    const result = await esbuild.build({ ...options, plugins: await Promise.all(plugins.map(load)) });
    reply = { ok: true, outputFiles: result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })), metafile: result.metafile };
  } catch (error) {
    reply = { ok: false, errors: error && Array.isArray(error.errors) && error.errors.length > 0
      ? error.errors
      : [{ id: '', pluginName: '', text: String((error && error.stack) || error), location: null, notes: [], detail: undefined }] };
  }
  port.postMessage(reply);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

/** A resolved plugin, as sent to the worker. */
interface WorkerPluginRef extends EsbuildPluginReference {
  readonly resolved: string;
}

type WorkerReply =
  | { ok: true; outputFiles: BuildOutput['outputFiles']; metafile: Metafile }
  | { ok: false; errors: Message[] };

/**
 * Runs esbuild's asynchronous API (the one that supports plugins) synchronously: the build
 * runs in a worker thread while this thread blocks on `Atomics.wait`, the approach of synckit.
 * One worker serves every build of a synth; {@link close} ends it.
 */
export class PluginBuildRunner {
  private worker?: Worker;

  constructor(private readonly cwd: string) {}

  /** Builds with plugins; throws {@link EsbuildFailure} when esbuild reports errors. */
  public build(options: BuildOptions, plugins: readonly EsbuildPluginReference[]): BuildOutput {
    const refs: WorkerPluginRef[] = plugins.map((ref) => ({ ...ref, resolved: resolvePluginModule(ref, this.cwd) }));
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.start().postMessage({ options, plugins: refs, signal, port: port2 }, [port2]);
    Atomics.wait(signal, 0, 0);
    const received = receiveMessageOnPort(port1);
    port1.close();
    const reply = received?.message as WorkerReply | undefined;
    if (!reply) throw new EsbuildFailure([failure('the esbuild plugin worker stopped without answering')]);
    if (!reply.ok) throw new EsbuildFailure(reply.errors);
    return { outputFiles: reply.outputFiles, metafile: reply.metafile };
  }

  /** Ends the worker. */
  public close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    if (!this.worker) {
      const require = createRequire(__filename);
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          esbuildPath: require.resolve('esbuild'),
          tsxApiUrl: pathToFileURL(tsxApiPath(require)).href,
        },
      });
      // Never keep the synth process alive for an idle worker.
      this.worker.unref();
    }
    return this.worker;
  }
}

function tsxApiPath(require: NodeJS.Require): string {
  // tsx's package exports point `require` at a CommonJS wrapper; the worker imports the ESM build.
  const packageJson = require.resolve('tsx/package.json');
  const api = path.join(path.dirname(packageJson), 'dist', 'esm', 'api', 'index.mjs');
  return fs.existsSync(api) ? api : require.resolve('tsx/esm/api');
}

function failure(text: string): Message {
  return { id: '', pluginName: '', text, location: null, notes: [], detail: undefined };
}
