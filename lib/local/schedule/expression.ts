/**
 * EventBridge schedule expressions: `rate(5 minutes)` and AWS's six-field `cron(...)`
 * (minutes hours day-of-month month day-of-week year, UTC) with `, - * / ? L W #`.
 *
 * Why hand-written: cron-parser (the maintained npm choice) implements Unix cron — five or six
 * fields with *seconds* first, Sunday = 0, no year field, no `?` — so AWS expressions would
 * need translating and `W`/year semantics would still differ. The AWS dialect is small enough
 * to evaluate directly, day by day.
 */

/** A parsed schedule that can say when it next fires. */
export interface Schedule {
  readonly expression: string;
  /** The first firing time strictly after `after`, or undefined if there is none (a cron whose years are past). */
  next(after: Date): Date | undefined;
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
    return { expression, next: (after) => new Date(after.getTime() + ms) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) throw new InvalidScheduleExpressionError(expression, 'expected rate(...) or cron(...)');
  return new CronSchedule(expression, cron[1]);
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

  constructor(readonly expression: string, body: string) {
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
    const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
    // Day by day for up to ~5 years: enough for any expression that fires at all in that span.
    for (let i = 0; i < 366 * 5; i++, day.setUTCDate(day.getUTCDate() + 1)) {
      const y = day.getUTCFullYear();
      const m = day.getUTCMonth() + 1;
      const d = day.getUTCDate();
      if (this.years && !this.years.has(y)) continue;
      if (!this.months.has(m) || !this.dayOk(y, m, d)) continue;
      for (const h of [...this.hours].sort((a, b) => a - b)) {
        for (const mi of [...this.minutes].sort((a, b) => a - b)) {
          const t = new Date(Date.UTC(y, m - 1, d, h, mi));
          if (t >= start) return t;
        }
      }
    }
    return undefined;
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
