/**
 * Memoizes an asynchronous factory for the life of the container: the first call starts it,
 * every later call gets the same promise. A failure is not kept, so the next call tries again
 * (a transient error loading a module or building a client must not poison the container).
 *
 * Used to load AWS SDK clients on first use rather than at import, so handlers that never
 * publish or read a secret do not pay for loading them during their cold start.
 */
export function once<T>(factory: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= factory().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
}
