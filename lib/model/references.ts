/**
 * Which resources a template value refers to, without resolving anything: what the start-up
 * report needs to say who depends on a resource that is not served.
 */
import type { CfnResource } from './intrinsics';

/**
 * The logical ids a value refers to through `Ref`, `Fn::GetAtt` and `Fn::Sub` (`${Id}`,
 * `${Id.Attribute}`), at any depth. Pseudo parameters (`AWS::Region`) are left out; template
 * parameters are not, callers look ids up among resources.
 */
export function referencedIds(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const obj = value as Record<string, unknown>;
  if (typeof obj.Ref === 'string' && !obj.Ref.startsWith('AWS::')) out.add(obj.Ref);
  const att = obj['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') out.add(att[0]);
  else if (typeof att === 'string') out.add(att.split('.')[0]);
  const sub = obj['Fn::Sub'];
  if (sub !== undefined) subReferences(sub, out);
  for (const [k, v] of Object.entries(obj)) if (k !== 'Fn::Sub') referencedIds(v, out);
  return out;
}

/** `${Id}` and `${Id.Attr}` in a `Fn::Sub` text, except the names its own variable map defines. */
function subReferences(sub: unknown, out: Set<string>): void {
  const [text, vars] = Array.isArray(sub) ? [sub[0], sub[1] as Record<string, unknown> | undefined] : [sub, undefined];
  if (vars) referencedIds(vars, out);
  if (typeof text !== 'string') return;
  for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
    const name = m[1].split('.')[0];
    if (!name.startsWith('AWS::') && !(vars && name in vars)) out.add(name);
  }
}

/** True when `value` refers to `logicalId`. */
export function refersTo(value: unknown, logicalId: string): boolean {
  return referencedIds(value).has(logicalId);
}

/** An `Allow` statement's actions on one resource, from IAM policy documents. */
export interface Grant {
  /** The role the policy is attached to (its logical id). */
  readonly roleLogicalId: string;
  readonly actions: readonly string[];
}

/**
 * What each role of a template is allowed to do on `logicalId`: statements of `AWS::IAM::Policy`
 * and `AWS::IAM::ManagedPolicy` resources (through their `Roles`) and of roles' inline `Policies`.
 */
export function grantsOn(resources: Readonly<Record<string, CfnResource>>, logicalId: string): Grant[] {
  const grants: Grant[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      const actions = actionsOn(p.PolicyDocument, logicalId);
      if (!actions.length) continue;
      for (const role of Array.isArray(p.Roles) ? p.Roles : []) {
        for (const roleId of referencedIds(role)) grants.push({ roleLogicalId: roleId, actions });
      }
    } else if (r.Type === 'AWS::IAM::Role') {
      const inline = Array.isArray(p.Policies) ? p.Policies : [];
      const actions = inline.flatMap((policy) => actionsOn((policy as { PolicyDocument?: unknown }).PolicyDocument, logicalId));
      if (actions.length) grants.push({ roleLogicalId: id, actions: [...new Set(actions)] });
    }
  }
  return grants;
}

function actionsOn(document: unknown, logicalId: string): string[] {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const actions = new Set<string>();
  for (const s of list as Array<Record<string, unknown>>) {
    if (s.Effect !== 'Allow' || !refersTo(s.Resource, logicalId)) continue;
    for (const a of Array.isArray(s.Action) ? s.Action : [s.Action]) if (typeof a === 'string') actions.add(a);
  }
  return [...actions];
}
