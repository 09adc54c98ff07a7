/** The IP/CIDR and wildcard helpers, and compile-level semantics that are easy to get wrong. */
import { compileEventPattern } from '../../lib/patterns';
import { ipInRange, parseCidr, parseIp } from '../../lib/patterns/cidr';
import { parseWildcard, wildcardMatches } from '../../lib/patterns/wildcard';

describe('parseIp', () => {
  test.each([
    ['10.0.0.1', 4, 0x0a000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::1', 6, 1n],
    ['::', 6, 0n],
    ['2001:db8::ff00:42:8329', 6, 0x20010db8000000000000ff0000428329n],
    ['0011:2233:4455:6677:8899:aabb:ccdd:eeff', 6, 0x00112233445566778899aabbccddeeffn],
  ])('%s', (text, version, value) => {
    expect(parseIp(text)).toEqual({ version, value });
  });

  test.each(['700.168.0.1', 'foo', '10.10.10.10.10', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':'])(
    'rejects %s',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/24', '10.0.0.0', '10.0.0.255'],
    ['54.240.196.171/24', '54.240.196.0', '54.240.196.255'],
    ['13.32.0.0/15', '13.32.0.0', '13.33.255.255'],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255'],
    ['10.0.0.7/32', '10.0.0.7', '10.0.0.7'],
    ['2600:9000::/28', '2600:9000::', '2600:900f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ])('%s covers %s to %s', (cidr, first, last) => {
    const range = parseCidr(cidr);
    expect(range.first).toBe(parseIp(first)?.value);
    expect(range.last).toBe(parseIp(last)?.value);
    expect(ipInRange(range, first) && ipInRange(range, last)).toBe(true);
  });
});

describe('wildcard', () => {
  test.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['Simple*Service', 'SimpleNotificationService', true],
    ['\\*', '*', true],
    ['\\*', 'x', false],
  ])('%s against %j is %s', (pattern, text, expected) => {
    expect(wildcardMatches(parseWildcard(pattern), text)).toBe(expected);
  });
});

describe('compile-level semantics', () => {
  test('a field named both outside and inside an $or branch: the branch wins (event-ruler default)', () => {
    const compiled = compileEventPattern({ a: ['x'], $or: [{ a: ['y'] }, { b: ['z'] }] });
    expect(compiled.matches({ a: 'y' })).toBe(true);
    expect(compiled.matches({ a: 'x', b: 'z' })).toBe(true);
    expect(compiled.matches({ a: 'x' })).toBe(false);
  });

  test('dotted pattern keys and nested pattern objects are the same field', () => {
    const compiled = compileEventPattern({ detail: { 'state.status': ['running'] } });
    expect(compiled.matches({ detail: { state: { status: 'running' } } })).toBe(true);
    expect(compiled.matches({ 'detail.state': { status: 'running' } })).toBe(true);
  });

  test('exact numbers beyond the numeric limit still match by value (account ids)', () => {
    expect(compileEventPattern({ account: [123456789012] }).matches({ account: 123456789012 })).toBe(true);
  });

  test('inherited properties of the event are not fields', () => {
    const event = Object.create({ source: 'aws.ec2' }) as object;
    expect(compileEventPattern({ source: ['aws.ec2'] }).matches(event)).toBe(false);
    expect(compileEventPattern({ source: [{ exists: false }] }).matches(event)).toBe(true);
  });
});
