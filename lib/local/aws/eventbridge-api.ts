/**
 * EventBridge's JSON protocol (`X-Amz-Target: AWSEvents.<Operation>`): PutEvents,
 * TestEventPattern, ListRules, DescribeRule.
 */
import type { RuleModel } from '../../model';
import { InvalidEventPatternError, compileEventPattern } from '../../patterns';
import type { EventRouter, PutEventsRequestEntry } from '../events/event-router';
import { AwsServiceError, jsonResponse, validationError, type AwsResponse } from './protocol';

/** Largest total size of a PutEvents request's entries (256 KiB). */
const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** Handles one EventBridge operation. */
export function handleEventBridge(router: EventRouter, operation: string, input: Record<string, unknown>): AwsResponse {
  switch (operation) {
    case 'PutEvents':
      return jsonResponse(putEvents(router, input));
    case 'TestEventPattern':
      return jsonResponse(testEventPattern(input));
    case 'ListRules':
      return jsonResponse(listRules(router, input));
    case 'DescribeRule':
      return jsonResponse(describeRule(router, input));
    default:
      throw new AwsServiceError(400, 'UnknownOperationException', `Operation ${operation} is not supported by the local EventBridge`);
  }
}

function putEvents(router: EventRouter, input: Record<string, unknown>) {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
    throw validationError(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1`);
  }
  const size = entries.reduce((n: number, e: PutEventsRequestEntry) => n + Buffer.byteLength(`${e.Source ?? ''}${e.DetailType ?? ''}${e.Detail ?? ''}${(e.Resources ?? []).join('')}`), 0);
  if (size > PUT_EVENTS_MAX_BYTES) throw validationError('Total size of the entries in the request is over the limit.');
  return router.putEvents(entries as PutEventsRequestEntry[]);
}

function testEventPattern(input: Record<string, unknown>) {
  if (typeof input.EventPattern !== 'string') throw validationError('1 validation error detected: Value null at \'eventPattern\' failed to satisfy constraint: Member must not be null');
  if (typeof input.Event !== 'string') throw validationError('1 validation error detected: Value null at \'event\' failed to satisfy constraint: Member must not be null');
  let compiled;
  try {
    compiled = compileEventPattern(input.EventPattern);
  } catch (err) {
    if (err instanceof InvalidEventPatternError) throw new AwsServiceError(400, 'InvalidEventPatternException', err.message);
    throw err;
  }
  let event: unknown;
  try {
    event = JSON.parse(input.Event);
  } catch {
    throw new AwsServiceError(400, 'InvalidEventPatternException', 'Parameter Event is not valid.');
  }
  // TestEventPattern requires a whole event envelope.
  const required = ['id', 'account', 'source', 'time', 'region', 'detail-type'];
  const missing = required.filter((k) => event === null || typeof event !== 'object' || !(k in (event as object)));
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

function listRules(router: EventRouter, input: Record<string, unknown>) {
  const bus = requireBus(router, input.EventBusName);
  const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
  const rules = router.rules(bus).filter((r) => r.name.startsWith(prefix));
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  const limit = typeof input.Limit === 'number' ? input.Limit : 100;
  const page = rules.slice(start, start + limit);
  return { Rules: page.map(ruleOut), NextToken: start + limit < rules.length ? String(start + limit) : undefined };
}

function describeRule(router: EventRouter, input: Record<string, unknown>) {
  const bus = requireBus(router, input.EventBusName);
  // The display name `switchyard dev` prints is accepted too; it never shadows another rule's name.
  const rule = router.rules(bus).find((r) => r.name === input.Name) ?? router.rules(bus).find((r) => r.displayName === input.Name);
  if (!rule) throw new AwsServiceError(400, 'ResourceNotFoundException', `Rule ${String(input.Name)} does not exist on EventBus ${bus}.`);
  return { ...ruleOut(rule), CreatedBy: rule.arn.split(':')[4] };
}

function requireBus(router: EventRouter, nameOrArn: unknown): string {
  const bus = router.bus(typeof nameOrArn === 'string' ? nameOrArn : undefined);
  if (!bus) throw new AwsServiceError(400, 'ResourceNotFoundException', `Event bus ${String(nameOrArn)} does not exist.`);
  return bus.name;
}
