/**
 * The process a function's pool keeps for its next code (hot reload): one started while new
 * code builds ({@link NextProcess.prepare}), or kept for the next edit of a function on standby
 * ({@link NextProcess.standby}), with what the code loads from outside its bundle already
 * loaded. The first instance of the new code takes it ({@link NextProcess.take}).
 */
import type { SpareProcess } from './instance';

/** What a spare process loads ahead of its code (see FunctionPool.prepare and standby). */
export interface SparePreload {
  /** A module importing what the code loads from outside its bundle (see TaskRoots.preloadModule). @default none */
  readonly module?: string;
  /** The key of the packages bundled apart among them (see SeparateDependencies): code with others does not take the spare. @default none */
  readonly dependencies?: string;
}

/** How long a spare process waits for the code it was started for. */
const SPARE_TTL_MS = 30_000;

/**
 * How long a function kept on standby keeps its spare process with no new code: someone
 * editing it saves again within minutes; one who stopped should not keep a process for it.
 */
const STANDBY_TTL_MS = 10 * 60_000;

/** A pool's spare process, and its standby. */
export class NextProcess {
  private spare?: SpareProcess;
  /** The key of the packages bundled apart that the spare has loaded, if any. */
  private spareDependencies?: string;
  /** Set while the function is on standby: what its spare preloads, and until when. */
  private standbyPreload?: SparePreload & { readonly until: number };

  /** `spawn` starts a spare process that loads `preload`, or gives undefined when none may start now. */
  constructor(private readonly spawn: (preload: string | undefined) => SpareProcess | undefined) {}

  /** Starts a spare process for code being built, unless there is one; it ends after SPARE_TTL_MS unless taken. */
  prepare(preload: SparePreload = {}): void {
    this.start(preload, SPARE_TTL_MS);
  }

  /**
   * Keeps a spare process for the function's next code while `preload` is set (refilled each
   * time one is taken, see {@link refill}), until STANDBY_TTL_MS without new code; `undefined`
   * ends the standby and its spare.
   */
  standby(preload: SparePreload | undefined): void {
    if (!preload) {
      this.standbyPreload = undefined;
      this.drop();
      return;
    }
    this.standbyPreload = { ...preload, until: Date.now() + STANDBY_TTL_MS };
  }

  /** Hands the spare process to an instance (none when there is none). */
  take(): SpareProcess | undefined {
    const spare = this.spare;
    this.spare = undefined;
    this.spareDependencies = undefined;
    return spare;
  }

  /** New code with `dependencies` bundled apart comes: a spare that loaded others would hold two copies of them, and ends. */
  expect(dependencies: string | undefined): void {
    if (this.spareDependencies !== undefined && this.spareDependencies !== dependencies) this.drop();
  }

  /** Starts the standby's spare process when the function is on standby and has none. */
  refill(): void {
    const standby = this.standbyPreload;
    if (!standby) return;
    const ttl = standby.until - Date.now();
    if (ttl <= 0) this.standbyPreload = undefined;
    else this.start(standby, ttl);
  }

  /** Ends the spare process no instance took (a given one only if it is still the one kept). */
  drop(spare = this.spare): void {
    if (!spare || spare !== this.spare) return;
    this.spare = undefined;
    this.spareDependencies = undefined;
    spare.dispose();
  }

  /** Ends the standby and the spare process. */
  stop(): void {
    this.standbyPreload = undefined;
    this.drop();
  }

  private start(preload: SparePreload, ttlMs: number): void {
    if (this.spare) return;
    const spare = this.spawn(preload.module);
    if (!spare) return;
    this.spare = spare;
    this.spareDependencies = preload.dependencies;
    // A build that never succeeds, or an edit that never comes, leaves no process behind for long.
    setTimeout(() => this.drop(spare), ttlMs).unref();
  }
}
