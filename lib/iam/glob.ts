/**
 * IAM's wildcard matching: `*` (any run of characters, none included) and `?` (one character) in
 * actions, resource ARNs and the `StringLike`/`ArnLike` condition operators.
 *
 * ARNs are matched segment by segment, as IAM does: `arn:partition:service:region:account:resource`,
 * split on the first five colons, so that a wildcard in the region segment never swallows the
 * account. The resource segment keeps its own colons (`function:name:alias`). A pattern with
 * fewer segments than six (`arn:aws:sqs:*` is rare, `*` is common) is matched as a whole string.
 */

/** True when `value` matches `pattern` (`*` and `?` wildcards). `ignoreCase` for actions and the `IgnoreCase` operators. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!/[*?\u0000]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return compile(pattern, ignoreCase).test(value);
}

/** True when the ARN `value` matches the ARN pattern `pattern`, segment by segment. */
export function arnMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const p = arnSegments(pattern);
  const v = arnSegments(value);
  if (!p || !v) return globMatch(pattern, value);
  return p.every((segment, i) => globMatch(segment, v[i]));
}

/** An action (`dynamodb:PutItem`) against an action pattern (`dynamodb:Put*`, `*`): case-insensitive, as IAM compares actions. */
export function actionMatch(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

/** The six segments of an ARN, the last keeping its colons; undefined when it has fewer. */
function arnSegments(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

// Compiled patterns are few (those of the app's policies) and matched on every call.
const cache = new Map<string, RegExp>();

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    let body = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      // A NUL before a character marks a literal from `${*}`, `${?}` or `${$}` (see context.ts).
      if (c === '\u0000' && i + 1 < pattern.length) body += escape(pattern[++i]);
      else body += c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : escape(c);
    }
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    if (cache.size >= 10_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

function escape(c: string): string {
  return /[.+^${}()|[\]\\*?]/.test(c) ? `\\${c}` : c;
}
