import { Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EventApp } from '../lib';
import { OrderPlaced } from '../lambdas/events';

/** Props of the example billing service. */
export interface BillingStackProps extends StackProps {
  /** The shop's bus, whose OrderPlaced events billing subscribes to. */
  readonly shopBus: events.IEventBus;
}

/**
 * A separate billing service: its own app and bus, subscribed to the shop's OrderPlaced
 * through a rule on the shop's bus that forwards them to billing's bus. Billing issues an
 * invoice per order; an order it cannot bill is retried and ends in its subscription's
 * dead-letter queue.
 *
 * The forwarding is plain aws-cdk-lib (a rule with an event bus target, with its own DLQ for
 * events the shop's bus cannot hand over) until the cross-app constructs of issue 17 land.
 */
export class BillingStack extends Stack {
  /** The billing app. */
  public readonly app: EventApp;
  /** The rule on the shop's bus that forwards OrderPlaced to billing's bus. */
  public readonly forward: events.Rule;

  constructor(scope: Construct, id: string, props: BillingStackProps) {
    super(scope, id, props);
    const app = new EventApp(this, 'Billing', { functionDefaults: { environment: { POWERTOOLS_SERVICE_NAME: 'billing' } } });
    this.app = app;
    app.addSubscription('BillOrder', { event: OrderPlaced, handler: { entry: 'lambdas/billing/bill-order.ts' } });

    // Events the shop's bus could not hand to billing's (after EventBridge's retries) wait here.
    const undelivered = new sqs.Queue(this, 'ForwardDeadLetters', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
    this.forward = new events.Rule(this, 'OrderPlacedFromShop', {
      eventBus: props.shopBus,
      description: "Forwards the shop's OrderPlaced to billing's bus",
      eventPattern: { source: [OrderPlaced.source], detailType: [OrderPlaced.detailType] },
      targets: [new targets.EventBus(app.bus, { deadLetterQueue: undelivered })],
    });
  }
}
