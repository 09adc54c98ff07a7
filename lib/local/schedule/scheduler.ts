/**
 * Fires schedules on their expressions, and on demand: EventBridge schedule rules here, and
 * EventBridge Scheduler schedules through a {@link ScheduleRunner}. `trigger` finds either by
 * the names `switchyard dev` prints.
 */
import { EventEmitter } from 'node:events';
import type { RuleModel, ScheduleModel } from '../../model';
import type { EventEnvelope, EventRouter } from '../events/event-router';
import type { DeliveryRecord } from '../events/ledger';
import { parseSchedule, type Schedule } from './expression';
import type { ScheduleEntry, ScheduleRunner } from './runner';
import type { ScheduleFiring } from './targets';

/** setTimeout's longest delay; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** No schedule rule or Scheduler schedule has the name, ARN, logical id or display name asked for. */
export class ScheduleNotFoundError extends Error {
  /** EventBridge's code for a rule that does not exist. */
  readonly code = 'ResourceNotFoundException';
  constructor(
    readonly ref: string,
    /** The display names of the schedules there are. */
    readonly known: readonly string[],
  ) {
    super(`No schedule '${ref}'. Schedules: ${known.join(', ') || 'none'}`);
    this.name = 'ScheduleNotFoundError';
  }
}

/** A schedule as the scheduler tracks it. */
export interface ScheduledRule {
  readonly rule: RuleModel;
  readonly schedule?: Schedule;
  /** Why the expression could not be used. */
  readonly error?: string;
  nextAt?: Date;
}

/** Typed events of the scheduler. */
export interface SchedulerEvents {
  /** A schedule rule fired. */
  fire: [RuleModel, EventEnvelope];
  /** An EventBridge Scheduler schedule fired. */
  fireSchedule: [ScheduleModel, ScheduleFiring];
}

/** Runs the app's schedule rules and, with a runner, its EventBridge Scheduler schedules. */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private readonly entries: ScheduledRule[];
  private readonly timers = new Map<ScheduledRule, NodeJS.Timeout>();

  constructor(
    rules: readonly RuleModel[],
    private readonly router: EventRouter,
    /** Runs the EventBridge Scheduler schedules. */
    readonly runner?: ScheduleRunner,
  ) {
    super();
    runner?.on('fire', (schedule, firing) => this.emit('fireSchedule', schedule, firing));
    this.entries = rules
      .filter((r) => r.scheduleExpression !== undefined)
      .map((rule) => {
        try {
          return { rule, schedule: parseSchedule(rule.scheduleExpression!) };
        } catch (err) {
          return { rule, error: (err as Error).message };
        }
      });
  }

  /** Every schedule rule with its next firing time. */
  list(): readonly ScheduledRule[] {
    return this.entries;
  }

  /** Every EventBridge Scheduler schedule with its next firing time. */
  schedules(): readonly ScheduleEntry[] {
    return this.runner?.list() ?? [];
  }

  /** Arms the timers of enabled schedules. */
  start(now = new Date()): void {
    for (const e of this.entries) if (e.schedule && e.rule.state === 'ENABLED') this.arm(e, now);
    this.runner?.start();
  }

  /**
   * Fires a schedule now, whatever its state: a rule (by name, ARN, logical id or display name)
   * or a Scheduler schedule (by display name, `group/name`, name, ARN or logical id).
   * @returns the rule's event, or the Scheduler firing (its `id` is the execution id)
   */
  trigger(ref: string): EventEnvelope | ScheduleFiring {
    const e = this.entries.find((x) => [x.rule.name, x.rule.arn, x.rule.logicalId, x.rule.displayName].includes(ref));
    if (e) return this.fire(e, new Date());
    const schedules = this.schedules();
    const s = findSchedule(schedules, ref);
    if (!s) throw new ScheduleNotFoundError(ref, [...this.entries.map((x) => x.rule.displayName ?? x.rule.name), ...schedules.map((x) => shownName(x.stored.schedule))]);
    return this.runner!.trigger(s);
  }

  /** Carries on a Scheduler firing kept from an earlier run of the app (see ScheduleRunner.resume). */
  resumeFiring(record: DeliveryRecord): void {
    this.runner?.resume(record);
  }

  /** Disarms every timer. */
  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.runner?.stop();
  }

  private arm(e: ScheduledRule, after: Date): void {
    const next = e.schedule!.next(after);
    e.nextAt = next;
    if (!next) return;
    const wait = () => {
      const ms = next.getTime() - Date.now();
      if (ms > MAX_TIMER_MS) {
        this.timers.set(e, setTimeout(wait, MAX_TIMER_MS).unref());
        return;
      }
      this.timers.set(
        e,
        setTimeout(() => {
          this.fire(e, next);
          this.arm(e, next);
        }, Math.max(0, ms)).unref(),
      );
    };
    wait();
  }

  private fire(e: ScheduledRule, at: Date): EventEnvelope {
    const event = this.router.fireSchedule(e.rule, at);
    this.emit('fire', e.rule, event);
    return event;
  }
}

/** The name `dev` prints for a Scheduler schedule: its display name, else `group/name` outside the default group. */
export function shownName(s: ScheduleModel): string {
  return s.displayName ?? (s.groupName === 'default' ? s.name : `${s.groupName}/${s.name}`);
}

/** A schedule by display name first, then `group/name`, ARN, logical id, and a name unique across groups. */
function findSchedule(entries: readonly ScheduleEntry[], ref: string): ScheduleEntry | undefined {
  const exact = entries.find((x) => {
    const s = x.stored.schedule;
    return [shownName(s), `${s.groupName}/${s.name}`, s.arn, s.logicalId].includes(ref);
  });
  if (exact) return exact;
  const byName = entries.filter((x) => x.stored.schedule.name === ref);
  return byName.length === 1 ? byName[0] : undefined;
}
