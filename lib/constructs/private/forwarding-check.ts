import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { matchesEventPattern } from '../../patterns';
import type { EventForwarding } from '../cross-app';
import { envelopePattern } from './event-checks';

const ENVELOPE_FIELDS = ['source', 'detail-type'] as const;

/**
 * Throws SY201 when a subscription taking events `through` a forwarding can match none of the
 * events that forwarding passes: the forwarding sends OrderPlaced, the subscription waits for
 * OrderShipped, and nothing would ever arrive. Decided on the envelope (`source`,
 * `detail-type`) over the event types the two patterns name as plain values; where either
 * names a field only by a matcher (a prefix, anything-but), no type is named there to test and
 * the check stays silent rather than guess.
 */
export function checkForwardedSubscription(scope: IConstruct, name: string, pattern: Readonly<Record<string, unknown>>, through: EventForwarding): void {
  const forwarded = envelopePattern(through.pattern);
  const subscribed = envelopePattern(pattern);
  // A side that does not look at the envelope lets every event type through.
  if (!forwarded || !subscribed) return;
  const candidates = candidateEnvelopes(forwarded, subscribed);
  if (!candidates) return;
  if (candidates.some((event) => matchesEventPattern(forwarded, event) && matchesEventPattern(subscribed, event))) return;
  throw new SwitchyardError({
    code: ErrorCode.FORWARDED_EVENTS_UNMATCHED,
    problem: `Subscription ${name} takes events through ${through.path}, but no event can match both: that forwarding passes ${JSON.stringify(forwarded)}, the subscription matches ${JSON.stringify(subscribed)}`,
    scope,
    value: pattern,
    fix: `subscribe to an event ${through.path} forwards, or forward this one too (its "events" or "pattern")`,
  });
}

/**
 * Every envelope built from the plain values either pattern names for `source` and
 * `detail-type`; undefined when a field has conditions but no plain value to try.
 */
function candidateEnvelopes(...patterns: Readonly<Record<string, unknown>>[]): Record<string, unknown>[] | undefined {
  const values: Record<string, string[]> = {};
  for (const field of ENVELOPE_FIELDS) {
    const named = new Set<string>();
    let conditioned = false;
    for (const pattern of patterns) {
      for (const branch of branches(pattern)) {
        const condition = branch[field];
        if (condition === undefined) continue;
        conditioned = true;
        if (Array.isArray(condition)) for (const v of condition) if (typeof v === 'string') named.add(v);
      }
    }
    if (conditioned && named.size === 0) return undefined;
    // No side conditions the field: any value does, one stands for all.
    values[field] = named.size > 0 ? [...named] : ['any'];
  }
  return values.source!.flatMap((source) => values['detail-type']!.map((detailType) => ({ source, 'detail-type': detailType, detail: {} })));
}

/** The pattern and each branch of its `$or`, where envelope conditions may sit. */
function branches(pattern: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>[] {
  const or = pattern.$or;
  return Array.isArray(or) ? [pattern, ...or.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null)] : [pattern];
}
