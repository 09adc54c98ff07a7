/**
 * DynamoDB's condition keys for fine-grained access (DynamoDB Developer Guide, "Using IAM policy
 * conditions for fine-grained access control"), from a request's input:
 *
 * - `dynamodb:LeadingKeys`: the partition key values the call touches, from `Key`/`Item` of the
 *   item operations and the batch requests, and from a `Query`'s `KeyConditionExpression` when it
 *   is the plain `pk = :v` form (with or without `#name` placeholders). Where the values cannot
 *   be read (a `Scan`, another expression form) the key stays unknown, so a policy using it is
 *   reported as undecidable rather than guessed;
 * - `dynamodb:Select`, `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity`: the request's
 *   parameter, absent when not given.
 *
 * `dynamodb:Attributes` (every attribute a call reads or writes) is not derived: it stays unknown.
 */

type Keys = Record<string, string | readonly string[] | null>;

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The condition keys of a DynamoDB call on a table whose partition key is `partitionKey` (undefined: not known). */
export function dynamodbKeys(operation: string, input: Readonly<Record<string, unknown>>, partitionKey: string | undefined, requestItems?: unknown): Keys {
  const keys: Keys = {};
  for (const [param, key] of [['Select', 'dynamodb:Select'], ['ReturnValues', 'dynamodb:ReturnValues'], ['ReturnConsumedCapacity', 'dynamodb:ReturnConsumedCapacity']] as const) {
    keys[key] = typeof input[param] === 'string' ? (input[param] as string) : null;
  }
  const leading = partitionKey === undefined ? undefined : leadingKeys(operation, input, partitionKey, requestItems);
  if (leading !== undefined) keys['dynamodb:LeadingKeys'] = leading;
  return keys;
}

function leadingKeys(operation: string, input: Readonly<Record<string, unknown>>, pk: string, requestItems: unknown): string[] | undefined {
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return valuesOf([record(input.Key)[pk]]);
    case 'PutItem':
      return valuesOf([record(input.Item)[pk]]);
    case 'BatchGetItem':
      return valuesOf(list(record(requestItems).Keys).map((k) => record(k)[pk]));
    case 'BatchWriteItem':
      return valuesOf(list(requestItems).map((w) => {
        const r = record(w);
        return record(record(r.PutRequest).Item)[pk] ?? record(record(r.DeleteRequest).Key)[pk];
      }));
    case 'Query':
      return input.IndexName === undefined ? queryValue(input, pk) : undefined;
    default:
      return undefined;
  }
}

/** The partition key value of `pk = :v` (either side, `#name` placeholders resolved). */
function queryValue(input: Readonly<Record<string, unknown>>, pk: string): string[] | undefined {
  const expression = typeof input.KeyConditionExpression === 'string' ? input.KeyConditionExpression : undefined;
  if (expression === undefined) return undefined;
  const names = record(input.ExpressionAttributeNames);
  const values = record(input.ExpressionAttributeValues);
  const name = (token: string) => (token.startsWith('#') ? names[token] : token);
  for (const clause of expression.split(/\s+AND\s+/i)) {
    const m = /^\s*\(?\s*([#\w.-]+)\s*=\s*(:[\w-]+)\s*\)?\s*$/.exec(clause) ?? /^\s*\(?\s*(:[\w-]+)\s*=\s*([#\w.-]+)\s*\)?\s*$/.exec(clause);
    if (!m) continue;
    const [attr, placeholder] = m[1].startsWith(':') ? [m[2], m[1]] : [m[1], m[2]];
    if (name(attr) === pk) return valuesOf([values[placeholder]]);
  }
  return undefined;
}

/** The text of each attribute value (`{ S: 'a' }` -> `a`, `{ N: '1' }` -> `1`); undefined when one is not a scalar key value. */
function valuesOf(attributeValues: readonly unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const v of attributeValues) {
    const r = record(v);
    const scalar = r.S ?? r.N ?? r.B;
    if (typeof scalar !== 'string') return undefined;
    out.push(scalar);
  }
  return out.length ? [...new Set(out)] : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
