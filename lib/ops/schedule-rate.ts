/**
 * How often a schedule expression fires in an average month, for the cost estimate.
 */

/** Hours in an average month (365 days / 12), as AWS's pricing examples use. */
export const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const MINUTES = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 } as const;

/**
 * Invocations per average month of `rate(...)` or six-field `cron(...)`: minutes x hours x
 * matching days, where a day-of-week list counts its share of the week and a month list its
 * share of the year. Returns undefined for an expression it cannot read.
 */
export function firingsPerMonth(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (rate) return (HOURS_PER_MONTH * 60) / (Number(rate[1]) * MINUTES[rate[2] as keyof typeof MINUTES]);
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const minutes = count(minute, 0, 59);
  const hours = count(hour, 0, 23);
  const months = count(month, 1, 12, MONTHS);
  if (minutes === undefined || hours === undefined || months === undefined) return undefined;
  let days: number | undefined;
  if (isAny(dayOfMonth) && isAny(dayOfWeek)) days = DAYS_PER_MONTH;
  else if (isAny(dayOfMonth)) days = weekdays(dayOfWeek);
  else days = /^[LW]|[LW#]/.test(dayOfMonth) ? 1 : count(dayOfMonth, 1, 31);
  if (days === undefined) return undefined;
  return minutes * hours * days * (months / 12);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function isAny(field: string): boolean {
  return field === '*' || field === '?';
}

function weekdays(field: string): number | undefined {
  // `6#3` (third Friday) and `5L` (last Thursday) fire once a month.
  if (/[#L]/.test(field)) return 1;
  const n = count(field, 1, 7, DAYS);
  return n === undefined ? undefined : (n / 7) * DAYS_PER_MONTH;
}

/** How many values a cron field selects in [min, max]: `*`, lists, ranges and steps. */
function count(field: string, min: number, max: number, names: readonly string[] = []): number | undefined {
  const value = (v: string): number => {
    const i = names.indexOf(v.toUpperCase());
    return i >= 0 ? i + min : Number(v);
  };
  const selected = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\?|[^-/]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = isAny(m[1]) ? min : value(m[1]);
    const to = m[2] !== undefined ? value(m[2]) : isAny(m[1]) || m[3] ? max : from;
    const step = m[3] ? Number(m[3]) : 1;
    if (![from, to, step].every(Number.isFinite) || step < 1) return undefined;
    for (let v = from; v <= to; v += step) selected.add(v);
  }
  return selected.size;
}
