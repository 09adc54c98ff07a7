/**
 * Whether a rule may hand an event to a bus of another account: that bus's resource policy must
 * admit the sender, as EventBridge requires of a cross-account event bus target. The sender is
 * the target's role when it has one (`RoleArn`), else the rule's account; a policy naming the
 * sender's account admits either (across accounts, naming an account delegates to it). Within
 * one account nothing is checked here: the role's own policy decides there, and the roles of
 * rule targets are not in the app model, so their identity policies are not evaluated.
 */
import type { ResourcePolicyModel, RuleModel, RuleTargetModel } from '../../model';
import { RequestContext, evaluate, type Decision, type NamedPolicy, type Principal } from '../../iam';

/** Evaluates cross-account bus targets against the target buses' policies. */
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
   * The decision for one hand-over: `undefined` within one account (not checked here), else
   * whether the target bus's policy admits the sender for this event.
   */
  decide(rule: RuleModel, target: RuleTargetModel, event: Readonly<Record<string, unknown>>): Decision | undefined {
    const sender = rule.arn.split(':')[4];
    const owner = target.arn.split(':')[4];
    if (sender === owner) return undefined;
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
}

/** An explicit deny in either wins, then an allow in either, then what is undecidable, else the implicit deny. */
function strongest(a: Decision, b: Decision): Decision {
  const rank = (d: Decision) => (d.effect === 'deny' && d.reason !== 'implicit' ? 0 : d.effect === 'allow' ? 1 : d.effect === 'undecidable' ? 2 : 3);
  return rank(a) <= rank(b) ? a : b;
}
