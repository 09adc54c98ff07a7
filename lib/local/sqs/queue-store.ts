/**
 * In-memory SQS queues: send, receive with visibility timeout and long polling, delete, and
 * counts. Enough of SQS for dead-letter queues and for handlers that use a queue.
 */
import { randomUUID } from 'node:crypto';
import type { QueueModel } from '../../model';
import { md5OfBody, md5OfMessageAttributes, type MessageAttributeValue } from './md5';

/** A message as stored. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  visibleAt: number;
  receiptHandle?: string;
}

/** A local queue. */
export interface LocalQueue {
  readonly model: QueueModel;
  readonly url: string;
  readonly messages: StoredMessage[];
  readonly waiters: Set<() => void>;
}

/** Options for receiving. */
export interface ReceiveOptions {
  readonly maxNumberOfMessages?: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly waitTimeSeconds?: number;
}

/** SQS's longest long poll (ReceiveMessage WaitTimeSeconds). */
const MAX_WAIT_SECONDS = 20;

/** Told of every change to a queue's messages, to keep them across restarts (see lib/local/state). */
export interface QueueJournal {
  /** A message was sent, received, or had its visibility changed. */
  saved(queue: LocalQueue, message: StoredMessage): void;
  /** A message was deleted or purged. */
  removed(queue: LocalQueue, message: StoredMessage): void;
}

/** Thrown for a queue that does not exist (SQS: QueueDoesNotExist). */
export class QueueDoesNotExistError extends Error {
  /** SQS error code. */
  readonly code = 'QueueDoesNotExist';
  constructor(ref: string) {
    super(`The specified queue does not exist: ${ref}`);
    this.name = 'QueueDoesNotExistError';
  }
}

/** The queues of an app. */
export class QueueStore {
  private readonly byName = new Map<string, LocalQueue>();
  private readonly byArn = new Map<string, LocalQueue>();
  private stopped = false;
  private journal?: QueueJournal;

  constructor(queues: readonly QueueModel[], endpointUrl: string, accountId: string) {
    for (const model of queues) {
      const q: LocalQueue = { model, url: `${endpointUrl.replace(/\/$/, '')}/${accountId}/${model.name}`, messages: [], waiters: new Set() };
      this.byName.set(model.name, q);
      this.byArn.set(model.arn, q);
      // What `switchyard dev` prints; never another queue's name (see model/names.ts).
      if (model.displayName) this.byName.set(model.displayName, q);
    }
  }

  /** Tells `journal` of every change from now on. */
  keepIn(journal: QueueJournal): void {
    this.journal = journal;
  }

  /** Puts back messages kept from an earlier run, in their order, before any new one arrives. */
  restore(queue: LocalQueue, messages: readonly StoredMessage[]): void {
    queue.messages.push(...messages);
  }

  /** Every queue. */
  list(): LocalQueue[] {
    return [...this.byArn.values()];
  }

  /** A queue by name, URL, ARN or display name; throws QueueDoesNotExistError. */
  get(ref: string): LocalQueue {
    const q = this.byArn.get(ref) ?? this.byName.get(ref) ?? this.byName.get(ref.replace(/\/+$/, '').split('/').pop() ?? '');
    if (!q) throw new QueueDoesNotExistError(ref);
    return q;
  }

