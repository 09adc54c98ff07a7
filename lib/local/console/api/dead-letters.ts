/** The console's JSON API: dead letters (see api-types.ts). */
import type { ErrorInfo } from './activity';
import type { QueueInfo } from './app';

/** Where a dead letter came from, and so where a redrive sends it. */
export interface DeadLetterOrigin {
  /**
   * `rule-target` (EventBridge could not hand the event to the target: the body is the event),
   * `async-invoke` (the function failed Lambda's async retries: the body is its payload),
   * `destination` (an on-failure destination's invocation record), `queue` (SQS moved it here
   * from a source queue after maxReceiveCount receives), `unknown`.
   */
  readonly kind: 'rule-target' | 'async-invoke' | 'destination' | 'queue' | 'unknown';
  /** The delivery that ended here. */
  readonly deliveryId?: string;
  readonly eventId?: string;
  readonly rule?: string;
  /** The target (display name): the function, or for `queue` the source queue. */
  readonly target?: string;
}

/** A message of a dead-letter queue. */
export interface DeadLetter {
  readonly messageId: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  /** The body, parsed when it is JSON. */
  readonly body: unknown;
  /** Message attributes, as strings. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly error?: ErrorInfo;
  readonly origin: DeadLetterOrigin;
  /** Whether `redrive` can send it back, and if not why. */
  readonly redrivable: boolean;
  readonly notRedrivable?: string;
}

/** `GET /api/dead-letters`: every dead-letter queue of the app, with its messages. */
export interface DeadLetters {
  readonly queues: ReadonlyArray<QueueInfo & { readonly messages: readonly DeadLetter[] }>;
}

/** Body of `POST /api/dead-letters/:queue/redrive` and `/delete`. */
export interface DeadLetterSelection {
  /** Message ids; every message of the queue when absent. */
  readonly ids?: readonly string[];
}

/** What `redrive` did with each message. */
export interface RedriveResult {
  /** Handed back to their target (and removed from the queue): the new delivery, or the source queue. */
  readonly redriven: ReadonlyArray<{ readonly messageId: string; readonly deliveryId?: string; readonly to: string }>;
  /** Left in the queue, with why. */
  readonly failed: ReadonlyArray<{ readonly messageId: string; readonly error: string; readonly message: string }>;
}

/** What `delete` did. */
export interface DeleteResult {
  readonly deleted: readonly string[];
  /** Ids not in the queue. */
  readonly notFound: readonly string[];
}
