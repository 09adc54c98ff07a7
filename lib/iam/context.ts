/**
 * The request context a policy's conditions and variables are evaluated against: condition keys
 * with their values, keys known to be absent from the request, and, by omission, keys whose value
 * the local runtime does not know (which make a condition undecidable rather than false).
 */

/** A three-valued result: decided, or undecidable with the reason. */
export type Tri = boolean | Undecidable;

/** Why something cannot be decided locally (an unsupported operator, an unknown condition key). */
export interface Undecidable {
  readonly undecidable: string;
}

/** True for an undecidable result. */
export function isUndecidable(v: unknown): v is Undecidable {
  return typeof v === 'object' && v !== null && 'undecidable' in v;
}

/**
 * Condition keys of one request. Keys are compared case-insensitively, as IAM compares them; a
 * value `null` says the key is absent from the request (a direct call from a function carries no
 * `aws:SourceArn`); a key missing from the map is one whose value is not known locally.
 */
export class RequestContext {
  private readonly keys = new Map<string, readonly string[] | null>();

  constructor(values: Readonly<Record<string, string | readonly string[] | null>> = {}) {
    for (const [k, v] of Object.entries(values)) this.set(k, v);
  }

  /** Sets a key: a value, several (a multivalued key), or `null` for absent. */
  set(key: string, value: string | readonly string[] | null): this {
    this.keys.set(key.toLowerCase(), value === null ? null : typeof value === 'string' ? [value] : value);
    return this;
  }

  /** A copy with more keys (those of one call on top of the caller's). */
  with(values: Readonly<Record<string, string | readonly string[] | null>>): RequestContext {
    const copy = new RequestContext();
    for (const [k, v] of this.keys) copy.keys.set(k, v);
    for (const [k, v] of Object.entries(values)) copy.set(k, v);
    return copy;
  }

  /** The key's values, `null` when absent, or undecidable when the key is not known locally. */
  get(key: string): readonly string[] | null | Undecidable {
    const lower = key.toLowerCase();
    const v = this.keys.get(lower);
    if (v !== undefined) return v;
    // Tags of the principal: a tag the role does not carry is absent, once the role's tags are known.
    const slash = lower.indexOf('/');
    if (slash > 0 && this.keys.get(`${lower.slice(0, slash)}/*`) === null) return null;
    return { undecidable: `the condition key ${key} is not known locally` };
  }

  /** A stable text of the keys, for caching decisions per context. */
  fingerprint(): string {
    return JSON.stringify([...this.keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/**
 * Replaces IAM policy variables (`${aws:PrincipalAccount}`, and the literals `${*}`, `${?}`,
 * `${$}`) in a policy's resource or condition value. A variable whose key is absent from the
 * request makes the value match nothing (`null`), as IAM treats it, unless `${key, 'default'}`
 * gives a default; one whose key is not known locally makes it undecidable.
 */
export function substitute(text: string, ctx: RequestContext): string | null | Undecidable {
  if (!text.includes('${')) return text;
  let problem: Undecidable | undefined;
  let absent = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_whole, expr: string) => {
    if (expr === '*' || expr === '?' || expr === '$') return `\u0000${expr}`;
    const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(expr);
    if (!m) {
      problem ??= { undecidable: `the policy variable \${${expr}} is not valid` };
      return '';
    }
    const values = ctx.get(m[1]);
    if (isUndecidable(values)) problem ??= values;
    else if (values === null || values.length === 0) {
      if (m[2] !== undefined) return m[2];
      absent = true;
    } else if (values.length > 1) problem ??= { undecidable: `the policy variable \${${m[1]}} has several values in this request` };
    else return values[0];
    return '';
  });
  return problem ?? (absent ? null : out);
}
