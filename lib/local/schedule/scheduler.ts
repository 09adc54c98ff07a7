/**
 * Fires schedule rules on their expressions, and on demand.
 */
import { EventEmitter } from 'node:events';
import type { RuleModel } from '../../model';
import type { EventEnvelope, EventRouter } from '../events/event-router';
import { parseSchedule, type Schedule } from './expression';

/** setTimeout's longest delay; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** No schedule rule has the name, ARN, logical id or display name asked for. */
export class ScheduleNotFoundError extends Error {
  /** EventBridge's code for a rule that does not exist. */
  readonly code = 'ResourceNotFoundException';
  constructor(
    readonly ref: string,
    /** The display names of the schedules there are. */
    readonly known: readonly string[],
  ) {
    super(`No schedule rule '${ref}'. Schedules: ${known.join(', ') || 'none'}`);
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
  fire: [RuleModel, EventEnvelope];
}

/** Runs the app's schedule rules. */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private readonly entries: ScheduledRule[];
  private readonly timers = new Map<ScheduledRule, NodeJS.Timeout>();

  constructor(rules: readonly RuleModel[], private readonly router: EventRouter) {
    super();
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

  /** Arms the timers of enabled schedules. */
  start(now = new Date()): void {
    for (const e of this.entries) if (e.schedule && e.rule.state === 'ENABLED') this.arm(e, now);
  }

  /** Fires a schedule rule now (by name, ARN, logical id or display name), whatever its state. */
  trigger(ref: string): EventEnvelope {
    const e = this.entries.find((x) => [x.rule.name, x.rule.arn, x.rule.logicalId, x.rule.displayName].includes(ref));
    if (!e) throw new ScheduleNotFoundError(ref, this.entries.map((x) => x.rule.displayName ?? x.rule.name));
    return this.fire(e, new Date());
  }

  /** Disarms every timer. */
  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
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
