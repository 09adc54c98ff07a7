/**
 * The construct's `idempotency: true` and the runtime's idempotent() together, as a user runs
 * them: a route's handler, bundled, served by the local runtime, its records in the table the
 * construct created (through the name in its environment and the local DynamoDB).
 */
import { App, Stack } from 'aws-cdk-lib';
import { EventApp } from '../../lib';
import { startLocalApp } from '../../lib/testing/local-app';

test('a repeated request gets the first answer; another key or another amount does not', async () => {
  const stack = new Stack(new App(), 'Charges');
  new EventApp(stack, 'Payments', { idempotency: true }).addRoute('POST /charges', { entry: 'test/runtime/fixtures/charge.ts' });
  const local = await startLocalApp({ stack });
  try {
    const post = async (key: string, amount: number) => {
      const res = await fetch(`${local.urls[0]}/charges`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ amount }) });
      return { status: res.status, body: (await res.json()) as { chargeId?: string; amount?: number; message?: string } };
    };
    const first = await post('k-1', 42);
    expect(first).toEqual({ status: 201, body: { chargeId: expect.any(String), amount: 42 } });
    expect(await post('k-1', 42)).toEqual(first);
    const other = await post('k-2', 42);
    expect(other.status).toBe(201);
    expect(other.body.chargeId).not.toBe(first.body.chargeId);
    expect(await post('k-1', 43)).toEqual({ status: 422, body: expect.objectContaining({ message: 'The idempotency key was used before with a different payload' }) });
  } finally {
    await local.stop();
  }
});
