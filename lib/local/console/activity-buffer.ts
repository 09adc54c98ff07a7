/**
 * The console's activity: a ring of the most recent entries (requests, invocations, events,
 * deliveries) and the last log lines of each request id, filtered server-side.
 *
 * Appending is a few field writes: entries are plain objects kept as they are, serialized only
 * when a client asks for a page or watches the stream, so a `dev` nobody looks at pays almost
 * nothing. A ring (not an array that shifts) keeps appends O(1) at the bound.
 */
import { EventEmitter } from 'node:events';
import type { ActivityEntry, ActivityStatus, ActivityType, LogLine } from './api-types';

/** Entries kept unless the options say otherwise. */
export const DEFAULT_ACTIVITY_CAPACITY = 10_000;

/**
 * Log lines kept per request id (the last ones), the longest line kept (longer ones are cut),
 * and the characters of all kept lines together (past it the oldest request ids' lines go), so
 * that a chatty handler cannot grow `dev` without bound.
 */
export const LOG_LIMITS = { linesPerRequest: 200, lineChars: 8 * 1024, totalChars: 8 * 1024 * 1024 } as const;

/** An entry before the buffer numbers it. */
export type NewEntry = ActivityEntry extends infer E ? (E extends ActivityEntry ? Omit<E, 'id'> : never) : never;

/** Server-side filters of a page or the stream; every given one must hold. */
export interface ActivityFilter {
  readonly types?: ReadonlySet<ActivityType>;
  readonly statuses?: ReadonlySet<ActivityStatus>;
  /** Names a function is known by (its display name, name, logical id): entries about it. */
  readonly functionNames?: ReadonlySet<string>;
  /** Lower-case text the entry's JSON must contain (an event type, a path, an id, an error message). */
  readonly text?: string;
}

/** Typed events of the buffer. */
export interface ActivityBufferEvents {
  entry: [ActivityEntry];
}

/** The logs of one request id. */
interface RequestLogs {
  readonly lines: LogLine[];
  truncated: boolean;
  /** Characters of its lines' text. */
  chars: number;
}

/** The ring of recent activity. */
export class ActivityBuffer extends EventEmitter<ActivityBufferEvents> {
  private readonly ring: Array<ActivityEntry | undefined>;
  private nextId = 1;
  /** Log lines by request id, in insertion order, at most as many request ids as entries. */
  private readonly logs = new Map<string, RequestLogs>();
  private logChars = 0;
  private readonly maxLogChars: number;

