/**
 * EventBridge's limits on patterns: the "rule is too complex" check on wildcards (against rules
 * EventBridge was seen to accept and refuse), the length limit, and the bound on `$or`
 * combinations; at synth they are coded SY120 errors with EventBridge's reason.
 */
import { App, Stack } from 'aws-cdk-lib';
import { ErrorCode, EventApp, SwitchyardError } from '../../lib';
import { compileEventPattern, validateEventPattern } from '../../lib/patterns';
import { MAX_SUB_RULES } from '../../lib/patterns/compile';
import { Reasons } from '../../lib/patterns/errors';

const TOO_COMPLEX = 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';
const keyWildcards = (...ws: string[]) => ({ source: ['aws.s3'], detail: { object: { key: ws.map((w) => ({ wildcard: w })) } } });
const stackWildcards = (...names: string[]) => ({ source: ['aws.cloudformation'], detail: { 'stack-id': names.map((n) => ({ wildcard: `*:stack/${n}/*` })) } });

describe('wildcard complexity, as EventBridge was seen to decide it', () => {
  // Rules deployed by public projects: accepted, or refused with "Rule is too complex".
  test.each([
    ['four extensions on one key', keyWildcards('*.bif', '*.tiff', '*.tif', '*.svs')],
    ['two prefixed extensions on one key', keyWildcards('*/datasync/*.bif', '*/datasync/*.tif')],
    ['three stack ids', stackWildcards('SharedStack', 'ApiStack', 'DataStack')],
  ])('accepted: %s', (_name, pattern) => {
    expect(validateEventPattern(pattern)).toBeUndefined();
  });

  test.each([
    ['four prefixed extensions on one key', keyWildcards('*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.tiff', '*/datasync/*.svs')],
    ['four stack ids', stackWildcards('SharedStack', 'ApiStack', 'DataStack', 'MonitoringStack')],
  ])('refused: %s', (_name, pattern) => {
    expect(validateEventPattern(pattern)?.reason).toBe(TOO_COMPLEX);
  });

  test('a wildcard repeating one character after each star is refused', () => {
    expect(validateEventPattern(keyWildcards(`a${'*a'.repeat(20)}`))?.reason).toBe(TOO_COMPLEX);
    expect(validateEventPattern(keyWildcards('a*a'))).toBeUndefined();
  });

  test('wildcards on different fields do not add up; on one field across $or branches they do', () => {
    const three = ['SharedStack', 'ApiStack', 'DataStack'].map((n) => ({ wildcard: `*:stack/${n}/*` }));
    expect(validateEventPattern({ detail: { a: three, b: three, c: three } })).toBeUndefined();
    const split = { detail: { $or: [{ 'stack-id': three.slice(0, 2) }, { 'stack-id': [...three.slice(2), { wildcard: '*:stack/MonitoringStack/*' }] }] } };
    expect(validateEventPattern(split)?.reason).toBe(TOO_COMPLEX);
  });

  test('anything-but wildcards count too', () => {
    const values = ['SharedStack', 'ApiStack', 'DataStack', 'MonitoringStack'].map((n) => ({ 'anything-but': { wildcard: `*:stack/${n}/*` } }));
    expect(validateEventPattern({ detail: { 'stack-id': values } })?.reason).toBe(TOO_COMPLEX);
    expect(validateEventPattern({ detail: { 'stack-id': values.slice(0, 3) } })).toBeUndefined();
  });

  test('a refused pattern is thrown as InvalidEventPatternException with the AWS prefix', () => {
    expect(() => compileEventPattern(stackWildcards('A', 'B', 'C', 'D'))).toThrow(`Event pattern is not valid. Reason: ${TOO_COMPLEX}`);
  });
});

describe('combinations of $or', () => {
  /** `depth` nested objects, each with a two-branch $or: 2^depth sub-rules. */
  const nestedOr = (depth: number): Record<string, unknown> => {
    const level: Record<string, unknown> = {};
    for (let i = 0; i < depth; i++) level[`f${i}`] = { $or: [{ a: [1] }, { b: [2] }] };
    return { detail: level };
  };

  test(`a pattern expanding past ${MAX_SUB_RULES} alternatives is refused without expanding it`, () => {
    // 2^100 alternatives in under 4096 characters: expanded, this would never finish.
    expect(JSON.stringify(nestedOr(100)).length).toBeLessThan(4096);
    expect(validateEventPattern(nestedOr(100))?.reason).toBe(Reasons.tooManyCombinations(MAX_SUB_RULES));
  });

  test('a pattern within the bound compiles and matches', () => {
    const rule = compileEventPattern(nestedOr(8));
    expect(rule.matches({ detail: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, { a: 1 }])) })).toBe(true);
    expect(rule.matches({ detail: { f0: { a: 1 } } })).toBe(false);
  });
});

describe('at synth', () => {
  const subscribe = (pattern: Record<string, unknown>) => {
    const app = new EventApp(new Stack(new App(), 'Test'), 'Shop');
    return () => app.addSubscription('S', { pattern, handler: 'test/fixtures/handlers/hello.ts' });
  };

  test.each([
    ['too complex', stackWildcards('A', 'B', 'C', 'D'), TOO_COMPLEX],
    ['too long', { source: ['x'.repeat(4100)] }, 'characters long; the maximum is 4096'],
    ['too many $or combinations', { detail: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, { $or: [{ a: [1] }, { b: [2] }] }])) }, 'alternatives'],
  ])('a pattern %s is a coded SY120 error with the reason', (_name, pattern, reason) => {
    let thrown: unknown;
    try {
      subscribe(pattern)();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SwitchyardError);
    expect((thrown as SwitchyardError).code).toBe(ErrorCode.INVALID_EVENT_PATTERN);
    expect((thrown as SwitchyardError).message).toContain(reason);
  });
});
