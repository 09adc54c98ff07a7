/**
 * publish() through an EventBridge global endpoint, end to end: the real
 * @aws-sdk/client-eventbridge client against the local endpoint of a running app. A middleware
 * at the SDK's last step records each request as it goes on the wire (signed), so the test
 * sees what AWS would receive: `EndpointId` in the body, and a SigV4a signature.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { HttpRequest } from '@smithy/types';
import { z } from 'zod';
import { LocalApp } from '../../lib/local';
import { defineEvent, publish } from '../../lib/runtime';
import { clientConfig, synthMultiApp } from '../local/helpers';

const Ping = defineEvent({ source: 'test.endpoint', detailType: 'Ping', schema: z.object({ id: z.string() }) });

// The producer of the several-apps fixture: the `orders` bus (us-east-1) behind a global endpoint.
let app: LocalApp;
let endpointId: string;
let ordersArn: string;
beforeAll(async () => {
  app = await LocalApp.start(synthMultiApp('producer'), { httpPort: 0, awsPort: 0, schedules: false });
  endpointId = app.model.globalEndpoints![0].endpointId;
  ordersArn = app.model.eventBuses.find((b) => b.name === 'orders' && b.arn.includes(':us-east-1:'))!.arn;
});
afterAll(async () => {
  await app?.stop();
});

/** A client of the local endpoint that records every request it sends, signed. */
function recordingClient(): { client: EventBridgeClient; sent: HttpRequest[] } {
  const client = new EventBridgeClient(clientConfig(app));
  const sent: HttpRequest[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      sent.push(args.request as HttpRequest);
      return next(args);
    },
    { step: 'deserialize', name: 'recordSignedRequest' },
  );
  return { client, sent };
}

const bodyOf = (request: HttpRequest) => JSON.parse(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array)) as { EndpointId?: string; Entries: Array<{ EventBusName: string }> };

test('with endpointId, PutEvents carries EndpointId, is signed with SigV4a for every region, and the event is accepted', async () => {
  const { client, sent } = recordingClient();
  const result = await publish(Ping, [{ id: 'a' }, { id: 'b' }], { client, eventBusName: 'orders', endpointId });

  expect(result.eventIds).toHaveLength(2);
  expect(sent).toHaveLength(1);
  expect(bodyOf(sent[0]!)).toMatchObject({ EndpointId: endpointId, Entries: [{ EventBusName: 'orders' }, { EventBusName: 'orders' }] });
  expect(sent[0]!.headers.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 Credential=local\/\d{8}\/events\/aws4_request, SignedHeaders=[^,]*x-amz-region-set[^,]*, Signature=[0-9a-f]+$/);
  expect(sent[0]!.headers['x-amz-region-set']).toBe('*');
  client.destroy();
});

test("SWITCHYARD_EVENT_ENDPOINT_ID (set by globalEndpoint) is the default on the app's own bus, not on another nor on another app's", async () => {
  const { client, sent } = recordingClient();
  const saved = { bus: process.env.SWITCHYARD_BUS_NAME, endpoint: process.env.SWITCHYARD_EVENT_ENDPOINT_ID };
  Object.assign(process.env, { SWITCHYARD_BUS_NAME: 'orders', SWITCHYARD_EVENT_ENDPOINT_ID: endpointId });
  try {
    await publish(Ping, { id: 'c' }, { client });
    await publish(Ping, { id: 'c' }, { client, eventBusName: 'orders' });
    await publish(Ping, { id: 'c' }, { client, eventBusName: 'default' });
    // Another app's bus by ARN (here the same local bus, the one the endpoint serves).
    await publish(Ping, { id: 'c' }, { client, app: { busArn: ordersArn } });
  } finally {
    for (const [name, value] of [['SWITCHYARD_BUS_NAME', saved.bus], ['SWITCHYARD_EVENT_ENDPOINT_ID', saved.endpoint]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  expect(sent.map((request) => bodyOf(request).EndpointId)).toEqual([endpointId, endpointId, undefined, undefined]);
  client.destroy();
});

test('without an endpoint, PutEvents has no EndpointId and is signed with SigV4 for the region', async () => {
  const { client, sent } = recordingClient();
  await publish(Ping, { id: 'd' }, { client, eventBusName: 'orders' });
  expect(bodyOf(sent[0]!)).not.toHaveProperty('EndpointId');
  expect(sent[0]!.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=local/\\d{8}/${app.model.region}/events/aws4_request`));
  client.destroy();
});
