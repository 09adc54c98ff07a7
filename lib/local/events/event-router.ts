/**
 * EventBridge locally: buses, rules compiled from their patterns, PutEvents entry validation
 * and the event envelope, and fan-out of matched events to the rules' targets.
 */
import { randomUUID } from 'node:crypto';
import type { AppModel, EventBusModel, RuleModel } from '../../model';
import { busNameOf } from '../../model';
import { compileEventPattern, explainEventPattern, type CompiledEventPattern, type EventPatternExplanation } from '../../patterns';
import type { Deliverer } from './delivery';
import { RuleIndex, type IndexedRule } from './rule-index';

/** One `PutEvents` request entry, as the API takes it. */
export interface PutEventsRequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  /** Epoch seconds (JSON protocol) or a Date. */
  readonly Time?: number | string | Date;
  readonly TraceHeader?: string;
}

/** One `PutEvents` result entry. */
export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** An EventBridge event as delivered to targets. */
export interface EventEnvelope extends Record<string, unknown> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** Whether an event matches one rule of its bus, and why not (see {@link EventRouter.explain}). */
export interface RuleVerdict {
  /** The rule's name, and the name `dev` prints for it. */
  readonly name: string;
  readonly displayName: string;
  readonly arn: string;
  /** True when the rule would deliver the event: enabled, and its pattern matches. */
  readonly matched: boolean;
  /** The pattern's explanation; absent for a rule without a pattern (a schedule) or with an invalid one. */
  readonly explanation?: EventPatternExplanation;
  /** What else decides: a disabled rule, a schedule, an invalid pattern. */
  readonly note?: string;
}

/** A rule ready to match. */
interface LiveRule {
  readonly rule: RuleModel;
  readonly pattern?: CompiledEventPattern;
}

/** Routes events to rule targets. */
export class EventRouter {
  private readonly buses = new Map<string, EventBusModel>();
  /** Each bus's rules, indexed by the exact values their patterns demand (see rule-index.ts). */
  private readonly rulesByBus = new Map<string, RuleIndex<LiveRule>>();
  /** Invalid patterns found at start, by rule ARN; those rules never match. */
  readonly invalidRules = new Map<string, string>();

  constructor(private readonly model: AppModel, private readonly deliverer: Deliverer) {
    for (const bus of model.eventBuses) this.buses.set(bus.name, bus);
    // Display names (what `switchyard dev` prints) never shadow a bus's own name (see model/names.ts).
    for (const bus of model.eventBuses) if (bus.displayName && !this.buses.has(bus.displayName)) this.buses.set(bus.displayName, bus);
    const byBus = new Map<string, Array<IndexedRule<LiveRule>>>();
    for (const rule of model.rules) {
      let pattern: CompiledEventPattern | undefined;
      if (rule.eventPattern) {
        try {
          pattern = compileEventPattern(rule.eventPattern);
        } catch (err) {
          this.invalidRules.set(rule.arn, (err as Error).message);
          continue;
        }
      }
      const rules = byBus.get(rule.eventBusName) ?? byBus.set(rule.eventBusName, []).get(rule.eventBusName)!;
      rules.push({ item: { rule, pattern }, pattern: rule.eventPattern, order: rules.length });
    }
    for (const [bus, rules] of byBus) this.rulesByBus.set(bus, new RuleIndex(rules));
  }

  /** The bus a name, ARN or display name refers to. */
  bus(nameOrArn: string | undefined): EventBusModel | undefined {
    return this.buses.get(busNameOf(nameOrArn || 'default'));
  }

  /** Every rule, optionally of one bus. */
  rules(busName?: string): RuleModel[] {
    return this.model.rules.filter((r) => busName === undefined || r.eventBusName === busName);
  }

