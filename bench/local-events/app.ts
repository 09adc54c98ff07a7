/**
 * The events benchmarks' app: 10 functions behind 100 rules with content patterns on a bus
 * `bench`, and the PutEvents entries that feed it (each event matches the rule of its bucket;
 * the events of bucket 0 also match a prefix rule).
 */
import * as path from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { writeAssembly } from '../local-http/assembly';

/** Rules of the benchmark app. */
export const RULES = 100;

/** Writes the benchmark app's cloud assembly under bench/.out and returns its folder. */
export function writeEventsAssembly(name: string): string {
  const rules = Array.from({ length: RULES - 1 }, (_, i) => ({ id: `Rule${i}`, pattern: { source: ['bench'], detail: { bucket: [i], amount: [{ numeric: ['>=', 0] }] } }, target: `Fn${i % 10}` }));
  rules.push({ id: 'PrefixRule', pattern: { source: ['bench'], detail: { bucket: [0] }, 'detail-type': [{ prefix: 'Order' }] } as never, target: 'Fn0' });
  return writeAssembly(path.resolve(__dirname, '..', '.out', name), {
    handlerDir: path.join(__dirname, 'handler'),
    functions: Array.from({ length: 10 }, (_, i) => ({ id: `Fn${i}`, handler: 'consumer.handler' })),
    rules,
  });
}

/** The entries of batch `base` (up to 10 events numbered from `base`, at most `total` in all). */
export function batchAt(base: number, total: number): PutEventsRequestEntry[] {
  return Array.from({ length: Math.min(10, total - base) }, (_, j) => ({
    EventBusName: 'bench',
    Source: 'bench',
    DetailType: (base + j) % (RULES - 1) === 0 ? 'OrderPlaced' : 'Other',
    Detail: JSON.stringify({ bucket: (base + j) % (RULES - 1), amount: base + j }),
  }));
}

/** Deliveries that `events` events make: one each, and one more for each event of bucket 0. */
export function deliveriesOf(events: number): number {
  return events + Math.ceil(events / (RULES - 1));
}
