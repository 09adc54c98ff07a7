/**
 * EventBridge's JSON protocol (`X-Amz-Target: AWSEvents.<Operation>`): PutEvents,
 * TestEventPattern, ListRules, DescribeRule. Inputs are checked against the shapes and limits of
 * the EventBridge API reference before anything runs.
 */
import type { RuleModel } from '../../model';
import { EVENT_PATTERN_MAX_LENGTH, InvalidEventPatternError, compileEventPattern } from '../../patterns';
import { MAX_ENTRIES_PER_CALL, MAX_REQUEST_BYTES, entrySize } from '../../runtime/batching';
import { DeliveryBacklogFullError } from '../events/delivery';
import { GlobalEndpointNotFoundError } from '../events/global-endpoints';
import type { CallerEnvironment, EventRouter, PutEventsRequestEntry, PutEventsResultEntry } from '../events/event-router';
import { pageOf } from './paging';
import { AwsServiceError, jsonResponse, nestingDepth, validationError, type AwsResponse } from './protocol';
import { integer, list, parseInput, string, structure, timestamp } from './shapes';

/** Largest body the endpoint reads for an EventBridge call: 256 KiB of entries, JSON-escaped (see `jsonBodyLimit`). */
export const EVENTBRIDGE_PAYLOAD_BYTES = MAX_REQUEST_BYTES;

// Patterns and lengths as the EventBridge API reference gives them.
const busNameOrArn = string({ min: 1, max: 1600, pattern: '(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[\\/\\.\\-_A-Za-z0-9]+' });
const ruleName = string({ min: 1, max: 64, pattern: '[\\.\\-_A-Za-z0-9]+' });

const PutEventsInput = structure({
  Entries: list(
    structure({
      Source: string().optional(),
      DetailType: string().optional(),
      Detail: string().optional(),
      EventBusName: busNameOrArn.optional(),
      Resources: list(string()).optional(),
      Time: timestamp().optional(),
      TraceHeader: string({ min: 1, max: 500 }).optional(),
    }),
    { min: 1, max: MAX_ENTRIES_PER_CALL },
  ),
  EndpointId: string({ min: 1, max: 50, pattern: '^[A-Za-z0-9\\-]+[\\.][A-Za-z0-9\\-]+$' }).optional(),
});
const TestEventPatternInput = structure({ EventPattern: string({ max: EVENT_PATTERN_MAX_LENGTH }), Event: string() });
const ListRulesInput = structure({
  NamePrefix: ruleName.optional(),
  EventBusName: busNameOrArn.optional(),
  NextToken: string({ min: 1, max: 2048 }).optional(),
  Limit: integer({ min: 1, max: 100 }).optional(),
});
const DescribeRuleInput = structure({ Name: ruleName, EventBusName: busNameOrArn.optional() });

/** PutEvents processes Detail JSON nested up to this depth (API reference, PutEvents). */
const DETAIL_MAX_DEPTH = 1100;

/**
 * Handles one EventBridge operation. `where` is the caller's region and account: a bus given by
 * name is that region's.
 */
