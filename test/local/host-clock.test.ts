/** The invocation clock of an instance (lib/local/host/clock.ts): its timeout, and standing still while a debugger holds the process. */
import { InvocationClock } from '../../lib/local/host/clock';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function clock(timeoutMs: number) {
  const expired: number[] = [];
  const c = new InvocationClock(timeoutMs, () => expired.push(performance.now()));
  return { c, expired };
}

test('an invocation expires after the timeout; the next one gets the whole timeout again', () => {
  const { c, expired } = clock(1000);
  const started = performance.now();
  c.start();
  jest.advanceTimersByTime(999);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toEqual([started + 1000]);
  c.start();
  jest.advanceTimersByTime(999);
  expect(expired).toHaveLength(1);
  jest.advanceTimersByTime(1);
  expect(expired).toHaveLength(2);
});

test('a stopped invocation never expires, and the next one is timed from its own start', () => {
  const { c, expired } = clock(1000);
  c.start();
  jest.advanceTimersByTime(600);
  c.stop();
  jest.advanceTimersByTime(5000);
  expect(expired).toEqual([]);
  c.start();
  jest.advanceTimersByTime(999);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toHaveLength(1);
});

test('suspended, the time stands still; resumed, the invocation has what it had left, and learns how long it was held', () => {
  const { c, expired } = clock(1000);
  c.start();
  jest.advanceTimersByTime(400);
  c.suspend();
  c.suspend();
  jest.advanceTimersByTime(60_000);
  expect(expired).toEqual([]);
  expect(c.resume()).toBe(60_000);
  expect(c.resume()).toBe(0);
  jest.advanceTimersByTime(599);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toHaveLength(1);
});

test('an invocation started while suspended (the process cannot have begun it) is timed from the resume, with nothing to make up', () => {
  const { c, expired } = clock(1000);
  c.suspend();
  jest.advanceTimersByTime(5000);
  expect(c.resume()).toBe(0);
  c.suspend();
  jest.advanceTimersByTime(2000);
  c.start();
  jest.advanceTimersByTime(3000);
  expect(expired).toEqual([]);
  expect(c.resume()).toBe(0);
  jest.advanceTimersByTime(999);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toHaveLength(1);
});

test('a disposed clock never fires', () => {
  const { c, expired } = clock(1000);
  c.start();
  c.dispose();
  jest.advanceTimersByTime(5000);
  expect(expired).toEqual([]);
});
