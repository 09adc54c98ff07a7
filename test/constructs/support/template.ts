/** Template helpers shared by the construct tests of queues, streams and idempotency. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventApp, EventAppProps } from '../../../lib';

/** Synthesizes an app declared by `build` in a stack `Test`, app id `App`. */
export function synth(build: (app: EventApp, stack: Stack) => void, props?: EventAppProps): Template {
  const stack = new Stack(new App(), 'Test');
  build(new EventApp(stack, 'App', props), stack);
  return Template.fromStack(stack);
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function idOf(t: Template, type: string, prefix: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** One statement of an IAM policy. */
export interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every IAM policy attached to the role of the function whose id starts with `prefix`. */
export function statementsOf(t: Template, prefix: string): Statement[] {
  const role = idOf(t, 'AWS::IAM::Role', `${prefix}ServiceRole`);
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
