/**
 * PutEvents request limits and the batching that respects them: at most 10 entries and 256 KiB
 * of entries per call, entries sized the way EventBridge documents ("Calculating PutEvents event
 * entry size": Time counts 14 bytes; Source, DetailType, Detail and each Resources ARN count
 * their UTF-8 bytes; EventBusName and TraceHeader do not count).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** The most entries one PutEvents call accepts. */
export const MAX_ENTRIES_PER_CALL = 10;

/** The most bytes of entries one PutEvents call accepts (256 KiB), sized as AWS documents. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** The UTF-8 size of an entry as EventBridge counts it against the 256 KiB request limit. */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

/**
 * Splits entries, in order, into PutEvents calls within both limits: a call closes when it
 * holds 10 entries or the next entry would take it past 256 KiB.
 */
export function batchEntries<T extends { readonly size: number }>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length === MAX_ENTRIES_PER_CALL || (current.length > 0 && bytes + entry.size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function utf8(value: string | undefined): number {
  return value === undefined ? 0 : Buffer.byteLength(value, 'utf8');
}
