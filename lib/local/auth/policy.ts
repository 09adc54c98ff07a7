/**
 * Evaluation of the IAM policy document a Lambda authorizer returns, for one `execute-api` ARN
 * (`arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`): an explicit Deny wins,
 * else an Allow is needed. `Action`/`NotAction` and `Resource`/`NotResource` take IAM's `*` and `?`
 * wildcards; actions compare case-insensitively, resources case-sensitively.
 */

/** The verdict of a policy for one request. */
export type PolicyVerdict = 'allow' | 'explicit-deny' | 'implicit-deny';

/** Evaluates an authorizer's policy document; undefined when it is not a valid policy (no `Statement` list). */
export function evaluatePolicy(policy: unknown, resourceArn: string, action = 'execute-api:Invoke'): PolicyVerdict | undefined {
  if (policy === null || typeof policy !== 'object') return undefined;
  const raw = (policy as { Statement?: unknown }).Statement;
  // A single statement may be given as an object rather than a list.
  const statements = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? [raw] : undefined;
  if (!statements) return undefined;
  let allowed = false;
  for (const s of statements as Array<Record<string, unknown>>) {
    if (!applies(s, 'Action', 'NotAction', action, true) || !applies(s, 'Resource', 'NotResource', resourceArn, false)) continue;
    if (s.Effect === 'Deny') return 'explicit-deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function applies(statement: Record<string, unknown>, key: string, notKey: string, value: string, ignoreCase: boolean): boolean {
  const list = (v: unknown) => ([] as unknown[]).concat(v ?? []).map(String);
  if (statement[key] !== undefined) return list(statement[key]).some((p) => wildcardMatch(p, value, ignoreCase));
  if (statement[notKey] !== undefined) return !list(statement[notKey]).some((p) => wildcardMatch(p, value, ignoreCase));
  return false;
}

/** IAM wildcard match: `*` any run of characters, `?` any one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(value);
}
