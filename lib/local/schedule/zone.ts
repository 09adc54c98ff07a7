/**
 * Wall-clock times in IANA time zones, for EventBridge Scheduler's `ScheduleExpressionTimezone`.
 *
 * Why `Intl` rather than a library: the cron evaluation (expression.ts) already walks wall-clock
 * days and only needs two things from a zone: the UTC offset at an instant, and which instants a
 * wall-clock time names (none in a spring-forward gap, two in a fall-back overlap). `Intl` carries
 * the IANA database with Node itself (full ICU is built in since Node 13), so the offsets are the
 * runtime's own, updated with Node; cron-parser's zone support would still need AWS's dialect
 * translated (see expression.ts), and Luxon or a Temporal polyfill would add a dependency for
 * these two functions.
 */

/** One formatter per zone: building an `Intl.DateTimeFormat` is far slower than using one. */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** True when `zone` is an IANA time zone name this runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  // Names only: `Intl` also takes offsets (`+01:00`), which Scheduler does not.
  if (zone.length > 50 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (Paris in winter: +3600000). */
export function offsetAt(zone: string, instant: number): number {
  const parts = formatter(zone).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  // `hourCycle: 'h23'` gives 0-23; the instant's own milliseconds are dropped by the format.
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instants a wall-clock time names in a zone, earliest first. `wall` is the wall-clock time
 * written as if it were UTC (`Date.UTC(y, m, d, h, mi)`). Empty in a spring-forward gap (02:30
 * on the night clocks jump from 02:00 to 03:00); two instants in a fall-back overlap.
 */
export function instantsOf(zone: string, wall: number): number[] {
  // A wall time's instant uses the offset in force then, which is the offset a few hours before
  // or after it: transitions are never closer together than that.
  const candidates = new Set([offsetAt(zone, wall - 14 * 3_600_000), offsetAt(zone, wall + 14 * 3_600_000)]);
  const out: number[] = [];
  for (const offset of candidates) {
    const instant = wall - offset;
    if (offsetAt(zone, instant) === offset) out.push(instant);
  }
  return out.sort((a, b) => a - b);
}

/** The wall-clock time of an instant in a zone, written as if it were UTC (see {@link instantsOf}). */
export function wallOf(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant);
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    FORMATTERS.set(zone, f);
  }
  return f;
}
