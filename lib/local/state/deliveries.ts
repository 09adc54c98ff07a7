/**
 * Keeping the delivery ledger: every delivery under `d!<sequence>` with its payload while it is
 * open, rewritten on each change (the store writes the latest once per batch), deleted when the
 * ledger forgets it; the counts of forgotten ones under `m!forgotten`. The events that matched
 * no rule under `u!<event id>`, and how many there were under `m!unmatched`.
 */
import type { LoggedEvent } from '../events/event-log';
import { noEndedCounts, sequenceOf, type DeliveryLedger, type EndedCounts, type KeptDelivery } from '../events/ledger';
import { KEY_PREFIX, type StateStore } from './store';

const DELIVERIES = KEY_PREFIX.deliveries;
const FORGOTTEN = 'm!forgotten';
const UNMATCHED = KEY_PREFIX.unmatchedEvents;
const UNMATCHED_COUNT = 'm!unmatched';

/** Zero-padded, so that keys sort in acceptance order. */
function deliveryKey(id: string): string {
  return `${DELIVERIES}${String(sequenceOf(id)).padStart(12, '0')}`;
}

/** Writes every change of `ledger` to `store` from now on. */
export function keepLedger(ledger: DeliveryLedger, store: StateStore): void {
  ledger.on('change', (record) => store.put(deliveryKey(record.id), { record, payload: ledger.payloadOf(record) }));
  ledger.on('forget', (id) => {
    store.del(deliveryKey(id));
    store.put(FORGOTTEN, ledger.forgottenCounts());
  });
  ledger.events.on('unmatched', (logged) => {
    store.put(UNMATCHED + logged.event.id, logged);
    store.put(UNMATCHED_COUNT, ledger.events.unmatchedCount);
  });
  ledger.events.on('forgetUnmatched', (id) => store.del(UNMATCHED + id));
}

/** Puts the unmatched events kept in `store` back into the ledger's event log. */
export async function loadUnmatched(store: StateStore, ledger: DeliveryLedger): Promise<void> {
  const kept = (await store.entries<LoggedEvent>(UNMATCHED)).map(([, value]) => value).sort((a, b) => a.at - b.at);
  ledger.events.restore(kept, (await store.get<number>(UNMATCHED_COUNT)) ?? kept.length);
}

/** The deliveries kept in `store`, in acceptance order, and the counts of forgotten ones. */
export async function loadLedger(store: StateStore): Promise<{ kept: KeptDelivery[]; forgotten: EndedCounts }> {
  const kept = (await store.entries<KeptDelivery>(DELIVERIES)).map(([, value]) => value);
  // Kept by an earlier version, the counts may lack a newer state.
  const forgotten = { ...noEndedCounts(), ...(await store.get<EndedCounts>(FORGOTTEN)) };
  return { kept, forgotten };
}
