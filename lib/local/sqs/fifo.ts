/**
 * What FIFO queues add to SQS: deduplication within five minutes, sequence numbers, and
 * delivery in order per message group, one group's messages in flight at a time.
 */
import { createHash } from 'node:crypto';
import type { StoredMessage } from './queue-store';

/** SQS's deduplication interval. */
export const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;

/** The deduplication ids a FIFO queue has seen in the last five minutes, with the message each accepted. */
export class DeduplicationWindow {
  private readonly seen = new Map<string, { readonly at: number; readonly message: StoredMessage }>();

  /** The message accepted with `id` within the interval, if any. */
  duplicateOf(id: string, now: number): StoredMessage | undefined {
    this.expire(now);
    return this.seen.get(id)?.message;
  }

  /** Remembers `id` for the interval. */
  remember(id: string, message: StoredMessage, now: number): void {
    this.seen.set(id, { at: now, message });
  }

  private expire(now: number): void {
    // Insertion order is time order: stop at the first id still inside the interval.
    for (const [id, { at }] of this.seen) {
      if (now - at < DEDUPLICATION_INTERVAL_MS) break;
      this.seen.delete(id);
    }
  }
}

/** A content-based deduplication id: the SHA-256 of the body, as SQS computes it. */
export function contentDeduplicationId(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** SQS's FIFO sequence numbers are 128-bit decimals; locally, an increasing 20-digit counter. */
export function sequenceNumber(n: number): string {
  return (10n ** 19n + BigInt(n)).toString();
}

/**
 * Whether `m` may be received now. In a FIFO queue, a group whose first undeleted message is in
 * flight (received and not yet visible again) is blocked, so its messages stay in order; `blocked`
 * collects such groups as the caller walks the queue in order. A standard queue only looks at
 * visibility.
 */
export function receivable(m: StoredMessage, now: number, fifo: boolean, blocked: Set<string>): boolean {
  if (!fifo) return m.visibleAt <= now;
  const group = m.messageGroupId ?? '';
  if (blocked.has(group)) return false;
  if (m.visibleAt > now) {
    blocked.add(group);
    return false;
  }
  return true;
}