  /** Sends a message; returns it. */
  send(ref: string, body: string, attributes: Record<string, MessageAttributeValue> = {}, delaySeconds = 0): StoredMessage {
    const q = this.get(ref);
    const hasAttributes = Object.keys(attributes).length > 0;
    const msg: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      messageAttributes: attributes,
      md5OfMessageAttributes: hasAttributes ? md5OfMessageAttributes(attributes) : undefined,
      sentTimestamp: Date.now(),
      receiveCount: 0,
      visibleAt: Date.now() + delaySeconds * 1000,
    };
    q.messages.push(msg);
    this.journal?.saved(q, msg);
    for (const wake of q.waiters) wake();
    return msg;
  }

  /**
   * Receives up to N visible messages, long-polling up to WaitTimeSeconds when none are visible.
   * An aborted `signal` (the client went away) ends the poll with no message taken, so nothing
   * is hidden from other consumers for a visibility timeout nobody will use.
   */
  async receive(ref: string, options: ReceiveOptions = {}, signal?: AbortSignal): Promise<StoredMessage[]> {
    const q = this.get(ref);
    const max = Math.min(Math.max(options.maxNumberOfMessages ?? 1, 1), 10);
    const visibilityMs = (options.visibilityTimeoutSeconds ?? q.model.visibilityTimeoutSeconds) * 1000;
    const deadline = Date.now() + Math.min(Math.max(options.waitTimeSeconds ?? 0, 0), MAX_WAIT_SECONDS) * 1000;
    for (;;) {
      if (signal?.aborted) return [];
      const now = Date.now();
      const got = visibleMessages(q, now, max);
      if (got.length || now >= deadline || this.stopped) {
        for (const m of got) {
          m.receiveCount += 1;
          m.firstReceiveTimestamp ??= now;
          m.visibleAt = now + visibilityMs;
          m.receiptHandle = `${m.messageId}#${randomUUID()}`;
          this.journal?.saved(q, m);
        }
        return got;
      }
      // Wake on a new message, when a hidden message becomes visible, at the deadline, or on abort.
      await waitForChange(q, Math.min(nextVisibleAt(q, now), deadline) - now, signal);
    }
  }

  /** Deletes a received message; false when the receipt handle matches no message. */
  delete(ref: string, receiptHandle: string): boolean {
    const q = this.get(ref);
    const i = q.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (i < 0) return false;
    const [removed] = q.messages.splice(i, 1);
    this.journal?.removed(q, removed);
    return true;
  }

  /** Makes a received message visible again after `seconds`; false for an unknown receipt handle. */
  changeVisibility(ref: string, receiptHandle: string, seconds: number): boolean {
    const q = this.get(ref);
    const m = q.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m) return false;
    m.visibleAt = Date.now() + seconds * 1000;
    this.journal?.saved(q, m);
    if (seconds === 0) for (const wake of q.waiters) wake();
    return true;
  }

  /** Removes every message. */
  purge(ref: string): void {
    const q = this.get(ref);
    for (const m of q.messages.splice(0)) this.journal?.removed(q, m);
  }

  /** Visible and in-flight counts. */
  counts(ref: string): { visible: number; notVisible: number; delayed: number } {
    const q = this.get(ref);
    const now = Date.now();
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of q.messages) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount === 0) delayed++;
      else notVisible++;
    }
    return { visible, notVisible, delayed };
  }

  /** Ends long polls. */
  stop(): void {
    this.stopped = true;
    for (const q of this.byArn.values()) for (const wake of q.waiters) wake();
  }
}

/** The first `max` messages visible at `now`, in queue order. */
function visibleMessages(q: LocalQueue, now: number, max: number): StoredMessage[] {
  const got: StoredMessage[] = [];
  for (const m of q.messages) {
    if (m.visibleAt <= now) got.push(m);
    if (got.length === max) break;
  }
  return got;
}

/** When the next hidden message becomes visible (Infinity when none is hidden). A loop: a spread of a long queue would overflow the stack. */
function nextVisibleAt(q: LocalQueue, now: number): number {
  let next = Infinity;
  for (const m of q.messages) if (m.visibleAt > now && m.visibleAt < next) next = m.visibleAt;
  return next;
}

/** Resolves after `delayMs`, on a new message, or on abort; leaves no waiter, timer or listener behind. */
function waitForChange(q: LocalQueue, delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      q.waiters.delete(wake);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    // delayMs is at most WaitTimeSeconds, far below setTimeout's 2^31-1 ms ceiling.
    const timer = setTimeout(wake, Math.max(1, delayMs)).unref();
    q.waiters.add(wake);
    signal?.addEventListener('abort', wake, { once: true });
  });
}
