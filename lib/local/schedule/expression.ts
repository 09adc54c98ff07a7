/**
 * EventBridge schedule expressions: `rate(5 minutes)` and AWS's six-field `cron(...)`
 * (minutes hours day-of-month month day-of-week year) with `, - * / ? L W #`, in UTC for rules
 * and in the schedule's time zone for EventBridge Scheduler, which also takes one-time
 * `at(yyyy-mm-ddThh:mm:ss)` (see {@link parseSchedulerExpression}).
 *
 * Why hand-written: cron-parser (the maintained npm choice) implements Unix cron — five or six
 * fields with *seconds* first, Sunday = 0, no year field, no `?` — so AWS expressions would
 * need translating and `W`/year semantics would still differ. The AWS dialect is small enough
 * to evaluate directly, day by day.
 */

import { instantsOf, isTimeZone, offsetAt, wallOf } from './zone';

/** A parsed schedule that can say when it next fires. */
export interface Schedule {
  readonly expression: string;
  /** The first firing time strictly after `after`, or undefined if there is none (a cron whose years are past). */
  next(after: Date): Date | undefined;
  /** For `rate(...)`: the period in milliseconds (Scheduler counts it from the schedule's start). */
  readonly periodMs?: number;
  /** For `at(...)`: the one time it fires. */
  readonly at?: Date;
}

/** Thrown for an expression EventBridge would reject. */
export class InvalidScheduleExpressionError extends Error {
  /** EventBridge's error code for it. */
  readonly code = 'ValidationException';
  constructor(expression: string, reason: string) {
    super(`Parameter ScheduleExpression is not valid: ${expression} (${reason})`);
    this.name = 'InvalidScheduleExpressionError';
  }
}

/** Parses `rate(...)` or `cron(...)`. */
export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2];
    if (value < 1) throw new InvalidScheduleExpressionError(expression, 'the rate must be a positive number');
    if ((value === 1) !== !unit.endsWith('s')) throw new InvalidScheduleExpressionError(expression, `use '${value === 1 ? unit.replace(/s$/, '') : unit + 's'}' with ${value}`);
    const ms = value * { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit.replace(/s$/, '') as 'minute' | 'hour' | 'day'];
    return { expression, periodMs: ms, next: (after) => new Date(after.getTime() + ms) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) throw new InvalidScheduleExpressionError(expression, 'expected rate(...) or cron(...)');
  return new CronSchedule(expression, cron[1]);
}

/**
 * Parses an EventBridge Scheduler expression: `rate(...)`, `cron(...)` evaluated in `timeZone`
 * (an IANA name), or a one-time `at(yyyy-mm-ddThh:mm:ss)` in that zone.
 *
 * Daylight saving time as Scheduler documents it: a cron time that does not exist on the day
 * clocks spring forward is skipped; one that happens twice when they fall back runs once (at its
 * first occurrence). Rates are periods and ignore the zone. A one-time time that falls in a gap
 * is taken at the offset in force after it (the wall time plus the jump).
 */
