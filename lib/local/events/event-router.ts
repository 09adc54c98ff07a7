/**
 * EventBridge locally: buses, rules compiled from their patterns, PutEvents entry validation
 * and the event envelope, and fan-out of matched events to the rules' targets.
 */
import { randomUUID } from 'node:crypto';
import type { AppModel, EventBusModel, RuleModel } from '../../model';
import { busNameOf } from '../../model';
import { compileEventPattern, explainEventPattern, type CompiledEventPattern, type EventPatternExplanation } from '../../patterns';
import type { Deliverer } from './delivery';
import { GlobalEndpointNotFoundError, type GlobalEndpoints, type GlobalEndpointState } from './global-endpoints';
import { sendsWholeEvent } from './input';
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

/**
 * Where a call comes from: the region its SigV4 signature names and, when known, the caller's
 * account. A bus given by name is looked up there, as AWS looks it up in the client's region.
 */
export interface CallerEnvironment {
  readonly region?: string;
  readonly accountId?: string;
}

/** Routes events to rule targets. */
export class EventRouter {
  /** Buses of the default account and region by name and display name, and every bus by ARN. */
  private readonly buses = new Map<string, EventBusModel>();
  /** Buses outside the default account and region, by name: each name to every bus of it. */
  private readonly elsewhere = new Map<string, EventBusModel[]>();
  /** The regions the app's buses are in: a call signed for another region is served in the default one. */
  private readonly regions = new Set<string>();
  /** Each bus's rules, indexed by the exact values their patterns demand (see rule-index.ts). */
  private readonly rulesByBus = new Map<string, RuleIndex<LiveRule>>();
  /** Invalid patterns found at start, by rule ARN; those rules never match. */
  readonly invalidRules = new Map<string, string>();
  /** {@link keyOf}'s answers: the buses are the model's, fixed, and every routed event asks. */
  private readonly keys = new Map<string, string>();

