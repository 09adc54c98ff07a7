// Type tests, checked by `tsc --noEmit` (not run by jest): queue and stream filters are typed
// like subscriptions' `where`.
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { EventApp, QueueMessageFilter, StreamRecordFilter } from '../../lib';

interface Order {
  readonly orderId: string;
  readonly total: number;
  readonly status: 'placed' | 'paid';
}
const app = new EventApp(new Stack(new App(), 'Types'), 'App');
const table = app.addTable('Orders', { partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING } });

// A body of any JSON shape, a text body, attributes, and $or.
app.addQueue('Any', {
  handler: 'x.ts',
  filters: [
    { body: { status: ['paid'], total: [{ numeric: ['>', 10] }] } },
    { body: [{ prefix: 'urgent:' }] },
    { attributes: { MessageGroupId: [{ prefix: 'eu-' }] }, messageAttributes: { kind: { stringValue: ['order'] } } },
    { $or: [{ body: { status: ['paid'] } }, { body: { total: [{ numeric: ['>=', 100] }] } }] },
  ],
});
// A body typed by its shape.
const paid: QueueMessageFilter<Order> = { body: { status: ['paid'], total: [{ numeric: ['>', 100] }] } };
app.addQueue('Typed', { handler: 'x.ts', filters: [paid] });
// @ts-expect-error `total` is a number
const wrongType: QueueMessageFilter<Order> = { body: { total: ['ten'] } };
// @ts-expect-error 'shipped' is not a status
const wrongValue: QueueMessageFilter<Order> = { body: { status: ['shipped'] } };
// @ts-expect-error a message has no top-level `status`: it is in the body
app.addQueue('Misplaced', { handler: 'x.ts', filters: [{ status: ['paid'] }] });

// Stream records: the event name, images as attribute values.
const shipped: StreamRecordFilter = { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { status: { S: ['shipped'] }, total: { N: [{ prefix: '1' }] } } } };
app.addTableStream('Ship', { table, handler: 'x.ts', filters: [shipped, { dynamodb: { Keys: { orderId: { S: [{ prefix: 'eu-' }] } } } }] });
// @ts-expect-error UPSERT is not an event name
app.addTableStream('BadName', { table, handler: 'x.ts', filters: [{ eventName: ['UPSERT'] }] });
// @ts-expect-error images are under `dynamodb`
app.addTableStream('BadPlace', { table, handler: 'x.ts', filters: [{ NewImage: { status: { S: ['x'] } } }] });

export { wrongType, wrongValue };
