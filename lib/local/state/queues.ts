/**
 * Keeping SQS messages: each under `q!<queue name>!<sequence>`, rewritten when it is received or
 * its visibility changes (receive count, visibility, receipt handle), deleted with the message.
 */
import type { QueueModel } from '../../model';
import type { LocalQueue, QueueJournal, QueueStore, StoredMessage } from '../sqs/queue-store';
import { KEY_PREFIX, type StateStore } from './store';

const MESSAGES = KEY_PREFIX.queueMessages;

/** What restoring the messages found. */
export interface RestoredMessages {
  /** Notes on what was not restored, and why. */
  readonly notes: string[];
}

/** Keeps a QueueStore's messages in a StateStore. */
export class QueueKeeper implements QueueJournal {
  /** The key each message is kept under (a message's identity is its object). */
  private readonly keys = new WeakMap<StoredMessage, string>();
  private seq = 0;

  constructor(private readonly store: StateStore) {}

  /** Puts back the kept messages of the app's queues, then keeps every change from now on. */
  async restore(queues: QueueStore, now = Date.now()): Promise<RestoredMessages> {
    const byQueue = new Map<string, { queue?: LocalQueue; messages: StoredMessage[]; deleted: number }>();
    for (const [key, message] of await this.store.entries<StoredMessage>(MESSAGES)) {
      const name = key.slice(MESSAGES.length, key.lastIndexOf('!'));
      this.seq = Math.max(this.seq, Number(key.slice(key.lastIndexOf('!') + 1)));
      let entry = byQueue.get(name);
      if (!entry) byQueue.set(name, (entry = { queue: queues.list().find((q) => q.model.name === name), messages: [], deleted: 0 }));
      // SQS deletes a message once it has been in the queue for the retention period.
      if (!entry.queue || expired(entry.queue.model, message, now)) {
        this.store.del(key);
        entry.deleted++;
      } else {
        this.keys.set(message, key);
        entry.messages.push(message);
      }
    }
    const notes: string[] = [];
    for (const [name, { queue, messages, deleted }] of byQueue) {
      if (!queue) {
        notes.push(`queue ${name} is no longer in the app: its ${deleted} kept message(s) were deleted`);
        continue;
      }
      queues.restore(queue, messages);
      if (deleted) notes.push(`${deleted} message(s) of queue ${queue.model.displayName ?? name} were older than its retention period (${queue.model.messageRetentionSeconds} s) and were deleted, as SQS does`);
    }
    queues.keepIn(this);
    return { notes };
  }

  saved(queue: LocalQueue, message: StoredMessage): void {
    let key = this.keys.get(message);
    if (!key) this.keys.set(message, (key = `${MESSAGES}${queue.model.name}!${String(++this.seq).padStart(12, '0')}`));
    this.store.put(key, message);
  }

  removed(_queue: LocalQueue, message: StoredMessage): void {
    const key = this.keys.get(message);
    if (key) this.store.del(key);
  }
}

function expired(model: QueueModel, message: StoredMessage, now: number): boolean {
  return now - message.sentTimestamp > model.messageRetentionSeconds * 1000;
}
