/**
 * IAM policy evaluation for a call within one account, following the IAM User Guide's "Policy
 * evaluation logic" for same-account requests:
 *
 * 1. an explicit `Deny` in any applicable policy (identity-based or resource-based) denies;
 * 2. else an `Allow` in an identity-based policy, or in a resource-based policy that names the
 *    principal (its role, its session, or `*`), allows; a resource policy naming only the account
 *    (`arn:aws:iam::<account>:root`) delegates to identity policies and allows nothing itself;
 * 3. else the call is implicitly denied.
 *
 * Every step is three-valued: a statement whose condition or resource cannot be decided locally
 * may or may not apply, and the decision is `undecidable` exactly when its outcome depends on one.
 * SCPs, RCPs, permission boundaries and session policies are not part of a template's app and are
 * not evaluated (the README says so).
 *
 * Written here rather than taken from npm: the one library that evaluates identity and resource
 * policies with conditions faithfully (`@cloud-copilot/iam-simulate`) is AGPL-3.0, which an
 * Apache-2.0 library cannot ship; the others do not model principals or resource policies.
 */
import { type RequestContext, type Undecidable, isUndecidable, substitute } from './context';
import { evaluateConditions } from './conditions';
import { actionMatch, arnMatch } from './glob';

/** A policy document with where it came from (for messages). */
export interface NamedPolicy {
  /** Where the policy is: `ShopStack/OrdersFnServiceRoleDefaultPolicy`, `queue policy ShopStack/JobsPolicy`. */
  readonly source: string;
  /** The document, intrinsics resolved. */
  readonly document: unknown;
  /** Set when the document could not be resolved locally: the policy may or may not grant anything. */
  readonly unresolved?: string;
}

/** Who is calling. */
export interface Principal {
  readonly accountId: string;
  /** The role's ARN (`arn:aws:iam::<account>:role/<name>`). */
  readonly roleArn: string;
  /** The session's ARN (`arn:aws:sts::<account>:assumed-role/<name>/<session>`). */
  readonly sessionArn: string;
}

/** One action on one resource. */
export interface AuthorizationRequest {
  readonly principal: Principal;
  /** `service:Action`, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  /** The resource's ARN, or `*` for actions that take none (`sqs:ListQueues`). */
  readonly resource: string;
  readonly context: RequestContext;
}

/** The policies that apply to a request. */
export interface ApplicablePolicies {
  /** The principal's identity-based policies. */
  readonly identity: readonly NamedPolicy[];
  /** The resource's resource-based policies (a queue policy, a secret's resource policy). */
  readonly resource?: readonly NamedPolicy[];
  /**
   * Identity policies whose documents are not known here (an AWS managed policy this
   * evaluator has no copy of): each may allow anything, so an implicit deny becomes undecidable.
   */
  readonly unknownIdentity?: readonly string[];
}

/** How a request was decided. */
export type Decision =
  | { readonly effect: 'allow'; readonly by: 'identity' | 'resource'; readonly source: string }
  | { readonly effect: 'deny'; readonly reason: 'explicit-identity' | 'explicit-resource'; readonly source: string }
  | { readonly effect: 'deny'; readonly reason: 'implicit' }
  | { readonly effect: 'undecidable'; readonly reasons: readonly string[] };

type Applies = 'yes' | 'no' | Undecidable;

interface Tally {
  denied?: { kind: 'identity' | 'resource'; source: string };
  allowed?: { by: 'identity' | 'resource'; source: string };
  maybeDeny: string[];
  maybeAllow: string[];
}

/** Decides one request. */
export function evaluate(request: AuthorizationRequest, policies: ApplicablePolicies): Decision {
  const tally: Tally = { maybeDeny: [], maybeAllow: [] };
  for (const p of policies.identity) scan(p, 'identity', request, tally);
  for (const p of policies.resource ?? []) scan(p, 'resource', request, tally);
  for (const name of policies.unknownIdentity ?? []) tally.maybeAllow.push(`the policy ${name} is not known locally`);
  if (tally.denied) return { effect: 'deny', reason: tally.denied.kind === 'identity' ? 'explicit-identity' : 'explicit-resource', source: tally.denied.source };
  if (!tally.allowed && !tally.maybeAllow.length) return { effect: 'deny', reason: 'implicit' };
  if (tally.maybeDeny.length) return { effect: 'undecidable', reasons: tally.maybeDeny };
  if (tally.allowed) return { effect: 'allow', ...tally.allowed };
  return { effect: 'undecidable', reasons: tally.maybeAllow };
}

