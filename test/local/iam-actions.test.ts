/** Which IAM actions on which resources each served operation needs (the Service Authorization Reference's mapping). */
import { requiredPermissions, type ArnResolver, type EndpointRequest } from '../../lib/local/iam';

const arns: ArnResolver = {
  region: 'eu-west-1',
  accountId: '111122223333',
  queueArn: (url) => `arn:aws:sqs:eu-west-1:111122223333:${url.split('/').pop()}`,
  functionArn: (name) => (name.startsWith('arn:') ? name : `arn:aws:lambda:eu-west-1:111122223333:function:${name}`),
  secretArn: (id) => `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${id}-AbCdEf`,
  parameterArn: (name) => `arn:aws:ssm:eu-west-1:111122223333:parameter/${name.replace(/^\//, '')}`,
  partitionKey: (table) => (table === 'Orders' || table.endsWith('/Orders') ? 'tenant' : undefined),
};
/** DynamoDB's request keys when the request sets none of them. */
const NO_KEYS = { 'dynamodb:Select': null, 'dynamodb:ReturnValues': null, 'dynamodb:ReturnConsumedCapacity': null };
const TABLE = 'arn:aws:dynamodb:eu-west-1:111122223333:table/Orders';
const QUEUE_URL = 'http://127.0.0.1:4010/111122223333/jobs';
const QUEUE = 'arn:aws:sqs:eu-west-1:111122223333:jobs';

