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
  /** When the clock was suspended (performance.now()). */
  private suspendedAt = 0;
  /** Milliseconds the invocation has left, as of `since`. */
  private left = 0;

  constructor(private readonly timeoutMs: number, private readonly onExpire: () => void) {}

  /** A new invocation starts with the whole timeout (counted from now, or from the resume when suspended). */
  start(): void {
    this.running = true;
    this.left = this.timeoutMs;
    // Started while held: it is held from its own start, not from the pause's.
    if (this.suspended) this.suspendedAt = performance.now();
    else this.arm();
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
    this.suspendedAt = performance.now();
    if (!this.running) return;
    this.left -= this.suspendedAt - this.since;
    this.disarm();
  }

  /**
   * The process runs again: the invocation's time goes on from where it stopped. Returns the
   * milliseconds the running invocation was held, which its deadline
   * (`getRemainingTimeInMillis`) moves by; 0 when none ran.
   */
  resume(): number {
    if (!this.suspended) return 0;
    this.suspended = false;
    if (!this.running) return 0;
    this.arm();
    return performance.now() - this.suspendedAt;
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
