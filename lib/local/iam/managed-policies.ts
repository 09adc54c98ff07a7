/**
 * The AWS managed policies that CDK attaches to Lambda execution roles, with the statements AWS
 * publishes for them (IAM console, "AWS managed policies"), so that a call they allow is allowed
 * locally too. A managed policy not listed here is not known: a call only it could allow is
 * reported as undecidable, never guessed.
 */
import type { NamedPolicy } from '../../iam';
import type { RoleModel } from '../../model';

const LOGS = { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' };

/** Statements by policy name (the last segment of `arn:aws:iam::aws:policy/...`). */
const KNOWN: Readonly<Record<string, readonly object[]>> = {
  // Only CloudWatch Logs (and X-Ray): nothing the local endpoint serves.
  AWSLambdaBasicExecutionRole: [LOGS],
  AWSXRayDaemonWriteAccess: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'], Resource: '*' }],
  AWSLambdaVPCAccessExecutionRole: [
    LOGS,
    { Effect: 'Allow', Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: '*' },
  ],
  AWSLambdaSQSQueueExecutionRole: [LOGS, { Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: '*' }],
  AWSLambdaDynamoDBExecutionRole: [LOGS, { Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], Resource: '*' }],
};

/** The document of an AWS managed policy by its ARN, when known here. */
export function awsManagedPolicy(arn: string): { Statement: readonly object[] } | undefined {
  const m = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  const statements = m ? KNOWN[m[1]] : undefined;
  return statements ? { Statement: statements } : undefined;
}

/**
 * A role's identity-based policies as the evaluation takes them: its declared policies and the
 * AWS managed ones known here; `unknownIdentity` names what could allow more (a managed policy
 * not known here, or the whole role when the template does not declare it, named `whose`).
 */
export function roleIdentity(role: RoleModel | undefined, whose: string): { identity: NamedPolicy[]; unknownIdentity: string[] } {
  const identity: NamedPolicy[] = (role?.policies ?? []).map((p) => ({ source: p.source, document: p.document, unresolved: p.unresolved }));
  const unknownIdentity: string[] = role ? [] : [`${whose} (not in the template)`];
  for (const arn of role?.managedPolicyArns ?? []) {
    const document = awsManagedPolicy(arn);
    if (document) identity.push({ source: arn, document });
    else unknownIdentity.push(arn);
  }
  return { identity, unknownIdentity };
}
