/**
 * Keeping DynamoDB stream records and stream mappings' positions: each record under
 * `s!<table>!<sequence>` until every mapping reading the stream has passed it (or its 24 hours
 * are up), each mapping's lane positions under `c!<mapping uuid>`. Records not yet delivered
 * are therefore kept across a restart, not produced again: the next start delivers them from
 * the kept positions.
 */
import type { EventSourceMappingModel } from '../../model';
import { STREAM_RETENTION_MS, type StreamJournal, type StreamRecordData, type StreamStore, type TableStream } from '../dynamodb/streams';
import type { LanePositions, PositionJournal } from '../event-sources';
import { KEY_PREFIX, type StateStore } from './store';

const RECORDS = KEY_PREFIX.streamRecords;
const POSITIONS = KEY_PREFIX.streamPositions;

/** What restoring the streams found. */
export interface RestoredStreams {
  /** Lane positions by mapping UUID. */
  readonly positions: ReadonlyMap<string, LanePositions>;
  readonly notes: string[];
}

/** Keeps a StreamStore's records and the mappings' positions in a StateStore. */
export class StreamKeeper implements StreamJournal, PositionJournal {
  constructor(private readonly store: StateStore) {}

  /** Puts back the kept records of the app's streams and the kept positions, then keeps every change from now on. */
  async restore(streams: StreamStore, now = Date.now()): Promise<RestoredStreams> {
    const byTable = new Map<string, StreamRecordData[]>();
    const gone = new Map<string, number>();
    for (const [key, record] of await this.store.entries<StreamRecordData>(RECORDS)) {
      const table = key.slice(RECORDS.length, key.lastIndexOf('!'));
      if (!streams.ofTable(table) || now - record.createdAt > STREAM_RETENTION_MS) {
        this.store.del(key);
        gone.set(table, (gone.get(table) ?? 0) + 1);
        continue;
      }
      let list = byTable.get(table);
      if (!list) byTable.set(table, (list = []));
      list.push(record);
    }
    for (const [table, records] of byTable) streams.restore(streams.ofTable(table)!, records);
    const positions = new Map((await this.store.entries<LanePositions>(POSITIONS)).map(([key, value]) => [key.slice(POSITIONS.length), value]));
    streams.keepIn(this);
    const notes = [...gone].map(([table, n]) => `${n} stream record(s) of table ${table} were not restored: ${streams.ofTable(table) ? 'older than the stream\'s 24-hour retention' : 'the table no longer has a stream'}`);
    return { positions, notes };
  }

  appended(stream: TableStream, record: StreamRecordData): void {
    this.store.put(recordKey(stream, record), record);
  }

  dropped(stream: TableStream, records: readonly StreamRecordData[]): void {
    for (const r of records) this.store.del(recordKey(stream, r));
  }

  saved(mapping: EventSourceMappingModel, positions: LanePositions): void {
    this.store.put(`${POSITIONS}${mapping.uuid}`, positions);
  }
}

function recordKey(stream: TableStream, record: StreamRecordData): string {
  return `${RECORDS}${stream.table.name}!${String(record.seq).padStart(15, '0')}`;
}
