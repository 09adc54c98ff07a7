/**
 * What a mapping does with a function's answer and with its filter criteria: Lambda's rules for
 * partial batch responses, and the filter patterns matched by the EventBridge pattern engine
 * (Lambda's event filtering uses the same content-filter language).
 */
import { compileEventPattern, type CompiledEventPattern } from '../../patterns';

/** The items a function reported failed, or `all` when the whole batch counts as failed. */
export type BatchVerdict = { readonly failed: readonly string[] } | 'all';

/**
 * Reads a partial batch response (`{ batchItemFailures: [{ itemIdentifier }] }`) as Lambda does
 * ("Handling errors", SQS and DynamoDB): no answer, an empty or null list, or no such field is
 * a complete success; an answer that is not JSON, an identifier that is null, empty, not a
 * string or not one of the batch's ids, is a complete failure.
 */
export function readBatchResponse(payload: string, ids: readonly string[]): BatchVerdict {
  if (payload.trim() === '' || payload === 'null') return { failed: [] };
  let answer: unknown;
  try {
    answer = JSON.parse(payload);
  } catch {
    return 'all';
  }
  if (answer === null || typeof answer !== 'object') return { failed: [] };
  const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { failed: [] };
  if (!Array.isArray(failures)) return 'all';
  const known = new Set(ids);
  const failed: string[] = [];
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !known.has(id)) return 'all';
    failed.push(id);
  }
  return { failed };
}

/** A mapping's filter criteria, compiled: a record passes when there are none or it matches one. */
export class RecordFilter {
  private readonly patterns: CompiledEventPattern[];

  /** Throws InvalidEventPatternError for a pattern Lambda would refuse. */
  constructor(patterns: ReadonlyArray<Readonly<Record<string, unknown>>>) {
    this.patterns = patterns.map((p) => compileEventPattern(p));
  }

  /** True when there is no filter. */
  get none(): boolean {
    return this.patterns.length === 0;
  }

  /** True when `record` (the record as the function would get it) passes. */
  passes(record: unknown): boolean {
    return this.patterns.length === 0 || this.patterns.some((p) => p.matches(record));
  }
}

/**
 * An SQS record as Lambda's filters see it: the body is matched as JSON when it parses as a JSON
 * object or array, and as the plain string otherwise.
 */
export function sqsFilterView<T extends { readonly body: string }>(record: T): Omit<T, 'body'> & { body: unknown } {
  const body = record.body.trimStart();
  if (body.startsWith('{') || body.startsWith('[')) {
    try {
      return { ...record, body: JSON.parse(record.body) };
    } catch {
      // Not JSON after all: matched as the string it is.
    }
  }
  return record;
}
