/**
 * The timeout clock of the invocation running on an instance. One timer per instance, re-armed
 * for each invocation rather than created per invocation (a flood runs thousands through one
 * instance).
 *
 * It can be suspended: while a debugger holds the instance's process paused at a breakpoint
 * (`switchyard dev --inspect`), the function's time does not run, so stepping through a handler
 * never ends in `Task timed out`. Lambda has no such state; the clock counts only the time the
 * code could run, which is the time it counts in AWS. The host times its callers' timeouts
 * that must stand still with the function (an API's integration timeout) with it too.
 */
export class InvocationClock {
  private timer?: NodeJS.Timeout;
  /** The delay `timer` was created with: refresh() re-arms it with that delay only. */
  private timerDelay = 0;
  /** An invocation is on the clock. */
  private running = false;
  private suspended = false;
  /** When the running stretch began (performance.now()). */
  private since = 0;
  /** When the running invocation began to be held (performance.now()); undefined when it was not running then. */
  private heldSince?: number;
  /** Milliseconds the invocation has left, as of `since`. */
  private left = 0;

  constructor(private readonly timeoutMs: number, private readonly onExpire: () => void) {}

  /** A new invocation starts with the whole timeout (counted from now, or from the resume when suspended). */
  start(): void {
    this.running = true;
    this.left = this.timeoutMs;
    // Started while the process is held: the process has not begun it (it cannot read the
    // message), so its time starts at the resume, and it has no held time to make up.
    this.heldSince = undefined;
    if (!this.suspended) this.arm();
  }

  /** No invocation runs any more. The timer stays, to be refreshed by the next start; it fires for nothing meanwhile. */
  stop(): void {
    this.running = false;
  }

  /** The instance has ended: no timer is left behind. */
  dispose(): void {
    this.running = false;
    this.disarm();
  }

  /** The process is paused: the invocation's time stops. Idempotent. */
  suspend(): void {
    if (this.suspended) return;
    this.suspended = true;
    if (!this.running) return;
    this.heldSince = performance.now();
    this.left -= this.heldSince - this.since;
    this.disarm();
  }

  /**
   * The process runs again: the invocation's time goes on from where it stopped. Returns the
   * milliseconds the invocation was held while it ran, which its deadline
   * (`getRemainingTimeInMillis`) moves by; 0 when none was running when the hold began.
   */
  resume(): number {
    if (!this.suspended) return 0;
    this.suspended = false;
    if (!this.running) return 0;
    this.arm();
    const held = this.heldSince === undefined ? 0 : performance.now() - this.heldSince;
    this.heldSince = undefined;
    return held;
  }

  private arm(): void {
    this.since = performance.now();
    const delay = Math.max(0, this.left);
    if (this.timer && this.timerDelay === delay) return void this.timer.refresh();
    this.disarm();
    this.timerDelay = delay;
    this.timer = setTimeout(() => {
      if (!this.running) return;
      this.running = false;
      this.onExpire();
    }, delay);
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
