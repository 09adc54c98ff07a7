/**
 * `NextToken` paging for the List operations. A token is opaque to the client (it encodes the
 * position of the next page and the listing it belongs to), so a token from another listing, an
 * edited one or a stale one is refused instead of silently restarting or skipping.
 */
import { createHash } from 'node:crypto';

/** One page of a listing. */
export interface Page<T> {
  readonly items: T[];
  /** Present when more items follow. */
  readonly nextToken?: string;
}

/**
 * The page of `items` that starts at `nextToken` (or the start) and holds at most `limit`
 * items. `scope` names the listing (its filters), so that a token only continues the listing it
 * came from. Returns undefined for a token that is not one of ours.
 */
export function pageOf<T>(items: readonly T[], limit: number, nextToken: string | undefined, scope: string): Page<T> | undefined {
  let start = 0;
  if (nextToken !== undefined) {
    const parsed = parseToken(nextToken, scope);
    if (parsed === undefined || parsed > items.length) return undefined;
    start = parsed;
  }
  const end = start + limit;
  return { items: items.slice(start, end), nextToken: end < items.length ? makeToken(end, scope) : undefined };
}

function makeToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: digest(scope) })).toString('base64url');
}

function parseToken(token: string, scope: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    return Number.isSafeInteger(parsed.o) && (parsed.o as number) > 0 && parsed.s === digest(scope) ? (parsed.o as number) : undefined;
  } catch {
    return undefined;
  }
}

function digest(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 16);
}
