/**
 * A stack that reads another app's endpoint from SSM (`valueForStringParameter`, what
 * `EventApp.lookup` writes: a template parameter of type `AWS::SSM::Parameter::Value<String>`)
 * gets, locally, the value the other stack of the app stores under that name, as a deploy would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { readAppModel } from '../../lib/model';

/** Two CDK apps, synthesized apart as two teams would: the producer publishes its bus ARN, the consumer reads it. */
function synthTwoApps(): { producer: string; consumer: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-ssm-imports-'));
  const producerApp = new App({ outdir: path.join(root, 'producer') });
  const orders = new Stack(producerApp, 'Orders', { env: { account: '111111111111', region: 'us-east-1' } });
  const bus = new events.EventBus(orders, 'Bus', { eventBusName: 'orders' });
  new ssm.StringParameter(orders, 'BusArn', { parameterName: '/switchyard/Orders/bus-arn', stringValue: bus.eventBusArn });
  producerApp.synth();

  const consumerApp = new App({ outdir: path.join(root, 'consumer') });
  const billing = new Stack(consumerApp, 'Billing', { env: { account: '111111111111', region: 'us-east-1' } });
  new lambda.Function(billing, 'Publisher', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment: {
      ORDERS_BUS_ARN: ssm.StringParameter.valueForStringParameter(billing, '/switchyard/Orders/bus-arn'),
      UNPUBLISHED: ssm.StringParameter.valueForStringParameter(billing, '/switchyard/Nobody/bus-arn'),
    },
  });
  consumerApp.synth();
  return { producer: path.join(root, 'producer'), consumer: path.join(root, 'consumer') };
}

test("an SSM-typed template parameter resolves to the value another assembly's stack stores under its name", () => {
  const { producer, consumer } = synthTwoApps();
  const { model } = readAppModel([producer, consumer]);
  const env = model.functions.find((f) => f.logicalId.startsWith('Publisher'))!.environment;
  expect(env.ORDERS_BUS_ARN).toBe(model.eventBuses.find((b) => b.name === 'orders')!.arn);
  expect(env.ORDERS_BUS_ARN).toBe('arn:aws:events:us-east-1:111111111111:event-bus/orders');
  // A name no stack of the app stores keeps its default, the name itself, as before.
  expect(env.UNPUBLISHED).toBe('/switchyard/Nobody/bus-arn');
});

test('read alone, the consumer keeps the parameter name (nothing of the app stores it)', () => {
  const { consumer } = synthTwoApps();
  const { model } = readAppModel(consumer);
  expect(model.functions.find((f) => f.logicalId.startsWith('Publisher'))!.environment.ORDERS_BUS_ARN).toBe('/switchyard/Orders/bus-arn');
});