  constructor(
    readonly capacity: number = DEFAULT_ACTIVITY_CAPACITY,
    options: { readonly maxLogChars?: number } = {},
  ) {
    super();
    this.maxLogChars = options.maxLogChars ?? LOG_LIMITS.totalChars;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number of at least 1, got ${capacity}`);
    this.ring = new Array(capacity);
    // Every stream client listens; hundreds of tabs are not a leak.
    this.setMaxListeners(0);
  }

  /**
   * Numbers and keeps an entry (the oldest goes when full); tells the stream's listeners. The
   * object is kept as given, numbered in place: a copy (an object spread) cost ten times the
   * rest of an append when measured, and every invocation and delivery appends.
   */
  append(entry: NewEntry): ActivityEntry {
    const numbered = entry as ActivityEntry & { id: number };
    numbered.id = this.nextId++;
    this.ring[(numbered.id - 1) % this.capacity] = numbered;
    if (this.listenerCount('entry')) this.emit('entry', numbered);
    return numbered;
  }

  /** Keeps a log line of a request id (the last {@link LOG_LIMITS.linesPerRequest}). */
  log(requestId: string, level: string, text: string): void {
    let logs = this.logs.get(requestId);
    if (!logs) {
      logs = { lines: [], truncated: false, chars: 0 };
      this.logs.set(requestId, logs);
    }
    const cut = text.length > LOG_LIMITS.lineChars ? `${text.slice(0, LOG_LIMITS.lineChars)}… (${text.length - LOG_LIMITS.lineChars} more characters)` : text;
    logs.lines.push({ at: Date.now(), level, text: cut });
    this.count(logs, cut.length);
    if (logs.lines.length > LOG_LIMITS.linesPerRequest) {
      this.count(logs, -logs.lines.shift()!.text.length);
      logs.truncated = true;
    }
    // Bounded like the entries, and in size: the oldest request ids' lines go first.
    while (this.logs.size > this.capacity || (this.logChars > this.maxLogChars && this.logs.size > 1)) this.forgetOldestLogs();
  }

  /** The kept log lines of a request id. */
  logsOf(requestId: string): { lines: readonly LogLine[]; truncated: boolean } {
    const logs = this.logs.get(requestId);
    return logs ? { lines: logs.lines, truncated: logs.truncated } : { lines: [], truncated: false };
  }

  /** How many entries are kept now. */
  get size(): number {
    return Math.min(this.nextId - 1, this.capacity);
  }

  /** The id of the oldest entry kept (the next id when empty). */
  get oldestId(): number {
    return this.nextId - this.size;
  }

  /** The id the next entry will get. */
  get nextEntryId(): number {
    return this.nextId;
  }

  /** Newest first: at most `limit` entries older than `before` that pass `filter`, and the `before` of the next page. */
  page(filter: ActivityFilter, limit: number, before?: number): { entries: ActivityEntry[]; next?: number } {
    const entries: ActivityEntry[] = [];
    const start = Math.min(before === undefined ? this.nextId - 1 : before - 1, this.nextId - 1);
    for (let id = start; id >= this.oldestId; id--) {
      const entry = this.get(id)!;
      if (!matches(entry, filter)) continue;
      if (entries.length === limit) return { entries, next: entries[entries.length - 1].id };
      entries.push(entry);
    }
    return { entries };
  }

  /** Oldest first: the kept entries after `afterId` that pass `filter`, and how many after it are no longer kept. */
  since(afterId: number, filter: ActivityFilter): { entries: ActivityEntry[]; missed: number } {
    const from = Math.max(afterId + 1, this.oldestId);
    const entries: ActivityEntry[] = [];
    for (let id = from; id < this.nextId; id++) {
      const entry = this.get(id)!;
      if (matches(entry, filter)) entries.push(entry);
    }
    return { entries, missed: Math.max(0, this.oldestId - afterId - 1) };
  }

  /** Every kept entry for which `test` holds, oldest first (for the stories). */
  find<E extends ActivityEntry>(test: (entry: ActivityEntry) => entry is E): E[];
  find(test: (entry: ActivityEntry) => boolean): ActivityEntry[];
  find(test: (entry: ActivityEntry) => boolean): ActivityEntry[] {
    const found: ActivityEntry[] = [];
    for (let id = this.oldestId; id < this.nextId; id++) {
      const entry = this.get(id)!;
      if (test(entry)) found.push(entry);
    }
    return found;
  }

  private count(logs: RequestLogs, chars: number): void {
    logs.chars += chars;
    this.logChars += chars;
  }

  private forgetOldestLogs(): void {
    const [oldest, logs] = this.logs.entries().next().value!;
    this.logChars -= logs.chars;
    this.logs.delete(oldest);
  }

  private get(id: number): ActivityEntry | undefined {
    return id < this.oldestId || id >= this.nextId ? undefined : this.ring[(id - 1) % this.capacity];
  }
}

/** True when the entry passes every filter given. */
export function matches(entry: ActivityEntry, filter: ActivityFilter): boolean {
  if (filter.types && !filter.types.has(entry.type)) return false;
  if (filter.statuses && !filter.statuses.has(entry.status)) return false;
  if (filter.functionNames) {
    const about = entry.type === 'invocation' || entry.type === 'request' ? entry.function : entry.type === 'delivery' ? entry.target : undefined;
    if (about === undefined || !filter.functionNames.has(about)) return false;
  }
  if (filter.text !== undefined && !searchTextOf(entry).includes(filter.text)) return false;
  return true;
}

/** Each entry's JSON in lower case, made once: a search pages through up to 10,000 entries. */
const searchTexts = new WeakMap<ActivityEntry, string>();
function searchTextOf(entry: ActivityEntry): string {
  let text = searchTexts.get(entry);
  if (text === undefined) searchTexts.set(entry, (text = JSON.stringify(entry).toLowerCase()));
  return text;
}
