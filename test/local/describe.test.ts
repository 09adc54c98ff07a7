import { localOutputs } from '../../lib/local';
import type { AppModel, HttpApiModel, OutputModel } from '../../lib/model';

const api: HttpApiModel = { stack: 'S', logicalId: 'Api', name: 'api', apiId: 'abcdefghij', stages: ['$default'], routes: [] };
const model = (outputs: OutputModel[]): AppModel => ({ assemblyDir: '/x', region: 'us-east-1', accountId: '000000000000', functions: [], httpApis: [api], restApis: [], eventBuses: [], rules: [], queues: [], tables: [], outputs });
// An HTTP API, and a REST API whose local base URL carries its stage (only the origin is used).
const served = [{ api, url: 'http://127.0.0.1:3999' }, { api: { apiId: 'restapi123' }, url: 'http://127.0.0.1:4001/prod' }];

test.each([
  ['https://abcdefghij.execute-api.us-east-1.amazonaws.com', 'http://127.0.0.1:3999'],
  ['https://abcdefghij.execute-api.us-east-1.amazonaws.com/', 'http://127.0.0.1:3999/'],
  ['https://abcdefghij.execute-api.us-east-1.amazonaws.com/prod/items?x=1', 'http://127.0.0.1:3999/prod/items?x=1'],
  ['https://abcdefghij.execute-api.us-east-1.amazonaws.com.cn/', 'http://127.0.0.1:3999/'],
  ['https://restapi123.execute-api.us-east-1.amazonaws.com/prod/', 'http://127.0.0.1:4001/prod/'],
  // An API of a stack in another region: API ids are the app's own, whichever region the stack is in.
  ['https://abcdefghij.execute-api.eu-west-1.amazonaws.com/', 'http://127.0.0.1:3999/'],
  // Another API, or not a URL: already local values, left as they are.
  ['https://zzzzzzzzzz.execute-api.us-east-1.amazonaws.com/', 'https://zzzzzzzzzz.execute-api.us-east-1.amazonaws.com/'],
  ['SwitchyardShopBusA04C8693', 'SwitchyardShopBusA04C8693'],
])('an output %s is %s locally', (remote, local) => {
  expect(localOutputs(model([{ stack: 'S', key: 'K', value: remote }]), served)).toEqual([{ stack: 'S', key: 'K', value: local }]);
});

test('an output that could not be resolved stays so', () => {
  const unresolved: OutputModel = { stack: 'S', key: 'K', unresolved: 'no export' };
  expect(localOutputs(model([unresolved]), served)).toEqual([unresolved]);
});
