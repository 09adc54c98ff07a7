/** The IAM evaluator: wildcards, Deny over Allow, NotAction/NotResource, resource policies, conditions, and what it cannot decide. */
import * as fc from 'fast-check';
import { RequestContext, accessDeniedMessage, arnMatch, evaluate, fixFor, type AuthorizationRequest, type NamedPolicy } from '../../lib/iam';

const principal = {
  accountId: '111122223333',
  roleArn: 'arn:aws:iam::111122223333:role/app-Fn-role',
  sessionArn: 'arn:aws:sts::111122223333:assumed-role/app-Fn-role/app-Fn',
};
const TABLE = 'arn:aws:dynamodb:us-east-1:111122223333:table/Orders';

function request(action: string, resource = TABLE, context: Record<string, string | string[] | null> = {}): AuthorizationRequest {
  return { principal, action, resource, context: new RequestContext(context) };
}
function policy(...Statement: object[]): NamedPolicy {
  return { source: 'Stack/Policy', document: { Version: '2012-10-17', Statement } };
}
const allow = (Action: unknown, Resource: unknown = TABLE, extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = TABLE, extra: object = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });

describe('identity policies', () => {
  test.each([
    ['exact action and resource', allow('dynamodb:GetItem'), 'dynamodb:GetItem', 'allow'],
    ['action wildcard', allow('dynamodb:Get*'), 'dynamodb:GetItem', 'allow'],
    ['actions compare case-insensitively', allow('DynamoDB:getitem'), 'dynamodb:GetItem', 'allow'],
    ['? matches one character', allow('dynamodb:GetIte?'), 'dynamodb:GetItem', 'allow'],
    ['another action', allow('dynamodb:GetItem'), 'dynamodb:PutItem', 'deny'],
    ['a list of actions', allow(['dynamodb:Query', 'dynamodb:PutItem']), 'dynamodb:PutItem', 'allow'],
    ['NotAction allows every other action', { Effect: 'Allow', NotAction: 'dynamodb:DeleteItem', Resource: '*' }, 'dynamodb:PutItem', 'allow'],
    ['NotAction excludes its own', { Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' }, 'dynamodb:DeleteItem', 'deny'],
    ['NotResource allows other resources', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:dynamodb:*:*:table/Secret*' }, 'dynamodb:GetItem', 'allow'],
    ['NotResource excludes matching resources', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:dynamodb:*:*:table/Ord*' }, 'dynamodb:GetItem', 'deny'],
    ['resource wildcard within a segment', allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:111122223333:table/*'), 'dynamodb:GetItem', 'allow'],
    ['resource of another account', allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:999999999999:table/*'), 'dynamodb:GetItem', 'deny'],
    ['resources compare case-sensitively', allow('dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/orders'), 'dynamodb:GetItem', 'deny'],
  ])('%s', (_name, statement, action, effect) => {
    expect(evaluate(request(action), { identity: [policy(statement)] }).effect).toBe(effect);
  });

  test('no policy at all is an implicit deny, worded as AWS words it', () => {
    const r = request('dynamodb:PutItem');
    const d = evaluate(r, { identity: [] });
    expect(d).toEqual({ effect: 'deny', reason: 'implicit' });
    expect(accessDeniedMessage(r, d)).toBe(
      `User: arn:aws:sts::111122223333:assumed-role/app-Fn-role/app-Fn is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(fixFor(r, d)).toBe('table.grantWriteData(fn)');
  });

  test('an explicit Deny wins over an Allow, in the same policy or another', () => {
    const r = request('dynamodb:DeleteItem');
    const d = evaluate(r, { identity: [policy(allow('dynamodb:*')), { source: 'Stack/Guard', document: { Statement: deny('dynamodb:DeleteItem') } }] });
    expect(d).toEqual({ effect: 'deny', reason: 'explicit-identity', source: 'Stack/Guard' });
    expect(accessDeniedMessage(r, d)).toMatch(/ on resource: .*table\/Orders with an explicit deny in an identity-based policy$/);
    expect(fixFor(r, d)).toContain('Stack/Guard');
  });

  test('property: a matching Deny anywhere denies, whatever else allows', () => {
    const statement = fc.oneof(
      fc.constant(allow('*', '*')),
      fc.constant(allow('dynamodb:*')),
      fc.constant(allow('dynamodb:PutItem')),
      fc.constant(allow('sqs:*', '*')),
      fc.constant(deny('sqs:*', '*')),
    );
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 6 }), fc.nat({ max: 6 }), (statements, at) => {
        const withDeny = [...statements];
        withDeny.splice(Math.min(at, withDeny.length), 0, deny('dynamodb:Put*', 'arn:aws:dynamodb:*:*:table/*'));
        return evaluate(request('dynamodb:PutItem'), { identity: [policy(...withDeny)] }).effect === 'deny';
      }),
    );
  });

  test('property: with Allow statements only, the call is allowed exactly when one of them matches', () => {
    const actions = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:*', 'sqs:SendMessage', '*'];
    const resources = [TABLE, `${TABLE}/index/*`, 'arn:aws:dynamodb:us-east-1:111122223333:table/Other', '*'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...actions), fc.constantFrom(...resources)), { maxLength: 5 }), (pairs) => {
        const matches = pairs.some(([a, r]) => (a === '*' || a === 'dynamodb:*' || a === 'dynamodb:PutItem') && (r === TABLE || r === '*'));
        const d = evaluate(request('dynamodb:PutItem'), { identity: [policy(...pairs.map(([a, r]) => allow(a, r)))] });
        return d.effect === (matches ? 'allow' : 'deny');
      }),
    );
  });
});

describe('properties of the Not forms', () => {
  const ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'sqs:SendMessage', 'events:PutEvents'];
  const PATTERNS = [...ACTIONS, 'dynamodb:*', 'dynamodb:*Item', '*', 'sqs:Send?essage'];

  test('Allow with NotAction allows exactly the actions that Allow with Action (same list) does not', () => {
    fc.assert(
      fc.property(fc.subarray(PATTERNS), fc.constantFrom(...ACTIONS), (patterns, action) => {
        const byAction = evaluate(request(action, '*'), { identity: [policy({ Effect: 'Allow', Action: patterns, Resource: '*' })] }).effect;
        const byNotAction = evaluate(request(action, '*'), { identity: [policy({ Effect: 'Allow', NotAction: patterns, Resource: '*' })] }).effect;
        return (byAction === 'allow') !== (byNotAction === 'allow');
      }),
    );
  });

  test('a negated string operator is the opposite of its positive form for a present single-valued key', () => {
    const values = ['a', 'b', 'A', 'ab', 'b*'];
    const pairs: Array<[string, string]> = [['StringEquals', 'StringNotEquals'], ['StringLike', 'StringNotLike'], ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase']];
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.subarray(values, { minLength: 1 }), fc.constantFrom(...values), ([positive, negated], policyValues, requestValue) => {
        const decide = (operator: string) =>
          evaluate(request('dynamodb:GetItem', TABLE, { 'test:k': requestValue }), { identity: [policy(allow('dynamodb:GetItem', TABLE, { Condition: { [operator]: { 'test:k': policyValues } } }))] }).effect;
        return (decide(positive) === 'allow') !== (decide(negated) === 'allow');
      }),
    );
  });
});

describe('fixes in CDK terms', () => {
  const implicit = { effect: 'deny', reason: 'implicit' } as const;
  test.each([
    ['dynamodb:Query', TABLE, 'table.grantReadData(fn)'],
    ['sqs:SendMessage', 'arn:aws:sqs:us-east-1:111122223333:jobs', 'queue.grantSendMessages(fn)'],
    ['sqs:DeleteMessage', 'arn:aws:sqs:us-east-1:111122223333:jobs', 'queue.grantConsumeMessages(fn)'],
    ['events:PutEvents', 'arn:aws:events:us-east-1:111122223333:event-bus/orders', "bus.grantPutEventsTo(fn), or Switchyard's `publishes: true` on the function"],
    ['lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:111122223333:function:other', 'otherFn.grantInvoke(fn)'],
    ['secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:k-AbCdEf', 'secret.grantRead(fn)'],
    // No grant method covers it: the statement to add, with the exact action and ARN.
    ['ssm:GetParametersByPath', 'arn:aws:ssm:us-east-1:111122223333:parameter/app', "fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParametersByPath'], resources: ['arn:aws:ssm:us-east-1:111122223333:parameter/app'] }))"],
    ['sqs:ListQueues', '*', "fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:ListQueues'], resources: ['*'] }))"],
  ])('%s', (action, resource, fix) => {
    expect(fixFor({ action, resource }, implicit)).toBe(fix);
  });

  test('a call on no particular resource is worded without "on resource"', () => {
    expect(accessDeniedMessage(request('sqs:ListQueues', '*'), implicit)).toBe(`User: ${principal.sessionArn} is not authorized to perform: sqs:ListQueues because no identity-based policy allows the sqs:ListQueues action`);
  });
});

describe('ARN matching', () => {
  test('a wildcard does not cross the segments of an ARN', () => {
    expect(arnMatch('arn:aws:sqs:*:111122223333:jobs', 'arn:aws:sqs:us-east-1:111122223333:jobs')).toBe(true);
    // As one string, `*` would swallow `us-east-1:999999999999` and match the account in the resource.
    expect(arnMatch('arn:aws:sqs:*:111122223333:jobs', 'arn:aws:sqs:us-east-1:999999999999:111122223333:jobs')).toBe(false);
    expect(arnMatch('arn:aws:lambda:*:*:function:fn*', 'arn:aws:lambda:us-east-1:1:function:fn:live')).toBe(true);
  });
});

describe('conditions', () => {
  const stage = (operator: string, values: unknown) => allow('secretsmanager:GetSecretValue', '*', { Condition: { [operator]: { 'secretsmanager:VersionStage': values } } });
  test.each([
    ['StringEquals, equal', 'StringEquals', 'AWSCURRENT', 'AWSCURRENT', 'allow'],
    ['StringEquals, not equal', 'StringEquals', 'AWSPREVIOUS', 'AWSCURRENT', 'deny'],
    ['StringEquals, one of the values', 'StringEquals', ['AWSPREVIOUS', 'AWSCURRENT'], 'AWSCURRENT', 'allow'],
    ['StringNotEquals', 'StringNotEquals', 'AWSPREVIOUS', 'AWSCURRENT', 'allow'],
    ['StringLike with a wildcard', 'StringLike', 'AWS*', 'AWSCURRENT', 'allow'],
    ['StringEqualsIgnoreCase', 'StringEqualsIgnoreCase', 'awscurrent', 'AWSCURRENT', 'allow'],
    ['ForAnyValue:StringEquals, as CDK grantRead(fn, stages) writes it', 'ForAnyValue:StringEquals', ['AWSCURRENT'], 'AWSCURRENT', 'allow'],
    ['ForAnyValue with the key absent', 'ForAnyValue:StringEquals', ['AWSCURRENT'], null, 'deny'],
    ['ForAllValues with the key absent', 'ForAllValues:StringEquals', ['AWSCURRENT'], null, 'allow'],
    ['a positive operator with the key absent', 'StringEquals', 'AWSCURRENT', null, 'deny'],
    ['a negated operator with the key absent', 'StringNotEquals', 'AWSCURRENT', null, 'allow'],
    ['...IfExists with the key absent', 'StringEqualsIfExists', 'AWSPREVIOUS', null, 'allow'],
    ['...IfExists with the key present', 'StringEqualsIfExists', 'AWSPREVIOUS', 'AWSCURRENT', 'deny'],
    ['Null true: key absent', 'Null', 'true', null, 'allow'],
    ['Null false: key present', 'Null', 'false', 'AWSCURRENT', 'allow'],
  ])('%s', (_name, operator, values, requestValue, effect) => {
    const r = request('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf', { 'secretsmanager:VersionStage': requestValue });
    expect(evaluate(r, { identity: [policy(stage(operator, values))] }).effect).toBe(effect);
  });

  test.each([
    ['NumericLessThan', 'NumericLessThan', '100', '99', 'allow'],
    ['NumericLessThan, equal', 'NumericLessThan', '100', '100', 'deny'],
    ['DateLessThan with an ISO date', 'DateLessThan', '2030-01-01T00:00:00Z', '2026-11-30T10:00:00Z', 'allow'],
    ['DateGreaterThan with epoch seconds', 'DateGreaterThan', '1893456000', '2026-11-30T10:00:00Z', 'deny'],
    ['Bool', 'Bool', 'true', 'true', 'allow'],
    ['ArnLike', 'ArnLike', 'arn:aws:iam::*:role/app-*', principal.roleArn, 'allow'],
    ['ArnNotEquals', 'ArnNotEquals', 'arn:aws:iam::*:role/app-*', principal.roleArn, 'deny'],
  ])('%s', (_name, operator, policyValue, requestValue, effect) => {
    const s = allow('dynamodb:GetItem', TABLE, { Condition: { [operator]: { 'test:Key': policyValue } } });
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'test:key': requestValue }), { identity: [policy(s)] }).effect).toBe(effect);
  });

  test('keys are ANDed, values ORed', () => {
    const s = allow('dynamodb:GetItem', TABLE, { Condition: { StringEquals: { 'a:K': ['1', '2'], 'b:K': '3' } } });
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'a:k': '2', 'b:k': '3' }), { identity: [policy(s)] }).effect).toBe('allow');
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'a:k': '2', 'b:k': '4' }), { identity: [policy(s)] }).effect).toBe('deny');
  });

  test('a policy variable in a resource is replaced by the request value', () => {
    const s = allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:${aws:PrincipalAccount}:table/Orders');
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'aws:PrincipalAccount': '111122223333' }), { identity: [policy(s)] }).effect).toBe('allow');
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'aws:PrincipalAccount': '999999999999' }), { identity: [policy(s)] }).effect).toBe('deny');
  });

  test('a variable whose key is absent matches nothing, unless it has a default; one not known locally is undecidable', () => {
    const s = allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/${aws:username}');
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'aws:username': null }), { identity: [policy(s)] }).effect).toBe('deny');
    const withDefault = allow('dynamodb:GetItem', "arn:aws:dynamodb:*:*:table/${aws:username, 'Orders'}");
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'aws:username': null }), { identity: [policy(withDefault)] }).effect).toBe('allow');
    expect(evaluate(request('dynamodb:GetItem', TABLE), { identity: [policy(s)] }).effect).toBe('undecidable');
    const literal = allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/Ord${*}');
    expect(evaluate(request('dynamodb:GetItem', TABLE), { identity: [policy(literal)] }).effect).toBe('deny');
    expect(evaluate(request('dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/Ord*'), { identity: [policy(literal)] }).effect).toBe('allow');
  });
});

describe('what cannot be decided is said, never guessed', () => {
  test('an Allow that hangs on a key not known locally is undecidable, with the key named', () => {
    const s = allow('dynamodb:GetItem', TABLE, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } });
    const d = evaluate(request('dynamodb:GetItem'), { identity: [policy(s)] });
    expect(d.effect).toBe('undecidable');
    expect(JSON.stringify(d)).toContain('aws:PrincipalOrgID');
  });

  test('an operator not evaluated locally is undecidable', () => {
    const s = allow('dynamodb:GetItem', TABLE, { Condition: { IpAddress: { 'test:k': '10.0.0.0/8' } } });
    const d = evaluate(request('dynamodb:GetItem', TABLE, { 'test:k': '10.1.2.3' }), { identity: [policy(s)] });
    expect(d).toEqual({ effect: 'undecidable', reasons: ['Stack/Policy: the condition operator IpAddress is not evaluated locally'] });
  });

  test('an undecidable Deny makes an allowed call undecidable; an undecidable Allow does not make a denied call allowed', () => {
    const maybe = { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } };
    expect(evaluate(request('dynamodb:GetItem'), { identity: [policy(allow('dynamodb:*'), deny('dynamodb:GetItem', TABLE, maybe))] }).effect).toBe('undecidable');
    expect(evaluate(request('dynamodb:GetItem'), { identity: [policy(allow('dynamodb:*', TABLE, maybe), deny('dynamodb:GetItem'))] }).effect).toBe('deny');
    // With nothing that could allow it, the call is denied whatever the unknown Deny does.
    expect(evaluate(request('dynamodb:GetItem'), { identity: [policy(deny('dynamodb:GetItem', TABLE, maybe))] })).toEqual({ effect: 'deny', reason: 'implicit' });
  });

  test('a false condition decides a statement whose resource could not be', () => {
    const s = allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/${aws:userid}', { Condition: { StringEquals: { 'test:k': 'x' } } });
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'test:k': 'y' }), { identity: [policy(s)] })).toEqual({ effect: 'deny', reason: 'implicit' });
    expect(evaluate(request('dynamodb:GetItem', TABLE, { 'test:k': 'x' }), { identity: [policy(s)] }).effect).toBe('undecidable');
  });

  test('an AWS managed policy not known locally leaves an otherwise denied call undecidable', () => {
    const d = evaluate(request('dynamodb:GetItem'), { identity: [], unknownIdentity: ['arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess'] });
    expect(d.effect).toBe('undecidable');
  });
});

describe('resource policies', () => {
  const QUEUE = 'arn:aws:sqs:us-east-1:111122223333:jobs';
  const queuePolicy = (...Statement: object[]): NamedPolicy => ({ source: 'queue policy Stack/JobsPolicy', document: { Statement } });

  test.each([
    ['the role', principal.roleArn, 'allow'],
    ['the session', principal.sessionArn, 'allow'],
    ['everyone', '*', 'allow'],
    ['another role', 'arn:aws:iam::111122223333:role/other', 'deny'],
    // Naming the account delegates to identity policies, which grant nothing here.
    ['the account', 'arn:aws:iam::111122223333:root', 'deny'],
  ])('an Allow naming %s', (_name, who, effect) => {
    const rp = queuePolicy({ Effect: 'Allow', Principal: { AWS: who }, Action: 'sqs:SendMessage', Resource: QUEUE });
    expect(evaluate(request('sqs:SendMessage', QUEUE), { identity: [], resource: [rp] }).effect).toBe(effect);
  });

  test('a Deny naming the account applies to its roles, over their identity policies', () => {
    const rp = queuePolicy({ Effect: 'Deny', Principal: { AWS: '111122223333' }, Action: 'sqs:*', Resource: QUEUE });
    const r = request('sqs:SendMessage', QUEUE);
    const d = evaluate(r, { identity: [policy(allow('sqs:SendMessage', QUEUE))], resource: [rp] });
    expect(d).toEqual({ effect: 'deny', reason: 'explicit-resource', source: 'queue policy Stack/JobsPolicy' });
    expect(accessDeniedMessage(r, d)).toMatch(/with an explicit deny in a resource-based policy$/);
  });

  test('an undecidable Allow naming only the account cannot allow, so the call stays denied', () => {
    const rp = queuePolicy({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sqs:SendMessage', Resource: QUEUE, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } });
    expect(evaluate(request('sqs:SendMessage', QUEUE), { identity: [], resource: [rp] })).toEqual({ effect: 'deny', reason: 'implicit' });
  });

  test('statements for a service principal do not apply to a function', () => {
    const rp = queuePolicy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: QUEUE });
    expect(evaluate(request('sqs:SendMessage', QUEUE), { identity: [], resource: [rp] }).effect).toBe('deny');
  });

  test('NotPrincipal applies to everyone it does not name', () => {
    const rp = queuePolicy({ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/admin' }, Action: 'sqs:PurgeQueue', Resource: QUEUE });
    expect(evaluate(request('sqs:PurgeQueue', QUEUE), { identity: [policy(allow('sqs:*', '*'))], resource: [rp] }).effect).toBe('deny');
  });
});
