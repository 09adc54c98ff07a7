import { ActivityBuffer, LOG_LIMITS, type NewEntry } from '../../../lib/local/console/activity-buffer';

const invocation = (fn: string, ok = true): NewEntry => ({ type: 'invocation', at: 1, status: ok ? 'ok' : 'error', function: fn, requestId: `r-${fn}`, cold: false, durationMs: 1, outcome: ok ? 'success' : 'error' });
const request = (statusCode: number): NewEntry => ({ type: 'request', at: 1, status: statusCode >= 400 ? 'error' : 'ok', api: 'Api', method: 'GET', path: '/', statusCode, durationMs: 1 });

describe('ActivityBuffer', () => {
  test('keeps the last `capacity` entries, numbered on, and pages them newest first', () => {
    const buffer = new ActivityBuffer(5);
    for (let i = 0; i < 12; i++) buffer.append(invocation(`f${i}`));
    expect(buffer.size).toBe(5);
    expect(buffer.oldestId).toBe(8);
    const all = buffer.page({}, 100);
    expect(all.entries.map((e) => e.id)).toEqual([12, 11, 10, 9, 8]);
    expect(all.next).toBeUndefined();
    const first = buffer.page({}, 2);
    expect(first.entries.map((e) => e.id)).toEqual([12, 11]);
    const second = buffer.page({}, 2, first.next);
    expect(second.entries.map((e) => e.id)).toEqual([10, 9]);
    expect(buffer.page({}, 2, second.next).entries.map((e) => e.id)).toEqual([8]);
  });

  test('filters by type, status and function on the server', () => {
    const buffer = new ActivityBuffer(100);
    buffer.append(invocation('a'));
    buffer.append(invocation('b', false));
    buffer.append(request(200));
    buffer.append(request(502));
    const ids = (filter: Parameters<ActivityBuffer['page']>[0]) => buffer.page(filter, 10).entries.map((e) => e.id);
    expect(ids({ types: new Set(['request']) })).toEqual([4, 3]);
    expect(ids({ statuses: new Set(['error']) })).toEqual([4, 2]);
    expect(ids({ functionNames: new Set(['b']) })).toEqual([2]);
    expect(ids({ types: new Set(['invocation']), statuses: new Set(['ok']) })).toEqual([1]);
  });

  test('a page of a filter that matches sparsely still fills to its limit', () => {
    const buffer = new ActivityBuffer(50);
    for (let i = 0; i < 40; i++) buffer.append(i % 10 === 0 ? invocation('rare') : request(200));
    const page = buffer.page({ functionNames: new Set(['rare']) }, 3);
    expect(page.entries.map((e) => e.id)).toEqual([31, 21, 11]);
    expect(buffer.page({ functionNames: new Set(['rare']) }, 3, page.next).entries.map((e) => e.id)).toEqual([1]);
  });

  test('since() gives what came after an id, oldest first, and how many are no longer kept', () => {
    const buffer = new ActivityBuffer(3);
    for (let i = 0; i < 7; i++) buffer.append(invocation(`f${i}`));
    expect(buffer.since(6, {})).toEqual({ entries: [expect.objectContaining({ id: 7 })], missed: 0 });
    const late = buffer.since(2, {});
    expect(late.entries.map((e) => e.id)).toEqual([5, 6, 7]);
    expect(late.missed).toBe(2);
  });

  test('keeps the last log lines of a request id, cut to a bounded length', () => {
    const buffer = new ActivityBuffer(10);
    for (let i = 0; i < LOG_LIMITS.linesPerRequest + 5; i++) buffer.log('r1', 'INFO', `line ${i}`);
    buffer.log('r1', 'WARN', 'x'.repeat(LOG_LIMITS.lineChars + 10));
    const logs = buffer.logsOf('r1');
    expect(logs.lines).toHaveLength(LOG_LIMITS.linesPerRequest);
    expect(logs.truncated).toBe(true);
    expect(logs.lines[0].text).toBe('line 6');
    expect(logs.lines.at(-1)!.text).toMatch(/^x+… \(10 more characters\)$/);
    expect(buffer.logsOf('unknown')).toEqual({ lines: [], truncated: false });
  });

  test('keeps the logs of at most `capacity` request ids', () => {
    const buffer = new ActivityBuffer(2);
    for (const id of ['a', 'b', 'c']) buffer.log(id, 'INFO', id);
    expect(buffer.logsOf('a').lines).toEqual([]);
    expect(buffer.logsOf('c').lines.map((l) => l.text)).toEqual(['c']);
  });

  test('tells listeners of each entry, and refuses a capacity below one', () => {
    const buffer = new ActivityBuffer(2);
    const seen: number[] = [];
    buffer.on('entry', (e) => seen.push(e.id));
    buffer.append(request(200));
    buffer.append(request(200));
    expect(seen).toEqual([1, 2]);
    expect(() => new ActivityBuffer(0)).toThrow(RangeError);
  });
});

test('keeps the log lines of all request ids within a total size, forgetting the oldest first', () => {
  const buffer = new ActivityBuffer(100, { maxLogChars: 25 });
  buffer.log('a', 'INFO', '1234567890');
  buffer.log('b', 'INFO', '1234567890');
  expect(buffer.logsOf('a').lines).toHaveLength(1);
  buffer.log('c', 'INFO', '1234567890');
  expect(buffer.logsOf('a').lines).toEqual([]);
  expect(buffer.logsOf('b').lines.map((l) => l.text)).toEqual(['1234567890']);
  expect(buffer.logsOf('c').lines.map((l) => l.text)).toEqual(['1234567890']);
  // One request id's own lines are always kept (its last ones, within linesPerRequest).
  buffer.log('c', 'INFO', 'x'.repeat(40));
  expect(buffer.logsOf('b').lines).toEqual([]);
  expect(buffer.logsOf('c').lines).toHaveLength(2);
});
