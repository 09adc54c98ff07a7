/**
 * The system attributes of an SQS message, as `ReceiveMessage` returns them and as Lambda passes
 * them in an SQS event's `attributes`.
 */
import { LOCAL_SENDER_ID, type StoredMessage } from './queue-store';

/**
 * A message's system attributes as SQS names them (`ReceiveMessage`'s `Attributes`, and Lambda's
 * `attributes` in SQS events): the FIFO ones only on FIFO messages.
 */
export function systemAttributes(m: StoredMessage): Record<string, string> {
  const out: Record<string, string> = {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentTimestamp),
    SenderId: LOCAL_SENDER_ID,
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? ''),
  };
  if (m.sequenceNumber !== undefined) out.SequenceNumber = m.sequenceNumber;
  if (m.messageGroupId !== undefined) out.MessageGroupId = m.messageGroupId;
  if (m.messageDeduplicationId !== undefined) out.MessageDeduplicationId = m.messageDeduplicationId;
  if (m.deadLetterQueueSourceArn !== undefined) out.DeadLetterQueueSourceArn = m.deadLetterQueueSourceArn;
  return out;
}
