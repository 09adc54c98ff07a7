/**
 * The permission check of the local AWS endpoint: each call a function makes (told by its
 * credentials, see credentials.ts) is evaluated against the function's synthesized role and the
 * resource's resource-based policies. `enforce` answers what AWS would not allow with
 * `AccessDeniedException` in the service's error shape; `warn` lets it through and reports each
 * distinct gap once, with the fix in CDK terms; `off` checks nothing. Calls signed with any other
 * key (a developer's script, a test's `local` credentials) are not evaluated.
 */
import { EventEmitter } from 'node:events';
import type { AppModel, FunctionModel, RuleModel, RuleTargetModel } from '../../model';
import { RequestContext, accessDeniedMessage, evaluate, fixFor, isUndecidable, type ApplicablePolicies, type AuthorizationRequest, type Decision, type NamedPolicy, type Principal } from '../../iam';
import type { AwsServiceError } from '../aws/protocol';
import { requiredPermissions, type ArnResolver, type EndpointRequest, type RequiredPermission } from './actions';
import { callerAccessKeyId, functionAccessKeyId } from './credentials';
import { accessDenied } from './denied';
import { ForwardingPolicies } from './forwarding';
import { roleIdentity } from './managed-policies';

/** How calls are checked: `enforce` denies as AWS would, `warn` reports and lets through, `off` checks nothing. */
export type IamMode = 'enforce' | 'warn' | 'off';
/** Distinct gaps kept and reported; past it, calls are still checked, and denied under `enforce`. */
const MAX_GAPS = 10_000;

/** The modes, for flag parsing. */
export const IAM_MODES: readonly IamMode[] = ['enforce', 'warn', 'off'];

/** A call AWS would not allow (or that cannot be decided here), reported once per function, action, resource and outcome. */
export interface PermissionGap {
  /** The function's printed name (`rule <name>` for a rule forwarding to another account's bus). */
  readonly functionName: string;
  readonly action: string;
  readonly resource: string;
  /** `deny` (implicit or explicit) or `undecidable`. */
  readonly decision: Decision;
  /** AWS's `AccessDeniedException` message for the call. */
  readonly message: string;
  /** The fix, in CDK terms (`table.grantWriteData(fn)`). */
  readonly fix: string;
  /** What the local endpoint did: denied it (`enforce`) or let it through (`warn`). */
  readonly mode: Exclude<IamMode, 'off'>;
}

interface Caller {
  readonly fn: FunctionModel;
  readonly principal: Principal;
  readonly policies: ApplicablePolicies;
  readonly context: RequestContext;
}

/** Events of {@link IamGate}. */
export interface IamGateEvents {
  gap: [PermissionGap];
}

/** Evaluates the calls functions make to the endpoint. */
export class IamGate extends EventEmitter<IamGateEvents> {
  private readonly callers = new Map<string, Caller>();
  /** Resource policies by the ARN of each resource they are attached to. */
  private readonly resourcePolicies = new Map<string, NamedPolicy[]>();
  private readonly reported = new Set<string>();
  /** The target buses' policies, for rules forwarding across accounts. */
  private readonly forwarding: ForwardingPolicies;
  private readonly gapList: PermissionGap[] = [];
  private evaluatedCalls = 0;

  constructor(
    model: AppModel,
    /** How calls are checked. */
    readonly mode: IamMode,
    private readonly arns: ArnResolver,
  ) {
    super();
    for (const fn of model.functions) this.callers.set(functionAccessKeyId(fn.name), callerOf(fn, model));
    this.forwarding = new ForwardingPolicies(model.resourcePolicies ?? []);
    for (const policy of model.resourcePolicies ?? []) {
      for (const arn of policy.resourceArns) this.resourcePolicies.set(arn, [...(this.resourcePolicies.get(arn) ?? []), named(policy)]);
    }
  }

  /** How many calls made by functions were evaluated (allowed or not) since the app started. */
  get evaluated(): number {
    return this.evaluatedCalls;
  }

