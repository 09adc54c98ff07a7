/**
 * Matching tables built from the AWS EventBridge documentation examples
 * (eb-create-pattern-operators, eb-event-patterns-*) and from AWS-recorded behaviour
 * (localstack's snapshot templates), one table per operator: events that match and
 * events that do not.
 */
import { compileEventPattern, matchesEventPattern } from '../../lib/patterns';

/** The sample EC2 event used throughout the AWS docs, with a few extra fields. */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

type Case = [label: string, event: unknown, expected: boolean];
interface Table {
  readonly operator: string;
  readonly pattern: object;
  readonly cases: readonly Case[];
}

const tables: Table[] = [
  {
    operator: 'exact string, several fields (AND), several values (OR)',
    pattern: {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    },
    cases: [
      ['all fields match', ec2Event, true],
      ['other listed value', withDetail({ state: 'initializing' }), true],
      ['value not listed', withDetail({ state: 'stopped' }), false],
      ['field missing', withDetail({}), false],
      ['case differs', withDetail({ state: 'RUNNING' }), false],
    ],
  },
  {
    operator: 'exact number (compared numerically)',
    pattern: { detail: { 'x-limit': [301.8], 'c-count': [5] } },
    cases: [
      ['same numbers', ec2Event, true],
      ['same value written differently', withDetail({ 'x-limit': 3.018e2, 'c-count': 5.0 }), true],
      ['number as string', withDetail({ 'x-limit': '301.8', 'c-count': 5 }), false],
      ['different number', withDetail({ 'x-limit': 301.9, 'c-count': 5 }), false],
    ],
  },
  {
    operator: 'booleans and null',
    pattern: { detail: { flag: [true], responseElements: [null] } },
    cases: [
      ['true and null', withDetail({ flag: true, responseElements: null }), true],
      ['false', withDetail({ flag: false, responseElements: null }), false],
      ['"true" as string', withDetail({ flag: 'true', responseElements: null }), false],
      ['null missing is not null', withDetail({ flag: true }), false],
    ],
  },
  {
    operator: 'empty string (not interchangeable with null)',
    pattern: { detail: { eventVersion: [''] } },
    cases: [
      ['empty string', withDetail({ eventVersion: '' }), true],
      ['null', withDetail({ eventVersion: null }), false],
    ],
  },
  {
    operator: 'arrays in the event (any element)',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      ],
    },
    cases: [
      [
        'second element matches first value',
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
        true,
      ],
      ['no intersection', { resources: ['arn:aws:s3:::bucket'] }, false],
      ['empty array', { resources: [] }, false],
      ['nested arrays are crushed', { resources: [['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f']] }, true],
    ],
  },
  {
    operator: 'arrays of objects (array-consistent)',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    cases: [
      [
        'same element',
        { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }] },
        true,
      ],
      [
        'fields from different elements',
        { employees: [{ firstName: 'Anna', lastName: 'Jones' }, { firstName: 'Peter', lastName: 'Smith' }] },
        false,
      ],
      ['multi-level arrays', { employees: [[{ firstName: 'John' }], [{ firstName: 'Anna', lastName: 'Smith' }]] }, true],
    ],
  },
  {
    operator: 'nested objects and leaf-only matching',
    pattern: { detail: { state: { status: ['running'] } } },
    cases: [
      ['nested object', withDetail({ state: { status: 'running' } }), true],
      ['dotted key joins like nesting', withDetail({ 'state.status': 'running' }), true],
      ['scalar where an object is expected', withDetail({ state: 'running' }), false],
      ['object where a leaf is expected', withDetail({ state: { status: { code: 'running' } } }), false],
    ],
  },
  {
    operator: 'prefix',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    cases: [
      ['starts with', ec2Event, true],
      ['other day', { ...ec2Event, time: '2017-10-03T00:00:00Z' }, false],
      ['not a string', { ...ec2Event, time: 20171002 }, false],
    ],
  },
  {
    operator: 'prefix with equals-ignore-case',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    cases: [
      ['upper case', withDetail({ service: 'EVENTBRIDGE' }), true],
      ['lower case', withDetail({ service: 'eventbridge' }), true],
      ['different start', withDetail({ service: 'sqs' }), false],
    ],
  },
  {
    operator: 'suffix',
    pattern: { FileName: [{ suffix: '.png' }] },
    cases: [
      ['ends with', { FileName: 'image.png' }, true],
      ['other extension', { FileName: 'image.jpg' }, false],
      ['case differs', { FileName: 'image.PNG' }, false],
    ],
  },
  {
    operator: 'suffix with equals-ignore-case',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    cases: [
      ['upper case', withDetail({ FileName: 'IMAGE.PNG' }), true],
      ['other extension', withDetail({ FileName: 'image.gif' }), false],
    ],
  },
  {
    operator: 'equals-ignore-case',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    cases: [
      ['other case', ec2Event, true],
      ['other text', { ...ec2Event, 'detail-type': 'EC2 Spot Instance Interruption' }, false],
    ],
  },
  {
    operator: 'anything-but (single string)',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    cases: [
      ['other value', ec2Event, true],
      ['excluded value', withDetail({ state: 'initializing' }), false],
      ['null is a value too', withDetail({ state: null }), true],
      ['missing field does not match', withDetail({}), false],
      ['array with another value', withDetail({ state: ['initializing', 'running'] }), true],
    ],
  },
  {
    operator: 'anything-but (single number, list of numbers)',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }], 'c-count': [{ 'anything-but': 123 }] } },
    cases: [
      ['other numbers', ec2Event, true],
      ['excluded number', withDetail({ 'x-limit': 200, 'c-count': 5 }), false],
      ['excluded written as float', withDetail({ 'x-limit': 3e2, 'c-count': 5 }), false],
      ['string is not an excluded number', withDetail({ 'x-limit': '200', 'c-count': 5 }), true],
    ],
  },
  {
    operator: 'anything-but (list of strings)',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    cases: [
      ['other value', ec2Event, true],
      ['excluded', withDetail({ state: 'overloaded' }), false],
    ],
  },
  {
    operator: 'anything-but prefix',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    cases: [
      ['no such prefix', ec2Event, true],
      ['has the prefix', withDetail({ state: 'initializing' }), false],
      ['a number never has the prefix', withDetail({ state: 12 }), true],
    ],
  },
  {
    operator: 'anything-but suffix (list)',
    pattern: { FileName: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] },
    cases: [
      ['other extension', { FileName: 'notes.txt' }, true],
      ['excluded extension', { FileName: 'photo.jpg' }, false],
    ],
  },
  {
    operator: 'anything-but equals-ignore-case (single and list)',
    pattern: {
      a: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }],
      b: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'overloaded'] } }],
    },
    cases: [
      ['other values', { a: 'running', b: 'running' }, true],
      ['excluded in other case (single)', { a: 'INITIALIZING', b: 'running' }, false],
      ['excluded in other case (list)', { a: 'running', b: 'STOPPED' }, false],
    ],
  },
  {
    operator: 'anything-but wildcard (single and list)',
    pattern: {
      FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }],
      Other: [{ 'anything-but': { wildcard: ['*.tmp', 'cache/*'] } }],
    },
    cases: [
      ['neither excluded', { FilePath: '/usr/bin/node', Other: 'data.json' }, true],
      ['path includes /lib/', { FilePath: '/usr/lib/node', Other: 'data.json' }, false],
      ['list member excluded', { FilePath: '/usr/bin/node', Other: 'cache/x' }, false],
    ],
  },
  {
    operator: 'numeric (one and two comparisons)',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    cases: [
      ['all in range', ec2Event, true],
      ['upper bound inclusive', withDetail({ 'c-count': 5, 'd-count': 9.999, 'x-limit': 301.8 }), true],
      ['lower bound exclusive', withDetail({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }), false],
      ['d-count at bound', withDetail({ 'c-count': 1, 'd-count': 10, 'x-limit': 301.8 }), false],
      ['number as string', withDetail({ 'c-count': '1', 'd-count': 3, 'x-limit': 301.8 }), false],
      ['null', withDetail({ 'c-count': null, 'd-count': 3, 'x-limit': 301.8 }), false],
    ],
  },
  {
    operator: 'numeric >= and beyond the 5e9 limit',
    pattern: { n: [{ numeric: ['>=', 1000] }] },
    cases: [
      ['at bound', { n: 1000 }, true],
      ['largest comparable number', { n: 5e9 }, true],
      ['outside the comparable range', { n: 6e9 }, false],
      ['below', { n: 999.5 }, false],
    ],
  },
  {
    operator: 'exists true',
    pattern: { detail: { 'c-count': [{ exists: true }] } },
    cases: [
      ['present', ec2Event, true],
      ['null counts as present', withDetail({ 'c-count': null }), true],
      ['absent', withDetail({}), false],
      ['empty array has no leaf', withDetail({ 'c-count': [] }), false],
      ['object is not a leaf', withDetail({ 'c-count': { c1: 100 } }), false],
      ['any element of an array of objects', { detail: { 'c-count': 1 }, x: [{ a: 1 }] }, true],
    ],
  },
  {
    operator: 'exists true inside an array of objects',
    pattern: { detail: { automations: { id: [{ exists: true }] } } },
    cases: [
      ['one element has it', withDetail({ automations: [{ key1: 'v' }, { id: 'x' }, { key2: 'v' }] }), true],
      ['none has it', withDetail({ automations: [{ key1: 'v' }] }), false],
    ],
  },
  {
    operator: 'exists false',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    cases: [
      ['absent', withDetail({ state: 'running' }), true],
      ['present', ec2Event, false],
      ['present as null', withDetail({ 'c-count': null }), false],
      ['object is not a leaf', withDetail({ 'c-count': { c1: 100 } }), true],
      ['empty array', withDetail({ 'c-count': [] }), true],
      ['present in any array element', { detail: [{ x: 1 }, { 'c-count': 1 }] }, false],
    ],
  },
  {
    operator: 'exists false or anything-but on the same field',
    pattern: { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } },
    cases: [
      ['field absent', { dynamodb: { NewImage: { purchased: { N: '789' } } } }, true],
      ['other value', { dynamodb: { NewImage: { homemade: { S: 'tulips' } } } }, true],
      ['excluded value', { dynamodb: { NewImage: { homemade: { S: 'roses' } } } }, false],
    ],
  },
  {
    operator: 'exists false next to a sibling in the same array element',
    pattern: { items: { a: [1], b: [{ exists: false }] } },
    cases: [
      ['b only in another element', { items: [{ a: 1 }, { b: 2 }] }, true],
      ['b in the same element', { items: [{ a: 1, b: 2 }] }, false],
    ],
  },
  {
    operator: 'cidr (IPv4)',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    cases: [
      ['inside', ec2Event, true],
      ['edge of block', withDetail({ 'source-ip': '10.0.0.255' }), true],
      ['outside', withDetail({ 'source-ip': '10.0.1.1' }), false],
      ['not an IP', withDetail({ 'source-ip': 'localhost' }), false],
      ['IPv6 is never in an IPv4 block', withDetail({ 'source-ip': '::a00:1' }), false],
    ],
  },
  {
    operator: 'cidr (IPv6)',
    pattern: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] },
    cases: [
      ['inside', { sourceIPAddress: '2001:db8:1234:1a00::1' }, true],
      ['inside, long form', { sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:ffff' }, true],
      ['outside', { sourceIPAddress: '2001:db8:1234:1a01::1' }, false],
    ],
  },
  {
    operator: 'exact IP literal (any spelling of the same address)',
    pattern: { ip: ['2001:db8::1', '10.0.0.1'] },
    cases: [
      ['same text', { ip: '10.0.0.1' }, true],
      ['same IPv6 address, long form', { ip: '2001:0db8:0:0:0:0:0:1' }, true],
      ['other address', { ip: '10.0.0.2' }, false],
    ],
  },
  {
    operator: 'wildcard',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    cases: [
      ['matches', { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }, true],
      ['star matches nothing too', { EventBusArn: 'arn:aws:events:us-east-1::event-bus/' }, true],
      ['other region', { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' }, false],
    ],
  },
  {
    operator: 'wildcard with escapes',
    pattern: { name: [{ wildcard: 'a\\*b*c\\\\' }] },
    cases: [
      ['literal star and backslash', { name: 'a*bXYZc\\' }, true],
      ['star is literal, not a wildcard', { name: 'aXbc\\' }, false],
    ],
  },
  {
    operator: '$or at the top level, combined with other fields',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    cases: [
      ['first branch', { source: 'aws.cloudwatch', metricName: 'ReadLatency' }, true],
      ['second branch', { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
      ['no branch', { source: 'aws.cloudwatch', metricName: 'Other' }, false],
      ['branch but not the AND field', { source: 'aws.ec2', namespace: 'AWS/ES' }, false],
    ],
  },
  {
    operator: '$or nested, with AND inside a branch',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
      detail: { $or: [{ state: ['a'] }, { status: ['b'] }] },
    },
    cases: [
      ['first branch', { source: 'aws.cloudwatch', metricName: 'CPUUtilization', detail: { state: 'a' } }, true],
      [
        'nested branch',
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000, detail: { status: 'b' } },
        true,
      ],
      [
        'nested branch missing inner $or',
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', detail: { status: 'b' } },
        false,
      ],
      ['parallel $or unmet', { source: 'aws.cloudwatch', scope: 'Service', detail: { state: 'z' } }, false],
    ],
  },
];

describe.each(tables)('$operator', ({ pattern, cases }) => {
  const compiled = compileEventPattern(pattern);
  test.each(cases)('%s', (_label, event, expected) => {
    expect(compiled.matches(event)).toBe(expected);
  });
});

describe('inputs', () => {
  test('a JSON string pattern and a JSON string event', () => {
    expect(matchesEventPattern('{"source": ["aws.ec2"]}', JSON.stringify(ec2Event))).toBe(true);
  });

  test('an event that is not a JSON object never matches', () => {
    const compiled = compileEventPattern({ source: [{ exists: false }] });
    expect(compiled.matches({})).toBe(true);
    expect([null, 42, 'not json', [ec2Event]].map((e) => compiled.matches(e))).toEqual([false, false, false, false]);
  });

  test('the compiled pattern keeps a copy of the parsed pattern', () => {
    const pattern = { source: ['aws.ec2'] };
    const compiled = compileEventPattern(pattern);
    pattern.source.push('aws.s3');
    expect(compiled.pattern).toEqual({ source: ['aws.ec2'] });
    expect(compiled.matches({ source: 'aws.s3' })).toBe(false);
  });

  test('matchesEventPattern caches but sees a different pattern text', () => {
    expect(matchesEventPattern({ source: ['a'] }, { source: 'a' })).toBe(true);
    expect(matchesEventPattern({ source: ['b'] }, { source: 'a' })).toBe(false);
    expect(matchesEventPattern('{"source":["a"]}', { source: 'a' })).toBe(true);
  });
});
