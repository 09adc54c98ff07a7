/**
 * The app's DynamoDB streams. dynalite has no streams, so the local endpoint captures each write
 * to a table with a stream (see stream-capture.ts) and appends a record here: INSERT, MODIFY or
 * REMOVE with the images the table's `StreamViewType` keeps, and a sequence number that orders
 * the records of a table (and so of each item).
 *
 * Each table's stream is one shard. Records stay until every event source mapping reading the
 * stream has passed them (nothing else reads them: the Streams API is not served), and at most
 * the stream's 24-hour retention, as in DynamoDB.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { itemSize } from 'dynalite/db';
import type { StreamViewType, TableModel } from '../../model';

/** A DynamoDB item in the wire format (`{ id: { S: 'x' } }`). */
export type Item = Record<string, unknown>;

/** DynamoDB streams keep records 24 hours. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

/** One change to one item, as the stream keeps it. */
export interface StreamRecordData {
  /** The order of the record in its stream. */
  readonly seq: number;
  /** `SequenceNumber`: a decimal string that sorts as `seq` does. */
  readonly sequenceNumber: string;
  /** `eventID`: unique per record. */
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** When the write was made (ms since the epoch). */
  readonly createdAt: number;
  readonly keys: Item;
  readonly newImage?: Item;
  readonly oldImage?: Item;
  /** `SizeBytes`: the keys and images, sized as DynamoDB sizes items. */
  readonly sizeBytes: number;
  /** The partition key's value as text, which decides the record's lane under a ParallelizationFactor. */
  readonly partition: string;
}

/** One table's stream. */
export interface TableStream {
  readonly table: TableModel;
  readonly arn: string;
  readonly viewType: StreamViewType;
  /** Records in sequence order, oldest first. */
  readonly records: StreamRecordData[];
}

/** Told of records appended and dropped, to keep them across restarts (see lib/local/state). */
export interface StreamJournal {
  appended(stream: TableStream, record: StreamRecordData): void;
  dropped(stream: TableStream, records: readonly StreamRecordData[]): void;
}

/** Events of a {@link StreamStore}. */
export interface StreamStoreEvents {
  /** A record was appended to `stream`. */
  record: [stream: TableStream, record: StreamRecordData];
}

/** The streams of the app's tables that have one. */
export class StreamStore extends EventEmitter<StreamStoreEvents> {
  private readonly byTable = new Map<string, TableStream>();
  private readonly byArn = new Map<string, TableStream>();
  /** What each reader (a mapping's lane) has done: every record up to this sequence. */
  private readonly readers = new Map<TableStream, Map<string, number>>();
  private seq = 0;
  private journal?: StreamJournal;

  constructor(tables: readonly TableModel[]) {
    super();
    // One listener per stream mapping: an app may have many.
    this.setMaxListeners(0);
    for (const table of tables) {
      if (!table.stream) continue;
      const stream: TableStream = { table, arn: table.stream.arn, viewType: table.stream.viewType, records: [] };
      this.byTable.set(table.name, stream);
      // DynamoDB takes a table's ARN wherever it takes its name (BatchWriteItem's RequestItems too).
      this.byTable.set(table.arn, stream);
      this.byArn.set(stream.arn, stream);
      this.readers.set(stream, new Map());
    }
  }

  /** The stream of a table (by name or ARN), if it has one. */
  ofTable(tableName: string): TableStream | undefined {
    return this.byTable.get(tableName);
  }

  /** A stream by ARN. */
  get(arn: string): TableStream | undefined {
    return this.byArn.get(arn);
  }

  /** Every stream. */
  list(): TableStream[] {
    return [...this.byArn.values()];
  }

  /** The sequence of the newest record made so far (0 before any). */
  get head(): number {
    return this.seq;
  }

  /** True when some event source mapping reads `stream`: only then are its table's writes captured. */
  isRead(stream: TableStream): boolean {
    return this.readers.get(stream)!.size > 0;
  }

  /** Tells `journal` of every change from now on. */
  keepIn(journal: StreamJournal): void {
    this.journal = journal;
  }

  /** Puts back records kept from an earlier run, in order, before any new one is made. */
  restore(stream: TableStream, records: readonly StreamRecordData[]): void {
    stream.records.push(...records);
    for (const r of records) this.seq = Math.max(this.seq, r.seq);
  }

  /**
   * Appends the record of one write: `old` and `next` are the item before and after it (absent
   * when there was none). A write that changed nothing makes no record, as in DynamoDB.
   */
  append(stream: TableStream, keys: Item, old: Item | undefined, next: Item | undefined, now = Date.now()): StreamRecordData | undefined {
    if (!old && !next) return undefined;
    if (old && next && canonical(old) === canonical(next)) return undefined;
    const eventName = !old ? 'INSERT' : !next ? 'REMOVE' : 'MODIFY';
    const view = stream.viewType;
    const newImage = next && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? next : undefined;
    const oldImage = old && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? old : undefined;
    const seq = ++this.seq;
    const record: StreamRecordData = {
      seq,
      sequenceNumber: streamSequenceNumber(seq),
      eventID: randomUUID().replace(/-/g, ''),
      eventName,
      createdAt: now,
      keys,
      newImage,
      oldImage,
      sizeBytes: itemSize(keys) + (newImage ? itemSize(newImage) : 0) + (oldImage ? itemSize(oldImage) : 0),
      partition: canonical(keys[stream.table.partitionKey] ?? null),
    };
    stream.records.push(record);
    this.journal?.appended(stream, record);
    this.emit('record', stream, record);
    this.trim(stream, now);
    return record;
  }

  /**
   * Registers a reader of `stream` (a mapping's lane) that has done every record up to `done`,
   * or moves it on. Records every reader has done are dropped.
   */
  advance(stream: TableStream, reader: string, done: number, now = Date.now()): void {
    this.readers.get(stream)!.set(reader, done);
    this.trim(stream, now);
  }

  /** Forgets a reader (a mapping no longer in the app): it holds no record back any more. */
  release(stream: TableStream, reader: string): void {
    this.readers.get(stream)!.delete(reader);
    this.trim(stream, Date.now());
  }

  private trim(stream: TableStream, now: number): void {
    const readers = [...this.readers.get(stream)!.values()];
    // Without readers nothing will ever read the records locally: keep none.
    const doneByAll = readers.length ? Math.min(...readers) : this.seq;
    let n = 0;
    while (n < stream.records.length && (stream.records[n].seq <= doneByAll || now - stream.records[n].createdAt > STREAM_RETENTION_MS)) n++;
    if (n === 0) return;
    const dropped = stream.records.splice(0, n);
    this.journal?.dropped(stream, dropped);
  }
}

/** A record's `SequenceNumber`: 21 digits, so that text order is numeric order. */
export function streamSequenceNumber(seq: number): string {
  return (10n ** 20n + BigInt(seq)).toString();
}

/** JSON text with object keys sorted: equal items give equal text whatever their attribute order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
