/**
 * The folders hot reload watches, and which of their reports are changes: `fs.watch` per folder
 * (recursively for the entries' folders, one by one for the folders of other inputs), never
 * dependencies, Switchyard's state, synth output or VCS data, and not a report that finds a
 * file as the last one found it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileVersion } from './function-build';

/** Paths never worth a rebuild: dependencies, Switchyard's state, synth output, VCS data. */
const IGNORED = /(^|[\\/])(node_modules|\.switchyard|cdk\.out|\.git)([\\/]|$)/;

/** Watches source folders and reports each changed file (an absolute path) to `onChange`. */
export class SourceWatcher {
  private readonly watchers = new Map<string, { readonly watcher: fs.FSWatcher; readonly recursive: boolean }>();
  /** The version ({@link fileVersion}) of each changed file when its last change was reported. */
  private readonly seen = new Map<string, string>();
  private closed = false;

  constructor(private readonly projectDir: string, private readonly onChange: (file: string) => void) {}

  /** Folders watched now. */
  get size(): number {
    return this.watchers.size;
  }

  /** Watches `dir` (and, `recursive`, the folders below it) unless it is watched already. */
  watch(dir: string, recursive: boolean): void {
    if (this.watchers.has(dir) || this.closed) return;
    try {
      const watcher = fs.watch(dir, { recursive }, (_event, file) => {
        if (file) this.report(path.resolve(dir, file.toString()));
      });
      // A watched folder that goes away (deleted, unmounted) ends its watcher, not dev.
      watcher.on('error', () => this.watchers.delete(dir));
      this.watchers.set(dir, { watcher, recursive });
    } catch {
      // A folder that does not exist (any more) has nothing to watch.
    }
  }

  /** The folders of `files` (a bundle's inputs) that no recursive watch covers, each on its own; dependencies not. */
  watchFoldersOf(files: Iterable<string>): void {
    const roots = [...this.watchers].filter(([, w]) => w.recursive).map(([dir]) => dir);
    for (const file of files) {
      if (this.ignored(file) || roots.some((r) => file.startsWith(r + path.sep))) continue;
      this.watch(path.dirname(file), false);
    }
  }

  /** Stops watching. */
  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.watcher.close();
    this.watchers.clear();
  }

  private report(file: string): void {
    if (this.ignored(file)) return;
    // One write is reported more than once (on Linux, Node watches a folder recursively with a
    // watcher per file and one per folder, and both report it, up to ~30 ms apart on a busy
    // machine), and a change of attributes (chmod) is reported as a change. A report that finds
    // the file as the last one found it is not a change: it neither restarts the reloader's
    // quiet period nor overtakes the build under way, which has read that version or a later one.
    const version = fileVersion(file);
    if (this.seen.get(file) === version) return;
    this.seen.set(file, version);
    this.onChange(file);
  }

  /** True for dependencies and generated files; only the part below the project counts (a project may itself sit in a folder named so). */
  private ignored(file: string): boolean {
    const inProject = file.startsWith(this.projectDir + path.sep);
    return IGNORED.test(inProject ? path.relative(this.projectDir, file) : file);
  }
}