  /**
   * Validates and routes a batch of entries, as `PutEvents` does: each entry gets an event id
   * or an error code; matched events are handed to delivery without waiting for it.
   * @throws DeliveryBacklogFullError, for the whole batch, while delivery is too far behind
   */
  putEvents(entries: readonly PutEventsRequestEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    this.deliverer.admit();
    const results = entries.map((entry) => {
      const checked = this.envelopeOf(entry);
      if (!('event' in checked)) return checked;
      // The entry's own size stands for the event's in the log's budget: no second serialization.
      this.route(checked.bus, checked.event, entry.Detail!.length + entry.Source!.length + entry.DetailType!.length + 256);
      return { EventId: checked.event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /**
   * Sends an event to every matching enabled rule of a bus; returns the rules it matched. The
   * event goes into the ledger's event log (an unmatched one is kept there); `bytes` is its size
   * when the caller knows it.
   */
  route(busName: string, event: EventEnvelope, bytes?: number): RuleModel[] {
    const matched: RuleModel[] = [];
    const index = this.rulesByBus.get(busName);
    for (const live of index?.candidates(event) ?? []) {
      if (live.rule.state !== 'ENABLED' || !live.pattern || !live.pattern.matches(event)) continue;
      matched.push(live.rule);
      for (const target of live.rule.targets) void this.deliverer.deliverToRuleTarget(live.rule, target, event, 'rule');
    }
    this.deliverer.ledger.events.record(busName, event, matched.map((r) => r.arn), bytes);
    return matched;
  }

  /**
   * For every rule of a bus, in the template's order: whether the event would be delivered by
   * it, and, when not, why (the pattern's first failing field and its near misses, a disabled
   * rule, a schedule, an invalid pattern). Nothing is delivered.
   */
  explain(busName: string, event: Readonly<Record<string, unknown>>): RuleVerdict[] {
    return this.rules(busName).map((rule) => {
      const named = { name: rule.name, displayName: rule.displayName ?? rule.name, arn: rule.arn };
      const invalid = this.invalidRules.get(rule.arn);
      if (invalid) return { ...named, matched: false, note: `its pattern is invalid, so it never matches: ${invalid}` };
      if (!rule.eventPattern) return { ...named, matched: false, note: `a scheduled rule (${rule.scheduleExpression ?? 'no pattern'}): it fires on its schedule and matches no event` };
      const explanation = explainEventPattern(rule.eventPattern, event);
      const disabled = rule.state !== 'ENABLED';
      const note = disabled ? `the rule is ${rule.state}${explanation.matched ? ': its pattern matches, but it delivers nothing' : ''}` : undefined;
      return { ...named, matched: explanation.matched && !disabled, explanation, note };
    });
  }

  /** Fires a schedule rule's targets with a "Scheduled Event", as EventBridge does. */
  fireSchedule(rule: RuleModel, at = new Date()): EventEnvelope {
    const event = envelope({ source: 'aws.events', detailType: 'Scheduled Event', detail: {}, resources: [rule.arn], time: at, account: this.model.accountId, region: this.model.region });
    for (const target of rule.targets) void this.deliverer.deliverToRuleTarget(rule, target, event, 'schedule');
    return event;
  }

  /** Every bus of the app (its own name; the display name `dev` prints when it has one). */
  busList(): readonly EventBusModel[] {
    return this.model.eventBuses;
  }

  /**
   * Validates an entry as `PutEvents` does and builds its event, without routing it: the bus
   * and the event, or the entry's error code and message.
   */
  envelopeOf(entry: PutEventsRequestEntry): { bus: string; event: EventEnvelope } | PutEventsResultEntry {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail!);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    if (entry.Source!.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source.` };
    }
    const bus = this.bus(entry.EventBusName);
    if (!bus) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busNameOf(entry.EventBusName ?? '')} does not exist.` };
    const time = entry.Time === undefined ? new Date() : entry.Time instanceof Date ? entry.Time : typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(entry.Time);
    if (Number.isNaN(time.getTime())) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' };
    return {
      bus: bus.name,
      event: envelope({ source: entry.Source!, detailType: entry.DetailType!, detail, resources: entry.Resources ?? [], time, account: this.model.accountId, region: this.model.region }),
    };
  }
}

/** Builds the EventBridge envelope. Time has second precision, as EventBridge's does. */
export function envelope(p: { source: string; detailType: string; detail: unknown; resources: readonly string[]; time: Date; account: string; region: string }): EventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': p.detailType,
    source: p.source,
    account: p.account,
    time: p.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: p.region,
    resources: [...p.resources],
    detail: p.detail,
  };
}
