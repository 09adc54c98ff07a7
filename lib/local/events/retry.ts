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

/**
 * Runs `attempt` until it succeeds or the policy is exhausted. `timeScale` multiplies every
 * delay and the event age (0.001 turns a minute into 60 ms). Resolves with the last error and
 * the exhausted condition, undefined on success, or 'aborted' once `signal` fires.
 */
export async function runWithRetries(
  attempt: () => Promise<AttemptResult>,
  policy: RetryPolicy,
  timeScale: number,
  hooks: RetryHooks,
  acceptedAt = Date.now(),
  signal?: AbortSignal,
): Promise<RetryOutcome> {
  const maxAgeMs = policy.maximumEventAgeInSeconds * 1000 * timeScale;
  for (let n = 1; ; n++) {
    if (signal?.aborted) return 'aborted';
    hooks.onAttempt(n);
    const error = await attempt();
    if (signal?.aborted) return 'aborted';
    if (!error) return undefined;
    if (n > policy.maximumRetryAttempts) return { error, condition: 'MaximumRetryAttempts', attempts: n };
    const delayMs = policy.delaySeconds(n) * 1000 * timeScale;
    const next = Date.now() + delayMs;
    if (next - acceptedAt > maxAgeMs) return { error, condition: 'MaximumEventAgeInSeconds', attempts: n };
    hooks.onRetryScheduled(next, error);
    await new Promise<void>((resolve) => {
      // A pending retry must not keep the process alive on its own (the servers do that).
      const timer = setTimeout(resolve, delayMs).unref();
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
