import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAppModel } from '../../lib/model';

/** A hand-made assembly whose stack has outputs of each kind. */
function writeAssembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-outputs-'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json', stackName: 'my-app' } } },
  }));
  fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify({
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders' } },
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
    },
    Outputs: {
      BusName: { Value: { Ref: 'Bus' }, Description: 'the bus', Export: { Name: { 'Fn::Sub': '${AWS::StackName}-bus' } } },
      ApiUrl: { Value: { 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']] } },
      Shared: { Value: { 'Fn::ImportValue': 'nobody-exports-this' } },
    },
  }));
  return dir;
}

test('outputs are read with their local values, descriptions and export names; one that cannot be resolved says why', () => {
  const { model } = readAppModel(writeAssembly(), { region: 'eu-west-1' });
  expect(model.outputs).toEqual([
    { stack: 'App', key: 'BusName', value: 'orders', description: 'the bus', exportName: 'my-app-bus' },
    { stack: 'App', key: 'ApiUrl', value: expect.stringMatching(/^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/$/), description: undefined, exportName: undefined },
    { stack: 'App', key: 'Shared', unresolved: "No stack in the assembly exports 'nobody-exports-this'", description: undefined, exportName: undefined },
  ]);
});
