/**
 * The events put on the app's buses, for `switchyard why <event-id>` and for the events that
 * matched no rule.
 *
 * EventBridge drops an event no rule matches without a trace; locally it is kept (the last
 * `maxUnmatched` of them, across restarts when the app keeps state) so that "my handler never
 * ran" has an answer. The most recent events, matched or not, are kept in memory only, bounded
 * by count and by size, so that `why` can explain an event by its id.
 */
import { EventEmitter } from 'node:events';
import { Fifo } from './fifo';

/** An event as put on a bus, with the rules it matched. */
export interface LoggedEvent {
  /** The event as targets receive it (the EventBridge envelope). */
  readonly event: Readonly<Record<string, unknown>> & { readonly id: string };
  /** The bus it was put on. */
  readonly bus: string;
  /** ARNs of the enabled rules it matched; empty for an unmatched event. */
  readonly matchedRules: readonly string[];
  /** When it was put (epoch milliseconds). */
  readonly at: number;
}

/** Typed events of the log. */
export interface EventLogEvents {
  /** An event was put on a bus (matched or not). */
  recorded: [logged: LoggedEvent];
  /** An event matched no rule of its bus. */
  unmatched: [logged: LoggedEvent];
  /** An unmatched event is no longer kept (past `maxUnmatched`). */
  forgetUnmatched: [id: string];
}

/** Options for {@link EventLog}. */
export interface EventLogOptions {
  /** How many recent events (matched or not) `get` finds. @default 1000 */
  readonly maxRecent?: number;
  /** How many bytes of recent events (their JSON) to hold at most. @default 16 MiB */
  readonly maxRecentBytes?: number;
  /** How many unmatched events to keep. @default 1000 */
  readonly maxUnmatched?: number;
}

/** The log of recent events and of unmatched ones. */
export class EventLog extends EventEmitter<EventLogEvents> {
  private readonly recent = new Map<string, { logged: LoggedEvent; bytes: number }>();
  /** The ids in `recent`, oldest first: evicting from a Map's front by iterating it walks its holes (see fifo.ts). */
  private readonly recentOrder = new Fifo<string>();
  private readonly unmatchedEvents = new Map<string, LoggedEvent>();
  private recentBytes = 0;
  private unmatchedTotal = 0;
  private readonly maxRecent: number;
  private readonly maxRecentBytes: number;
  private readonly maxUnmatched: number;

  constructor(options: EventLogOptions = {}) {
    super();
    this.maxRecent = options.maxRecent ?? 1000;
    this.maxRecentBytes = options.maxRecentBytes ?? 16 * 1024 * 1024;
    this.maxUnmatched = options.maxUnmatched ?? 1000;
  }

  /**
   * Records an event put on `bus` and the rules it matched. `bytes` is its size when the caller
   * knows it (the PutEvents entry's), else it is measured.
   */
  record(bus: string, event: LoggedEvent['event'], matchedRules: readonly string[], bytes?: number): LoggedEvent {
    const logged: LoggedEvent = { event, bus, matchedRules, at: Date.now() };
    const previous = this.recent.get(event.id);
    // A rule forwarding the event to another bus hands on the same event (same id): the log keeps
    // where it was put, which `get` answers (its story, `why`); the hop is still announced.
    if (previous && previous.logged.bus !== bus) {
      if (matchedRules.length === 0) this.keepUnmatched(logged, true);
      this.emit('recorded', logged);
      return logged;
    }
    const size = bytes ?? JSON.stringify(event).length;
    if (previous) this.recentBytes -= previous.bytes;
    else this.recentOrder.push(event.id);
    this.recent.set(event.id, { logged, bytes: size });
    this.recentBytes += size;
    while (this.recent.size > this.maxRecent || this.recentBytes > this.maxRecentBytes) {
      const id = this.recentOrder.shift()!;
      this.recentBytes -= this.recent.get(id)!.bytes;
      this.recent.delete(id);
    }
    if (matchedRules.length === 0) this.keepUnmatched(logged, true);
    this.emit('recorded', logged);
    return logged;
  }

  /** A recent event, or a kept unmatched one, by id. */
  get(id: string): LoggedEvent | undefined {
    return this.recent.get(id)?.logged ?? this.unmatchedEvents.get(id);
  }

  /** The kept unmatched events, oldest first. */
  unmatched(): LoggedEvent[] {
    return [...this.unmatchedEvents.values()];
  }

  /** How many events matched no rule, since the state began (including those no longer kept). */
  get unmatchedCount(): number {
    return this.unmatchedTotal;
  }

  /** Puts back unmatched events kept by an earlier run, and their count. Emits nothing. */
  restore(kept: readonly LoggedEvent[], total: number): void {
    for (const logged of kept) this.keepUnmatched(logged, false);
    this.unmatchedTotal = Math.max(total, this.unmatchedTotal);
  }

  private keepUnmatched(logged: LoggedEvent, fresh: boolean): void {
    this.unmatchedEvents.set(logged.event.id, logged);
    if (fresh) {
      this.unmatchedTotal++;
      this.emit('unmatched', logged);
    }
    while (this.unmatchedEvents.size > this.maxUnmatched) {
      const [oldest] = this.unmatchedEvents.keys();
      this.unmatchedEvents.delete(oldest);
      this.emit('forgetUnmatched', oldest);
    }
  }
}