test.each<[string, EndpointRequest, unknown]>([
  ['DynamoDB item operations act on the table, the partition key value its leading key', { service: 'dynamodb', operation: 'PutItem', input: { TableName: 'Orders', Item: { tenant: { S: 't1' }, n: { N: '1' } }, ReturnValues: 'ALL_OLD' } }, [
    { action: 'dynamodb:PutItem', resource: TABLE, context: { ...NO_KEYS, 'dynamodb:ReturnValues': 'ALL_OLD', 'dynamodb:LeadingKeys': ['t1'] } },
  ]],
  ['a table given by ARN', { service: 'dynamodb', operation: 'GetItem', input: { TableName: TABLE, Key: { tenant: { N: '7' } } } }, [{ action: 'dynamodb:GetItem', resource: TABLE, context: { ...NO_KEYS, 'dynamodb:LeadingKeys': ['7'] } }]],
  ['Query: the leading key from `#pk = :v`', { service: 'dynamodb', operation: 'Query', input: { TableName: 'Orders', KeyConditionExpression: '#t = :t AND begins_with(sk, :p)', ExpressionAttributeNames: { '#t': 'tenant' }, ExpressionAttributeValues: { ':t': { S: 't2' }, ':p': { S: 'o' } } } }, [
    { action: 'dynamodb:Query', resource: TABLE, context: { ...NO_KEYS, 'dynamodb:LeadingKeys': ['t2'] } },
  ]],
  ['Query on an index acts on the index; its leading key is not the table\'s', { service: 'dynamodb', operation: 'Query', input: { TableName: 'Orders', IndexName: 'byCustomer', KeyConditionExpression: 'customer = :c' } }, [
    { action: 'dynamodb:Query', resource: `${TABLE}/index/byCustomer`, context: NO_KEYS },
  ]],
  ['a table the app does not have: no leading key', { service: 'dynamodb', operation: 'GetItem', input: { TableName: 'Other', Key: { id: { S: 'x' } } } }, [
    { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Other', context: NO_KEYS },
  ]],
  ['BatchWriteItem: one check per table, with the leading keys of its writes', { service: 'dynamodb', operation: 'BatchWriteItem', input: { RequestItems: { Orders: [{ PutRequest: { Item: { tenant: { S: 'a' } } } }, { DeleteRequest: { Key: { tenant: { S: 'b' } } } }], Other: [] } } }, [
    { action: 'dynamodb:BatchWriteItem', resource: TABLE, context: { ...NO_KEYS, 'dynamodb:LeadingKeys': ['a', 'b'] } },
    { action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Other', context: NO_KEYS },
  ]],
  ['TransactWriteItems needs each item\'s own action', { service: 'dynamodb', operation: 'TransactWriteItems', input: { TransactItems: [{ Put: { TableName: 'Orders' } }, { ConditionCheck: { TableName: 'Orders' } }] } }, [
    { action: 'dynamodb:PutItem', resource: TABLE },
    { action: 'dynamodb:ConditionCheckItem', resource: TABLE },
  ]],
  ['ListTables acts on no resource', { service: 'dynamodb', operation: 'ListTables', input: {} }, [{ action: 'dynamodb:ListTables', resource: '*' }]],
  ['an input without its table is left to validation', { service: 'dynamodb', operation: 'PutItem', input: {} }, []],
  ['SendMessageBatch is sqs:SendMessage on the queue', { service: 'sqs', operation: 'SendMessageBatch', input: { QueueUrl: QUEUE_URL } }, [{ action: 'sqs:SendMessage', resource: QUEUE }]],
  ['DeleteMessageBatch is sqs:DeleteMessage', { service: 'sqs', operation: 'DeleteMessageBatch', input: { QueueUrl: QUEUE_URL } }, [{ action: 'sqs:DeleteMessage', resource: QUEUE }]],
  ['GetQueueUrl acts on the named queue', { service: 'sqs', operation: 'GetQueueUrl', input: { QueueName: 'jobs' } }, [{ action: 'sqs:GetQueueUrl', resource: QUEUE }]],
  ['PutEvents: one check per bus, with the entries\' sources and detail types', { service: 'events', operation: 'PutEvents', input: { Entries: [{ Source: 'a', DetailType: 'X' }, { Source: 'b', DetailType: 'X', EventBusName: 'orders' }] } }, [
    { action: 'events:PutEvents', resource: 'arn:aws:events:eu-west-1:111122223333:event-bus/default', context: { 'events:source': ['a'], 'events:detail-type': ['X'] } },
    { action: 'events:PutEvents', resource: 'arn:aws:events:eu-west-1:111122223333:event-bus/orders', context: { 'events:source': ['b'], 'events:detail-type': ['X'] } },
  ]],
  ['DescribeRule on a custom bus names the bus in the rule ARN', { service: 'events', operation: 'DescribeRule', input: { Name: 'r', EventBusName: 'orders' } }, [{ action: 'events:DescribeRule', resource: 'arn:aws:events:eu-west-1:111122223333:rule/orders/r' }]],
  ['Invoke with a qualifier acts on the qualified ARN', { service: 'lambda', operation: 'Invoke', input: { FunctionName: 'fn', Qualifier: 'live' } }, [{ action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:eu-west-1:111122223333:function:fn:live' }]],
  ['GetSecretValue carries its version keys', { service: 'secretsmanager', operation: 'GetSecretValue', input: { SecretId: 'api-key', VersionStage: 'AWSCURRENT' } }, [
    { action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:api-key-AbCdEf', context: { 'secretsmanager:SecretId': 'api-key', 'secretsmanager:VersionStage': 'AWSCURRENT', 'secretsmanager:VersionId': null } },
  ]],
  ['GetParameter with a version selector acts on the parameter', { service: 'ssm', operation: 'GetParameter', input: { Name: '/shop/db:3' } }, [{ action: 'ssm:GetParameter', resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db' }]],
  ['GetParametersByPath carries ssm:Recursive', { service: 'ssm', operation: 'GetParametersByPath', input: { Path: '/shop/', Recursive: true } }, [
    { action: 'ssm:GetParametersByPath', resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/shop', context: { 'ssm:Recursive': 'true' } },
  ]],
  ['CreateSchedule also passes its target role to Scheduler', { service: 'scheduler', operation: 'POST /schedules/nightly', input: { GroupName: 'ops', Target: { RoleArn: 'arn:aws:iam::111122223333:role/sched' } } }, [
    { action: 'scheduler:CreateSchedule', resource: 'arn:aws:scheduler:eu-west-1:111122223333:schedule/ops/nightly' },
    { action: 'iam:PassRole', resource: 'arn:aws:iam::111122223333:role/sched', context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
  ]],
])('%s', (_name, request, expected) => {
  expect(requiredPermissions(request, arns)).toEqual(expected);
});

test.each<[string, EndpointRequest]>([
  ['DynamoDB PartiQL', { service: 'dynamodb', operation: 'ExecuteStatement', input: { Statement: 'SELECT * FROM Orders' } }],
  ['an SQS operation not mapped', { service: 'sqs', operation: 'StartMessageMoveTask', input: {} }],
  ['an EventBridge operation not mapped', { service: 'events', operation: 'PutRule', input: {} }],
])('%s cannot be decided, and says so', (_name, request) => {
  expect(requiredPermissions(request, arns)).toEqual({ undecidable: expect.stringMatching(/^switchyard does not know which IAM action .+ needs$/) });
});
