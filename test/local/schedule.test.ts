import { InvalidScheduleExpressionError, parseSchedule, parseSchedulerExpression } from '../../lib/local';

const after = (expr: string, iso: string) => parseSchedule(expr).next(new Date(iso))?.toISOString();

describe('schedule expressions', () => {
  test.each([
    ['rate(1 minute)', '2024-01-01T00:00:30.000Z', '2024-01-01T00:01:30.000Z'],
    ['rate(5 minutes)', '2024-01-01T00:00:00.000Z', '2024-01-01T00:05:00.000Z'],
    ['rate(2 hours)', '2024-01-01T00:00:00.000Z', '2024-01-01T02:00:00.000Z'],
    ['rate(1 day)', '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z'],
    // AWS documentation examples.
    ['cron(0 10 * * ? *)', '2024-01-01T10:00:00.000Z', '2024-01-02T10:00:00.000Z'],
    ['cron(15 12 * * ? *)', '2024-01-01T00:00:00.000Z', '2024-01-01T12:15:00.000Z'],
    ['cron(0 18 ? * MON-FRI *)', '2024-01-05T18:00:00.000Z', '2024-01-08T18:00:00.000Z'], // Fri -> Mon
    ['cron(0 8 1 * ? *)', '2024-01-01T08:00:00.000Z', '2024-02-01T08:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2024-01-01T00:07:00.000Z', '2024-01-01T00:15:00.000Z'],
    ['cron(0/10 * ? * MON-FRI *)', '2024-01-06T12:00:00.000Z', '2024-01-08T00:00:00.000Z'], // Sat -> Mon
    ['cron(0/5 8-17 ? * MON-FRI *)', '2024-01-01T17:55:00.000Z', '2024-01-02T08:00:00.000Z'],
    ['cron(0 9 ? * 2#1 *)', '2024-01-01T09:00:00.000Z', '2024-02-05T09:00:00.000Z'], // first Monday
    ['cron(0 0 L * ? *)', '2024-02-01T00:00:00.000Z', '2024-02-29T00:00:00.000Z'], // leap year
    ['cron(0 0 ? * 6L *)', '2024-01-01T00:00:00.000Z', '2024-01-26T00:00:00.000Z'], // last Friday
    ['cron(0 0 15W * ? *)', '2024-06-01T00:00:00.000Z', '2024-06-14T00:00:00.000Z'], // 15th is a Saturday
    ['cron(0 0 1W * ? *)', '2024-06-01T00:00:01.000Z', '2024-06-03T00:00:00.000Z'], // 1st is a Saturday: Monday the 3rd
    ['cron(0 12 * JAN,JUL ? 2025)', '2024-06-01T00:00:00.000Z', '2025-01-01T12:00:00.000Z'],
    ['cron(0 0 ? * SUN *)', '2024-01-01T00:00:00.000Z', '2024-01-07T00:00:00.000Z'],
    ['cron(0 0 ? * 1 *)', '2024-01-01T00:00:00.000Z', '2024-01-07T00:00:00.000Z'], // 1 = Sunday
  ])('%s after %s is %s', (expr, from, next) => {
    expect(after(expr, from)).toBe(next);
  });

  test('a cron whose years are past never fires', () => {
    expect(after('cron(0 0 1 1 ? 2020)', '2024-01-01T00:00:00.000Z')).toBeUndefined();
  });

  test.each([
    'rate(0 minutes)',
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(5 weeks)',
    'cron(0 10 * * *)',
    'cron(0 10 * * * *)',
    'cron(0 10 ? * ? *)',
    'cron(60 10 * * ? *)',
    'cron(0 10 * 13 ? *)',
    'every 5 minutes',
  ])('%s is rejected', (expr) => {
    expect(() => parseSchedule(expr)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('EventBridge Scheduler expressions in time zones', () => {
  const next = (expr: string, zone: string, iso: string) => parseSchedulerExpression(expr, zone).next(new Date(iso))?.toISOString();

  test.each([
    // 09:00 in Paris is 08:00 UTC in winter, 07:00 in summer.
    ['cron(0 9 * * ? *)', 'Europe/Paris', '2024-01-15T00:00:00Z', '2024-01-15T08:00:00.000Z'],
    ['cron(0 9 * * ? *)', 'Europe/Paris', '2024-07-15T00:00:00Z', '2024-07-15T07:00:00.000Z'],
    // Spring forward in New York (2024-03-10, 02:00 -> 03:00): 02:30 does not exist that day and is skipped.
    ['cron(30 2 * * ? *)', 'America/New_York', '2024-03-09T12:00:00Z', '2024-03-11T06:30:00.000Z'],
    // Fall back (2024-11-03, 02:00 -> 01:00): 01:30 happens twice and runs once, at the first.
    ['cron(30 1 * * ? *)', 'America/New_York', '2024-11-03T04:00:00Z', '2024-11-03T05:30:00.000Z'],
    ['cron(30 1 * * ? *)', 'America/New_York', '2024-11-03T05:30:00Z', '2024-11-04T06:30:00.000Z'],
    // Day-of-week is the zone's: Monday 00:30 in Tokyo is Sunday 15:30 UTC.
    ['cron(30 0 ? * MON *)', 'Asia/Tokyo', '2024-01-01T00:00:00Z', '2024-01-07T15:30:00.000Z'],
    // Quarter-hour offsets.
    ['cron(0 12 * * ? *)', 'Asia/Kathmandu', '2024-01-01T00:00:00Z', '2024-01-01T06:15:00.000Z'],
    // at() is the zone's wall time; one in the spring-forward gap takes the offset before it.
    ['at(2024-07-01T09:00:00)', 'Asia/Kolkata', '2024-01-01T00:00:00Z', '2024-07-01T03:30:00.000Z'],
    ['at(2024-03-10T02:30:00)', 'America/New_York', '2024-01-01T00:00:00Z', '2024-03-10T07:30:00.000Z'],
    ['at(2024-01-01T00:00:00)', 'UTC', '2023-12-31T23:59:59Z', '2024-01-01T00:00:00.000Z'],
  ])('%s in %s after %s is %s', (expr, zone, from, expected) => {
    expect(next(expr, zone, from)).toBe(expected);
  });

  test('an at() runs once: nothing follows it', () => {
    expect(next('at(2024-01-01T00:00:00)', 'UTC', '2024-01-01T00:00:00Z')).toBeUndefined();
  });

  test.each([
    ['cron(0 9 * * ? *)', 'Mars/Olympus'],
    ['cron(0 9 * * ? *)', '+01:00'],
    ['at(2024-02-30T00:00:00)', 'UTC'],
    ['at(2024-01-01T24:00:00)', 'UTC'],
    ['at(2024-01-01 10:00:00)', 'UTC'],
    ['at(2024-01-01T10:00)', 'UTC'],
    ['rate(1 hours)', 'UTC'],
  ])('%s in %s is rejected', (expr, zone) => {
    expect(() => parseSchedulerExpression(expr, zone)).toThrow(InvalidScheduleExpressionError);
  });
});
