/**
 * Retrying an asynchronous delivery with backoff, bounded by retry count and event age, with
 * the clock scaled for tests.
 */
import type { LambdaErrorPayload } from '../host/protocol';

/** Bounds of a retry policy. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maximumRetryAttempts: number;
  /** Seconds after acceptance after which no attempt is made. */
  readonly maximumEventAgeInSeconds: number;
  /** Delay before retry N (1-based), in seconds, before scaling. */
  readonly delaySeconds: (retry: number) => number;
  /** Whether an attempt that failed with `error` is worth retrying. @default every failure is */
  readonly retryable?: (error: LambdaErrorPayload) => boolean;
}

/** Why retrying stopped. */
export type ExhaustedCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/** The outcome of one attempt: undefined for success, or the error. */
export type AttemptResult = LambdaErrorPayload | undefined;

/** EventBridge targets: exponential backoff with jitter (1 s doubling, at most 5 minutes). */
export function eventBridgeDelay(retry: number): number {
  const base = Math.min(300, 2 ** (retry - 1));
  return base / 2 + (Math.random() * base) / 2;
}

/** Lambda async invocation: about one minute before the first retry, two before the second. */
export function lambdaAsyncDelay(retry: number): number {
  return 60 * Math.min(retry, 2);
}

/** Hooks a retry loop reports through. */
export interface RetryHooks {
  onAttempt(attempt: number): void;
  onRetryScheduled(nextAttemptAt: number, error: LambdaErrorPayload): void;
}

/** How a retry loop ended: success (undefined), exhausted, or aborted because the app stopped. */
export type RetryOutcome = { readonly error: LambdaErrorPayload; readonly condition: ExhaustedCondition; readonly attempts: number } | 'aborted' | undefined;

/** Where a delivery kept across a restart stands, to carry on from there. */
export interface RetryResume {
  /** Attempts that ended, each failing; the next attempt is number `attemptsEnded + 1`. */
  readonly attemptsEnded: number;
  /** When that attempt is due; it is made at once when the time passed while stopped. */
  readonly nextAttemptAt?: number;
  /** The last ended attempt's error. */
  readonly lastError?: LambdaErrorPayload;
}

/** How one delivery's retry loop runs. */
export interface RetryRun {
  /** When the event was accepted: its age counts from here. @default now */
  readonly acceptedAt?: number;
  /** Ends the loop (the app stopped); the delivery stays where it was. */
  readonly signal?: AbortSignal;
  /** Carry on a delivery kept across a restart rather than start afresh. */
  readonly resume?: RetryResume;
}

/**
 * Runs `attempt` until it succeeds or the policy is exhausted. `timeScale` multiplies every
 * delay and the event age (0.001 turns a minute into 60 ms). Resolves with the last error and
 * the exhausted condition, undefined on success, or 'aborted' once `signal` fires.
 */
export async function runWithRetries(attempt: () => Promise<AttemptResult>, policy: RetryPolicy, timeScale: number, hooks: RetryHooks, run: RetryRun = {}): Promise<RetryOutcome> {
  const { acceptedAt = Date.now(), signal, resume } = run;
  const maxAgeMs = policy.maximumEventAgeInSeconds * 1000 * timeScale;
  for (let n = (resume?.attemptsEnded ?? 0) + 1; ; n++) {
    if (resume && n === resume.attemptsEnded + 1) {
      const expired = await resumeAt(resume, n, acceptedAt, maxAgeMs, signal);
      if (expired) return expired;
    }
    if (signal?.aborted) return 'aborted';
    hooks.onAttempt(n);
    const error = await attempt();
    if (!error) return undefined;
    // Stopping kills the instances: a failure now may be the stop's doing, not the function's.
    // The attempt stays in flight, to be made again at the next start.
    if (signal?.aborted) return 'aborted';
    if (n > policy.maximumRetryAttempts || policy.retryable?.(error) === false) return { error, condition: 'MaximumRetryAttempts', attempts: n };
    const delayMs = policy.delaySeconds(n) * 1000 * timeScale;
    const next = Date.now() + delayMs;
    if (next - acceptedAt > maxAgeMs) return { error, condition: 'MaximumEventAgeInSeconds', attempts: n };
    hooks.onRetryScheduled(next, error);
    await sleep(delayMs, signal);
  }
}

/**
 * Before the first attempt of a resumed delivery: waits for what is left of its delay, or
 * answers that the event is past its maximum age (it aged while `dev` was stopped), which ends
 * it as AWS would, in the DLQ. Retry counts were checked when the retry was scheduled.
 */
async function resumeAt(resume: RetryResume, n: number, acceptedAt: number, maxAgeMs: number, signal: AbortSignal | undefined): Promise<RetryOutcome> {
  const at = Math.max(Date.now(), resume.nextAttemptAt ?? 0);
  if (at - acceptedAt > maxAgeMs) {
    const error = resume.lastError ?? {
      errorType: 'EventAgeExceeded',
      errorMessage: `The event reached its maximum age (${Math.round(maxAgeMs / 1000)} s) while switchyard dev was stopped, before attempt ${n} was made`,
    };
    return { error, condition: 'MaximumEventAgeInSeconds', attempts: n - 1 };
  }
  await sleep(at - Date.now(), signal);
  return undefined;
}

/** Waits `ms`, or less if `signal` fires. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    // A pending retry must not keep the process alive on its own (the servers do that).
    const timer = setTimeout(done, ms).unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}
