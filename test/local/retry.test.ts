/**
 * The retry loop carrying on a delivery kept across a restart, on jest's fake clock (no real
 * waiting, so no timing assertions): remaining delays are waited, delays that passed are not,
 * events past their maximum age end without an attempt, in-flight attempts are made again.
 */
import { runWithRetries, type AttemptResult, type RetryResume } from '../../lib/local/events/retry';

const FAILED = { errorType: 'Error', errorMessage: 'boom' };
const policy = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600, delaySeconds: () => 60 };

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Runs the loop with attempts answering `results` in turn; records which attempt numbers ran. */
function run(results: AttemptResult[], resume: RetryResume | undefined, acceptedAt = Date.now(), signal?: AbortSignal) {
  const attempts: number[] = [];
  const scheduled: number[] = [];
  const outcome = runWithRetries(
    async () => results.shift(),
    policy,
    1,
    { onAttempt: (n) => attempts.push(n), onRetryScheduled: (at) => scheduled.push(at) },
    { acceptedAt, signal, resume },
  );
  return { attempts, scheduled, outcome };
}

test('a retry due in the future waits what is left of its delay, then goes on counting from there', async () => {
  const r = run([FAILED, undefined], { attemptsEnded: 1, nextAttemptAt: Date.now() + 30_000, lastError: FAILED });
  await jest.advanceTimersByTimeAsync(29_999);
  expect(r.attempts).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  expect(r.attempts).toEqual([2]);
  // Attempt 2 failed: attempt 3 a full delay later.
  expect(r.scheduled).toEqual([Date.now() + 60_000]);
  await jest.advanceTimersByTimeAsync(60_000);
  expect(r.attempts).toEqual([2, 3]);
  await expect(r.outcome).resolves.toBeUndefined();
});

test('a retry that fell due while stopped is made without waiting', async () => {
  const r = run([undefined], { attemptsEnded: 1, nextAttemptAt: Date.now() - 5_000, lastError: FAILED }, Date.now() - 70_000);
  await jest.advanceTimersByTimeAsync(0);
  expect(r.attempts).toEqual([2]);
  await expect(r.outcome).resolves.toBeUndefined();
});

test('past its maximum age the delivery ends without an attempt, with the last error', async () => {
  const acceptedAt = Date.now() - 3_600_001;
  const r = run([undefined], { attemptsEnded: 1, nextAttemptAt: Date.now() - 1, lastError: FAILED }, acceptedAt);
  await expect(r.outcome).resolves.toEqual({ error: FAILED, condition: 'MaximumEventAgeInSeconds', attempts: 1 });
  expect(r.attempts).toEqual([]);
});

test('a retry that would fall due past the maximum age ends at once rather than wait for it', async () => {
  const acceptedAt = Date.now() - 3_000_000;
  const r = run([undefined], { attemptsEnded: 1, nextAttemptAt: acceptedAt + 3_600_001, lastError: FAILED }, acceptedAt);
  await expect(r.outcome).resolves.toMatchObject({ condition: 'MaximumEventAgeInSeconds', attempts: 1 });
  expect(r.attempts).toEqual([]);
});

test('never attempted and past its age: ends with an error that says so', async () => {
  const r = run([undefined], { attemptsEnded: 0 }, Date.now() - 3_600_001);
  await expect(r.outcome).resolves.toEqual({ error: { errorType: 'EventAgeExceeded', errorMessage: expect.stringMatching(/maximum age \(3600 s\) while switchyard dev was stopped, before attempt 1/) }, condition: 'MaximumEventAgeInSeconds', attempts: 0 });
});

test('an attempt that was in flight is made again under its own number', async () => {
  const r = run([FAILED, FAILED], { attemptsEnded: 1 });
  await jest.advanceTimersByTimeAsync(60_000);
  // Attempt 2 redone, then 3; the policy allows no fourth.
  expect(r.attempts).toEqual([2, 3]);
  await expect(r.outcome).resolves.toEqual({ error: FAILED, condition: 'MaximumRetryAttempts', attempts: 3 });
});

test('a stop during the wait ends the loop as aborted; an attempt that succeeds as the app stops still counts', async () => {
  const stop = new AbortController();
  const waiting = run([FAILED], undefined, Date.now(), stop.signal);
  await jest.advanceTimersByTimeAsync(0);
  expect(waiting.scheduled).toHaveLength(1);
  stop.abort();
  await expect(waiting.outcome).resolves.toBe('aborted');

  const stopping = new AbortController();
  const succeeded = runWithRetries(async () => (stopping.abort(), undefined), policy, 1, { onAttempt: () => undefined, onRetryScheduled: () => undefined }, { signal: stopping.signal });
  await expect(succeeded).resolves.toBeUndefined();
  const failed = new AbortController();
  const interrupted = runWithRetries(async () => (failed.abort(), FAILED), policy, 1, { onAttempt: () => undefined, onRetryScheduled: () => undefined }, { signal: failed.signal });
  await expect(interrupted).resolves.toBe('aborted');
});
