// The part of pidusage's API the memory watch uses (the package ships no types).
declare module 'pidusage' {
  interface Status {
    /** Resident set size in bytes. */
    readonly memory: number;
  }
  function pidusage(pids: number[]): Promise<Record<string, Status | undefined>>;
  export default pidusage;
}