  /**
   * Checks a rule's hand-over of an event to a bus of another account against that bus's policy
   * (see forwarding.ts); reports a gap as for a function's call (named `rule <name>`), and under
   * `enforce` answers the error the delivery fails with. Undefined: let through.
   */
  authorizeForward(rule: RuleModel, target: RuleTargetModel, event: Readonly<Record<string, unknown>>): string | undefined {
    if (this.mode === 'off') return undefined;
    const decision = this.forwarding.decide(rule, target, event);
    if (!decision || decision.effect === 'allow') return undefined;
    const sender = rule.arn.split(':')[4];
    const within = sender === target.arn.split(':')[4];
    const principal = target.roleArn ?? `arn:aws:iam::${sender}:root`;
    const message = within
      ? accessDeniedMessage({ principal: { accountId: sender, roleArn: principal, sessionArn: principal }, action: 'events:PutEvents', resource: target.arn }, decision)
      : `${principal} is not authorized to perform: events:PutEvents on resource: ${target.arn} because no resource-based policy allows the events:PutEvents action`;
    const gap: PermissionGap = {
      functionName: `rule ${rule.displayName ?? rule.name}`,
      action: 'events:PutEvents',
      resource: target.arn,
      decision,
      message,
      fix: within
        ? `let the target's role put events on the bus: targetBus.grantPutEventsTo(role) (the EventBus target of aws-events-targets does it for the role it makes)`
        : `admit the sender on the target bus: receiveEvents(id, { from: { account: '${sender}'${target.roleArn ? `, roleArn: '${target.roleArn}'` : ''} }, events }) in the consumer's app, or bus.addToResourcePolicy(...)`,
      mode: this.mode,
    };
    this.remember(gap);
    return this.mode === 'enforce' ? message : undefined;
  }

  /** Every distinct gap reported so far, in order. */
  get gaps(): readonly PermissionGap[] {
    return this.gapList;
  }

  /**
   * Checks one call; in `enforce`, throws the service's `AccessDeniedException` when AWS would
   * not allow it (or when it cannot be decided here).
   */
  authorize(headers: Readonly<Record<string, string | string[] | undefined>>, request: EndpointRequest): void {
    if (this.mode === 'off') return;
    const key = callerAccessKeyId(headers, request.query);
    const caller = key === undefined ? undefined : this.callers.get(key);
    if (!caller) return;
    this.evaluatedCalls++;
    const required = requiredPermissions(request, this.arns);
    const checks: Array<{ need: Pick<RequiredPermission, 'action' | 'resource'>; decision: Decision }> = isUndecidable(required)
      ? [{ need: { action: `${request.service}:${request.operation}`, resource: '*' }, decision: { effect: 'undecidable', reasons: [required.undecidable] } }]
      : required.map((need) => ({ need, decision: this.decide(caller, need) }));
    for (const { need, decision } of checks) {
      if (decision.effect === 'allow') continue;
      const gap = this.report(caller, need, decision);
      if (this.mode === 'enforce') throw this.denied(request, gap);
    }
  }

  private decide(caller: Caller, need: RequiredPermission): Decision {
    const request: AuthorizationRequest = {
      principal: caller.principal,
      action: need.action,
      resource: need.resource,
      context: caller.context.with({ 'aws:CurrentTime': new Date().toISOString(), 'aws:EpochTime': String(Math.floor(Date.now() / 1000)), ...need.context }),
    };
    return evaluate(request, { ...caller.policies, resource: this.resourcePolicies.get(need.resource) ?? [] });
  }

  private report(caller: Caller, need: Pick<RequiredPermission, 'action' | 'resource'>, decision: Decision): PermissionGap {
    const gap: PermissionGap = {
      functionName: caller.fn.displayName ?? caller.fn.name,
      action: need.action,
      resource: need.resource,
      decision,
      message: accessDeniedMessage({ principal: caller.principal, ...need }, decision),
      fix: fixFor(need, decision),
      mode: this.mode as Exclude<IamMode, 'off'>,
    };
    this.remember(gap);
    return gap;
  }

