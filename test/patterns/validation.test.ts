/**
 * Invalid patterns: each must be rejected with EventBridge's reason text and the location
 * of the problem. Reasons marked (AWS) were recorded against the real service
 * (localstack's AWS-validated snapshots); the others are aws/event-ruler's texts.
 */
import {
  EVENT_PATTERN_DEFAULT_QUOTA,
  InvalidEventPatternError,
  compileEventPattern,
  validateEventPattern,
} from '../../lib/patterns';

type Invalid = [label: string, pattern: string | object, reason: string | RegExp, path: string];

const invalid: Invalid[] = [
  // Structure
  ['not an object (AWS)', '["not", "a", "dict"]', 'Filter is not an object', ''],
  ['a number', '42', 'Filter is not an object', ''],
  ['not JSON', "{'bad': 'quotation'}", /^Filter is not valid JSON: /, ''],
  ['empty pattern', {}, 'Empty objects are not allowed', ''],
  ['empty nested object', { source: ['a'], detail: {} }, 'Empty objects are not allowed', 'detail'],
  ['string leaf, not in an array (AWS)', { string: 'my-value' }, '"string" must be an object or an array', 'string'],
  ['number leaf, not in an array (AWS)', { detail: { int: 42 } }, '"int" must be an object or an array', 'detail.int'],
  ['null leaf', { detail: { x: null } }, '"x" must be an object or an array', 'detail.x'],
  ['empty array (AWS)', { resources: [] }, 'Empty arrays are not allowed', 'resources'],
  ['array inside the values', { a: [['x']] }, 'Match value must be String, number, true, false, or null', 'a'],
  ['too long', { source: ['x'.repeat(5000)] }, /^Event pattern is \d+ characters long; the maximum is 4096$/, ''],

  // Match expressions
  ['empty match expression', { a: [{}] }, 'Match expression name not found', 'a'],
  ['unknown operator (AWS)', { detail: { equal: [{ NUMERIC: ['=', 5] }] } }, 'Unrecognized match type NUMERIC', 'detail.equal'],
  ['operators are case-sensitive (AWS)', { my_key: [{ EXISTS: true }] }, 'Unrecognized match type EXISTS', 'my_key'],
  ['two operators in one object', { a: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression', 'a'],

  // prefix / suffix / equals-ignore-case
  ['prefix with a number (AWS)', { time: [{ prefix: 123 }] }, 'prefix match pattern must be a string', 'time'],
  ['prefix with a list (AWS)', { time: [{ prefix: ['2022-07-13'] }] }, 'prefix match pattern must be a string', 'time'],
  ['suffix with a number (AWS)', { FileName: [{ suffix: 123 }] }, 'suffix match pattern must be a string', 'FileName'],
  ['suffix with a list (AWS)', { FileName: [{ suffix: ['.png'] }] }, 'suffix match pattern must be a string', 'FileName'],
  ['prefix with an unknown modifier', { a: [{ prefix: { wildcard: 'x' } }] }, 'Unsupported prefix pattern: wildcard', 'a'],
  ['suffix with an empty modifier', { a: [{ suffix: {} }] }, 'Suffix expression name not found', 'a'],
  ['prefix ignore-case with a number', { a: [{ prefix: { 'equals-ignore-case': 1 } }] }, 'equals-ignore-case match pattern must be a string', 'a'],
  ['equals-ignore-case with a list (AWS)', { 'detail-type': [{ 'equals-ignore-case': ['ec2'] }] }, 'equals-ignore-case match pattern must be a string', 'detail-type'],
  ['equals-ignore-case with an object (AWS)', { 'detail-type': [{ 'equals-ignore-case': { prefix: 'ec2' } }] }, 'equals-ignore-case match pattern must be a string', 'detail-type'],

  // anything-but
  ['anything-but with mixed list', { a: [{ 'anything-but': ['a', 1] }] }, 'Inside anything but list, either all values are number or string, mixed type is not supported', 'a'],
  ['anything-but with null in list', { a: [{ 'anything-but': ['a', null] }] }, 'Inside anything but list, start|null|boolean is not supported.', 'a'],
  ['anything-but with empty list', { a: [{ 'anything-but': [] }] }, 'Inside anything but list, either all values are number or string, mixed type is not supported', 'a'],
  ['anything-but with a boolean', { a: [{ 'anything-but': true }] }, 'Value of anything-but must be an array or single string/number value.', 'a'],
  ['anything-but with unknown modifier', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern: numeric', 'a'],
  ['anything-but with empty modifier', { a: [{ 'anything-but': {} }] }, 'Anything-But expression name not found', 'a'],
  ['anything-but prefix with a number (AWS)', { detail: { state: [{ 'anything-but': { prefix: 123 } }] } }, 'prefix/suffix match pattern must be a string', 'detail.state'],
  ['anything-but prefix list with a number (AWS)', { detail: { state: [{ 'anything-but': { prefix: [123, 'test'] } }] } }, 'prefix/suffix match pattern must be a string', 'detail.state'],
  ['anything-but suffix with a number (AWS)', { detail: { FileName: [{ 'anything-but': { suffix: 123 } }] } }, 'prefix/suffix match pattern must be a string', 'detail.FileName'],
  ['anything-but empty prefix', { a: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed', 'a'],
  ['anything-but prefix with ignore-case (AWS)', { detail: { FileName: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] } }, 'Value of anything-but must be an array or single string/number value.', 'detail.FileName'],
  ['anything-but ignore-case with a number (AWS)', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 123 } }] } }, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', 'detail.state'],
  ['anything-but ignore-case list of numbers (AWS)', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': [123, 456] } }] } }, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', 'detail.state'],
  ['anything-but wildcard with a number (AWS)', { detail: { FilePath: [{ 'anything-but': { wildcard: 123 } }] } }, 'wildcard match pattern must be a string', 'detail.FilePath'],
  ['anything-but wildcard list with a number (AWS)', { detail: { state: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] } }, 'wildcard match pattern must be a string', 'detail.state'],
  ['anything-but wildcard with **', { a: [{ 'anything-but': { wildcard: 'a**' } }] }, 'Consecutive wildcard characters at pos 2', 'a'],

  // numeric
  ['numeric not an array', { a: [{ numeric: '>5' }] }, 'Value of numeric must be an array.', 'a'],
  ['numeric empty', { a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]', 'a'],
  ['numeric starting with a number', { a: [{ numeric: [5, '<'] }] }, 'Invalid member in numeric match: 5', 'a'],
  ['numeric unknown operator', { a: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !=', 'a'],
  ['numeric > with a string', { a: [{ numeric: ['>', 'a'] }] }, 'Value of > must be numeric', 'a'],
  ['numeric = with a string', { a: [{ numeric: ['=', '5'] }] }, 'Value of equals must be numeric', 'a'],
  ['numeric range missing its value (AWS)', { detail: { 'c-count': [{ numeric: ['>', 0, '<'] }] } }, 'Value of < must be numeric', 'detail.c-count'],
  ['numeric two lower bounds (AWS)', { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } }, 'Bad numeric range operator: >', 'detail.c-count'],
  ['numeric < then another <', { a: [{ numeric: ['<', 5, '<', 3] }] }, 'Too many elements in numeric expression', 'a'],
  ['numeric = with extra terms', { a: [{ numeric: ['=', 5, '<', 3] }] }, 'Too many elements in numeric expression', 'a'],
  ['numeric range with a number for operator', { a: [{ numeric: ['>', 0, 5, 10] }] }, 'Bad value in numeric range: 5', 'a'],
  ['numeric range with five terms', { a: [{ numeric: ['>', 0, '<', 5, 6] }] }, 'Too many terms in numeric range expression', 'a'],
  ['numeric lower bound above upper', { a: [{ numeric: ['>', 5, '<', 3] }] }, 'Bottom must be less than top', 'a'],
  ['numeric empty range', { a: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top', 'a'],
  ['numeric beyond 5e9', { a: [{ numeric: ['>', 6e9] }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive', 'a'],
  ['numeric with a second key', { a: [{ numeric: ['>', 1], x: 1 }] }, 'Too many elements in numeric expression', 'a'],

  // exists
  ['exists with a string', { a: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.', 'a'],
  ['exists with a second key', { a: [{ exists: true, prefix: 'x' }] }, 'Only one key allowed in match expression', 'a'],

  // cidr
  ['cidr without a mask (AWS)', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0' }] } }, "Malformed CIDR, one '/' required", 'detail.sourceIPAddress'],
  ['cidr mask not a number (AWS)', { ip: [{ cidr: '10.0.0.0/xx' }] }, 'Malformed CIDR, mask bits must be an integer', 'ip'],
  ['cidr negative mask', { ip: [{ cidr: '10.0.0.0/-1' }] }, 'Malformed CIDR, mask bits must not be negative', 'ip'],
  ['cidr not an IP (AWS)', { ip: [{ cidr: 'xx.11.xx/24' }] }, 'Nonstandard IP address: xx.11.xx', 'ip'],
  ['cidr IPv6 not an IP (AWS)', { ip: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, 'Nonstandard IP address: xxxx:db8:1234:1a00::', 'ip'],
  ['cidr invalid IPv4', { ip: [{ cidr: '700.0.0.0/8' }] }, 'Invalid IP address: 700.0.0.0', 'ip'],
  ['cidr IPv4 mask too large', { ip: [{ cidr: '10.0.0.0/33' }] }, 'IPv4 mask bits must be <= 32', 'ip'],
  ['cidr IPv6 mask too large', { ip: [{ cidr: '2001:db8::/129' }] }, 'IPv6 mask bits must be <= 128', 'ip'],
  ['cidr with a list (AWS)', { detail: { sourceIPAddress: [{ cidr: ['bad-type'] }] } }, 'prefix match pattern must be a string', 'detail.sourceIPAddress'],

  // wildcard
  ['wildcard with ** (AWS)', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, 'Consecutive wildcard characters at pos 26', 'EventBusArn'],
  ['wildcard with a number (AWS)', { EventBusArn: [{ wildcard: 123 }] }, 'wildcard match pattern must be a string', 'EventBusArn'],
  ['wildcard with a list (AWS)', { EventBusArn: [{ wildcard: ['a*'] }] }, 'wildcard match pattern must be a string', 'EventBusArn'],
  ['wildcard bad escape', { a: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2', 'a'],
  ['wildcard trailing backslash', { a: [{ wildcard: 'ab\\' }] }, 'Invalid escape character at pos 3', 'a'],

  // $or
  ['$or with one alternative', { $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.', '$or'],
  ['$or not an array', { detail: { $or: { a: ['x'] } } }, 'It must be an Array followed with $or.', 'detail.$or'],
  ['$or with a non-object', { $or: [{ a: ['x'] }, ['y']] }, 'Only JSON object is allowed in array of $or relationship.', '$or[1]'],
  ['$or with an empty branch', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '$or[1]'],
  ['$or branch using an operator name as field', { $or: [{ numeric: [1] }, { prefix: ['abc'] }] }, 'numeric is Ruler reserved fieldName which cannot be used inside $or.', '$or[0].numeric'],
  ['$or branch with a bad value', { detail: { $or: [{ a: ['x'] }, { b: [{ prefix: 1 }] }] } }, 'prefix match pattern must be a string', 'detail.$or[1].b'],
];

describe('invalid patterns', () => {
  test.each(invalid)('%s', (_label, pattern, reason, path) => {
    expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPatternError);
    const error = validateEventPattern(pattern);
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error?.code).toBe('InvalidEventPatternException');
    if (typeof reason === 'string') expect(error?.reason).toBe(reason);
    else expect(error?.reason).toMatch(reason);
    expect(error?.path).toBe(path);
    expect(error?.message.startsWith('Event pattern is not valid. Reason: ')).toBe(true);
  });
});

const valid: [label: string, pattern: string | object][] = [
  ['empty string value', { a: [''] }],
  ['null value', { a: [null] }],
  ['empty prefix', { a: [{ prefix: '' }] }],
  ['anything-but with empty modifier list', { a: [{ 'anything-but': { prefix: [] } }] }],
  ['numeric at the limits', { a: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }],
  ['a number beyond the limit as exact value (account ids)', { account: [123456789012] }],
  ['wildcard with escapes', { a: [{ wildcard: 'a\\*b\\\\c*' }] }],
  ['cidr /0 and /32', { a: [{ cidr: '0.0.0.0/0' }, { cidr: '10.0.0.1/32' }] }],
  ['"$or" inside a field name is a field name', { 'a$or': ['x'] }],
  ['the same field outside and inside $or', { a: ['x'], $or: [{ a: ['y'] }, { b: ['z'] }] }],
  ['an operator name as a plain field outside $or', { prefix: ['x'] }],
  ['JSON text with whitespace', '{\n  "source": [ "aws.ec2" ]\n}'],
];

describe('valid patterns', () => {
  test.each(valid)('%s', (_label, pattern) => {
    expect(validateEventPattern(pattern)).toBeUndefined();
  });

  test('the default quota can be enforced with maxLength', () => {
    const pattern = { source: ['x'.repeat(3000)] };
    expect(validateEventPattern(pattern)).toBeUndefined();
    expect(validateEventPattern(pattern, { maxLength: EVENT_PATTERN_DEFAULT_QUOTA })?.reason).toMatch(
      /the maximum is 2048$/,
    );
  });
});
