/**
 * What a decision says to a developer: AWS's `AccessDeniedException` message for a denied call,
 * and the fix in CDK terms for a permission the role lacks.
 */
import type { AuthorizationRequest, Decision } from './evaluate';

/**
 * AWS's wording of a denied call (IAM User Guide, "Access denied error messages"):
 * `User: <session ARN> is not authorized to perform: <action> on resource: <ARN> because no
 * identity-based policy allows the <action> action`, or `... with an explicit deny in an
 * identity-based policy` (`resource-based` for a resource policy's Deny).
 */
export function accessDeniedMessage(request: Pick<AuthorizationRequest, 'principal' | 'action' | 'resource'>, decision: Decision): string {
  const on = request.resource === '*' ? '' : ` on resource: ${request.resource}`;
  const head = `User: ${request.principal.sessionArn} is not authorized to perform: ${request.action}${on}`;
  if (decision.effect === 'deny' && decision.reason === 'explicit-identity') return `${head} with an explicit deny in an identity-based policy`;
  if (decision.effect === 'deny' && decision.reason === 'explicit-resource') return `${head} with an explicit deny in a resource-based policy`;
  if (decision.effect === 'undecidable') {
    return `${head}: switchyard cannot decide this call locally (${decision.reasons.join('; ')}), so --iam enforce denies it`;
  }
  return `${head} because no identity-based policy allows the ${request.action} action`;
}

/** CDK grants that cover an action, by service and action (lowercase), in the grant methods' words. */
const GRANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dynamodb: {
    getitem: 'table.grantReadData(fn)',
    batchgetitem: 'table.grantReadData(fn)',
    query: 'table.grantReadData(fn)',
    scan: 'table.grantReadData(fn)',
    conditioncheckitem: 'table.grantReadData(fn)',
    describetable: 'table.grantReadData(fn)',
    putitem: 'table.grantWriteData(fn)',
    updateitem: 'table.grantWriteData(fn)',
    deleteitem: 'table.grantWriteData(fn)',
    batchwriteitem: 'table.grantWriteData(fn)',
  },
  sqs: {
    sendmessage: 'queue.grantSendMessages(fn)',
    getqueueurl: 'queue.grantSendMessages(fn) or queue.grantConsumeMessages(fn)',
    getqueueattributes: 'queue.grantSendMessages(fn) or queue.grantConsumeMessages(fn)',
    receivemessage: 'queue.grantConsumeMessages(fn)',
    deletemessage: 'queue.grantConsumeMessages(fn)',
    changemessagevisibility: 'queue.grantConsumeMessages(fn)',
    purgequeue: 'queue.grantPurge(fn)',
  },
  events: { putevents: "bus.grantPutEventsTo(fn), or Switchyard's `publishes: true` on the function" },
  lambda: { invokefunction: 'otherFn.grantInvoke(fn)' },
  secretsmanager: { getsecretvalue: 'secret.grantRead(fn)', describesecret: 'secret.grantRead(fn)' },
  ssm: { getparameter: 'parameter.grantRead(fn)', getparameters: 'parameter.grantRead(fn)' },
};

/** The fix for a call the decision did not allow, in CDK terms. */
export function fixFor(request: Pick<AuthorizationRequest, 'action' | 'resource'>, decision: Decision): string {
  if (decision.effect === 'deny' && decision.reason !== 'implicit') {
    return `narrow or remove the Deny statement in ${decision.source} that matches ${request.action}`;
  }
  if (decision.effect === 'undecidable') return 'check the statements named above; in AWS their outcome depends on what this machine does not know';
  const [service, action = ''] = request.action.split(':');
  const grant = GRANTS[service.toLowerCase()]?.[action.toLowerCase()];
  if (grant) return grant;
  const resources = request.resource === '*' ? "'*'" : `'${request.resource}'`;
  return `fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['${request.action}'], resources: [${resources}] }))`;
}
