import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { validateEventPattern } from '../../patterns';

/** The kinds of record Lambda filters before invoking a function. */
export type RecordKind = 'sqs' | 'dynamodb';

// The top-level fields of each kind of record, as Lambda hands them to the function and as its
// filter criteria see them (an SQS message's JSON body is filtered as an object under `body`).
const RECORD_FIELDS: Record<RecordKind, readonly string[]> = {
  sqs: ['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfBody', 'md5OfMessageAttributes', 'eventSource', 'eventSourceARN', 'awsRegion'],
  dynamodb: ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'userIdentity', 'eventSourceARN'],
};

const EXAMPLE: Record<RecordKind, string> = {
  sqs: "{ body: { status: ['shipped'] } }",
  dynamodb: "{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['shipped'] } } } }",
};

// Lambda's filter syntax is EventBridge's without these operators (Lambda's "Filter rule
// syntax" table lists equals, equals-ignore-case, prefix, suffix, anything-but, numeric,
// exists, null and empty, and $or).
const UNSUPPORTED_OPERATORS = ['wildcard', 'cidr'];

/** Lambda's default quota of filters per event source mapping (adjustable to 10 on request). */
export const MAX_FILTERS = 5;

/**
 * Throws a {@link SwitchyardError} for filter criteria Lambda would refuse, or that could never
 * match the records of this kind: each pattern goes through the EventBridge pattern engine
 * (with AWS's reasons), then Lambda's own limits.
 */
export function checkFilters(scope: IConstruct, kind: RecordKind, filters: readonly object[] | undefined): void {
  if (!filters) return;
  if (filters.length > MAX_FILTERS) {
    throw new SwitchyardError({
      code: ErrorCode.QUOTA_EXCEEDED,
      problem: `More than ${MAX_FILTERS} filters on one event source`,
      scope,
      value: filters.length,
      fix: `combine patterns with $or, or request a quota increase (up to 10) and split the consumer; Lambda allows ${MAX_FILTERS} filters per event source mapping by default`,
    });
  }
  filters.forEach((filter, index) => checkFilter(scope, kind, Stack.of(scope).resolve(filter) as Record<string, unknown>, index));
}

function checkFilter(scope: IConstruct, kind: RecordKind, filter: Record<string, unknown>, index: number): void {
  const fail = (problem: string, fix: string): never => {
    throw new SwitchyardError({ code: ErrorCode.INVALID_EVENT_PATTERN, problem: `Invalid filter criteria (filters[${index}]: ${problem})`, scope, value: filter, fix });
  };
  const error = validateEventPattern(filter);
  if (error) fail(`${error.reason}${error.path ? ` at "${error.path}"` : ''}`, 'correct the pattern; see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html');
  for (const field of topLevelFields(filter)) {
    if (!RECORD_FIELDS[kind].includes(field)) {
      const hint = kind === 'sqs' ? `; a field of the message's JSON body goes under "body", e.g. ${EXAMPLE.sqs}` : `; e.g. ${EXAMPLE.dynamodb}`;
      fail(`a ${kind === 'sqs' ? 'queue message' : 'stream record'} has no field "${field}"`, `filter on ${RECORD_FIELDS[kind].join(', ')}${hint}`);
    }
  }
  const operator = findOperator(filter, UNSUPPORTED_OPERATORS);
  if (operator) fail(`Lambda's filter criteria have no "${operator}" operator`, 'use equals, prefix, suffix, equals-ignore-case, anything-but, numeric or exists');
}

/** The record fields a pattern names at its top level, `$or` branches included. */
function topLevelFields(pattern: Record<string, unknown>): string[] {
  return Object.entries(pattern).flatMap(([key, value]) =>
    key === '$or' && Array.isArray(value) ? value.flatMap((branch) => topLevelFields(branch as Record<string, unknown>)) : [key],
  );
}

/** The first of `operators` used anywhere in the pattern (operators are keys of objects inside value arrays). */
function findOperator(value: unknown, operators: readonly string[], inArray = false): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findOperator(item, operators, true);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (inArray && operators.includes(key)) return key;
    // `anything-but: { wildcard: ... }` nests an operator in an operator.
    const found = findOperator(inner, operators, key === 'anything-but');
    if (found) return found;
  }
  return undefined;
}
