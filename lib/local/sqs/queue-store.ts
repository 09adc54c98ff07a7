/**
 * In-memory SQS queues: send, receive with visibility timeout and long polling, delete, counts,
 * FIFO queues (deduplication, order per message group) and redrive to a dead-letter queue. What
 * the SQS API, rule targets, destinations and event source mappings all go through.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { QueueModel } from '../../model';
import { contentDeduplicationId, DeduplicationWindow, receivable, sequenceNumber } from './fifo';
import { md5OfBody, md5OfMessageAttributes, type MessageAttributeValue } from './md5';

/** A message as stored. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  readonly sentTimestamp: number;
  /** FIFO queues (and fair standard queues): the message group. */
  readonly messageGroupId?: string;
  /** FIFO queues: the deduplication id (given, or the body's SHA-256). */
  readonly messageDeduplicationId?: string;
  /** FIFO queues: the order within the queue. */
  readonly sequenceNumber?: string;
  /** Set on a message that redrive moved here: the queue it came from. */
  readonly deadLetterQueueSourceArn?: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  visibleAt: number;
  receiptHandle?: string;
}

/** A local queue. Messages are kept by id in the order they were sent (a Map deletes in O(1)). */
export interface LocalQueue {
  readonly model: QueueModel;
  readonly url: string;
  readonly messages: Map<string, StoredMessage>;
  readonly waiters: Set<() => void>;
}

/** Options for receiving. */
export interface ReceiveOptions {
  /** At most this many (the API allows 1-10; event source mappings take larger batches). */
  readonly maxNumberOfMessages?: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly waitTimeSeconds?: number;
}

/** Options of one message sent. */
export interface SendOptions {
  readonly delaySeconds?: number;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

/** The `SenderId` of messages sent locally (SQS gives the sender's account or role id). */
export const LOCAL_SENDER_ID = 'AIDALOCALSWITCHYARD';

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

/** Events of a {@link QueueStore}. */
export interface QueueStoreEvents {
  /** Redrive moved `message` from `source` to its dead-letter queue `deadLetter` (received more than maxReceiveCount times). */
  redrive: [source: LocalQueue, deadLetter: LocalQueue, message: StoredMessage];
}

/** The queues of an app. */
export class QueueStore extends EventEmitter<QueueStoreEvents> {
  private readonly byName = new Map<string, LocalQueue>();
  private readonly byArn = new Map<string, LocalQueue>();
  private readonly deduplication = new Map<LocalQueue, DeduplicationWindow>();
  private sequence = 0;
  private stopped = false;
  private journal?: QueueJournal;

  constructor(queues: readonly QueueModel[], endpointUrl: string, accountId: string) {
    super();
    for (const model of queues) {
      // In the queue's own account (its stack's): the URL its template's `Ref` resolves to.
      const account = model.arn.split(':')[4] || accountId;
      const q: LocalQueue = { model, url: `${endpointUrl.replace(/\/$/, '')}/${account}/${model.name}`, messages: new Map(), waiters: new Set() };
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
    for (const m of messages) {
      queue.messages.set(m.messageId, m);
      if (m.sequenceNumber) this.sequence = Math.max(this.sequence, Number(BigInt(m.sequenceNumber) - 10n ** 19n));
    }
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

  /**
   * Sends a message; returns it. On a FIFO queue a message whose deduplication id was seen in
   * the last five minutes is accepted and not delivered again: the first one is returned. The
   * SQS API checks FIFO parameters before calling this (see sqs-api.ts).
   */
  send(ref: string, body: string, attributes: Record<string, MessageAttributeValue> = {}, options: number | SendOptions = 0): StoredMessage {
    const q = this.get(ref);
    const { delaySeconds = 0, messageGroupId, messageDeduplicationId } = typeof options === 'number' ? { delaySeconds: options } : options;
    const now = Date.now();
    const dedupId = q.model.fifo ? (messageDeduplicationId ?? (q.model.contentBasedDeduplication ? contentDeduplicationId(body) : undefined)) : undefined;
    const window = q.model.fifo ? this.windowOf(q) : undefined;
    const duplicate = dedupId === undefined ? undefined : window?.duplicateOf(dedupId, now);
    if (duplicate) return duplicate;
    const hasAttributes = Object.keys(attributes).length > 0;
    const msg: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      messageAttributes: attributes,
      md5OfMessageAttributes: hasAttributes ? md5OfMessageAttributes(attributes) : undefined,
      sentTimestamp: now,
      messageGroupId: messageGroupId ?? (q.model.fifo ? '' : undefined),
      messageDeduplicationId: dedupId,
      sequenceNumber: q.model.fifo ? sequenceNumber(++this.sequence) : undefined,
      receiveCount: 0,
      visibleAt: now + delaySeconds * 1000,
    };
    if (dedupId !== undefined) window?.remember(dedupId, msg, now);
    this.enqueue(q, msg);
    return msg;
  }

  /**
   * Receives up to N visible messages, long-polling up to WaitTimeSeconds when none are visible.
   * An aborted `signal` (the client went away) ends the poll with no message taken, so nothing
   * is hidden from other consumers for a visibility timeout nobody will use.
   */
  async receive(ref: string, options: ReceiveOptions = {}, signal?: AbortSignal): Promise<StoredMessage[]> {
    const q = this.get(ref);
    const max = Math.max(options.maxNumberOfMessages ?? 1, 1);
    const visibilityMs = (options.visibilityTimeoutSeconds ?? q.model.visibilityTimeoutSeconds) * 1000;
    const deadline = Date.now() + Math.min(Math.max(options.waitTimeSeconds ?? 0, 0), MAX_WAIT_SECONDS) * 1000;
    for (;;) {
      if (signal?.aborted) return [];
      const now = Date.now();
      const got = this.takeVisible(q, now, max);
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
    const m = messageOf(this.get(ref), receiptHandle);
    // The next message of its FIFO group may be received now (remove wakes the waiters).
    return m !== undefined && this.remove(ref, m.messageId);
  }

  /**
   * Removes a message by its id, whether received or not (what the console's dead-letter actions
   * do once a message is handed back, or asked to be deleted); false when it is not in the queue.
   */
  remove(ref: string, messageId: string): boolean {
    const q = this.get(ref);
    const m = q.messages.get(messageId);
    if (!m) return false;
    q.messages.delete(messageId);
    this.journal?.removed(q, m);
    if (q.model.fifo) wakeAll(q);
    return true;
  }

  /** Makes a received message visible again after `seconds`; false for an unknown receipt handle. */
  changeVisibility(ref: string, receiptHandle: string, seconds: number): boolean {
    const q = this.get(ref);
    const m = messageOf(q, receiptHandle);
    if (!m) return false;
    m.visibleAt = Date.now() + seconds * 1000;
    this.journal?.saved(q, m);
    if (seconds === 0) wakeAll(q);
    return true;
  }

  /** Removes every message. */
  purge(ref: string): void {
    const q = this.get(ref);
    for (const m of q.messages.values()) this.journal?.removed(q, m);
    q.messages.clear();
  }

  /** Visible and in-flight counts. */
  counts(ref: string): { visible: number; notVisible: number; delayed: number } {
    const q = this.get(ref);
    const now = Date.now();
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of q.messages.values()) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount === 0) delayed++;
      else notVisible++;
    }
    return { visible, notVisible, delayed };
  }