function scan(policy: NamedPolicy, kind: 'identity' | 'resource', request: AuthorizationRequest, tally: Tally): void {
  if (policy.unresolved !== undefined) {
    // Could allow or deny anything: both outcomes stay open.
    const why = `${policy.source} cannot be resolved locally (${policy.unresolved})`;
    tally.maybeAllow.push(why);
    tally.maybeDeny.push(why);
    return;
  }
  for (const statement of statementsOf(policy.document)) {
    const effect = statement.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') continue;
    const applies = statementApplies(statement, kind, request);
    if (applies === 'no') continue;
    if (effect === 'Deny') {
      if (applies === 'yes') tally.denied ??= { kind, source: policy.source };
      else tally.maybeDeny.push(`${policy.source}: ${applies.undecidable}`);
    } else if (applies === 'yes') {
      // A resource policy naming only the account delegates to identity policies (see above).
      if (kind === 'identity' || principalMatch(statement, request.principal, true) === 'yes') tally.allowed ??= { by: kind, source: policy.source };
    } else if (kind === 'identity' || principalMatch(statement, request.principal, true) === 'yes') {
      tally.maybeAllow.push(`${policy.source}: ${applies.undecidable}`);
    }
  }
}

/** The statements of a document (`Statement` is an object or a list). */
export function statementsOf(document: unknown): Array<Record<string, unknown>> {
  const s = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(s) ? s : s ? [s] : [];
  return list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
}

/** Whether a statement applies to the request: principal (resource policies), action, resource, condition. */
function statementApplies(statement: Record<string, unknown>, kind: 'identity' | 'resource', request: AuthorizationRequest): Applies {
  if (kind === 'resource') {
    const principal = principalMatch(statement, request.principal, false);
    if (principal !== 'yes') return principal;
  }
  if (!listMatch(statement, 'Action', 'NotAction', (p) => actionMatch(p, request.action))) return 'no';
  const resource = resourceMatch(statement, request);
  if (resource === 'no') return 'no';
  // A condition that is false decides, even when the resource could not be.
  const condition = evaluateConditions(statement.Condition, request.context);
  if (condition === false) return 'no';
  if (resource !== 'yes') return resource;
  return isUndecidable(condition) ? condition : 'yes';
}

/** `Action`/`NotAction` (and `Principal` lists): true when the element matches, or when its `Not` form does not. */
function listMatch(statement: Record<string, unknown>, element: string, notElement: string, match: (pattern: string) => boolean): boolean {
  if (statement[element] !== undefined) return toList(statement[element]).some(match);
  if (statement[notElement] !== undefined) return !toList(statement[notElement]).some(match);
  return false;
}

function resourceMatch(statement: Record<string, unknown>, request: AuthorizationRequest): Applies {
  const not = statement.Resource === undefined && statement.NotResource !== undefined;
  const patterns = toList(not ? statement.NotResource : statement.Resource);
  // A resource policy's statement may leave Resource out: it is about the resource it is attached to.
  if (!patterns.length && statement.NotResource === undefined) return 'yes';
  let undecided: Undecidable | undefined;
  let matched = false;
  for (const raw of patterns) {
    const pattern = substitute(raw, request.context);
    if (isUndecidable(pattern)) undecided ??= pattern;
    else if (pattern === null) continue; // a variable absent from the request: the pattern matches nothing
    else if (request.resource === '*' ? pattern === '*' : arnMatch(pattern, request.resource)) matched = true;
  }
  if (matched) return not ? 'no' : 'yes';
  if (undecided) return undecided;
  return not ? 'yes' : 'no';
}

/**
 * Whether a resource policy statement's `Principal`/`NotPrincipal` names the caller: `*`, its
 * role or its session, and unless `strict`, its account (`123456789012`,
 * `arn:aws:iam::<id>:root`): a Deny naming the account applies to every principal in it, while an
 * Allow naming it only delegates to their identity policies.
 */
function principalMatch(statement: Record<string, unknown>, principal: Principal, strict: boolean): Applies {
  const named = (value: string) => {
    if (value === '*' || value === principal.roleArn || value === principal.sessionArn) return true;
    if (strict) return false;
    return value === principal.accountId || value === `arn:aws:iam::${principal.accountId}:root`;
  };
  const element = statement.Principal ?? statement.NotPrincipal;
  if (element === undefined) return 'no';
  const values = element === '*' ? ['*'] : typeof element === 'object' && element !== null ? toList((element as Record<string, unknown>).AWS) : [];
  const hit = values.some(named);
  return statement.Principal !== undefined ? (hit ? 'yes' : 'no') : hit ? 'no' : 'yes';
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
