/**
 * What every event source mapping poller shares: the function host, the ledger, the stop signal,
 * and how it invokes its function with one batch.
 */
import { randomUUID } from 'node:crypto';
import type { EventSourceMappingModel, FunctionModel } from '../../model';
import type { DeliveryLedger, DeliveryRecord } from '../events/ledger';
import type { FunctionHost, InvokeResult } from '../host/function-host';

/** What the pollers of an app share. */
export interface PollerContext {
  readonly host: FunctionHost;
  readonly ledger: DeliveryLedger;
  readonly region: string;
  /** Aborted when the app stops: pollers stop taking batches, and waits end. */
  readonly signal: AbortSignal;
  /** Multiplies retry delays and record ages, as `LocalAppOptions.timeScale` does. */
  readonly timeScale: number;
  /** Resolves once the ledger's changes so far are kept (see `DelivererOptions.kept`). */
  readonly kept: () => Promise<void>;
}

/** One invocation's result: the function's answer, or the error it failed with (a throw of the host counts as one). */
export interface BatchInvocation {
  readonly record: DeliveryRecord;
  readonly result?: InvokeResult;
  /** Set when the invocation failed as a whole. */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

/**
 * Invokes the mapping's function synchronously with `{ Records }`, recording the batch in the
 * ledger first (kind `sqs-batch` or `stream-batch`, its record ids, the request id as event id).
 * Instances over the machine's cap are waited for, as a poller waits for capacity.
 */
export async function invokeBatch(
  ctx: PollerContext,
  mapping: EventSourceMappingModel,
  fn: FunctionModel,
  records: readonly unknown[],
  ids: readonly string[],
  filteredOut: number,
): Promise<BatchInvocation> {
  const requestId = randomUUID();
  const record = ctx.ledger.accept({
    eventId: requestId,
    kind: mapping.kind === 'sqs' ? 'sqs-batch' : 'stream-batch',
    targetArn: fn.arn,
    sourceArn: mapping.eventSourceArn,
    batch: { mappingId: mapping.uuid, records: ids, ...(filteredOut ? { filteredOut } : {}) },
  });
  ctx.ledger.update(record, { attempts: 1, inFlightSince: Date.now() });
  // Known to be in flight before it starts, so that a killed dev lists it at the next start.
  await ctx.kept().catch(() => undefined);
  try {
    const result = await ctx.host.invoke(fn.name, { payload: JSON.stringify({ Records: records }), requestId, overflow: 'wait' });
    return { record, result, error: result.error };
  } catch (err) {
    return { record, error: { errorType: (err as Error).name, errorMessage: (err as Error).message } };
  }
}

/** Ends a batch's ledger record: delivered when nothing failed, else failed with what happens to the records. */
export function endBatch(ctx: PollerContext, inv: BatchInvocation, failedItems: readonly string[], outcome: string, extra: Partial<DeliveryRecord> = {}): void {
  const { record } = inv;
  // An invocation cut short by the app stopping did not fail: its records come again next start.
  if (ctx.signal.aborted && inv.error) outcome = interruptedOutcome(record.kind);
  if (record.batch && failedItems.length) record.batch.failedItems = failedItems;
  const state = extra.state ?? (failedItems.length ? 'failed' : 'delivered');
  ctx.ledger.update(record, { inFlightSince: undefined, lastError: inv.error, outcome, ...extra, state });
}

/** What becomes of a batch that was in flight when `dev` stopped. */
export function interruptedOutcome(kind: DeliveryRecord['kind']): string {
  return kind === 'sqs-batch'
    ? 'dev stopped during this batch: its messages stay in the queue and are received again once their visibility timeout ends'
    : "dev stopped during this batch: its records are read again from the mapping's kept position";
}

/**
 * Resolves after `ms`, when `wake` is called, or when `signal` aborts; leaves no timer or
 * listener behind. Pollers wait on it for records and between retries.
 */
export class Wakeup {
  private waiters = new Set<() => void>();

  /** Ends every wait. */
  wake(): void {
    for (const w of this.waiters) w();
  }

  /** Waits at most `ms` (Infinity: until woken or aborted). */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      // Beyond setTimeout's ceiling a wait only ends when woken.
      const timer = Number.isFinite(ms) && ms < 2 ** 31 - 1 ? setTimeout(done, Math.max(0, ms)).unref() : undefined;
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