  /** Reports a gap once per caller, action, resource and outcome. */
  private remember(gap: PermissionGap): void {
    const key = JSON.stringify([gap.functionName, gap.action, gap.resource, gap.decision.effect]);
    // Bounded: a handler calling ever-new resource names must not grow memory without end (its calls are still checked).
    if (!this.reported.has(key) && this.reported.size < MAX_GAPS) {
      this.reported.add(key);
      this.gapList.push(gap);
      this.emit('gap', gap);
    }
  }

  private denied(request: EndpointRequest, gap: PermissionGap): AwsServiceError {
    // SQS words its actions in lowercase in this message (`sqs:sendmessage`).
    return accessDenied(request.service, request.service === 'sqs' ? gap.message.replaceAll(gap.action, gap.action.toLowerCase()) : gap.message);
  }
}

/** The one line `dev` prints for a gap. */
export function gapLine(gap: PermissionGap): string {
  const what = `${gap.functionName} calls ${gap.action}${gap.resource === '*' ? '' : ` on ${gap.resource}`}`;
  const outcome = gap.mode === 'enforce' ? 'denied (--iam enforce)' : 'allowed locally (--iam warn)';
  if (gap.decision.effect === 'undecidable') return `iam: ${what}: cannot be decided locally (${gap.decision.reasons.join('; ')}); ${outcome}`;
  const why = gap.decision.effect === 'deny' && gap.decision.reason !== 'implicit' ? `an explicit Deny in ${gap.decision.source}` : 'no policy of its role allows it';
  return `iam: ${what}: AWS denies it (${why}); ${outcome}. Fix: ${gap.fix}`;
}

/** A function's principal, policies and the condition keys every call of it carries. */
function callerOf(fn: FunctionModel, model: AppModel): Caller {
  const role = fn.role;
  const name = role?.name ?? `${fn.name}-role`;
  const roleArn = role?.arn ?? `arn:aws:iam::${model.accountId}:role/${name}`;
  const principal: Principal = { accountId: model.accountId, roleArn, sessionArn: `arn:aws:sts::${model.accountId}:assumed-role/${name}/${fn.name}` };
  const { identity, unknownIdentity } = roleIdentity(role, `the role of ${fn.displayName ?? fn.name}`);
  const context = principalContext(principal, model, role?.tags ?? {});
  // Outside a VPC, calls reach AWS over the public endpoints: no VPC keys. Inside one, a VPC endpoint may add them.
  if (!fn.inVpc) for (const key of ['aws:SourceVpc', 'aws:SourceVpce', 'aws:VpcSourceIp', 'aws:SourceVpcArn']) context.set(key, null);
  return { fn, principal, policies: { identity, unknownIdentity }, context };
}

/**
 * The global condition keys of a call from a function, as AWS sets them for a role session
 * calling a service directly (IAM User Guide, "AWS global condition context keys"). Keys that
 * depend on what this machine cannot know (the caller's public IP, its VPC, the account's
 * organization, the role's unique id, resource tags) are left unknown.
 */
function principalContext(principal: Principal, model: AppModel, tags: Readonly<Record<string, string>>): RequestContext {
  const ctx = new RequestContext({
    'aws:PrincipalArn': principal.roleArn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    'aws:PrincipalServiceName': null,
    'aws:ResourceAccount': model.accountId,
    'aws:RequestedRegion': model.region,
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
    'aws:CalledVia': null,
    'aws:CalledViaFirst': null,
    'aws:CalledViaLast': null,
    'aws:SourceArn': null,
    'aws:SourceAccount': null,
    'aws:SourceOwner': null,
    'aws:SourceIdentity': null,
    'aws:username': null,
    'aws:FederatedProvider': null,
    'aws:MultiFactorAuthPresent': null,
    'aws:MultiFactorAuthAge': null,
    'aws:RequestTag/*': null,
    'aws:TagKeys': null,
    'aws:PrincipalTag/*': null,
  });
  for (const [k, v] of Object.entries(tags)) ctx.set(`aws:PrincipalTag/${k}`, v);
  return ctx;
}

function named(p: { source: string; document?: unknown; unresolved?: string }): NamedPolicy {
  return { source: p.source, document: p.document, unresolved: p.unresolved };
}
