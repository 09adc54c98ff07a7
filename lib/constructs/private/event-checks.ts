import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { WarningCode } from '../../errors';
import { explainEventPattern, formatExplanation, type EventPatternExplanation } from '../../patterns';
import type { AnyEventDefinition } from '../schemas';

/** A subscription as the checks see it: where it is, and the pattern its rule has. */
export interface CheckedSubscription {
  readonly name: string;
  /** The subscription's rule: the SY121 warning is added (and acknowledged) there. */
  readonly scope: IConstruct;
  /** The rendered pattern (envelope keys hyphenated, tokens resolved). */
  readonly pattern: Readonly<Record<string, unknown>>;
}

/**
 * Collects an app's defined events and subscriptions as they are declared, and checks them once
 * all are (at synth, as a validation of the app: nothing can be added after it runs).
 */
export class PublisherSubscriberCheck {
  private readonly events = new Map<string, AnyEventDefinition>();
  private readonly subscriptions: CheckedSubscription[] = [];

  constructor(app: IConstruct) {
    app.node.addValidation({
      validate: () => {
        checkPublishersAndSubscribers(app, [...this.events.values()], this.subscriptions);
        return []; // warnings only
      },
    });
  }

  /** A defined event of the app (subscribed to, or listed in `events`). */
  addEvent(event: AnyEventDefinition): void {
    this.events.set(eventName(event), event);
  }

  /** The app's defined events so far. */
  get definedEvents(): AnyEventDefinition[] {
    return [...this.events.values()];
  }

  /** A subscription, with its rendered pattern. */
  addSubscription(subscription: CheckedSubscription): void {
    this.subscriptions.push(subscription);
  }
}

/** The ids the warnings are added (and acknowledged) under. */
export const WARNING_IDS = {
  /** On the subscription's rule. */
  patternMatchesNoEvent: `switchyard:${WarningCode.PATTERN_MATCHES_NO_EVENT}`,
  /** On the EventApp, one id per event: `switchyard:SY122:<source>@<detailType>`. */
  eventWithoutSubscriber: (event: AnyEventDefinition) => `switchyard:${WarningCode.EVENT_WITHOUT_SUBSCRIBER}:${eventName(event)}`,
} as const;

/**
 * Publisher and subscriber, checked at synth over the app's defined events: a subscription whose
 * pattern can match none of them (SY121), and a defined event no subscription can match (SY122).
 * Warnings, not errors (a subscription may take events from outside the app, an event may be for
 * consumers outside it), so each can be acknowledged with its reason, as cdk-nag findings are.
 *
 * Only the envelope decides: a pattern's conditions on `source` and `detail-type` are tested
 * against each definition's; conditions on the detail are taken as satisfiable (a definition
 * has a schema, not values), so neither warning fires on a guess.
 */
export function checkPublishersAndSubscribers(app: IConstruct, events: readonly AnyEventDefinition[], subscriptions: readonly CheckedSubscription[]): void {
  if (events.length === 0) return;
  const subscribed = new Set<AnyEventDefinition>();
  for (const subscription of subscriptions) {
    const envelope = envelopePattern(subscription.pattern);
    if (!envelope) {
      // A pattern that does not look at the envelope may match every defined event.
      for (const event of events) subscribed.add(event);
      continue;
    }
    const verdicts = events.map((event) => ({ event, why: explainEventPattern(envelope, envelopeOf(event)) }));
    const matched = verdicts.filter((v) => v.why.matched);
    for (const v of matched) subscribed.add(v.event);
    if (matched.length === 0) warnNoEvent(subscription, verdicts);
  }
  for (const event of events) {
    if (subscribed.has(event)) continue;
    Annotations.of(app).addWarningV2(
      WARNING_IDS.eventWithoutSubscriber(event),
      `[${WarningCode.EVENT_WITHOUT_SUBSCRIBER}] Event ${eventName(event)} is defined in the app, but no subscription of the app matches it. ` +
        `Fix: subscribe to it (addSubscription('Name', { event: ${event.detailType}, handler })), or, when consumers outside the app take it, ` +
        `acknowledge: Annotations.of(app).acknowledgeWarning('${WARNING_IDS.eventWithoutSubscriber(event)}', 'why')`,
    );
  }
}

function warnNoEvent(subscription: CheckedSubscription, verdicts: ReadonlyArray<{ event: AnyEventDefinition; why: EventPatternExplanation }>): void {
  const closest = verdicts.reduce((a, b) => (rank(b.why) < rank(a.why) ? b : a));
  Annotations.of(subscription.scope).addWarningV2(
    WARNING_IDS.patternMatchesNoEvent,
    `[${WarningCode.PATTERN_MATCHES_NO_EVENT}] Subscription ${subscription.name}'s pattern matches none of the app's defined events (${verdicts.map((v) => eventName(v.event)).join(', ')}). ` +
      `Closest, ${eventName(closest.event)}: ${formatExplanation(closest.why).replace(/\n\s*/g, '; ')}. ` +
      `Fix: correct the pattern, or subscribe with event: <the definition>; when it takes events from outside the app, acknowledge: ` +
      `Annotations.of(rule).acknowledgeWarning('${WARNING_IDS.patternMatchesNoEvent}', 'why')`,
  );
}

/** Fewest failing fields first, then one with a near miss (the likelier intended event). */
function rank(why: EventPatternExplanation): number {
  return why.misses.length * 2 - (why.misses[0]?.nearMisses.length ? 1 : 0);
}

/**
 * The part of a pattern about the envelope (`source`, `detail-type`), `$or` included; undefined
 * when it has none (then every defined event may match).
 */
export function envelopePattern(pattern: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (key === 'source' || key === 'detail-type') kept[key] = value;
    if (key === '$or' && Array.isArray(value)) {
      const branches = value.map((b) => (typeof b === 'object' && b !== null ? envelopePattern(b as Record<string, unknown>) : undefined));
      // A branch without envelope conditions lets any envelope through: the $or then decides nothing here.
      if (branches.every((b) => b !== undefined)) kept.$or = branches;
    }
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function envelopeOf(event: AnyEventDefinition): Record<string, unknown> {
  return { source: event.source, 'detail-type': event.detailType, detail: {} };
}

function eventName(event: AnyEventDefinition): string {
  return `${event.source}@${event.detailType}`;
}
