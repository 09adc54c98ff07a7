// dynalite ships no types; this is the part of its API the local runtime uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Folder for a LevelDB store; in memory when omitted. */
    readonly path?: string;
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    readonly maxItemSizeKb?: number;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

// dynalite's size arithmetic (DynamoDB's item size rules), used for stream records' SizeBytes.
declare module 'dynalite/db' {
  /** The size of an item in bytes as DynamoDB counts it: attribute names plus values. */
  export function itemSize(item: Record<string, unknown>): number;
}
