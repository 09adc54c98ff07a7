/**
 * Runs EventBridge Scheduler schedules: arms a timer for each enabled schedule's next firing,
 * fires its target, and re-arms; follows the store as the Scheduler API changes it.
 *
 * Time scale: each schedule keeps its own timeline, starting when it is armed, on which waits
 * are multiplied by `timeScale` (0.01 makes `rate(1 hour)` fire every 36 s, and an `at()` five
 * seconds ahead fire after 50 ms). Firing times, start and end dates are read on that timeline,
 * so a schedule created by a handler "five seconds from now" means five seconds of its time.
 */
import { EventEmitter } from 'node:events';
import type { ScheduleModel } from '../../model';
import { parseSchedulerExpression, type Schedule } from './expression';
import type { ScheduleStore, StoredSchedule } from './store';
import type { DeliveryRecord } from '../events/ledger';
import { fireTarget, resumeFiring, type ScheduleFiring, type ScheduleTargetServices } from './targets';

/** setTimeout's longest delay; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A Scheduler schedule as the runner tracks it. */
export interface ScheduleEntry {
  readonly stored: StoredSchedule;
  readonly parsed?: Schedule;
  /** Why the expression could not be used. */
  readonly error?: string;
  /** The next scheduled time (before any flexible-window delay), on the schedule's timeline. */
  nextAt?: Date;
}

/** Typed events of the runner. */
export interface ScheduleRunnerEvents {
  fire: [schedule: ScheduleModel, firing: ScheduleFiring];
}

/** Fires the store's schedules. */
export class ScheduleRunner extends EventEmitter<ScheduleRunnerEvents> {
  private readonly entries = new Map<StoredSchedule['schedule']['arn'], ScheduleEntry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;

  constructor(
    readonly store: ScheduleStore,
    private readonly services: ScheduleTargetServices,
  ) {
    super();
    for (const s of store.list()) this.track(s);
    store.on('put', (s) => {
      this.track(s);
      if (this.running) this.arm(this.entries.get(s.schedule.arn)!);
    });
    store.on('delete', (s) => this.untrack(s.schedule.arn));
  }

  /** Every schedule with its next firing time, in creation order. */
  list(): ScheduleEntry[] {
    return [...this.entries.values()];
  }

  /** Arms the timers of enabled schedules. */
  start(): void {
    this.running = true;
    for (const e of this.entries.values()) this.arm(e);
  }

  /** Fires a schedule's target now, whatever its state and expression. */
  trigger(entry: ScheduleEntry): ScheduleFiring {
    return this.fire(entry, new Date());
  }

  /** Carries on a firing kept from an earlier run; one whose schedule is gone ends `dropped`. */
  resume(record: DeliveryRecord): void {
    const entry = this.entries.get(record.ruleArn ?? '');
    if (!entry) {
      this.services.ledger.update(record, { state: 'dropped', droppedReason: `schedule ${record.ruleArn} is no longer in the app` });
      return;
    }
    void resumeFiring(this.services, entry.stored.schedule, record);
  }

  /** Disarms every timer. */
  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private track(stored: StoredSchedule): void {
    const s = stored.schedule;
    try {
      this.entries.set(s.arn, { stored, parsed: parseSchedulerExpression(s.expression, s.timeZone) });
    } catch (err) {
      this.entries.set(s.arn, { stored, error: (err as Error).message });
    }
  }

  private untrack(arn: string): void {
    clearTimeout(this.timers.get(arn));
    this.timers.delete(arn);
    this.entries.delete(arn);
  }

  /** Arms the entry on a fresh timeline that starts now. */
  private arm(entry: ScheduleEntry): void {
    const arn = entry.stored.schedule.arn;
    clearTimeout(this.timers.get(arn));
    this.timers.delete(arn);
    entry.nextAt = undefined;
    if (!entry.parsed || entry.stored.schedule.state !== 'ENABLED') return;
    const origin = Date.now();
    const scale = this.services.timeScale;
    const step = (after: number, fired: boolean) => {
      if (this.entries.get(arn) !== entry) return;
      const next = nextFiring(entry, after, origin);
      entry.nextAt = next === undefined ? undefined : new Date(next);
      if (next === undefined) {
        if (fired) this.complete(entry);
        return;
      }
      const window = entry.stored.schedule.flexibleWindowMinutes;
      // FLEXIBLE: Scheduler invokes at some time within the window after the scheduled time.
      const delay = window ? Math.random() * window * 60_000 : 0;
      const realAt = origin + (next + delay - origin) * scale;
      this.sleepUntil(arn, realAt, () => {
        this.fire(entry, new Date(next));
        step(next, true);
      });
    };
    step(origin - 1, false);
  }

  private sleepUntil(arn: string, realAt: number, then: () => void): void {
    const ms = realAt - Date.now();
    if (ms > MAX_TIMER_MS) {
      this.timers.set(arn, setTimeout(() => this.sleepUntil(arn, realAt, then), MAX_TIMER_MS).unref());
      return;
    }
    this.timers.set(arn, setTimeout(then, Math.max(0, ms)).unref());
  }

  private fire(entry: ScheduleEntry, scheduledTime: Date): ScheduleFiring {
    const firing = fireTarget(this.services, entry.stored.schedule, scheduledTime);
    this.emit('fire', entry.stored.schedule, firing);
    return firing;
  }

  /** A schedule that will not fire again: `ActionAfterCompletion: DELETE` removes it. */
  private complete(entry: ScheduleEntry): void {
    const s = entry.stored.schedule;
    if (s.actionAfterCompletion === 'DELETE') this.store.delete(s.groupName, s.name);
  }
}

/**
 * The next scheduled time strictly after `after`, within the start and end dates. A rate counts
 * its periods from the start date, else from when the schedule was armed (`origin`), and fires
 * first at the start date when one is set.
 */
function nextFiring(entry: ScheduleEntry, after: number, origin: number): number | undefined {
  const { startDate, endDate } = entry.stored.schedule;
  const parsed = entry.parsed!;
  let next: number | undefined;
  if (parsed.periodMs !== undefined) {
    const anchor = startDate ?? origin;
    next = after < anchor ? (startDate !== undefined ? anchor : anchor + parsed.periodMs) : anchor + (Math.floor((after - anchor) / parsed.periodMs) + 1) * parsed.periodMs;
  } else {
    const from = parsed.at === undefined && startDate !== undefined && startDate - 1 > after ? startDate - 1 : after;
    next = parsed.next(new Date(from))?.getTime();
  }
  if (next === undefined || (endDate !== undefined && next > endDate)) return undefined;
  return next;
}
