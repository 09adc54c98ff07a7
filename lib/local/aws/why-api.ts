/**
 * "Why didn't my rule fire", served for `switchyard why`:
 *
 *   POST /_switchyard/why   {eventId} | {event} [, bus]   {bus, event, matchedWhenPut?, rules}
 *   GET  /_switchyard/unmatched                            {count, events}
 *
 * `event` is an EventBridge event as targets receive it, or a `PutEvents` entry (`Source`,
 * `DetailType`, `Detail`, ...), which is checked as PutEvents checks it: an entry PutEvents
 * would refuse explains itself. Each rule of the bus says whether it matches, and why not.
 */
import type { EventBusModel } from '../../model';
import type { EventRouter, PutEventsRequestEntry, RuleVerdict } from '../events/event-router';
import type { LoggedEvent } from '../events/event-log';
import type { DeliveryLedger } from '../events/ledger';
import { AwsServiceError, jsonResponse, validationError, type AwsResponse } from './protocol';

/** What `POST /_switchyard/why` answers. */
export interface WhyAnswer {
  /** The bus whose rules were asked, by the name `dev` prints. */
  readonly bus: string;
  /** The event explained. */
  readonly event: Readonly<Record<string, unknown>>;
  /** For an event taken from the ledger: the rules it matched when it was put. */
  readonly matchedWhenPut?: readonly string[];
  /** Every rule of the bus, matched or not, and why. */
  readonly rules: readonly RuleVerdict[];
  /** When the bus has no rule with a pattern: which buses have some (and why this bus was taken). */
  readonly note?: string;
}

/** What `GET /_switchyard/unmatched` answers. */
export interface UnmatchedAnswer {
  /** Events that matched no rule since the state began, including those no longer kept. */
  readonly count: number;
  /** The kept ones, oldest first. */
  readonly events: readonly LoggedEvent[];
}

/** Answers `POST /_switchyard/why`. */
export function why(router: EventRouter, ledger: DeliveryLedger, body: Buffer): AwsResponse {
  const input = parseBody(body);
  const requestedBus = optionalString(input, 'bus');
  const eventId = optionalString(input, 'eventId');
  let logged: LoggedEvent | undefined;
  let event: Readonly<Record<string, unknown>>;
  let entryBus: string | undefined;
  if (eventId !== undefined) {
    logged = ledger.events.get(eventId);
    if (!logged) {
      throw new AwsServiceError(404, 'ResourceNotFoundException', `No event '${eventId}' in the ledger: it holds the most recent events put and the last ones that matched no rule (see 'switchyard ledger --unmatched'). Pass the event itself instead (a file or JSON).`);
    }
    event = logged.event;
  } else if (isObject(input.event)) {
    ({ event, bus: entryBus } = eventOf(router, input.event));
  } else {
    throw validationError("Give 'eventId' (an event id from the ledger) or 'event' (an EventBridge event or a PutEvents entry, as a JSON object)");
  }
  const bus = busFor(router, requestedBus ?? logged?.bus ?? entryBus);
  const names = new Map(router.rules().map((r) => [r.arn, r.displayName ?? r.name]));
  const defaulted = requestedBus === undefined && isObject(input.event) && 'Source' in input.event && input.event.EventBusName === undefined;
  const answer: WhyAnswer = {
    bus: bus.displayName ?? bus.name,
    event,
    matchedWhenPut: logged?.matchedRules.map((arn) => names.get(arn) ?? arn),
    rules: router.explain(bus.arn, event),
    note: noRulesNote(router, bus, defaulted),
  };
  return jsonResponse(answer, 'application/json');
}

/** For a bus without pattern rules: the buses that have some, and why this one was asked. */
function noRulesNote(router: EventRouter, bus: EventBusModel, defaulted: boolean): string | undefined {
  if (router.rules(bus.arn).some((r) => r.eventPattern)) return undefined;
  const withRules = router.busList().filter((b) => router.rules(b.arn).some((r) => r.eventPattern)).map((b) => b.displayName ?? b.name);
  const why = defaulted ? 'The entry has no EventBusName, so PutEvents puts it on the default bus, where no rule matches events. ' : '';
  return `${why}Buses with rules: ${withRules.join(', ') || 'none'}${withRules.length ? ' (--bus NAME asks one)' : ''}`;
}

/** Answers `GET /_switchyard/unmatched`. */
export function unmatched(ledger: DeliveryLedger): AwsResponse {
  const answer: UnmatchedAnswer = { count: ledger.events.unmatchedCount, events: ledger.events.unmatched() };
  return jsonResponse(answer, 'application/json');
}

/** The event to explain: an entry is checked and enveloped as PutEvents would; an event is taken as is. */
function eventOf(router: EventRouter, given: Record<string, unknown>): { event: Record<string, unknown>; bus?: string } {
  if (!('Source' in given || 'DetailType' in given || 'Detail' in given)) return { event: given };
  const entry = { ...given, Detail: isObject(given.Detail) ? JSON.stringify(given.Detail) : given.Detail } as PutEventsRequestEntry;
  const checked = router.envelopeOf(entry);
  if ('event' in checked) return { event: checked.event, bus: checked.bus };
  // PutEvents would refuse the entry: that is the answer (no rule ever sees it).
  throw new AwsServiceError(400, checked.ErrorCode ?? 'InvalidArgument', `PutEvents would refuse this entry, so no rule sees it: ${checked.ErrorMessage}`);
}

/**
 * The bus asked for; without one, the app's only bus with pattern rules, else `default`.
 * An unknown name lists the buses there are.
 */
function busFor(router: EventRouter, name: string | undefined): EventBusModel {
  const known = () => router.busList().map((b) => b.displayName ?? b.name).join(', ') || 'none';
  if (name !== undefined) {
    const bus = router.bus(name);
    if (!bus) throw new AwsServiceError(404, 'ResourceNotFoundException', `Event bus ${name} does not exist. Buses: ${known()}`);
    return bus;
  }
  const withRules = router.busList().filter((b) => router.rules(b.arn).some((r) => r.eventPattern));
  const bus = withRules.length === 1 ? withRules[0] : router.bus('default');
  if (!bus) throw validationError(`Several buses have rules: name one with 'bus'. Buses: ${known()}`);
  return bus;
}

function parseBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch (err) {
    throw new AwsServiceError(400, 'SerializationException', `The body is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new AwsServiceError(400, 'SerializationException', 'The body must be a JSON object');
  return parsed;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value !== undefined && (typeof value !== 'string' || value === '')) throw validationError(`'${key}' must be a non-empty string`);
  return value as string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