  /**
   * @param endpoints the app's global endpoints, which PutEvents with an `EndpointId` goes through
   */
  constructor(private readonly model: AppModel, private readonly deliverer: Deliverer, private readonly endpoints?: GlobalEndpoints) {
    this.indexBuses(model);
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
      const key = this.ruleBusKey(rule);
      const rules = byBus.get(key) ?? byBus.set(key, []).get(key)!;
      rules.push({ item: { rule, pattern }, pattern: rule.eventPattern, order: rules.length });
    }
    for (const [bus, rules] of byBus) this.rulesByBus.set(bus, new RuleIndex(rules));
  }

  /**
   * The bus a name, ARN or display name refers to. A name is looked up in the caller's region
   * (and account, else the app's default account, else the one account there that has it) when
   * the app has buses in that region; otherwise in the app's default account and region.
   */
  bus(nameOrArn: string | undefined, where: CallerEnvironment = {}): EventBusModel | undefined {
    const ref = nameOrArn || 'default';
    if (ref.startsWith('arn:')) return this.buses.get(ref) ?? (this.isHome(ref) ? this.buses.get(busNameOf(ref)) : undefined);
    const home = { region: this.model.region, accountId: this.model.accountId };
    const region = where.region !== undefined && this.regions.has(where.region) ? where.region : home.region;
    const account = where.accountId ?? home.accountId;
    if (region === home.region && account === home.accountId && this.buses.has(ref)) return this.buses.get(ref);
    const there = (this.elsewhere.get(ref) ?? []).filter((b) => envOf(b.arn).region === region);
    const found = there.find((b) => envOf(b.arn).accountId === account) ?? (where.accountId === undefined && there.length === 1 ? there[0] : undefined);
    // Without a caller (the CLI, `why`), a name that only one bus of the app has is that bus.
    return found ?? (where.region === undefined && where.accountId === undefined ? this.uniqueElsewhere(ref) : undefined);
  }

  /** Every rule, optionally of one bus (by name, ARN or display name). */
  rules(bus?: string): RuleModel[] {
    if (bus === undefined) return [...this.model.rules];
    const key = this.keyOf(bus);
    return this.model.rules.filter((r) => this.ruleBusKey(r) === key);
  }

  /**
   * Validates and routes a batch of entries, as `PutEvents` does: each entry gets an event id
   * or an error code; matched events are handed to delivery without waiting for it.
   * @throws DeliveryBacklogFullError, for the whole batch, while delivery is too far behind
   */
  putEvents(entries: readonly PutEventsRequestEntry[], where: CallerEnvironment = {}, endpointId?: string): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    this.deliverer.admit();
    const via = endpointId === undefined ? undefined : this.endpointRoute(endpointId);
    const results = entries.map((entry) => {
      const checked = via ? this.throughEndpoint(entry, via) : this.envelopeOf(entry, where);
      if (!('event' in checked)) return checked;
      // The entry's own size stands for the event's in the log's budget: no second serialization.
      const bytes = entry.Detail!.length + entry.Source!.length + entry.DetailType!.length + 256;
      this.route(checked.bus, checked.event, bytes);
      if (via?.replicaBusArn) this.route(via.replicaBusArn, checked.event, bytes);
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
    const key = this.keyOf(busName);
    const index = this.rulesByBus.get(key);
    // Serialized once, for every target that receives the whole event.
    let json: string | undefined;
    for (const live of index?.candidates(event) ?? []) {
      if (live.rule.state !== 'ENABLED' || !live.pattern || !live.pattern.matches(event)) continue;
      matched.push(live.rule);
      for (const target of live.rule.targets) {
        if (sendsWholeEvent(target)) json ??= JSON.stringify(event);
        void this.deliverer.deliverToRuleTarget(live.rule, target, event, 'rule', json);
      }
    }
    this.deliverer.ledger.events.record(key, event, matched.map((r) => r.arn), bytes);
    return matched;
  }

  /**
   * Hands an event a rule matched to another bus of the app (a rule's event bus target), as
   * EventBridge does: the same event (id, source, detail-type, account, region, time, resources,
   * detail) goes through that bus's rules. False when the app has no such bus. An event is never
   * routed twice through the same bus: rules forwarding in a circle end there.
   */
  forward(busArn: string, event: EventEnvelope): boolean {
    const bus = this.buses.get(busArn);
    if (!bus) return false;
    // The first forward of an event starts from the bus it was put on (as the event log has it).
    const seen = forwardedThrough.get(event) ?? new Set([this.bus(this.deliverer.ledger.events.get(event.id)?.bus)?.arn ?? '']);
    if (seen.has(bus.arn)) return true;
    forwardedThrough.set(event, seen.add(bus.arn));
    this.route(bus.arn, event);
    return true;
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
    const event = envelope({ source: 'aws.events', detailType: 'Scheduled Event', detail: {}, resources: [rule.arn], time: at, ...envOf(rule.arn) });
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
  envelopeOf(entry: PutEventsRequestEntry, where: CallerEnvironment = {}): { bus: string; event: EventEnvelope } | PutEventsResultEntry {
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
    const bus = this.bus(entry.EventBusName, where);
    if (!bus) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busNameOf(entry.EventBusName ?? '')} does not exist.` };
    const time = entry.Time === undefined ? new Date() : entry.Time instanceof Date ? entry.Time : typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(entry.Time);
    if (Number.isNaN(time.getTime())) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' };
    return {
      bus: this.keyOf(bus.arn),
      event: envelope({ source: entry.Source!, detailType: entry.DetailType!, detail, resources: entry.Resources ?? [], time, ...envOf(bus.arn) }),
    };
  }

  /** The bus an endpoint sends to now. @throws GlobalEndpointNotFoundError */
  private endpointRoute(endpointId: string): GlobalEndpointState {
    if (!this.endpoints) throw new GlobalEndpointNotFoundError(endpointId, []);
    return this.endpoints.get(endpointId);
  }

  /**
   * An entry sent through a global endpoint: its bus must be the endpoint's (by name, as both
   * regions' buses share it, or by either ARN; none given: the endpoint's), and the event is
   * built in the active region.
   */
  private throughEndpoint(entry: PutEventsRequestEntry, via: GlobalEndpointState): { bus: string; event: EventEnvelope } | PutEventsResultEntry {
    const { endpoint } = via;
    const given = entry.EventBusName;
    const ofEndpoint = given === undefined || given === busNameOf(via.activeBusArn) || given === endpoint.primaryBusArn || given === endpoint.secondaryBusArn;
    if (!ofEndpoint) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${given} is not a bus of endpoint ${endpoint.name}.` };
    if (!this.buses.has(via.activeBusArn)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${via.activeBusArn} does not exist.` };
    return this.envelopeOf({ ...entry, EventBusName: via.activeBusArn });
  }

  /**
   * The key a bus's rules and logged events are kept under: its name for a bus of the default
   * account and region (as before several regions were served), its ARN for any other.
   */
  keyOf(bus: string): string {
    let key = this.keys.get(bus);
    if (key === undefined) {
      const found = this.bus(bus);
      key = !found ? bus : this.isHome(found.arn) ? found.name : found.arn;
      // A name a caller made up is answered, not kept.
      if (found) this.keys.set(bus, key);
    }
    return key;
  }

  private ruleBusKey(rule: RuleModel): string {
    return rule.eventBusArn === undefined ? rule.eventBusName : this.keyOf(rule.eventBusArn);
  }

  private indexBuses(model: AppModel): void {
    for (const bus of model.eventBuses) {
      this.buses.set(bus.arn, bus);
      this.regions.add(envOf(bus.arn).region);
      if (this.isHome(bus.arn)) this.buses.set(bus.name, bus);
      else this.elsewhere.set(bus.name, [...(this.elsewhere.get(bus.name) ?? []), bus]);
    }
    // Display names (what `switchyard dev` prints) never shadow a bus's own name (see model/names.ts).
    for (const bus of model.eventBuses) {
      if (!bus.displayName || bus.displayName === bus.name) continue;
      if (this.isHome(bus.arn)) {
        if (!this.buses.has(bus.displayName)) this.buses.set(bus.displayName, bus);
      } else if (!this.elsewhere.has(bus.displayName)) {
        this.elsewhere.set(bus.displayName, [bus]);
      }
    }
  }

  /** A bus of another account or region that is the only one of its name. */
  private uniqueElsewhere(name: string): EventBusModel | undefined {
    const there = this.elsewhere.get(name) ?? [];
    return there.length === 1 ? there[0] : undefined;
  }

  private isHome(arn: string): boolean {
    const env = envOf(arn);
    return env.region === this.model.region && env.accountId === this.model.accountId;
  }
}

/** The buses each forwarded event has been through (see {@link EventRouter.forward}). */
const forwardedThrough = new WeakMap<object, Set<string>>();

/** {@link envOf}'s answers by ARN: an app has a few buses and rules, each asked about per event. */
const envs = new Map<string, { readonly region: string; readonly account: string; readonly accountId: string }>();

/** The account and region an ARN names (`arn:aws:events:<region>:<account>:...`). */
function envOf(arn: string): { readonly region: string; readonly account: string; readonly accountId: string } {
  let env = envs.get(arn);
  if (!env) {
    const [, , , region = '', account = ''] = arn.split(':');
    env = { region, account, accountId: account };
    // ARNs come from the app's model; a caller-given one that names no bus is not kept.
    if (envs.size < 10_000) envs.set(arn, env);
  }
  return env;
}

/** Builds the EventBridge envelope. Time has second precision, as EventBridge's does. */
export function envelope(p: { source: string; detailType: string; detail: unknown; resources: readonly string[]; time: Date; account: string; region: string }): EventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': p.detailType,
    source: p.source,
    account: p.account,
    time: isoSeconds(p.time.getTime()),
    region: p.region,
    resources: [...p.resources],
    detail: p.detail,
  };
}

/** The last second formatted by {@link isoSeconds}: a flood puts thousands of events a second. */
let lastSecond = { at: NaN, text: '' };

/** `2026-01-01T12:00:00Z`: an instant at second precision, as EventBridge writes `time`. */
function isoSeconds(ms: number): string {
  const at = Math.floor(ms / 1000);
  if (at !== lastSecond.at) lastSecond = { at, text: new Date(at * 1000).toISOString().replace(/\.000Z$/, 'Z') };
  return lastSecond.text;
}