  /** Ends long polls. */
  stop(): void {
    this.stopped = true;
    for (const q of this.byArn.values()) wakeAll(q);
  }

  private enqueue(q: LocalQueue, msg: StoredMessage): void {
    q.messages.set(msg.messageId, msg);
    this.journal?.saved(q, msg);
    wakeAll(q);
  }

  /**
   * The first `max` messages receivable at `now`, in queue order (per group, in a FIFO queue).
   * A message already received `maxReceiveCount` times is moved to the dead-letter queue instead,
   * as SQS does when a receive finds it.
   */
  private takeVisible(q: LocalQueue, now: number, max: number): StoredMessage[] {
    const got: StoredMessage[] = [];
    const blocked = new Set<string>();
    for (const m of q.messages.values()) {
      if (!receivable(m, now, q.model.fifo, blocked)) continue;
      if (this.redrive(q, m)) continue;
      got.push(m);
      if (got.length === max) break;
    }
    return got;
  }

  /** Moves `m` to the queue's dead-letter queue when it has been received maxReceiveCount times; true when moved. */
  private redrive(q: LocalQueue, m: StoredMessage): boolean {
    const policy = q.model.redrive;
    if (!policy || m.receiveCount < policy.maxReceiveCount) return false;
    const dlq = this.byArn.get(policy.deadLetterTargetArn);
    // A dead-letter queue outside the app cannot receive it: the message stays, as SQS keeps
    // a message whose dead-letter queue is gone.
    if (!dlq) return false;
    q.messages.delete(m.messageId);
    this.journal?.removed(q, m);
    // SQS keeps the message id, body, attributes and original send time (retention counts from it).
    const moved: StoredMessage = { ...m, receiveCount: 0, firstReceiveTimestamp: undefined, receiptHandle: undefined, visibleAt: Date.now(), deadLetterQueueSourceArn: q.model.arn };
    this.enqueue(dlq, moved);
    this.emit('redrive', q, dlq, moved);
    return true;
  }

  private windowOf(q: LocalQueue): DeduplicationWindow {
    let w = this.deduplication.get(q);
    if (!w) this.deduplication.set(q, (w = new DeduplicationWindow()));
    return w;
  }
}

/** The message a receipt handle designates (handles are `<messageId>#<uuid>`), if it is still that message's latest. */
function messageOf(q: LocalQueue, receiptHandle: string): StoredMessage | undefined {
  const m = q.messages.get(receiptHandle.slice(0, receiptHandle.indexOf('#')));
  return m?.receiptHandle === receiptHandle ? m : undefined;
}

function wakeAll(q: LocalQueue): void {
  for (const wake of q.waiters) wake();
}

/** When the next hidden message becomes visible (Infinity when none is hidden). A loop: a spread of a long queue would overflow the stack. */
function nextVisibleAt(q: LocalQueue, now: number): number {
  let next = Infinity;
  for (const m of q.messages.values()) if (m.visibleAt > now && m.visibleAt < next) next = m.visibleAt;
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