export function parseSchedulerExpression(expression: string, timeZone = 'UTC'): Schedule {
  if (!isTimeZone(timeZone)) throw new InvalidScheduleExpressionError(expression, `'${timeZone}' is not an IANA time zone`);
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number);
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(wall);
    if (mo < 1 || mo > 12 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new InvalidScheduleExpressionError(expression, 'the date and time must exist');
    // In a spring-forward gap no instant has this wall time: the offset before the gap applies.
    const when = new Date(instantsOf(timeZone, wall)[0] ?? wall - offsetAt(timeZone, wall - 14 * 3_600_000));
    return { expression, at: when, next: (after) => (when > after ? when : undefined) };
  }
  if (expression.startsWith('at(')) throw new InvalidScheduleExpressionError(expression, 'expected at(yyyy-mm-ddThh:mm:ss)');
  if (/^cron\(/.test(expression.trim())) {
    const cron = /^cron\((.*)\)$/.exec(expression.trim());
    if (!cron) throw new InvalidScheduleExpressionError(expression, 'expected cron(...)');
    return new CronSchedule(expression, cron[1], timeZone === 'UTC' ? undefined : timeZone);
  }
  return parseSchedule(expression);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A day-of-month or day-of-week rule that depends on the month. */
type DayRule = (year: number, month: number, day: number) => boolean;

class CronSchedule implements Schedule {
  private readonly minutes: Set<number>;
  private readonly hours: Set<number>;
  private readonly months: Set<number>;
  private readonly years?: Set<number>;
  private readonly dayOk: DayRule;

  constructor(readonly expression: string, body: string, private readonly zone?: string) {
    const f = body.trim().split(/\s+/);
    if (f.length !== 6) throw new InvalidScheduleExpressionError(expression, `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${f.length}`);
    const [min, hour, dom, month, dow, year] = f;
    if ((dom === '?') === (dow === '?')) throw new InvalidScheduleExpressionError(expression, 'exactly one of day-of-month and day-of-week must be ?');
    this.minutes = field(expression, min, 0, 59);
    this.hours = field(expression, hour, 0, 23);
    this.months = field(expression, month, 1, 12, MONTHS, 1);
    this.years = year === '*' ? undefined : field(expression, year, 1970, 2199);
    this.dayOk = dom !== '?' ? domRule(expression, dom) : dowRule(expression, dow);
  }

  next(after: Date): Date | undefined {
    const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
    // Days are wall-clock days of the zone; the day before too, for zones west of UTC.
    const from = new Date(this.zone ? wallOf(this.zone, start) - 86_400_000 : start);
    const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
    const hours = [...this.hours].sort((a, b) => a - b);
    const minutes = [...this.minutes].sort((a, b) => a - b);
    // Day by day for up to ~5 years: enough for any expression that fires at all in that span.
    for (let i = 0; i < 366 * 5; i++, day.setUTCDate(day.getUTCDate() + 1)) {
      const y = day.getUTCFullYear();
      const m = day.getUTCMonth() + 1;
      const d = day.getUTCDate();
      if (this.years && !this.years.has(y)) continue;
      if (!this.months.has(m) || !this.dayOk(y, m, d)) continue;
      for (const h of hours) {
        for (const mi of minutes) {
          const t = this.instantOf(Date.UTC(y, m - 1, d, h, mi));
          if (t !== undefined && t >= start) return new Date(t);
        }
      }
    }
    return undefined;
  }

  /** The instant of a wall-clock time: skipped in a DST gap, the first one in an overlap (Scheduler runs it once). */
  private instantOf(wall: number): number | undefined {
    return this.zone ? instantsOf(this.zone, wall)[0] : wall;
  }
}

/** Parses a list of values, ranges, `*` and steps into a set. */
function field(expr: string, text: string, lo: number, hi: number, names?: readonly string[], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const value = (s: string) => {
    const named = names?.indexOf(s.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + nameBase : Number(s);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new InvalidScheduleExpressionError(expr, `'${s}' is out of range ${lo}-${hi}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new InvalidScheduleExpressionError(expr, `bad step in '${part}'`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [lo, hi];
    else if (range.includes('-')) [from, to] = range.split('-').map(value) as [number, number];
    else [from, to] = [value(range), stepText === undefined ? value(range) : hi];
    // A wrapping range (FRI-MON) runs to the end and starts again.
    const seq = from <= to ? range_(from, to) : [...range_(from, hi), ...range_(lo, to)];
    seq.forEach((v, i) => i % step === 0 && out.add(v));
  }
  return out;
}

function range_(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
}

function domRule(expr: string, text: string): DayRule {
  if (text === 'L') return (y, m, d) => d === daysIn(y, m);
  const w = /^(\d+)W$/.exec(text);
  if (w) {
    const target = Number(w[1]);
    if (target < 1 || target > 31) throw new InvalidScheduleExpressionError(expr, `'${text}' is out of range`);
    // The weekday nearest the given day, without leaving the month.
    return (y, m, d) => {
      const last = daysIn(y, m);
      const t = Math.min(target, last);
      const wd = weekday(y, m, t);
      let nearest = t;
      if (wd === 6) nearest = t === 1 ? 3 : t - 1;
      else if (wd === 0) nearest = t === last ? t - 2 : t + 1;
      return d === nearest;
    };
  }
  const days = field(expr, text, 1, 31);
  return (_y, _m, d) => days.has(d);
}

function dowRule(expr: string, text: string): DayRule {
  const hash = /^(\w+)#([1-5])$/.exec(text);
  if (hash) {
    const wd = field(expr, hash[1], 1, 7, DAYS, 1);
    const nth = Number(hash[2]);
    return (y, m, d) => wd.has(weekday(y, m, d) + 1) && Math.ceil(d / 7) === nth;
  }
  const last = /^(\w*)L$/.exec(text);
  if (last) {
    const wd = last[1] === '' ? new Set([7]) : field(expr, last[1], 1, 7, DAYS, 1);
    return (y, m, d) => wd.has(weekday(y, m, d) + 1) && d + 7 > daysIn(y, m);
  }
  const days = field(expr, text, 1, 7, DAYS, 1);
  return (y, m, d) => days.has(weekday(y, m, d) + 1);
}