export function handleEventBridge(router: EventRouter, operation: string, input: Record<string, unknown>, where: CallerEnvironment = {}): AwsResponse {
  switch (operation) {
    case 'PutEvents':
      return jsonResponse(putEvents(router, input, where));
    case 'TestEventPattern':
      return jsonResponse(testEventPattern(input));
    case 'ListRules':
      return jsonResponse(listRules(router, input, where));
    case 'DescribeRule':
      return jsonResponse(describeRule(router, input, where));
    default:
      throw new AwsServiceError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the local EventBridge`);
  }
}

function putEvents(router: EventRouter, input: Record<string, unknown>, where: CallerEnvironment) {
  const { Entries, EndpointId } = parseInput(PutEventsInput, input);
  // Sized as EventBridge documents; the Time value itself does not matter, only that it is given.
  const size = Entries.reduce((n, e) => n + entrySize({ ...e, Time: e.Time === undefined ? undefined : new Date(0) }), 0);
  if (size > MAX_REQUEST_BYTES) throw validationError('Total size of the entries in the request is over the limit.');
  // A Detail nested deeper than EventBridge processes fails its entry, as malformed JSON does.
  const tooDeep = Entries.map((e) => e.Detail !== undefined && nestingDepth(e.Detail) > DETAIL_MAX_DEPTH);
  const routed = admitted(() => router.putEvents(Entries.filter((_, i) => !tooDeep[i]) satisfies PutEventsRequestEntry[], where, EndpointId)).Entries;
  let next = 0;
  const results: PutEventsResultEntry[] = Entries.map((_, i) => (tooDeep[i] ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } : routed[next++]));
  return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
}

/** Runs `put`; while delivery is too far behind, PutEvents over the region's quota: a throttling code the SDK retries with backoff. */
function admitted<T>(put: () => T): T {
  try {
    return put();
  } catch (err) {
    if (err instanceof DeliveryBacklogFullError) throw new AwsServiceError(400, 'ThrottlingException', 'Rate exceeded');
    if (err instanceof GlobalEndpointNotFoundError) throw new AwsServiceError(400, err.code, err.message);
    throw err;
  }
}

function testEventPattern(input: Record<string, unknown>) {
  const { EventPattern, Event } = parseInput(TestEventPatternInput, input);
  let compiled;
  try {
    compiled = compileEventPattern(EventPattern);
  } catch (err) {
    if (err instanceof InvalidEventPatternError) throw new AwsServiceError(400, 'InvalidEventPatternException', err.message);
    throw err;
  }
  let event: unknown;
  try {
    event = JSON.parse(Event);
  } catch {
    throw new AwsServiceError(400, 'InvalidEventPatternException', 'Parameter Event is not valid.');
  }
  // TestEventPattern requires a whole event envelope.
  const required = ['id', 'account', 'source', 'time', 'region', 'detail-type'];
  const missing = required.filter((k) => event === null || typeof event !== 'object' || Array.isArray(event) || !(k in event));
  if (missing.length) throw validationError(`Parameter Event is not valid. Reason: Provided Event is missing required fields: ${missing.join(', ')}`);
  return { Result: compiled.matches(event) };
}

function ruleOut(rule: RuleModel) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern ? JSON.stringify(rule.eventPattern) : undefined,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    EventBusName: rule.eventBusName,
  };
}

function listRules(router: EventRouter, input: Record<string, unknown>, where: CallerEnvironment) {
  const { NamePrefix = '', EventBusName, NextToken, Limit = 100 } = parseInput(ListRulesInput, input);
  const bus = requireBus(router, EventBusName, where);
  const rules = router.rules(bus).filter((r) => r.name.startsWith(NamePrefix));
  const page = pageOf(rules, Limit, NextToken, `rules:${bus}:${NamePrefix}`);
  if (!page) throw validationError('The NextToken provided is not valid.');
  return { Rules: page.items.map(ruleOut), NextToken: page.nextToken };
}

function describeRule(router: EventRouter, input: Record<string, unknown>, where: CallerEnvironment) {
  const { Name, EventBusName } = parseInput(DescribeRuleInput, input);
  const bus = requireBus(router, EventBusName, where);
  // The display name `switchyard dev` prints is accepted too; it never shadows another rule's name.
  const rule = router.rules(bus).find((r) => r.name === Name) ?? router.rules(bus).find((r) => r.displayName === Name);
  if (!rule) throw new AwsServiceError(400, 'ResourceNotFoundException', `Rule ${Name} does not exist on EventBus ${bus}.`);
  return { ...ruleOut(rule), CreatedBy: rule.arn.split(':')[4] };
}

/** The bus's key for the router (its name, or its ARN outside the app's default account and region). */
function requireBus(router: EventRouter, nameOrArn: string | undefined, where: CallerEnvironment): string {
  const bus = router.bus(nameOrArn, where);
  if (!bus) throw new AwsServiceError(400, 'ResourceNotFoundException', `Event bus ${nameOrArn} does not exist.`);
  return router.keyOf(bus.arn);
}
