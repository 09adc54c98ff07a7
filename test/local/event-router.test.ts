import { DeliveryLedger, type Deliverer } from '../../lib/local';
import { EventRouter } from '../../lib/local';
import type { AppModel, RuleModel } from '../../lib/model';

const rule = (name: string, eventPattern: Record<string, unknown>, extra: Partial<RuleModel> = {}): RuleModel => ({
  stack: 'S',
  logicalId: name,
  name,
  arn: `arn:aws:events:us-east-1:000000000000:rule/bus/${name}`,
  eventBusName: 'bus',
  eventPattern,
  state: 'ENABLED',
  targets: [{ id: 'T', arn: 'arn:fn', maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 }],
  ...extra,
});

const model: AppModel = {
  assemblyDir: '/x',
  region: 'us-east-1',
  accountId: '000000000000',
  functions: [],
  httpApis: [],
  restApis: [],
  eventBuses: [{ name: 'default', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }, { name: 'bus', arn: 'arn:aws:events:us-east-1:000000000000:event-bus/bus' }],
  rules: [
    rule('exact', { source: ['shop'] }),
    rule('prefix', { source: [{ prefix: 'sh' }] }),
    rule('no-source', { 'detail-type': ['Placed'] }),
    rule('or', { $or: [{ source: ['shop'] }, { source: ['other'] }] }),
    rule('elsewhere', { source: ['other'] }),
    rule('disabled', { source: ['shop'] }, { state: 'DISABLED' }),
    rule('other-bus', { source: ['shop'] }, { eventBusName: 'default' }),
  ],
  queues: [],
  tables: [],
};

const delivered: string[] = [];
const ledger = new DeliveryLedger();
const deliverer = { admit: () => undefined, ledger, deliverToRuleTarget: async (r: RuleModel) => void delivered.push(r.name) } as unknown as Deliverer;
const router = new EventRouter(model, deliverer);

beforeEach(() => (delivered.length = 0));

test('an event reaches every enabled matching rule of its bus, in rule order, whatever the pattern shape', () => {
  const out = router.putEvents([{ EventBusName: 'bus', Source: 'shop', DetailType: 'Placed', Detail: '{}' }]);
  expect(out.FailedEntryCount).toBe(0);
  expect(delivered).toEqual(['exact', 'prefix', 'no-source', 'or']);
  // The ledger's event log has it, with the rules it matched.
  const logged = ledger.events.get(out.Entries[0].EventId!);
  expect(logged?.matchedRules.map((arn) => model.rules.find((r) => r.arn === arn)?.name)).toEqual(['exact', 'prefix', 'no-source', 'or']);
});

test('an event no rule matches is kept in the ledger as unmatched; explain says why for every rule', () => {
  const out = router.putEvents([{ EventBusName: 'bus', Source: 'Shop', DetailType: 'placed', Detail: '{}' }]);
  const id = out.Entries[0].EventId!;
  expect(delivered).toEqual([]);
  expect(ledger.events.unmatched().map((e) => e.event.id)).toContain(id);
  const verdicts = router.explain('bus', ledger.events.get(id)!.event);
  expect(verdicts.map((v) => [v.name, v.matched])).toEqual(['exact', 'prefix', 'no-source', 'or', 'elsewhere', 'disabled'].map((n) => [n, false]));
  expect(verdicts.find((v) => v.name === 'exact')?.explanation?.misses[0].nearMisses[0].kind).toBe('case');
  // A disabled rule whose pattern matches says so.
  const disabled = router.explain('bus', { source: 'shop' }).find((v) => v.name === 'disabled');
  expect(disabled).toMatchObject({ matched: false, explanation: { matched: true }, note: 'the rule is DISABLED: its pattern matches, but it delivers nothing' });
});

test.each([
  [{ Source: 'shop', DetailType: 'X' }, 'InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.'],
  [{ DetailType: 'X', Detail: '{}' }, 'InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.'],
  [{ Source: 'shop', Detail: '{}' }, 'InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.'],
  [{ Source: 'shop', DetailType: 'X', Detail: '[1]' }, 'MalformedDetail', 'Detail is malformed.'],
  [{ Source: 'shop', DetailType: 'X', Detail: '{' }, 'MalformedDetail', 'Detail is malformed.'],
  [{ Source: 'aws.ec2', DetailType: 'X', Detail: '{}' }, 'NotAuthorizedForSourceException', 'Not authorized for the source.'],
  [{ Source: 'shop', DetailType: 'X', Detail: '{}', EventBusName: 'nope' }, 'ResourceNotFoundException', 'Event bus nope does not exist.'],
])('entry %j fails with %s', (entry, code, message) => {
  const out = router.putEvents([entry]);
  expect(out).toEqual({ FailedEntryCount: 1, Entries: [{ ErrorCode: code, ErrorMessage: message }] });
  expect(delivered).toEqual([]);
});

test('the envelope: version 0, account, region, second-precision time, resources', () => {
  const seen: Record<string, unknown>[] = [];
  const r = new EventRouter(model, { admit: () => undefined, ledger: new DeliveryLedger(), deliverToRuleTarget: async (_r: RuleModel, _t: unknown, e: Record<string, unknown>) => void seen.push(e) } as unknown as Deliverer);
  r.putEvents([{ EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/bus', Source: 'shop', DetailType: 'Placed', Detail: '{"a":1}', Resources: ['arn:x'], Time: 1704067200.5 }]);
  expect(seen[0]).toMatchObject({ version: '0', source: 'shop', 'detail-type': 'Placed', account: '000000000000', region: 'us-east-1', time: '2024-01-01T00:00:00Z', resources: ['arn:x'], detail: { a: 1 } });
  // Each event's own second, whatever came before it.
  const entry = { EventBusName: 'bus', Source: 'shop', DetailType: 'Placed', Detail: '{}' };
  r.putEvents([1704067201.999, 1704067200, 1704067201, -0.5].map((Time) => ({ ...entry, Time })));
  const byId = new Map(seen.map((e) => [e.id, e.time]));
  expect([...byId.values()].slice(1)).toEqual(['2024-01-01T00:00:01Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', '1969-12-31T23:59:59Z']);
});
