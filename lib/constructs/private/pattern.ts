import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { validateEventPattern } from '../../patterns';

// aws-events' EventPattern uses camelCase for the envelope's hyphenated fields.
const ENVELOPE_KEYS: Record<string, string> = { detailType: 'detail-type' };

/** The JSON EventBridge sees for an aws-events `EventPattern`, with tokens (`Match.*`) resolved. */
export function renderEventPattern(scope: IConstruct, pattern: events.EventPattern): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value !== undefined) rendered[ENVELOPE_KEYS[key] ?? key] = value;
  }
  return Stack.of(scope).resolve(rendered) as Record<string, unknown>;
}

/** Throws a {@link SwitchyardError} when EventBridge would reject the pattern at deploy. */
export function checkEventPattern(scope: IConstruct, pattern: events.EventPattern): void {
  const rendered = renderEventPattern(scope, pattern);
  if (Object.keys(rendered).length === 0) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_EVENT_PATTERN,
      problem: 'Empty event pattern',
      scope,
      value: pattern,
      fix: 'match at least one field, e.g. { source: ["shop.orders"], detailType: ["OrderPlaced"] }',
    });
  }
  const error = validateEventPattern(rendered);
  if (error) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_EVENT_PATTERN,
      problem: `Invalid event pattern${error.path ? ` at "${error.path}"` : ''} (${error.reason})`,
      scope,
      value: rendered,
      fix: 'correct the pattern; see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html',
    });
  }
}
