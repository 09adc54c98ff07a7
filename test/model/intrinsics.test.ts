import { IntrinsicResolver, UnresolvableIntrinsicError, type CfnTemplate } from '../../lib/model';

const template: CfnTemplate = {
  Parameters: { Stage: { Default: 'dev' } },
  Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] } },
  Resources: { Fn: { Type: 'AWS::Lambda::Function' } },
};
const resolver = new IntrinsicResolver(
  template,
  { region: 'eu-west-1', accountId: '000000000000', stackName: 'S', partition: 'aws', urlSuffix: 'amazonaws.com' },
  { ref: (id) => `ref:${id}`, getAtt: (id, attr) => `att:${id}.${attr}` },
  new Map([['SharedBus', 'bus-name']]),
);

describe('IntrinsicResolver', () => {
  test.each<[string, unknown, unknown]>([
    ['plain values pass through', { a: [1, 'x', null] }, { a: [1, 'x', null] }],
    ['Ref to a resource', { Ref: 'Fn' }, 'ref:Fn'],
    ['Ref to a parameter takes its default', { Ref: 'Stage' }, 'dev'],
    ['pseudo parameters', { 'Fn::Join': [':', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }, { Ref: 'AWS::StackName' }]] }, 'eu-west-1:000000000000:aws:S'],
    ['GetAtt as a list', { 'Fn::GetAtt': ['Fn', 'Arn'] }, 'att:Fn.Arn'],
    ['GetAtt as a dotted string', { 'Fn::GetAtt': 'Fn.Arn' }, 'att:Fn.Arn'],
    ['Join of nested intrinsics', { 'Fn::Join': ['', ['integrations/', { Ref: 'Fn' }]] }, 'integrations/ref:Fn'],
    ['Sub with refs, attributes, pseudo params and a literal', { 'Fn::Sub': 'a-${Fn}-${Fn.Arn}-${AWS::Region}-${!Literal}' }, 'a-ref:Fn-att:Fn.Arn-eu-west-1-${Literal}'],
    ['Sub with a variable map', { 'Fn::Sub': ['${X}/${AWS::URLSuffix}', { X: { Ref: 'Fn' } }] }, 'ref:Fn/amazonaws.com'],
    ['Select of Split', { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'b'],
    ['ImportValue of an export', { 'Fn::ImportValue': 'SharedBus' }, 'bus-name'],
    ['If on a condition', { 'Fn::If': ['IsDev', 'yes', 'no'] }, 'yes'],
    ['nested objects are resolved inside', { Variables: { A: { Ref: 'Fn' }, B: 'b' } }, { Variables: { A: 'ref:Fn', B: 'b' } }],
  ])('%s', (_name, input, expected) => {
    expect(resolver.resolve(input)).toEqual(expected);
  });

  test('an unknown export fails with the export name', () => {
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'Nope' })).toThrow(/exports 'Nope'/);
  });

  test('an unsupported intrinsic fails with a named error', () => {
    expect(() => resolver.resolve({ 'Fn::Transform': {} })).toThrow(UnresolvableIntrinsicError);
  });
});
