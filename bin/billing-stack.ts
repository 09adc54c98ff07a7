import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EventApp, type EventForwarding } from '../lib';
import { OrderPlaced } from '../lambdas/events';

/** Props of the example billing service. */
export interface BillingStackProps extends StackProps {
  /** The shop, whose OrderPlaced events billing receives. */
  readonly shop: EventApp;
}

/**
 * A separate billing service: its own app and bus, receiving the shop's OrderPlaced through a
 * forwarding rule on the shop's bus (placed in the shop's stack, with a role only that rule may
 * assume and a dead-letter queue for what cannot be handed over). Billing issues an invoice per
 * order; an order it cannot bill is retried by Lambda and ends in its subscription's
 * dead-letter queue.
 */
export class BillingStack extends Stack {
  /** The billing app. */
  public readonly app: EventApp;
  /** The forwarding of OrderPlaced from the shop's bus to billing's. */
  public readonly fromShop: EventForwarding;

  constructor(scope: Construct, id: string, props: BillingStackProps) {
    super(scope, id, props);
    const app = new EventApp(this, 'Billing', { functionDefaults: { environment: { POWERTOOLS_SERVICE_NAME: 'billing' } } });
    this.app = app;
    this.fromShop = app.receiveEvents('FromShop', { from: props.shop, events: [OrderPlaced] });
    app.addSubscription('BillOrder', { event: OrderPlaced, handler: { entry: 'lambdas/billing/bill-order.ts' }, through: this.fromShop });
  }
}
