import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { FunctionSource } from '../function';
import type { QueueRouteTarget, QueueSource } from '../queues';
import type { RuleTargetOptions } from '../subscriptions';
import type { DeliveryTarget } from './delivery';
import { isFunction } from './function';
import type { FunctionRegistry } from './function-registry';
import type { AppSources } from './sources';

/** True for a route's `{ queue, messageGroupId? }`, as opposed to a function source. */
export function isQueueRouteTarget(value: FunctionSource | QueueRouteTarget): value is QueueRouteTarget {
  return typeof value === 'object' && !isFunction(value) && 'queue' in value && !('entry' in value);
}

/**
 * Turns what a subscription, schedule or route is given to deliver to (a function, or a queue)
 * into the target, checking the combinations AWS refuses.
 */
export class RuleTargets {
  constructor(
    private readonly fns: FunctionRegistry,
    private readonly sources: AppSources,
  ) {}

  /** A rule's target: exactly one of `handler` and `queue`. */
  public forRule(scope: IConstruct, name: string, options: RuleTargetOptions): DeliveryTarget {
    const { handler, queue, messageGroupId } = options;
    if ((handler === undefined) === (queue === undefined)) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_PROPS,
        problem: handler === undefined ? `"${name}" has no target` : `"${name}" has both a handler and a queue`,
        scope,
        value: { handler: handler === undefined ? undefined : describe(handler), queue: queue === undefined ? undefined : describe(queue) },
        fix: 'give "handler" (a function to invoke) or "queue" (a queue to send the events to), not both',
      });
    }
    if (queue !== undefined) return { queue: this.queue(scope, queue, messageGroupId), messageGroupId };
    if (messageGroupId !== undefined) this.refuseGroup(scope, messageGroupId, 'a function target');
    const fn = this.fns.resolve(handler!, name);
    this.fns.checkAsyncTarget(scope, name, fn);
    return { function: this.fns.invokeTarget(fn) };
  }

  /** The queue a route sends to. */
  public forRoute(scope: IConstruct, target: QueueRouteTarget): sqs.IQueue {
    return this.queue(scope, target.queue, target.messageGroupId);
  }

  /** The queue, with a message group exactly when it is FIFO (EventBridge and SQS refuse the others). */
  private queue(scope: IConstruct, source: QueueSource, messageGroupId: string | undefined): sqs.IQueue {
    const queue = this.sources.resolveQueue(scope, source);
    if (queue.fifo && messageGroupId === undefined) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_EVENT_SOURCE,
        problem: 'A FIFO queue needs a message group for what is sent to it',
        scope,
        value: queue.node.path,
        fix: 'set messageGroupId: a fixed group (order is kept across all messages), or for a route a request value such as "$request.header.x-message-group"',
      });
    }
    if (!queue.fifo && messageGroupId !== undefined) this.refuseGroup(scope, messageGroupId, 'a standard queue');
    return queue;
  }

  private refuseGroup(scope: IConstruct, messageGroupId: string, what: string): never {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_EVENT_SOURCE,
      problem: `A message group only applies to a FIFO queue, not ${what}`,
      scope,
      value: messageGroupId,
      fix: 'remove messageGroupId, or send to a FIFO queue (addQueue(name, { fifo: true, ... }))',
    });
  }
}

function describe(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'node' in value ? (value as IConstruct).node.path : value;
}
