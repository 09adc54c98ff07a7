import { displayNames, type NameSource } from '../../lib/model/names';

/** A function resource as CDK synthesizes it: path metadata, maybe an explicit FunctionName. */
function fn(cdkPath: string | undefined, logicalId: string, functionName?: string): NameSource {
  const name = functionName ?? `Stack-${logicalId}`;
  return {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    logicalId,
    resource: { Type: 'AWS::Lambda::Function', Properties: functionName ? { FunctionName: functionName } : {}, Metadata: cdkPath ? { 'aws:cdk:path': cdkPath } : {} },
  };
}

describe('displayNames', () => {
  test.each<[string, NameSource[], string[]]>([
    ['the declared construct id, without CDK structural ids', [fn('Shop/App/Functions/PlaceOrder/Resource', 'AppFunctionsPlaceOrder418D3313')], ['PlaceOrder']],
    ['an explicit physical name, as in AWS', [fn('Shop/App/Functions/PlaceOrder/Resource', 'AppFunctionsPlaceOrder418D3313', 'shop-place-order')], ['shop-place-order']],
    ['a kind id (Rule, Api) names the parent', [fn('Shop/App/Nightly/Rule/Resource', 'AppNightlyRule656D03B1')], ['Nightly']],
    ['DeadLetters keeps its parent', [fn('Shop/App/Nightly/DeadLetters/Resource', 'AppNightlyDeadLetters1CE364F2')], ['Nightly/DeadLetters']],
    [
      'equal ids take parents until they differ',
      [fn('Shop/Orders/Handler/Resource', 'OrdersHandlerAAAAAAAA'), fn('Shop/Payments/Handler/Resource', 'PaymentsHandlerBBBBBBBB'), fn('Shop/Solo/Resource', 'SoloCCCCCCCC')],
      ['Orders/Handler', 'Payments/Handler', 'Solo'],
    ],
    ['no path metadata: the logical id less its hash', [fn(undefined, 'HttpFnC45B36EC'), fn(undefined, 'TickFn6513F4AE')], ['HttpFn', 'TickFn']],
    ['no path metadata and equal stems: the logical ids', [fn(undefined, 'FnAAAAAAAA'), fn(undefined, 'FnBBBBBBBB')], ['FnAAAAAAAA', 'FnBBBBBBBB']],
    [
      'never another function\'s physical name: the declared id takes its parent',
      [fn('Shop/Legacy/Resource', 'LegacyDDDDDDDD', 'PlaceOrder'), fn('Shop/App/PlaceOrder/Resource', 'AppPlaceOrderEEEEEEEE')],
      ['PlaceOrder', 'App/PlaceOrder'],
    ],
  ])('%s', (_, sources, expected) => {
    expect(displayNames(sources, 'FunctionName')).toEqual(expected);
  });

  test('names are unique whatever the paths', () => {
    const sources = ['A/X', 'B/X', 'A/B/X', 'X', 'C/Y/Resource', 'C/Y/Default'].map((p, i) => fn(`Stack/${p}`, `Id${i}AAAAAAAA`));
    const names = displayNames(sources, 'FunctionName');
    expect(new Set(names).size).toBe(sources.length);
  });
});
