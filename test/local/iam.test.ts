/**
 * Permissions from the template, end to end: a plain aws-cdk-lib app's function calls the local
 * endpoint with the real AWS SDK clients and its own credentials; the endpoint evaluates each call
 * against the function's synthesized role (and the queue's resource policy). Under `enforce` the
 * SDK raises AWS's AccessDeniedException; under `warn` the call goes through and the gap is
 * reported once, with the fix in CDK terms.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalApp, type RunningLocalApp } from '../../lib/testing/local-app';
import { gapLine, type PermissionGap } from '../../lib/local';
import { synthIamApp } from './helpers';

interface Outcome {
  readonly ok: boolean;
  readonly name?: string;
  readonly message?: string;
  readonly status?: number;
}

const fnOf = (local: RunningLocalApp, id: string) => local.app.model.functions.find((f) => f.logicalId.startsWith(id))!;
const tableOf = (local: RunningLocalApp, id: string) => local.app.model.tables.find((t) => t.logicalId.startsWith(id))!;
const queueOf = (local: RunningLocalApp, id: string) => local.app.queues.list().find((q) => q.model.logicalId.startsWith(id))!;

async function call(local: RunningLocalApp, event: Record<string, unknown>): Promise<Outcome> {
  const result = await local.app.invoke(fnOf(local, 'Caller').name, event);
  return JSON.parse(result.payload) as Outcome;
}

/** AWS's message for an implicit deny, from the names the template gives the role, the function and the resource. */
function implicitDeny(local: RunningLocalApp, action: string, resource: string): string {
  const fn = fnOf(local, 'Caller');
  return `User: arn:aws:sts::${local.app.model.accountId}:assumed-role/${fn.role!.name}/${fn.name} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

describe('--iam enforce', () => {
  let local: RunningLocalApp;
  beforeAll(async () => {
    local = await startLocalApp({ assembly: synthIamApp() }, { iam: 'enforce' });
  }, 120_000);
  afterAll(() => local.stop());

  test('what the role grants goes through', async () => {
    expect(await call(local, { op: 'getItem', table: tableOf(local, 'Readable').name })).toEqual({ ok: true });
    expect(await call(local, { op: 'putItem', table: tableOf(local, 'Guarded').name })).toEqual({ ok: true });
    expect(await call(local, { op: 'sendMessage', queueUrl: queueOf(local, 'Jobs').url })).toEqual({ ok: true });
    expect(await call(local, { op: 'getSecretValue', secretId: 'iam/api-key' })).toEqual({ ok: true });
  });

  test('a write to a table granted read only: DynamoDB AccessDeniedException with AWS wording', async () => {
    const table = tableOf(local, 'Readable');
    const out = await call(local, { op: 'putItem', table: table.name });
    expect(out).toEqual({ ok: false, name: 'AccessDeniedException', status: 400, message: implicitDeny(local, 'dynamodb:PutItem', table.arn) });
  });

  test('a table the function was granted nothing on', async () => {
    const table = tableOf(local, 'Forbidden');
    expect(await call(local, { op: 'getItem', table: table.name })).toMatchObject({ ok: false, name: 'AccessDeniedException', message: implicitDeny(local, 'dynamodb:GetItem', table.arn) });
  });

  test('an explicit Deny wins over grantReadWriteData', async () => {
    const out = await call(local, { op: 'deleteItem', table: tableOf(local, 'Guarded').name });
    expect(out).toMatchObject({ ok: false, name: 'AccessDeniedException' });
    expect(out.message).toMatch(/ is not authorized to perform: dynamodb:DeleteItem on resource: \S+ with an explicit deny in an identity-based policy$/);
  });

  test("fine-grained access: a tenant's own items only (dynamodb:LeadingKeys)", async () => {
    const table = tableOf(local, 'Tenants');
    expect(await call(local, { op: 'putItem', table: table.name, key: 'tenant-a' })).toEqual({ ok: true });
    expect(await call(local, { op: 'getItem', table: table.name, key: 'tenant-a' })).toEqual({ ok: true });
    expect(await call(local, { op: 'putItem', table: table.name, key: 'tenant-b' })).toMatchObject({ ok: false, name: 'AccessDeniedException', message: implicitDeny(local, 'dynamodb:PutItem', table.arn) });
  });

  test('SQS: grantSendMessages does not allow receiving; the SDK names the query error', async () => {
    const queue = queueOf(local, 'Jobs');
    const out = await call(local, { op: 'receiveMessage', queueUrl: queue.url });
    expect(out).toMatchObject({ ok: false, name: 'AccessDenied', status: 403 });
    expect(out.message).toBe(implicitDeny(local, 'sqs:receivemessage', queue.model.arn));
  });

  test("a queue's resource policy naming the role allows what no identity policy does", async () => {
    expect(await call(local, { op: 'sendMessage', queueUrl: queueOf(local, 'Inbox').url })).toEqual({ ok: true });
  });

  test('a condition: events:PutEvents only for the source the policy names', async () => {
    expect(await call(local, { op: 'putEvents', bus: 'iam-bus', source: 'app.orders' })).toEqual({ ok: true });
    const bus = local.app.model.eventBuses.find((b) => b.name === 'iam-bus')!;
    expect(await call(local, { op: 'putEvents', bus: 'iam-bus', source: 'app.other' })).toMatchObject({ ok: false, name: 'AccessDeniedException', message: implicitDeny(local, 'events:PutEvents', bus.arn) });
  });

  test('a condition on the VPC of a function in none: the key is absent, so the Allow does not apply', async () => {
    const queue = queueOf(local, 'VpcOnly');
    expect(await call(local, { op: 'sendMessage', queueUrl: queue.url })).toMatchObject({ ok: false, name: 'AccessDenied', message: implicitDeny(local, 'sqs:sendmessage', queue.model.arn) });
  });

  test('a condition on a key not known locally is denied as undecidable, and says why', async () => {
    const out = await call(local, { op: 'sendMessage', queueUrl: queueOf(local, 'OrgOnly').url });
    expect(out).toMatchObject({ ok: false, name: 'AccessDenied' });
    expect(out.message).toContain('switchyard cannot decide this call locally');
    expect(out.message).toContain('aws:PrincipalOrgID');
  });

  test('Lambda Invoke of a function it was not granted: 403 AccessDeniedException', async () => {
    const other = fnOf(local, 'Other');
    expect(await call(local, { op: 'invoke', functionName: other.name })).toEqual({ ok: false, name: 'AccessDeniedException', status: 403, message: implicitDeny(local, 'lambda:InvokeFunction', other.arn) });
  });

  test('SSM: a parameter granted with grantRead, and one not granted', async () => {
    expect(await call(local, { op: 'getParameter', name: '/iam/greeting' })).toEqual({ ok: true });
    const arn = `arn:aws:ssm:${local.app.model.region}:${local.app.model.accountId}:parameter/iam/hidden`;
    expect(await call(local, { op: 'getParameter', name: '/iam/hidden' })).toEqual({ ok: false, name: 'AccessDeniedException', status: 400, message: implicitDeny(local, 'ssm:GetParameter', arn) });
  });

  test('Scheduler (REST-JSON): CreateSchedule without a grant is a 403 AccessDeniedException', async () => {
    const { region, accountId } = local.app.model;
    const out = await call(local, { op: 'createSchedule', name: 'hourly', targetArn: fnOf(local, 'Other').arn, roleArn: `arn:aws:iam::${accountId}:role/scheduler` });
    expect(out).toEqual({ ok: false, name: 'AccessDeniedException', status: 403, message: implicitDeny(local, 'scheduler:CreateSchedule', `arn:aws:scheduler:${region}:${accountId}:schedule/default/hourly`) });
  });

  test('a send to a queue, PutEvents to another bus and a secret read it was granted nothing on', async () => {
    const closed = queueOf(local, 'Closed');
    expect(await call(local, { op: 'sendMessage', queueUrl: closed.url })).toEqual({ ok: false, name: 'AccessDenied', status: 403, message: implicitDeny(local, 'sqs:sendmessage', closed.model.arn) });
    const bus = local.app.model.eventBuses.find((b) => b.name === 'other-bus')!;
    expect(await call(local, { op: 'putEvents', bus: 'other-bus', source: 'app.orders' })).toEqual({ ok: false, name: 'AccessDeniedException', status: 400, message: implicitDeny(local, 'events:PutEvents', bus.arn) });
    const secret = local.app.model.secrets!.find((s) => s.name === 'iam/other-secret')!;
    expect(await call(local, { op: 'getSecretValue', secretId: 'iam/other-secret' })).toEqual({ ok: false, name: 'AccessDeniedException', status: 400, message: implicitDeny(local, 'secretsmanager:GetSecretValue', secret.arn) });
  });

  test("a rule forwarding to a bus of its own account: delivered through a role granted PutEvents there, denied into its DLQ at once (no retry) through one granted nothing", async () => {
    const eb = new EventBridgeClient(local.clientConfig);
    const put = async (source: string) => (await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'iam-bus', Source: source, DetailType: 'Forward', Detail: '{}' }] }))).Entries![0].EventId!;
    const [granted, denied] = [await put('app.forward-ok'), await put('app.forward-denied')];
    const ended = (id: string) => local.ledger.list({ eventId: id }).find((d) => d.state !== 'pending' && d.state !== 'retrying');
    for (let i = 0; i < 200 && !(ended(granted) && ended(denied)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(ended(granted)).toMatchObject({ state: 'delivered' });
    // EventBridge does not retry what missing permissions refused, whatever the retry policy says.
    expect(ended(denied)).toMatchObject({ state: 'dead-lettered', attempts: 1 });
    const bus = local.app.model.eventBuses.find((b) => b.name === 'other-bus')!;
    const role = local.app.model.rules.find((r) => r.logicalId.startsWith('ForwardUngranted'))!.targets[0].roleArn!;
    const { Messages = [] } = await new SQSClient(local.clientConfig).send(new ReceiveMessageCommand({ QueueUrl: queueOf(local, 'ForwardDlq').url, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }));
    expect(JSON.parse(Messages[0].Body!)).toMatchObject({ id: denied, source: 'app.forward-denied' });
    expect(Messages[0].MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'NO_PERMISSIONS' },
      RETRY_ATTEMPTS: { StringValue: '0' },
      ERROR_MESSAGE: { StringValue: `User: ${role} is not authorized to perform: events:PutEvents on resource: ${bus.arn} because no identity-based policy allows the events:PutEvents action` },
    });
    const forwards = local.app.iam.gaps.filter((g) => g.functionName.startsWith('rule '));
    expect(forwards).toEqual([expect.objectContaining({ functionName: expect.stringMatching(/ForwardUngranted/), action: 'events:PutEvents', resource: bus.arn, fix: expect.stringContaining('grantPutEventsTo(role)') })]);
  });

  test("calls not made by a function (a test's own credentials) are not evaluated", async () => {
    const db = new DynamoDBClient(local.clientConfig);
    const evaluated = local.app.iam.evaluated;
    await expect(db.send(new PutItemCommand({ TableName: tableOf(local, 'Forbidden').name, Item: { id: { S: 'from-test' } } }))).resolves.toBeDefined();
    expect(local.app.iam.evaluated).toBe(evaluated);
  });
});

describe('--iam warn', () => {
  let local: RunningLocalApp;
  const gaps: PermissionGap[] = [];
  beforeAll(async () => {
    local = await startLocalApp({ assembly: synthIamApp() }, { iam: 'warn' });
    local.app.iam.on('gap', (g) => gaps.push(g));
  }, 120_000);
  afterAll(() => local.stop());

  test('the call goes through, and the gap is reported once with the CDK fix', async () => {
    const table = tableOf(local, 'Readable');
    expect(await call(local, { op: 'putItem', table: table.name })).toEqual({ ok: true });
    expect(await call(local, { op: 'putItem', table: table.name })).toEqual({ ok: true });
    const mine = gaps.filter((g) => g.action === 'dynamodb:PutItem');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ functionName: 'Caller', resource: table.arn, fix: 'table.grantWriteData(fn)', mode: 'warn', message: implicitDeny(local, 'dynamodb:PutItem', table.arn) });
    expect(gapLine(mine[0])).toBe(`iam: Caller calls dynamodb:PutItem on ${table.arn}: AWS denies it (no policy of its role allows it); allowed locally (--iam warn). Fix: table.grantWriteData(fn)`);
  });

  test('each distinct gap is its own line: a receive on a send-only queue names grantConsumeMessages', async () => {
    expect(await call(local, { op: 'receiveMessage', queueUrl: queueOf(local, 'Jobs').url })).toEqual({ ok: true });
    expect(await call(local, { op: 'invoke', functionName: fnOf(local, 'Other').name })).toEqual({ ok: true });
    expect(gaps.find((g) => g.action === 'sqs:ReceiveMessage')?.fix).toBe('queue.grantConsumeMessages(fn)');
    expect(gaps.find((g) => g.action === 'lambda:InvokeFunction')?.fix).toBe('otherFn.grantInvoke(fn)');
    expect(local.app.iam.gaps).toEqual(gaps);
  });

  test('a send, PutEvents to another bus and a secret read go through, each reported with its fix', async () => {
    expect(await call(local, { op: 'sendMessage', queueUrl: queueOf(local, 'Closed').url })).toEqual({ ok: true });
    expect(await call(local, { op: 'putEvents', bus: 'other-bus', source: 'app.orders' })).toEqual({ ok: true });
    expect(await call(local, { op: 'getSecretValue', secretId: 'iam/other-secret' })).toEqual({ ok: true });
    const fixOf = (action: string, resource: RegExp) => gaps.find((g) => g.action === action && resource.test(g.resource))?.fix;
    expect(fixOf('sqs:SendMessage', /Closed/)).toBe('queue.grantSendMessages(fn)');
    expect(fixOf('events:PutEvents', /event-bus\/other-bus$/)).toMatch(/grantPutEventsTo\(fn\)/);
    expect(fixOf('secretsmanager:GetSecretValue', /iam\/other-secret/)).toMatch(/grantRead\(fn\)/);
  });

  test('an undecidable call goes through and is reported as such', async () => {
    expect(await call(local, { op: 'sendMessage', queueUrl: queueOf(local, 'OrgOnly').url })).toEqual({ ok: true });
    const gap = gaps.find((g) => g.decision.effect === 'undecidable')!;
    expect(gapLine(gap)).toMatch(/^iam: Caller calls sqs:SendMessage on \S+OrgOnly\S*: cannot be decided locally \(.*aws:PrincipalOrgID.*\); allowed locally \(--iam warn\)$/);
  });

  test('allowed calls report nothing', async () => {
    const before = gaps.length;
    expect(await call(local, { op: 'getItem', table: tableOf(local, 'Readable').name })).toEqual({ ok: true });
    expect(gaps).toHaveLength(before);
  });
});
