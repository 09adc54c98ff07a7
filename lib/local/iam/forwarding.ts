/**
 * Whether a rule may hand an event to another bus, as EventBridge decides it:
 * - across accounts, that bus's resource policy must admit the sender. The sender is the
 *   target's role when it has one (`RoleArn`), else the rule's account; a policy naming the
 *   sender's account admits either (across accounts, naming an account delegates to it);
 * - within one account, the target's role puts the event: its identity-based policies (or the
 *   bus's policy) must allow `events:PutEvents` on the bus. A target without a role, or whose
 *   role the template only names by ARN, is not checked: its policies are not known here.
 */
import type { ResourcePolicyModel, RuleModel, RuleTargetModel } from '../../model';
import { RequestContext, evaluate, type Decision, type NamedPolicy, type Principal } from '../../iam';
import { roleIdentity } from './managed-policies';

/** Evaluates bus targets: across accounts against the target buses' policies, within one against the target's role. */
export class ForwardingPolicies {
  private readonly byBus = new Map<string, NamedPolicy[]>();

  constructor(policies: readonly ResourcePolicyModel[]) {
    for (const p of policies) {
      for (const arn of p.resourceArns) {
        if (!arn.includes(':event-bus/')) continue;
        this.byBus.set(arn, [...(this.byBus.get(arn) ?? []), { source: p.source, document: p.document, unresolved: p.unresolved }]);
      }
    }
  }

  /**
   * The decision for one hand-over: whether the target bus's policy admits the sender for this
   * event (across accounts), or whether the target's role may put it there (within one
   * account); `undefined` when that role's policies are not known here.
   */
  decide(rule: RuleModel, target: RuleTargetModel, event: Readonly<Record<string, unknown>>): Decision | undefined {
    const sender = rule.arn.split(':')[4];
    const owner = target.arn.split(':')[4];
    if (sender === owner) return this.decideWithin(sender, target, event);
    const context = new RequestContext({
      'events:source': String(event.source),
      'events:detail-type': String(event['detail-type']),
      'aws:PrincipalAccount': sender,
      'aws:SourceAccount': sender,
      'aws:SourceArn': rule.arn,
      'aws:ResourceAccount': owner,
    });
    const request = (principal: Principal) => ({ principal, action: 'events:PutEvents', resource: target.arn, context });
    const policies = { identity: [], resource: this.byBus.get(target.arn) ?? [] };
    const root = `arn:aws:iam::${sender}:root`;
    const asAccount = evaluate(request({ accountId: sender, roleArn: root, sessionArn: root }), policies);
    if (!target.roleArn) return asAccount;
    const asRole = evaluate(request({ accountId: sender, roleArn: target.roleArn, sessionArn: target.roleArn }), policies);
    return strongest(asRole, asAccount);
  }

  /**
   * Within one account: the target's role, as a session of EventBridge's, puts the event; its
   * identity-based policies or the bus's own policy may allow it.
   */
  private decideWithin(account: string, target: RuleTargetModel, event: Readonly<Record<string, unknown>>): Decision | undefined {
    const role = target.role;
    if (!role?.declaredAt) return undefined;
    const principal: Principal = { accountId: account, roleArn: role.arn, sessionArn: `arn:aws:sts::${account}:assumed-role/${role.name}/events` };
    const context = new RequestContext({
      'events:source': String(event.source),
      'events:detail-type': String(event['detail-type']),
      'aws:PrincipalArn': role.arn,
      'aws:PrincipalAccount': account,
      'aws:ResourceAccount': account,
    });
    const { identity, unknownIdentity } = roleIdentity(role, `the role of the target`);
    return evaluate({ principal, action: 'events:PutEvents', resource: target.arn, context }, { identity, unknownIdentity, resource: this.byBus.get(target.arn) ?? [] });
  }
}

/** An explicit deny in either wins, then an allow in either, then what is undecidable, else the implicit deny. */
function strongest(a: Decision, b: Decision): Decision {
  const rank = (d: Decision) => (d.effect === 'deny' && d.reason !== 'implicit' ? 0 : d.effect === 'allow' ? 1 : d.effect === 'undecidable' ? 2 : 3);
  return rank(a) <= rank(b) ? a : b;
}
