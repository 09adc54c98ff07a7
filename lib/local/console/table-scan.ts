/**
 * `GET /api/tables/:name/items?limit=&next=`: a page of a read-only `Scan` of a local table,
 * with DynamoDB's typed attribute values turned into plain JSON for display.
 */
import type { TableStore } from '../dynamodb/table-store';
import type { TableItemsPage } from './api-types';
import { ApiProblem, intParam, jsonOf } from './http-util';

/** Items per page unless `limit` says otherwise, and the most a page holds. */
export const TABLE_PAGE = { default: 50, max: 500 } as const;

/** One page of a scan; `next` is the previous page's token (the scan's LastEvaluatedKey). */
export async function scanPage(tables: TableStore, tableName: string, query: URLSearchParams): Promise<TableItemsPage> {
  const limit = intParam(query, 'limit', 1, TABLE_PAGE.max, TABLE_PAGE.default);
  const next = query.get('next');
  const r = await tables.handle('Scan', { TableName: tableName, Limit: limit, ...(next ? { ExclusiveStartKey: decodeToken(next) } : {}) });
  const text = r.body.toString();
  if (r.status !== 200) {
    const error = jsonOf<{ __type?: string; message?: string }>(text);
    throw new ApiProblem(r.status >= 500 ? 502 : 400, error.__type?.split('#').pop() ?? 'DynamoDBError', error.message ?? text);
  }
  const page = jsonOf<{ Items?: Array<Record<string, AttributeValue>>; LastEvaluatedKey?: Record<string, AttributeValue> }>(text);
  return { items: (page.Items ?? []).map(plainItem), next: page.LastEvaluatedKey ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') : undefined };
}

function decodeToken(token: string): unknown {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key;
  } catch {
    // Falls through to the 400.
  }
  throw new ApiProblem(400, 'ValidationError', `next must be the 'next' of an earlier page; got '${token}'`);
}

/** A DynamoDB attribute value in its JSON wire form. */
type AttributeValue = Readonly<Record<string, unknown>>;

/**
 * Written here rather than taken from `@aws-sdk/util-dynamodb`: that package is an optional peer
 * of this library (a project may not have it), and the console only displays items, so numbers
 * beyond a double's precision stay strings rather than needing `NumberValue`.
 */
function plainItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plainValue(v)]));
}

function plainValue(v: AttributeValue): unknown {
  const [type, value] = Object.entries(v)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
    case 'B':
      return value;
    case 'N':
      return plainNumber(value as string);
    case 'BOOL':
      return value;
    case 'NULL':
      return null;
    case 'SS':
    case 'BS':
      return value;
    case 'NS':
      return (value as string[]).map(plainNumber);
    case 'L':
      return (value as AttributeValue[]).map(plainValue);
    case 'M':
      return plainItem(value as Record<string, AttributeValue>);
    default:
      return v;
  }
}

/** A number as a JSON number when a double holds it exactly, else its text. */
function plainNumber(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text.replace(/^(-?)0+(?=\d)/, '$1') ? n : text;
}
