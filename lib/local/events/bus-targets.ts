/**
 * Rules' event bus targets: the hand-over of a matched event to another bus of the app, after
 * the target bus's policy admits the sender (across accounts, see lib/local/iam/forwarding.ts).
 */
import type { RuleModel, RuleTargetModel } from '../../model';
import type { LambdaErrorPayload } from '../host/protocol';
import type { IamGate } from '../iam/gate';
import type { EventEnvelope, EventRouter } from './event-router';

/** What the deliverer calls for a bus target (see `Deliverer.busTargets`): the error code EventBridge reports in the DLQ's attributes when it cannot hand over. */
export function busTargets(router: EventRouter, iam: IamGate): (rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>) => Promise<LambdaErrorPayload | undefined> {
  return async (rule, target, event) => {
    // After the routing that matched it has logged the event on its bus: the forward starts from there.
    await Promise.resolve();
    const denied = iam.authorizeForward(rule, target, event);
    if (denied) return { errorType: 'NO_PERMISSIONS', errorMessage: denied };
    if (router.forward(target.arn, event as EventEnvelope)) return undefined;
    return { errorType: 'RESOURCE_NOT_FOUND', errorMessage: `Event bus ${target.arn} does not exist in this app` };
  };
}
