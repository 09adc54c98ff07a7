/**
 * What `switchyard dev` says about its durable state: what a start restored (and, after a run
 * that was killed, which deliveries were in flight and are delivered again), and what a stop
 * kept for the next start.
 */
import * as path from 'node:path';
import type { LocalApp } from '../local';
import type { DeliveryRecord } from '../local/events/ledger';
import type { StateSummary } from '../local/state/local-state';
import { targetName } from './format';

/** `1 delivery`, `2 deliveries`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The non-empty parts of a summary, e.g. `3 deliveries retrying, 2 dead letters in 2 queues`;
 * `nothing` when all are empty. `when` words the deliveries that were in flight.
 */
export function stateParts(s: StateSummary, when: 'kept' | 'restored'): string {
  const parts = [
    s.deliveries.retrying && `${count(s.deliveries.retrying, 'delivery', 'deliveries')} retrying`,
    s.deliveries.pending && `${count(s.deliveries.pending, 'delivery', 'deliveries')} not yet attempted`,
    s.deliveries.inFlight && (when === 'kept' ? `${count(s.deliveries.inFlight, 'delivery', 'deliveries')} interrupted in flight (delivered again at the next start)` : count(s.deliveries.inFlight, 'delivery that was in flight', 'deliveries that were in flight')),
    s.deadLetters.messages && `${count(s.deadLetters.messages, 'dead letter', 'dead letters')} in ${count(s.deadLetters.queues, 'queue', 'queues')}`,
    s.messages.messages && `${count(s.messages.messages, 'message', 'messages')} in ${count(s.messages.queues, 'queue', 'queues')}`,
    s.tables.tables && `${count(s.tables.tables, 'table', 'tables')} (${count(s.tables.items, 'item', 'items')})`,
    s.history && `the ledger's ${count(s.history, 'ended delivery', 'ended deliveries')}`,
    s.unmatched && `${count(s.unmatched, 'event', 'events')} that matched no rule`,
  ].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join(', ') : 'nothing';
}

/** The line a stop prints: `Kept for next start: ... in .switchyard/state/<app>`. */
export function keptLine(kept: StateSummary, projectDir: string): string {
  return `Kept for next start: ${stateParts(kept, 'kept')} in ${path.relative(projectDir, kept.dir) || kept.dir} (--fresh starts empty).`;
}

/** The lines a start prints about the state it restored; none when the app keeps no state. */
export function restoredLines(app: LocalApp, projectDir: string, fresh = false): string[] {
  const r = app.restored;
  if (!r) return [];
  const dir = path.relative(projectDir, r.dir) || r.dir;
  if (r.fresh) return [`State: ${fresh ? 'started empty (--fresh)' : 'nothing kept yet'}; kept across restarts in ${dir}.`];
  const lines = [`Restored from ${dir}: ${stateParts(r, 'restored')}.`];
  for (const note of r.notes) lines.push(`  ${note}`);
  if (!r.cleanStop || r.interrupted.length) {
    const how = r.cleanStop ? 'was stopped' : 'did not stop (killed or crashed)';
    lines.push(`The last dev ${how} with ${count(r.interrupted.length, 'delivery', 'deliveries')} in flight${r.interrupted.length ? '; delivering again, as EventBridge and Lambda deliver at least once (a handler may see an event twice):' : '.'}`);
    for (const d of r.interrupted) lines.push(`  ${interruptedLine(app, d)}`);
  }
  return lines;
}

function interruptedLine(app: LocalApp, d: DeliveryRecord): string {
  const started = d.inFlightSince === undefined ? '' : `, started ${new Date(d.inFlightSince).toISOString().slice(11, 23)}`;
  return `${d.id} event ${d.eventId} -> ${targetName(app, d.targetArn)}: attempt ${d.attempts}${started}`;
}
